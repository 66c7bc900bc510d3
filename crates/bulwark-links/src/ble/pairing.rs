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

use super::Address7;
use super::toolbox::{f4, f5, f6, g2, numeric_comparison_value};
use crate::CmacEngines;
use bulwark_api::{
    Error, Rng, SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
    secret::ct_eq_bytes,
};

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
    /// The peer used the debug key and [`Options::allow_debug_key`] is not set.
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

/// A Security Manager PDU of LE Secure Connections pairing. Values most significant octet
/// first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pdu {
    /// Pairing Request (0x01).
    PairingRequest(Features),
    /// Pairing Response (0x02).
    PairingResponse(Features),
    /// Pairing Confirm (0x03).
    Confirm([u8; 16]),
    /// Pairing Random (0x04).
    Random([u8; 16]),
    /// Pairing Failed (0x05) with its reason.
    Failed(u8),
    /// Pairing Public Key (0x0C): x and y.
    PublicKey([u8; 32], [u8; 32]),
    /// Pairing DHKey Check (0x0D).
    DhKeyCheck([u8; 16]),
}

/// The longest PDU in bytes (the public key).
pub const MAX_PDU_LEN: usize = 65;

fn put_reversed(out: &mut [u8], value: &[u8]) {
    for (o, v) in out.iter_mut().zip(value.iter().rev()) {
        *o = *v;
    }
}

fn reversed<const N: usize>(bytes: &[u8]) -> Result<[u8; N], PairingError> {
    if bytes.len() != N {
        return Err(PairingError::InvalidParameters);
    }
    let mut out = [0u8; N];
    put_reversed(&mut out, bytes);
    Ok(out)
}

impl Pdu {
    /// Encodes the PDU (little-endian values, as sent) into `out`; returns its length.
    pub fn encode(&self, out: &mut [u8; MAX_PDU_LEN]) -> usize {
        let features = |out: &mut [u8; MAX_PDU_LEN], code: u8, f: &Features| {
            out[..7].copy_from_slice(&[
                code,
                f.io as u8,
                u8::from(f.oob),
                f.auth_req,
                f.max_key_size,
                f.initiator_keys,
                f.responder_keys,
            ]);
            7
        };
        match self {
            Pdu::PairingRequest(f) => features(out, 0x01, f),
            Pdu::PairingResponse(f) => features(out, 0x02, f),
            Pdu::Confirm(v) | Pdu::Random(v) | Pdu::DhKeyCheck(v) => {
                out[0] = match self {
                    Pdu::Confirm(_) => 0x03,
                    Pdu::Random(_) => 0x04,
                    _ => 0x0d,
                };
                put_reversed(&mut out[1..17], v);
                17
            }
            Pdu::Failed(reason) => {
                out[0] = 0x05;
                out[1] = *reason;
                2
            }
            Pdu::PublicKey(x, y) => {
                out[0] = 0x0c;
                put_reversed(&mut out[1..33], x);
                put_reversed(&mut out[33..65], y);
                65
            }
        }
    }

    /// Decodes a received PDU.
    ///
    /// Returns [`PairingError::InvalidParameters`] for a wrong length or field value, and
    /// [`PairingError::Unexpected`] for a PDU outside LE Secure Connections pairing (legacy
    /// keys, keypress notifications).
    pub fn decode(bytes: &[u8]) -> Result<Pdu, PairingError> {
        let (&code, body) = bytes.split_first().ok_or(PairingError::InvalidParameters)?;
        Ok(match code {
            0x01 | 0x02 => {
                if body.len() != 6 || body[1] > 1 {
                    return Err(PairingError::InvalidParameters);
                }
                let f = Features {
                    io: IoCapability::from_u8(body[0])?,
                    oob: body[1] == 1,
                    auth_req: body[2],
                    max_key_size: body[3],
                    initiator_keys: body[4],
                    responder_keys: body[5],
                };
                if code == 0x01 {
                    Pdu::PairingRequest(f)
                } else {
                    Pdu::PairingResponse(f)
                }
            }
            0x03 => Pdu::Confirm(reversed(body)?),
            0x04 => Pdu::Random(reversed(body)?),
            0x0d => Pdu::DhKeyCheck(reversed(body)?),
            0x05 => match body {
                [reason] => Pdu::Failed(*reason),
                _ => return Err(PairingError::InvalidParameters),
            },
            0x0c => {
                if body.len() != 64 {
                    return Err(PairingError::InvalidParameters);
                }
                Pdu::PublicKey(reversed(&body[..32])?, reversed(&body[32..])?)
            }
            _ => return Err(PairingError::Unexpected),
        })
    }
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    WaitFeatures,
    WaitPublicKey,
    NeedPasskey,
    WaitConfirm,
    WaitRandom,
    NeedUserConfirm,
    WaitCheck,
    Done,
    Failed,
}

