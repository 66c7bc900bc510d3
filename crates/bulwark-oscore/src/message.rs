//! CoAP over UDP framing (RFC 7252 section 3) around the option and payload codec of
//! `coap-message-implementations`, and the OSCORE option classes (RFC 8613 section 4.1).
//!
//! The 4-byte header and the token are the transport's part of a message; the code, the
//! options and the payload are read with `coap_message_implementations::option_iteration` and
//! written with its `inmemory::MessageMut`, so this crate has no option codec of its own.

use crate::OscoreError;
use coap_message::MinimalWritableMessage;
use coap_message_implementations::inmemory::MessageMut;
use coap_message_implementations::option_iteration::{OptItem, OptPayloadReader};

/// CoAP option numbers used here (RFC 7252 section 5.10, RFC 8613, RFC 9175).
pub mod number {
    /// Uri-Host (class U).
    pub const URI_HOST: u16 = 3;
    /// Observe (class U and E; not supported by this crate).
    pub const OBSERVE: u16 = 6;
    /// Uri-Port (class U).
    pub const URI_PORT: u16 = 7;
    /// OSCORE (class U).
    pub const OSCORE: u16 = 9;
    /// Uri-Path (class E).
    pub const URI_PATH: u16 = 11;
    /// Content-Format (class E).
    pub const CONTENT_FORMAT: u16 = 12;
    /// Max-Age (class E inside; an outer Max-Age is class U).
    pub const MAX_AGE: u16 = 14;
    /// Uri-Query (class E).
    pub const URI_QUERY: u16 = 15;
    /// Hop-Limit (class U, RFC 8768).
    pub const HOP_LIMIT: u16 = 16;
    /// Proxy-Uri (class U after decomposition; not supported by this crate).
    pub const PROXY_URI: u16 = 35;
    /// Proxy-Scheme (class U).
    pub const PROXY_SCHEME: u16 = 39;
    /// Echo (class E, RFC 9175).
    pub const ECHO: u16 = 252;
}

/// CoAP codes used here, as the byte on the wire (`class << 5 | detail`).
pub mod code {
    /// 0.00 Empty.
    pub const EMPTY: u8 = 0x00;
    /// 0.01 GET.
    pub const GET: u8 = 0x01;
    /// 0.02 POST: the outer code of every protected request without Observe.
    pub const POST: u8 = 0x02;
    /// 0.03 PUT.
    pub const PUT: u8 = 0x03;
    /// 0.04 DELETE.
    pub const DELETE: u8 = 0x04;
    /// 2.04 Changed: the outer code of every protected response without Observe.
    pub const CHANGED: u8 = 0x44;
    /// 2.05 Content.
    pub const CONTENT: u8 = 0x45;
    /// 4.00 Bad Request.
    pub const BAD_REQUEST: u8 = 0x80;
    /// 4.01 Unauthorized.
    pub const UNAUTHORIZED: u8 = 0x81;
    /// 4.02 Bad Option.
    pub const BAD_OPTION: u8 = 0x82;
    /// 4.04 Not Found.
    pub const NOT_FOUND: u8 = 0x84;

    /// Whether `code` is a request method (class 0, not Empty).
    pub const fn is_request(code: u8) -> bool {
        code >> 5 == 0 && code != EMPTY
    }

    /// Whether `code` is a response (classes 2 to 5).
    pub const fn is_response(code: u8) -> bool {
        matches!(code >> 5, 2..=5)
    }
}

/// The CoAP message type (RFC 7252 section 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageType {
    /// CON: retransmitted until acknowledged.
    Confirmable = 0,
    /// NON.
    NonConfirmable = 1,
    /// ACK.
    Acknowledgement = 2,
    /// RST.
    Reset = 3,
}

impl MessageType {
    const fn from_bits(bits: u8) -> Self {
        match bits & 3 {
            0 => MessageType::Confirmable,
            1 => MessageType::NonConfirmable,
            2 => MessageType::Acknowledgement,
            _ => MessageType::Reset,
        }
    }
}

/// How OSCORE treats an option (RFC 8613 section 4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionClass {
    /// Class E: encrypted and integrity-protected inside the COSE object. Every option this
    /// crate does not know is class E (section 4.1).
    Inner,
    /// Class U: left in the outer message for proxies, unprotected.
    Outer,
    /// Observe and Proxy-Uri: their special handling (sections 4.1.3.5 and 4.1.3.3) is not
    /// implemented; messages with them are refused with [`OscoreError::Unsupported`].
    Unsupported,
}

/// The OSCORE class of option `number`.
pub const fn option_class(number: u16) -> OptionClass {
    match number {
        number::URI_HOST
        | number::URI_PORT
        | number::OSCORE
        | number::HOP_LIMIT
        | number::PROXY_SCHEME => OptionClass::Outer,
        number::OBSERVE | number::PROXY_URI => OptionClass::Unsupported,
        _ => OptionClass::Inner,
    }
}

/// A CoAP over UDP message, borrowed from its bytes.
#[derive(Clone, Copy, Debug)]
pub struct UdpMessage<'a> {
    /// Message type.
    pub kind: MessageType,
    /// Code byte.
    pub code: u8,
    /// Message ID.
    pub message_id: u16,
    /// Token (0 to 8 bytes).
    pub token: &'a [u8],
    /// The options and the payload (with its marker), as on the wire.
    pub tail: &'a [u8],
}

