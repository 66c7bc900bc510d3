//! [`Context`]: an OSCORE security context that protects and unprotects whole CoAP over UDP
//! messages (RFC 8613 sections 5 to 8).

mod ids;
mod wire;

pub use ids::RequestId;

use crate::aad::aad;
use crate::message::{self, MessageType, UdpMessage, code, number};
use crate::option::{MAX_OPTION_LEN, OscoreOption};
use crate::replay::{Check, ReplayWindow};
use crate::sequence::{SenderSequence, SequenceStore};
use crate::{ECHO_LEN, MAX_ID_CONTEXT_LEN, OscoreError};
use bulwark_api::kdf::HkdfSha256;
use bulwark_api::{Error, Rng, ccm::Ccm};
use bulwark_psk::oscore::{self, KEY_LEN, MAX_ID_LEN, NONCE_LEN, OscoreKeys, OscoreParams};
use core::fmt;
use ids::{Id, Piv};
use subtle::ConstantTimeEq;

/// Whether an unprotected request may be acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Verified and not a replay: process it.
    Fresh,
    /// Verified, but the replay window is unknown (after a reboot) and the request carries no
    /// valid Echo: do not act on it; answer with [`Context::echo_response`] (RFC 8613
    /// Appendix B.1.2).
    EchoRequired,
}

/// An OSCORE security context for AES-CCM-16-64-128 (RFC 8613 section 3): the two AEAD
/// engines, the Common IV, the IDs, the sender sequence and the replay window.
///
/// `C` is any [`Ccm`] engine, built from the derived keys by the closure given to
/// [`Context::new`]; `S` persists the sender sequence number ([`SequenceStore`]).
pub struct Context<C, S> {
    sender: C,
    recipient: C,
    common_iv: [u8; NONCE_LEN],
    sender_id: Id,
    recipient_id: Id,
    id_context: Option<([u8; MAX_ID_CONTEXT_LEN], u8)>,
    sequence: SenderSequence<S>,
    replay: ReplayWindow,
    echo: Option<[u8; ECHO_LEN]>,
}

impl<C, S> fmt::Debug for Context<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("sender_id", &self.sender_id.as_slice())
            .field("recipient_id", &self.recipient_id.as_slice())
            .field("id_context", &self.id_context())
            .field("replay", &self.replay)
            .finish_non_exhaustive()
    }
}

impl<C: Ccm, S: SequenceStore> Context<C, S> {
    /// Derives the context (RFC 8613 section 3.2) and builds its two AEAD engines.
    ///
    /// - `hkdf`: the HKDF-SHA256 backend.
    /// - `params`: Master Secret (at least 16 bytes), Master Salt, the IDs and the ID Context
    ///   (at most [`MAX_ID_CONTEXT_LEN`] bytes here); see [`OscoreParams`].
    /// - `engine`: builds a CCM engine from a 16-byte key (e.g. `|k| provider.ccm(k)`); the
    ///   derived keys are wiped when this returns.
    /// - `sequence`: the sender sequence, resumed from its store.
    /// - `replay`: [`ReplayWindow::Empty`] for a new context, [`ReplayWindow::Unknown`] for a
    ///   context whose replay state was lost (a server after a reboot), or a persisted state.
    ///
    /// Returns [`Error::InvalidInput`] for invalid parameters, or the backend's error.
    pub fn new<H, F>(
        hkdf: &mut H,
        params: &OscoreParams<'_>,
        mut engine: F,
        sequence: SenderSequence<S>,
        replay: ReplayWindow,
    ) -> Result<Self, Error>
    where
        H: HkdfSha256 + ?Sized,
        F: FnMut(&[u8; KEY_LEN]) -> Result<C, Error>,
    {
        let id_context = match params.id_context {
            None => None,
            Some(c) => Some(ids::padded(c, Error::InvalidInput)?),
        };
        let sender_id = Id::new(params.sender_id).map_err(|_| Error::InvalidInput)?;
        let recipient_id = Id::new(params.recipient_id).map_err(|_| Error::InvalidInput)?;
        let mut keys = OscoreKeys::zeroed();
        oscore::derive_context(hkdf, params, &mut keys)?;
        let sender = engine(keys.sender_key.expose_secret())?;
        let recipient = engine(keys.recipient_key.expose_secret())?;
        Ok(Self {
            sender,
            recipient,
            common_iv: keys.common_iv,
            sender_id,
            recipient_id,
            id_context,
            sequence,
            replay,
            echo: None,
        })
    }
}

