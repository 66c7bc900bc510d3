//! GF(p) for p = 2^256 - 2^224 + 2^192 + 2^96 - 1, the P-256 base field.
//!
//! Elements are fully reduced (`0 <= x < p`) eight-word integers. Products come from
//! [`limbs::mul_wide`] / [`limbs::sqr_wide`] (16x16 -> 32-bit partial products) and are reduced
//! by NIST's fast reduction ([`reduce_wide`]): the 512-bit product's sixteen 32-bit words are
//! added and subtracted in nine 256-bit combinations (FIPS 186-4 D.2.3) in one pass over the
//! columns with a signed 64-bit carry, then the small top carry is folded back with
//! `2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p)` and one masked addition of p corrects the rest.
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

/// Reduces any 512-bit value (sixteen little-endian words) modulo p: NIST's fast reduction
/// (FIPS 186-4 D.2.3) in one pass over the columns, then one fold and one masked correction.
///
/// With `d = 2^256 - p = 2^224 - 2^192 - 2^96 + 1`:
/// 1. Column pass: `V = s1 + 2 s2 + 2 s3 + s4 + s5 - s6 - s7 - s8 - s9` (`V = c (mod p)`,
///    `-4 * 2^256 < V < 7 * 2^256`) plus `-5 d`, word by word with a signed 64-bit carry, gives
///    `V - 5 d = r + k 2^256`. So `V + 5 p = r + t 2^256` with `t = k + 5` in `0..=11` (`5 p`
///    makes the value positive).
/// 2. Fold: `y = r + (t + 1) d`, below `2^257`, with its carry bit `e`. `x = y - d = r + t d`
///    is `V (mod p)` and `0 <= x < 2p`; `x >= p` exactly when `y >= 2^256`.
/// 3. So the result is `y mod 2^256` if `e = 1` (that is `x - p`), else `y + p mod 2^256`
///    (that is `x`): one masked addition of p.
///
/// No branch and no secret-dependent index: every step runs for every input.
#[inline(always)]
pub fn reduce_wide(c: &[u32; 16]) -> Fe {
    let (r, m) = reduce_columns(c);
    let (y, e) = limbs::add(&r, &fold_vector(m));
    // `e` is 0 or 1: opaque before it becomes a mask (see `limbs::word_is_zero_mask`).
    Fe(add_masked_p(&y, core::hint::black_box(e).wrapping_sub(1)))
}

/// Step 1 of [`reduce_wide`]: the eight low words of `V - 5 d` and `m = t + 1` (`1..=12`).
#[inline(always)]
fn reduce_columns(c: &[u32; 16]) -> (U256, u32) {
    let w = |i: usize| i64::from(c[i]);
    // Doubled and tripled words by additions: an `i64` multiplication is a library call on
    // Thumb-1.
    let mut r = [0u32; 8];
    let mut acc = w(0) + w(8) + w(9) - w(11) - w(12) - w(13) - w(14) - 5;
    r[0] = acc as u32;
    acc >>= 32;
    acc += w(1) + w(9) + w(10) - w(12) - w(13) - w(14) - w(15);
    r[1] = acc as u32;
    acc >>= 32;
    acc += w(2) + w(10) + w(11) - w(13) - w(14) - w(15);
    r[2] = acc as u32;
    acc >>= 32;
    acc += w(3) + w(11) + w(11) + w(12) + w(12) + w(13) - w(15) - w(8) - w(9) + 5;
    r[3] = acc as u32;
    acc >>= 32;
    acc += w(4) + w(12) + w(12) + w(13) + w(13) + w(14) - w(9) - w(10);
    r[4] = acc as u32;
    acc >>= 32;
    acc += w(5) + w(13) + w(13) + w(14) + w(14) + w(15) - w(10) - w(11);
    r[5] = acc as u32;
    acc >>= 32;
    acc += w(6) + w(14) + w(14) + w(14) + w(15) + w(15) + w(13) - w(8) - w(9) + 5;
    r[6] = acc as u32;
    acc >>= 32;
    acc += w(7) + w(15) + w(15) + w(15) + w(8) - w(10) - w(11) - w(12) - w(13) - 5;
    r[7] = acc as u32;
    acc >>= 32;
    // k = acc in -5..=6; m = t + 1 = k + 6.
    (r, (acc + 6) as u32)
}

/// `m d` for `1 <= m <= 12` as eight words (`d = 2^256 - p`): `m - m 2^96 - m 2^192 + m 2^224`
/// with the borrows taken, `[m, 0, 0, -m, -1, -1, -m - 1, m - 1]` modulo 2^32.
#[inline(always)]
pub fn fold_vector(m: u32) -> U256 {
    let neg = m.wrapping_neg();
    [m, 0, 0, neg, u32::MAX, u32::MAX, !m, m.wrapping_sub(1)]
}

/// `d + (p & mask)` modulo 2^256 (p's words are all ones, zero or one).
#[inline(always)]
fn add_masked_p(d: &U256, mask: u32) -> U256 {
    // Opaque to the optimizer, as in `limbs::select`: no branch on the borrow.
    let mask = core::hint::black_box(mask);
    let m = [mask, mask, mask, 0, 0, 0, mask & 1, mask];
    limbs::add(d, &m).0
}

