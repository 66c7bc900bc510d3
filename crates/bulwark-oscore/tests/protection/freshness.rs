//! Replays, Echo recovery after a lost replay window, and the Echo option.

use super::*;

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
