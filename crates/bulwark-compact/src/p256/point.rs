//! P-256 points: affine (validated public keys) and Jacobian (`x = X/Z^2`, `y = Y/Z^3`;
//! `Z = 0` is the point at infinity), with `a = -3` doubling, a constant-time fixed-window
//! scalar multiplication for secret scalars, and the in-place doubling and mixed addition of
//! the variable-time double-scalar multiplication for signature verification
//! ([`double_mul_vartime`], in `straus.rs`).

use super::field::{Fe, P};
pub use super::g_table::G_ODD_MULTIPLES;
use super::limbs::{self, U256};
use super::scalar::Scalar;
pub use super::straus::double_mul_vartime;
use zeroize::Zeroize;

/// The curve coefficient b.
pub const B: Fe = Fe([
    0x27d2_604b,
    0x3bce_3c3e,
    0xcc53_b0f6,
    0x651d_06b0,
    0x7698_86bc,
    0xb3eb_bd55,
    0xaa3a_93e7,
    0x5ac6_35d8,
]);

/// The base point G.
pub const G: Affine = Affine {
    x: Fe([
        0xd898_c296,
        0xf4a1_3945,
        0x2deb_33a0,
        0x7703_7d81,
        0x63a4_40f2,
        0xf8bc_e6e5,
        0xe12c_4247,
        0x6b17_d1f2,
    ]),
    y: Fe([
        0x37bf_51f5,
        0xcbb6_4068,
        0x6b31_5ece,
        0x2bce_3357,
        0x7c0f_9e16,
        0x8ee7_eb4a,
        0xfe1a_7f9b,
        0x4fe3_42e2,
    ]),
};

/// An affine point on the curve (never the point at infinity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affine {
    /// x-coordinate.
    pub x: Fe,
    /// y-coordinate.
    pub y: Fe,
}

/// A point in Jacobian coordinates.
#[derive(Clone, Copy, Debug, Default)]
pub struct Jacobian {
    /// X.
    pub x: Fe,
    /// Y.
    pub y: Fe,
    /// Z (zero for the point at infinity).
    pub z: Fe,
}

impl Zeroize for Jacobian {
    fn zeroize(&mut self) {
        self.x.0.zeroize();
        self.y.0.zeroize();
        self.z.0.zeroize();
    }
}

/// `x^3 - 3x + b`.
fn rhs(x: &Fe) -> Fe {
    let x3 = x.square().mul(x);
    let three_x = x.double().add(x);
    x3.sub(&three_x).add(&B)
}

impl Affine {
    /// Validates coordinates given as big-endian bytes: each below p, and `y^2 = x^3 - 3x + b`.
    pub fn from_coordinates(x: &[u8; 32], y: &[u8; 32]) -> Option<Affine> {
        let x = Fe::from_bytes(x)?;
        let y = Fe::from_bytes(y)?;
        (y.square() == rhs(&x)).then_some(Affine { x, y })
    }

    /// Decompresses `x` (big-endian, below p) with the parity of `y`; `None` if `x^3 - 3x + b`
    /// is not a square.
    pub fn decompress(x: &[u8; 32], y_odd: bool) -> Option<Affine> {
        let x = Fe::from_bytes(x)?;
        let y = rhs(&x).sqrt()?;
        let y = if y.is_odd() == y_odd { y } else { y.neg() };
        // y = 0 has no other root: refuse the odd request (no such point on P-256 anyway).
        (y.is_odd() == y_odd).then_some(Affine { x, y })
    }

    /// As a Jacobian point (`Z = 1`).
    pub fn to_jacobian(&self) -> Jacobian {
        Jacobian {
            x: self.x,
            y: self.y,
            z: Fe::ONE,
        }
    }
}

