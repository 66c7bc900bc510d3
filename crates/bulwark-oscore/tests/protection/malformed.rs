//! Unsupported and malformed input: refused without spending a number, never a panic, never
//! plaintext left behind.

use super::*;

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
