//! The gateway's secrets (its X25519 key, its update-signing seed, and each commissioned
//! device's code) in a sealed vault file (`bulwark-vault`), in the image format of
//! `bulwark vault` (a 64-byte geometry header, then the flash region), so
//! `bulwark vault list --image DIR/gateway/devices.vault --key $(cat DIR/gateway/vault.key)`
//! reads it. The storage key is in `DIR/gateway/vault.key` (mode 0600): in a real gateway it
//! would be held by a TPM or HSM, never beside the file.

use super::*;
use bulwark_vault::{Config, Geometry, NoCounter, RollbackPolicy, Vault};
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

const MAGIC: &[u8; 8] = b"BWVAULT1";
const HEADER_LEN: usize = 64;
const GEOMETRY: Geometry = Geometry {
    offset: 0,
    page_size: 4096,
    pages: 4,
    write_size: 4,
};
/// The vault file, under `DIR/gateway/`.
pub const VAULT_FILE: &str = "devices.vault";
/// The storage key file (hex), under `DIR/gateway/`.
pub const KEY_FILE: &str = "vault.key";

/// The vault region in memory (erase sets 0xff, programming clears bits).
pub(crate) struct FileFlash(Vec<u8>);

#[derive(Debug)]
pub(crate) struct FlashError;

impl NorFlashError for FlashError {
    fn kind(&self) -> NorFlashErrorKind {
        NorFlashErrorKind::OutOfBounds
    }
}

impl ErrorType for FileFlash {
    type Error = FlashError;
}

impl ReadNorFlash for FileFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), FlashError> {
        let at = offset as usize;
        bytes.copy_from_slice(self.0.get(at..at + bytes.len()).ok_or(FlashError)?);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.0.len()
    }
}

impl NorFlash for FileFlash {
    const WRITE_SIZE: usize = 1;
    const ERASE_SIZE: usize = 1;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), FlashError> {
        self.0
            .get_mut(from as usize..to as usize)
            .ok_or(FlashError)?
            .fill(0xff);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), FlashError> {
        let at = offset as usize;
        let dst = self.0.get_mut(at..at + bytes.len()).ok_or(FlashError)?;
        for (d, s) in dst.iter_mut().zip(bytes) {
            *d &= s;
        }
        Ok(())
    }
}

/// The gateway's vault: values up to 1 KiB, no rollback counter (a file).
pub(crate) type GatewayVault =
    Vault<FileFlash, <DefaultProvider as Provider>::Ccm, NoCounter, 1024>;

fn config(id: [u8; 16]) -> Config {
    Config {
        id,
        geometry: GEOMETRY,
        policy: RollbackPolicy::None,
    }
}

/// Creates a new vault with a random store id and a random storage key (written to
/// `gateway_dir/vault.key`, mode 0600).
pub(crate) fn create<R: Rng>(
    gateway_dir: &Path,
    rng: &mut R,
) -> Result<(GatewayVault, [u8; 16]), Failure> {
    let key = SecretBytes::<32>::random(rng)?;
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut id)?;
    write_private(
        &gateway_dir.join(KEY_FILE),
        hex(key.expose_secret()).as_bytes(),
    )?;
    let ccm = DefaultProvider::default().ccm(key.expose_secret())?;
    let flash = FileFlash(vec![0xff; (GEOMETRY.pages * GEOMETRY.page_size) as usize]);
    let vault = Vault::format(flash, ccm, NoCounter, &config(id))?;
    Ok((vault, id))
}

/// Opens `gateway_dir/devices.vault` with the key in `gateway_dir/vault.key`.
pub(crate) fn open(gateway_dir: &Path) -> Result<(GatewayVault, [u8; 16]), Failure> {
    let key_text = fs::read_to_string(gateway_dir.join(KEY_FILE))?;
    let mut key = [0u8; 32];
    decode_hex(key_text.trim(), &mut key)
        .ok_or_else(|| Failure(format!("{KEY_FILE}: not a 32-byte hex key")))?;
    let key = SecretBytes::take_from(&mut key);
    let data = fs::read(gateway_dir.join(VAULT_FILE))?;
    let region = (GEOMETRY.pages * GEOMETRY.page_size) as usize;
    if data.len() != HEADER_LEN + region
        || &data[..8] != MAGIC
        || data[8..12] != GEOMETRY.page_size.to_le_bytes()
        || data[12..16] != GEOMETRY.pages.to_le_bytes()
        || data[16..20] != GEOMETRY.write_size.to_le_bytes()
    {
        return fail(format!("{VAULT_FILE}: not this gateway's vault image"));
    }
    let mut id = [0u8; 16];
    id.copy_from_slice(&data[20..36]);
    let ccm = DefaultProvider::default().ccm(key.expose_secret())?;
    let vault = Vault::mount(
        FileFlash(data[HEADER_LEN..].to_vec()),
        ccm,
        NoCounter,
        &config(id),
    )
    .map_err(|e| Failure(format!("{VAULT_FILE}: {e}")))?;
    Ok((vault, id))
}

/// Writes the vault to `gateway_dir/devices.vault` (through a temporary file, renamed).
pub(crate) fn save(gateway_dir: &Path, vault: GatewayVault, id: &[u8; 16]) -> Result<(), Failure> {
    let (flash, _, _) = vault.release();
    let mut out = Vec::with_capacity(HEADER_LEN + flash.0.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&GEOMETRY.page_size.to_le_bytes());
    out.extend_from_slice(&GEOMETRY.pages.to_le_bytes());
    out.extend_from_slice(&GEOMETRY.write_size.to_le_bytes());
    out.extend_from_slice(id);
    out.resize(HEADER_LEN, 0);
    out.extend_from_slice(&flash.0);
    let tmp = gateway_dir.join(format!(".{VAULT_FILE}.tmp"));
    fs::write(&tmp, &out)?;
    fs::rename(&tmp, gateway_dir.join(VAULT_FILE))?;
    Ok(())
}

fn write_private(path: &Path, data: &[u8]) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(data)?;
    Ok(())
}

/// The name of a device's record: `device/` and its EUI-64 in hex.
pub(crate) fn device_name(eui64: &[u8; 8]) -> String {
    format!("device/{}", hex(eui64))
}

/// A device record's value: the key epoch (4 bytes, big-endian) and the code's text.
pub(crate) fn device_value(epoch: u32, code: &str) -> Vec<u8> {
    let mut v = epoch.to_be_bytes().to_vec();
    v.extend_from_slice(code.as_bytes());
    v
}

/// The names of the commissioned devices' records.
pub(crate) fn device_names(vault: &mut GatewayVault) -> Result<Vec<String>, Failure> {
    let mut names = Vec::new();
    vault.for_each_name(|n| {
        if let Ok(s) = std::str::from_utf8(n)
            && s.starts_with("device/")
        {
            names.push(s.to_owned());
        }
    })?;
    names.sort();
    Ok(names)
}

/// The codes of the devices commissioned into `dir/gateway/devices.vault` (for checks).
pub fn commissioned_codes(dir: &Path) -> Result<Vec<String>, Failure> {
    let (mut vault, _) = open(&dir.join("gateway"))?;
    let mut codes = Vec::new();
    let mut value = Zeroizing::new([0u8; 1024]);
    for name in device_names(&mut vault)? {
        if let Some(len) = vault.get(name.as_bytes(), value.as_mut())? {
            codes.push(String::from_utf8_lossy(&value[4.min(len)..len]).into_owned());
        }
    }
    Ok(codes)
}
