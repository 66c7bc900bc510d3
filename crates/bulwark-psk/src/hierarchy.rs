//! The key hierarchy: out-of-band secret + device identity + epoch -> device root -> purpose keys.
//!
//! ```text
//! LP(x)        = u16be(len(x)) || x
//! PRK_secret   = HKDF-Extract(salt = "bulwark-psk v1", IKM = secret)
//! device_root  = HKDF-Expand(PRK_secret,
//!                  LP("bulwark-psk v1") || LP("device-root") || LP(device_id) || u32be(epoch)
//!                  || u16be(32), 32)
//! key(purpose) = HKDF-Expand(device_root, LP("bulwark-psk v1") || LP(purpose) || u16be(L), L)
//!   identity: "identity", L = 16 (public)   link: "link", L = 16   storage: "storage", L = 32
//! ```

use crate::code::{CodeError, OobCode, SECRET_LEN};
use bulwark_api::kdf::{HkdfSha256, Prk};
use bulwark_api::{Error, SecretBytes};
use core::fmt;
use subtle::{Choice, ConstantTimeEq, ConstantTimeGreater};

/// The protocol label: the HKDF salt and the first field of every `info`.
pub const PROTOCOL_LABEL: &[u8] = b"bulwark-psk v1";
/// Purpose label of the device root key.
pub const LABEL_DEVICE_ROOT: &[u8] = b"device-root";
/// Purpose label of the public identity.
pub const LABEL_IDENTITY: &[u8] = b"identity";
/// Purpose label of the link key.
pub const LABEL_LINK: &[u8] = b"link";
/// Purpose label of the storage key.
pub const LABEL_STORAGE: &[u8] = b"storage";

/// The shortest secret accepted for direct PSK use: 16 bytes = 128 bits.
pub const MIN_SECRET_LEN: usize = 16;
/// The longest device identity (bytes). The shortest is 1.
pub const MAX_DEVICE_ID_LEN: usize = 255;
/// Device root key length (bytes).
pub const DEVICE_ROOT_LEN: usize = bulwark_api::hash::SHA256_LEN;
/// Public identity length (bytes).
pub const IDENTITY_LEN: usize = 16;
/// Link key length (bytes): an AES-128 key for AES-CCM.
pub const LINK_KEY_LEN: usize = 16;
/// Storage key length (bytes): 256 bits for data at rest.
pub const STORAGE_KEY_LEN: usize = 32;

/// Why a PSK could not be derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PskError {
    /// The secret is shorter than [`MIN_SECRET_LEN`] bytes (a PIN, a short password, a short
    /// tag read). Refused: see the Display text.
    SecretTooShort {
        /// The secret's length in bytes.
        len: usize,
    },
    /// The secret consists of ASCII decimal digits only: a PIN or number, whatever its length,
    /// carries about 3.3 bits per byte, not 8.
    SecretIsDigits,
    /// Every byte of the secret is the same (e.g. an unprogrammed NFC tag or flash: all `00` or
    /// all `ff`).
    SecretIsConstant,
    /// The device identity is empty or longer than [`MAX_DEVICE_ID_LEN`] bytes.
    DeviceIdLength {
        /// The identity's length in bytes.
        len: usize,
    },
    /// A purpose label passed to [`DeviceRoot::purpose_key`] is one of the built-in labels or
    /// longer than 65535 bytes.
    PurposeLabel,
    /// A typed code was not accepted.
    Code(CodeError),
    /// The HKDF backend failed.
    Backend(Error),
}

const PAKE_ADVICE: &str = "an attacker who records a single exchange can try every possible \
    short secret (every 6-digit PIN takes well under a second) offline, without the device; \
    use a full out-of-band code (bulwark_psk::OobCode, 128 bits) or raw random bytes of at least \
    16 bytes, or, for PIN-based pairing, a PAKE (e.g. CPace or SPAKE2+) that turns a PIN into a \
    strong key without allowing offline guessing";

impl fmt::Display for PskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PskError::SecretTooShort { len } => write!(
                f,
                "secret refused for PSK use: it is {len} bytes, below the required \
                 {MIN_SECRET_LEN} bytes (128 bits); {PAKE_ADVICE}"
            ),
            PskError::SecretIsDigits => write!(
                f,
                "secret refused for PSK use: it is a string of decimal digits (a PIN or number), \
                 far below 128 bits of entropy; {PAKE_ADVICE}"
            ),
            PskError::SecretIsConstant => write!(
                f,
                "secret refused for PSK use: every byte is the same (an unprogrammed tag or \
                 memory?); provision a random secret of at least {MIN_SECRET_LEN} bytes"
            ),
            PskError::DeviceIdLength { len } => write!(
                f,
                "device identity is {len} bytes; it must be 1 to {MAX_DEVICE_ID_LEN} bytes"
            ),
            PskError::PurposeLabel => f.write_str(
                "purpose label is reserved (device-root, identity, link, storage) or too long",
            ),
            PskError::Code(e) => write!(f, "pairing code not accepted: {e}"),
            PskError::Backend(e) => write!(f, "key derivation failed: {e}"),
        }
    }
}

