//! NWK and APS frame security (Zigbee specification 4.3 and 4.4): CCM* with the Zigbee nonce.
//!
//! A secured frame is `header || auxiliary header || payload || MIC`. The auxiliary header is
//! the security control octet (level in bits 0..=2, key identifier in bits 3..=4, extended
//! nonce in bit 5), the frame counter, the source EUI-64 (with the extended nonce) and the key
//! sequence number (network key only). The nonce is the source EUI-64, the frame counter and
//! the security control octet, each least significant octet first; the associated data is the
//! header and the auxiliary header.
//!
//! The security level is **not sent**: the sender computes with the real level in the security
//! control octet, then writes zeros in its three level bits on the air; the receiver puts the
//! network's level (`nwkSecurityLevel`) back before checking the MIC. For the NWK layer the
//! header is the NWK header; for the APS layer it is the APS header.
//!
//! Secure by default: only the levels that both encrypt and authenticate (5, 6, 7; Zigbee uses
//! 5) are accepted, frame counters never repeat on sending ([`OutgoingCounter`]) and replays
//! are refused on receipt ([`IncomingCounter`]), a counter being accepted only after its frame
//! authenticated.

use crate::CcmEngines;
use bulwark_api::{
    Error, SecretBytes,
    ccm::{Ccm, SecurityLevel},
};

/// Which key secures a frame (the key identifier field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyId {
    /// A data key: the link key shared by two devices (APS).
    Data = 0,
    /// The network key (NWK, and APS commands under the network key).
    Network = 1,
    /// The key-transport key, derived from the link key ([`super::mmo::key_transport_key`]).
    KeyTransport = 2,
    /// The key-load key, derived from the link key ([`super::mmo::key_load_key`]).
    KeyLoad = 3,
}

/// The auxiliary security header of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuxHeader {
    /// Which key secures the frame.
    pub key_id: KeyId,
    /// The sender's frame counter.
    pub frame_counter: u32,
    /// The sender's EUI-64, sent in the header (the extended nonce); `None` when the receiver
    /// knows it from elsewhere.
    pub source: Option<u64>,
    /// The network key's sequence number: `Some` exactly for [`KeyId::Network`].
    pub key_sequence: Option<u8>,
}

/// The longest auxiliary header in bytes.
pub const MAX_AUX_LEN: usize = 14;

/// The Zigbee CCM* nonce: source EUI-64, frame counter, security control octet (with the real
/// level), each least significant octet first.
pub fn nonce(source: u64, frame_counter: u32, security_control: u8) -> [u8; 13] {
    let mut n = [0u8; 13];
    n[..8].copy_from_slice(&source.to_le_bytes());
    n[8..12].copy_from_slice(&frame_counter.to_le_bytes());
    n[12] = security_control;
    n
}

fn check_level(level: SecurityLevel) -> Result<(), Error> {
    if level.encrypts() && level.mic_len() > 0 {
        Ok(())
    } else {
        Err(Error::InvalidInput)
    }
}

impl AuxHeader {
    /// The encoded length in bytes.
    pub fn len(&self) -> usize {
        5 + if self.source.is_some() { 8 } else { 0 }
            + if self.key_sequence.is_some() { 1 } else { 0 }
    }

    /// Never empty (at least 5 bytes); for symmetry with [`AuxHeader::len`].
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The security control octet with `level` in its level bits.
    pub fn control(&self, level: SecurityLevel) -> u8 {
        level.as_u8() | ((self.key_id as u8) << 3) | (u8::from(self.source.is_some()) << 5)
    }

    fn check(&self) -> Result<(), Error> {
        if self.key_sequence.is_some() != (self.key_id == KeyId::Network) {
            return Err(Error::InvalidInput);
        }
        Ok(())
    }

    /// Writes the header with `level` in the control octet into `out`; returns its length.
    ///
    /// Returns [`Error::InvalidInput`] if `out` is too short or the key sequence number is
    /// present for a key other than the network key (or missing for it).
    pub fn encode(&self, level: SecurityLevel, out: &mut [u8]) -> Result<usize, Error> {
        self.check()?;
        let len = self.len();
        let out = out.get_mut(..len).ok_or(Error::InvalidInput)?;
        out[0] = self.control(level);
        out[1..5].copy_from_slice(&self.frame_counter.to_le_bytes());
        let mut at = 5;
        if let Some(source) = self.source {
            out[at..at + 8].copy_from_slice(&source.to_le_bytes());
            at += 8;
        }
        if let Some(seq) = self.key_sequence {
            out[at] = seq;
        }
        Ok(len)
    }

