#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "interop")]
pub mod interop;
mod provider;

#[cfg(feature = "hazmat")]
pub use bulwark_api::hazmat;
pub use bulwark_api::{Error, Rng, SecretBytes, ccm, encoding, hash, kdf, kex, mac, secret, sig};
#[cfg(feature = "hazmat")]
pub use provider::HazmatProvider;
pub use provider::{DefaultProvider, Provider};

/// The backends, for code that must name one (benchmarks, backend-specific tests, a driver that
/// wraps a backend's engine). Everything else uses [`DefaultProvider`] or is generic over
/// [`Provider`] or the capability traits.
pub mod backends {
    /// The portable software backend (RustCrypto and dalek primitives; fused AES-NI CCM on
    /// x86-64).
    pub use bulwark_soft as soft;

    /// The microcontroller backend (own field arithmetic without 64-bit products, bitsliced
    /// AES with a paired CCM): the default on ARM, RISC-V and AVR targets.
    pub use bulwark_compact as compact;

    /// The gateway backend (AWS-LC for public-key operations; `std`).
    #[cfg(feature = "server")]
    pub use bulwark_server as server;

    /// The generic block-cipher modes over any [`BlockEncrypt`](bulwark_api::hazmat) engine:
    /// the seam for an AES peripheral.
    pub use bulwark_modes as modes;
}

// The repository README's examples compile and run as this crate's doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;
