//! The device's keys and frame counter in a sealed vault (`bulwark-vault`) in flash.
//!
//! The demo's flash region is [`DemoFlash`], RAM that behaves as NOR flash (erase to 0xff,
//! programming only clears bits), standing in for the nRF51's flash: a real device passes its
//! flash controller's `NorFlash` driver and region instead.

use super::*;
use bulwark_vault::image::RamFlash;
use bulwark_vault::{Config, Geometry, RollbackPolicy, Vault};

const PAGE: usize = 512;
const PAGES: usize = 4;

/// RAM that behaves as a NOR flash region of 4 pages of 512 bytes (4-byte writes).
pub type DemoFlash = RamFlash<[u8; PAGE * PAGES], 4, PAGE>;

type DeviceVault<'f, 'c, C> = Vault<&'f mut DemoFlash, C, &'c mut RamCounter, 64>;

fn config(eui64: &[u8; 8]) -> Config {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(eui64);
    id[8..].copy_from_slice(b"keyvault");
    Config {
        id,
        geometry: Geometry {
            offset: 0,
            page_size: PAGE as u32,
            pages: PAGES as u32,
            write_size: 4,
        },
        policy: RollbackPolicy::EveryCommit,
    }
}

/// Seals the link key, the session salt and the frame counter (`last_counter`: the highest
/// counter the frames about to be sent use, persisted before sending) in a vault under the
/// storage key; remounts it as after a reboot and reads them back; then checks that a
/// changed bit in the flash is refused.
pub(crate) fn keep_in_vault<W: Write, P: Provider>(
    r: &mut Run<'_, W, P>,
    keys: &DeviceKeys,
    eui64: &[u8; 8],
    last_counter: u32,
) -> core::fmt::Result {
    let mut flash = RamFlash([0xff; PAGE * PAGES]);
    let mut counter = RamCounter(0);
    let cfg = config(eui64);
    let stored = (|| -> Result<(), Error> {
        let ccm = r.provider.ccm(keys.storage.expose_secret())?;
        let mut v: DeviceVault<'_, '_, P::Ccm> =
            Vault::format(&mut flash, ccm, &mut counter, &cfg)?;
        v.put(b"link-key", keys.link.expose_secret())?;
        v.put(b"session-salt", keys.session_salt.expose_secret())?;
        v.put(b"frame-counter", &0u32.to_be_bytes())?;
        v.put(b"frame-counter", &last_counter.to_be_bytes())?;
        Ok(())
    })();
    if let Err(e) = stored {
        return r.error("vault", e);
    }
    writeln!(
        r.out,
        "link key, session salt and frame counter {last_counter} sealed (AES-256-CCM under the \
         storage key) in a vault of {PAGES} x {PAGE} bytes of flash; rollback counter {}",
        counter.0
    )?;
    // "Reboot": mount the flash again and read everything back.
    let read_back = (|| -> Result<bool, Error> {
        let ccm = r.provider.ccm(keys.storage.expose_secret())?;
        let mut v: DeviceVault<'_, '_, P::Ccm> = Vault::mount(&mut flash, ccm, &mut counter, &cfg)?;
        let mut link = SecretBytes::<16>::zeroed();
        let mut salt = SecretBytes::<32>::zeroed();
        let mut fc = [0u8; 4];
        let ok = v.get(b"link-key", link.expose_secret_mut())? == Some(16)
            && v.get(b"session-salt", salt.expose_secret_mut())? == Some(32)
            && v.get(b"frame-counter", &mut fc)? == Some(4);
        Ok(ok
            && link.ct_eq(&keys.link)
            && salt.ct_eq(&keys.session_salt)
            && u32::from_be_bytes(fc) == last_counter)
    })();
    r.check(
        read_back == Ok(true),
        "after a remount the vault returns the link key, the session salt and the frame counter",
    )?;
    // An attacker with the flash changes one bit of a stored key: refused, never a wrong key.
    flash.0[PAGE / 2] ^= 0x01;
    let refused = (|| -> Result<(), Error> {
        let ccm = r.provider.ccm(keys.storage.expose_secret())?;
        let mut v: DeviceVault<'_, '_, P::Ccm> = Vault::mount(&mut flash, ccm, &mut counter, &cfg)?;
        let mut link = SecretBytes::<16>::zeroed();
        v.get(b"link-key", link.expose_secret_mut()).map(|_| ())
    })();
    r.check(
        refused == Err(Error::Verification),
        "a vault with one changed bit is refused (Error::Verification)",
    )
}
