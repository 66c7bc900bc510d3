//! [`PairingError`]: why a pairing failed, and the Pairing Failed reason to send.

use bulwark_api::Error;

/// Why a pairing failed. [`PairingError::reason`] gives the Pairing Failed reason to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairingError {
    /// The peer does not do LE Secure Connections (legacy pairing is never used).
    Legacy,
    /// The peer's maximum encryption key size is below 16 bytes.
    KeySize,
    /// MITM protection was required and the devices can only do Just Works.
    MitmRequired,
    /// The peer's public key is not a valid P-256 point, or equals ours.
    InvalidPublicKey,
    /// The peer used the debug key and [`Options::allow_debug_key`](super::Options::allow_debug_key) is not set.
    DebugKey,
    /// A confirm value did not match (passkey entry, Just Works, numeric comparison, OOB).
    ConfirmFailed,
    /// The DHKey check did not match.
    DhKeyCheckFailed,
    /// The user said the numbers differ.
    NumericComparisonFailed,
    /// A malformed PDU or invalid parameter.
    InvalidParameters,
    /// A PDU arrived that the current state does not expect, or the machine already ended.
    Unexpected,
    /// The peer sent Pairing Failed with this reason.
    PeerFailed(u8),
    /// The backend failed.
    Engine(Error),
}

impl PairingError {
    /// The Pairing Failed reason code to send the peer.
    pub fn reason(&self) -> u8 {
        match self {
            PairingError::Legacy | PairingError::MitmRequired => 0x03,
            PairingError::KeySize => 0x06,
            PairingError::ConfirmFailed => 0x04,
            PairingError::DhKeyCheckFailed => 0x0b,
            PairingError::NumericComparisonFailed => 0x0c,
            PairingError::InvalidPublicKey
            | PairingError::DebugKey
            | PairingError::InvalidParameters => 0x0a,
            PairingError::Unexpected => 0x07,
            PairingError::PeerFailed(_) | PairingError::Engine(_) => 0x08,
        }
    }
}

impl From<Error> for PairingError {
    fn from(e: Error) -> Self {
        PairingError::Engine(e)
    }
}

impl core::fmt::Display for PairingError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PairingError::Legacy => f.write_str("peer does not support LE Secure Connections"),
            PairingError::KeySize => f.write_str("encryption key size below 16 bytes"),
            PairingError::MitmRequired => {
                f.write_str("MITM protection required, only Just Works possible")
            }
            PairingError::InvalidPublicKey => f.write_str("invalid peer public key"),
            PairingError::DebugKey => f.write_str("peer uses the debug key"),
            PairingError::ConfirmFailed => f.write_str("confirm value mismatch"),
            PairingError::DhKeyCheckFailed => f.write_str("DHKey check mismatch"),
            PairingError::NumericComparisonFailed => f.write_str("numeric comparison rejected"),
            PairingError::InvalidParameters => f.write_str("invalid parameters"),
            PairingError::Unexpected => f.write_str("unexpected PDU"),
            PairingError::PeerFailed(r) => write!(f, "peer failed pairing (reason {r:#04x})"),
            PairingError::Engine(e) => write!(f, "{e}"),
        }
    }
}
