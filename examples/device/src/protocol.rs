//! What the device and the gateway agree on: the 802.15.4 frame layout, the session-key
//! derivation and key confirmation, and the tagged output lines the gateway reads.
//!
//! Both sides compile this module (the device on the Cortex-M0, the gateway on the host), so
//! a change to the protocol cannot reach only one of them.

use bulwark::{
    Error, Provider, SecretBytes,
    ccm::SecurityLevel,
    kdf::HkdfSha256,
    kex::SharedSecret,
    mac::{CMAC_LEN, Cmac},
};

/// The PAN the device and the gateway (its coordinator) belong to.
pub const PAN_ID: u16 = 0x1a2b;
/// The gateway's short address as the frames' destination.
pub const GATEWAY_SHORT: u16 = 0x0000;
/// The key index in the auxiliary security header (key identifier mode 1).
pub const KEY_INDEX: u8 = 1;

/// Frame control: data frame, security enabled, PAN ID compression, short destination
/// address, frame version 1 (IEEE 802.15.4-2006), extended source address.
pub const FRAME_CONTROL: u16 =
    0b001 | (1 << 3) | (1 << 6) | (0b10 << 10) | (0b01 << 12) | (0b11 << 14);

const OFFSET_SOURCE: usize = 7;
const OFFSET_SECURITY_CONTROL: usize = 15;
const OFFSET_FRAME_COUNTER: usize = 16;
/// MHR length: frame control 2, sequence 1, PAN 2, destination 2, source 8, then the
/// auxiliary security header: security control 1, frame counter 4, key index 1.
pub const HEADER_LEN: usize = 21;
/// The reading: temperature in 0.01 degC (i16) and humidity in 0.01 %RH (u16), big-endian.
pub const READING_LEN: usize = 4;
/// The longest frame this demo sends: header, reading and a 16-byte MIC.
pub const MAX_FRAME_LEN: usize = HEADER_LEN + READING_LEN + 16;

/// Purpose label (a `bulwark_psk::DeviceRoot::purpose_key`) of the 32-byte HKDF salt that
/// binds the X25519 exchange to the device's out-of-band code: without the code, a
/// man in the middle cannot make both sides confirm the same session key.
pub const SESSION_SALT_PURPOSE: &[u8] = b"demo x25519 session salt";
/// HKDF info of the 16-byte session key (followed by the device's and the gateway's public
/// keys).
pub const SESSION_INFO: &[u8] = b"bulwark demo v1 session key";
/// CMAC message prefix of the key-confirmation tag (followed by both public keys).
pub const CONFIRM_LABEL: &[u8] = b"bulwark demo v1 key confirmation";

/// Output line tags: the device prints `TAG hex...` lines; the gateway reads them.
pub mod tag {
    /// The PSK identity (16 bytes) the gateway looks the device up by.
    pub const IDENTITY: &str = "@identity";
    /// One sealed 802.15.4 frame (header, ciphertext, MIC).
    pub const FRAME: &str = "@frame";
    /// The device's ephemeral X25519 public key.
    pub const X25519: &str = "@x25519";
    /// The key-confirmation tag (AES-CMAC under the session key).
    pub const CONFIRM: &str = "@confirm";
    /// The update the device verified and confirmed: `security_counter digest`.
    pub const UPDATE: &str = "@update";
    /// The device's verdict: `ok` or `failed`, then the check counts.
    pub const RESULT: &str = "@result";
}

/// A sensor reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Temperature in 0.01 degC.
    pub centi_celsius: i16,
    /// Relative humidity in 0.01 %.
    pub centi_percent_rh: u16,
}

impl Reading {
    /// The big-endian encoding.
    pub fn encode(self) -> [u8; READING_LEN] {
        let t = self.centi_celsius.to_be_bytes();
        let h = self.centi_percent_rh.to_be_bytes();
        [t[0], t[1], h[0], h[1]]
    }

    /// Decodes [`Reading::encode`]'s output; `None` for any other length.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [t0, t1, h0, h1] => Some(Self {
                centi_celsius: i16::from_be_bytes([*t0, *t1]),
                centi_percent_rh: u16::from_be_bytes([*h0, *h1]),
            }),
            _ => None,
        }
    }
}

impl core::fmt::Display for Reading {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let t = i32::from(self.centi_celsius);
        let sign = if t < 0 { "-" } else { "" };
        let h = self.centi_percent_rh;
        write!(
            f,
            "temperature {sign}{}.{:02} C, humidity {}.{:02} %RH",
            t.abs() / 100,
            t.abs() % 100,
            h / 100,
            h % 100
        )
    }
}

/// The short name of a security level.
pub fn level_name(level: SecurityLevel) -> &'static str {
    match level {
        SecurityLevel::Mic32 => "MIC-32",
        SecurityLevel::Mic64 => "MIC-64",
        SecurityLevel::Mic128 => "MIC-128",
        SecurityLevel::Enc => "ENC",
        SecurityLevel::EncMic32 => "ENC-MIC-32",
        SecurityLevel::EncMic64 => "ENC-MIC-64",
        SecurityLevel::EncMic128 => "ENC-MIC-128",
    }
}

