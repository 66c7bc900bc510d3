//! [`Pairing`]: the state machine of one side, its constructor and the calls an application
//! makes (the protocol steps are in [`steps`], the DHKey checks in [`checks`]).

mod checks;
mod steps;

use super::{
    AUTH_MITM, AUTH_SC, Features, KEY_SIZE, Method, Options, Output, PairingError, Pdu, Role,
};
use crate::CmacEngines;
use crate::ble::Address7;
use crate::ble::toolbox::f4;
use bulwark_api::{
    Error, Rng, SecretBytes,
    kex::{KeyAgreement, P256},
};

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
        let result = self.step(pdu, kex, engines, rng);
        result.map_err(|e| self.fail(e))
    }

    /// The user typed the passkey (passkey entry, after [`Event::EnterPasskey`](super::Event::EnterPasskey)).
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

    /// The user compared the numbers ([`Event::CompareNumber`](super::Event::CompareNumber)): `accepted` if they match.
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
