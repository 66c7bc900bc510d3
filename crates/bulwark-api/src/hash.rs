//! SHA-256 and SHA-512 (FIPS 180-4) with caller-owned state.

use crate::Error;

/// SHA-256 output length in bytes.
pub const SHA256_LEN: usize = 32;

/// SHA-512 output length in bytes.
pub const SHA512_LEN: usize = 64;

/// Defines a hash trait with caller-owned state (one per output length) and its `&mut T`
/// forwarding impl.
macro_rules! hash_trait {
    ($(#[$doc:meta])* $name:ident, $len:ident) => {
        $(#[$doc])*
        pub trait $name {
            /// The in-progress hash state.
            type State;

            /// A fresh state. Returns the engine's error ([`Error::Busy`], [`Error::Hardware`]).
            fn start(&mut self) -> Result<Self::State, Error>;

            /// Absorbs `data`. Returns the engine's error.
            fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error>;

            /// Consumes the state and returns the digest, or the engine's error.
            fn finish(&mut self, state: Self::State) -> Result<[u8; $len], Error>;

            /// One-shot digest of the concatenation of `parts`.
            fn digest(&mut self, parts: &[&[u8]]) -> Result<[u8; $len], Error> {
                let mut state = self.start()?;
                for part in parts {
                    self.update(&mut state, part)?;
                }
                self.finish(state)
            }
        }

        impl<T: $name + ?Sized> $name for &mut T {
            type State = T::State;

            fn start(&mut self) -> Result<Self::State, Error> {
                T::start(self)
            }

            fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
                T::update(self, state, data)
            }

            fn finish(&mut self, state: Self::State) -> Result<[u8; $len], Error> {
                T::finish(self, state)
            }
        }
    };
}

hash_trait!(
    /// SHA-256 whose state the caller owns, so a hash can run over a flash image in chunks and
    /// a hardware hash engine can keep its context wherever the caller puts it.
    Sha256,
    SHA256_LEN
);

hash_trait!(
    /// SHA-512 (FIPS 180-4) with caller-owned state, the same shape as [`Sha256`]. MCUboot
    /// images signed with `imgtool sign --sha 512` (and every `--pure` Ed25519 image) carry a
    /// SHA-512 hash and a 64-byte key hash.
    Sha512,
    SHA512_LEN
);
