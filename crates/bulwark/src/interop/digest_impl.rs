//! `digest` 0.11 for bulwark's hashes.

use crate::Error;
use crate::hash::{Sha256, Sha512};
use core::fmt;
use digest::consts::{U32, U64};
use digest::{FixedOutput, HashMarker, Output, OutputSizeUser, Reset, Update};

macro_rules! digest_adapter {
    ($(#[$doc:meta])* $name:ident, $trait:ident, $size:ty) => {
        $(#[$doc])*
        pub struct $name<P: $trait> {
            engine: P,
            state: Option<P::State>,
            failure: Option<Error>,
        }

        impl<P: $trait> $name<P> {
            /// A fresh hash on `engine`.
            pub fn with_engine(mut engine: P) -> Self {
                let (state, failure) = match engine.start() {
                    Ok(state) => (Some(state), None),
                    Err(error) => (None, Some(error)),
                };
                Self { engine, state, failure }
            }

            /// The engine's first error, if any: the digest is then all zeros, not a hash.
            pub fn failure(&self) -> Option<Error> {
                self.failure
            }
        }

        impl<P: $trait + Default> Default for $name<P> {
            fn default() -> Self {
                Self::with_engine(P::default())
            }
        }

        impl<P: $trait> fmt::Debug for $name<P> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("failure", &self.failure)
                    .finish_non_exhaustive()
            }
        }

        impl<P: $trait> HashMarker for $name<P> {}

        impl<P: $trait> OutputSizeUser for $name<P> {
            type OutputSize = $size;
        }

        impl<P: $trait> Update for $name<P> {
            fn update(&mut self, data: &[u8]) {
                if let Some(state) = self.state.as_mut() {
                    if let Err(error) = self.engine.update(state, data) {
                        self.state = None;
                        self.failure.get_or_insert(error);
                    }
                }
            }
        }

        impl<P: $trait> FixedOutput for $name<P> {
            fn finalize_into(mut self, out: &mut Output<Self>) {
                let digest = self.state.take().map(|state| self.engine.finish(state));
                match digest {
                    Some(Ok(digest)) => out.copy_from_slice(&digest),
                    _ => out.fill(0),
                }
            }
        }

        impl<P: $trait> Reset for $name<P> {
            fn reset(&mut self) {
                match self.engine.start() {
                    Ok(state) => {
                        self.state = Some(state);
                        self.failure = None;
                    }
                    Err(error) => {
                        self.state = None;
                        self.failure = Some(error);
                    }
                }
            }
        }
    };
}

digest_adapter!(
    /// SHA-256 on any bulwark [`Sha256`] engine as a RustCrypto hash: [`digest::Digest`]
    /// comes with `Default` (for `P: Default`, e.g. every `Provider`).
    Sha256Digest,
    Sha256,
    U32
);

digest_adapter!(
    /// SHA-512 on any bulwark [`Sha512`] engine as a RustCrypto hash ([`digest::Digest`] for
    /// `P: Default`).
    Sha512Digest,
    Sha512,
    U64
);
