//! OSCORE message protection (`bulwark_oscore::Context`), on the contexts of RFC 8613
//! Appendix C.4-C.8 (Master Secret 0102..10), so the RFC's protected messages are valid seeds.
//!
//! Input: mode (u8).
//! - `mode % 3 == 0` (raw request): context (u8: C.4, C.5 or C.6 server side), replay window
//!   (u8: empty, unknown, or known with `highest` (u8) and `seen` (u64)), output length (u8;
//!   200 and above: 512), then the received request (rest).
//! - `mode % 3 == 1` (raw response): output length (u8), then the received response (rest),
//!   for the C.7/C.8 client and the request (kid empty, Partial IV 0x14).
//! - `mode % 3 == 2` (structured round trip): context pair (u8), sender sequence (u16), then a
//!   request and a response, each: type (u8), code (u8), message ID (u16), token (`lv`), up to
//!   5 options (count u8, each number u16 and value `lv`), payload (`lv`); then own Partial
//!   IV (u8), and a byte position and bit (u16, u8) to flip in the protected payloads.
//!
//! Asserts, besides never panicking:
//! - Raw: an `Ok` only for the ciphertext and tag of a message the RFC sealed under that
//!   context, with its kid, Partial IV, code and payload. On any error the output buffer holds
//!   no plaintext (untouched or zeroed), the received message is changed at most by its
//!   ciphertext being zeroed (a failed tag), and the context's state is unchanged: the RFC's
//!   request then unprotects exactly as on a fresh context.
//! - Structured: what `protect_request` accepts, `unprotect_request` returns byte for byte
//!   (fresh, same request identity); a second delivery is `Replay`; a flipped payload bit is
//!   `Verification` with no plaintext out. The same for responses (`protect_response`, with
//!   the request's nonce or its own Partial IV), which also fail for another request.
#![no_main]

use bulwark_api::Error;
use bulwark_fuzz::Reader;
use bulwark_oscore::message::{self, MessageType, UdpMessage};
use bulwark_oscore::{
    Context, Freshness, OscoreError, ReplayWindow, RequestId, SenderSequence, VolatileStore,
};
use bulwark_psk::oscore::OscoreParams;
use bulwark_soft::{Soft, SoftAes, SoftCcm};
use libfuzzer_sys::fuzz_target;

type Ctx = Context<SoftCcm, VolatileStore>;

const SECRET: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const SALT: &[u8] = &[0x9e, 0x7c, 0xa9, 0x22, 0x23, 0x78, 0x63, 0x40];
const ID_CONTEXT: &[u8] = &[0x37, 0xcb, 0xf3, 0x21, 0x00, 0x17, 0xa2, 0xd3];
const SENTINEL: u8 = 0xa5;

/// One RFC 8613 context: (salt, client's sender ID, server's sender ID, ID context).
struct Setup {
    salt: &'static [u8],
    client_id: &'static [u8],
    server_id: &'static [u8],
    id_context: Option<&'static [u8]>,
    /// The RFC's protected request from this client (C.4, C.5, C.6).
    request: &'static str,
}

const SETUPS: [Setup; 3] = [
    Setup {
        salt: SALT,
        client_id: b"",
        server_id: b"\x01",
        id_context: None,
        request: "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e",
    },
    Setup {
        salt: b"",
        client_id: b"\x00",
        server_id: b"\x01",
        id_context: None,
        request: "440271c30000b932396c6f63616c686f737463091400ff4ed339a5a379b0b8bc731fffb0",
    },
    Setup {
        salt: SALT,
        client_id: b"",
        server_id: b"\x01",
        id_context: Some(ID_CONTEXT),
        request: "44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3210017a2d3ff72cd7273fd331ac45cffbe55c3",
    },
];