impl core::error::Error for PskError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            PskError::Code(e) => Some(e),
            PskError::Backend(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CodeError> for PskError {
    fn from(e: CodeError) -> Self {
        PskError::Code(e)
    }
}

impl From<Error> for PskError {
    fn from(e: Error) -> Self {
        PskError::Backend(e)
    }
}

impl From<PskError> for Error {
    /// Input problems become [`Error::InvalidInput`]; backend errors pass through.
    fn from(e: PskError) -> Self {
        match e {
            PskError::Backend(e) => e,
            _ => Error::InvalidInput,
        }
    }
}

/// Checks that `secret` is fit for direct PSK use: at least [`MIN_SECRET_LEN`] bytes, not only
/// ASCII digits, not one repeated byte.
///
/// Length is all that can be checked: a 16-character passphrase passes but holds far less than
/// 128 bits. Use a generated [`OobCode`] or raw random bytes.
pub fn check_secret(secret: &[u8]) -> Result<(), PskError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(PskError::SecretTooShort { len: secret.len() });
    }
    // Whole-secret scans without an early exit: the time does not depend on where a byte differs.
    // The accumulators are `subtle::Choice`s: with plain `bool`s the optimizer turned the fold
    // into a loop that stops once both are false, i.e. at the first non-digit, non-repeated
    // byte (found by bulwark-ctgrind under valgrind). Only the two final verdicts, which the
    // caller is told anyway, are branched on.
    let first = secret.first().copied().unwrap_or(0);
    let mut digits = Choice::from(1);
    let mut constant = Choice::from(1);
    for b in secret {
        digits &= b.ct_gt(&(b'0' - 1)) & (b'9' + 1).ct_gt(b);
        constant &= b.ct_eq(&first);
    }
    if bool::from(digits) {
        return Err(PskError::SecretIsDigits);
    }
    if bool::from(constant) {
        return Err(PskError::SecretIsConstant);
    }
    Ok(())
}

fn u16_be(len: usize, error: PskError) -> Result<[u8; 2], PskError> {
    u16::try_from(len).map(u16::to_be_bytes).map_err(|_| error)
}

const fn label_len(label: &[u8]) -> [u8; 2] {
    (label.len() as u16).to_be_bytes()
}

/// A device's identity as a gateway looks it up: 16 public bytes, unlinkable across epochs.
///
/// It is an HKDF output, so it reveals nothing about the secret beyond what any public function
/// of it does: someone who knows it can test guesses of the secret offline, which is exactly why
/// the secret must have at least 128 bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceIdentity(pub [u8; IDENTITY_LEN]);

impl DeviceIdentity {
    /// The identity bytes.
    pub const fn as_bytes(&self) -> &[u8; IDENTITY_LEN] {
        &self.0
    }
}

