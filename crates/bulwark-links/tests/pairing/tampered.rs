//! What is caught by a check: tampered confirm values, random values and DHKey checks,
//! a mistyped passkey, a rejected comparison, a wrong out-of-band confirm.

use super::*;

#[test]
fn tampered_confirm_or_random_fails_the_confirm_check() {
    for model in 0..3 {
        for what in ["confirm", "random"] {
            let cfg = || match model {
                0 => Config::default(),
                1 => Config {
                    initiator: Some(features(DisplayYesNo, true)),
                    responder: Some(features(DisplayYesNo, true)),
                    ..Config::default()
                },
                _ => Config {
                    initiator: Some(features(KeyboardOnly, true)),
                    responder: Some(features(DisplayOnly, true)),
                    ..Config::default()
                },
            };
            // The responder's confirm (or random) is changed in transit: the initiator notices.
            let res = run(cfg(), 7, |from, _, p| match (from, &mut *p, what) {
                (Role::Responder, Pdu::Confirm(c), "confirm")
                | (Role::Responder, Pdu::Random(c), "random") => flip(c),
                _ => {}
            });
            assert_eq!(
                res.err(),
                Some((Role::Initiator, PairingError::ConfirmFailed)),
                "model {model} {what}"
            );
        }
    }
    // Passkey entry: the initiator's values in round 7 are changed: the responder notices.
    let cfg = Config {
        initiator: Some(features(KeyboardOnly, true)),
        responder: Some(features(DisplayOnly, true)),
        ..Config::default()
    };
    let mut confirms = 0;
    let res = run(cfg, 7, |from, _, p| {
        if let (Role::Initiator, Pdu::Confirm(c)) = (from, p) {
            confirms += 1;
            if confirms == 7 {
                flip(c);
            }
        }
    });
    assert_eq!(
        res.err(),
        Some((Role::Responder, PairingError::ConfirmFailed))
    );
}

#[test]
fn wrong_passkey_fails() {
    // The responder's user mistypes one digit.
    let cfg = Config {
        initiator: Some(features(KeyboardOnly, true)),
        responder: Some(features(KeyboardOnly, true)),
        typed: Some(123_456),
        responder_typed: Some(123_457),
        ..Config::default()
    };
    let err = run(cfg, 8, no_tamper).err().unwrap();
    assert_eq!(err.1, PairingError::ConfirmFailed);
    // Out-of-range passkeys are refused.
    let mut i = initiator_with(features(KeyboardOnly, true));
    i.start().unwrap();
    let mut f = features(DisplayOnly, true);
    f.auth_req |= AUTH_SC;
    let out = feed(&mut i, &Pdu::PairingResponse(f)).unwrap();
    assert!(matches!(out.event, Some(Event::EnterPasskey)));
    let err = i
        .passkey_entered(&mut engines(), &mut DeterministicTestRng::new(1), 1_000_000)
        .unwrap_err();
    assert_eq!(err, PairingError::InvalidParameters);
}

#[test]
fn tampered_dhkey_check_fails() {
    for from_side in [Role::Initiator, Role::Responder] {
        let res = run(Config::default(), 9, |from, _, p| {
            if let (true, Pdu::DhKeyCheck(c)) = (from == from_side, p) {
                flip(c);
            }
        });
        let receiver = if from_side == Role::Initiator {
            Role::Responder
        } else {
            Role::Initiator
        };
        assert_eq!(res.err(), Some((receiver, PairingError::DhKeyCheckFailed)));
    }
    // Features changed in transit show up in the DHKey check: the initiator sees the
    // responder's AuthReq with a bit the responder did not send, and Eb (over the responder's
    // real IOcap) does not match.
    let cfg = Config {
        initiator: Some(features(DisplayYesNo, false)),
        responder: Some(features(NoInputNoOutput, false)),
        ..Config::default()
    };
    let res = run(cfg, 9, |from, _, p| {
        if let (Role::Responder, Pdu::PairingResponse(f)) = (from, p) {
            f.auth_req |= AUTH_MITM;
        }
    });
    assert_eq!(
        res.err(),
        Some((Role::Initiator, PairingError::DhKeyCheckFailed))
    );
}

#[test]
fn rejected_numeric_comparison_fails() {
    let cfg = Config {
        initiator: Some(features(DisplayYesNo, true)),
        responder: Some(features(DisplayYesNo, true)),
        reject_comparison: true,
        ..Config::default()
    };
    let err = run(cfg, 10, no_tamper).err().unwrap();
    assert_eq!(err.1, PairingError::NumericComparisonFailed);
    assert_eq!(err.1.reason(), 0x0c);
}

#[test]
fn wrong_oob_confirm_fails() {
    let cfg = Config {
        oob_to_responder: true,
        corrupt_oob: true,
        ..Config::default()
    };
    assert_eq!(
        run(cfg, 11, no_tamper).err(),
        Some((Role::Responder, PairingError::ConfirmFailed))
    );
}