/// The pairing state machine of one side. `K` is the backend's P-256 key agreement.
pub struct Pairing<K: KeyAgreement<P256>> {
    role: Role,
    options: Options,
    local: Features,
    peer: Option<Features>,
    local_address: Address7,
    peer_address: Address7,
    secret: Option<K::EphemeralSecret>,
    local_x: [u8; 32],
    local_y: [u8; 32],
    peer_x: [u8; 32],
    dhkey: Option<SecretBytes<32>>,
    method: Method,
    state: State,
    local_nonce: [u8; 16],
    peer_nonce: [u8; 16],
    peer_confirm: [u8; 16],
    passkey: Option<u32>,
    round: u8,
    local_oob_r: [u8; 16],
    peer_oob: Option<([u8; 16], [u8; 16])>,
    user_confirmed: bool,
    passkey_wanted: bool,
    pending_check: Option<[u8; 16]>,
}

impl<K: KeyAgreement<P256>> Pairing<K> {
    /// A new pairing for `role`, with a fresh P-256 key pair and a fresh out-of-band random
    /// value from `rng`.
    ///
    /// - `local`: our features; the Secure Connections bit is set, the key size forced to 16,
    ///   the MITM bit set with [`Options::require_mitm`], and the OOB flag follows
    ///   [`Pairing::set_peer_oob`].
    /// - `local_address`, `peer_address`: the addresses the link uses (type octet first).
    ///
    /// Returns the backend's or generator's error.
    #[allow(clippy::too_many_arguments)]
    pub fn new<R: Rng + ?Sized>(
        kex: &mut K,
        rng: &mut R,
        role: Role,
        mut local: Features,
        options: Options,
        local_address: Address7,
        peer_address: Address7,
    ) -> Result<Self, PairingError> {
        local.auth_req |= AUTH_SC;
        if options.require_mitm {
            local.auth_req |= AUTH_MITM;
        }
        local.max_key_size = KEY_SIZE;
        local.oob = false;
        let secret = kex.generate_ephemeral(rng)?;
        let public = kex.ephemeral_public(&secret)?;
        let encoded = kex.export_public(&public);
        let mut local_x = [0u8; 32];
        let mut local_y = [0u8; 32];
        local_x.copy_from_slice(&encoded[1..33]);
        local_y.copy_from_slice(&encoded[33..65]);
        let mut local_oob_r = [0u8; 16];
        rng.fill_bytes(&mut local_oob_r)?;
        Ok(Self {
            role,
            options,
            local,
            peer: None,
            local_address,
            peer_address,
            secret: Some(secret),
            local_x,
            local_y,
            peer_x: [0; 32],
            dhkey: None,
            method: Method::JustWorks,
            state: State::Start,
            local_nonce: [0; 16],
            peer_nonce: [0; 16],
            peer_confirm: [0; 16],
            passkey: None,
            round: 0,
            local_oob_r,
            peer_oob: None,
            user_confirmed: false,
            passkey_wanted: false,
            pending_check: None,
        })
    }

    /// Our public key (x, y), most significant octet first.
    pub fn public_key(&self) -> ([u8; 32], [u8; 32]) {
        (self.local_x, self.local_y)
    }

