//! IEEE 802.15.4-2006 MAC data frames with MAC-layer security (the auxiliary security header
//! and CCM* with the 802.15.4 nonce, [`bulwark_api::ccm::ieee802154_nonce`]).
//!
//! The frames written here: a data frame, PAN ID compression, a short destination address, an
//! extended source address (which the nonce needs), frame version 1 (2006), key identifier
//! mode 1 (a key index). [`open_data_frame`] reads that layout back.

use crate::CcmEngines;
use bulwark_api::{
    Error, SecretBytes,
    ccm::{CcmStar, SecurityLevel, ieee802154_nonce},
};

/// The frame control field of the frames written here (data, security enabled, PAN ID
/// compression, short destination, frame version 1, extended source).
pub const FRAME_CONTROL: u16 = 0x0001 | 0x0008 | 0x0040 | (2 << 10) | (1 << 12) | (3 << 14);

/// The MAC header length (frame control, sequence number, PAN ID, short destination,
/// extended source) before the auxiliary security header.
pub const HEADER_LEN: usize = 2 + 1 + 2 + 2 + 8;

/// The auxiliary security header length (security control, frame counter, key index).
pub const AUX_LEN: usize = 6;

/// The addressing and security fields of one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The sequence number.
    pub sequence: u8,
    /// The PAN identifier.
    pub pan_id: u16,
    /// The short destination address.
    pub destination: u16,
    /// The sender's extended address (EUI-64).
    pub source: u64,
    /// The sender's frame counter (never reused under one key).
    pub frame_counter: u32,
    /// The key index (key identifier mode 1).
    pub key_index: u8,
}

/// Writes a secured data frame carrying `payload` into `out`.
///
/// Returns the frame's length, or [`Error::InvalidInput`] if `out` is too short, or the
/// engine's error.
pub fn seal_data_frame<C: CcmEngines + ?Sized>(
    engines: &mut C,
    key: &SecretBytes<16>,
    level: SecurityLevel,
    info: &FrameInfo,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let start = HEADER_LEN + AUX_LEN;
    let total = start + payload.len() + level.mic_len();
    let out = out.get_mut(..total).ok_or(Error::InvalidInput)?;
    out[..2].copy_from_slice(&FRAME_CONTROL.to_le_bytes());
    out[2] = info.sequence;
    out[3..5].copy_from_slice(&info.pan_id.to_le_bytes());
    out[5..7].copy_from_slice(&info.destination.to_le_bytes());
    out[7..15].copy_from_slice(&info.source.to_le_bytes());
    out[15] = level.as_u8() | (1 << 3);
    out[16..20].copy_from_slice(&info.frame_counter.to_le_bytes());
    out[20] = info.key_index;
    out[start..start + payload.len()].copy_from_slice(payload);
    let nonce = ieee802154_nonce(info.source, info.frame_counter, level);
    let mut ccm = engines.ccm(key.expose_secret())?;
    let (header, rest) = out.split_at_mut(start);
    let (body, mic) = rest.split_at_mut(payload.len());
    ccm.seal_frame(level, &nonce, header, body, mic)?;
    Ok(total)
}

/// Checks and unsecures a frame written by [`seal_data_frame`] in place.
///
/// `level` is the level the receiver's policy requires for this key: 802.15.4 sends the level
/// in the frame, and a frame claiming another one (say level 4, no MIC) is refused rather than
/// believed.
///
/// Returns the frame's fields and the payload's range in `frame`, or
/// [`Error::Verification`] (MIC mismatch; payload zeroed), or [`Error::InvalidInput`] for a
/// frame of another layout or level.
pub fn open_data_frame<C: CcmEngines + ?Sized>(
    engines: &mut C,
    key: &SecretBytes<16>,
    level: SecurityLevel,
    frame: &mut [u8],
) -> Result<(FrameInfo, core::ops::Range<usize>), Error> {
    let start = HEADER_LEN + AUX_LEN;
    if frame.len() < start || u16::from_le_bytes([frame[0], frame[1]]) != FRAME_CONTROL {
        return Err(Error::InvalidInput);
    }
    if frame[15] & 0xf8 != 0x08 {
        return Err(Error::InvalidInput);
    }
    if SecurityLevel::from_u8(frame[15] & 7)? != level {
        return Err(Error::InvalidInput);
    }
    let mut source = [0u8; 8];
    source.copy_from_slice(&frame[7..15]);
    let info = FrameInfo {
        sequence: frame[2],
        pan_id: u16::from_le_bytes([frame[3], frame[4]]),
        destination: u16::from_le_bytes([frame[5], frame[6]]),
        source: u64::from_le_bytes(source),
        frame_counter: u32::from_le_bytes([frame[16], frame[17], frame[18], frame[19]]),
        key_index: frame[20],
    };
    let end = frame
        .len()
        .checked_sub(level.mic_len())
        .ok_or(Error::InvalidInput)?;
    if end < start {
        return Err(Error::InvalidInput);
    }
    let nonce = ieee802154_nonce(info.source, info.frame_counter, level);
    let mut ccm = engines.ccm(key.expose_secret())?;
    let (header, rest) = frame.split_at_mut(start);
    let (body, mic) = rest.split_at_mut(end - start);
    ccm.open_frame(level, &nonce, header, body, mic)?;
    Ok((info, start..end))
}
