//! The gateway's secrets (its X25519 key, its update-signing seed, and each commissioned
//! device's code) in a sealed vault file (`bulwark-vault`), in the image format of
//! `bulwark vault` (a 64-byte geometry header, then the flash region), so
//! `bulwark vault list --image DIR/gateway/devices.vault --key $(cat DIR/gateway/vault.key)`
//! reads it. The storage key is in `DIR/gateway/vault.key` (mode 0600): in a real gateway it
//! would be held by a TPM or HSM, never beside the file.

use super::*;
use bulwark_vault::image::{IMAGE_HEADER_LEN, ImageHeader, RamFlash};
use bulwark_vault::{Config, Geometry, NoCounter, RollbackPolicy, Vault};

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

/// The vault region in memory, as NOR flash.
pub(crate) type FileFlash = RamFlash<Vec<u8>>;

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
    let flash = RamFlash(vec![0xff; (GEOMETRY.pages * GEOMETRY.page_size) as usize]);
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
    let (header, region) = match ImageHeader::decode(&data) {
        Ok((header, region)) if header.geometry == GEOMETRY => (header, region),
        _ => return fail(format!("{VAULT_FILE}: not this gateway's vault image")),
    };
    let ccm = DefaultProvider::default().ccm(key.expose_secret())?;
    let vault = Vault::mount(
        RamFlash(region.to_vec()),
        ccm,
        NoCounter,
        &config(header.id),
    )
    .map_err(|e| Failure(format!("{VAULT_FILE}: {e}")))?;
    Ok((vault, header.id))
}

/// Writes the vault to `gateway_dir/devices.vault` (through a temporary file, renamed).
pub(crate) fn save(gateway_dir: &Path, vault: GatewayVault, id: &[u8; 16]) -> Result<(), Failure> {
    let (flash, _, _) = vault.release();
    let header = ImageHeader {
        geometry: GEOMETRY,
        id: *id,
    };
    let mut out = Vec::with_capacity(IMAGE_HEADER_LEN + flash.0.len());
    out.extend_from_slice(&header.encode());
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
