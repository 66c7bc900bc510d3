//! HKDF-SHA256, SHA-256 and SHA-512: delegated to `Soft`. `sha2` runs on SHA-NI on the
//! gateway CPUs we measured and is as fast as AWS-LC there (`benches/REPORT.md`), and `Soft`'s
//! caller-owned hash state (`Sha256State`, `Sha512State`) is wiped on drop, which AWS-LC's
//! digest context does not promise.

use bulwark_api::{
    Error,
    hash::{SHA256_LEN, SHA512_LEN, Sha256, Sha512},
    kdf::{HkdfSha256, Prk},
};
use bulwark_soft::{Sha256State, Sha512State, Soft};

use crate::Server;

impl HkdfSha256 for Server {
    fn extract(&mut self, salt: &[u8], ikm: &[&[u8]]) -> Result<Prk, Error> {
        Soft.extract(salt, ikm)
    }

    fn expand(&mut self, prk: &Prk, info: &[&[u8]], okm: &mut [u8]) -> Result<(), Error> {
        Soft.expand(prk, info, okm)
    }
}

/// Implements a hash trait for [`Server`] by handing every call to `Soft`.
macro_rules! soft_hash {
    ($name:ident, $state:ident, $len:ident) => {
        impl $name for Server {
            type State = $state;

            fn start(&mut self) -> Result<Self::State, Error> {
                $name::start(&mut Soft)
            }

            fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
                $name::update(&mut Soft, state, data)
            }

            fn finish(&mut self, state: Self::State) -> Result<[u8; $len], Error> {
                $name::finish(&mut Soft, state)
            }
        }
    };
}
soft_hash!(Sha256, Sha256State, SHA256_LEN);
soft_hash!(Sha512, Sha512State, SHA512_LEN);
