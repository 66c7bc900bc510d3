//! A small CoAP over UDP server on `bulwark_oscore::Context` and `std::net`: the peer of
//! aiocoap's client in the interop test.
//!
//! Resources (OSCORE only; a plain request gets 4.01):
//! `GET /hello` -> 2.05 "Hello from bulwark"; `POST /echo` -> 2.04 "got:" + payload;
//! `PUT /echo` -> 2.04 "put:" + payload; anything else -> 4.04.

use bulwark_api::ccm::Ccm;
use bulwark_oscore::message::{self, MessageType, UdpMessage, code, number};
use bulwark_oscore::{Context, Freshness, OscoreError, SequenceStore};
use bulwark_testkit::DeterministicTestRng;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What the server did, for the test to check.
#[derive(Debug, Default)]
pub struct Stats {
    /// Protected requests answered with a resource's response.
    pub served: usize,
    /// 4.01 Echo challenges sent.
    pub echo_challenges: usize,
    /// Requests refused (unprotected error responses).
    pub refused: usize,
    /// Retransmissions answered from the cache.
    pub duplicates: usize,
}

fn response_kind(req: &UdpMessage<'_>) -> MessageType {
    if req.kind == MessageType::Confirmable {
        MessageType::Acknowledgement
    } else {
        MessageType::NonConfirmable
    }
}

/// The plain response of a resource.
fn resource(req: &UdpMessage<'_>, out: &mut [u8]) -> Result<usize, OscoreError> {
    let mut path = Vec::new();
    for item in req.options() {
        let (n, v) = item?;
        if n == number::URI_PATH {
            path.push(v);
        }
    }
    let body = req.payload()?;
    let (rcode, payload): (u8, Vec<u8>) = match (req.code, path.as_slice()) {
        (code::GET, [b"hello"]) => (code::CONTENT, b"Hello from bulwark".to_vec()),
        (code::POST, [b"echo"]) => (code::CHANGED, [b"got:".as_slice(), body].concat()),
        (code::PUT, [b"echo"]) => (code::CHANGED, [b"put:".as_slice(), body].concat()),
        _ => (code::NOT_FOUND, Vec::new()),
    };
    respond(req, rcode, &[], &payload, out)
}

/// A response to `req` (same message ID and token) with `rcode`, `options` and `payload`.
fn respond(
    req: &UdpMessage<'_>,
    rcode: u8,
    options: &[(u16, &[u8])],
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, OscoreError> {
    message::build(
        out,
        response_kind(req),
        rcode,
        req.message_id,
        req.token,
        options,
        payload,
    )
}

/// An unprotected error response (RFC 8613 section 8.2: Max-Age 0, diagnostic payload).
fn refusal(req: &UdpMessage<'_>, e: OscoreError, out: &mut [u8]) -> Result<usize, OscoreError> {
    let rcode = match e {
        OscoreError::NotProtected => code::UNAUTHORIZED,
        other => other.response_code().unwrap_or(0xa0),
    };
    let text = match e {
        OscoreError::NotProtected => "OSCORE required",
        other => other.diagnostic(),
    };
    respond(req, rcode, &[(number::MAX_AGE, &[])], text.as_bytes(), out)
}

fn handle<C: Ccm, S: SequenceStore>(
    ctx: &mut Context<C, S>,
    rng: &mut DeterministicTestRng,
    datagram: &mut [u8],
    stats: &mut Stats,
) -> Option<Vec<u8>> {
    if !code::is_request(UdpMessage::parse(datagram).ok()?.code) {
        return None;
    }
    let copy = datagram.to_vec();
    let mut plain = vec![0u8; datagram.len()];
    let mut out = vec![0u8; 1500];
    let n = match ctx.unprotect_request(datagram, &mut plain) {
        Ok((len, id, Freshness::Fresh)) => {
            let req = UdpMessage::parse(&plain[..len]).ok()?;
            let mut resp = vec![0u8; 1400];
            let rlen = resource(&req, &mut resp).ok()?;
            stats.served += 1;
            ctx.protect_response(&id, &resp[..rlen], false, &mut out)
                .ok()?
        }
        Ok((len, id, Freshness::EchoRequired)) => {
            stats.echo_challenges += 1;
            ctx.echo_response(rng, &id, &plain[..len], &mut out).ok()?
        }
        Err(e) => {
            stats.refused += 1;
            let req = UdpMessage::parse(&copy).ok()?;
            refusal(&req, e, &mut out).ok()?
        }
    };
    out.truncate(n);
    Some(out)
}

/// Serves on `socket` until `stop` is set; returns what it did.
pub fn serve<C: Ccm, S: SequenceStore>(
    socket: UdpSocket,
    mut ctx: Context<C, S>,
    stop: Arc<AtomicBool>,
) -> Stats {
    let mut stats = Stats::default();
    let mut rng = DeterministicTestRng::new(0x05c0_7e57);
    // Deduplication (RFC 7252 section 4.5): the response last sent for (peer, message ID).
    let mut cache: Vec<(SocketAddr, u16, Vec<u8>)> = Vec::new();
    let _ = socket.set_read_timeout(Some(Duration::from_millis(100)));
    let mut buf = vec![0u8; 1500];
    while !stop.load(Ordering::Relaxed) {
        let Ok((n, peer)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let Ok(msg) = UdpMessage::parse(&buf[..n]) else {
            continue;
        };
        let mid = msg.message_id;
        if msg.kind == MessageType::Confirmable
            && let Some((_, _, resp)) = cache.iter().find(|(p, m, _)| *p == peer && *m == mid)
        {
            stats.duplicates += 1;
            let _ = socket.send_to(resp, peer);
            continue;
        }
        if let Some(resp) = handle(&mut ctx, &mut rng, &mut buf[..n], &mut stats) {
            let _ = socket.send_to(&resp, peer);
            cache.push((peer, mid, resp));
            if cache.len() > 32 {
                cache.remove(0);
            }
        }
    }
    stats
}
