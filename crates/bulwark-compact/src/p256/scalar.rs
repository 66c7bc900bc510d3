//! Integers modulo the P-256 group order n, and variable-time inversion modulo any odd
//! modulus (for public values).
//!
//! Products use Montgomery reduction over 16-bit digits (each step a 16x16 -> 32-bit product
//! that fits a word with its carries), so a Cortex-M0 needs no 64-bit multiply here either.
//! Scalar arithmetic is a handful of operations per signature, so it favours size over speed.

use super::limbs::{self, U256};

/// The group order n, least significant word first.
pub const N: U256 = [
    0xfc63_2551,
    0xf3b9_cac2,
    0xa717_9e84,
    0xbce6_faad,
    0xffff_ffff,
    0xffff_ffff,
    0,
    0xffff_ffff,
];

/// `2^512 mod n`, to enter the Montgomery domain (R = 2^256).
const R2: U256 = [
    0xbe79_eea2,
    0x8324_4c95,
    0x49bd_6fa6,
    0x4699_799c,
    0x2b6b_ec59,
    0x2845_b239,
    0xf3d9_5620,
    0x66e1_2d94,
];

/// `-n^-1 mod 2^16`.
const N0INV: u32 = 0xbc4f;

/// An integer modulo n, fully reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Scalar(pub U256);

/// Montgomery reduction `t * 2^-256 mod n` of a product `t < n * 2^256`.
fn redc(t: &[u32; 16]) -> U256 {
    let mut d = [0u32; 33];
    for i in 0..16 {
        d[2 * i] = t[i] & 0xffff;
        d[2 * i + 1] = t[i] >> 16;
    }
    let mut nd = [0u32; 16];
    for i in 0..8 {
        nd[2 * i] = N[i] & 0xffff;
        nd[2 * i + 1] = N[i] >> 16;
    }
    for i in 0..16 {
        let m = d[i].wrapping_mul(N0INV) & 0xffff;
        let mut carry = 0u32;
        // d + m * n + carry <= (2^16 - 1) + (2^16 - 1)^2 + (2^16 - 1) < 2^32.
        for (dj, nj) in d[i..i + 16].iter_mut().zip(&nd) {
            let s = *dj + m * nj + carry;
            *dj = s & 0xffff;
            carry = s >> 16;
        }
        for dk in &mut d[i + 16..] {
            let s = *dk + carry;
            *dk = s & 0xffff;
            carry = s >> 16;
        }
    }
    let mut r = [0u32; 8];
    for i in 0..8 {
        r[i] = d[16 + 2 * i] | (d[17 + 2 * i] << 16);
    }
    // r + d[32] * 2^256 < 2n: subtract n once if needed.
    let (s, borrow) = limbs::sub(&r, &N);
    let use_s = d[32] | (borrow ^ 1);
    limbs::select(0u32.wrapping_sub(use_s & 1), &s, &r)
}

fn mont_mul(a: &U256, b: &U256) -> U256 {
    redc(&limbs::mul_wide(a, b))
}

impl Scalar {
    /// Zero.
    pub const ZERO: Scalar = Scalar([0; 8]);
    /// One.
    pub const ONE: Scalar = Scalar([1, 0, 0, 0, 0, 0, 0, 0]);

