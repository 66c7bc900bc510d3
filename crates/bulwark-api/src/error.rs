//! The one opaque error of the whole API.

use core::fmt;

/// Why an operation failed.
///
/// Deliberately small and payload-free: an authentication failure never says *which* check
/// failed (tag, padding, point validity), so an attacker learns one bit and nothing more.
/// Protocol crates keep richer, non-secret causes of their own and convert at the boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// Authentication failed: a tag or signature did not verify, or a key agreement produced a
    /// non-contributory result. Any output buffer has been zeroed.
    Verification,
    /// An argument is outside what the operation accepts: a key, nonce, tag or message length,
    /// or a malformed encoding. Nothing was processed.
    InvalidInput,
    /// The backend does not implement this operation or parameter set.
    Unsupported,
    /// The engine is in use by someone else; retry later. Any output buffer has been zeroed.
    Busy,
    /// The hardware reported a fault or timed out. Any output buffer has been zeroed.
    Hardware,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Verification => "verification failed",
            Error::InvalidInput => "invalid input",
            Error::Unsupported => "unsupported operation",
            Error::Busy => "engine busy",
            Error::Hardware => "hardware fault",
        })
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "defmt")]
impl defmt::Format for Error {
    fn format(&self, f: defmt::Formatter<'_>) {
        let s = match self {
            Error::Verification => "verification failed",
            Error::InvalidInput => "invalid input",
            Error::Unsupported => "unsupported operation",
            Error::Busy => "engine busy",
            Error::Hardware => "hardware fault",
        };
        defmt::write!(f, "{=str}", s)
    }
}
