//! X25519 and P-256 ECDH.

use super::*;

#[test]
fn x25519_import_public() {
    let rows = [
        (0, BAD),
        (1, BAD),
        (31, BAD),
        (32, OK),
        (33, BAD),
        (64, BAD),
    ];
    table("KeyAgreement<X25519>::import_public", &rows, |n| {
        KeyAgreement::<X25519>::import_public(&mut Soft, &vec![9; n]).map(|_| ())
    });
}

#[test]
fn x25519_agree_static_non_contributory() {
    // u = 0 and u = 1 have small order: Verification; u = 9 (the base point) is fine.
    let secret = KeyAgreement::<X25519>::import_static(
        &mut Soft,
        SecretBytes::try_from_slice(&[0x77; 32]).unwrap(),
    )
    .unwrap();
    table(
        "KeyAgreement<X25519>::agree_static peer u",
        &[(0, VER), (1, VER), (9, OK)],
        |u| {
            let mut peer = [0u8; 32];
            peer[0] = u as u8;
            let peer = KeyAgreement::<X25519>::import_public(&mut Soft, &peer)?;
            KeyAgreement::<X25519>::agree_static(&mut Soft, &secret, &peer).map(|_| ())
        },
    );
}

/// The P-256 generator, uncompressed and compressed.
fn p256_g() -> ([u8; 65], [u8; 33]) {
    let mut one = [0u8; 32];
    one[31] = 1;
    let s =
        KeyAgreement::<P256>::import_static(&mut Soft, SecretBytes::try_from_slice(&one).unwrap())
            .unwrap();
    let pk = KeyAgreement::<P256>::static_public(&mut Soft, &s).unwrap();
    (
        KeyAgreement::<P256>::export_public(&mut Soft, &pk),
        Soft.export_public_compressed(&pk),
    )
}

/// A SEC1 encoding cut or extended to `n` bytes, from the valid one of the nearest length.
pub(super) fn sec1_of_len(n: usize, unc: &[u8; 65], comp: &[u8; 33]) -> Vec<u8> {
    let base: &[u8] = if n >= 49 { unc } else { comp };
    let mut v = base.to_vec();
    v.resize(n, 0);
    v
}

pub(super) const SEC1_ROWS: &[(usize, R)] = &[
    (0, BAD),
    (1, BAD),
    (32, BAD),
    (33, OK),
    (34, BAD),
    (64, BAD),
    (65, OK),
    (66, BAD),
];

#[test]
fn p256_import_public() {
    let (unc, comp) = p256_g();
    table("KeyAgreement<P256>::import_public", SEC1_ROWS, |n| {
        KeyAgreement::<P256>::import_public(&mut Soft, &sec1_of_len(n, &unc, &comp)).map(|_| ())
    });
}

/// Scalars at the edges of [1, n-1], by name: 0 -> 0, 1 -> 1, 2 -> n-1, 3 -> n, 4 -> n+1,
/// 5 -> 2^256-1.
pub(super) fn scalar(which: usize) -> [u8; 32] {
    let mut s = P256_N;
    match which {
        0 => s = [0; 32],
        1 => {
            s = [0; 32];
            s[31] = 1;
        }
        2 => s[31] -= 1,
        3 => {}
        4 => s[31] += 1,
        _ => s = [0xff; 32],
    }
    s
}

pub(super) const SCALAR_ROWS: &[(usize, R)] =
    &[(0, BAD), (1, OK), (2, OK), (3, BAD), (4, BAD), (5, BAD)];

#[test]
fn p256_import_static() {
    table(
        "KeyAgreement<P256>::import_static scalar (0, 1, n-1, n, n+1, max)",
        SCALAR_ROWS,
        |w| {
            KeyAgreement::<P256>::import_static(
                &mut Soft,
                SecretBytes::try_from_slice(&scalar(w)).unwrap(),
            )
            .map(|_| ())
        },
    );
}