    /// The association model (known once the features were exchanged).
    pub fn method(&self) -> Method {
        self.method
    }

    /// Our out-of-band data `(r, C)` with `C = f4(PKx, PKx, r, 0)`, to hand to the peer out of
    /// band (NFC, a QR code). Returns the engine's error.
    pub fn local_oob<E: CmacEngines + ?Sized>(
        &self,
        engines: &mut E,
    ) -> Result<([u8; 16], [u8; 16]), PairingError> {
        let c = f4(engines, &self.local_x, &self.local_x, &self.local_oob_r, 0)?;
        Ok((self.local_oob_r, c))
    }

    /// The peer's out-of-band data `(r, C)`, received out of band, before the features are
    /// exchanged. Returns [`PairingError::Unexpected`] afterwards.
    pub fn set_peer_oob(&mut self, r: [u8; 16], c: [u8; 16]) -> Result<(), PairingError> {
        if self.state != State::Start {
            return Err(PairingError::Unexpected);
        }
        self.peer_oob = Some((r, c));
        self.local.oob = true;
        Ok(())
    }

    /// The initiator's first PDU: the Pairing Request. Returns [`PairingError::Unexpected`]
    /// for a responder or a second call.
    pub fn start(&mut self) -> Result<Pdu, PairingError> {
        if self.role != Role::Initiator || self.state != State::Start {
            return Err(PairingError::Unexpected);
        }
        self.state = State::WaitFeatures;
        Ok(Pdu::PairingRequest(self.local))
    }

    fn fail(&mut self, e: PairingError) -> PairingError {
        self.state = State::Failed;
        self.secret = None;
        self.dhkey = None;
        e
    }

    /// Handles one PDU from the peer.
    ///
    /// Returns what to send and what to tell the user, or the reason pairing failed (send
    /// [`Pdu::Failed`] with [`PairingError::reason`]; the machine is then finished).
    pub fn receive<E: CmacEngines + ?Sized, R: Rng + ?Sized>(
        &mut self,
        kex: &mut K,
        engines: &mut E,
        rng: &mut R,
        pdu: &Pdu,
    ) -> Result<Output, PairingError> {
        if matches!(self.state, State::Done | State::Failed) {
            return Err(PairingError::Unexpected);
        }
        let result = self.step(kex, engines, rng, pdu);
        result.map_err(|e| self.fail(e))
    }

    /// The user typed the passkey (passkey entry, after [`Event::EnterPasskey`]).
    ///
    /// Returns the PDU to send, if any; [`PairingError::InvalidParameters`] for a passkey above
    /// 999999; [`PairingError::Unexpected`] if no passkey was asked for.
    pub fn passkey_entered<E: CmacEngines + ?Sized, R: Rng + ?Sized>(
        &mut self,
        engines: &mut E,
        rng: &mut R,
        passkey: u32,
    ) -> Result<Output, PairingError> {
        if !self.passkey_wanted
            || self.passkey.is_some()
            || matches!(self.state, State::Done | State::Failed)
        {
            return Err(self.fail(PairingError::Unexpected));
        }
        if passkey > 999_999 {
            return Err(self.fail(PairingError::InvalidParameters));
        }
        self.passkey = Some(passkey);
        if self.state != State::NeedPasskey {
            return Ok(Output::default());
        }
        // Both roles were waiting to send their round-1 confirm value.
        let result = self.send_passkey_confirm(engines, rng);
        result.map_err(|e| self.fail(e))
    }

