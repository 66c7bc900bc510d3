//! The twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 (Ed25519's), in extended coordinates
//! (X : Y : Z : T) with x = X/Z, y = Y/Z, xy = T/Z (Hisil, Wong, Carter, Dawson 2008, a = -1).
//! For verification: every point and scalar here is public, so decoding and the double-scalar
//! multiplication take value-dependent paths.

use subtle::ConstantTimeEq;

use super::{
    Field,
    base_table::{BASE_MULTIPLES, BASE_ODD},
    scalar,
};
use crate::naf::SparseNaf;

/// d = -121665/121666.
const D: [u8; 32] = [
    0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
    0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
];

/// 2d.
const D2: [u8; 32] = [
    0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
    0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
];

/// A square root of -1: 2^((p - 1) / 4).
const SQRT_M1: [u8; 32] = [
    0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
    0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
];

/// The base point B, encoded (y = 4/5, x even).
#[cfg(test)]
const BASE: [u8; 32] = [
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
];

/// An affine point prepared for addition: (y + x, y - x, 2dxy), with Z = 1.
#[derive(Clone, Copy)]
pub(super) struct AffineCached<F> {
    ypx: F,
    ymx: F,
    t2d: F,
}

/// A point in extended coordinates.
#[derive(Clone, Copy)]
pub(super) struct Point<F> {
    x: F,
    y: F,
    z: F,
    t: F,
}

/// A point prepared for addition: (Y + X, Y - X, 2Z, 2dT).
#[derive(Clone, Copy)]
pub(super) struct Cached<F> {
    ypx: F,
    ymx: F,
    z2: F,
    t2d: F,
}

impl<F: Field> Point<F> {
    pub(super) fn identity() -> Self {
        Self {
            x: F::ZERO,
            y: F::ONE,
            z: F::ONE,
            t: F::ZERO,
        }
    }

    /// RFC 8032 section 5.1.3 decoding, refusing non-canonical encodings: `y >= p`, and
    /// `x = 0` with the sign bit set. `None` if the encoding is not a point.
    pub(super) fn decode(bytes: &[u8; 32]) -> Option<Self> {
        let y = F::from_bytes(bytes);
        let mut y_bytes = *bytes;
        y_bytes[31] &= 0x7f;
        if y.to_bytes() != y_bytes {
            return None;
        }
        let sign = bytes[31] >> 7;
        let yy = y.square();
        let u = yy.sub(&F::ONE);
        let v = yy.mul(&F::from_bytes(&D)).add(&F::ONE);
        // x = u v^3 (u v^7)^((p - 5) / 8)
        let v3 = v.square().mul(&v);
        let uv3 = u.mul(&v3);
        let uv7 = uv3.mul(&v3.mul(&v));
        let mut x = uv3.mul(&uv7.pow_p58());
        let vxx = v.mul(&x.square());
        if !vxx.sub(&u).is_zero() {
            if vxx.add(&u).is_zero() {
                x = x.mul(&F::from_bytes(&SQRT_M1));
            } else {
                return None;
            }
        }
        let x_bytes = x.to_bytes();
        if x_bytes == [0; 32] && sign == 1 {
            return None;
        }
        if x_bytes[0] & 1 != sign {
            x = x.neg();
        }
        Some(Self {
            x,
            y,
            z: F::ONE,
            t: x.mul(&y),
        })
    }

    /// The RFC 8032 encoding (constant time: one Fermat inversion). Not inlined: its
    /// temporaries stay out of the caller's frame.
    #[inline(never)]
    pub(super) fn encode(&self) -> [u8; 32] {
        let zi = self.z.invert();
        let x = self.x.mul(&zi);
        let y = self.y.mul(&zi);
        let mut enc = y.to_bytes();
        enc[31] |= (x.to_bytes()[0] & 1) << 7;
        enc
    }

