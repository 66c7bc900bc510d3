//! ECDSA P-256 / SHA-256 verification through `Verify<EcdsaP256>`, `VerifyPrehash<EcdsaP256>`
//! and `Sign<EcdsaP256>` (the backend is `bulwark_fuzz::SigBackend`), cross-checked against
//! the `p256` crate. Signature bytes are read as the CLI reads them: 64 bytes through
//! `EcdsaP256Signature::from_fixed`, any other length through `EcdsaP256Signature::from_der`
//! (strict DER, against `p256`'s own DER decoder).
//!
//! Input: mode (u8). Even: public key (lv), signature (lv), message (rest), all arbitrary; the
//! message is also tried as a prehash digest. Odd (structured): what to mutate (u8: 0 raw
//! signature, 1 DER signature, 2 message, 3 key, 4 prehash digest), position (u16), xor (u8),
//! message (rest), signed with a fixed test key.
#![no_main]

use bulwark_api::{
    Error, SecretBytes,
    sig::{EcdsaP256, EcdsaP256Signature, Sign, Verify, VerifyPrehash},
};
use bulwark_fuzz::{Reader, SigBackend, ecdsa_der};
use libfuzzer_sys::fuzz_target;
use sha2::Digest;

/// A fixed test scalar (well inside 1..n).
const TEST_SCALAR: [u8; 32] = [0x17; 32];

fn ref_sig(sig: &[u8]) -> Option<p256::ecdsa::Signature> {
    if sig.len() == 64 {
        p256::ecdsa::Signature::from_slice(sig).ok()
    } else {
        p256::ecdsa::Signature::from_der(sig).ok()
    }
}

fn ref_key(key: &[u8]) -> Option<p256::ecdsa::VerifyingKey> {
    match (key.len(), key.first()) {
        (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => {}
        _ => return None,
    }
    p256::ecdsa::VerifyingKey::from_sec1_bytes(key).ok()
}

fn reference(key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier;
    match (ref_key(key), ref_sig(sig)) {
        (Some(k), Some(s)) => k.verify(msg, &s).is_ok(),
        _ => false,
    }
}

fn reference_prehash(key: &[u8], digest: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    match (ref_key(key), ref_sig(sig)) {
        (Some(k), Some(s)) if digest.len() >= 32 => k.verify_prehash(digest, &s).is_ok(),
        _ => false,
    }
}

fn verdict(r: Result<(), Error>) -> bool {
    match r {
        Ok(()) => true,
        Err(Error::Verification) => false,
        Err(e) => panic!("unexpected {e:?}"),
    }
}

/// (message verdict, prehash verdict with `digest`).
fn check(key: &[u8], msg: &[u8], digest: &[u8], sig: &[u8]) -> (bool, bool) {
    let mut b = SigBackend::default();
    let pk = match Verify::<EcdsaP256>::import_public(&mut b, key) {
        Ok(pk) => pk,
        Err(Error::InvalidInput) => return (false, false),
        Err(e) => panic!("import: unexpected {e:?}"),
    };
    let exported = Verify::<EcdsaP256>::export_public(&mut b, &pk);
    if key.len() == 65 {
        assert_eq!(exported.as_slice(), key);
    }
    let decoded = if sig.len() == EcdsaP256Signature::FIXED_LEN {
        EcdsaP256Signature::from_fixed_slice(sig)
    } else {
        EcdsaP256Signature::from_der(sig)
    };
    let sig = match decoded {
        Ok(sig) => {
            // Whatever decodes re-encodes to DER that decodes to the same signature.
            assert_eq!(EcdsaP256Signature::from_der(sig.to_der().as_ref()), Ok(sig));
            sig
        }
        Err(Error::InvalidInput) => return (false, false),
        Err(e) => panic!("decode: unexpected {e:?}"),
    };
    let sig = &sig;
    let m = verdict(Verify::<EcdsaP256>::verify(&mut b, &pk, msg, sig));
    let d = match VerifyPrehash::<EcdsaP256>::verify_prehash(&mut b, &pk, digest, sig) {
        Err(Error::InvalidInput) => {
            assert!(
                digest.len() < 32,
                "InvalidInput for a {}-byte digest",
                digest.len()
            );
            false
        }
        r => {
            assert!(digest.len() >= 32, "short digest not refused");
            verdict(r)
        }
    };
    (m, d)
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let mode = r.u8();
    if mode % 2 == 0 {
        let key = r.lv();
        let sig = r.lv();
        let msg = r.rest();
        let got = check(key, msg, msg, sig);
        assert_eq!(got.0, reference(key, msg, sig), "verify differs from p256");
        assert_eq!(
            got.1,
            reference_prehash(key, msg, sig),
            "verify_prehash differs from p256"
        );
        return;
    }
    let what = r.u8() % 5;
    let pos = usize::from(r.u16());
    let x = r.u8() | 1;
    let msg = r.rest();
    let mut b = SigBackend::default();
    let sk = Sign::<EcdsaP256>::import_signing_key(
        &mut b,
        SecretBytes::try_from_slice(&TEST_SCALAR).unwrap(),
    )
    .unwrap();
    let pk = Sign::<EcdsaP256>::signing_public(&mut b, &sk).unwrap();
    let key = Verify::<EcdsaP256>::export_public(&mut b, &pk);
    let signature = Sign::<EcdsaP256>::sign(&mut b, &sk, msg).unwrap();
    let raw: [u8; 64] = signature.to_fixed();
    let der = ecdsa_der(&raw);
    assert_eq!(signature.to_der().as_ref(), &der[..], "DER encoding differs from p256");
    let digest: [u8; 32] = sha2::Sha256::digest(msg).into();
    assert_eq!(
        check(&key, msg, &digest, &raw),
        (true, true),
        "fresh raw signature rejected"
    );
    assert_eq!(
        check(&key, msg, &digest, &der),
        (true, true),
        "fresh DER signature rejected"
    );
    assert!(reference(&key, msg, &raw));

    let (mut k2, mut m2, mut d2) = (key.to_vec(), msg.to_vec(), digest.to_vec());
    let mut sig = raw.to_vec();
    match what {
        0 => sig[pos % 64] ^= x,
        1 => {
            sig = der.clone();
            let p = pos % sig.len();
            sig[p] ^= x;
        }
        2 if !msg.is_empty() => m2[pos % msg.len()] ^= x,
        2 => m2.push(x),
        3 => k2[pos % 65] ^= x,
        _ => d2[pos % 32] ^= x,
    }
    if what != 4 {
        d2 = sha2::Sha256::digest(&m2).to_vec();
    }
    let (m, d) = check(&k2, &m2, &d2, &sig);
    if what != 4 {
        assert!(!m, "mutated (mode {what}) signature accepted");
    }
    assert!(!d, "mutated (mode {what}) prehash signature accepted");
});