impl<C, S> Context<C, S> {
    /// This endpoint's Sender ID.
    pub fn sender_id(&self) -> &[u8] {
        self.sender_id.as_slice()
    }

    /// The peer's Sender ID.
    pub fn recipient_id(&self) -> &[u8] {
        self.recipient_id.as_slice()
    }

    /// The ID Context, if any.
    pub fn id_context(&self) -> Option<&[u8]> {
        self.id_context
            .as_ref()
            .map(|(b, l)| b.get(..usize::from(*l)).unwrap_or(&[]))
    }

    /// The sender sequence.
    pub fn sequence(&self) -> &SenderSequence<S> {
        &self.sequence
    }

    /// The replay window (to persist it at an orderly shutdown).
    pub fn replay_window(&self) -> ReplayWindow {
        self.replay
    }
}

impl<C: Ccm, S: SequenceStore> Context<C, S> {
    /// Protects a request (RFC 8613 section 8.1).
    ///
    /// - `plain`: the whole unprotected CoAP over UDP request. Observe and Proxy-Uri are not
    ///   supported.
    /// - `echo`: an Echo value to add as an inner option (the client's answer to a 4.01 with
    ///   Echo, RFC 8613 Appendix B.1.2); it replaces an Echo option in `plain`.
    /// - `out`: receives the protected request: same header and token, code POST, the class U
    ///   options and the OSCORE option (Partial IV, kid, and the kid context if the context
    ///   has one), and the ciphertext as payload.
    ///
    /// A sequence number is taken (and persisted first if its window is used up) before
    /// anything is encrypted. Returns the length written and the [`RequestId`] to verify the
    /// response with, or an error ([`OscoreError::Unsupported`] for a response code, Observe or
    /// Proxy-Uri; [`OscoreError::Malformed`]; [`OscoreError::BufferTooSmall`];
    /// [`OscoreError::Store`]; [`OscoreError::SequenceExhausted`]).
    pub fn protect_request(
        &mut self,
        plain: &[u8],
        echo: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<(usize, RequestId), OscoreError> {
        let msg = UdpMessage::parse(plain)?;
        if !code::is_request(msg.code) {
            return Err(OscoreError::Unsupported);
        }
        wire::check_classes(&msg)?;
        let piv = Piv::from_sequence(self.sequence.next_number()?)?;
        let request = RequestId {
            kid: self.sender_id,
            piv,
        };
        let len = self.seal_message(&request, &msg, Some(&piv), echo, out)?;
        Ok((len, request))
    }

    /// Verifies and decrypts the response to `request` (RFC 8613 section 8.4).
    ///
    /// - `protected`: the whole received message; its payload is decrypted in place (its
    ///   contents are unspecified afterwards).
    /// - `out`: receives the unprotected response: same header and token, the inner code, the
    ///   class U options merged with the inner ones, and the plaintext payload.
    ///
    /// Returns [`OscoreError::NotProtected`] if the message has no OSCORE option (an error
    /// response from a server that could not unprotect the request: its code is the outer
    /// code), [`OscoreError::Verification`] if it does not verify,
    /// [`OscoreError::Malformed`], [`OscoreError::BufferTooSmall`]. On every error `out` is
    /// zeroed: a response that verified but then failed (an `out` too short, a malformed inner
    /// message) leaves none of its plaintext there.
    pub fn unprotect_response(
        &mut self,
        request: &RequestId,
        protected: &mut [u8],
        out: &mut [u8],
    ) -> Result<usize, OscoreError> {
        let result = self.unprotect_response_into(request, protected, out);
        if result.is_err() {
            out.fill(0);
        }
        result
    }

    fn unprotect_response_into(
        &mut self,
        request: &RequestId,
        protected: &mut [u8],
        out: &mut [u8],
    ) -> Result<usize, OscoreError> {
        let msg = UdpMessage::parse(protected)?;
        let value = msg
            .option(number::OSCORE)?
            .ok_or(OscoreError::NotProtected)?;
        let opt = OscoreOption::decode(value)?;
        let nonce = if opt.partial_iv.is_empty() {
            self.nonce(request.kid(), request.partial_iv())?
        } else {
            self.nonce(self.recipient_id.as_slice(), opt.partial_iv)?
        };
        let (len, inner) = self.open_message(request, &nonce, protected, out)?;
        if code::is_request(inner.code) {
            return Err(OscoreError::Malformed);
        }
        Ok(len)
    }

    /// Verifies and decrypts a request (RFC 8613 section 8.2), and checks it for replay.
    ///
    /// - `protected`: the whole received request; its payload is decrypted in place.
    /// - `out`: receives the unprotected request (same header and token, inner code, merged
    ///   options, plaintext payload).
    ///
    /// Returns the length written, the [`RequestId`] to protect the response with, and the
    /// [`Freshness`]: with [`Freshness::EchoRequired`] the request verified but must not be
    /// acted on. Errors: [`OscoreError::NotProtected`], [`OscoreError::Malformed`] (answer
    /// 4.02), [`OscoreError::UnknownContext`] (4.01), [`OscoreError::Replay`] (4.01),
    /// [`OscoreError::Verification`] (4.00), see [`OscoreError::response_code`]. A request that
    /// fails changes no state, and on every error `out` is zeroed (a request that verified
    /// but then failed, e.g. for an `out` too short, leaves none of its plaintext there).
    pub fn unprotect_request(
        &mut self,
        protected: &mut [u8],
        out: &mut [u8],
    ) -> Result<(usize, RequestId, Freshness), OscoreError> {
        let result = self.unprotect_request_into(protected, out);
        if result.is_err() {
            out.fill(0);
        }
        result
    }

    fn unprotect_request_into(
        &mut self,
        protected: &mut [u8],
        out: &mut [u8],
    ) -> Result<(usize, RequestId, Freshness), OscoreError> {
        let msg = UdpMessage::parse(protected)?;
        if !code::is_request(msg.code) {
            return Err(OscoreError::Unsupported);
        }
        let value = msg
            .option(number::OSCORE)?
            .ok_or(OscoreError::NotProtected)?;
        let opt = OscoreOption::decode(value)?;
        let kid = opt.kid.ok_or(OscoreError::Malformed)?;
        let piv = Piv::new(opt.partial_iv)?;
        if kid.len() > MAX_ID_LEN
            || kid != self.recipient_id.as_slice()
            || opt
                .kid_context
                .is_some_and(|c| Some(c) != self.id_context())
        {
            return Err(OscoreError::UnknownContext);
        }
        let request = RequestId {
            kid: Id::new(kid)?,
            piv,
        };
        let check = self.replay.check(piv.value());
        if check == Check::Replay {
            return Err(OscoreError::Replay);
        }
        let nonce = self.nonce(kid, piv.as_slice())?;
        let (len, inner) = self.open_message(&request, &nonce, protected, out)?;
        if !code::is_request(inner.code) {
            return Err(OscoreError::Malformed);
        }
        let freshness = if check == Check::Unknown {
            let echo = inner.option(number::ECHO)?;
            match (echo, self.echo) {
                (Some(got), Some(sent))
                    if got.len() == ECHO_LEN && bool::from(got.ct_eq(&sent[..])) =>
                {
                    self.echo = None;
                    Freshness::Fresh
                }
                _ => Freshness::EchoRequired,
            }
        } else {
            Freshness::Fresh
        };
        if freshness == Freshness::Fresh {
            self.replay.accept(piv.value());
        }
        Ok((len, request, freshness))
    }

    /// Protects the response to `request` (RFC 8613 section 8.3).
    ///
    /// - `plain`: the whole unprotected response (a 2.xx to 5.xx code).
    /// - `own_partial_iv`: use a fresh sequence number of this endpoint for the nonce and send
    ///   it as Partial IV (required for the Echo challenge, Appendix B.1.2); otherwise the
    ///   request's nonce is reused and the OSCORE option is empty.
    /// - `out`: receives the protected response (code 2.04 Changed outside).
    ///
    /// A response must be protected at most once per request unless `own_partial_iv` is set:
    /// two different responses under the request's nonce would reuse it. Errors as
    /// [`Context::protect_request`].
    pub fn protect_response(
        &mut self,
        request: &RequestId,
        plain: &[u8],
        own_partial_iv: bool,
        out: &mut [u8],
    ) -> Result<usize, OscoreError> {
        self.protect_response_with(request, plain, None, own_partial_iv, out)
    }

    /// Builds the protected 4.01 Unauthorized with a fresh Echo value that a request with
    /// [`Freshness::EchoRequired`] must be answered with (RFC 8613 Appendix B.1.2, RFC 9175).
    ///
    /// - `rng`: draws the [`ECHO_LEN`]-byte Echo value, remembered until a request returns it.
    /// - `request`, `plain_request`: the request as returned by [`Context::unprotect_request`]
    ///   (its type, message ID and token are answered).
    /// - `out`: receives the protected response, which carries this endpoint's own Partial IV:
    ///   an ACK with the request's message ID for a confirmable request, otherwise a NON that
    ///   reuses it too (give it a fresh message ID, bytes 2 and 3, if the transport needs one).
    pub fn echo_response<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
        request: &RequestId,
        plain_request: &[u8],
        out: &mut [u8],
    ) -> Result<usize, OscoreError> {
        let req = UdpMessage::parse(plain_request)?;
        let mut echo = [0u8; ECHO_LEN];
        rng.fill_bytes(&mut echo).map_err(OscoreError::Crypto)?;
        self.echo = Some(echo);
        let kind = match req.kind {
            MessageType::Confirmable => MessageType::Acknowledgement,
            _ => MessageType::NonConfirmable,
        };
        let mut plain = [0u8; 4 + 8];
        let plain_len = message::write_header(
            &mut plain,
            kind,
            code::UNAUTHORIZED,
            req.message_id,
            req.token,
        )?;
        self.protect_response_with(
            request,
            plain.get(..plain_len).unwrap_or(&[]),
            Some(&echo),
            true,
            out,
        )
    }

