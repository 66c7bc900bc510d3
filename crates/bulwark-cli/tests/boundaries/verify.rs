//! Ed25519 and ECDSA P-256 verification lengths.

use super::kex::SEC1_ROWS;
use super::*;

#[test]
fn verify_ed25519_lengths() {
    // RFC 8032 TEST 1.
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    let resize = |h: &str, n: usize| {
        let mut v: String = h.chars().take(2 * n).collect();
        while v.len() < 2 * n {
            v.push('0');
        }
        v
    };
    let rows = [(0, 1), (1, 1), (31, 1), (32, 0), (33, 1)];
    table("verify ed25519 --key", &rows, |n| {
        s(&[
            "verify",
            "ed25519",
            "--key",
            &resize(key, n),
            "--sig",
            sig,
            "--msg",
            "",
        ])
    });
    let rows = [(0, 1), (1, 1), (63, 1), (64, 0), (65, 1), (128, 1)];
    table("verify ed25519 --sig", &rows, |n| {
        s(&[
            "verify",
            "ed25519",
            "--key",
            key,
            "--sig",
            &resize(sig, n),
            "--msg",
            "",
        ])
    });
    assert_eq!(
        run(&[
            "verify",
            "ed25519",
            "--key",
            key,
            "--sig",
            &sig[..127],
            "--msg",
            ""
        ])
        .0,
        2
    );
}

#[test]
fn verify_ecdsa_p256_lengths() {
    // Sign with the CLI's own key material is not offered: use the library to make a signature.
    use bulwark::{
        DefaultProvider, SecretBytes,
        sig::{EcdsaP256, Sign, Verify},
    };
    let mut provider = DefaultProvider::default();
    let sk = Sign::<EcdsaP256>::import_signing_key(
        &mut provider,
        SecretBytes::try_from_slice(&[0x21; 32]).unwrap(),
    )
    .unwrap();
    let pk = Sign::<EcdsaP256>::signing_public(&mut provider, &sk).unwrap();
    let unc = Verify::<EcdsaP256>::export_public(&mut provider, &pk);
    let sig = Sign::<EcdsaP256>::sign(&mut provider, &sk, b"\x01").unwrap();
    let raw = sig.to_fixed();
    let der = sig.to_der();
    let der = der.as_ref();
    let der_len = der.len();
    let key_of = |n: usize| {
        let mut v = if n >= 49 {
            unc.to_vec()
        } else {
            pk.to_sec1_compressed().to_vec()
        };
        v.resize(n, 0);
        hex(&v)
    };
    table("verify ecdsa-p256 --key", SEC1_ROWS, |n| {
        s(&[
            "verify",
            "ecdsa-p256",
            "--key",
            &key_of(n),
            "--sig",
            &hex(&raw),
            "--msg",
            "01",
        ])
    });
    let rows: Vec<(usize, i32)> = [0, 1, 7, 8, 63, 64, 65, 69, 70, 71, 72, 73]
        .map(|n| (n, if n == 64 || n == der_len { 0 } else { 1 }))
        .to_vec();
    table("verify ecdsa-p256 --sig", &rows, |n| {
        let mut sig = if n == 64 {
            raw.to_vec()
        } else {
            der[..der_len].to_vec()
        };
        sig.resize(n, 0);
        s(&[
            "verify",
            "ecdsa-p256",
            "--key",
            &hex(&unc),
            "--sig",
            &hex(&sig),
            "--msg",
            "01",
        ])
    });
}
