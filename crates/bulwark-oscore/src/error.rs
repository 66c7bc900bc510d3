//! [`OscoreError`]: why a message could not be protected or unprotected.

use bulwark_api::Error;
use core::fmt;

/// Why protecting or unprotecting a message failed. Nothing in it is secret.
///
/// A server answers a request that failed to unprotect with the unprotected error response
/// [`OscoreError::response_code`] names (RFC 8613 section 8.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OscoreError {
    /// The CoAP message or the OSCORE option is not well formed (RFC 7252 section 3, RFC 8613
    /// section 6.1), including the decrypted inner message.
    Malformed,
    /// The message carries no OSCORE option.
    NotProtected,
    /// The kid or kid context does not name this security context.
    UnknownContext,
    /// The AEAD tag did not verify: wrong keys, a tampered message, or a response to another
    /// request.
    Verification,
    /// The request's Partial IV was already received, or is older than the replay window.
    Replay,
    /// The message uses what this crate does not implement (Observe, Proxy-Uri, a code of the
    /// wrong kind: a response where a request is expected and the reverse).
    Unsupported,
    /// The output buffer is too small.
    BufferTooSmall,
    /// The sender sequence number reached 2^40: the context must be re-keyed.
    SequenceExhausted,
    /// The sequence number store failed to persist: nothing was sent.
    Store(Error),
    /// The AEAD engine failed (not a verification failure).
    Crypto(Error),
}

impl OscoreError {
    /// The CoAP response code a server sends, unprotected, when a request fails with this
    /// error (RFC 8613 section 8.2): 4.02 Bad Option for a malformed OSCORE option, 4.01
    /// Unauthorized for an unknown context or a replay, 4.00 Bad Request for a failed
    /// decryption. `None` where no such response is defined (the server then answers 5.00 or
    /// drops the request).
    pub const fn response_code(&self) -> Option<u8> {
        match self {
            OscoreError::Malformed => Some(crate::message::code::BAD_OPTION),
            OscoreError::UnknownContext | OscoreError::Replay => {
                Some(crate::message::code::UNAUTHORIZED)
            }
            OscoreError::Verification => Some(crate::message::code::BAD_REQUEST),
            _ => None,
        }
    }

    /// The diagnostic payload RFC 8613 section 8.2 suggests for the error response.
    pub const fn diagnostic(&self) -> &'static str {
        match self {
            OscoreError::Malformed => "Malformed OSCORE option",
            OscoreError::NotProtected => "Not protected",
            OscoreError::UnknownContext => "Security context not found",
            OscoreError::Verification => "Decryption failed",
            OscoreError::Replay => "Replay detected",
            OscoreError::Unsupported => "Unsupported",
            OscoreError::BufferTooSmall => "Buffer too small",
            OscoreError::SequenceExhausted => "Sequence numbers exhausted",
            OscoreError::Store(_) => "Sequence store failed",
            OscoreError::Crypto(_) => "AEAD engine failed",
        }
    }
}

impl fmt::Display for OscoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.diagnostic())
    }
}

impl core::error::Error for OscoreError {}

impl From<OscoreError> for Error {
    fn from(e: OscoreError) -> Self {
        match e {
            OscoreError::Verification => Error::Verification,
            OscoreError::Unsupported => Error::Unsupported,
            OscoreError::Store(e) | OscoreError::Crypto(e) => e,
            _ => Error::InvalidInput,
        }
    }
}

impl From<coap_message_implementations::inmemory::WriteError> for OscoreError {
    fn from(_: coap_message_implementations::inmemory::WriteError) -> Self {
        // Options are always written in ascending order (they come from a parsed message), so
        // the only failure left is running out of space.
        OscoreError::BufferTooSmall
    }
}
