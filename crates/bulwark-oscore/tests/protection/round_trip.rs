//! Round trips, and every change to a protected message or to its binding refused.

use super::*;

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