    /// The encoding and the same point with Z = 1 (constant time: one Fermat inversion).
    /// (The same steps as [`Point::encode`], keeping the point.)
    pub(super) fn normalize(&self) -> ([u8; 32], Self) {
        let zi = self.z.invert();
        let x = self.x.mul(&zi);
        let y = self.y.mul(&zi);
        let mut enc = y.to_bytes();
        enc[31] |= (x.to_bytes()[0] & 1) << 7;
        let p = Self {
            x,
            y,
            z: F::ONE,
            t: x.mul(&y),
        };
        (enc, p)
    }

    /// 2P (dbl-2008-hwcd, a = -1): 4 squarings, 4 multiplications.
    pub(super) fn double(&self) -> Self {
        self.double_t(true)
    }

    /// 2P; T is computed only if `need_t` (the next operation is an addition; a doubling
    /// reads only X, Y, Z), saving a multiplication. Without it T is left at 0.
    pub(super) fn double_t(&self, need_t: bool) -> Self {
        let mut r = *self;
        r.double_assign(need_t);
        r
    }

    /// `self = 2 self`, as [`Point::double_t`], in place. Not inlined, with its temporaries in
    /// blocks (a value's stack slot is free for others once its block ends): the loops that
    /// call it keep a small frame of their own.
    #[inline(never)]
    pub(super) fn double_assign(&mut self, need_t: bool) {
        let (e, g, h) = {
            let a = self.x.square();
            let b = self.y.square();
            let e = {
                let s = self.x.add(&self.y);
                let s2 = s.square();
                s2.sub(&a).sub(&b)
            };
            // (-A + B, -A - B)
            (e, b.sub(&a), F::ZERO.sub(&a).sub(&b))
        };
        let f = {
            let c = self.z.square();
            let c2 = c.add(&c);
            g.sub(&c2)
        };
        self.x = e.mul(&f);
        self.y = g.mul(&h);
        self.z = f.mul(&g);
        self.t = if need_t { e.mul(&h) } else { F::ZERO };
    }

    pub(super) fn cached(&self) -> Cached<F> {
        Cached {
            ypx: self.y.add(&self.x),
            ymx: self.y.sub(&self.x),
            z2: self.z.add(&self.z),
            t2d: self.t.mul(&F::from_bytes(&D2)),
        }
    }

    /// P + Q (add-2008-hwcd-3, a = -1), or P - Q with `negate`: 8 multiplications (the
    /// verifier adds in place: [`Point::add_assign`]).
    #[cfg(test)]
    pub(super) fn add_cached(&self, q: &Cached<F>, negate: bool) -> Self {
        let mut r = *self;
        r.add_assign(&q.ypx, &q.ymx, &q.t2d, Some(&q.z2), negate, true);
        r
    }

    /// P + Q or P - Q for an affine Q (Z = 1, so `2 Z1 Z2` is an addition): 7
    /// multiplications, 6 without T.
    pub(super) fn add_affine_t(&self, q: &AffineCached<F>, negate: bool, need_t: bool) -> Self {
        let mut r = *self;
        r.add_assign(&q.ypx, &q.ymx, &q.t2d, None, negate, need_t);
        r
    }

    /// `self = self + Q` or `self - Q` in place, given Q's `Y + X`, `Y - X`, `2 d T` and its
    /// `2 Z` for a cached Q (`d = 2 Z1 Z2` is then a multiplication) or `None` for an affine Q
    /// (`Z2 = 1`: `d = 2 Z1` is an addition). Subtraction swaps `Y + X` with `Y - X` and
    /// negates `2 d T`, both by selecting, not by extra field operations. Not inlined, with its
    /// temporaries in blocks, as [`Point::double_assign`].
    #[inline(never)]
    pub(super) fn add_assign(
        &mut self,
        ypx: &F,
        ymx: &F,
        t2d: &F,
        z2: Option<&F>,
        negate: bool,
        need_t: bool,
    ) {
        let (qp, qm) = if negate { (ymx, ypx) } else { (ypx, ymx) };
        let (e, h) = {
            let a = {
                let ymx1 = self.y.sub(&self.x);
                ymx1.mul(qm)
            };
            let b = {
                let ypx1 = self.y.add(&self.x);
                ypx1.mul(qp)
            };
            (b.sub(&a), b.add(&a))
        };
        let (f, g) = {
            let c = self.t.mul(t2d);
            let d = match z2 {
                Some(z2) => self.z.mul(z2),
                None => self.z.add(&self.z),
            };
            if negate {
                (d.add(&c), d.sub(&c))
            } else {
                (d.sub(&c), d.add(&c))
            }
        };
        self.x = e.mul(&f);
        self.y = g.mul(&h);
        self.z = f.mul(&g);
        self.t = if need_t { e.mul(&h) } else { F::ZERO };
    }

