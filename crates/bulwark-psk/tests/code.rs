//! The out-of-band code format: round trips, tolerant parsing, and exhaustive error detection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::SecretBytes;
use bulwark_psk::code::{ALPHABET, SYMBOLS, TEXT_LEN};
use bulwark_psk::{CodeError, OobCode, parse_code};

/// The symbols of a code, without dashes.
fn symbols(code: &OobCode) -> Vec<u8> {
    code.expose_str().bytes().filter(|&c| c != b'-').collect()
}

fn text(symbols: &[u8]) -> String {
    String::from_utf8(symbols.to_vec()).unwrap()
}

fn secret_of(code: &str) -> [u8; 16] {
    *parse_code(code).unwrap().expose_secret()
}

/// Every substitution of one symbol by each of the 31 other symbols, and every swap of two
/// adjacent unequal symbols, is reported as `Checksum`. Returns (substitutions, swaps) tested.
fn assert_single_errors_detected(code: &OobCode) -> (usize, usize) {
    let good = symbols(code);
    let (mut subs, mut swaps) = (0, 0);
    for i in 0..SYMBOLS {
        for &c in ALPHABET.iter().filter(|&&c| c != good[i]) {
            let mut bad = good.clone();
            bad[i] = c;
            assert_eq!(
                parse_code(&text(&bad)).err(),
                Some(CodeError::Checksum),
                "substitution at {i} by {} not detected",
                c as char
            );
            subs += 1;
        }
    }
    for i in 0..SYMBOLS - 1 {
        if good[i] != good[i + 1] {
            let mut bad = good.clone();
            bad.swap(i, i + 1);
            assert_eq!(
                parse_code(&text(&bad)).err(),
                Some(CodeError::Checksum),
                "swap at {i}"
            );
            swaps += 1;
        }
    }
    (subs, swaps)
}

#[test]
fn example_code_round_trips() {
    // The code `bulwark_testkit::DeterministicTestRng` seed 1 gives (SplitMix64 bytes).
    let code = OobCode::generate(&mut common::TestRng::new(1)).unwrap();
    assert_eq!(code.expose_str(), "61BG-18KV-1D1A-8PFV-4ECP-GRVT-XYXQ");
    assert_eq!(code.expose_str().len(), TEXT_LEN);
    let secret = parse_code(code.expose_str()).unwrap();
    let again = OobCode::from_secret(&secret);
    assert_eq!(again.expose_str(), code.expose_str());
    let mut out = SecretBytes::zeroed();
    code.secret_into(&mut out);
    assert!(out.ct_eq(&secret));
}

#[test]
fn exhaustive_single_errors_on_one_code() {
    let code = OobCode::generate(&mut common::TestRng::new(1)).unwrap();
    let (subs, swaps) = assert_single_errors_detected(&code);
    assert_eq!(subs, SYMBOLS * 31);
    assert!(swaps >= 20, "{swaps}");
}

#[test]
fn exhaustive_single_errors_on_extreme_codes() {
    // All-equal data symbols have few distinct neighbours; still every substitution is caught.
    for secret in [[0u8; 16], [0xff; 16], [0xa5; 16]] {
        let mut s = SecretBytes::<16>::zeroed();
        *s.expose_secret_mut() = secret;
        assert_single_errors_detected(&OobCode::from_secret(&s));
    }
}

#[test]
fn every_transposition_and_adjacent_double_substitution_on_one_code() {
    // Minimum distance 3 means more than the requirement: any two wrong symbols are detected.
    // Tested here for every transposition (adjacent or not) and every pair of wrong symbols in
    // adjacent positions (all pairs of positions take ~15x longer in a debug build).
    let good = symbols(&OobCode::generate(&mut common::TestRng::new(2)).unwrap());
    let mut tested = 0usize;
    for i in 0..SYMBOLS {
        for j in i + 1..SYMBOLS {
            if good[i] != good[j] {
                let mut bad = good.clone();
                bad.swap(i, j);
                assert_eq!(parse_code(&text(&bad)).err(), Some(CodeError::Checksum));
            }
            if j != i + 1 {
                continue;
            }
            for &a in ALPHABET.iter().filter(|&&a| a != good[i]) {
                for &b in ALPHABET.iter().filter(|&&b| b != good[j]) {
                    let mut bad = good.clone();
                    bad[i] = a;
                    bad[j] = b;
                    assert_eq!(
                        parse_code(&text(&bad)).err(),
                        Some(CodeError::Checksum),
                        "double error at {i},{j}"
                    );
                    tested += 1;
                }
            }
        }
    }
    assert_eq!(tested, (SYMBOLS - 1) * 31 * 31);
}

