//! LE Secure Connections pairing (Core Specification Vol 3 Part H 2.3.5.6), both roles, as a
//! state machine that does no I/O: feed it the peer's Security Manager PDUs, send what it
//! returns, and tell it what the user did.
//!
//! Secure by default:
//! - Only LE Secure Connections: a peer without the Secure Connections bit (legacy pairing) is
//!   refused ([`PairingError::Legacy`]); we always set it.
//! - The encryption key is 16 bytes: a peer offering less is refused ([`PairingError::KeySize`]).
//! - The peer's public key is validated by the backend (on the curve, not the identity) before
//!   it is used, a key equal to ours is refused (reflection), and the specification's debug key
//!   is refused unless [`Options::allow_debug_key`] is set.
//! - The result ([`Outcome::authenticated`]) says whether the pairing is MITM-protected; with
//!   [`Options::require_mitm`], a pairing that would be Just Works fails with
//!   [`PairingError::MitmRequired`] before any key is exchanged.
//! - Every confirm value and DHKey check is compared in constant time; any failure ends the
//!   machine (nothing can be retried on the same state).
//!
//! Values are most significant octet first, as the toolbox takes them; [`Pdu::encode`] and
//! [`Pdu::decode`] convert to and from the little-endian PDUs.

mod error;
mod machine;
mod pdu;

pub use error::PairingError;
pub use machine::Pairing;
pub use pdu::{MAX_PDU_LEN, Pdu};

use bulwark_api::SecretBytes;

/// The AuthReq bit for bonding.
pub const AUTH_BONDING: u8 = 0x01;
/// The AuthReq bit asking for MITM protection.
pub const AUTH_MITM: u8 = 0x04;
/// The AuthReq bit for LE Secure Connections.
pub const AUTH_SC: u8 = 0x08;

/// The only encryption key size accepted.
pub const KEY_SIZE: u8 = 16;

/// The x-coordinate of the specification's debug public key (2.3.5.6.1), most significant
/// octet first.
pub const DEBUG_PUBLIC_X: [u8; 32] = [
    0x20, 0xb0, 0x03, 0xd2, 0xf2, 0x97, 0xbe, 0x2c, 0x5e, 0x2c, 0x83, 0xa7, 0xe9, 0xf9, 0xa5, 0xb9,
    0xef, 0xf4, 0x91, 0x11, 0xac, 0xf4, 0xfd, 0xdb, 0xcc, 0x03, 0x01, 0x48, 0x0e, 0x35, 0x9d, 0xe6,
];
/// The y-coordinate of the specification's debug public key.
pub const DEBUG_PUBLIC_Y: [u8; 32] = [
    0xdc, 0x80, 0x9c, 0x49, 0x65, 0x2a, 0xeb, 0x6d, 0x63, 0x32, 0x9a, 0xbf, 0x5a, 0x52, 0x15, 0x5c,
    0x76, 0x63, 0x45, 0xc2, 0x8f, 0xed, 0x30, 0x24, 0x74, 0x1c, 0x8e, 0xd0, 0x15, 0x89, 0xd2, 0x8b,
];

/// Which side of the pairing we are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The initiator (central): sends the Pairing Request.
    Initiator,
    /// The responder (peripheral): answers it.
    Responder,
}

/// The IO capability of a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoCapability {
    /// A display, no input.
    DisplayOnly = 0,
    /// A display and yes/no input.
    DisplayYesNo = 1,
    /// A keyboard, no display.
    KeyboardOnly = 2,
    /// Neither.
    NoInputNoOutput = 3,
    /// A keyboard and a display.
    KeyboardDisplay = 4,
}

impl IoCapability {
    fn from_u8(v: u8) -> Result<Self, PairingError> {
        Ok(match v {
            0 => IoCapability::DisplayOnly,
            1 => IoCapability::DisplayYesNo,
            2 => IoCapability::KeyboardOnly,
            3 => IoCapability::NoInputNoOutput,
            4 => IoCapability::KeyboardDisplay,
            _ => return Err(PairingError::InvalidParameters),
        })
    }
}

/// The pairing features of one side (a Pairing Request or Response).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// The IO capability.
    pub io: IoCapability,
    /// Whether this side has received out-of-band data from the other.
    pub oob: bool,
    /// The AuthReq octet ([`AUTH_BONDING`], [`AUTH_MITM`], [`AUTH_SC`], ...).
    pub auth_req: u8,
    /// The largest encryption key size this side supports (must be 16).
    pub max_key_size: u8,
    /// The keys the initiator distributes.
    pub initiator_keys: u8,
    /// The keys the responder distributes.
    pub responder_keys: u8,
}

