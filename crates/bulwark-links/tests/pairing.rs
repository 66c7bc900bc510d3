//! LE Secure Connections pairing between two state machines: every association model in both
//! roles, and a negative test for every check.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity
)]

use IoCapability::*;
use bulwark_links::ModeEngines;
use bulwark_links::ble::pairing::{
    AUTH_BONDING, AUTH_MITM, AUTH_SC, DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y, Event, Features,
    IoCapability, MAX_PDU_LEN, Method, Options, Outcome, Pairing, PairingError, Pdu, Role,
    select_method,
};
use bulwark_soft::{Soft, SoftAes};
use bulwark_testkit::rng::DeterministicTestRng;

type Engines = ModeEngines<fn(&[u8]) -> Result<SoftAes, bulwark_api::Error>>;

fn engines() -> Engines {
    ModeEngines(SoftAes::new)
}

const A: [u8; 7] = [0x00, 0x56, 0x12, 0x37, 0x37, 0xbf, 0xce];
const B: [u8; 7] = [0x01, 0xc7, 0x13, 0x70, 0x2d, 0xcf, 0xc1];

fn features(io: IoCapability, mitm: bool) -> Features {
    Features {
        io,
        oob: false,
        auth_req: AUTH_BONDING | if mitm { AUTH_MITM } else { 0 },
        max_key_size: 16,
        initiator_keys: 0,
        responder_keys: 0,
    }
}

struct Side {
    m: Pairing<Soft>,
    rng: DeterministicTestRng,
    wants_passkey: bool,
    shown: Option<u32>,
    compared: Option<u32>,
    outcome: Option<Outcome>,
}

#[derive(Default)]
struct Config {
    initiator: Option<Features>,
    responder: Option<Features>,
    initiator_options: Options,
    responder_options: Options,
    /// Out-of-band data handed from the initiator to the responder, and back.
    oob_to_responder: bool,
    oob_to_initiator: bool,
    /// The passkey both users type when both sides input; the responder's typed passkey when
    /// it differs (a typing mistake).
    typed: Option<u32>,
    responder_typed: Option<u32>,
    reject_comparison: bool,
    corrupt_oob: bool,
}

/// Which side failed, and why.
type Failure = (Role, PairingError);