impl Jacobian {
    /// The point at infinity.
    pub const IDENTITY: Jacobian = Jacobian {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    /// `2 * self` (3M + 5S, dbl-2001-b for a = -3); the identity doubles to itself.
    pub fn double(&self) -> Jacobian {
        let mut r = *self;
        r.double_assign();
        r
    }

    /// `self = 2 * self`, as [`Jacobian::double`], in place: each coordinate is overwritten
    /// as soon as the old one is no longer needed, so few temporaries are live at once (small
    /// stack frames on small cores).
    pub fn double_assign(&mut self) {
        double_in_place(&mut self.x, &mut self.y, &mut self.z);
    }

    /// `self + q` for distinct points, neither the identity (12M + 4S). Returns the formula's
    /// result and `H = U2 - U1`, `R = S2 - S1`, which are both zero when `self == q` (the
    /// formula then gives the identity instead of the double) and `H` alone is zero when
    /// `self == -q`.
    fn add_raw(&self, q: &Jacobian) -> (Jacobian, Fe, Fe) {
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = q.x.mul(&z1z1);
        let s1 = self.y.mul(&q.z).mul(&z2z2);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1);
        let hh = h.square();
        let hhh = hh.mul(&h);
        let v = u1.mul(&hh);
        let x3 = r.square().sub(&hhh).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&hhh));
        let z3 = self.z.mul(&q.z).mul(&h);
        (
            Jacobian {
                x: x3,
                y: y3,
                z: z3,
            },
            h,
            r,
        )
    }

    /// `self + q` for any public points (variable time: handles the identity and doubling by
    /// branches).
    pub fn add_vartime(&self, q: &Jacobian) -> Jacobian {
        if self.z.is_zero_vartime() {
            return *q;
        }
        if q.z.is_zero_vartime() {
            return *self;
        }
        let (sum, h, r) = self.add_raw(q);
        self.sum_or_exception(sum, &h, &r)
    }

    /// The sum from an addition formula, or its exceptional cases (variable time): `H = 0`
    /// means equal x, so `self = q` (`R = 0`, double) or `self = -q` (the identity).
    fn sum_or_exception(&self, sum: Jacobian, h: &Fe, r: &Fe) -> Jacobian {
        if h.is_zero_vartime() {
            return if r.is_zero_vartime() {
                self.double()
            } else {
                Jacobian::IDENTITY
            };
        }
        sum
    }

    /// `self + q` for an affine `q`, `self` not the identity and `self != +-q` (8M + 3S).
    /// Returns the result and `H`, `R` as [`Jacobian::add_raw`] does.
    fn add_mixed_raw(&self, q: &Affine) -> (Jacobian, Fe, Fe) {
        let z1z1 = self.z.square();
        let u2 = q.x.mul(&z1z1);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&self.x);
        let r = s2.sub(&self.y);
        let hh = h.square();
        let hhh = hh.mul(&h);
        let v = self.x.mul(&hh);
        let x3 = r.square().sub(&hhh).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&self.y.mul(&hhh));
        let z3 = self.z.mul(&h);
        (
            Jacobian {
                x: x3,
                y: y3,
                z: z3,
            },
            h,
            r,
        )
    }

    /// `self + q` for public points, `q` affine (variable time).
    pub fn add_mixed_vartime(&self, q: &Affine) -> Jacobian {
        let mut r = *self;
        r.add_mixed_assign_vartime(q, false);
        r
    }

    /// `self = self + q`, or `self - q` if `neg`, for public points, `q` affine (variable
    /// time: the identity and the exceptional cases are branches, taken as soon as `H` and `R`
    /// are known). In place, as [`Jacobian::double_assign`]: 8M + 3S.
    pub fn add_mixed_assign_vartime(&mut self, q: &Affine, neg: bool) {
        if add_mixed_in_place(&mut self.x, &mut self.y, &mut self.z, q, neg, None) {
            self.double_assign();
        }
    }

    /// `-self`.
    pub fn neg(&self) -> Jacobian {
        Jacobian {
            x: self.x,
            y: self.y.neg(),
            z: self.z,
        }
    }

    /// `a` if `mask` is all ones, `b` if zero.
    fn select(mask: u32, a: &Jacobian, b: &Jacobian) -> Jacobian {
        Jacobian {
            x: Fe::select(mask, &a.x, &b.x),
            y: Fe::select(mask, &a.y, &b.y),
            z: Fe::select(mask, &a.z, &b.z),
        }
    }

    /// The affine point, or `None` for the identity. Constant time (Fermat inversion) apart
    /// from the identity check.
    pub fn to_affine(&self) -> Option<Affine> {
        if self.z.is_zero_mask() != 0 {
            return None;
        }
        let zi = self.z.invert();
        let zi2 = zi.square();
        Some(Affine {
            x: self.x.mul(&zi2),
            y: self.y.mul(&zi2.mul(&zi)),
        })
    }

    /// The affine point in constant time, with no identity check: for a result known not to
    /// be the identity (a multiple `k P` with `1 <= k < n` of a valid point); the identity
    /// would give `(0, 0)`.
    pub fn to_affine_unchecked(&self) -> Affine {
        let zi = self.z.invert();
        let zi2 = zi.square();
        Affine {
            x: self.x.mul(&zi2),
            y: self.y.mul(&zi2.mul(&zi)),
        }
    }

    /// Whether the affine x-coordinate, reduced mod n, equals `r` (ECDSA's final check),
    /// without an inversion: `X = r * Z^2` or, when `r + n < p`, `X = (r + n) * Z^2`.
    pub fn x_mod_n_equals_vartime(&self, r: &Scalar) -> bool {
        if self.z.is_zero_vartime() {
            return false;
        }
        let z2 = self.z.square();
        // r < n < p, so r is a field element as it is.
        if Fe(r.0).mul(&z2) == self.x {
            return true;
        }
        let (r_plus_n, carry) = limbs::add(&r.0, &super::scalar::N);
        if carry == 0 && limbs::lt_mask(&r_plus_n, &P) != 0 {
            return Fe(r_plus_n).mul(&z2) == self.x;
        }
        false
    }
}

