//! The protocol steps: the feature exchange, the public keys, and authentication stage 1
//! (the confirm values of each association model).

use super::{Pairing, State, random_passkey};
use crate::CmacEngines;
use crate::ble::pairing::{
    AUTH_SC, DEBUG_PUBLIC_X, Event, Features, KEY_SIZE, Method, Output, PairingError, Pdu, Role,
    select_method,
};
use crate::ble::toolbox::{f4, g2, numeric_comparison_value};
use bulwark_api::{
    Rng, SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
    secret::ct_eq_bytes,
};

impl<K: KeyAgreement<P256>> Pairing<K> {
    pub(super) fn features_in_order(&self) -> Result<(Features, Features), PairingError> {
        let peer = self.peer.ok_or(PairingError::Unexpected)?;
        Ok(match self.role {
            Role::Initiator => (self.local, peer),
            Role::Responder => (peer, self.local),
        })
    }

    pub(super) fn check_features<R: Rng + ?Sized>(
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

    pub(super) fn accept_public_key<E: CmacEngines + ?Sized>(
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

    pub(super) fn passkey_bit(&self) -> Result<u8, PairingError> {
        let passkey = self.passkey.ok_or(PairingError::Unexpected)?;
        Ok(0x80 | ((passkey >> self.round) & 1) as u8)
    }

    /// Compares the peer's confirm value with `f4(PKpeer, PKlocal, peer_nonce, z)` (its own
    /// key first), in constant time.
    fn check_peer_confirm<E: CmacEngines + ?Sized>(
        &self,
        engines: &mut E,
        peer_nonce: &[u8; 16],
        z: u8,
    ) -> Result<(), PairingError> {
        let expected = f4(engines, &self.peer_x, &self.local_x, peer_nonce, z)?;
        if !ct_eq_bytes(&expected, &self.peer_confirm) {
            return Err(PairingError::ConfirmFailed);
        }
        Ok(())
    }

    /// Checks the peer's confirm value of this passkey round and moves to the next round.
    /// Returns whether rounds remain (20 in all, one per passkey bit).
    fn passkey_round<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
        peer_nonce: &[u8; 16],
    ) -> Result<bool, PairingError> {
        let z = self.passkey_bit()?;
        self.check_peer_confirm(engines, peer_nonce, z)?;
        self.round += 1;
        Ok(self.round < 20)
    }

    /// The passkey round's confirm: initiator `f4(PKax, PKbx, Nai, rai)`, responder
    /// `f4(PKbx, PKax, Nbi, rbi)`; both are "own key first".
    pub(super) fn send_passkey_confirm<E: CmacEngines + ?Sized, R: Rng + ?Sized>(
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

    /// [`Pairing::receive`] once the machine is known to be running (the PDU first, then what
    /// handling it takes); its errors are not yet recorded as the failure.
    pub(super) fn step<E: CmacEngines + ?Sized, R: Rng + ?Sized>(
        &mut self,
        pdu: &Pdu,
        kex: &mut K,
        engines: &mut E,
        rng: &mut R,
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
                        self.check_peer_confirm(engines, nb, 0)?;
                        if self.method == Method::JustWorks {
                            return self.send_initiator_check(engines);
                        }
                        let v = g2(engines, &self.local_x, &self.peer_x, &self.local_nonce, nb)?;
                        self.state = State::NeedUserConfirm;
                        Ok(Output::default()
                            .with_event(Some(Event::CompareNumber(numeric_comparison_value(v)))))
                    }
                    Method::PasskeyEntry { .. } => {
                        if self.passkey_round(engines, nb)? {
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
                        self.state = if self.passkey_round(engines, na)? {
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
                let (_, event) = self.verify_check(engines, eb)?;
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
