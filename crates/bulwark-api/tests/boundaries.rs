//! Boundary values of the API crate's own functions (the length rules every backend shares):
//! 0, 1, max-1, max, max+1 of each limit, with the exact result.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::{
    Error, SecretBytes,
    ccm::{SecurityLevel, is_valid_nonce_len, is_valid_tag_len, max_message_len},
    kdf::HKDF_SHA256_MAX_LEN,
    mac::{CMAC_LEN, CMAC_MIN_TAG_LEN},
    secret::ct_eq_bytes,
};

/// Asserts every `(input, expected)` row of `rows` against `f`.
fn table<T: core::fmt::Debug + PartialEq + Copy>(
    name: &str,
    rows: &[(usize, T)],
    f: impl Fn(usize) -> T,
) {
    for &(input, expected) in rows {
        assert_eq!(f(input), expected, "{name}: {input}");
    }
    println!("{name}: {} boundary cases", rows.len());
}

#[test]
fn is_valid_nonce_len_boundaries() {
    let rows = [
        (0, false),
        (1, false),
        (6, false),
        (7, true),
        (8, true),
        (12, true),
        (13, true),
        (14, false),
        (usize::MAX, false),
    ];
    table("is_valid_nonce_len", &rows, is_valid_nonce_len);
}

#[test]
fn is_valid_tag_len_boundaries() {
    let rows = [
        (0, false),
        (1, false),
        (2, false),
        (3, false),
        (4, true),
        (5, false),
        (6, true),
        (14, true),
        (15, false),
        (16, true),
        (17, false),
        (18, false),
        (usize::MAX, false),
    ];
    table("is_valid_tag_len", &rows, is_valid_tag_len);
}

#[test]
fn max_message_len_boundaries() {
    let rows = [
        (0, 0),
        (1, 0),
        (6, 0),
        (7, u64::MAX),
        (8, (1 << 56) - 1),
        (11, (1 << 32) - 1),
        (12, (1 << 24) - 1),
        (13, 65_535),
        (14, 0),
        (usize::MAX, 0),
    ];
    table("max_message_len", &rows, max_message_len);
}

#[test]
fn security_level_from_u8_and_mic_len() {
    let rows = [
        (0, Err(Error::InvalidInput)),
        (1, Ok(4)),
        (2, Ok(8)),
        (3, Ok(16)),
        (4, Ok(0)),
        (5, Ok(4)),
        (6, Ok(8)),
        (7, Ok(16)),
        (8, Err(Error::InvalidInput)),
        (255, Err(Error::InvalidInput)),
    ];
    table("SecurityLevel::from_u8 -> mic_len", &rows, |v| {
        SecurityLevel::from_u8(v as u8).map(SecurityLevel::mic_len)
    });
}

#[test]
fn secret_bytes_try_from_slice() {
    let ok = Ok(());
    let bad = Err(Error::InvalidInput);
    let rows = [
        (0, bad),
        (1, bad),
        (31, bad),
        (32, ok),
        (33, bad),
        (64, bad),
    ];
    table("SecretBytes::<32>::try_from_slice", &rows, |n| {
        SecretBytes::<32>::try_from_slice(&vec![0x5a; n])
            .map(|s| assert_eq!(s.expose_secret(), &[0x5a; 32]))
    });
    let rows = [(0, ok), (1, bad)];
    table("SecretBytes::<0>::try_from_slice", &rows, |n| {
        SecretBytes::<0>::try_from_slice(&vec![0; n]).map(|s| assert!(s.is_empty()))
    });
}

#[test]
fn ct_eq_bytes_lengths() {
    // Different lengths are unequal, never a panic; equal prefixes do not make them equal.
    let rows = [(0, false), (1, false), (15, false), (16, true), (17, false)];
    table("ct_eq_bytes(16 bytes, n bytes)", &rows, |n| {
        ct_eq_bytes(&[7; 16], &vec![7; n])
    });
    assert!(ct_eq_bytes(&[], &[]));
}

#[test]
fn constants() {
    assert_eq!(HKDF_SHA256_MAX_LEN, 8160);
    assert_eq!((CMAC_MIN_TAG_LEN, CMAC_LEN), (8, 16));
}
