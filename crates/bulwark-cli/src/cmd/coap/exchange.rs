//! One confirmable UDP exchange of `bulwark coap` (RFC 7252 section 4), and the names it
//! prints for response codes and diagnostic payloads.

use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark::Rng;
use bulwark_oscore::message::{self, MessageType, UdpMessage, code};
use std::io;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

const MAX_DATAGRAM: usize = 65_535;
/// RFC 7252 section 4.8: ACK_TIMEOUT 2 s, ACK_RANDOM_FACTOR 1.5.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);

/// One UDP exchange: sends `request` (confirmable) and returns the matching response,
/// retransmitting with exponential back-off until `deadline`.
pub(super) fn exchange(
    sock: &UdpSocket,
    request: &[u8],
    message_id: u16,
    token: &[u8],
    deadline: Instant,
) -> CliResult<Vec<u8>> {
    let transport = |e: io::Error| CliError::Usage(format!("coap: {e}"));
    let mut jitter = [0u8; 1];
    OsRng
        .fill_bytes(&mut jitter)
        .map_err(|e| CliError::from_api("coap", e))?;
    // Initial timeout between ACK_TIMEOUT and ACK_TIMEOUT * 1.5.
    let mut rto = ACK_TIMEOUT + ACK_TIMEOUT.mul_f64(f64::from(jitter[0]) / 510.0);
    let mut acked = false;
    sock.send(request).map_err(transport)?;
    let mut next_send = Instant::now() + rto;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(CliError::Usage("coap: timeout, no response".to_owned()));
        }
        if !acked && now >= next_send {
            sock.send(request).map_err(transport)?;
            rto *= 2;
            next_send = now + rto;
        }
        let wait = if acked {
            deadline - now
        } else {
            next_send.min(deadline) - now
        };
        sock.set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .map_err(transport)?;
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(transport(e)),
        };
        let Ok(msg) = UdpMessage::parse(&buf[..n]) else {
            continue;
        };
        match msg.kind {
            MessageType::Acknowledgement | MessageType::Reset if msg.message_id != message_id => {
                continue;
            }
            MessageType::Reset => {
                return Err(CliError::Usage(
                    "coap: the server reset the exchange".to_owned(),
                ));
            }
            MessageType::Acknowledgement if msg.code == code::EMPTY => {
                // A separate response follows (RFC 7252 section 5.2.2).
                acked = true;
                continue;
            }
            _ => {}
        }
        if msg.token != token {
            continue;
        }
        if msg.kind == MessageType::Confirmable {
            let mut ack = [0u8; 4];
            message::write_header(
                &mut ack,
                MessageType::Acknowledgement,
                0,
                msg.message_id,
                &[],
            )
            .map_err(|e| CliError::Usage(format!("coap: {e}")))?;
            sock.send(&ack).map_err(transport)?;
        }
        buf.truncate(n);
        return Ok(buf);
    }
}

/// The name of a response code, e.g. `4.04 Not Found` (RFC 7252 section 12.1.2 and later
/// registrations).
pub(super) fn code_name(c: u8) -> String {
    let name = match c {
        0x41 => "Created",
        0x42 => "Deleted",
        0x43 => "Valid",
        0x44 => "Changed",
        0x45 => "Content",
        0x5f => "Continue",
        0x80 => "Bad Request",
        0x81 => "Unauthorized",
        0x82 => "Bad Option",
        0x83 => "Forbidden",
        0x84 => "Not Found",
        0x85 => "Method Not Allowed",
        0x86 => "Not Acceptable",
        0x88 => "Request Entity Incomplete",
        0x89 => "Conflict",
        0x8c => "Precondition Failed",
        0x8d => "Request Entity Too Large",
        0x8f => "Unsupported Content-Format",
        0x96 => "Unprocessable Entity",
        0x9d => "Too Many Requests",
        0xa0 => "Internal Server Error",
        0xa1 => "Not Implemented",
        0xa2 => "Bad Gateway",
        0xa3 => "Service Unavailable",
        0xa4 => "Gateway Timeout",
        0xa5 => "Proxying Not Supported",
        _ => "",
    };
    let num = format!("{}.{:02}", c >> 5, c & 0x1f);
    if name.is_empty() {
        num
    } else {
        format!("{num} {name}")
    }
}

/// `: TEXT` for a diagnostic payload that is UTF-8 text, else nothing.
pub(super) fn diagnostic(msg: &UdpMessage<'_>) -> String {
    match msg.payload().ok().map(std::str::from_utf8) {
        Some(Ok(text)) if !text.is_empty() && !text.chars().any(char::is_control) => {
            format!(": {text}")
        }
        _ => String::new(),
    }
}