    /// The user compared the numbers ([`Event::CompareNumber`]): `accepted` if they match.
    ///
    /// Returns the PDU to send, if any; [`PairingError::NumericComparisonFailed`] if not
    /// accepted (send Pairing Failed); [`PairingError::Unexpected`] if no comparison is pending.
    pub fn user_confirmed<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
        accepted: bool,
    ) -> Result<Output, PairingError> {
        if self.method != Method::NumericComparison
            || self.user_confirmed
            || !matches!(self.state, State::NeedUserConfirm | State::WaitCheck)
        {
            return Err(self.fail(PairingError::Unexpected));
        }
        if !accepted {
            return Err(self.fail(PairingError::NumericComparisonFailed));
        }
        self.user_confirmed = true;
        let result = match (self.role, self.state) {
            (Role::Initiator, _) => self.send_initiator_check(engines),
            (Role::Responder, _) => match self.pending_check.take() {
                Some(ea) => self.finish_responder(engines, &ea),
                None => Ok(Output::default()),
            },
        };
        result.map_err(|e| self.fail(e))
    }

    fn features_in_order(&self) -> Result<(Features, Features), PairingError> {
        let peer = self.peer.ok_or(PairingError::Unexpected)?;
        Ok(match self.role {
            Role::Initiator => (self.local, peer),
            Role::Responder => (peer, self.local),
        })
    }

    fn check_features<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
        peer: &Features,
    ) -> Result<Option<Event>, PairingError> {
        if peer.auth_req & AUTH_SC == 0 {
            return Err(PairingError::Legacy);
        }
        if peer.max_key_size < KEY_SIZE {
            return Err(PairingError::KeySize);
        }
        if peer.max_key_size > KEY_SIZE {
            return Err(PairingError::InvalidParameters);
        }
        self.peer = Some(*peer);
        let (a, b) = self.features_in_order()?;
        self.method = select_method(&a, &b);
        if self.options.require_mitm && !self.method.authenticated() {
            return Err(PairingError::MitmRequired);
        }
        if let Method::PasskeyEntry {
            initiator_inputs,
            responder_inputs,
        } = self.method
        {
            let inputs = match self.role {
                Role::Initiator => initiator_inputs,
                Role::Responder => responder_inputs,
            };
            if inputs {
                self.passkey_wanted = true;
                return Ok(Some(Event::EnterPasskey));
            }
            let passkey = random_passkey(rng)?;
            self.passkey = Some(passkey);
            return Ok(Some(Event::DisplayPasskey(passkey)));
        }
        Ok(None)
    }

    fn accept_public_key<E: CmacEngines + ?Sized>(
        &mut self,
        kex: &mut K,
        engines: &mut E,
        x: &[u8; 32],
        y: &[u8; 32],
    ) -> Result<(), PairingError> {
        let mut sec1 = [0u8; 65];
        sec1[0] = 0x04;
        sec1[1..33].copy_from_slice(x);
        sec1[33..].copy_from_slice(y);
        let peer = kex
            .import_public(&sec1)
            .map_err(|_| PairingError::InvalidPublicKey)?;
        // The x-coordinate alone: (x, -y) is the debug key's negation, whose private key
        // (n - d) is just as public.
        if !self.options.allow_debug_key && x == &DEBUG_PUBLIC_X {
            return Err(PairingError::DebugKey);
        }
        if x == &self.local_x {
            return Err(PairingError::InvalidPublicKey);
        }
        let secret = self.secret.take().ok_or(PairingError::Unexpected)?;
        let shared = kex.agree(secret, &peer)?;
        self.dhkey = Some(SecretBytes::try_from_slice(expose_shared_secret(&shared))?);
        self.peer_x = *x;
        if let (Method::OutOfBand, Some((r, c))) = (self.method, self.peer_oob) {
            let expected = f4(engines, x, x, &r, 0)?;
            if !ct_eq_bytes(&expected, &c) {
                return Err(PairingError::ConfirmFailed);
            }
        }
        Ok(())
    }

    fn passkey_bit(&self) -> Result<u8, PairingError> {
        let passkey = self.passkey.ok_or(PairingError::Unexpected)?;
        Ok(0x80 | ((passkey >> self.round) & 1) as u8)
    }

    /// The passkey round's confirm: initiator `f4(PKax, PKbx, Nai, rai)`, responder
    /// `f4(PKbx, PKax, Nbi, rbi)`; both are "own key first".
    fn send_passkey_confirm<E: CmacEngines + ?Sized, R: Rng + ?Sized>(
        &mut self,
        engines: &mut E,
        rng: &mut R,
    ) -> Result<Output, PairingError> {
        rng.fill_bytes(&mut self.local_nonce)?;
        let z = self.passkey_bit()?;
        let c = f4(engines, &self.local_x, &self.peer_x, &self.local_nonce, z)?;
        self.state = match self.role {
            Role::Initiator => State::WaitConfirm,
            Role::Responder => State::WaitRandom,
        };
        Ok(Output::send(Pdu::Confirm(c)))
    }

    /// (ra, rb) for f6.
    fn r_values(&self) -> Result<([u8; 16], [u8; 16]), PairingError> {
        let peer = self.peer.ok_or(PairingError::Unexpected)?;
        let (local_r, peer_r) = match self.method {
            Method::PasskeyEntry { .. } => {
                let mut r = [0u8; 16];
                r[12..]
                    .copy_from_slice(&self.passkey.ok_or(PairingError::Unexpected)?.to_be_bytes());
                (r, r)
            }
            Method::OutOfBand => {
                let local_r = if peer.oob { self.local_oob_r } else { [0; 16] };
                let peer_r = match self.peer_oob {
                    Some((r, _)) if self.local.oob => r,
                    _ => [0; 16],
                };
                (local_r, peer_r)
            }
            _ => ([0; 16], [0; 16]),
        };
        Ok(match self.role {
            Role::Initiator => (local_r, peer_r),
            Role::Responder => (peer_r, local_r),
        })
    }

    fn keys<E: CmacEngines + ?Sized>(
        &self,
        engines: &mut E,
    ) -> Result<super::toolbox::F5Keys, PairingError> {
        let dhkey = self.dhkey.as_ref().ok_or(PairingError::Unexpected)?;
        let (na, nb, a, b) = self.ordered();
        Ok(f5(engines, dhkey, na, nb, a, b)?)
    }

    /// (Na, Nb, A, B).
    fn ordered(&self) -> (&[u8; 16], &[u8; 16], &Address7, &Address7) {
        match self.role {
            Role::Initiator => (
                &self.local_nonce,
                &self.peer_nonce,
                &self.local_address,
                &self.peer_address,
            ),
            Role::Responder => (
                &self.peer_nonce,
                &self.local_nonce,
                &self.peer_address,
                &self.local_address,
            ),
        }
    }

    /// (Ea, Eb) and the LTK.
    fn checks<E: CmacEngines + ?Sized>(
        &self,
        engines: &mut E,
    ) -> Result<([u8; 16], [u8; 16], SecretBytes<16>), PairingError> {
        let keys = self.keys(engines)?;
        let (ra, rb) = self.r_values()?;
        let (fa, fb) = self.features_in_order()?;
        let (na, nb, a, b) = self.ordered();
        let ea = f6(engines, &keys.mac_key, na, nb, &rb, &fa.io_cap(), a, b)?;
        let eb = f6(engines, &keys.mac_key, nb, na, &ra, &fb.io_cap(), b, a)?;
        Ok((ea, eb, keys.ltk))
    }

    fn send_initiator_check<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
    ) -> Result<Output, PairingError> {
        let (ea, _, _) = self.checks(engines)?;
        self.state = State::WaitCheck;
        Ok(Output::send(Pdu::DhKeyCheck(ea)))
    }

    fn outcome(&mut self, ltk: SecretBytes<16>) -> Event {
        self.state = State::Done;
        self.dhkey = None;
        Event::Complete(Outcome {
            ltk,
            authenticated: self.method.authenticated(),
            method: self.method,
            key_size: KEY_SIZE,
        })
    }

    fn finish_responder<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
        received: &[u8; 16],
    ) -> Result<Output, PairingError> {
        let (ea, eb, ltk) = self.checks(engines)?;
        if !ct_eq_bytes(&ea, received) {
            return Err(PairingError::DhKeyCheckFailed);
        }
        let event = self.outcome(ltk);
        Ok(Output::send(Pdu::DhKeyCheck(eb)).with_event(Some(event)))
    }

    fn step<E: CmacEngines + ?Sized, R: Rng + ?Sized>(
        &mut self,
        kex: &mut K,
        engines: &mut E,
        rng: &mut R,
        pdu: &Pdu,
    ) -> Result<Output, PairingError> {
        if let Pdu::Failed(reason) = pdu {
            return Err(PairingError::PeerFailed(*reason));
        }
        match (self.role, self.state, pdu) {
            (Role::Responder, State::Start, Pdu::PairingRequest(peer)) => {
                let event = self.check_features(rng, peer)?;
                self.state = State::WaitPublicKey;
                Ok(Output::send(Pdu::PairingResponse(self.local)).with_event(event))
            }
            (Role::Initiator, State::WaitFeatures, Pdu::PairingResponse(peer)) => {
                let event = self.check_features(rng, peer)?;
                self.state = State::WaitPublicKey;
                Ok(Output::send(Pdu::PublicKey(self.local_x, self.local_y)).with_event(event))
            }
            (Role::Initiator, State::WaitPublicKey, Pdu::PublicKey(x, y)) => {
                self.accept_public_key(kex, engines, x, y)?;
                match self.method {
                    Method::JustWorks | Method::NumericComparison => {
                        self.state = State::WaitConfirm;
                        Ok(Output::default())
                    }
                    Method::PasskeyEntry { .. } => {
                        if self.passkey.is_some() {
                            self.send_passkey_confirm(engines, rng)
                        } else {
                            self.state = State::NeedPasskey;
                            Ok(Output::default())
                        }
                    }
                    Method::OutOfBand => {
                        rng.fill_bytes(&mut self.local_nonce)?;
                        self.state = State::WaitRandom;
                        Ok(Output::send(Pdu::Random(self.local_nonce)))
                    }
                }
            }
            (Role::Responder, State::WaitPublicKey, Pdu::PublicKey(x, y)) => {
                self.accept_public_key(kex, engines, x, y)?;
                let public = Pdu::PublicKey(self.local_x, self.local_y);
                match self.method {
                    Method::JustWorks | Method::NumericComparison => {
                        rng.fill_bytes(&mut self.local_nonce)?;
                        let cb = f4(engines, &self.local_x, &self.peer_x, &self.local_nonce, 0)?;
                        self.state = State::WaitRandom;
                        Ok(Output {
                            send: [Some(public), Some(Pdu::Confirm(cb))],
                            event: None,
                        })
                    }
                    Method::PasskeyEntry { .. } => {
                        self.state = State::WaitConfirm;
                        Ok(Output::send(public))
                    }
                    Method::OutOfBand => {
                        rng.fill_bytes(&mut self.local_nonce)?;
                        self.state = State::WaitRandom;
                        Ok(Output::send(public))
                    }
                }
            }
            (Role::Initiator, State::WaitConfirm, Pdu::Confirm(c)) => {
                self.peer_confirm = *c;
                if !matches!(self.method, Method::PasskeyEntry { .. }) {
                    rng.fill_bytes(&mut self.local_nonce)?;
                }
                self.state = State::WaitRandom;
                Ok(Output::send(Pdu::Random(self.local_nonce)))
            }
            (Role::Responder, State::WaitConfirm, Pdu::Confirm(c)) => {
                self.peer_confirm = *c;
                if self.passkey.is_some() {
                    self.send_passkey_confirm(engines, rng)
                } else {
                    self.state = State::NeedPasskey;
                    Ok(Output::default())
                }
            }
            (Role::Initiator, State::WaitRandom, Pdu::Random(nb)) => {
                self.peer_nonce = *nb;
                match self.method {
                    Method::JustWorks | Method::NumericComparison => {
                        let cb = f4(engines, &self.peer_x, &self.local_x, nb, 0)?;
                        if !ct_eq_bytes(&cb, &self.peer_confirm) {
                            return Err(PairingError::ConfirmFailed);
                        }
                        if self.method == Method::JustWorks {
                            return self.send_initiator_check(engines);
                        }
                        let v = g2(engines, &self.local_x, &self.peer_x, &self.local_nonce, nb)?;
                        self.state = State::NeedUserConfirm;
                        Ok(Output::default()
                            .with_event(Some(Event::CompareNumber(numeric_comparison_value(v)))))
                    }
                    Method::PasskeyEntry { .. } => {
                        let z = self.passkey_bit()?;
                        let cb = f4(engines, &self.peer_x, &self.local_x, nb, z)?;
                        if !ct_eq_bytes(&cb, &self.peer_confirm) {
                            return Err(PairingError::ConfirmFailed);
                        }
                        self.round += 1;
                        if self.round < 20 {
                            self.send_passkey_confirm(engines, rng)
                        } else {
                            self.send_initiator_check(engines)
                        }
                    }
                    Method::OutOfBand => self.send_initiator_check(engines),
                }
            }
            (Role::Responder, State::WaitRandom, Pdu::Random(na)) => {
                self.peer_nonce = *na;
                let reply = Output::send(Pdu::Random(self.local_nonce));
                match self.method {
                    Method::JustWorks => {
                        self.state = State::WaitCheck;
                        Ok(reply)
                    }
                    Method::NumericComparison => {
                        let v = g2(engines, &self.peer_x, &self.local_x, na, &self.local_nonce)?;
                        self.state = State::WaitCheck;
                        Ok(reply
                            .with_event(Some(Event::CompareNumber(numeric_comparison_value(v)))))
                    }
                    Method::PasskeyEntry { .. } => {
                        let z = self.passkey_bit()?;
                        let ca = f4(engines, &self.peer_x, &self.local_x, na, z)?;
                        if !ct_eq_bytes(&ca, &self.peer_confirm) {
                            return Err(PairingError::ConfirmFailed);
                        }
                        self.round += 1;
                        self.state = if self.round < 20 {
                            State::WaitConfirm
                        } else {
                            State::WaitCheck
                        };
                        Ok(reply)
                    }
                    Method::OutOfBand => {
                        self.state = State::WaitCheck;
                        Ok(reply)
                    }
                }
            }
            (Role::Initiator, State::WaitCheck, Pdu::DhKeyCheck(eb)) => {
                let (_, expected, ltk) = self.checks(engines)?;
                if !ct_eq_bytes(&expected, eb) {
                    return Err(PairingError::DhKeyCheckFailed);
                }
                let event = self.outcome(ltk);
                Ok(Output::default().with_event(Some(event)))
            }
            (Role::Responder, State::WaitCheck, Pdu::DhKeyCheck(ea)) => {
                if self.method == Method::NumericComparison && !self.user_confirmed {
                    if self.pending_check.is_some() {
                        return Err(PairingError::Unexpected);
                    }
                    self.pending_check = Some(*ea);
                    return Ok(Output::default());
                }
                self.finish_responder(engines, ea)
            }
            _ => Err(PairingError::Unexpected),
        }
    }
}

impl<K: KeyAgreement<P256>> Drop for Pairing<K> {
    /// Wipes the values that are secret until revealed (our nonce and out-of-band random, the
    /// passkey); the ephemeral secret and the DHKey wipe themselves.
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.local_nonce.zeroize();
        self.local_oob_r.zeroize();
        self.passkey.zeroize();
    }
}

fn random_passkey<R: Rng + ?Sized>(rng: &mut R) -> Result<u32, PairingError> {
    // Rejection sampling over 20 bits: uniform over 0..=999999. Each draw succeeds with
    // probability 0.95; 64 failures in a row mean a broken generator.
    for _ in 0..64 {
        let mut bytes = [0u8; 4];
        rng.fill_bytes(&mut bytes)?;
        let v = u32::from_le_bytes(bytes) & 0x000f_ffff;
        if v < 1_000_000 {
            return Ok(v);
        }
    }
    Err(PairingError::Engine(Error::Hardware))
}