/// `2 (x : y : z)` in place, the body of [`Jacobian::double_assign`] over separate
/// coordinates (so they can live in a table entry).
pub(super) fn double_in_place(x: &mut Fe, y: &mut Fe, z: &mut Fe) {
    // Temporaries in blocks: a value's stack slot is free for others once its block ends.
    let (alpha, beta4, gamma8) = {
        let gamma = y.square();
        let alpha = {
            let delta = z.square();
            {
                // Z3 = (Y + Z)^2 - gamma - delta: Y and Z are not read again.
                let yz = y.add(z);
                let yz2 = yz.square();
                *z = yz2.sub(&gamma).sub(&delta);
            }
            // alpha = 3 (X - delta)(X + delta)
            let xm = x.sub(&delta);
            let xp = x.add(&delta);
            let t = xm.mul(&xp);
            t.double().add(&t)
        };
        let beta4 = {
            let beta = x.mul(&gamma);
            beta.double().double()
        };
        let gamma2 = gamma.square();
        (alpha, beta4, gamma2.double().double().double())
    };
    {
        let alpha2 = alpha.square();
        *x = alpha2.sub(&beta4.double());
    }
    let d = beta4.sub(x);
    let m = alpha.mul(&d);
    *y = m.sub(&gamma8);
}

/// `(x : y : z) + q`, or `- q` if `neg`, in place, for public points, `q` affine (variable
/// time), the body of [`Jacobian::add_mixed_assign_vartime`] over separate coordinates (so a
/// table entry can be its own accumulator). Leaves in `h_out`, if given, the factor
/// `H = U2 - U1` by which `z` was multiplied when the plain formula applied (that slot then
/// serves as the formula's own), except in one case: `true` means the point equals `q` (its
/// double is the sum), left as it is for the caller to double, so the doubling's frame is
/// never below this one's.
#[must_use]
pub(super) fn add_mixed_in_place(
    x: &mut Fe,
    y: &mut Fe,
    z: &mut Fe,
    q: &Affine,
    neg: bool,
    h_out: Option<&mut Fe>,
) -> bool {
    let mut own_h = Fe::ZERO;
    let h = h_out.unwrap_or(&mut own_h);
    if z.is_zero_vartime() {
        *x = q.x;
        *y = if neg { q.y.neg() } else { q.y };
        *z = Fe::ONE;
        *h = Fe::ONE;
        return false;
    }
    // Few named temporaries, reused: a named value keeps its stack slot to the end of its
    // scope.
    let mut t0 = z.square(); // Z1^2
    let mut t1 = q.y.mul(z);
    t1 = t1.mul(&t0); // S2 (of q)
    if neg {
        t1 = t1.neg();
    }
    let r = t1.sub(y);
    t0 = q.x.mul(&t0);
    *h = t0.sub(x);
    if h.is_zero_vartime() {
        // Equal x: the point is q (double it) or -q (the sum is the identity).
        if r.is_zero_vartime() {
            return true;
        }
        *x = Fe::ONE;
        *y = Fe::ONE;
        *z = Fe::ZERO;
        return false;
    }
    *z = z.mul(h);
    t0 = h.square(); // H^2
    t1 = t0.mul(h); // H^3
    t0 = x.mul(&t0); // V = X1 H^2
    // X3 = R^2 - H^3 - 2V
    *x = r.square();
    *x = x.sub(&t1);
    *x = x.sub(&t0);
    *x = x.sub(&t0);
    // Y3 = R (V - X3) - Y1 H^3
    t1 = y.mul(&t1);
    t0 = t0.sub(x);
    t0 = r.mul(&t0);
    *y = t0.sub(&t1);
    false
}

