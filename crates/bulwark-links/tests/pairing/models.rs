//! Every association model in both roles, and the association model table.

use super::*;

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
