//! Protection round trips, every tampered byte, replays, Echo recovery, sequence persistence
//! and malformed input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::Error;
use bulwark_oscore::message::{self, MessageType, UdpMessage, code, number};
use bulwark_oscore::option::OscoreOption;
use bulwark_oscore::{
    Context, Freshness, OscoreError, ReplayWindow, RequestId, SenderSequence, SequenceStore,
    VolatileStore,
};
use bulwark_psk::oscore::OscoreParams;
use bulwark_soft::SoftCcm;

const SECRET: [u8; 16] = [7; 16];

fn params<'a>(sender: &'a [u8], recipient: &'a [u8], ctx: Option<&'a [u8]>) -> OscoreParams<'a> {
    OscoreParams {
        master_secret: &SECRET,
        master_salt: b"salt",
        sender_id: sender,
        recipient_id: recipient,
        id_context: ctx,
    }
}

type Ctx<S = VolatileStore> = Context<SoftCcm, S>;

fn pair(ctx: Option<&[u8]>) -> (Ctx, Ctx) {
    let client = common::context(
        &params(b"\xc1", b"\x5e", ctx),
        SenderSequence::resume(0, 1, VolatileStore),
        ReplayWindow::Empty,
    );
    let server = common::context(
        &params(b"\x5e", b"\xc1", ctx),
        SenderSequence::resume(0, 1, VolatileStore),
        ReplayWindow::Empty,
    );
    (client, server)
}

/// GET coap://sensor.example/secret-path?k=v with Hop-Limit, Content-Format and a payload.
fn request() -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = message::build(
        &mut buf,
        MessageType::Confirmable,
        code::POST,
        0x1234,
        &[1, 2, 3, 4],
        &[
            (number::URI_HOST, b"sensor.example"),
            (number::URI_PATH, b"secret-path"),
            (number::CONTENT_FORMAT, &[60]),
            (number::URI_QUERY, b"k=v"),
            (number::HOP_LIMIT, &[16]),
        ],
        b"confidential payload",
    )
    .unwrap();
    buf[..n].to_vec()
}

fn response(payload: &[u8]) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = message::build(
        &mut buf,
        MessageType::Acknowledgement,
        code::CONTENT,
        0x1234,
        &[1, 2, 3, 4],
        &[(number::CONTENT_FORMAT, &[0]), (number::MAX_AGE, &[60])],
        payload,
    )
    .unwrap();
    buf[..n].to_vec()
}

