//! The device's non-IP links (bulwark-links): its BLE resolvable private address and its
//! Zigbee link key from the install code on its label.

use super::{DeviceKeys, Run};
use crate::protocol::Hex;
use bulwark::{Error, HazmatProvider, Rng, SecretBytes};
use core::fmt::Write;

/// The purpose label of the device's BLE identity resolving key (bulwark-psk purpose key).
pub const IRK_PURPOSE: &[u8] = b"demo ble irk";

/// The Zigbee install code on the device's label (the Zigbee specification's example: 16
/// octets and their CRC-16) and the link key it gives.
pub const INSTALL_CODE: [u8; 18] = [
    0x83, 0xfe, 0xd3, 0x40, 0x7a, 0x93, 0x97, 0x23, 0xa5, 0xc6, 0x39, 0xb2, 0x69, 0x16, 0xd5, 0x05,
    0xc3, 0xb5,
];
/// The link key of [`INSTALL_CODE`].
pub const INSTALL_CODE_LINK_KEY: [u8; 16] = [
    0x66, 0xb6, 0x90, 0x09, 0x81, 0xe1, 0xee, 0x3c, 0xa4, 0x20, 0x6b, 0x6b, 0x86, 0x1c, 0x02, 0xbb,
];

/// The AES engines bulwark-links takes, over a backend: CMAC and CCM from the provider, the
/// block function as one AES-CTR block over zeros.
pub struct LinkEngines<'p, P>(pub &'p mut P);

impl<P: HazmatProvider> bulwark_links::CmacEngines for LinkEngines<'_, P> {
    type Cmac = P::Cmac;
    fn cmac(&mut self, key: &[u8; 16]) -> Result<P::Cmac, Error> {
        self.0.cmac(key)
    }
}

impl<P: HazmatProvider> bulwark_links::CcmEngines for LinkEngines<'_, P> {
    type Ccm = P::Ccm;
    fn ccm(&mut self, key: &[u8; 16]) -> Result<P::Ccm, Error> {
        self.0.ccm(key)
    }
}

impl<P: HazmatProvider> bulwark_links::BlockEngines for LinkEngines<'_, P> {
    fn encrypt_block(&mut self, key: &[u8; 16], block: &mut [u8; 16]) -> Result<(), Error> {
        use bulwark::hazmat::Ctr;
        let counter = *block;
        block.fill(0);
        let result = self
            .0
            .ctr(key)
            .and_then(|mut ctr| ctr.apply_keystream(&counter, block));
        if result.is_err() {
            block.fill(0);
        }
        result
    }
}

pub(super) fn links<W: Write, P: HazmatProvider, R: Rng + ?Sized>(
    r: &mut Run<'_, W, P>,
    keys: &DeviceKeys,
    rng: &mut R,
) -> core::fmt::Result {
    use bulwark_links::ble::rpa;
    use bulwark_links::zigbee::install_code::{self, InstallCodeError};
    let mut e = LinkEngines(&mut *r.provider);
    let address = rpa::generate(&mut e, rng, &keys.irk);
    let resolved = address.and_then(|a| Ok((a, rpa::resolve(&mut e, &keys.irk, &a)?)));
    let mut foreign = [0u8; 16];
    foreign[0] = 1;
    let other = SecretBytes::take_from(&mut foreign);
    match resolved {
        Ok((a, resolves)) => {
            let by_other = rpa::resolve(&mut e, &other, &a);
            writeln!(
                r.out,
                "BLE resolvable private address {} (prand {}, hash {}) from the IRK (a purpose key of the code)",
                Hex(&a),
                Hex(&a[..3]),
                Hex(&a[3..])
            )?;
            r.check(
                resolves && by_other == Ok(false),
                "the private address resolves under the device's IRK, and not under another",
            )?;
        }
        Err(err) => r.error("resolvable private address", err)?,
    }
    let mut e = LinkEngines(&mut *r.provider);
    let key = install_code::link_key(&mut e, &INSTALL_CODE);
    let mut typo = INSTALL_CODE;
    typo[3] ^= 0x10;
    let refused = install_code::link_key(&mut e, &typo).err() == Some(InstallCodeError::Crc);
    match key {
        Ok(key) => {
            writeln!(
                r.out,
                "Zigbee install code {} -> link key by AES-MMO (not printed)",
                Hex(&INSTALL_CODE)
            )?;
            r.check(
                key.expose_secret() == &INSTALL_CODE_LINK_KEY && refused,
                "Zigbee link key from the install code matches the specification's example; a typo fails the CRC",
            )
        }
        Err(err) => r.error("install code", err),
    }
}