    fn protect_response_with(
        &mut self,
        request: &RequestId,
        plain: &[u8],
        echo: Option<&[u8]>,
        own_partial_iv: bool,
        out: &mut [u8],
    ) -> Result<usize, OscoreError> {
        let msg = UdpMessage::parse(plain)?;
        if !code::is_response(msg.code) {
            return Err(OscoreError::Unsupported);
        }
        wire::check_classes(&msg)?;
        let own = if own_partial_iv {
            Some(Piv::from_sequence(self.sequence.next_number()?)?)
        } else {
            None
        };
        self.seal_message(request, &msg, own.as_ref(), echo, out)
    }

    /// Seals `msg` with the sender key (RFC 8613 sections 5 and 6): a request is sent as POST
    /// with `own` as Partial IV, the kid and the kid context (if any); a response as 2.04
    /// Changed with `own` as Partial IV, or with an empty OSCORE option and the request's
    /// nonce when `own` is `None`. The AAD is always the request's.
    fn seal_message(
        &mut self,
        request: &RequestId,
        msg: &UdpMessage<'_>,
        own: Option<&Piv>,
        echo: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<usize, OscoreError> {
        let partial_iv = own.map_or(&[][..], Piv::as_slice);
        let (outer_code, option) = if code::is_request(msg.code) {
            let option = OscoreOption {
                partial_iv,
                kid_context: self.id_context(),
                kid: Some(self.sender_id.as_slice()),
            };
            (code::POST, option)
        } else {
            let option = OscoreOption {
                partial_iv,
                ..OscoreOption::default()
            };
            (code::CHANGED, option)
        };
        let mut value = [0u8; MAX_OPTION_LEN];
        let value_len = option.encode(&mut value)?;
        let nonce = match own {
            Some(piv) => self.nonce(self.sender_id.as_slice(), piv.as_slice())?,
            None => self.nonce(request.kid(), request.partial_iv())?,
        };
        let (a, a_len) = aad(request.kid(), request.partial_iv());
        wire::seal(
            &mut self.sender,
            msg,
            outer_code,
            value.get(..value_len).unwrap_or(&[]),
            echo,
            &nonce,
            a.get(..a_len).unwrap_or(&[]),
            out,
        )
    }

    /// Opens `protected` with the recipient key under `nonce` into `out` and returns the
    /// length and the inner message (RFC 8613 sections 8.2 and 8.4). The AAD is always the
    /// request's.
    fn open_message<'o>(
        &mut self,
        request: &RequestId,
        nonce: &[u8; NONCE_LEN],
        protected: &mut [u8],
        out: &'o mut [u8],
    ) -> Result<(usize, UdpMessage<'o>), OscoreError> {
        let (a, a_len) = aad(request.kid(), request.partial_iv());
        let len = wire::open(
            &mut self.recipient,
            protected,
            nonce,
            a.get(..a_len).unwrap_or(&[]),
            out,
        )?;
        let out: &'o [u8] = out;
        Ok((len, UdpMessage::parse(out.get(..len).unwrap_or(&[]))?))
    }

    fn nonce(&self, id: &[u8], piv: &[u8]) -> Result<[u8; NONCE_LEN], OscoreError> {
        oscore::nonce(&self.common_iv, id, piv).map_err(|_| OscoreError::Malformed)
    }
}