fn protect(c: &mut Ctx, plain: &[u8]) -> (Vec<u8>, RequestId) {
    let mut out = [0u8; 512];
    let (n, id) = c.protect_request(plain, None, &mut out).unwrap();
    (out[..n].to_vec(), id)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn round_trip_hides_class_e_and_keeps_class_u() {
    let (mut c, mut s) = pair(Some(b"ctx"));
    let plain = request();
    let (wire, id) = protect(&mut c, &plain);
    for secret in [&b"secret-path"[..], b"k=v", b"confidential"] {
        assert!(!contains(&wire, secret));
    }
    let outer = UdpMessage::parse(&wire).unwrap();
    assert_eq!(outer.code, code::POST);
    let opts: Vec<(u16, Vec<u8>)> = outer
        .options()
        .map(|o| o.unwrap())
        .map(|(n, v)| (n, v.to_vec()))
        .collect();
    assert_eq!(
        opts,
        vec![
            (number::URI_HOST, b"sensor.example".to_vec()),
            // flags n=1 k=1 h=1, Partial IV 00, kid context "ctx", kid c1
            (number::OSCORE, b"\x19\x00\x03ctx\xc1".to_vec()),
            (number::HOP_LIMIT, vec![16]),
        ]
    );
    let mut back = [0u8; 512];
    let mut w = wire.clone();
    let (n, sid, fresh) = s.unprotect_request(&mut w, &mut back).unwrap();
    assert_eq!(back[..n], plain[..]);
    assert_eq!((sid, fresh), (id, Freshness::Fresh));
    assert_eq!(
        (id.kid(), id.partial_iv(), id.sequence()),
        (&[0xc1][..], &[0][..], 0)
    );

    let plain_resp = response(b"21.5 C");
    let mut out = [0u8; 512];
    let n = s
        .protect_response(&sid, &plain_resp, false, &mut out)
        .unwrap();
    let outer = UdpMessage::parse(&out[..n]).unwrap();
    assert_eq!(outer.code, code::CHANGED);
    assert_eq!(outer.option(number::OSCORE).unwrap(), Some(&[][..]));
    let mut w = out[..n].to_vec();
    let m = c.unprotect_response(&id, &mut w, &mut back).unwrap();
    assert_eq!(back[..m], plain_resp[..]);
}

#[test]
fn every_tampered_byte_of_the_protected_part_is_refused() {
    let (mut c, _) = pair(None);
    let plain = request();
    let (wire, _) = protect(&mut c, &plain);
    let outer = UdpMessage::parse(&wire).unwrap();
    let body_at = wire.len() - outer.payload().unwrap().len();
    for i in body_at..wire.len() {
        for bit in [0x01u8, 0x80] {
            let (_, mut s) = pair(None);
            let mut w = wire.clone();
            w[i] ^= bit;
            let mut back = [0u8; 512];
            assert_eq!(
                s.unprotect_request(&mut w, &mut back).unwrap_err(),
                OscoreError::Verification,
                "byte {i} bit {bit:#x}"
            );
            // The failure changed nothing: the genuine request is still accepted.
            let mut w = wire.clone();
            assert!(s.unprotect_request(&mut w, &mut back).is_ok(), "byte {i}");
        }
    }
}

#[test]
fn option_changes_are_refused() {
    let (mut c, _) = pair(None);
    let (wire, _) = protect(&mut c, &request());
    let opt_at = wire.windows(2).position(|w| w == [0x09, 0x00]).unwrap();
    let mut back = [0u8; 512];
    // flags 0x09 (n=1, k=1), Partial IV 00, kid c1: change the Partial IV, then the kid.
    let (_, mut s) = pair(None);
    let mut w = wire.clone();
    w[opt_at + 1] = 0x01;
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::Verification
    );
    let mut w = wire.clone();
    w[opt_at + 2] = 0xc2;
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::UnknownContext
    );
    // A reserved flag bit.
    let mut w = wire.clone();
    w[opt_at] = 0x29;
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::Malformed
    );
}

#[test]
fn replays_and_old_numbers_are_refused() {
    let (mut c, mut s) = pair(None);
    let mut back = [0u8; 512];
    let (first, _) = protect(&mut c, &request());
    let mut w = first.clone();
    s.unprotect_request(&mut w, &mut back).unwrap();
    let mut w = first.clone();
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::Replay
    );
    // 70 more requests: the first numbers fall out of the 64-wide window.
    let mut later = Vec::new();
    for _ in 0..70 {
        later.push(protect(&mut c, &request()).0);
    }
    let late = later.pop().unwrap();
    let mut w = late.clone();
    s.unprotect_request(&mut w, &mut back).unwrap();
    // Number 1 is now 69 below the highest: too old. Number 10 is 60 below: accepted once.
    let mut w = later[0].clone();
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::Replay
    );
    let mut w = later[9].clone();
    s.unprotect_request(&mut w, &mut back).unwrap();
    let mut w = later[9].clone();
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::Replay
    );
}

#[test]
fn a_response_to_another_request_is_refused() {
    let (mut c, mut s) = pair(None);
    let mut back = [0u8; 512];
    let (r1, id1) = protect(&mut c, &request());
    let (_, id2) = protect(&mut c, &request());
    let mut w = r1.clone();
    let (_, sid, _) = s.unprotect_request(&mut w, &mut back).unwrap();
    let mut out = [0u8; 512];
    let n = s
        .protect_response(&sid, &response(b"x"), false, &mut out)
        .unwrap();
    let mut w = out[..n].to_vec();
    assert_eq!(
        c.unprotect_response(&id2, &mut w, &mut back).unwrap_err(),
        OscoreError::Verification
    );
    let mut w = out[..n].to_vec();
    assert!(c.unprotect_response(&id1, &mut w, &mut back).is_ok());
    // An unprotected error response.
    let mut w = response(b"err");
    assert_eq!(
        c.unprotect_response(&id1, &mut w, &mut back).unwrap_err(),
        OscoreError::NotProtected
    );
}

