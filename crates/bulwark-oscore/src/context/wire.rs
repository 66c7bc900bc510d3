//! The protected message layout (RFC 8613 section 4): which options go outside and which
//! inside, and the sealing and opening of the inner message.

use crate::message::{self, OptionClass, UdpMessage, number, option_class};
use crate::{OscoreError, TAG_LEN};
use bulwark_api::{Error, ccm::Ccm};
use bulwark_psk::oscore::NONCE_LEN;
use coap_message::MinimalWritableMessage;
use coap_message_implementations::inmemory::MessageMut;

/// Refuses what this crate does not implement, and malformed options, before any sequence
/// number is spent.
pub(super) fn check_classes(msg: &UdpMessage<'_>) -> Result<(), OscoreError> {
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
pub(super) fn seal<C: Ccm>(
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
pub(super) fn open<C: Ccm>(
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