    /// Parses a received auxiliary header (its level bits are ignored: the level is not sent).
    ///
    /// Returns the header and its length, or [`Error::InvalidInput`] if `bytes` is too short or
    /// the reserved bits are set.
    pub fn parse(bytes: &[u8]) -> Result<(AuxHeader, usize), Error> {
        let control = *bytes.first().ok_or(Error::InvalidInput)?;
        if control & 0xc0 != 0 {
            return Err(Error::InvalidInput);
        }
        let key_id = match (control >> 3) & 3 {
            0 => KeyId::Data,
            1 => KeyId::Network,
            2 => KeyId::KeyTransport,
            _ => KeyId::KeyLoad,
        };
        let counter = bytes.get(1..5).ok_or(Error::InvalidInput)?;
        let frame_counter = u32::from_le_bytes([counter[0], counter[1], counter[2], counter[3]]);
        let mut at = 5;
        let source = if control & 0x20 != 0 {
            let s = bytes.get(at..at + 8).ok_or(Error::InvalidInput)?;
            at += 8;
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            Some(u64::from_le_bytes(a))
        } else {
            None
        };
        let key_sequence = if key_id == KeyId::Network {
            let s = *bytes.get(at).ok_or(Error::InvalidInput)?;
            at += 1;
            Some(s)
        } else {
            None
        };
        Ok((
            AuxHeader {
                key_id,
                frame_counter,
                source,
                key_sequence,
            },
            at,
        ))
    }
}

/// A sender's frame counter: every frame gets a new value; after 2^32 - 2 the key must be
/// replaced ([`OutgoingCounter::take`] refuses). Persist it across resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutgoingCounter {
    next: u32,
}

impl OutgoingCounter {
    /// A counter whose next value is `next` (0 for a new key, the persisted value after a reset).
    pub const fn starting_at(next: u32) -> Self {
        Self { next }
    }

    /// Takes the next frame counter value.
    ///
    /// Returns [`Error::InvalidInput`] once the counter is exhausted (the value 2^32 - 1 is
    /// never used): rekey.
    pub fn take(&mut self) -> Result<u32, Error> {
        if self.next == u32::MAX {
            return Err(Error::InvalidInput);
        }
        let value = self.next;
        self.next += 1;
        Ok(value)
    }
}

/// The highest frame counter accepted from one sender under one key: a frame is accepted only
/// if its counter is greater, and only once it authenticated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IncomingCounter {
    last: Option<u32>,
}

impl IncomingCounter {
    /// A counter that has accepted nothing yet.
    pub const fn new() -> Self {
        Self { last: None }
    }

    /// A counter that has accepted `last` (restored from storage).
    pub const fn after(last: u32) -> Self {
        Self { last: Some(last) }
    }

    /// The last accepted value.
    pub const fn last(&self) -> Option<u32> {
        self.last
    }

    /// Whether `counter` would be fresh (greater than every accepted value).
    pub fn is_fresh(&self, counter: u32) -> bool {
        self.last.is_none_or(|last| counter > last)
    }

    fn accept(&mut self, counter: u32) {
        self.last = Some(counter);
    }
}

