//! GF(p) for p = 2^256 - 2^224 + 2^192 + 2^96 - 1, the P-256 base field.
//!
//! Elements are fully reduced (`0 <= x < p`) eight-word integers. Products come from
//! [`limbs::mul_wide`] / [`limbs::sqr_wide`] (16x16 -> 32-bit partial products) and are reduced
//! by NIST's fast reduction: the 512-bit product's sixteen 32-bit words are added and
//! subtracted in nine 256-bit combinations (FIPS 186-4 D.2.3), with signed 64-bit carries,
//! then the small top carry is folded back with `2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p)`.
//! Every operation is constant time except those named `_vartime`.

use super::limbs::{self, U256, unroll8};

/// The prime p, least significant word first.
pub const P: U256 = [
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0,
    0,
    0,
    1,
    0xffff_ffff,
];

/// An element of GF(p), fully reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Fe(pub U256);

/// Adds `c * 2^256 (mod p)` into `r` as `c * (2^224 - 2^192 - 2^96 + 1)` and returns the new
/// carry out of the top word.
#[inline(always)]
fn fold(r: &mut U256, c: i64) -> i64 {
    let mut acc = 0i64;
    unroll8!(I => {
        acc += i64::from(r[I]);
        match I {
            0 | 7 => acc += c,
            3 | 6 => acc -= c,
            _ => {}
        }
        r[I] = acc as u32;
        acc >>= 32;
    });
    acc
}

/// Reduces a 512-bit value (below `p^2`... or any 512-bit value) modulo p.
#[inline(always)]
fn reduce(c: &[u32; 16]) -> Fe {
    let w = |i: usize| i64::from(c[i]);
    let mut r = [0u32; 8];
    let mut acc = 0i64;
    // Doubled and tripled words by additions: an `i64` multiplication is a library call on
    // Thumb-1.
    let (c11, c12, c13, c14, c15) = (w(11), w(12), w(13), w(14), w(15));
    let sums: [i64; 8] = [
        w(0) + w(8) + w(9) - c11 - c12 - c13 - c14,
        w(1) + w(9) + w(10) - c12 - c13 - c14 - c15,
        w(2) + w(10) + c11 - c13 - c14 - c15,
        w(3) + c11 + c11 + c12 + c12 + c13 - c15 - w(8) - w(9),
        w(4) + c12 + c12 + c13 + c13 + c14 - w(9) - w(10),
        w(5) + c13 + c13 + c14 + c14 + c15 - w(10) - c11,
        w(6) + c14 + c14 + c14 + c15 + c15 + c13 - w(8) - w(9),
        w(7) + c15 + c15 + c15 + w(8) - w(10) - c11 - c12 - c13,
    ];
    unroll8!(I => {
        acc += sums[I];
        r[I] = acc as u32;
        acc >>= 32;
    });
    let c = fold(&mut r, acc);
    let _zero = fold(&mut r, c);
    Fe(sub_p_if_needed(&r))
}

/// `d + (p & mask)` modulo 2^256 (p's words are all ones, zero or one).
#[inline(always)]
fn add_masked_p(d: &U256, mask: u32) -> U256 {
    // Opaque to the optimizer, as in `limbs::select`: no branch on the borrow.
    let mask = core::hint::black_box(mask);
    let m = [mask, mask, mask, 0, 0, 0, mask & 1, mask];
    limbs::add(d, &m).0
}

/// `r - p` if `r >= p`, else `r` (for `r < 2^256 < 2p`).
#[inline(always)]
fn sub_p_if_needed(r: &U256) -> U256 {
    let (d, borrow) = limbs::sub(r, &P);
    limbs::select(borrow.wrapping_sub(1), &d, r)
}

impl Fe {
    /// Zero.
    pub const ZERO: Fe = Fe([0; 8]);
    /// One.
    pub const ONE: Fe = Fe([1, 0, 0, 0, 0, 0, 0, 0]);