fn run(
    cfg: Config,
    seed: u64,
    mut tamper: impl FnMut(Role, usize, &mut Pdu),
) -> Result<(Outcome, Outcome, Option<u32>), Failure> {
    let mut kex = Soft;
    let mut e = engines();
    let mut make = |role, f: Features, o, local, peer, seed| Side {
        m: Pairing::new(
            &mut kex,
            &mut DeterministicTestRng::new(seed),
            role,
            f,
            o,
            local,
            peer,
        )
        .unwrap(),
        rng: DeterministicTestRng::new(seed ^ 0xffff),
        wants_passkey: false,
        shown: None,
        compared: None,
        outcome: None,
    };
    let mut i = make(
        Role::Initiator,
        cfg.initiator.unwrap_or(features(NoInputNoOutput, false)),
        cfg.initiator_options,
        A,
        B,
        seed,
    );
    let mut r = make(
        Role::Responder,
        cfg.responder.unwrap_or(features(NoInputNoOutput, false)),
        cfg.responder_options,
        B,
        A,
        seed + 1,
    );
    if cfg.oob_to_responder {
        let (rv, mut c) = i.m.local_oob(&mut e).unwrap();
        if cfg.corrupt_oob {
            c[0] ^= 1;
        }
        r.m.set_peer_oob(rv, c).unwrap();
    }
    if cfg.oob_to_initiator {
        let (rv, c) = r.m.local_oob(&mut e).unwrap();
        i.m.set_peer_oob(rv, c).unwrap();
    }
    // (from initiator, pdu)
    let mut queue = std::collections::VecDeque::new();
    queue.push_back((Role::Initiator, i.m.start().unwrap()));
    let mut counts = [0usize; 2];
    let mut steps = 0;
    while let Some((from, mut pdu)) = queue.pop_front() {
        steps += 1;
        assert!(steps < 200, "no progress");
        let idx = if from == Role::Initiator { 0 } else { 1 };
        tamper(from, counts[idx], &mut pdu);
        counts[idx] += 1;
        // Through the wire format.
        let mut bytes = [0u8; MAX_PDU_LEN];
        let n = pdu.encode(&mut bytes);
        let pdu = Pdu::decode(&bytes[..n]).unwrap();
        let (to, to_role) = if from == Role::Initiator {
            (&mut r, Role::Responder)
        } else {
            (&mut i, Role::Initiator)
        };
        let out =
            to.m.receive(&mut kex, &mut e, &mut to.rng, &pdu)
                .map_err(|err| (to_role, err))?;
        let mut outputs = vec![(to_role, out)];
        // Users act.
        loop {
            let mut more = Vec::new();
            for (who, out) in outputs.drain(..) {
                for p in out.send.into_iter().flatten() {
                    queue.push_back((who, p));
                }
                let side = if who == Role::Initiator {
                    &mut i
                } else {
                    &mut r
                };
                match out.event {
                    Some(Event::DisplayPasskey(p)) => side.shown = Some(p),
                    Some(Event::EnterPasskey) => side.wants_passkey = true,
                    Some(Event::CompareNumber(v)) => {
                        side.compared = Some(v);
                        let o = side
                            .m
                            .user_confirmed(&mut e, !cfg.reject_comparison)
                            .map_err(|err| (who, err))?;
                        more.push((who, o));
                    }
                    Some(Event::Complete(o)) => side.outcome = Some(o),
                    None => {}
                }
            }
            // Type passkeys once they are known.
            for who in [Role::Initiator, Role::Responder] {
                let other_shown = if who == Role::Initiator {
                    r.shown
                } else {
                    i.shown
                };
                let side = if who == Role::Initiator {
                    &mut i
                } else {
                    &mut r
                };
                if side.wants_passkey {
                    let typed = if who == Role::Responder {
                        cfg.responder_typed.or(other_shown).or(cfg.typed)
                    } else {
                        other_shown.or(cfg.typed)
                    };
                    if let Some(p) = typed {
                        side.wants_passkey = false;
                        let o = side
                            .m
                            .passkey_entered(&mut e, &mut side.rng, p)
                            .map_err(|err| (who, err))?;
                        more.push((who, o));
                    }
                }
            }
            if more.is_empty() {
                break;
            }
            outputs = more;
        }
    }
    assert_eq!(i.compared, r.compared, "both sides show the same number");
    let (Some(oi), Some(or)) = (i.outcome, r.outcome) else {
        panic!("pairing did not complete")
    };
    Ok((oi, or, i.compared))
}

fn no_tamper(_: Role, _: usize, _: &mut Pdu) {}

fn check_pair(cfg: Config, method: Method, seed: u64) -> Option<u32> {
    let (a, b, number) = run(cfg, seed, no_tamper).unwrap();
    assert!(a.ltk.ct_eq(&b.ltk), "both sides derive the same LTK");
    assert_eq!(a.method, method);
    assert_eq!(b.method, method);
    assert_eq!(a.authenticated, method != Method::JustWorks);
    assert_eq!(b.authenticated, a.authenticated);
    assert_eq!((a.key_size, b.key_size), (16, 16));
    number
}

#[test]
fn just_works() {
    check_pair(Config::default(), Method::JustWorks, 1);
}

#[test]
fn numeric_comparison_both_show_the_same_number() {
    let cfg = Config {
        initiator: Some(features(DisplayYesNo, true)),
        responder: Some(features(KeyboardDisplay, true)),
        ..Config::default()
    };
    let n = check_pair(cfg, Method::NumericComparison, 2).unwrap();
    assert!(n < 1_000_000);
    // Another pairing, other keys and nonces, another number (with overwhelming probability).
    let cfg = Config {
        initiator: Some(features(DisplayYesNo, true)),
        responder: Some(features(DisplayYesNo, true)),
        initiator_options: Options {
            require_mitm: true,
            ..Options::default()
        },
        responder_options: Options {
            require_mitm: true,
            ..Options::default()
        },
        ..Config::default()
    };
    assert_ne!(check_pair(cfg, Method::NumericComparison, 3), Some(n));
}

