//! What the gateway provisions the device with, read from `provisioning.txt`.

use crate::protocol::{decode_hex, lines};

/// The chunk buffer the update is streamed through.
pub const CHUNK_LEN: usize = 64;

/// What the gateway provisioned the device with.
#[derive(Clone, Copy, Debug)]
pub struct Provisioning<'a> {
    /// The out-of-band code printed on the device's label (its long-term secret).
    pub code: &'a str,
    /// The device's EUI-64 (its 802.15.4 extended address and its PSK device id).
    pub eui64: [u8; 8],
    /// The key epoch.
    pub epoch: u32,
    /// The gateway's long-term X25519 public key.
    pub gateway_x25519: [u8; 32],
    /// The Ed25519 public key updates must be signed with.
    pub update_key: [u8; 32],
    /// The device's anti-rollback counter before the update (it lives in RAM here; a real
    /// device keeps it in OTP or an increase-only flash record).
    pub counter: u32,
    /// A per-run seed for [`NotATrng`](crate::NotATrng), used only if the device has no working TRNG.
    pub seed: [u8; 32],
    /// The signed update, in flash.
    pub update: &'a [u8],
    /// An older signed image (a lower security counter), in flash: must be refused once the
    /// update is confirmed.
    pub old_image: &'a [u8],
    /// The door lock's trust records (bulwark-trust), as hex.
    pub trust: TrustRecords<'a>,
}

/// The door lock's trust material: the owner's gateway key is the device's root of trust; it
/// granted the owner and a family member the lock, the family member granted a guest, and
/// the gateway revoked the family member's grant. Each record is hex (COSE_Sign1 bytes).
#[derive(Clone, Copy, Debug)]
pub struct TrustRecords<'a> {
    /// The root key: the owner's gateway's Ed25519 public key (32 bytes).
    pub root: [u8; 32],
    /// Gateway -> owner.
    pub owner: &'a str,
    /// Gateway -> family member (may delegate one level).
    pub family: &'a str,
    /// Family member -> guest (`PUT /door/lock` only).
    pub guest: &'a str,
    /// The gateway's revocation of the family member's grant.
    pub revoke_family: &'a str,
}

impl<'a> Provisioning<'a> {
    /// Reads `provisioning.txt` (one `name=value` record: `code`, `eui64`, `epoch`,
    /// `gateway_x25519`, `update_key`, `counter`, `seed`) and takes the two images.
    ///
    /// Returns the name of the first missing or malformed field.
    pub fn parse(
        text: &'a str,
        update: &'a [u8],
        old_image: &'a [u8],
    ) -> Result<Self, &'static str> {
        let record = lines(text).next().ok_or("no record")?;
        let mut eui64 = [0u8; 8];
        let mut gateway_x25519 = [0u8; 32];
        let mut update_key = [0u8; 32];
        let mut seed = [0u8; 32];
        let mut trust_root = [0u8; 32];
        for (name, out) in [
            ("trust_root", &mut trust_root[..]),
            ("eui64", &mut eui64[..]),
            ("gateway_x25519", &mut gateway_x25519[..]),
            ("update_key", &mut update_key[..]),
            ("seed", &mut seed[..]),
        ] {
            decode_hex(record.field(name).ok_or(name)?, out).ok_or(name)?;
        }
        let number = |name: &'static str| -> Result<u32, &'static str> {
            record
                .number(name)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(name)
        };
        Ok(Self {
            code: record.field("code").ok_or("code")?,
            eui64,
            epoch: number("epoch")?,
            gateway_x25519,
            update_key,
            counter: number("counter")?,
            seed,
            update,
            old_image,
            trust: TrustRecords {
                root: trust_root,
                owner: record.field("trust_owner").ok_or("trust_owner")?,
                family: record.field("trust_family").ok_or("trust_family")?,
                guest: record.field("trust_guest").ok_or("trust_guest")?,
                revoke_family: record.field("trust_revoke").ok_or("trust_revoke")?,
            },
        })
    }
}