impl Features {
    /// The 3-octet IOcap of f6: AuthReq, OOB data flag, IO capability.
    pub fn io_cap(&self) -> [u8; 3] {
        [self.auth_req, u8::from(self.oob), self.io as u8]
    }
}

/// How the pairing is authenticated (Vol 3 Part H 2.3.5.1, Table 2.8 for Secure Connections).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// No authentication: **not MITM-protected**.
    JustWorks,
    /// Both devices show a 6-digit number; the user confirms they match.
    NumericComparison,
    /// A 6-digit passkey is shown on one device and typed on the other (or typed on both).
    PasskeyEntry {
        /// Whether the initiator's user types it (else the initiator displays it).
        initiator_inputs: bool,
        /// Whether the responder's user types it.
        responder_inputs: bool,
    },
    /// Values exchanged out of band (NFC, a QR code) authenticate the keys.
    OutOfBand,
}

impl Method {
    /// Whether this method protects against a man in the middle.
    pub fn authenticated(&self) -> bool {
        !matches!(self, Method::JustWorks)
    }
}

/// Picks the association model from both sides' features (initiator's first).
pub fn select_method(initiator: &Features, responder: &Features) -> Method {
    use IoCapability::*;
    if initiator.oob || responder.oob {
        return Method::OutOfBand;
    }
    if (initiator.auth_req | responder.auth_req) & AUTH_MITM == 0 {
        return Method::JustWorks;
    }
    let passkey = |initiator_inputs, responder_inputs| Method::PasskeyEntry {
        initiator_inputs,
        responder_inputs,
    };
    match (initiator.io, responder.io) {
        (NoInputNoOutput, _) | (_, NoInputNoOutput) => Method::JustWorks,
        (DisplayOnly, DisplayOnly | DisplayYesNo) | (DisplayYesNo, DisplayOnly) => {
            Method::JustWorks
        }
        (DisplayOnly | DisplayYesNo, KeyboardOnly | KeyboardDisplay) => {
            if initiator.io == DisplayYesNo && responder.io == KeyboardDisplay {
                Method::NumericComparison
            } else {
                passkey(false, true)
            }
        }
        (DisplayYesNo | KeyboardDisplay, DisplayYesNo) => Method::NumericComparison,
        (KeyboardDisplay, KeyboardDisplay) => Method::NumericComparison,
        (KeyboardOnly, KeyboardOnly) => passkey(true, true),
        (KeyboardOnly, _) => passkey(true, false),
        (KeyboardDisplay, DisplayOnly) => passkey(true, false),
        (KeyboardDisplay, KeyboardOnly) => passkey(false, true),
    }
}

/// What the caller chose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Refuse any pairing that is not MITM-protected (sets the MITM bit; Just Works becomes
    /// [`PairingError::MitmRequired`]).
    pub require_mitm: bool,
    /// Accept the specification's debug key from the peer (only for sniffing in a lab).
    pub allow_debug_key: bool,
}

/// The result of a successful pairing.
pub struct Outcome {
    /// The long-term key (f5), to encrypt the link with.
    pub ltk: SecretBytes<16>,
    /// Whether the pairing is MITM-protected (every method but Just Works).
    pub authenticated: bool,
    /// The association model used.
    pub method: Method,
    /// The encryption key size (always 16).
    pub key_size: u8,
}

bulwark_api::redacted_debug!(Outcome);

/// Something the user must see or do, or the end of the pairing.
#[derive(Debug)]
pub enum Event {
    /// Show this 6-digit passkey (passkey entry, this device displays).
    DisplayPasskey(u32),
    /// Ask the user to type the passkey, then call [`Pairing::passkey_entered`].
    EnterPasskey,
    /// Show this 6-digit number and ask whether the other device shows the same, then call
    /// [`Pairing::user_confirmed`].
    CompareNumber(u32),
    /// The pairing succeeded.
    Complete(Outcome),
}

/// What a step produced: up to two PDUs to send, in order, and an event.
#[derive(Debug, Default)]
pub struct Output {
    /// The PDUs to send, in order.
    pub send: [Option<Pdu>; 2],
    /// What the user must see or do, or the outcome.
    pub event: Option<Event>,
}

impl Output {
    fn send(pdu: Pdu) -> Self {
        Output {
            send: [Some(pdu), None],
            event: None,
        }
    }

    fn with_event(mut self, event: Option<Event>) -> Self {
        self.event = event;
        self
    }
}
