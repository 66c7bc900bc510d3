//! Ed25519 and ECDSA P-256.

use super::kex::{SCALAR_ROWS, SEC1_ROWS, scalar, sec1_of_len};
use super::*;

fn ed25519_key() -> (
    bulwark_soft::Ed25519SigningKey,
    bulwark_soft::Ed25519PublicKey,
) {
    let sk = Sign::<Ed25519>::import_signing_key(
        &mut Soft,
        SecretBytes::try_from_slice(&[0x21; 32]).unwrap(),
    )
    .unwrap();
    let pk = Sign::<Ed25519>::signing_public(&mut Soft, &sk).unwrap();
    (sk, pk)
}

#[test]
fn ed25519_import_public() {
    let (_, pk) = ed25519_key();
    let good = Verify::<Ed25519>::export_public(&mut Soft, &pk);
    let rows = [
        (0, BAD),
        (1, BAD),
        (31, BAD),
        (32, OK),
        (33, BAD),
        (64, BAD),
    ];
    table("Verify<Ed25519>::import_public", &rows, |n| {
        let mut key = good.to_vec();
        key.resize(n, 0);
        Verify::<Ed25519>::import_public(&mut Soft, &key).map(|_| ())
    });
}

#[test]
fn ed25519_verify_signature_len() {
    let (sk, pk) = ed25519_key();
    let sig = Sign::<Ed25519>::sign(&mut Soft, &sk, b"msg").unwrap();
    // Any length but 64 is not a signature (InvalidInput from the constructor).
    let rows = [
        (0, BAD),
        (1, BAD),
        (63, BAD),
        (64, OK),
        (65, BAD),
        (128, BAD),
    ];
    table("Ed25519Signature::from_slice + verify", &rows, |n| {
        let mut s = sig.to_bytes().to_vec();
        s.resize(n, 0);
        let s = Ed25519Signature::from_slice(&s)?;
        Verify::<Ed25519>::verify(&mut Soft, &pk, b"msg", &s)
    });
}

#[test]
fn ed25519_sign_and_verify_message_len() {
    let (sk, pk) = ed25519_key();
    let rows: Vec<_> = [0, 1, 111, 112, 127, 128, 129, 65_536]
        .map(|n| (n, OK))
        .to_vec();
    table("Sign<Ed25519>::sign message", &rows, |n| {
        let msg = vec![0xee; n];
        let sig = Sign::<Ed25519>::sign(&mut Soft, &sk, &msg)?;
        Verify::<Ed25519>::verify(&mut Soft, &pk, &msg, &sig)?;
        let mut other = msg.clone();
        other.push(0);
        assert_eq!(Verify::<Ed25519>::verify(&mut Soft, &pk, &other, &sig), VER);
        Ok(())
    });
}

// ---------------------------------------------------------------- ECDSA P-256

fn ecdsa_key() -> (
    bulwark_soft::EcdsaP256SigningKey,
    bulwark_soft::EcdsaP256PublicKey,
) {
    let sk = Sign::<EcdsaP256>::import_signing_key(
        &mut Soft,
        SecretBytes::try_from_slice(&[0x21; 32]).unwrap(),
    )
    .unwrap();
    let pk = Sign::<EcdsaP256>::signing_public(&mut Soft, &sk).unwrap();
    (sk, pk)
}

#[test]
fn ecdsa_import_public() {
    let (_, pk) = ecdsa_key();
    let unc = pk.to_sec1_uncompressed();
    let comp = pk.to_sec1_compressed();
    table("Verify<EcdsaP256>::import_public", SEC1_ROWS, |n| {
        Verify::<EcdsaP256>::import_public(&mut Soft, &sec1_of_len(n, &unc, &comp)).map(|_| ())
    });
}

#[test]
fn ecdsa_import_signing_key() {
    table(
        "Sign<EcdsaP256>::import_signing_key scalar (0, 1, n-1, n, n+1, max)",
        SCALAR_ROWS,
        |w| {
            Sign::<EcdsaP256>::import_signing_key(
                &mut Soft,
                SecretBytes::try_from_slice(&scalar(w)).unwrap(),
            )
            .map(|_| ())
        },
    );
}

/// A DER signature whose two INTEGERs have `r_len` and `s_len` content bytes (all `0x01`,
/// so minimal and positive), as `(r || s, der)` when the integers fit 32 bytes.
fn der_sig(r_len: usize, s_len: usize) -> Vec<u8> {
    let mut v = vec![0x30, (4 + r_len + s_len) as u8, 0x02, r_len as u8];
    v.extend(std::iter::repeat_n(0x01, r_len));
    v.extend([0x02, s_len as u8]);
    v.extend(std::iter::repeat_n(0x01, s_len));
    v
}

