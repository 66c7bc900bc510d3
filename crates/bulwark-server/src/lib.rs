#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

/// `Debug`, `PartialEq` and `Eq` for a public key type that holds `Soft`'s key in its `soft`
/// field (next to AWS-LC's parsed form of the same key): all three go by `Soft`'s key.
macro_rules! by_soft_key {
    ($name:ident) => {
        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.soft).finish()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.soft == other.soft
            }
        }

        impl Eq for $name {}
    };
}

/// The encodings of a P-256 public key type that holds `Soft`'s key (`$soft`) in its `soft`
/// field, and that key itself.
macro_rules! p256_encodings {
    ($name:ident, $soft:ty) => {
        impl $name {
            /// Uncompressed SEC1 encoding: `04 || x || y` (65 bytes).
            pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
                self.soft.to_sec1_uncompressed()
            }

            /// Compressed SEC1 encoding: `02/03 || x` (33 bytes).
            pub fn to_sec1_compressed(&self) -> [u8; 33] {
                self.soft.to_sec1_compressed()
            }

            /// The same key as the software backend's type.
            pub fn to_soft(&self) -> $soft {
                self.soft
            }
        }
    };
}

pub mod batch;
mod hash;
mod kex;
mod sig;

pub use batch::{BatchItem, BatchVerdict};
pub use kex::{
    P256PublicKey, ServerP256Ephemeral, ServerP256Static, ServerX25519Ephemeral,
    ServerX25519Static, X25519PublicKey,
};
pub use sig::{EcdsaP256PublicKey, EcdsaP256SigningKey, Ed25519PublicKey, Ed25519SigningKey};

use bulwark_api::Error;
use bulwark_soft::{Soft, SoftAes, SoftCcm};

/// The gateway backend: asymmetric operations on AWS-LC (through `aws-lc-rs`), everything else
/// on [`Soft`].
///
/// | capability | engine |
/// |---|---|
/// | [`KeyAgreement<X25519>`](bulwark_api::kex::KeyAgreement), [`KeyAgreement<P256>`](bulwark_api::kex::KeyAgreement): every method | AWS-LC (keys imported through `Soft` first, for its validation rules) |
/// | [`Verify<Ed25519>`](bulwark_api::sig::Verify), [`Sign<Ed25519>`](bulwark_api::sig::Sign) | AWS-LC, plus a small-order-`R` check (strict semantics) |
/// | [`Verify<EcdsaP256>`](bulwark_api::sig::Verify), [`VerifyPrehash<EcdsaP256>`](bulwark_api::sig::VerifyPrehash) | AWS-LC (signature decoded by `Soft`'s strict DER codec) |
/// | [`Sign<EcdsaP256>`](bulwark_api::sig::Sign) `sign` | **`Soft`**: the API promises RFC 6979 deterministic nonces, which AWS-LC does not offer |
/// | [`HkdfSha256`](bulwark_api::kdf::HkdfSha256), [`Sha256`](bulwark_api::hash::Sha256), [`Sha512`](bulwark_api::hash::Sha512) | **`Soft`** (`sha2` uses SHA-NI here: as fast as AWS-LC, see `benches/REPORT.md`) |
/// | AES-CCM ([`Server::ccm`]) | **`Soft`**: [`SoftCcm`] |
///
/// It holds no state: keys live in the associated key types. Unlike [`Soft`] it needs `std`
/// (AWS-LC is a C library with its own allocator).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Server;

impl Server {
    /// A new backend value (it holds nothing; every instance is the same).
    pub const fn new() -> Self {
        Server
    }

    /// AES-CCM for `key` (16, 24 or 32 bytes), on the software backend's AES (AES-NI and the
    /// fused CCM where the CPU has it). Returns [`Error::InvalidInput`] for any other key
    /// length. The key's requirements are those of [`bulwark_api::ccm::Ccm`]: never reuse a
    /// nonce under it.
    pub fn ccm(&self, key: &[u8]) -> Result<SoftCcm, Error> {
        Ok(SoftCcm::new(SoftAes::new(key)?))
    }

    /// The software backend this one falls back to, e.g. for
    /// [`CcmBatch`](bulwark_api::ccm::CcmBatch), which `Soft` implements over [`SoftAes`]
    /// keys.
    pub const fn soft(&self) -> Soft {
        Soft
    }
}