    /// Parses a big-endian encoding; `None` unless it is below p (canonical).
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        let v = limbs::from_be_bytes(bytes);
        (limbs::lt_mask(&v, &P) != 0).then_some(Fe(v))
    }

    /// The big-endian encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        limbs::to_be_bytes(&self.0)
    }

    /// `self + b`: the sum minus p, plus p again if that went below zero.
    pub fn add(&self, b: &Fe) -> Fe {
        let (s, carry) = limbs::add(&self.0, &b.0);
        let (d, borrow) = limbs::sub(&s, &P);
        // Negative only if the subtraction borrowed and the addition had not carried.
        let mask = 0u32.wrapping_sub(borrow & (carry ^ 1));
        Fe(add_masked_p(&d, mask))
    }

    /// `self - b`: the difference, plus p if it went below zero.
    pub fn sub(&self, b: &Fe) -> Fe {
        let (d, borrow) = limbs::sub(&self.0, &b.0);
        Fe(add_masked_p(&d, 0u32.wrapping_sub(borrow)))
    }

    /// `-self`.
    pub fn neg(&self) -> Fe {
        Fe::ZERO.sub(self)
    }

    /// `2 * self`.
    pub fn double(&self) -> Fe {
        self.add(self)
    }

    /// `self * b`.
    #[inline(never)]
    pub fn mul(&self, b: &Fe) -> Fe {
        reduce(&limbs::mul_wide(&self.0, &b.0))
    }

    /// `self^2`.
    #[inline(never)]
    pub fn square(&self) -> Fe {
        reduce(&limbs::sqr_wide(&self.0))
    }

    /// `self^(2^k)`.
    pub fn square_n(&self, k: usize) -> Fe {
        let mut r = *self;
        for _ in 0..k {
            r = r.square();
        }
        r
    }

    /// All ones if zero, else zero.
    pub fn is_zero_mask(&self) -> u32 {
        limbs::is_zero_mask(&self.0)
    }

    /// Whether zero (for public values).
    pub fn is_zero_vartime(&self) -> bool {
        self.0 == [0; 8]
    }

    /// `a` if `mask` is all ones, `b` if zero.
    #[inline(always)]
    pub fn select(mask: u32, a: &Fe, b: &Fe) -> Fe {
        Fe(limbs::select(mask, &a.0, &b.0))
    }

    /// `x^(2^32 - 1)` and `x^(2^30 - 1)`, shared by inversion and square root.
    fn pow_ones(&self) -> (Fe, Fe) {
        let x = self;
        let x2 = x.square().mul(x);
        let x3 = x2.square().mul(x);
        let x6 = x3.square_n(3).mul(&x3);
        let x12 = x6.square_n(6).mul(&x6);
        let x15 = x12.square_n(3).mul(&x3);
        let x30 = x15.square_n(15).mul(&x15);
        let x32 = x30.square_n(2).mul(&x2);
        (x32, x30)
    }

    /// `self^-1` (zero for zero), by Fermat: `self^(p - 2)`, a fixed addition chain of 255
    /// squarings and 12 multiplications. Constant time.
    pub fn invert(&self) -> Fe {
        // p - 2 = 1^32 0^31 1 0^96 1^94 0 1 (most significant first).
        let (x32, x30) = self.pow_ones();
        let mut t = x32.square_n(32).mul(self);
        t = t.square_n(128).mul(&x32);
        t = t.square_n(32).mul(&x32);
        t = t.square_n(30).mul(&x30);
        t.square_n(2).mul(self)
    }

    /// A square root, if one exists (`p = 3 mod 4`: `self^((p + 1) / 4)`, then checked).
    pub fn sqrt(&self) -> Option<Fe> {
        // (p + 1) / 4 = 1^32 0^31 1 0^95 1 0^94.
        let (x32, _) = self.pow_ones();
        let mut t = x32.square_n(32).mul(self);
        t = t.square_n(96).mul(self);
        t = t.square_n(94);
        (t.square() == *self).then_some(t)
    }

    /// Whether the canonical value is odd.
    pub fn is_odd(&self) -> bool {
        self.0[0] & 1 == 1
    }
}
