//! Install codes (Zigbee Base Device Behavior specification 10.1): a random code of 6, 8, 12
//! or 16 octets followed by its CRC-16, printed on the device; the preconfigured link key is
//! the AES-MMO hash of the whole install code, CRC included.

use super::mmo;
use crate::BlockEngines;
use bulwark_api::{Error, SecretBytes};

/// Why an install code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallCodeError {
    /// The install code (with its CRC) is not 8, 10, 14 or 18 octets long.
    Length,
    /// The CRC-16 does not match the code: a typo, or not an install code.
    Crc,
    /// The AES engine failed.
    Engine(Error),
}

impl core::fmt::Display for InstallCodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            InstallCodeError::Length => {
                f.write_str("an install code is 6, 8, 12 or 16 octets plus a 2-octet CRC")
            }
            InstallCodeError::Crc => f.write_str("install code CRC mismatch"),
            InstallCodeError::Engine(e) => write!(f, "{e}"),
        }
    }
}

impl From<InstallCodeError> for Error {
    fn from(e: InstallCodeError) -> Self {
        match e {
            InstallCodeError::Length | InstallCodeError::Crc => Error::InvalidInput,
            InstallCodeError::Engine(e) => e,
        }
    }
}

/// The install code's CRC-16: CRC-16/X-25 (ITU-T polynomial x^16 + x^12 + x^5 + 1, reflected,
/// initial value and final XOR 0xFFFF), sent least significant octet first after the code.
pub fn crc16(code: &[u8]) -> u16 {
    let mut crc: u16 = 0xffff;
    for &byte in code {
        crc ^= u16::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x8408
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Checks an install code (code then CRC, as printed): its length and CRC.
///
/// Returns [`InstallCodeError::Length`] or [`InstallCodeError::Crc`].
pub fn check(install_code: &[u8]) -> Result<(), InstallCodeError> {
    let code_len = match install_code.len() {
        8 | 10 | 14 | 18 => install_code.len() - 2,
        _ => return Err(InstallCodeError::Length),
    };
    let (code, crc) = install_code.split_at(code_len);
    if crc16(code).to_le_bytes() != [crc[0], crc[1]] {
        return Err(InstallCodeError::Crc);
    }
    Ok(())
}

/// The preconfigured link key of an install code (code then CRC): `AES-MMO(install code)`,
/// after [`check`].
///
/// The install code is a secret (whoever reads it can join the network as the device); the
/// caller keeps and wipes it. Returns the key, a [`check`] error, or the engine's error.
pub fn link_key<B: BlockEngines + ?Sized>(
    engines: &mut B,
    install_code: &[u8],
) -> Result<SecretBytes<16>, InstallCodeError> {
    check(install_code)?;
    mmo::hash(engines, &[install_code]).map_err(InstallCodeError::Engine)
}
