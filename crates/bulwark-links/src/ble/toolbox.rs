//! The LE Secure Connections cryptographic toolbox (Core Specification Vol 3 Part H 2.2).
//!
//! Every function is AES-CMAC (through [`CmacEngines`]) or, for `ah`, the AES-128 block
//! function `e` (through [`BlockEngines`]). Values are most significant octet first, exactly
//! as the specification writes its functions and Appendix D sample data; secret inputs and
//! outputs are [`SecretBytes`].

use crate::{BlockEngines, CmacEngines};
use bulwark_api::{Error, SecretBytes, mac::Cmac};
use zeroize::Zeroize;

/// The f5 salt, `SALT = 0x6C88 8391 AAF5 A538 6037 0BDB 5A60 83BE`.
pub const F5_SALT: [u8; 16] = [
    0x6c, 0x88, 0x83, 0x91, 0xaa, 0xf5, 0xa5, 0x38, 0x60, 0x37, 0x0b, 0xdb, 0x5a, 0x60, 0x83, 0xbe,
];

/// The f5 key identifier, "btle".
pub const F5_KEY_ID: [u8; 4] = *b"btle";

fn cmac<E: CmacEngines + ?Sized>(
    engines: &mut E,
    key: &[u8; 16],
    parts: &[&[u8]],
) -> Result<[u8; 16], Error> {
    engines.cmac(key)?.compute(parts)
}

fn cmac_secret<E: CmacEngines + ?Sized>(
    engines: &mut E,
    key: &[u8; 16],
    parts: &[&[u8]],
) -> Result<SecretBytes<16>, Error> {
    let mut tag = cmac(engines, key, parts)?;
    Ok(SecretBytes::take_from(&mut tag))
}

/// f4, the confirm value generation function: `AES-CMAC_X(U || V || Z)`.
///
/// - `u`, `v`: x-coordinates of public keys (256 bits each).
/// - `x`: the nonce that keys the MAC (public once revealed, secret until then).
/// - `z`: 0 for Just Works and numeric comparison, `0x80 | bit` in passkey entry.
///
/// Returns the 128-bit confirm value, or the engine's error.
pub fn f4<E: CmacEngines + ?Sized>(
    engines: &mut E,
    u: &[u8; 32],
    v: &[u8; 32],
    x: &[u8; 16],
    z: u8,
) -> Result<[u8; 16], Error> {
    cmac(engines, x, &[u, v, &[z]])
}

/// The two keys f5 derives: the MacKey (for f6) and the LTK. Both zeroized on drop.
pub struct F5Keys {
    /// The MacKey, the most significant 128 bits of f5.
    pub mac_key: SecretBytes<16>,
    /// The long-term key, the least significant 128 bits of f5.
    pub ltk: SecretBytes<16>,
}

bulwark_api::redacted_debug!(F5Keys);

/// f5, the key generation function: `T = AES-CMAC_SALT(W)`, then
/// `AES-CMAC_T(counter || "btle" || N1 || N2 || A1 || A2 || 256)` for counters 0 (MacKey) and
/// 1 (LTK).
///
/// - `w`: the DHKey (the 256-bit x-coordinate of the shared point), secret.
/// - `n1`, `n2`: the initiator's and responder's nonces; `a1`, `a2`: their addresses.
///
/// Returns both keys, or the engine's error. The intermediate key `T` is wiped.
pub fn f5<E: CmacEngines + ?Sized>(
    engines: &mut E,
    w: &SecretBytes<32>,
    n1: &[u8; 16],
    n2: &[u8; 16],
    a1: &[u8; 7],
    a2: &[u8; 7],
) -> Result<F5Keys, Error> {
    let t = cmac_secret(engines, &F5_SALT, &[w.expose_secret()])?;
    let mut engine = engines.cmac(t.expose_secret())?;
    let length = [0x01, 0x00];
    let mut derive = |counter: u8| -> Result<SecretBytes<16>, Error> {
        let mut tag = engine.compute(&[&[counter], &F5_KEY_ID, n1, n2, a1, a2, &length])?;
        Ok(SecretBytes::take_from(&mut tag))
    };
    let mac_key = derive(0)?;
    let ltk = derive(1)?;
    Ok(F5Keys { mac_key, ltk })
}

/// f6, the check value generation function: `AES-CMAC_W(N1 || N2 || R || IOcap || A1 || A2)`.
///
/// - `w`: the MacKey from [`f5`].
/// - `r`: the passkey or OOB value (zero for numeric comparison and Just Works).
/// - `io_cap`: AuthReq, OOB data flag, IO capability (most significant octet first).
///
/// Returns the 128-bit DHKey check value, or the engine's error.
#[allow(clippy::too_many_arguments)]
pub fn f6<E: CmacEngines + ?Sized>(
    engines: &mut E,
    w: &SecretBytes<16>,
    n1: &[u8; 16],
    n2: &[u8; 16],
    r: &[u8; 16],
    io_cap: &[u8; 3],
    a1: &[u8; 7],
    a2: &[u8; 7],
) -> Result<[u8; 16], Error> {
    cmac(engines, w.expose_secret(), &[n1, n2, r, io_cap, a1, a2])
}

/// g2, the numeric comparison value function: `AES-CMAC_X(U || V || Y) mod 2^32`.
///
/// Returns the 32-bit value; the six digits shown to the user are
/// [`numeric_comparison_value`] of it. Returns the engine's error.
pub fn g2<E: CmacEngines + ?Sized>(
    engines: &mut E,
    u: &[u8; 32],
    v: &[u8; 32],
    x: &[u8; 16],
    y: &[u8; 16],
) -> Result<u32, Error> {
    let tag = cmac(engines, x, &[u, v, y])?;
    Ok(u32::from_be_bytes([tag[12], tag[13], tag[14], tag[15]]))
}

/// The six decimal digits a user compares: `g2 mod 10^6`.
pub const fn numeric_comparison_value(g2: u32) -> u32 {
    g2 % 1_000_000
}

/// h6, the link key conversion function: `AES-CMAC_W(keyID)`.
///
/// Returns the derived 128-bit key, or the engine's error.
pub fn h6<E: CmacEngines + ?Sized>(
    engines: &mut E,
    w: &SecretBytes<16>,
    key_id: &[u8; 4],
) -> Result<SecretBytes<16>, Error> {
    cmac_secret(engines, w.expose_secret(), &[key_id])
}

/// h7, the link key conversion function with a salt: `AES-CMAC_SALT(W)`.
///
/// Returns the derived 128-bit key, or the engine's error.
pub fn h7<E: CmacEngines + ?Sized>(
    engines: &mut E,
    salt: &[u8; 16],
    w: &SecretBytes<16>,
) -> Result<SecretBytes<16>, Error> {
    cmac_secret(engines, salt, &[w.expose_secret()])
}

/// ah, the random address hash function: `e(k, 0^104 || r) mod 2^24`.
///
/// - `irk`: the identity resolving key, secret.
/// - `prand`: the 24-bit random part of the address.
///
/// Returns the 24-bit hash, or the engine's error.
pub fn ah<B: BlockEngines + ?Sized>(
    engines: &mut B,
    irk: &SecretBytes<16>,
    prand: &[u8; 3],
) -> Result<[u8; 3], Error> {
    let mut block = [0u8; 16];
    block[13..].copy_from_slice(prand);
    engines.encrypt_block(irk.expose_secret(), &mut block)?;
    let hash = [block[13], block[14], block[15]];
    block.zeroize();
    Ok(hash)
}
