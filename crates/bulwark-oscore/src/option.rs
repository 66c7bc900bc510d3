//! The OSCORE option value (RFC 8613 section 6.1).
//!
//! ```text
//!  0 1 2 3 4 5 6 7 <------------- n bytes -------------->
//! |0 0 0|h|k|  n  |       Partial IV (if any) ...
//!  <- 1 byte -> <----- s bytes ------>
//! | s (if any) | kid context (if any) | kid (if any) ... |
//! ```
//!
//! An option whose flag bits are all zero is empty (length 0).

use crate::OscoreError;
use bulwark_psk::oscore::MAX_PARTIAL_IV_LEN;

/// Longest OSCORE option value this crate writes: flags, a 5-byte Partial IV, the kid context
/// length byte and a kid context of [`crate::MAX_ID_CONTEXT_LEN`] bytes, and a 7-byte kid.
pub const MAX_OPTION_LEN: usize =
    1 + MAX_PARTIAL_IV_LEN + 1 + crate::MAX_ID_CONTEXT_LEN + bulwark_psk::oscore::MAX_ID_LEN;

/// The fields of an OSCORE option value, borrowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OscoreOption<'a> {
    /// Partial IV (empty = absent), 0 to 5 bytes.
    pub partial_iv: &'a [u8],
    /// kid context (flag h), 0 to 255 bytes.
    pub kid_context: Option<&'a [u8]>,
    /// kid (flag k): the sender's Sender ID.
    pub kid: Option<&'a [u8]>,
}

impl<'a> OscoreOption<'a> {
    /// Decodes an option value.
    ///
    /// Returns [`OscoreError::Malformed`] if a reserved flag bit is set, `n` is 6 or 7, the
    /// value is shorter than its flags say, a value of one byte is `0x00` (it must be empty),
    /// or bytes are left over without the k flag.
    pub fn decode(value: &'a [u8]) -> Result<Self, OscoreError> {
        let Some((&flags, mut rest)) = value.split_first() else {
            return Ok(Self::default());
        };
        let n = usize::from(flags & 0x07);
        if flags & 0xe0 != 0 || n > MAX_PARTIAL_IV_LEN || flags == 0 {
            return Err(OscoreError::Malformed);
        }
        let (partial_iv, after) = rest.split_at_checked(n).ok_or(OscoreError::Malformed)?;
        rest = after;
        let kid_context = if flags & 0x10 != 0 {
            let (&s, after) = rest.split_first().ok_or(OscoreError::Malformed)?;
            let (ctx, after) = after
                .split_at_checked(usize::from(s))
                .ok_or(OscoreError::Malformed)?;
            rest = after;
            Some(ctx)
        } else {
            None
        };
        let kid = if flags & 0x08 != 0 {
            Some(rest)
        } else if rest.is_empty() {
            None
        } else {
            return Err(OscoreError::Malformed);
        };
        Ok(Self {
            partial_iv,
            kid_context,
            kid,
        })
    }

    /// Encodes the value into `out` and returns its length (0 when every field is absent).
    ///
    /// Returns [`OscoreError::Malformed`] for a Partial IV over 5 bytes or a kid context over
    /// 255 bytes, [`OscoreError::BufferTooSmall`] if `out` is too small.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, OscoreError> {
        let n = self.partial_iv.len();
        if n > MAX_PARTIAL_IV_LEN {
            return Err(OscoreError::Malformed);
        }
        let mut flags = n as u8;
        if self.kid.is_some() {
            flags |= 0x08;
        }
        if self.kid_context.is_some() {
            flags |= 0x10;
        }
        if flags == 0 {
            return Ok(0);
        }
        let mut len = 0;
        let mut put = |bytes: &[u8]| -> Result<(), OscoreError> {
            out.get_mut(len..len + bytes.len())
                .ok_or(OscoreError::BufferTooSmall)?
                .copy_from_slice(bytes);
            len += bytes.len();
            Ok(())
        };
        put(&[flags])?;
        put(self.partial_iv)?;
        if let Some(ctx) = self.kid_context {
            let s = u8::try_from(ctx.len()).map_err(|_| OscoreError::Malformed)?;
            put(&[s])?;
            put(ctx)?;
        }
        if let Some(kid) = self.kid {
            put(kid)?;
        }
        Ok(len)
    }
}