#[test]
fn echo_recovery_after_a_lost_replay_window() {
    let (mut c, _) = pair(None);
    let mut s: Ctx = common::context(
        &params(b"\x5e", b"\xc1", None),
        SenderSequence::resume(500, 1, VolatileStore),
        ReplayWindow::Unknown,
    );
    let mut rng = common::TestRng::new(1);
    let mut back = [0u8; 512];
    let mut out = [0u8; 512];
    // Requests sent before the server lost its state (numbers 0 and 1).
    let (old0, _) = protect(&mut c, &request());
    let (old1, _) = protect(&mut c, &request());
    let (req, id) = protect(&mut c, &request());
    let mut w = req.clone();
    let (n, sid, fresh) = s.unprotect_request(&mut w, &mut back).unwrap();
    assert_eq!(fresh, Freshness::EchoRequired);
    let plain_req = back[..n].to_vec();
    let m = s
        .echo_response(&mut rng, &sid, &plain_req, &mut out)
        .unwrap();
    // The challenge carries the server's own Partial IV (500 = 0x01f4).
    let ch = UdpMessage::parse(&out[..m]).unwrap();
    assert_eq!(ch.kind, MessageType::Acknowledgement);
    assert_eq!(
        ch.option(number::OSCORE).unwrap(),
        Some(&[0x02, 0x01, 0xf4][..])
    );
    let mut w = out[..m].to_vec();
    let k = c.unprotect_response(&id, &mut w, &mut back).unwrap();
    let plain_ch = UdpMessage::parse(&back[..k]).unwrap();
    assert_eq!(plain_ch.code, code::UNAUTHORIZED);
    let echo = plain_ch.option(number::ECHO).unwrap().unwrap().to_vec();
    assert_eq!(echo.len(), bulwark_oscore::ECHO_LEN);
    // A request with a wrong Echo value is still not fresh.
    let mut wrong = echo.clone();
    wrong[0] ^= 1;
    let mut o = [0u8; 512];
    let (n, _) = c.protect_request(&request(), Some(&wrong), &mut o).unwrap();
    let mut w = o[..n].to_vec();
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap().2,
        Freshness::EchoRequired
    );
    // The repeated request with the Echo value is fresh and starts the window.
    let (n, _) = c.protect_request(&request(), Some(&echo), &mut o).unwrap();
    let mut w = o[..n].to_vec();
    let (len, _, fresh) = s.unprotect_request(&mut w, &mut back).unwrap();
    assert_eq!(fresh, Freshness::Fresh);
    assert_eq!(
        UdpMessage::parse(&back[..len])
            .unwrap()
            .option(number::ECHO)
            .unwrap(),
        Some(&echo[..])
    );
    assert_eq!(
        s.replay_window(),
        ReplayWindow::Known {
            highest: 4,
            seen: u64::MAX
        }
    );
    // Everything sent before is now a replay, including numbers never seen by this server.
    for old in [old0, old1, req] {
        let mut w = old;
        assert_eq!(
            s.unprotect_request(&mut w, &mut back).unwrap_err(),
            OscoreError::Replay
        );
    }
    // The Echo value is single-use.
    let (n, _) = c.protect_request(&request(), Some(&echo), &mut o).unwrap();
    let mut w = o[..n].to_vec();
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap().2,
        Freshness::Fresh
    );
}

/// Records every persisted limit; fails when `fail` is set.
#[derive(Default)]
struct Recorder {
    limits: Vec<u64>,
    fail: bool,
}

impl SequenceStore for Recorder {
    fn persist(&mut self, limit: u64) -> Result<(), Error> {
        if self.fail {
            return Err(Error::Hardware);
        }
        self.limits.push(limit);
        Ok(())
    }
}

