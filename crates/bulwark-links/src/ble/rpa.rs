//! Resolvable private addresses (Core Specification Vol 6 Part B 1.3.2.2).
//!
//! A resolvable private address is `prand || hash` (most significant octet first), where the
//! two most significant bits of `prand` are `0b01`, the other 22 bits are random and neither
//! all zeros nor all ones, and `hash = ah(IRK, prand)`. A peer holding the IRK recognises the
//! device; nobody else can link two of its addresses.

use super::toolbox::ah;
use crate::BlockEngines;
use bulwark_api::{Error, Rng, SecretBytes, secret::ct_eq_bytes};

/// A 48-bit device address, most significant octet first.
pub type Address = [u8; 6];

/// Whether `prand` is a valid `prand` of a resolvable private address: top bits `0b01`, the
/// random 22 bits neither all zeros nor all ones.
pub fn is_valid_prand(prand: &[u8; 3]) -> bool {
    let random =
        ((u32::from(prand[0]) & 0x3f) << 16) | (u32::from(prand[1]) << 8) | u32::from(prand[2]);
    prand[0] >> 6 == 0b01 && random != 0 && random != 0x3f_ffff
}

/// Generates a resolvable private address for `irk`, drawing `prand` from `rng`.
///
/// Returns the address, or the generator's or engine's error.
pub fn generate<B: BlockEngines + ?Sized, R: Rng + ?Sized>(
    engines: &mut B,
    rng: &mut R,
    irk: &SecretBytes<16>,
) -> Result<Address, Error> {
    // At most 2 of the 2^22 random values are invalid; retrying a few times only fails with a
    // broken generator.
    for _ in 0..8 {
        let mut prand = [0u8; 3];
        rng.fill_bytes(&mut prand)?;
        prand[0] = (prand[0] & 0x3f) | 0x40;
        if is_valid_prand(&prand) {
            return from_prand(engines, irk, &prand);
        }
    }
    Err(Error::Hardware)
}

/// The resolvable private address for a given `prand` (which must pass [`is_valid_prand`],
/// else [`Error::InvalidInput`]).
pub fn from_prand<B: BlockEngines + ?Sized>(
    engines: &mut B,
    irk: &SecretBytes<16>,
    prand: &[u8; 3],
) -> Result<Address, Error> {
    if !is_valid_prand(prand) {
        return Err(Error::InvalidInput);
    }
    let hash = ah(engines, irk, prand)?;
    Ok([prand[0], prand[1], prand[2], hash[0], hash[1], hash[2]])
}

/// Whether `address` is a resolvable private address generated under `irk`.
///
/// Returns `Ok(false)` for an address that is not a resolvable private address at all (wrong
/// top bits, an all-zero or all-one random part) or whose hash does not match (compared in
/// constant time); the engine's error otherwise.
pub fn resolve<B: BlockEngines + ?Sized>(
    engines: &mut B,
    irk: &SecretBytes<16>,
    address: &Address,
) -> Result<bool, Error> {
    let prand = [address[0], address[1], address[2]];
    if !is_valid_prand(&prand) {
        return Ok(false);
    }
    let hash = ah(engines, irk, &prand)?;
    Ok(ct_eq_bytes(&hash, &address[3..]))
}