    /// Whether `[8]P` is the identity (P has small order).
    pub(super) fn is_small_order(&self) -> bool {
        let p = self.double().double().double();
        p.x.is_zero() && p.y.sub(&p.z).is_zero()
    }
}

/// `[x]B` for a secret `x < 2^255`, in constant time: signed radix-16 digits, each step four
/// doublings and one addition of `|d| B` taken from the constant table by a full masked scan
/// (every entry read, the wanted one kept by masks) and negated by masks when `d < 0`.
pub(super) fn mul_base_ct<F: Field>(x: &[u8; 32]) -> Point<F> {
    let mut digits = scalar::radix16_ct(x);
    let mut r = Point::<F>::identity();
    for i in (0..64).rev() {
        if i != 63 {
            r = r
                .double_t(false)
                .double_t(false)
                .double_t(false)
                .double_t(true);
        }
        let d = digits[i];
        let neg = (d >> 7) as u8 & 1; // 1 if d < 0
        let abs = ((d ^ (d >> 7)) - (d >> 7)) as u8;
        let mut sel = AffineCached {
            ypx: F::ZERO,
            ymx: F::ZERO,
            t2d: F::ZERO,
        };
        for (j, entry) in BASE_MULTIPLES.iter().enumerate() {
            let mask = 0u32.wrapping_sub(u32::from(abs.ct_eq(&(j as u8)).unwrap_u8()));
            let mut c = AffineCached {
                ypx: F::from_bytes(&entry[0]),
                ymx: F::from_bytes(&entry[1]),
                t2d: F::from_bytes(&entry[2]),
            };
            F::cswap(&mut sel.ypx, &mut c.ypx, mask);
            F::cswap(&mut sel.ymx, &mut c.ymx, mask);
            F::cswap(&mut sel.t2d, &mut c.t2d, mask);
        }
        // -Q: swap y + x and y - x, negate 2dxy.
        let mask = 0u32.wrapping_sub(u32::from(neg.ct_eq(&1).unwrap_u8()));
        let mut neg_t = sel.t2d.neg();
        F::cswap(&mut sel.ypx, &mut sel.ymx, mask);
        F::cswap(&mut sel.t2d, &mut neg_t, mask);
        r = r.add_affine_t(&sel, false, true);
        zeroize::Zeroize::zeroize(&mut sel.ypx);
        zeroize::Zeroize::zeroize(&mut sel.ymx);
        zeroize::Zeroize::zeroize(&mut sel.t2d);
    }
    zeroize::Zeroize::zeroize(&mut digits);
    r
}

/// Odd multiples P, 3P, 5P, 7P, prepared for addition, written to `out`.
#[inline(never)]
fn odd_multiples<F: Field>(p: &Point<F>, out: &mut [Cached<F>; 4]) {
    let (first, rest) = out.split_at_mut(1);
    // first[0] holds 2P until the end, when it becomes P.
    first[0] = p.double().cached();
    let mut acc = *p;
    for entry in rest.iter_mut() {
        let q = &first[0];
        acc.add_assign(&q.ypx, &q.ymx, &q.t2d, Some(&q.z2), false, true);
        *entry = acc.cached();
    }
    first[0] = p.cached();
}