#[test]
fn sequence_numbers_are_persisted_before_use() {
    let mut seq = SenderSequence::resume(10, 4, Recorder::default());
    let taken: Vec<u64> = (0..9).map(|_| seq.next_number().unwrap()).collect();
    assert_eq!(taken, (10..19).collect::<Vec<_>>());
    assert_eq!(seq.store().limits, vec![14, 18, 22]);
    // After a crash the sequence resumes at the last persisted limit: 19..21 are skipped,
    // nothing is reused.
    let mut again = SenderSequence::resume(22, 4, Recorder::default());
    assert_eq!(again.next_number().unwrap(), 22);

    let mut failing = SenderSequence::resume(
        0,
        1,
        Recorder {
            fail: true,
            ..Recorder::default()
        },
    );
    assert_eq!(
        failing.next_number().unwrap_err(),
        OscoreError::Store(Error::Hardware)
    );
    assert_eq!(failing.peek(), 0);

    let mut end = SenderSequence::resume((1 << 40) - 1, 8, Recorder::default());
    assert_eq!(end.next_number().unwrap(), (1 << 40) - 1);
    assert_eq!(end.store().limits, vec![1 << 40]);
    assert_eq!(
        end.next_number().unwrap_err(),
        OscoreError::SequenceExhausted
    );
}

#[test]
fn a_failed_store_sends_nothing() {
    let mut c: Ctx<Recorder> = common::context(
        &params(b"\xc1", b"\x5e", None),
        SenderSequence::resume(
            0,
            1,
            Recorder {
                fail: true,
                ..Recorder::default()
            },
        ),
        ReplayWindow::Empty,
    );
    let mut out = [0xaau8; 512];
    assert_eq!(
        c.protect_request(&request(), None, &mut out).unwrap_err(),
        OscoreError::Store(Error::Hardware)
    );
    assert!(out.iter().all(|&b| b == 0xaa));
}

#[test]
fn unsupported_and_malformed_requests_spend_no_number() {
    let (mut c, mut s) = pair(None);
    let mut out = [0u8; 512];
    let mut buf = [0u8; 64];
    let n = message::build(
        &mut buf,
        MessageType::Confirmable,
        code::GET,
        1,
        &[],
        &[(number::OBSERVE, &[])],
        b"",
    )
    .unwrap();
    assert_eq!(
        c.protect_request(&buf[..n], None, &mut out).unwrap_err(),
        OscoreError::Unsupported
    );
    let n = message::build(
        &mut buf,
        MessageType::Confirmable,
        code::GET,
        1,
        &[],
        &[(number::PROXY_URI, b"coap://x")],
        b"",
    )
    .unwrap();
    assert_eq!(
        c.protect_request(&buf[..n], None, &mut out).unwrap_err(),
        OscoreError::Unsupported
    );
    assert_eq!(
        c.protect_request(&response(b""), None, &mut out)
            .unwrap_err(),
        OscoreError::Unsupported
    );
    // A payload marker followed by nothing, a truncated option, version 2, token length 9.
    for bad in [
        &b"\x40\x01\x00\x01\xff"[..],
        b"\x40\x01\x00\x01\xb5ab",
        b"\x80\x01\x00\x01",
        b"\x49\x01\x00\x01",
    ] {
        assert_eq!(
            c.protect_request(bad, None, &mut out).unwrap_err(),
            OscoreError::Malformed,
            "{bad:02x?}"
        );
    }
    assert_eq!(c.sequence().peek(), 0);
    // Too small an output buffer.
    assert_eq!(
        c.protect_request(&request(), None, &mut out[..40])
            .unwrap_err(),
        OscoreError::BufferTooSmall
    );
    // A plain request at the server.
    let mut w = request();
    let mut back = [0u8; 512];
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::NotProtected
    );
}

#[test]
fn kid_context_must_match() {
    let (mut c, _) = pair(Some(b"A"));
    let (_, mut s) = pair(Some(b"B"));
    let (wire, _) = protect(&mut c, &request());
    let mut w = wire;
    let mut back = [0u8; 512];
    assert_eq!(
        s.unprotect_request(&mut w, &mut back).unwrap_err(),
        OscoreError::UnknownContext
    );
}