/// C.7 (request nonce) and C.8 (own Partial IV) responses to the C.4 request.
const RESPONSES: [&str; 2] = [
    "64445d1f0000397490ffdbaad1e9a7e7b2a813d3c31524378303cdafae119106",
    "64445d1f00003974920100ff4d4c13669384b67354b2b6175ff4b8658c666a6cf88e",
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn context(setup: &Setup, server: bool, sequence: u64, replay: ReplayWindow) -> Ctx {
    let (sender_id, recipient_id) = if server {
        (setup.server_id, setup.client_id)
    } else {
        (setup.client_id, setup.server_id)
    };
    let params = OscoreParams {
        master_secret: &SECRET,
        master_salt: setup.salt,
        sender_id,
        recipient_id,
        id_context: setup.id_context,
    };
    let engine = |k: &[u8; 16]| -> Result<SoftCcm, Error> { Ok(SoftCcm::new(SoftAes::new(k)?)) };
    Context::new(
        &mut Soft,
        &params,
        engine,
        SenderSequence::resume(sequence, 16, VolatileStore),
        replay,
    )
    .unwrap()
}

/// The payload (ciphertext and tag) of a message, if it parses that far.
fn payload(bytes: &[u8]) -> Option<Vec<u8>> {
    UdpMessage::parse(bytes)
        .ok()?
        .payload()
        .ok()
        .map(<[u8]>::to_vec)
}

fn no_plaintext(out: &[u8]) {
    assert!(
        out.iter().all(|&b| b == SENTINEL) || out.iter().all(|&b| b == 0),
        "output buffer written on error"
    );
}

/// On error the received message may only have lost its ciphertext: zeroed on a failed tag,
/// or decrypted in place (as documented) when it was `genuine` and failed after verifying.
fn unchanged_but_ciphertext(before: &[u8], after: &[u8], err: OscoreError, genuine: bool) {
    if before == after {
        return;
    }
    assert!(
        genuine || err == OscoreError::Verification,
        "message changed on {err:?}"
    );
    let pl = payload(before).unwrap();
    let at = before.len() - pl.len();
    let ct_end = before.len() - bulwark_oscore::TAG_LEN;
    assert_eq!(before[..at], after[..at]);
    if !genuine {
        assert!(
            after[at..ct_end].iter().all(|&b| b == 0),
            "ciphertext not zeroed"
        );
    }
    assert_eq!(before[ct_end..], after[ct_end..]);
}

fn out_len(r: &mut Reader) -> usize {
    match r.u8() {
        n @ 0..200 => usize::from(n),
        _ => 512,
    }
}

fn replay_window(r: &mut Reader) -> ReplayWindow {
    match r.u8() % 3 {
        0 => ReplayWindow::Empty,
        1 => ReplayWindow::Unknown,
        _ => ReplayWindow::Known {
            highest: u64::from(r.u8()),
            seen: r.u64(),
        },
    }
}

/// What the RFC request does on a context: the result without the output bytes.
fn reference_request(
    ctx: &mut Ctx,
    setup: &Setup,
) -> Result<(usize, RequestId, Freshness), OscoreError> {
    let mut wire = unhex(setup.request);
    let mut out = [0u8; 512];
    ctx.unprotect_request(&mut wire, &mut out)
}

fn raw_request(r: &mut Reader) {
    let setup = &SETUPS[usize::from(r.u8() % 3)];
    let replay = replay_window(r);
    let n = out_len(r);
    let input = r.rest();
    let mut ctx = context(setup, true, 0, replay);
    let mut wire = input.to_vec();
    let mut out = vec![SENTINEL; n];
    let genuine = payload(input).is_some() && payload(input) == payload(&unhex(setup.request));
    match ctx.unprotect_request(&mut wire, &mut out) {
        Ok((len, id, _fresh)) => {
            assert!(genuine, "forged request verified");
            assert_eq!(id.kid(), setup.client_id);
            assert_eq!(id.partial_iv(), &[0x14]);
            let got = UdpMessage::parse(&out[..len]).unwrap();
            assert_eq!(got.code, message::code::GET);
            assert_eq!(got.payload().unwrap(), b"");
            assert!(
                message::find_option(got.tail, message::number::URI_PATH)
                    .unwrap()
                    .is_some_and(|p| p == b"tv1")
            );
        }
        Err(e) => {
            no_plaintext(&out);
            unchanged_but_ciphertext(input, &wire, e, genuine);
            // A failed request changes no state.
            let mut fresh = context(setup, true, 0, replay);
            assert_eq!(
                reference_request(&mut ctx, setup),
                reference_request(&mut fresh, setup)
            );
        }
    }
}

fn raw_response(r: &mut Reader) {
    let n = out_len(r);
    let input = r.rest();
    let setup = &SETUPS[0];
    let request = RequestId::new(b"", &[0x14]).unwrap();
    let mut ctx = context(setup, false, 0, ReplayWindow::Empty);
    let mut wire = input.to_vec();
    let mut out = vec![SENTINEL; n];
    let p = payload(input);
    let genuine = p.is_some() && RESPONSES.iter().any(|g| payload(&unhex(g)) == p);
    match ctx.unprotect_response(&request, &mut wire, &mut out) {
        Ok(len) => {
            assert!(genuine, "forged response verified");
            let got = UdpMessage::parse(&out[..len]).unwrap();
            assert_eq!(got.code, message::code::CONTENT);
            assert_eq!(got.payload().unwrap(), b"Hello World!");
        }
        Err(e) => {
            no_plaintext(&out);
            unchanged_but_ciphertext(input, &wire, e, genuine);
            for g in RESPONSES {
                let mut w = unhex(g);
                let mut o = [0u8; 128];
                ctx.unprotect_response(&request, &mut w, &mut o).unwrap();
            }
        }
    }
}

/// A message from the input; `None` if it cannot be built (bad token length, too long).
fn message(r: &mut Reader, buf: &mut [u8]) -> Option<usize> {
    let kind = match r.u8() % 4 {
        0 => MessageType::Confirmable,
        1 => MessageType::NonConfirmable,
        2 => MessageType::Acknowledgement,
        _ => MessageType::Reset,
    };
    let code = r.u8();
    let mid = r.u16();
    let token = r.lv();
    let count = r.u8() % 6;
    let mut options: Vec<(u16, &[u8])> = (0..count)
        .map(|_| {
            // Mostly the numbers OSCORE treats specially, sometimes any.
            let n = match r.u16() {
                n @ 0..0x8000 => {
                    [3, 6, 7, 9, 11, 12, 14, 15, 16, 35, 39, 60, 252][usize::from(n % 13)]
                }
                n => n & 0x3ff,
            };
            (n, r.lv())
        })
        .collect();
    options.sort_by_key(|o| o.0);
    let payload = r.lv();
    message::build(buf, kind, code, mid, token, &options, payload).ok()
}

fn flip(wire: &[u8], pos: u16, bit: u8) -> Option<Vec<u8>> {
    let pl = payload(wire)?.len();
    if pl == 0 {
        return None;
    }
    let mut w = wire.to_vec();
    let at = wire.len() - pl + usize::from(pos) % pl;
    w[at] ^= 1 << (bit % 8);
    Some(w)
}

fn structured(r: &mut Reader) {
    let setup = &SETUPS[usize::from(r.u8() % 3)];
    let seq = u64::from(r.u16());
    let mut client = context(setup, false, seq, ReplayWindow::Empty);
    let mut server = context(setup, true, seq, ReplayWindow::Empty);
    let mut plain = [0u8; 1024];
    let Some(n) = message(r, &mut plain) else {
        return;
    };
    let plain = &plain[..n];
    let mut resp_buf = [0u8; 1024];
    let resp = message(r, &mut resp_buf);
    let own_piv = r.u8() & 1 == 1;
    let (pos, bit) = (r.u16(), r.u8());

    let mut wire = [0u8; 1200];
    let Ok((len, request)) = client.protect_request(plain, None, &mut wire) else {
        return;
    };
    let wire = &wire[..len];
    assert_eq!(request.sequence(), seq);

    // A flipped bit of the ciphertext or tag never verifies.
    if let Some(mut bad) = flip(wire, pos, bit) {
        let mut out = vec![SENTINEL; 1200];
        let e = server.unprotect_request(&mut bad, &mut out).unwrap_err();
        assert_eq!(e, OscoreError::Verification);
        no_plaintext(&out);
    }
    let mut out = [0u8; 1200];
    let (m, id, fresh) = server
        .unprotect_request(&mut wire.to_vec(), &mut out)
        .unwrap();
    assert_eq!(&out[..m], plain, "request round trip");
    assert_eq!(fresh, Freshness::Fresh);
    assert_eq!(id, request);
    let mut again = [SENTINEL; 1200];
    assert_eq!(
        server
            .unprotect_request(&mut wire.to_vec(), &mut again)
            .unwrap_err(),
        OscoreError::Replay
    );
    no_plaintext(&again);

    let Some(rn) = resp else {
        return;
    };
    let resp = &resp_buf[..rn];
    let mut rwire = [0u8; 1200];
    let Ok(rlen) = server.protect_response(&id, resp, own_piv, &mut rwire) else {
        return;
    };
    let rwire = &rwire[..rlen];
    if let Some(mut bad) = flip(rwire, pos, bit) {
        let mut out = vec![SENTINEL; 1200];
        let e = client
            .unprotect_response(&request, &mut bad, &mut out)
            .unwrap_err();
        assert_eq!(e, OscoreError::Verification);
        no_plaintext(&out);
    }
    // Bound to its request: another Partial IV does not verify.
    let other = RequestId::new(request.kid(), &[0x7f, 0xff]).unwrap();
    if other != request {
        let mut out = vec![SENTINEL; 1200];
        assert!(
            client
                .unprotect_response(&other, &mut rwire.to_vec(), &mut out)
                .is_err()
        );
        no_plaintext(&out);
    }
    let mut out = [0u8; 1200];
    let k = client
        .unprotect_response(&request, &mut rwire.to_vec(), &mut out)
        .unwrap();
    assert_eq!(&out[..k], resp, "response round trip");
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    match r.u8() % 3 {
        0 => raw_request(&mut r),
        1 => raw_response(&mut r),
        _ => structured(&mut r),
    }
});