/// The 4-bit window `i` (0 = least significant) of `k`.
fn window(k: &U256, i: usize) -> u32 {
    (k[i / 8] >> (4 * (i % 8))) & 0xf
}

/// Affine forms of public points, none the identity, with one inversion (Montgomery's trick;
/// the inversion is variable time: the points are public).
fn to_affine_batch_vartime<const K: usize>(points: &[Jacobian; K]) -> [Affine; K] {
    let mut out = [G; K];
    // prefix[i] = Z_0 * .. * Z_i
    let mut prefix = [Fe::ONE; K];
    let mut acc = Fe::ONE;
    for (p, pt) in prefix.iter_mut().zip(points) {
        acc = acc.mul(&pt.z);
        *p = acc;
    }
    let mut inv = super::scalar::invert_vartime(&acc.0, &P).map_or(Fe::ZERO, Fe);
    for i in (0..K).rev() {
        let zi = if i == 0 { inv } else { inv.mul(&prefix[i - 1]) };
        inv = inv.mul(&points[i].z);
        let zi2 = zi.square();
        out[i] = Affine {
            x: points[i].x.mul(&zi2),
            y: points[i].y.mul(&zi2.mul(&zi)),
        };
    }
    out
}

/// The multiples `1*P .. 15*P` (entry `i` is `(i + 1) * P`), affine. Distinct points with no
/// identity among them, so the plain addition formula is exact.
fn multiples(p: &Affine) -> [Affine; 15] {
    let mut t = [Jacobian::IDENTITY; 15];
    t[0] = p.to_jacobian();
    t[1] = t[0].double();
    for i in 2..15 {
        t[i] = t[i - 1].add_mixed_raw(p).0;
    }
    to_affine_batch_vartime(&t)
}

/// `k * P` for a secret scalar `1 <= k < n` and a valid public point `P`, in constant time in
/// `k`: 64 windows of 4 bits from the top, each 4 doublings and one mixed addition of a table
/// entry selected by scanning the whole table with masks. The table of `1P .. 15P` depends
/// on `P` only (it is built with a variable-time inversion: `P` is public).
///
/// Exceptional cases cannot occur: before an addition the accumulator is `16 k' P` with
/// `16 k' + d <= k < n` for the prefix `k'` of `k` and the digit `d`, so it is neither `d P` nor
/// `-d P` unless it is the identity (`k' = 0`), which, like `d = 0`, is handled by selection.
pub fn mul_secret(k: &Scalar, p: &Affine) -> Jacobian {
    let table = multiples(p);
    let mut acc = Jacobian::IDENTITY;
    for i in (0..64).rev() {
        for _ in 0..4 {
            acc.double_assign();
        }
        let d = window(&k.0, i);
        let mut entry = Affine {
            x: Fe::ZERO,
            y: Fe::ZERO,
        };
        for (j, t) in table.iter().enumerate() {
            // All ones iff d == j + 1.
            let diff = d ^ (j as u32 + 1);
            let mask = limbs::word_is_zero_mask(diff);
            entry.x = Fe::select(mask, &t.x, &entry.x);
            entry.y = Fe::select(mask, &t.y, &entry.y);
        }
        let (sum, _, _) = acc.add_mixed_raw(&entry);
        let acc_is_identity = acc.z.is_zero_mask();
        let d_is_zero = limbs::word_is_zero_mask(d);
        let next = Jacobian::select(d_is_zero, &acc, &sum);
        acc = Jacobian::select(acc_is_identity & !d_is_zero, &entry.to_jacobian(), &next);
        entry.x.0.zeroize();
        entry.y.0.zeroize();
    }
    acc
}