/// The little-endian 32-bit words of a 32-byte scalar.
fn words(s: &[u8; 32]) -> [u32; 8] {
    let mut w = [0u32; 8];
    for (w, c) in w.iter_mut().zip(s.chunks_exact(4)) {
        *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    }
    w
}

/// `[s]B - [k]A` for public `s`, `k` below 2^253 (Straus' interleaving: a width-5 NAF of `s`
/// over the constant table of odd multiples of B, a width-4 NAF of `k` over odd multiples of A
/// made here).
///
/// Its own frame (not inlined into the caller's, which held the SHA-512 state) holds the
/// table of A; the table is built in a callee, then the NAFs and the loop run in another, so
/// their temporaries never share the stack.
#[inline(never)]
pub(super) fn double_scalar_mul_base_sub<F: Field>(
    s: &[u8; 32],
    a: &Point<F>,
    k: &[u8; 32],
) -> Point<F> {
    let zero = Cached {
        ypx: F::ZERO,
        ymx: F::ZERO,
        z2: F::ZERO,
        t2d: F::ZERO,
    };
    let mut ta = [zero; 4];
    odd_multiples(a, &mut ta);
    straus(s, k, &ta)
}

/// The loop of [`double_scalar_mul_base_sub`], with the table of A made.
#[inline(never)]
fn straus<F: Field>(s: &[u8; 32], k: &[u8; 32], ta: &[Cached<F>; 4]) -> Point<F> {
    // Non-zero digits at most 5 (4) positions apart over 257 positions.
    let mut ns = SparseNaf::<5, 52>::new(&words(s));
    let mut nk = SparseNaf::<4, 65>::new(&words(k));
    let mut r = Point::identity();
    let Some(top) = ns.top().max(nk.top()) else {
        return r;
    };
    let mut e = AffineCached {
        ypx: F::ZERO,
        ymx: F::ZERO,
        t2d: F::ZERO,
    };
    for i in (0..=top).rev() {
        let ds = ns.take(i);
        let dk = nk.take(i);
        // T is needed only by an addition that follows.
        r.double_assign(ds != 0 || dk != 0);
        if ds != 0 {
            let [ypx, ymx, t2d] = &BASE_ODD[usize::from(ds.unsigned_abs() >> 1)];
            e.ypx = F::from_bytes(ypx);
            e.ymx = F::from_bytes(ymx);
            e.t2d = F::from_bytes(t2d);
            r.add_assign(&e.ypx, &e.ymx, &e.t2d, None, ds < 0, dk != 0);
        }
        if dk != 0 {
            // Subtracting [k]A: the digit's sign flips.
            let c = &ta[usize::from(dk.unsigned_abs() >> 1)];
            r.add_assign(&c.ypx, &c.ymx, &c.t2d, Some(&c.z2), dk > 0, false);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::{BASE, BASE_ODD, D2, Point};
    use crate::curve25519::{Fe16, Fe32, Field};

    fn table_matches<F: Field>() {
        let b = Point::<F>::decode(&BASE).unwrap_or_else(Point::identity);
        let b2 = b.double();
        let mut p = b;
        for (i, entry) in BASE_ODD.iter().enumerate() {
            if i > 0 {
                p = p.add_cached(&b2.cached(), false);
            }
            let zi = p.z.invert();
            let (x, y) = (p.x.mul(&zi), p.y.mul(&zi));
            let want = [
                y.add(&x).to_bytes(),
                y.sub(&x).to_bytes(),
                x.mul(&y).mul(&F::from_bytes(&D2)).to_bytes(),
            ];
            assert_eq!(*entry, want, "{}B", 2 * i + 1);
        }
        assert_eq!(b.encode(), BASE);
    }

    #[test]
    fn base_table_is_the_odd_multiples_of_b() {
        table_matches::<Fe16>();
        table_matches::<Fe32>();
    }
}
