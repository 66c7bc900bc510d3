//! 256-bit integers as eight little-endian 32-bit words: carries, constant-time selection and
//! the 256x256 -> 512-bit product from 16x16 -> 32-bit partial products (the only multiply a
//! Cortex-M0 has that gives a whole product) or from 32x32 -> 64-bit products where the core
//! has them (the build script's `bulwark_fe16` choice), unrolled in `mul_gen.rs`.

/// Repeats `$body` with `$i` bound to the constants 0 to 7: straight-line code at every
/// optimization level (a size-optimized build keeps loops, and their indexing, otherwise).
macro_rules! unroll8 {
    ($i:ident => $body:block) => {
        $crate::p256::limbs::unroll8!(@ $i => $body; 0 1 2 3 4 5 6 7)
    };
    (@ $i:ident => $body:block; $($n:literal)*) => {{
        $({
            const $i: usize = $n;
            $body
        })*
    }};
}
pub(crate) use unroll8;

/// A 256-bit integer, least significant word first.
pub type U256 = [u32; 8];

/// `a + b`, and the carry out (0 or 1).
#[inline(always)]
pub fn add(a: &U256, b: &U256) -> (U256, u32) {
    let mut r = [0u32; 8];
    let mut carry = 0u64;
    unroll8!(I => {
        carry += u64::from(a[I]) + u64::from(b[I]);
        r[I] = carry as u32;
        carry >>= 32;
    });
    (r, carry as u32)
}

/// `a - b`, and the borrow out (0 or 1).
#[inline(always)]
pub fn sub(a: &U256, b: &U256) -> (U256, u32) {
    let mut r = [0u32; 8];
    let mut borrow = 0i64;
    unroll8!(I => {
        borrow += i64::from(a[I]) - i64::from(b[I]);
        r[I] = borrow as u32;
        borrow >>= 32;
    });
    (r, (borrow as u32) & 1)
}

/// `a` if `mask` is all ones, `b` if it is zero. The mask goes through
/// [`core::hint::black_box`], so the optimizer cannot see that it is all-or-nothing and turn
/// the masking into a branch (Thumb-1 has no conditional move).
#[inline(always)]
pub fn select(mask: u32, a: &U256, b: &U256) -> U256 {
    let mask = core::hint::black_box(mask);
    let mut r = [0u32; 8];
    unroll8!(I => {
        r[I] = b[I] ^ (mask & (a[I] ^ b[I]));
    });
    r
}

/// All ones if `a` is zero, else zero (constant time).
#[inline(always)]
pub fn is_zero_mask(a: &U256) -> u32 {
    let mut acc = 0u32;
    unroll8!(I => {
        acc |= a[I];
    });
    word_is_zero_mask(acc)
}

/// All ones if `x` is zero, else zero (constant time). The 0/1 bit goes through
/// [`core::hint::black_box`] before it becomes a mask: knowing it is 0 or 1, LLVM turns
/// `bit - 1` into a select, which Thumb-1 (no conditional move) lowers to a branch (found by
/// the constant-time check on the target binary, `cargo xtask ct-target`).
#[inline(always)]
pub fn word_is_zero_mask(x: u32) -> u32 {
    // (x | -x) has its top bit set iff x != 0.
    core::hint::black_box((x | x.wrapping_neg()) >> 31).wrapping_sub(1)
}

/// All ones if `a < b`, else zero (constant time).
#[inline(always)]
pub fn lt_mask(a: &U256, b: &U256) -> u32 {
    let (_, borrow) = sub(a, b);
    0u32.wrapping_sub(borrow)
}

/// A 32-byte big-endian encoding as a 256-bit integer.
pub fn from_be_bytes(bytes: &[u8; 32]) -> U256 {
    let mut r = [0u32; 8];
    for (i, w) in r.iter_mut().enumerate() {
        let o = 28 - 4 * i;
        *w = u32::from_be_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
    }
    r
}

/// The 32-byte big-endian encoding of `a`.
pub fn to_be_bytes(a: &U256) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, w) in a.iter().enumerate() {
        let o = 28 - 4 * i;
        out[o..o + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// The 512-bit product `a * b` (16-bit digits: no 32x32 -> 64-bit multiply on this target).
#[cfg(all(bulwark_fe16, not(all(target_arch = "arm", bulwark_m0asm))))]
pub use super::mul_gen::mul_wide16 as mul_wide;
/// The 512-bit product `a * b` (32-bit words: this target multiplies 32x32 -> 64 bits).
#[cfg(all(not(bulwark_fe16), not(all(target_arch = "arm", bulwark_umaal))))]
pub use super::mul_gen::mul_wide32 as mul_wide;
/// The 512-bit square (16-bit digits).
#[cfg(all(bulwark_fe16, not(all(target_arch = "arm", bulwark_m0asm))))]
pub use super::mul_gen::sqr_wide16 as sqr_wide;
/// The 512-bit square (32-bit words).
#[cfg(all(not(bulwark_fe16), not(all(target_arch = "arm", bulwark_umaal))))]
pub use super::mul_gen::sqr_wide32 as sqr_wide;
/// The 512-bit product `a * b` (ARMv6-M: 16-bit digits in Thumb-1 assembly).
#[cfg(all(bulwark_fe16, target_arch = "arm", bulwark_m0asm))]
pub use crate::m0asm_gen::mul_wide16 as mul_wide;
/// The 512-bit square (ARMv6-M: 16-bit digits in Thumb-1 assembly).
#[cfg(all(bulwark_fe16, target_arch = "arm", bulwark_m0asm))]
pub use crate::m0asm_gen::sqr_wide16 as sqr_wide;
/// The 512-bit product `a * b` (ARMv7E-M: `UMAAL` in assembly).
#[cfg(all(target_arch = "arm", bulwark_umaal))]
pub use crate::umaal_gen::mul_wide;
/// The 512-bit square (ARMv7E-M: the `UMAAL` product of `a` by itself).
#[cfg(all(target_arch = "arm", bulwark_umaal))]
#[inline(always)]
pub fn sqr_wide(a: &U256) -> [u32; 16] {
    crate::umaal_gen::mul_wide(a, a)
}
pub use super::mul_gen::{mul_wide16, mul_wide32, sqr_wide16, sqr_wide32};