/// The MAC header with the auxiliary security header of one frame.
pub fn frame_header(
    source: u64,
    sequence: u8,
    level: SecurityLevel,
    frame_counter: u32,
) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    let fields: [&[u8]; 8] = [
        &FRAME_CONTROL.to_le_bytes(),
        &[sequence],
        &PAN_ID.to_le_bytes(),
        &GATEWAY_SHORT.to_le_bytes(),
        &source.to_le_bytes(),
        &[level.as_u8() | (1 << 3)], // security level, key identifier mode 1
        &frame_counter.to_le_bytes(),
        &[KEY_INDEX],
    ];
    let mut at = 0;
    for field in fields {
        if let Some(dst) = h.get_mut(at..at + field.len()) {
            dst.copy_from_slice(field);
        }
        at += field.len();
    }
    h
}

/// The fields a receiver needs from a frame's header, before any cryptography.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The sender's extended address.
    pub source: u64,
    /// The security level from the security control field.
    pub level: SecurityLevel,
    /// The frame counter.
    pub frame_counter: u32,
}

fn field<const N: usize>(frame: &[u8], at: usize) -> Option<[u8; N]> {
    frame.get(at..at + N).and_then(|s| s.try_into().ok())
}

/// Parses the header of a received frame; `None` if it is not a frame of this demo (wrong
/// frame control, no security, too short for its MIC).
pub fn parse_header(frame: &[u8]) -> Option<FrameInfo> {
    if u16::from_le_bytes(field(frame, 0)?) != FRAME_CONTROL {
        return None;
    }
    let source = u64::from_le_bytes(field(frame, OFFSET_SOURCE)?);
    let [security_control] = field(frame, OFFSET_SECURITY_CONTROL)?;
    let level = SecurityLevel::from_u8(security_control & 0b111).ok()?;
    let frame_counter = u32::from_le_bytes(field(frame, OFFSET_FRAME_COUNTER)?);
    if frame.len() < HEADER_LEN + level.mic_len() {
        return None;
    }
    Some(FrameInfo {
        source,
        level,
        frame_counter,
    })
}

/// The 16-byte session key: HKDF-SHA256 with the PSK-derived `salt`, the X25519 result as
/// input (consumed), and both public keys in the info, device first.
///
/// - `salt`: the device's [`SESSION_SALT_PURPOSE`] key, which only holders of its code have.
/// - `shared`: the agreement's result; only this function reads it.
///
/// Returns the key, or the backend's error.
pub fn session_key<H: HkdfSha256 + ?Sized>(
    hkdf: &mut H,
    salt: &SecretBytes<32>,
    shared: SharedSecret,
    device_public: &[u8; 32],
    gateway_public: &[u8; 32],
) -> Result<SecretBytes<16>, Error> {
    let prk = hkdf.extract_shared(salt.expose_secret(), shared)?;
    hkdf.expand_secret(&prk, &[SESSION_INFO, device_public, gateway_public])
}

/// The key-confirmation tag: AES-CMAC under the session key over [`CONFIRM_LABEL`] and both
/// public keys. It proves possession of the key without revealing it.
pub fn confirmation_tag<P: Provider>(
    provider: &mut P,
    session: &SecretBytes<16>,
    device_public: &[u8; 32],
    gateway_public: &[u8; 32],
) -> Result<[u8; CMAC_LEN], Error> {
    let mut cmac = provider.cmac(session.expose_secret())?;
    cmac.compute(&[CONFIRM_LABEL, device_public, gateway_public])
}

/// Checks a received confirmation tag in constant time: [`Error::Verification`] if it does
/// not match.
pub fn check_confirmation<P: Provider>(
    provider: &mut P,
    session: &SecretBytes<16>,
    device_public: &[u8; 32],
    gateway_public: &[u8; 32],
    tag: &[u8],
) -> Result<(), Error> {
    let mut cmac = provider.cmac(session.expose_secret())?;
    cmac.verify(&[CONFIRM_LABEL, device_public, gateway_public], tag)
}

/// Lower-case hex of `bytes`, for output lines.
pub struct Hex<'a>(pub &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// One line of a `name=value` file (the provisioning and gateway state files share the
/// line format of `test-vectors/`: space-separated fields, `#` comment lines).
#[derive(Clone, Copy, Debug)]
pub struct Line<'a>(&'a str);

impl<'a> Line<'a> {
    /// The raw text of field `name`, if present.
    pub fn field(&self, name: &str) -> Option<&'a str> {
        self.0.split(' ').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then_some(v)
        })
    }

    /// Decodes a decimal field.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.field(name)?.parse().ok()
    }
}

/// The non-blank, non-comment lines of `text`.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    text.lines()
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.starts_with('#'))
        .map(Line)
}

/// Decodes lower- or upper-case hex into `out`; `None` unless `text` is exactly
/// `2 * out.len()` hex digits.
pub fn decode_hex(text: &str, out: &mut [u8]) -> Option<()> {
    let t = text.as_bytes();
    if t.len() != out.len() * 2 {
        return None;
    }
    for (o, pair) in out.iter_mut().zip(t.chunks_exact(2)) {
        let hi = nibble(*pair.first()?)?;
        let lo = nibble(*pair.get(1)?)?;
        *o = (hi << 4) | lo;
    }
    Some(())
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}
