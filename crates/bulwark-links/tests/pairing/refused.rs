//! What is refused outright: legacy pairing, short keys, Just Works under a MITM
//! requirement, invalid and debug public keys, PDUs out of order, malformed PDUs.

use super::*;

#[test]
fn legacy_pairing_is_refused() {
    let mut r = responder_with(Options::default(), features(DisplayYesNo, true));
    let legacy = Pdu::PairingRequest(features(DisplayYesNo, true)); // no SC bit
    let err = feed(&mut r, &legacy).unwrap_err();
    assert_eq!(err, PairingError::Legacy);
    assert_eq!(err.reason(), 0x03);
    // The machine is finished.
    let again = feed(&mut r, &request(features(DisplayYesNo, true)));
    assert_eq!(again.unwrap_err(), PairingError::Unexpected);
    // And we always offer Secure Connections, never legacy.
    let mut i = initiator_with(features(DisplayYesNo, false));
    let Pdu::PairingRequest(f) = i.start().unwrap() else {
        panic!()
    };
    assert_ne!(f.auth_req & AUTH_SC, 0);
    assert_eq!(f.max_key_size, 16);
}

#[test]
fn short_encryption_keys_are_refused() {
    for size in [7u8, 8, 15] {
        let mut r = responder_with(Options::default(), features(DisplayYesNo, true));
        let mut f = features(DisplayYesNo, true);
        f.max_key_size = size;
        let err = feed(&mut r, &request(f)).unwrap_err();
        assert_eq!(err, PairingError::KeySize, "size {size}");
        assert_eq!(err.reason(), 0x06);
    }
    // The initiator checks the response too.
    let mut i = initiator_with(features(DisplayYesNo, true));
    i.start().unwrap();
    let mut f = features(DisplayYesNo, true);
    f.auth_req |= AUTH_SC;
    f.max_key_size = 10;
    let err = feed(&mut i, &Pdu::PairingResponse(f)).unwrap_err();
    assert_eq!(err, PairingError::KeySize);
}

#[test]
fn mitm_required_gets_an_error_not_just_works() {
    // Our side can do numeric comparison, the peer has no IO: Just Works would be the result.
    let cfg = Config {
        initiator: Some(features(DisplayYesNo, false)),
        responder: Some(features(NoInputNoOutput, false)),
        initiator_options: Options {
            require_mitm: true,
            ..Options::default()
        },
        ..Config::default()
    };
    assert_eq!(
        run(cfg, 6, no_tamper).err(),
        Some((Role::Initiator, PairingError::MitmRequired))
    );
    let cfg = Config {
        initiator: Some(features(NoInputNoOutput, false)),
        responder: Some(features(DisplayYesNo, false)),
        responder_options: Options {
            require_mitm: true,
            ..Options::default()
        },
        ..Config::default()
    };
    assert_eq!(
        run(cfg, 6, no_tamper).err(),
        Some((Role::Responder, PairingError::MitmRequired))
    );
    // Without the requirement the same devices pair, and the result says "not authenticated".
    let cfg = Config {
        initiator: Some(features(DisplayYesNo, false)),
        responder: Some(features(NoInputNoOutput, false)),
        ..Config::default()
    };
    let (a, _, _) = run(cfg, 6, no_tamper).unwrap();
    assert!(!a.authenticated);
}

#[test]
fn invalid_public_keys_are_refused_before_use() {
    let p = 0xffu8;
    let cases: [([u8; 32], [u8; 32]); 4] = [
        ([0; 32], [0; 32]), // the identity's customary encoding
        ([1; 32], [1; 32]), // off the curve
        // x of the debug key with a wrong y (the invalid-curve attack keeps x, changes y)
        (DEBUG_PUBLIC_X, [2; 32]),
        ([p; 32], [p; 32]), // coordinates above the field prime
    ];
    for (x, y) in cases {
        let mut r = responder_after_features();
        let err = feed(&mut r, &Pdu::PublicKey(x, y)).unwrap_err();
        assert_eq!(err, PairingError::InvalidPublicKey);
    }
    // Our own key reflected back.
    let mut r = responder_after_features();
    let (x, y) = r.public_key();
    let err = feed(&mut r, &Pdu::PublicKey(x, y)).unwrap_err();
    assert_eq!(err, PairingError::InvalidPublicKey);
}

#[test]
fn debug_key_refused_unless_allowed() {
    let mut r = responder_after_features();
    let err = feed(&mut r, &Pdu::PublicKey(DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y)).unwrap_err();
    assert_eq!(err, PairingError::DebugKey);
    // Its negation (x, p - y) is a valid point with an equally public private key (n - d).
    let negated_y = bulwark_testkit::hex::decode(
        "237f63b59ad514939ccd6540a5adeaa3899cba3e7012cfdb8be3712fea762d74",
    );
    let mut r = responder_after_features();
    let err = feed(
        &mut r,
        &Pdu::PublicKey(DEBUG_PUBLIC_X, negated_y.try_into().unwrap()),
    )
    .unwrap_err();
    assert_eq!(err, PairingError::DebugKey);
    let mut r = responder_with(
        Options {
            allow_debug_key: true,
            ..Options::default()
        },
        features(NoInputNoOutput, false),
    );
    feed(&mut r, &request(features(NoInputNoOutput, false))).unwrap();
    let out = feed(&mut r, &Pdu::PublicKey(DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y)).unwrap();
    assert!(matches!(
        out.send,
        [Some(Pdu::PublicKey(..)), Some(Pdu::Confirm(_))]
    ));
}

#[test]
fn out_of_order_and_peer_failure() {
    let mut r = responder_with(Options::default(), features(NoInputNoOutput, false));
    let err = feed(&mut r, &Pdu::Random([0; 16])).unwrap_err();
    assert_eq!(err, PairingError::Unexpected);
    let mut r = responder_after_features();
    let err = feed(&mut r, &Pdu::Failed(0x05)).unwrap_err();
    assert_eq!(err, PairingError::PeerFailed(0x05));
    // A second public key after the first is out of order.
    let res = run(Config::default(), 12, |from, n, p| {
        if from == Role::Initiator && n == 2 {
            *p = Pdu::PublicKey(DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y);
        }
    });
    assert_eq!(res.err(), Some((Role::Responder, PairingError::Unexpected)));
}

#[test]
fn pdu_decoding() {
    // Wire order is least significant octet first.
    let mut v = [0u8; 16];
    v[0] = 0xaa;
    let mut out = [0u8; MAX_PDU_LEN];
    let n = Pdu::Confirm(v).encode(&mut out);
    assert_eq!(n, 17);
    assert_eq!((out[0], out[16]), (0x03, 0xaa));
    assert_eq!(Pdu::decode(&out[..17]).unwrap(), Pdu::Confirm(v));
    for bad in [
        &[][..],
        &[0x03; 16],
        &[0x04; 18],
        &[0x01, 0, 0, 0, 16, 0],
        &[0x01, 5, 0, 0, 16, 0, 0],
        &[0x01, 0, 2, 0, 16, 0, 0],
        &[0x0c; 64],
        &[0x05],
    ] {
        assert_eq!(
            Pdu::decode(bad).err(),
            Some(PairingError::InvalidParameters),
            "{bad:?}"
        );
    }
    // Legacy key distribution and unknown codes are not LE Secure Connections pairing.
    for code in [0x06u8, 0x07, 0x08, 0x0e, 0x0f] {
        assert_eq!(
            Pdu::decode(&[code; 17]).err(),
            Some(PairingError::Unexpected)
        );
    }
}