#[test]
fn oscore_option_values() {
    let ok: [(&[u8], OscoreOption<'_>); 4] = [
        (b"", OscoreOption::default()),
        (
            b"\x09\x14",
            OscoreOption {
                partial_iv: b"\x14",
                kid: Some(b""),
                kid_context: None,
            },
        ),
        (
            b"\x0d\x01\x02\x03\x04\x05\xaa",
            OscoreOption {
                partial_iv: b"\x01\x02\x03\x04\x05",
                kid: Some(b"\xaa"),
                kid_context: None,
            },
        ),
        (
            b"\x19\x14\x0837cbf321\x01",
            OscoreOption {
                partial_iv: b"\x14",
                kid: Some(b"\x01"),
                kid_context: Some(b"37cbf321"),
            },
        ),
    ];
    for (bytes, opt) in ok {
        assert_eq!(OscoreOption::decode(bytes).unwrap(), opt, "{bytes:02x?}");
        let mut out = [0u8; 64];
        let n = opt.encode(&mut out).unwrap();
        assert_eq!(&out[..n], bytes);
    }
    // 0x00 must be sent empty; reserved bits; n = 6 and 7; too short for n; kid context
    // longer than the value; bytes left over without the k flag.
    for bad in [
        &b"\x00"[..],
        b"\x20",
        b"\x06\x01\x02\x03\x04\x05\x06",
        b"\x07",
        b"\x02\x01",
        b"\x10\x05ab",
        b"\x01\x01\x02",
    ] {
        assert_eq!(
            OscoreOption::decode(bad).unwrap_err(),
            OscoreError::Malformed,
            "{bad:02x?}"
        );
    }
}

/// The code, the class E options and the payload of a message.
type ProtectedPart = (u8, Vec<(u16, Vec<u8>)>, Vec<u8>);

fn protected_part(msg: &[u8]) -> ProtectedPart {
    let m = UdpMessage::parse(msg).unwrap();
    let opts = m
        .options()
        .map(|o| o.unwrap())
        .filter(|(n, _)| message::option_class(*n) == message::OptionClass::Inner)
        .map(|(n, v)| (n, v.to_vec()))
        .collect();
    (m.code, opts, m.payload().unwrap().to_vec())
}

#[test]
fn random_and_mutated_input_never_panics() {
    let mut rng = common::TestRng::new(0x0bad_c0de);
    let (mut c, _) = pair(Some(b"ctx"));
    let (valid, id) = protect(&mut c, &request());
    let mut back = [0u8; 600];
    let mut out = [0u8; 600];
    let mut accepted = 0;
    for round in 0..20_000 {
        let mut msg = if round % 2 == 0 {
            valid.clone()
        } else {
            let len = rng.below(80);
            (0..len).map(|_| rng.next_u64() as u8).collect()
        };
        // Up to four random byte changes, and sometimes a cut.
        for _ in 0..rng.below(5) {
            if !msg.is_empty() {
                let i = rng.below(msg.len());
                msg[i] = rng.next_u64() as u8;
            }
        }
        if rng.below(4) == 0 && !msg.is_empty() {
            msg.truncate(rng.below(msg.len()));
        }
        let (_, mut s) = pair(Some(b"ctx"));
        let mut w = msg.clone();
        if let Ok((n, _, _)) = s.unprotect_request(&mut w, &mut back) {
            // Whatever got through carries exactly the protected request's code, class E
            // options and payload (class U options such as Uri-Host are not protected).
            let plain = request();
            assert_eq!(
                protected_part(&back[..n]),
                protected_part(&plain),
                "round {round}"
            );
            accepted += 1;
        }
        let mut w = msg.clone();
        let _ = c.unprotect_response(&id, &mut w, &mut back);
        let _ = c.protect_request(&msg, None, &mut out);
        let _ = s.protect_response(&id, &msg, round % 3 == 0, &mut out[..rng.below(600)]);
        let _ = OscoreOption::decode(&msg);
    }
    // Unchanged copies of the valid request get through (as do changes to the message ID,
    // type and token, which OSCORE does not protect).
    assert!(accepted > 1000, "{accepted}");
}

/// A message that verified but does not fit the output buffer leaves none of its plaintext
/// there (found by the `oscore_unprotect` fuzz target: the buffer held the start of the
/// decrypted message), and a request that failed so changes no state.
#[test]
fn a_verified_message_too_long_for_out_leaves_no_plaintext() {
    let (mut client, mut server) = pair(None);
    let plain = request();
    let (wire, id) = protect(&mut client, &plain);
    let mut short = vec![0xaa; plain.len() - 1];
    let got = server.unprotect_request(&mut wire.clone(), &mut short);
    assert_eq!(got.unwrap_err(), OscoreError::BufferTooSmall);
    assert_eq!(short, vec![0; plain.len() - 1]);
    let mut out = [0u8; 256];
    let (n, sid, fresh) = server
        .unprotect_request(&mut wire.clone(), &mut out)
        .unwrap();
    assert_eq!((&out[..n], sid, fresh), (&plain[..], id, Freshness::Fresh));

    let answer = response(b"secret reading 21.5");
    let mut rwire = [0u8; 256];
    let rn = server
        .protect_response(&sid, &answer, false, &mut rwire)
        .unwrap();
    let mut short = vec![0xaa; answer.len() - 1];
    let got = client.unprotect_response(&id, &mut rwire[..rn].to_vec(), &mut short);
    assert_eq!(got.unwrap_err(), OscoreError::BufferTooSmall);
    assert_eq!(short, vec![0; answer.len() - 1]);
    let k = client
        .unprotect_response(&id, &mut rwire[..rn].to_vec(), &mut out)
        .unwrap();
    assert_eq!(&out[..k], &answer[..]);
}

/// An Echo option in the message itself is protected like any class E option when no Echo
/// value is given (found by the `oscore_unprotect` fuzz target: it was dropped), and replaced
/// when one is.
#[test]
fn an_echo_option_in_the_message_is_kept_unless_replaced() {
    let (mut client, mut server) = pair(None);
    let mut buf = [0u8; 256];
    let n = message::build(
        &mut buf,
        MessageType::Confirmable,
        code::GET,
        7,
        &[9],
        &[(number::URI_PATH, b"t"), (number::ECHO, &[0xec; 8])],
        b"",
    )
    .unwrap();
    let plain = buf[..n].to_vec();
    let (wire, id) = protect(&mut client, &plain);
    let mut out = [0u8; 256];
    let (m, sid, _) = server
        .unprotect_request(&mut wire.clone(), &mut out)
        .unwrap();
    assert_eq!(&out[..m], &plain[..]);

    // Replaced by a given value.
    let mut wire2 = [0u8; 256];
    let (k, _) = client
        .protect_request(&plain, Some(&[0x11; 8]), &mut wire2)
        .unwrap();
    let (m, _, _) = server
        .unprotect_request(&mut wire2[..k].to_vec(), &mut out)
        .unwrap();
    let got = UdpMessage::parse(&out[..m]).unwrap();
    let echoes: Vec<&[u8]> = got
        .options()
        .map(|o| o.unwrap())
        .filter(|o| o.0 == number::ECHO)
        .map(|o| o.1)
        .collect();
    assert_eq!(echoes, [&[0x11u8; 8][..]]);

    // A response with an Echo option of its own.
    let n = message::build(
        &mut buf,
        MessageType::Acknowledgement,
        code::UNAUTHORIZED,
        7,
        &[9],
        &[(number::ECHO, &[0x5a; 8])],
        b"",
    )
    .unwrap();
    let answer = buf[..n].to_vec();
    let mut rwire = [0u8; 256];
    let rn = server
        .protect_response(&sid, &answer, false, &mut rwire)
        .unwrap();
    let k = client
        .unprotect_response(&id, &mut rwire[..rn].to_vec(), &mut out)
        .unwrap();
    assert_eq!(&out[..k], &answer[..]);
}