    /// Parses a big-endian encoding; `None` unless below n.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Scalar> {
        let v = limbs::from_be_bytes(bytes);
        (limbs::lt_mask(&v, &N) != 0).then_some(Scalar(v))
    }

    /// A big-endian 256-bit integer reduced modulo n (`2^256 < 2n`: one conditional
    /// subtraction). Constant time.
    pub fn reduce_bytes(bytes: &[u8; 32]) -> Scalar {
        let v = limbs::from_be_bytes(bytes);
        let (s, borrow) = limbs::sub(&v, &N);
        Scalar(limbs::select(borrow.wrapping_sub(1), &s, &v))
    }

    /// The big-endian encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        limbs::to_be_bytes(&self.0)
    }

    /// Whether zero (constant time, as a mask of all ones).
    pub fn is_zero_mask(&self) -> u32 {
        limbs::is_zero_mask(&self.0)
    }

    /// `self + b mod n`.
    pub fn add(&self, b: &Scalar) -> Scalar {
        let (s, carry) = limbs::add(&self.0, &b.0);
        let (d, borrow) = limbs::sub(&s, &N);
        let keep_s = (carry ^ 1) & borrow;
        Scalar(limbs::select(0u32.wrapping_sub(keep_s), &s, &d))
    }

    /// `self * b mod n`. Constant time.
    pub fn mul(&self, b: &Scalar) -> Scalar {
        Scalar(mont_mul(&mont_mul(&self.0, &b.0), &R2))
    }

    /// `self^-1 mod n` (zero for zero), by Fermat (`self^(n - 2)`, square-and-multiply over
    /// the public exponent): constant time in `self`.
    pub fn invert(&self) -> Scalar {
        let base = mont_mul(&self.0, &R2);
        // Montgomery one = R mod n = 2^256 - n.
        let mut acc = limbs::sub(&[0; 8], &N).0;
        let mut e = N;
        e[0] -= 2;
        for i in (0..256).rev() {
            acc = mont_mul(&acc, &acc);
            if (e[i / 32] >> (i % 32)) & 1 == 1 {
                acc = mont_mul(&acc, &base);
            }
        }
        e.fill(0);
        Scalar(mont_mul(&acc, &[1, 0, 0, 0, 0, 0, 0, 0]))
    }

    /// `self^-1 mod n` for a public value, by the binary extended Euclidean algorithm (variable
    /// time); `None` for zero.
    pub fn invert_vartime(&self) -> Option<Scalar> {
        invert_vartime(&self.0, &N).map(Scalar)
    }
}

fn is_even(a: &U256) -> bool {
    a[0] & 1 == 0
}

fn shr1(a: &mut U256, top: u32) {
    for i in 0..7 {
        a[i] = (a[i] >> 1) | (a[i + 1] << 31);
    }
    a[7] = (a[7] >> 1) | (top << 31);
}

/// `x / 2 mod m` for `x < m`, m odd.
fn half_mod(x: &mut U256, m: &U256) {
    if is_even(x) {
        shr1(x, 0);
    } else {
        let (s, carry) = limbs::add(x, m);
        *x = s;
        shr1(x, carry);
    }
}

/// `x - y mod m` for `x, y < m`.
fn sub_mod(x: &U256, y: &U256, m: &U256) -> U256 {
    let (d, borrow) = limbs::sub(x, y);
    if borrow == 1 { limbs::add(&d, m).0 } else { d }
}

/// `a^-1 mod m` for an odd modulus `m` and `0 < a < m`, by the binary extended Euclidean
/// algorithm. Variable time: for public values only. `None` if `a` is zero or not invertible.
pub fn invert_vartime(a: &U256, m: &U256) -> Option<U256> {
    let one: U256 = [1, 0, 0, 0, 0, 0, 0, 0];
    if *a == [0; 8] {
        return None;
    }
    let (mut u, mut v) = (*a, *m);
    let (mut x1, mut x2) = (one, [0u32; 8]);
    while u != one && v != one {
        if u == [0; 8] || v == [0; 8] {
            return None;
        }
        while is_even(&u) {
            shr1(&mut u, 0);
            half_mod(&mut x1, m);
        }
        while is_even(&v) {
            shr1(&mut v, 0);
            half_mod(&mut x2, m);
        }
        let (d, borrow) = limbs::sub(&u, &v);
        if borrow == 0 {
            u = d;
            x1 = sub_mod(&x1, &x2, m);
        } else {
            v = limbs::sub(&v, &u).0;
            x2 = sub_mod(&x2, &x1, m);
        }
    }
    Some(if u == one { x1 } else { x2 })
}
