//! The P-256 base and scalar fields, ECDH and ECDSA, for 32-bit cores without a 64-bit
//! product.
//!
//! - [`field`]: GF(p) with 16x16 -> 32-bit partial products and NIST's fast reduction;
//!   Fermat inversion and square root by fixed addition chains.
//! - [`scalar`]: integers mod n (Montgomery over 16-bit digits), constant-time and
//!   variable-time inversion.
//! - [`point`]: Jacobian arithmetic, constant-time fixed-window scalar multiplication, Straus
//!   double-scalar multiplication for verification (`straus.rs`, re-exported by `point`),
//!   decompression and validation.
//! - [`CompactP256`]: the bulwark API traits over them (`KeyAgreement<P256>`,
//!   `Verify`/`VerifyPrehash`/`Sign<EcdsaP256>`), a thin layer kept apart from the arithmetic;
//!   the backend type [`crate::Compact`] implements the same traits by forwarding to it.
//!
//! SHA-256 (for ECDSA and RFC 6979's HMAC) is the backend's own (`crate::sha256`).

pub mod field;
mod g_table;
pub mod limbs;
pub mod mul_gen;
pub mod point;
pub mod scalar;
mod straus;

mod ecdh;
mod ecdsa;

pub use ecdh::{
    CompactP256, P256_KEYGEN_ATTEMPTS, P256EphemeralSecret, P256PublicKey, P256StaticSecret,
};
pub use ecdsa::EcdsaP256SigningKey;
