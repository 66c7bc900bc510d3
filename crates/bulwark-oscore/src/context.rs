//! [`Context`]: an OSCORE security context that protects and unprotects whole CoAP over UDP
//! messages (RFC 8613 sections 5 to 8).

use crate::aad::aad;
use crate::message::{self, MessageType, OptionClass, UdpMessage, code, number, option_class};
use crate::option::{MAX_OPTION_LEN, OscoreOption};
use crate::replay::{Check, ReplayWindow};
use crate::sequence::{SenderSequence, SequenceStore};
use crate::{ECHO_LEN, MAX_ID_CONTEXT_LEN, OscoreError, TAG_LEN};
use bulwark_api::kdf::HkdfSha256;
use bulwark_api::{Error, Rng, ccm::Ccm};
use bulwark_psk::oscore::{
    self, KEY_LEN, MAX_ID_LEN, MAX_PARTIAL_IV_LEN, NONCE_LEN, OscoreKeys, OscoreParams,
};
use coap_message::MinimalWritableMessage;
use coap_message_implementations::inmemory::MessageMut;
use core::fmt;
use subtle::ConstantTimeEq;

/// A Sender ID, Recipient ID or kid (0 to 7 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Id {
    buf: [u8; MAX_ID_LEN],
    len: u8,
}

impl Id {
    fn new(bytes: &[u8]) -> Result<Self, OscoreError> {
        let mut buf = [0; MAX_ID_LEN];
        buf.get_mut(..bytes.len())
            .ok_or(OscoreError::UnknownContext)?
            .copy_from_slice(bytes);
        Ok(Self {
            buf,
            len: bytes.len() as u8,
        })
    }

    fn as_slice(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// A Partial IV as sent (1 to 5 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Piv {
    buf: [u8; MAX_PARTIAL_IV_LEN],
    len: u8,
}

impl Piv {
    fn new(bytes: &[u8]) -> Result<Self, OscoreError> {
        if bytes.is_empty() {
            return Err(OscoreError::Malformed);
        }
        let mut buf = [0; MAX_PARTIAL_IV_LEN];
        buf.get_mut(..bytes.len())
            .ok_or(OscoreError::Malformed)?
            .copy_from_slice(bytes);
        Ok(Self {
            buf,
            len: bytes.len() as u8,
        })
    }

    fn from_sequence(sequence: u64) -> Result<Self, OscoreError> {
        let (buf, len) =
            oscore::partial_iv(sequence).map_err(|_| OscoreError::SequenceExhausted)?;
        Ok(Self {
            buf,
            len: len as u8,
        })
    }

    fn as_slice(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    fn value(&self) -> u64 {
        self.as_slice()
            .iter()
            .fold(0, |acc, &b| acc << 8 | u64::from(b))
    }
}

/// What binds a response to its request: the request's kid and Partial IV (RFC 8613 section
/// 7.3). Public values.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestId {
    kid: Id,
    piv: Piv,
}

impl RequestId {
    /// A request identity from its kid (at most 7 bytes) and Partial IV as sent (1 to 5
    /// bytes), e.g. restored from storage. Returns [`OscoreError::Malformed`] otherwise.
    pub fn new(kid: &[u8], partial_iv: &[u8]) -> Result<Self, OscoreError> {
        Ok(Self {
            kid: Id::new(kid).map_err(|_| OscoreError::Malformed)?,
            piv: Piv::new(partial_iv)?,
        })
    }

    /// The request sender's ID.
    pub fn kid(&self) -> &[u8] {
        self.kid.as_slice()
    }

    /// The request's Partial IV, as sent.
    pub fn partial_iv(&self) -> &[u8] {
        self.piv.as_slice()
    }