impl<'a> UdpMessage<'a> {
    /// Parses the header and token of `bytes` (RFC 7252 section 3).
    ///
    /// Returns [`OscoreError::Malformed`] for fewer than 4 bytes, a version other than 1, a
    /// token length over 8, or a message shorter than its token. The options are checked by
    /// [`UdpMessage::options`] and [`UdpMessage::payload`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, OscoreError> {
        let (&[first, code, mid_hi, mid_lo], rest) = bytes
            .split_first_chunk::<4>()
            .ok_or(OscoreError::Malformed)?;
        let tkl = usize::from(first & 0x0f);
        if first >> 6 != 1 || tkl > 8 {
            return Err(OscoreError::Malformed);
        }
        let (token, tail) = rest.split_at_checked(tkl).ok_or(OscoreError::Malformed)?;
        Ok(Self {
            kind: MessageType::from_bits(first >> 4),
            code,
            message_id: u16::from_be_bytes([mid_hi, mid_lo]),
            token,
            tail,
        })
    }

    /// Length of the header and the token.
    pub fn header_len(&self) -> usize {
        4 + self.token.len()
    }

    /// The options in ascending order, each as `(number, value)`; an error item (and the end)
    /// for a malformed option.
    pub fn options(&self) -> Options<'a> {
        options(self.tail)
    }

    /// The value of the first option `number`, if any. Returns [`OscoreError::Malformed`] if
    /// the options are not well formed up to it.
    pub fn option(&self, number: u16) -> Result<Option<&'a [u8]>, OscoreError> {
        find_option(self.tail, number)
    }

    /// The payload (empty if there is none). Returns [`OscoreError::Malformed`] if an option
    /// is malformed or a payload marker is followed by nothing (RFC 7252 section 3).
    pub fn payload(&self) -> Result<&'a [u8], OscoreError> {
        payload(self.tail)
    }
}

/// Iterator over encoded options, see [`UdpMessage::options`].
pub struct Options<'a> {
    reader: OptPayloadReader<'a>,
    done: bool,
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<(u16, &'a [u8]), OscoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.reader.next() {
            Some(OptItem::Option { number, data }) => Some(Ok((number, data))),
            Some(OptItem::Payload(p)) if !p.is_empty() => {
                self.done = true;
                None
            }
            None => {
                self.done = true;
                None
            }
            Some(OptItem::Payload(_)) | Some(OptItem::Error(_)) => {
                self.done = true;
                Some(Err(OscoreError::Malformed))
            }
        }
    }
}

/// The options of an encoded options-and-payload sequence (`tail`), checked.
pub fn options(tail: &[u8]) -> Options<'_> {
    Options {
        reader: OptPayloadReader::new(tail),
        done: false,
    }
}

/// The first option `number` in `tail`, see [`UdpMessage::option`].
pub fn find_option(tail: &[u8], number: u16) -> Result<Option<&[u8]>, OscoreError> {
    for item in options(tail) {
        let (n, value) = item?;
        if n == number {
            return Ok(Some(value));
        }
        if n > number {
            break;
        }
    }
    Ok(None)
}

/// The payload of `tail`, see [`UdpMessage::payload`].
pub fn payload(tail: &[u8]) -> Result<&[u8], OscoreError> {
    for item in OptPayloadReader::new(tail) {
        match item {
            OptItem::Option { .. } => {}
            OptItem::Payload(p) if !p.is_empty() => return Ok(p),
            OptItem::Payload(_) | OptItem::Error(_) => return Err(OscoreError::Malformed),
        }
    }
    Ok(&[])
}

/// Writes the 4-byte header and the token; returns their length.
///
/// Returns [`OscoreError::Malformed`] for a token over 8 bytes, [`OscoreError::BufferTooSmall`]
/// if `out` cannot hold them.
pub fn write_header(
    out: &mut [u8],
    kind: MessageType,
    code: u8,
    message_id: u16,
    token: &[u8],
) -> Result<usize, OscoreError> {
    if token.len() > 8 {
        return Err(OscoreError::Malformed);
    }
    let len = 4 + token.len();
    let [hi, lo] = message_id.to_be_bytes();
    let head = out.get_mut(..len).ok_or(OscoreError::BufferTooSmall)?;
    head[..4].copy_from_slice(&[0x40 | (kind as u8) << 4 | token.len() as u8, code, hi, lo]);
    head[4..].copy_from_slice(token);
    Ok(len)
}

/// Builds a whole CoAP over UDP message into `out` and returns its length.
///
/// `options` must be in ascending option-number order (equal numbers repeat an option).
/// Returns [`OscoreError::Malformed`] for a token over 8 bytes or options out of order,
/// [`OscoreError::BufferTooSmall`] if `out` is too small.
pub fn build(
    out: &mut [u8],
    kind: MessageType,
    code: u8,
    message_id: u16,
    token: &[u8],
    options: &[(u16, &[u8])],
    payload: &[u8],
) -> Result<usize, OscoreError> {
    let head = write_header(out, kind, code, message_id, token)?;
    let rest = out.get_mut(head..).ok_or(OscoreError::BufferTooSmall)?;
    let mut code_byte = code;
    let mut w = MessageMut::new_in_slice(&mut code_byte, rest);
    let mut last = 0;
    for &(n, v) in options {
        if n < last {
            return Err(OscoreError::Malformed);
        }
        last = n;
        w.add_option(n, v)?;
    }
    w.set_payload(payload)?;
    Ok(head + w.finish().0)
}