/// Secures a frame in place.
///
/// `buffer` holds the header (`header_len` bytes, its security bit already set) followed by
/// the payload (`payload_len` bytes), and has room for the auxiliary header and the MIC: the
/// payload is moved up to make room for `aux`, encrypted, and followed by the MIC. The level
/// bits of the sent security control octet are zero (the level is not sent).
///
/// - `key`: the network key, a link key, or a key derived from one, as `aux.key_id` says.
/// - `level`: the network's security level (5, 6 or 7; others are [`Error::InvalidInput`]).
/// - `source`: the sender's EUI-64 (in the nonce; also in `aux.source` if sent).
/// - `aux.frame_counter`: from the sender's [`OutgoingCounter`].
///
/// Returns the length of the secured frame, or [`Error::InvalidInput`] (bad level, buffer too
/// short, inconsistent `aux`; nothing written), or the engine's error.
#[allow(clippy::too_many_arguments)]
pub fn seal<C: CcmEngines + ?Sized>(
    engines: &mut C,
    key: &SecretBytes<16>,
    level: SecurityLevel,
    source: u64,
    aux: &AuxHeader,
    buffer: &mut [u8],
    header_len: usize,
    payload_len: usize,
) -> Result<usize, Error> {
    check_level(level)?;
    aux.check()?;
    if aux.source.is_some_and(|s| s != source) {
        return Err(Error::InvalidInput);
    }
    let aux_len = aux.len();
    let mic_len = level.mic_len();
    let total = header_len + aux_len + payload_len + mic_len;
    if buffer.len() < total || buffer.len() < header_len + payload_len {
        return Err(Error::InvalidInput);
    }
    let mut ccm = engines.ccm(key.expose_secret())?;
    buffer.copy_within(header_len..header_len + payload_len, header_len + aux_len);
    aux.encode(level, &mut buffer[header_len..])?;
    let nonce = nonce(source, aux.frame_counter, aux.control(level));
    let (aad, rest) = buffer.split_at_mut(header_len + aux_len);
    let (payload, rest) = rest.split_at_mut(payload_len);
    // Levels 5..=7 only: the header is authenticated, the payload encrypted and authenticated.
    // (Not `CcmStar`: its nonce ends in the bare level, Zigbee's in the whole control octet.)
    let verdict = ccm.seal_detached(&nonce, &[aad], payload, &mut rest[..mic_len]);
    // The level is not sent.
    aad[header_len] &= !0x07;
    verdict.map(|()| total)
}

/// What [`open`] found in an authentic frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The auxiliary header.
    pub aux: AuxHeader,
    /// Where the plaintext payload is in the buffer: `buffer[payload_start..payload_end]`.
    pub payload_start: usize,
    /// The end of the plaintext payload.
    pub payload_end: usize,
}

/// Checks and decrypts a received frame in place.
///
/// - `buffer`: the whole frame (header, auxiliary header, payload, MIC); `header_len`: the
///   header's length (from parsing the NWK or APS header).
/// - `level`: the network's security level (substituted for the unsent one).
/// - `known_source`: the sender's EUI-64 when the frame does not carry it (no extended nonce).
/// - `counter`: the highest counter accepted from this sender under this key; a frame whose
///   counter is not greater is refused before any decryption, and the counter only advances
///   when the frame authenticated.
///
/// Returns where the payload is, or [`Error::Verification`] (a replay, refused before any
/// decryption; or a MIC mismatch, with the payload zeroed), or [`Error::InvalidInput`] (malformed, no source known, a level
/// without encryption and MIC).
#[allow(clippy::too_many_arguments)]
pub fn open<C: CcmEngines + ?Sized>(
    engines: &mut C,
    key: &SecretBytes<16>,
    level: SecurityLevel,
    known_source: Option<u64>,
    buffer: &mut [u8],
    header_len: usize,
    counter: &mut IncomingCounter,
) -> Result<Opened, Error> {
    check_level(level)?;
    let (aux, aux_len) = AuxHeader::parse(buffer.get(header_len..).ok_or(Error::InvalidInput)?)?;
    let source = aux.source.or(known_source).ok_or(Error::InvalidInput)?;
    let mic_len = level.mic_len();
    let payload_start = header_len + aux_len;
    let payload_end = buffer
        .len()
        .checked_sub(mic_len)
        .ok_or(Error::InvalidInput)?;
    if payload_end < payload_start {
        return Err(Error::InvalidInput);
    }
    if !counter.is_fresh(aux.frame_counter) {
        return Err(Error::Verification);
    }
    let mut ccm = engines.ccm(key.expose_secret())?;
    // Substitute the network's level for the unsent one.
    buffer[header_len] = (buffer[header_len] & !0x07) | level.as_u8();
    let nonce = nonce(source, aux.frame_counter, buffer[header_len]);
    let (aad, rest) = buffer.split_at_mut(payload_start);
    let (payload, mic) = rest.split_at_mut(payload_end - payload_start);
    ccm.open_detached(&nonce, &[aad], payload, mic)?;
    counter.accept(aux.frame_counter);
    Ok(Opened {
        aux,
        payload_start,
        payload_end,
    })
}