    /// The request's sequence number.
    pub fn sequence(&self) -> u64 {
        self.piv.value()
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestId")
            .field("kid", &self.kid())
            .field("partial_iv", &self.partial_iv())
            .finish()
    }
}

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
            Some(c) => {
                let mut buf = [0; MAX_ID_CONTEXT_LEN];
                buf.get_mut(..c.len())
                    .ok_or(Error::InvalidInput)?
                    .copy_from_slice(c);
                Some((buf, c.len() as u8))
            }
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
        check_classes(&msg)?;
        let piv = Piv::from_sequence(self.sequence.next_number()?)?;
        let request = RequestId {
            kid: self.sender_id,
            piv,
        };
        let mut opt = [0u8; MAX_OPTION_LEN];
        let opt_len = OscoreOption {
            partial_iv: piv.as_slice(),
            kid_context: self.id_context(),
            kid: Some(self.sender_id.as_slice()),
        }
        .encode(&mut opt)?;
        let nonce = self.nonce(self.sender_id.as_slice(), piv.as_slice())?;
        let (a, a_len) = aad(request.kid(), request.partial_iv());
        let len = seal(
            &mut self.sender,
            &msg,
            code::POST,
            opt.get(..opt_len).unwrap_or(&[]),
            echo,
            &nonce,
            a.get(..a_len).unwrap_or(&[]),
            out,
        )?;
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
        let (a, a_len) = aad(request.kid(), request.partial_iv());
        let len = open(
            &mut self.recipient,
            protected,
            &nonce,
            a.get(..a_len).unwrap_or(&[]),
            out,
        )?;
        let inner = UdpMessage::parse(out.get(..len).unwrap_or(&[]))?;
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
        let (a, a_len) = aad(request.kid(), request.partial_iv());
        let len = open(
            &mut self.recipient,
            protected,
            &nonce,
            a.get(..a_len).unwrap_or(&[]),
            out,
        )?;
        let inner = UdpMessage::parse(out.get(..len).unwrap_or(&[]))?;
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
        check_classes(&msg)?;
        let mut opt = [0u8; MAX_OPTION_LEN];
        let (nonce, opt_len) = if own_partial_iv {
            let piv = Piv::from_sequence(self.sequence.next_number()?)?;
            let nonce = self.nonce(self.sender_id.as_slice(), piv.as_slice())?;
            let opt_len = OscoreOption {
                partial_iv: piv.as_slice(),
                ..OscoreOption::default()
            }
            .encode(&mut opt)?;
            (nonce, opt_len)
        } else {
            (self.nonce(request.kid(), request.partial_iv())?, 0)
        };
        let (a, a_len) = aad(request.kid(), request.partial_iv());
        seal(
            &mut self.sender,
            &msg,
            code::CHANGED,
            opt.get(..opt_len).unwrap_or(&[]),
            echo,
            &nonce,
            a.get(..a_len).unwrap_or(&[]),
            out,
        )
    }

    fn nonce(&self, id: &[u8], piv: &[u8]) -> Result<[u8; NONCE_LEN], OscoreError> {
        oscore::nonce(&self.common_iv, id, piv).map_err(|_| OscoreError::Malformed)
    }
}

/// Refuses what this crate does not implement, and malformed options, before any sequence
/// number is spent.
fn check_classes(msg: &UdpMessage<'_>) -> Result<(), OscoreError> {
    for item in msg.options() {
        let (n, _) = item?;
        if n == number::OSCORE {
            return Err(OscoreError::Malformed);
        }
        if option_class(n) == OptionClass::Unsupported {
            return Err(OscoreError::Unsupported);
        }
    }
    msg.payload().map(|_| ())
}