#[test]
fn ecdsa_verify_signature_len() {
    let (sk, pk) = ecdsa_key();
    let sig = Sign::<EcdsaP256>::sign(&mut Soft, &sk, b"msg").unwrap();
    let raw = sig.to_fixed();
    let der = sig.to_der().as_ref().to_vec();
    let der_len = der.len();
    // Every length, read as the CLI reads it (64 bytes: fixed r||s, else DER): 64 and the
    // real DER length verify; everything else (cut, extended, or well-formed DER of a wrong
    // signature) is refused (not DER: InvalidInput, mapped to Verification here as the CLI
    // reports it), never a panic.
    let rows: Vec<_> = [0, 1, 7, 8, 9, 63, 64, 65, 69, 70, 71, 72, 73, 255, 256]
        .map(|n| (n, if n == 64 || n == der_len { OK } else { VER }))
        .to_vec();
    table("Verify<EcdsaP256>::verify signature", &rows, |n| {
        let mut s = if n == 64 { raw.to_vec() } else { der.clone() };
        s.resize(n, 0);
        let s = if n == 64 {
            EcdsaP256Signature::from_fixed_slice(&s)
        } else {
            EcdsaP256Signature::from_der(&s)
        }
        .map_err(|_| bulwark_api::Error::Verification)?;
        Verify::<EcdsaP256>::verify(&mut Soft, &pk, b"msg", &s)
    });
    // Structurally valid DER at the length edges: 8 (one-byte integers) and 72 (two 33-byte
    // integers with a sign byte) decode but do not verify.
    let mut long = vec![0x30, 70, 0x02, 33, 0x00];
    long.extend([0x80; 32]);
    long.extend([0x02, 33, 0x00]);
    long.extend([0x80; 32]);
    assert_eq!(long.len(), 72);
    for s in [der_sig(1, 1), long] {
        let sig = EcdsaP256Signature::from_der(&s).unwrap();
        assert_eq!(
            Verify::<EcdsaP256>::verify(&mut Soft, &pk, b"msg", &sig),
            VER,
            "len {}",
            s.len()
        );
    }
}

#[test]
fn ecdsa_verify_prehash_digest_len() {
    use sha2::Digest;
    let (sk, pk) = ecdsa_key();
    let raw = Sign::<EcdsaP256>::sign(&mut Soft, &sk, b"msg").unwrap();
    let digest = sha2::Sha256::digest(b"msg");
    // Shorter than 32: InvalidInput; 32 or longer: the leftmost 32 bytes are used.
    let rows = [(0, BAD), (1, BAD), (31, BAD), (32, OK), (33, OK), (64, OK)];
    table(
        "VerifyPrehash<EcdsaP256>::verify_prehash digest",
        &rows,
        |n| {
            let mut d = digest.to_vec();
            d.resize(n, 0xcc);
            d.truncate(n);
            VerifyPrehash::<EcdsaP256>::verify_prehash(&mut Soft, &pk, &d, &raw)
        },
    );
}

#[test]
fn ecdsa_from_der_len() {
    // Minimal (8 bytes) to maximal (72 bytes); one byte more or less at each edge is refused.
    let mut max = vec![0x30, 70, 0x02, 33, 0x00];
    max.extend([0x80; 32]);
    max.extend([0x02, 33, 0x00]);
    max.extend([0x80; 32]);
    let cases: Vec<(&str, Vec<u8>, R)> = vec![
        ("empty", vec![], BAD),
        ("1 byte", vec![0x30], BAD),
        ("7 bytes (s cut)", der_sig(1, 1)[..7].to_vec(), BAD),
        ("8 bytes, minimal", der_sig(1, 1), OK),
        (
            "9 bytes, trailing byte",
            [der_sig(1, 1), vec![0]].concat(),
            BAD,
        ),
        ("r of 0 content bytes", der_sig(0, 1), BAD),
        ("r of 31 bytes", der_sig(31, 32), OK),
        ("r of 32 bytes", der_sig(32, 32), OK),
        ("r of 33 bytes without sign byte", der_sig(33, 32), BAD),
        ("72 bytes, maximal", max.clone(), OK),
        (
            "73 bytes, trailing byte",
            [max.clone(), vec![0]].concat(),
            BAD,
        ),
        ("71 bytes, cut", max[..71].to_vec(), BAD),
    ];
    for (name, der, expected) in &cases {
        let r = EcdsaP256Signature::from_der(der).map(|sig| {
            // What decodes re-encodes to the same bytes (strict DER has one form).
            assert_eq!(sig.to_der().as_ref(), &der[..], "{name}");
        });
        assert_eq!(r, *expected, "EcdsaP256Signature::from_der: {name}");
    }
    println!(
        "EcdsaP256Signature::from_der: {} boundary cases",
        cases.len()
    );
}

#[test]
fn ecdsa_to_der_len() {
    // r = s = 0: the shortest encoding (8 bytes); top bits set: the longest (72).
    let rows = [(8, OK), (70, OK), (72, OK)];
    table("EcdsaP256Signature::to_der length", &rows, |want| {
        let raw: [u8; 64] = match want {
            8 => [0; 64],
            70 => [0x7f; 64],
            _ => [0x80; 64],
        };
        let der = EcdsaP256Signature::from_fixed(&raw).to_der();
        assert_eq!(der.as_ref().len(), want);
        assert!(want <= ECDSA_P256_DER_MAX_LEN);
        Ok(())
    });
}