/// `2^256 - p = 2^224 - 2^192 - 2^96 + 1`, least significant word first.
const D: U256 = [1, 0, 0, u32::MAX, u32::MAX, u32::MAX, u32::MAX - 1, 0];

/// The body of [`Fe::add`] and [`Fe::sub`] on `$a` and `$b`: the assembly function `$asm` of
/// the target (`umaal_gen` on ARMv7E-M, `m0asm_gen` on ARMv6-M), else `portable::$portable`.
macro_rules! linear_op {
    ($asm:ident, $portable:ident, $a:expr, $b:expr) => {{
        #[cfg(all(target_arch = "arm", bulwark_umaal))]
        return Fe(crate::umaal_gen::$asm(&$a.0, &$b.0));
        #[cfg(all(target_arch = "arm", bulwark_m0asm))]
        return Fe(crate::m0asm_gen::$asm(&$a.0, &$b.0));
        #[cfg(not(any(
            all(target_arch = "arm", bulwark_umaal),
            all(target_arch = "arm", bulwark_m0asm)
        )))]
        return portable::$portable($a, $b);
    }};
}

/// [`Fe::add`] and [`Fe::sub`] in portable Rust (unused where the assembly serves).
#[cfg_attr(
    any(
        all(target_arch = "arm", bulwark_umaal),
        all(target_arch = "arm", bulwark_m0asm)
    ),
    allow(dead_code)
)]
mod portable {
    use super::{D, Fe, add_masked_p, limbs, unroll8};

    /// [`Fe::add`].
    #[inline(always)]
    pub(super) fn add(a: &Fe, b: &Fe) -> Fe {
        let mut y = [0u32; 8];
        let mut acc = 0u64;
        unroll8!(I => {
            acc += u64::from(a.0[I]) + u64::from(b.0[I]) + u64::from(D[I]);
            y[I] = acc as u32;
            acc >>= 32;
        });
        // `acc` is 0 or 1: opaque before it becomes a mask (see `limbs::word_is_zero_mask`).
        Fe(add_masked_p(
            &y,
            core::hint::black_box(acc as u32).wrapping_sub(1),
        ))
    }

    /// [`Fe::sub`].
    #[inline(always)]
    pub(super) fn sub(a: &Fe, b: &Fe) -> Fe {
        let (d, borrow) = limbs::sub(&a.0, &b.0);
        Fe(add_masked_p(&d, 0u32.wrapping_sub(borrow)))
    }
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

    /// `self + b`: `y = self + b + (2^256 - p)` in one carry pass (below `2^257`), which
    /// reaches 2^256 exactly when `self + b >= p`; then `y mod 2^256` is the sum minus p, and
    /// otherwise `y + p mod 2^256` is the sum. On ARMv7E-M and ARMv6-M: `umaal_gen::add_p256`
    /// and `m0asm_gen::add_p256` (assembly, the sum minus p over nine words, p added back by
    /// the final borrow).
    pub fn add(&self, b: &Fe) -> Fe {
        linear_op!(add_p256, add, self, b)
    }

    /// `self - b`: the difference, plus p if it went below zero (on ARMv7E-M and ARMv6-M in
    /// assembly, `umaal_gen::sub_p256` and `m0asm_gen::sub_p256`, the same steps).
    pub fn sub(&self, b: &Fe) -> Fe {
        linear_op!(sub_p256, sub, self, b)
    }

    /// `-self`.
    pub fn neg(&self) -> Fe {
        Fe::ZERO.sub(self)
    }

    /// `2 * self`.
    pub fn double(&self) -> Fe {
        self.add(self)
    }

    /// `self * b` (on ARMv7E-M the product and the reduction in one `UMAAL` assembly block,
    /// `umaal_gen::mul_p256`; on ARMv6-M the reduction in Thumb-1 assembly,
    /// `m0asm_gen::reduce_p256`; both the algorithm of [`reduce_wide`]).
    #[inline(never)]
    pub fn mul(&self, b: &Fe) -> Fe {
        #[cfg(all(target_arch = "arm", bulwark_umaal))]
        return Fe(crate::umaal_gen::mul_p256(&self.0, &b.0));
        #[cfg(all(target_arch = "arm", bulwark_m0asm))]
        return Fe(crate::m0asm_gen::reduce_p256(&limbs::mul_wide(
            &self.0, &b.0,
        )));
        #[cfg(not(any(
            all(target_arch = "arm", bulwark_umaal),
            all(target_arch = "arm", bulwark_m0asm)
        )))]
        reduce_wide(&limbs::mul_wide(&self.0, &b.0))
    }

    /// `self^2`.
    #[inline(never)]
    pub fn square(&self) -> Fe {
        #[cfg(all(target_arch = "arm", bulwark_umaal))]
        return Fe(crate::umaal_gen::mul_p256(&self.0, &self.0));
        #[cfg(all(target_arch = "arm", bulwark_m0asm))]
        return Fe(crate::m0asm_gen::reduce_p256(&limbs::sqr_wide(&self.0)));
        #[cfg(not(any(
            all(target_arch = "arm", bulwark_umaal),
            all(target_arch = "arm", bulwark_m0asm)
        )))]
        reduce_wide(&limbs::sqr_wide(&self.0))
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