impl fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceIdentity(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// The device root key for one (secret, device identity, epoch): the parent of every purpose
/// key. Zeroized on drop, never printed.
pub struct DeviceRoot {
    prk: Prk,
    epoch: u32,
}

impl fmt::Debug for DeviceRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceRoot")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

impl DeviceRoot {
    /// Derives the device root key.
    ///
    /// - `hkdf`: the HKDF-SHA256 backend.
    /// - `secret`: the out-of-band secret: a parsed code's 16 bytes, or raw random bytes (NFC,
    ///   factory database) of at least [`MIN_SECRET_LEN`] bytes. Refused if shorter, all ASCII
    ///   digits, or one repeated byte ([`check_secret`]). Never a PIN or passphrase: use a PAKE.
    /// - `device_id`: the device's public identity bytes (e.g. its EUI-64), 1 to
    ///   [`MAX_DEVICE_ID_LEN`] bytes. Different ids give unrelated keys.
    /// - `epoch`: the key generation; changing it changes every derived key and the identity.
    ///
    /// Errors: the [`PskError`] refusals above, or [`PskError::Backend`].
    pub fn derive<H: HkdfSha256 + ?Sized>(
        hkdf: &mut H,
        secret: &[u8],
        device_id: &[u8],
        epoch: u32,
    ) -> Result<Self, PskError> {
        check_secret(secret)?;
        if device_id.is_empty() || device_id.len() > MAX_DEVICE_ID_LEN {
            return Err(PskError::DeviceIdLength {
                len: device_id.len(),
            });
        }
        let secret_prk = hkdf.extract(PROTOCOL_LABEL, &[secret])?;
        let mut root = SecretBytes::<DEVICE_ROOT_LEN>::zeroed();
        hkdf.expand(
            &secret_prk,
            &[
                &label_len(PROTOCOL_LABEL),
                PROTOCOL_LABEL,
                &label_len(LABEL_DEVICE_ROOT),
                LABEL_DEVICE_ROOT,
                &u16_be(
                    device_id.len(),
                    PskError::DeviceIdLength {
                        len: device_id.len(),
                    },
                )?,
                device_id,
                &epoch.to_be_bytes(),
                &(DEVICE_ROOT_LEN as u16).to_be_bytes(),
            ],
            root.expose_secret_mut(),
        )?;
        Ok(Self {
            prk: Prk::from_secret(root),
            epoch,
        })
    }

    /// Derives the device root key from a parsed code's secret (see [`crate::parse_code`]).
    /// Same arguments and errors as [`DeviceRoot::derive`].
    pub fn from_code_secret<H: HkdfSha256 + ?Sized>(
        hkdf: &mut H,
        secret: &SecretBytes<SECRET_LEN>,
        device_id: &[u8],
        epoch: u32,
    ) -> Result<Self, PskError> {
        Self::derive(hkdf, secret.expose_secret(), device_id, epoch)
    }

    /// Derives the device root key from an [`OobCode`] (factory or gateway side). Same
    /// arguments and errors as [`DeviceRoot::derive`].
    pub fn from_code<H: HkdfSha256 + ?Sized>(
        hkdf: &mut H,
        code: &OobCode,
        device_id: &[u8],
        epoch: u32,
    ) -> Result<Self, PskError> {
        let mut secret = SecretBytes::zeroed();
        code.secret_into(&mut secret);
        Self::from_code_secret(hkdf, &secret, device_id, epoch)
    }

    /// The epoch this root was derived for.
    pub const fn epoch(&self) -> u32 {
        self.epoch
    }

    fn expand<H: HkdfSha256 + ?Sized>(
        &self,
        hkdf: &mut H,
        purpose: &[u8],
        out: &mut [u8],
    ) -> Result<(), PskError> {
        hkdf.expand(
            &self.prk,
            &[
                &label_len(PROTOCOL_LABEL),
                PROTOCOL_LABEL,
                &u16_be(purpose.len(), PskError::PurposeLabel)?,
                purpose,
                &u16_be(out.len(), PskError::Backend(Error::InvalidInput))?,
            ],
            out,
        )?;
        Ok(())
    }

    /// Derives an application-specific key under its own purpose label (the three built-in
    /// labels are taken). The length `N` is part of the derivation.
    ///
    /// - `purpose`: a fixed, documented ASCII label, unique per use, at most 65535 bytes.
    /// - `out`: written in place.
    pub fn purpose_key<H: HkdfSha256 + ?Sized, const N: usize>(
        &self,
        hkdf: &mut H,
        purpose: &[u8],
        out: &mut SecretBytes<N>,
    ) -> Result<(), PskError> {
        if [LABEL_DEVICE_ROOT, LABEL_IDENTITY, LABEL_LINK, LABEL_STORAGE].contains(&purpose) {
            return Err(PskError::PurposeLabel);
        }
        self.expand(hkdf, purpose, out.expose_secret_mut())
    }

    /// The public identity a gateway looks the device up by (purpose `"identity"`, 16 bytes).
    pub fn identity<H: HkdfSha256 + ?Sized>(
        &self,
        hkdf: &mut H,
    ) -> Result<DeviceIdentity, PskError> {
        let mut id = DeviceIdentity([0; IDENTITY_LEN]);
        self.expand(hkdf, LABEL_IDENTITY, &mut id.0)?;
        Ok(id)
    }

    /// Writes the link key (purpose `"link"`, 16 bytes, for AES-128-CCM) into `out`.
    pub fn link_key<H: HkdfSha256 + ?Sized>(
        &self,
        hkdf: &mut H,
        out: &mut SecretBytes<LINK_KEY_LEN>,
    ) -> Result<(), PskError> {
        self.expand(hkdf, LABEL_LINK, out.expose_secret_mut())
    }

    /// Writes the storage key (purpose `"storage"`, 32 bytes, for data at rest) into `out`.
    pub fn storage_key<H: HkdfSha256 + ?Sized>(
        &self,
        hkdf: &mut H,
        out: &mut SecretBytes<STORAGE_KEY_LEN>,
    ) -> Result<(), PskError> {
        self.expand(hkdf, LABEL_STORAGE, out.expose_secret_mut())
    }
}