#[test]
fn random_codes() {
    let mut rng = common::TestRng::new(3);
    for _ in 0..64 {
        let code = OobCode::generate(&mut rng).unwrap();
        let secret = parse_code(code.expose_str()).unwrap();
        assert_eq!(
            OobCode::from_secret(&secret).expose_str(),
            code.expose_str()
        );
        assert_single_errors_detected(&code);
    }
}

#[test]
fn tolerant_parsing() {
    let canonical = "3R70-JR4A-KFKS-HDM8-CGX0-ME9J-EJK1";
    let expected = secret_of(canonical);
    for typed in [
        "3r70-jr4a-kfks-hdm8-cgx0-me9j-ejk1",
        "3R70JR4AKFKSHDM8CGX0ME9JEJK1",
        "3R70 JR4A KFKS HDM8 CGX0 ME9J EJK1",
        " 3R7O-JR4A-KFKS-HDM8-CGXo-ME9J-EJKI ",
        "3R70-JR4A-KFKS-HDM8-CGX0-ME9J-EJKl",
        "3-R-7-0JR4AKFKSHDM8CGX0ME9JEJK1--",
    ] {
        assert_eq!(secret_of(typed), expected, "{typed}");
        assert_eq!(OobCode::parse(typed).unwrap().expose_str(), canonical);
    }
}

#[test]
fn distinct_errors() {
    let good = "3R70-JR4A-KFKS-HDM8-CGX0-ME9J-EJK1";
    assert_eq!(
        parse_code("3R70-JR4A-KFKS-HDM8-CGX0-ME9J-EJK").err(),
        Some(CodeError::Length { found: 27 })
    );
    assert_eq!(parse_code("").err(), Some(CodeError::Length { found: 0 }));
    assert_eq!(
        parse_code(&format!("{good}0")).err(),
        Some(CodeError::Length { found: 29 })
    );
    // 'U' is excluded from Crockford base32; position counts the dashes.
    assert_eq!(
        parse_code("3R70-JR4A-KFKS-HDM8-CGXU-ME9J-EJK1").err(),
        Some(CodeError::InvalidCharacter { position: 23 })
    );
    assert_eq!(
        parse_code("3R70_JR4A").err(),
        Some(CodeError::InvalidCharacter { position: 4 })
    );
    assert_eq!(
        parse_code("ü3R70").err(),
        Some(CodeError::InvalidCharacter { position: 0 })
    );
    assert_eq!(
        parse_code("3R70-JR4A-KFKS-HDM8-CGX0-ME9J-EJK2").err(),
        Some(CodeError::Checksum)
    );
    for e in [
        CodeError::Length { found: 3 },
        CodeError::InvalidCharacter { position: 2 },
        CodeError::Checksum,
        CodeError::UnsupportedVersion { version: 1 },
    ] {
        assert!(!e.to_string().is_empty());
        assert_eq!(
            bulwark_api::Error::from(e),
            bulwark_api::Error::InvalidInput
        );
    }
    assert!(CodeError::Checksum.to_string().contains("mistyped"));
}

#[test]
fn code_is_not_revealed_by_debug() {
    let code = OobCode::generate(&mut common::TestRng::new(1)).unwrap();
    let dbg = format!("{code:?}");
    assert_eq!(dbg, "OobCode { .. }");
    let secret = parse_code(code.expose_str()).unwrap();
    assert_eq!(format!("{secret:?}"), "SecretBytes { .. }");
}
