//! GF(2^255 - 19) in radix 2^16: sixteen 16-bit digits, for cores whose multiplier gives only
//! the low 32 bits of a product (Cortex-M0 `MULS`).
//!
//! Every partial product is a 16x16 -> 32 bit product, so it never needs a 64-bit multiply;
//! columns are summed in a 64-bit accumulator, which costs an add and an add-with-carry. The
//! multiplication and squaring are product-scanning and fully unrolled (`fe16_gen.rs`, written
//! by `tools/gen_fe16.py`; on ARMv6-M the product and square are the Thumb-1 assembly of
//! `m0asm_gen` instead, with the same invariant); the linear operations keep digits below 2^16 with one carry pass
//! and fold everything at and above bit 255 back with `2^255 = 19 (mod p)`.
//!
//! Invariant: every element is 16 digits below 2^16 (a value below 2^256, not necessarily
//! reduced mod p); [`Fe16::to_bytes`] reduces canonically.

use super::{Field, fe16_gen};

/// Sixteen little-endian 16-bit digits.
pub(super) type Digits = [u16; 16];

/// One 16x16 -> 32 bit partial product, widened for a 64-bit column accumulator.
#[inline(always)]
pub(super) fn m(x: u16, y: u16) -> u64 {
    u64::from(u32::from(x) * u32::from(y))
}

/// Adds `19 * top` to `r` with one carry pass. The caller has cleared bit 255 of `r` and keeps
/// `19 * top` small, so the result stays below 2^256.
#[inline(always)]
fn add_small(r: &mut Digits, small: u32) {
    let mut c = small;
    for d in r.iter_mut() {
        c += u32::from(*d);
        *d = c as u16;
        c >>= 16;
    }
}

/// Folds `c * 2^256 + r` (with `c` small) below 2^256: bits 255 and up times 19 into digit 0.
#[inline(always)]
fn fold(r: &mut Digits, c: u32) {
    let top = (c << 1) | (u32::from(r[15]) >> 15);
    r[15] &= 0x7fff;
    add_small(r, top * 19);
}

/// An element of GF(2^255 - 19) in radix 2^16.
///
/// Word aligned (`repr(C, align(4))`): the ARMv6-M product and square (`m0asm_gen`) read
/// and write the digits two at a time as 32-bit words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(4))]
pub struct Fe16(pub(super) Digits);

impl zeroize::Zeroize for Fe16 {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Field for Fe16 {
    const ZERO: Self = Self([0; 16]);
    const ONE: Self = {
        let mut d = [0u16; 16];
        d[0] = 1;
        Self(d)
    };

    fn from_bytes(bytes: &[u8; 32]) -> Self {
        let mut d = [0u16; 16];
        for (i, digit) in d.iter_mut().enumerate() {
            *digit = u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]);
        }
        d[15] &= 0x7fff;
        Self(d)
    }

    fn to_bytes(&self) -> [u8; 32] {
        // Below 2^255 + 19 * 2 after one fold.
        let mut r = self.0;
        fold(&mut r, 0);
        // r >= p exactly when r + 19 reaches 2^255: q is that bit, from the carry chain alone;
        // r + 19 q with bit 255 cleared is r - q p. Arithmetic only, no select.
        let mut c = 19u32;
        for d in &r[..15] {
            c = (c + u32::from(*d)) >> 16;
        }
        let q = core::hint::black_box((c + u32::from(r[15])) >> 15);
        add_small(&mut r, 19 * q);
        r[15] &= 0x7fff;
        let mut out = [0u8; 32];
        for (o, d) in out.chunks_exact_mut(2).zip(r) {
            o.copy_from_slice(&d.to_le_bytes());
        }
        out
    }

    fn add(&self, b: &Self) -> Self {
        Self(fe16_gen::add(&self.0, &b.0))
    }

    fn sub(&self, b: &Self) -> Self {
        Self(fe16_gen::sub(&self.0, &b.0))
    }

    #[cfg(not(all(target_arch = "arm", bulwark_m0asm)))]
    fn mul(&self, b: &Self) -> Self {
        Self(fe16_gen::mul(&self.0, &b.0))
    }

    /// ARMv6-M: the Thumb-1 assembly product (`m0asm_gen`).
    #[cfg(all(target_arch = "arm", bulwark_m0asm))]
    fn mul(&self, b: &Self) -> Self {
        crate::m0asm_gen::mul_25519(self, b)
    }

    #[cfg(not(all(target_arch = "arm", bulwark_m0asm)))]
    fn square(&self) -> Self {
        Self(fe16_gen::square(&self.0))
    }

    /// ARMv6-M: the Thumb-1 assembly square (`m0asm_gen`).
    #[cfg(all(target_arch = "arm", bulwark_m0asm))]
    fn square(&self) -> Self {
        crate::m0asm_gen::sqr_25519(&self.0)
    }

    fn mul_a24(&self) -> Self {
        Self(fe16_gen::mul_a24(&self.0))
    }

    #[inline(always)]
    fn cswap(a: &mut Self, b: &mut Self, mask: u32) {
        fe16_gen::cswap(&mut a.0, &mut b.0, mask as u16);
    }
}
