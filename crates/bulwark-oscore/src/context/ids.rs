//! The identifiers a [`super::Context`] works with: Sender IDs and kids, Partial IVs, and the
//! [`RequestId`] that binds a response to its request.

use crate::OscoreError;
use bulwark_psk::oscore::{self, MAX_ID_LEN, MAX_PARTIAL_IV_LEN};
use core::fmt;

/// `bytes` at the start of a zeroed `N`-byte buffer, and their length; `error` if they do
/// not fit (`N` is at most 255 wherever this is used).
pub(super) fn padded<const N: usize, E>(bytes: &[u8], error: E) -> Result<([u8; N], u8), E> {
    let mut buf = [0; N];
    buf.get_mut(..bytes.len())
        .ok_or(error)?
        .copy_from_slice(bytes);
    Ok((buf, bytes.len() as u8))
}

/// A Sender ID, Recipient ID or kid (0 to 7 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Id {
    buf: [u8; MAX_ID_LEN],
    len: u8,
}

impl Id {
    pub(super) fn new(bytes: &[u8]) -> Result<Self, OscoreError> {
        let (buf, len) = padded(bytes, OscoreError::UnknownContext)?;
        Ok(Self { buf, len })
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// A Partial IV as sent (1 to 5 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Piv {
    buf: [u8; MAX_PARTIAL_IV_LEN],
    len: u8,
}

impl Piv {
    pub(super) fn new(bytes: &[u8]) -> Result<Self, OscoreError> {
        if bytes.is_empty() {
            return Err(OscoreError::Malformed);
        }
        let (buf, len) = padded(bytes, OscoreError::Malformed)?;
        Ok(Self { buf, len })
    }

    pub(super) fn from_sequence(sequence: u64) -> Result<Self, OscoreError> {
        let (buf, len) =
            oscore::partial_iv(sequence).map_err(|_| OscoreError::SequenceExhausted)?;
        Ok(Self {
            buf,
            len: len as u8,
        })
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    pub(super) fn value(&self) -> u64 {
        self.as_slice()
            .iter()
            .fold(0, |acc, &b| acc << 8 | u64::from(b))
    }
}

/// What binds a response to its request: the request's kid and Partial IV (RFC 8613 section
/// 7.3). Public values.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestId {
    pub(super) kid: Id,
    pub(super) piv: Piv,
}

impl RequestId {
    /// A request identity from its kid (at most 7 bytes) and Partial IV as sent (1 to 5
    /// bytes), e.g. restored from storage. Returns [`OscoreError::Malformed`] otherwise.
    pub fn new(kid: &[u8], partial_iv: &[u8]) -> Result<Self, OscoreError> {
        Ok(Self {
            kid: Id::new(kid).map_err(|_| OscoreError::Malformed)?,
            piv: Piv::new(partial_iv)?,
        })
    }

    /// The request sender's ID.
    pub fn kid(&self) -> &[u8] {
        self.kid.as_slice()
    }

    /// The request's Partial IV, as sent.
    pub fn partial_iv(&self) -> &[u8] {
        self.piv.as_slice()
    }

    /// The request's sequence number.
    pub fn sequence(&self) -> u64 {
        self.piv.value()
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestId")
            .field("kid", &self.kid())
            .field("partial_iv", &self.partial_iv())
            .finish()
    }
}
