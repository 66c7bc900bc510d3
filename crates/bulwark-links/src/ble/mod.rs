//! Bluetooth Low Energy: LE Secure Connections (Core Specification Vol 3 Part H).
//!
//! - [`toolbox`]: the cryptographic functions f4, f5, f6, g2, h6, h7 and ah (section 2.2).
//! - [`rpa`]: resolvable private addresses (Vol 6 Part B 1.3.2.2), generated and resolved with
//!   an identity resolving key.
//! - [`pairing`]: the LE Secure Connections pairing state machine for both roles and the three
//!   association models, secure by default.
//!
//! Byte order: every value here is written most significant octet first, as in the
//! specification's functions and sample data (Appendix D). The Security Manager Protocol
//! sends multi-octet values least significant octet first: [`pairing::Pdu`] converts when it
//! encodes and decodes.

pub mod pairing;
pub mod rpa;
pub mod toolbox;

/// A device address for the toolbox functions (`A1`, `A2` of f5 and f6): the address type
/// octet (0x00 public, 0x01 random) followed by the 6-byte address, most significant first.
pub type Address7 = [u8; 7];

/// Builds an [`Address7`] from the address type (`random`) and the 6-byte address (most
/// significant octet first).
pub const fn address7(random: bool, address: &[u8; 6]) -> Address7 {
    [
        random as u8,
        address[0],
        address[1],
        address[2],
        address[3],
        address[4],
        address[5],
    ]
}
