//! GF(2^255 - 19), X25519 (RFC 7748) and Ed25519 verification (RFC 8032) for small cores.
//!
//! The arithmetic is separate from the API glue ([`crate::Compact`]'s `KeyAgreement<X25519>`
//! lives in `kex.rs`): [`Field`] is the field interface, with one implementation per limb
//! strategy, and the ladder is generic over it, so every strategy runs the same X25519 code
//! and is tested on the host.
//!
//! - [`Fe16`]: radix 2^16, every partial product 16x16 -> 32 bits. For cores without a
//!   32x32 -> 64 multiply (Cortex-M0/M0+/M23, `thumbv6m`/`thumbv8m.base`, AVR, RV32 without
//!   M), where Rust's `u64` products become library calls (`__aeabi_lmul`).
//! - [`Fe32`]: radix 2^32 with `u64` products, for every other target (Cortex-M3/M4/M7,
//!   RV32IM, hosts).
//!
//! [`Fe`] is the one compiled for the target (chosen by `build.rs`; `BULWARK_COMPACT_FE=16`
//! or `=32` overrides it); both are always compiled and tested on the host.

mod base_table;
mod ed25519;
mod edwards;
mod fe16;
// On ARMv6-M with `bulwark_m0asm` the product and square come from `m0asm_gen` instead.
#[cfg_attr(all(target_arch = "arm", bulwark_m0asm), allow(dead_code))]
mod fe16_gen;
mod fe32;
// On ARMv7E-M the product and square come from `umaal_gen` instead.
#[cfg_attr(all(target_arch = "arm", bulwark_umaal), allow(dead_code))]
mod fe32_gen;
mod kex;
mod scalar;
mod x25519;

pub use ed25519::{Ed25519PublicKey, Ed25519SigningKey, sign_with, verify_with};
pub use fe16::Fe16;
pub use fe32::Fe32;
pub use kex::{X25519EphemeralSecret, X25519PublicKey, X25519StaticSecret};
pub use x25519::{x25519, x25519_base, x25519_with};

/// The field operations the X25519 ladder needs, for one limb strategy.
///
/// Elements are kept loosely reduced (each strategy states its own bound); only
/// [`Field::to_bytes`] reduces canonically. Every operation runs in time independent of the
/// values.
pub trait Field: Copy + zeroize::Zeroize {
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// Reads 32 little-endian bytes, ignoring bit 255 (RFC 7748 masks it); values `>= p` are
    /// accepted and reduced by the arithmetic.
    fn from_bytes(bytes: &[u8; 32]) -> Self;
    /// The canonical (fully reduced) 32-byte little-endian encoding.
    fn to_bytes(&self) -> [u8; 32];
    /// `self + b`.
    fn add(&self, b: &Self) -> Self;
    /// `self - b`.
    fn sub(&self, b: &Self) -> Self;
    /// `self * b`.
    fn mul(&self, b: &Self) -> Self;
    /// `self^2`.
    fn square(&self) -> Self;
    /// `self * 121665` (the X25519 ladder constant `(A - 2) / 4`).
    fn mul_a24(&self) -> Self;
    /// Swaps `a` and `b` if `mask` is all ones, leaves them if it is zero, in constant time.
    fn cswap(a: &mut Self, b: &mut Self, mask: u32);

    /// `self^(2^n)`.
    fn square_n(&self, n: u32) -> Self {
        let mut r = *self;
        for _ in 0..n {
            r = r.square();
        }
        r
    }

    /// `self^(p - 2)`, the inverse for nonzero `self` (0 for 0): Fermat, a fixed chain of 254
    /// squarings and 11 multiplications.
    fn invert(&self) -> Self {
        let (z_250_0, z11) = self.pow_2_250_1();
        // 2^255 - 32 + 11 = p - 2.
        z_250_0.square_n(5).mul(&z11)
    }

    /// `(self^(2^250 - 1), self^11)`: the addition chain [`Self::invert`] and
    /// [`Self::pow_p58`] share (11 multiplications, 249 squarings).
    fn pow_2_250_1(&self) -> (Self, Self) {
        let z = *self;
        let z2 = z.square();
        let z9 = z2.square_n(2).mul(&z);
        let z11 = z9.mul(&z2);
        let z_5_0 = z11.square().mul(&z9); // 2^5 - 1
        let z_10_0 = z_5_0.square_n(5).mul(&z_5_0);
        let z_20_0 = z_10_0.square_n(10).mul(&z_10_0);
        let z_40_0 = z_20_0.square_n(20).mul(&z_20_0);
        let z_50_0 = z_40_0.square_n(10).mul(&z_10_0);
        let z_100_0 = z_50_0.square_n(50).mul(&z_50_0);
        let z_200_0 = z_100_0.square_n(100).mul(&z_100_0);
        (z_200_0.square_n(50).mul(&z_50_0), z11)
    }

    /// `self^((p - 5) / 8) = self^(2^252 - 3)`, for square roots.
    fn pow_p58(&self) -> Self {
        let (z_250_0, _) = self.pow_2_250_1();
        // 2^252 - 4 + 1.
        z_250_0.square_n(2).mul(self)
    }

    /// `-self`.
    fn neg(&self) -> Self {
        Self::ZERO.sub(self)
    }

    /// Whether `self = 0 (mod p)`. Not constant time in its result only.
    fn is_zero(&self) -> bool {
        self.to_bytes() == [0; 32]
    }
}

/// The limb strategy compiled for this target: radix 2^16.
#[cfg(bulwark_fe16)]
pub type Fe = Fe16;
/// The limb strategy compiled for this target: radix 2^32.
#[cfg(not(bulwark_fe16))]
pub type Fe = Fe32;

#[cfg(test)]
mod tests;