#[test]
fn passkey_entry_all_twenty_rounds_each_direction() {
    let mut pdus = 0;
    for (ii, ri, initiator_inputs, responder_inputs, typed) in [
        (KeyboardOnly, DisplayOnly, true, false, None),
        (DisplayOnly, KeyboardOnly, false, true, None),
        (KeyboardDisplay, KeyboardOnly, false, true, None),
        (KeyboardOnly, KeyboardOnly, true, true, Some(123_456)),
    ] {
        let cfg = Config {
            initiator: Some(features(ii, true)),
            responder: Some(features(ri, false)),
            typed,
            ..Config::default()
        };
        check_pair(
            cfg,
            Method::PasskeyEntry {
                initiator_inputs,
                responder_inputs,
            },
            4,
        );
        // Count the confirm PDUs: 20 each way.
        let cfg = Config {
            initiator: Some(features(ii, true)),
            responder: Some(features(ri, false)),
            typed,
            ..Config::default()
        };
        let mut confirms = [0; 2];
        run(cfg, 4, |from, _, p| {
            if matches!(p, Pdu::Confirm(_)) {
                confirms[usize::from(from == Role::Responder)] += 1;
            }
        })
        .unwrap();
        assert_eq!(confirms, [20, 20]);
        pdus += 1;
    }
    assert_eq!(pdus, 4);
}

#[test]
fn out_of_band_both_and_one_direction() {
    for (to_r, to_i) in [(true, true), (true, false), (false, true)] {
        let cfg = Config {
            oob_to_responder: to_r,
            oob_to_initiator: to_i,
            ..Config::default()
        };
        check_pair(cfg, Method::OutOfBand, 5);
    }
}

#[test]
fn association_model_table() {
    use Method::*;
    let ios = [
        DisplayOnly,
        DisplayYesNo,
        KeyboardOnly,
        NoInputNoOutput,
        KeyboardDisplay,
    ];
    let pk = |i, r| PasskeyEntry {
        initiator_inputs: i,
        responder_inputs: r,
    };
    // Rows: initiator; columns: responder (Core Spec Vol 3 Part H Table 2.8, LE Secure Connections).
    let table = [
        [
            JustWorks,
            JustWorks,
            pk(false, true),
            JustWorks,
            pk(false, true),
        ],
        [
            JustWorks,
            NumericComparison,
            pk(false, true),
            JustWorks,
            NumericComparison,
        ],
        [
            pk(true, false),
            pk(true, false),
            pk(true, true),
            JustWorks,
            pk(true, false),
        ],
        [JustWorks, JustWorks, JustWorks, JustWorks, JustWorks],
        [
            pk(true, false),
            NumericComparison,
            pk(false, true),
            JustWorks,
            NumericComparison,
        ],
    ];
    for (a, row) in ios.iter().zip(table) {
        for (b, expected) in ios.iter().zip(row) {
            assert_eq!(
                select_method(&features(*a, true), &features(*b, false)),
                expected,
                "{a:?} {b:?}"
            );
            // Neither side asks for MITM: Just Works.
            assert_eq!(
                select_method(&features(*a, false), &features(*b, false)),
                JustWorks
            );
            // OOB data on either side: OOB.
            let mut fa = features(*a, true);
            fa.oob = true;
            assert_eq!(select_method(&fa, &features(*b, true)), OutOfBand);
        }
    }
}

// ---- Negative tests: one per check.

fn responder_with(options: Options, f: Features) -> Pairing<Soft> {
    Pairing::new(
        &mut Soft,
        &mut DeterministicTestRng::new(9),
        Role::Responder,
        f,
        options,
        B,
        A,
    )
    .unwrap()
}

fn request(f: Features) -> Pdu {
    Pdu::PairingRequest(Features {
        auth_req: f.auth_req | AUTH_SC,
        ..f
    })
}