/// Writes the protected form of `msg` into `out`: header and token with `outer_code`, the
/// class U options with the OSCORE option `oscore_value`, and the sealed plaintext (inner code,
/// class E options with `echo` merged in, payload).
#[allow(clippy::too_many_arguments)]
fn seal<C: Ccm>(
    ccm: &mut C,
    msg: &UdpMessage<'_>,
    outer_code: u8,
    oscore_value: &[u8],
    echo: Option<&[u8]>,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    out: &mut [u8],
) -> Result<usize, OscoreError> {
    let head = message::write_header(out, msg.kind, outer_code, msg.message_id, msg.token)?;
    let rest = out.get_mut(head..).ok_or(OscoreError::BufferTooSmall)?;
    // Outer options: class U, and the OSCORE option at its place in the order.
    let mut outer_code_byte = outer_code;
    let mut outer = MessageMut::new_in_slice(&mut outer_code_byte, rest);
    let mut oscore_done = false;
    for item in msg.options() {
        let (n, v) = item?;
        if option_class(n) != OptionClass::Outer {
            continue;
        }
        if !oscore_done && n > number::OSCORE {
            outer.add_option(number::OSCORE, oscore_value)?;
            oscore_done = true;
        }
        outer.add_option(n, v)?;
    }
    if !oscore_done {
        outer.add_option(number::OSCORE, oscore_value)?;
    }
    let options_len = outer.finish().0;
    let body = rest
        .get_mut(options_len..)
        .ok_or(OscoreError::BufferTooSmall)?;
    let (marker, body) = body.split_first_mut().ok_or(OscoreError::BufferTooSmall)?;
    *marker = 0xff;
    let room = body
        .len()
        .checked_sub(TAG_LEN)
        .ok_or(OscoreError::BufferTooSmall)?;
    let (pt_area, _) = body.split_at_mut(room);
    let (inner_code, inner_tail) = pt_area
        .split_first_mut()
        .ok_or(OscoreError::BufferTooSmall)?;
    *inner_code = msg.code;
    let mut inner = MessageMut::new_in_slice(inner_code, inner_tail);
    // A given Echo value replaces the message's Echo options; without one they are kept.
    let replace_echo = echo.is_some();
    let mut echo = echo;
    for item in msg.options() {
        let (n, v) = item?;
        if option_class(n) != OptionClass::Inner {
            continue;
        }
        if n >= number::ECHO {
            if let Some(e) = echo.take() {
                inner.add_option(number::ECHO, e)?;
            }
            if n == number::ECHO && replace_echo {
                continue;
            }
        }
        inner.add_option(n, v)?;
    }
    if let Some(e) = echo {
        inner.add_option(number::ECHO, e)?;
    }
    inner.set_payload(msg.payload()?)?;
    let pt_len = 1 + inner.finish().0;
    let (pt, tag_area) = body.split_at_mut(pt_len);
    let tag = tag_area
        .get_mut(..TAG_LEN)
        .ok_or(OscoreError::BufferTooSmall)?;
    ccm.seal_detached(nonce, &[aad], pt, tag)
        .map_err(OscoreError::Crypto)?;
    Ok(head + options_len + 1 + pt_len + TAG_LEN)
}

/// Decrypts the payload of `protected` in place and writes the unprotected message into
/// `out`: header and token with the inner code, the outer class U options (without OSCORE)
/// merged in order with the inner options, and the inner payload.
fn open<C: Ccm>(
    ccm: &mut C,
    protected: &mut [u8],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    out: &mut [u8],
) -> Result<usize, OscoreError> {
    let body_at = {
        let msg = UdpMessage::parse(protected)?;
        let payload = msg.payload()?;
        if payload.len() < 1 + TAG_LEN {
            return Err(OscoreError::Malformed);
        }
        protected.len() - payload.len()
    };
    let (head, body) = protected.split_at_mut(body_at);
    let (ct, tag) = body.split_at_mut(body.len() - TAG_LEN);
    ccm.open_detached(nonce, &[aad], ct, tag)
        .map_err(|e| match e {
            Error::Verification => OscoreError::Verification,
            other => OscoreError::Crypto(other),
        })?;
    let (&inner_code, inner_tail) = ct.split_first().ok_or(OscoreError::Malformed)?;
    // The outer message without the payload marker.
    let outer = UdpMessage::parse(head.get(..body_at - 1).ok_or(OscoreError::Malformed)?)?;
    let hlen = message::write_header(out, outer.kind, inner_code, outer.message_id, outer.token)?;
    let rest = out.get_mut(hlen..).ok_or(OscoreError::BufferTooSmall)?;
    let mut code_byte = inner_code;
    let mut w = MessageMut::new_in_slice(&mut code_byte, rest);
    let mut outer_opts = outer
        .options()
        .filter(|o| !matches!(o, Ok((n, _)) if option_class(*n) != OptionClass::Outer || *n == number::OSCORE))
        .peekable();
    let mut inner_opts = message::options(inner_tail).peekable();
    loop {
        let take_outer = match (outer_opts.peek(), inner_opts.peek()) {
            (None, None) => break,
            (Some(Err(e)), _) | (_, Some(Err(e))) => return Err(*e),
            (Some(Ok(_)), None) => true,
            (None, Some(Ok(_))) => false,
            (Some(Ok((a, _))), Some(Ok((b, _)))) => a <= b,
        };
        let next = if take_outer {
            outer_opts.next()
        } else {
            inner_opts.next()
        };
        if let Some(Ok((n, v))) = next {
            if !take_outer && n == number::OSCORE {
                return Err(OscoreError::Malformed);
            }
            w.add_option(n, v)?;
        }
    }
    w.set_payload(message::payload(inner_tail)?)?;
    Ok(hlen + w.finish().0)
}
