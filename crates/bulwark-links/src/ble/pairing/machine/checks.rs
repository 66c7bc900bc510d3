//! Authentication stage 2 (Core Specification Vol 3 Part H 2.3.5.6.5): the DHKey checks
//! Ea and Eb (f6) and the long-term key (f5).

use super::{Pairing, State};
use crate::CmacEngines;
use crate::ble::Address7;
use crate::ble::pairing::{Event, KEY_SIZE, Method, Outcome, Output, PairingError, Pdu, Role};
use crate::ble::toolbox::{F5Keys, f5, f6};
use bulwark_api::{
    SecretBytes,
    kex::{KeyAgreement, P256},
    secret::ct_eq_bytes,
};

impl<K: KeyAgreement<P256>> Pairing<K> {
    /// (ra, rb) for f6.
    pub(super) fn r_values(&self) -> Result<([u8; 16], [u8; 16]), PairingError> {
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

    pub(super) fn keys<E: CmacEngines + ?Sized>(
        &self,
        engines: &mut E,
    ) -> Result<F5Keys, PairingError> {
        let dhkey = self.dhkey.as_ref().ok_or(PairingError::Unexpected)?;
        let (na, nb, a, b) = self.ordered();
        Ok(f5(engines, dhkey, na, nb, a, b)?)
    }

    /// (Na, Nb, A, B).
    pub(super) fn ordered(&self) -> (&[u8; 16], &[u8; 16], &Address7, &Address7) {
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
    pub(super) fn checks<E: CmacEngines + ?Sized>(
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

    pub(super) fn send_initiator_check<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
    ) -> Result<Output, PairingError> {
        let (ea, _, _) = self.checks(engines)?;
        self.state = State::WaitCheck;
        Ok(Output::send(Pdu::DhKeyCheck(ea)))
    }

    pub(super) fn outcome(&mut self, ltk: SecretBytes<16>) -> Event {
        self.state = State::Done;
        self.dhkey = None;
        Event::Complete(Outcome {
            ltk,
            authenticated: self.method.authenticated(),
            method: self.method,
            key_size: KEY_SIZE,
        })
    }

    pub(super) fn finish_responder<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
        received: &[u8; 16],
    ) -> Result<Output, PairingError> {
        let (eb, event) = self.verify_check(engines, received)?;
        Ok(Output::send(Pdu::DhKeyCheck(eb)).with_event(Some(event)))
    }

    /// Compares the peer's DHKey check (Eb for the initiator, Ea for the responder) with the
    /// expected one in constant time and completes the pairing. Returns our own check value
    /// and the completion event.
    pub(super) fn verify_check<E: CmacEngines + ?Sized>(
        &mut self,
        engines: &mut E,
        received: &[u8; 16],
    ) -> Result<([u8; 16], Event), PairingError> {
        let (ea, eb, ltk) = self.checks(engines)?;
        let (own, expected) = match self.role {
            Role::Initiator => (ea, eb),
            Role::Responder => (eb, ea),
        };
        if !ct_eq_bytes(&expected, received) {
            return Err(PairingError::DhKeyCheckFailed);
        }
        Ok((own, self.outcome(ltk)))
    }
}