#[test]
fn legacy_pairing_is_refused() {
    let mut r = responder_with(Options::default(), features(DisplayYesNo, true));
    let legacy = Pdu::PairingRequest(features(DisplayYesNo, true)); // no SC bit
    let err = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &legacy,
        )
        .unwrap_err();
    assert_eq!(err, PairingError::Legacy);
    assert_eq!(err.reason(), 0x03);
    // The machine is finished.
    let again = r.receive(
        &mut Soft,
        &mut engines(),
        &mut DeterministicTestRng::new(1),
        &request(features(DisplayYesNo, true)),
    );
    assert_eq!(again.unwrap_err(), PairingError::Unexpected);
    // And we always offer Secure Connections, never legacy.
    let mut i = Pairing::<Soft>::new(
        &mut Soft,
        &mut DeterministicTestRng::new(2),
        Role::Initiator,
        features(DisplayYesNo, false),
        Options::default(),
        A,
        B,
    )
    .unwrap();
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
        let err = r
            .receive(
                &mut Soft,
                &mut engines(),
                &mut DeterministicTestRng::new(1),
                &request(f),
            )
            .unwrap_err();
        assert_eq!(err, PairingError::KeySize, "size {size}");
        assert_eq!(err.reason(), 0x06);
    }
    // The initiator checks the response too.
    let mut i = Pairing::<Soft>::new(
        &mut Soft,
        &mut DeterministicTestRng::new(2),
        Role::Initiator,
        features(DisplayYesNo, true),
        Options::default(),
        A,
        B,
    )
    .unwrap();
    i.start().unwrap();
    let mut f = features(DisplayYesNo, true);
    f.auth_req |= AUTH_SC;
    f.max_key_size = 10;
    let err = i
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::PairingResponse(f),
        )
        .unwrap_err();
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

fn responder_after_features() -> Pairing<Soft> {
    let mut r = responder_with(Options::default(), features(NoInputNoOutput, false));
    r.receive(
        &mut Soft,
        &mut engines(),
        &mut DeterministicTestRng::new(1),
        &request(features(NoInputNoOutput, false)),
    )
    .unwrap();
    r
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
        let err = r
            .receive(
                &mut Soft,
                &mut engines(),
                &mut DeterministicTestRng::new(1),
                &Pdu::PublicKey(x, y),
            )
            .unwrap_err();
        assert_eq!(err, PairingError::InvalidPublicKey);
    }
    // Our own key reflected back.
    let mut r = responder_after_features();
    let (x, y) = r.public_key();
    let err = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::PublicKey(x, y),
        )
        .unwrap_err();
    assert_eq!(err, PairingError::InvalidPublicKey);
}

#[test]
fn debug_key_refused_unless_allowed() {
    let mut r = responder_after_features();
    let err = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::PublicKey(DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y),
        )
        .unwrap_err();
    assert_eq!(err, PairingError::DebugKey);
    // Its negation (x, p - y) is a valid point with an equally public private key (n - d).
    let negated_y = bulwark_testkit::hex::decode(
        "237f63b59ad514939ccd6540a5adeaa3899cba3e7012cfdb8be3712fea762d74",
    );
    let mut r = responder_after_features();
    let err = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
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
    r.receive(
        &mut Soft,
        &mut engines(),
        &mut DeterministicTestRng::new(1),
        &request(features(NoInputNoOutput, false)),
    )
    .unwrap();
    let out = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::PublicKey(DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y),
        )
        .unwrap();
    assert!(matches!(
        out.send,
        [Some(Pdu::PublicKey(..)), Some(Pdu::Confirm(_))]
    ));
}

fn flip(v: &mut [u8]) {
    v[15 % v.len()] ^= 0x01;
}

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
    let mut i = Pairing::<Soft>::new(
        &mut Soft,
        &mut DeterministicTestRng::new(2),
        Role::Initiator,
        features(KeyboardOnly, true),
        Options::default(),
        A,
        B,
    )
    .unwrap();
    i.start().unwrap();
    let mut f = features(DisplayOnly, true);
    f.auth_req |= AUTH_SC;
    let out = i
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::PairingResponse(f),
        )
        .unwrap();
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

#[test]
fn out_of_order_and_peer_failure() {
    let mut r = responder_with(Options::default(), features(NoInputNoOutput, false));
    let err = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::Random([0; 16]),
        )
        .unwrap_err();
    assert_eq!(err, PairingError::Unexpected);
    let mut r = responder_after_features();
    let err = r
        .receive(
            &mut Soft,
            &mut engines(),
            &mut DeterministicTestRng::new(1),
            &Pdu::Failed(0x05),
        )
        .unwrap_err();
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
