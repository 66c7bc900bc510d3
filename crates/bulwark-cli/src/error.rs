//! The CLI's error type and its mapping to exit codes.

use std::fmt;
use std::process::ExitCode;

/// Exit code: the cryptography rejected the input (authentication failed).
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: a usage, format or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// Why a subcommand failed. Every variant carries the message printed after `error: `.
#[derive(Debug)]
pub enum CliError {
    /// Usage or format error (bad hex, bad length, unreadable file, ...): exit 2.
    Usage(String),
    /// The cryptography rejected the input (tag did not verify, ...): exit 1.
    Rejected(String),
}

impl CliError {
    /// A usage error about the argument `arg` (e.g. `--nonce`).
    pub fn arg(arg: &str, msg: impl fmt::Display) -> Self {
        CliError::Usage(format!("{arg}: {msg}"))
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(EXIT_USAGE),
            CliError::Rejected(_) => ExitCode::from(EXIT_REJECTED),
        }
    }

    /// Maps an error from the API. Only [`bulwark::Error::Verification`] is a rejection
    /// (exit 1); everything else (which the argument checks should already have caught, or an
    /// engine fault) is exit 2.
    pub fn from_api(what: &str, err: bulwark::Error) -> Self {
        match err {
            bulwark::Error::Verification => CliError::Rejected(format!("{what}: {err}")),
            other => CliError::Usage(format!("{what}: {other}")),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Rejected(m) => f.write_str(m),
        }
    }
}

/// Result alias for subcommands.
pub type CliResult<T = ()> = Result<T, CliError>;
