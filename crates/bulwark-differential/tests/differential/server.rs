//! The gateway backend `bulwark-server` (AWS-LC for key agreement and signatures) against
//! OpenSSL, with the same case distributions as the `Soft` tests: X25519, P-256 ECDH (both
//! SEC1 forms, and agreement on which encodings are points), ECDSA P-256 (cross-verification:
//! OpenSSL 3.0 nonces are random), Ed25519 (byte-identical deterministic signatures), plus the
//! batch verifier, whose failures must be exactly the items OpenSSL rejects.

use bulwark_api::{
    Error, SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256, X25519},
    sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Sign, Verify, VerifyPrehash},
};
use bulwark_differential::{SeededCases, hex, reference, run, same};
use bulwark_server::{BatchItem, Server};

use crate::{
    assert_clean, both_reject, config, ossl, ours, p256_random_scalar, p256_scalar, rejected,
};
use bulwark_testkit::small_order::X25519_SMALL_ORDER;

/// Small-order X25519 u-coordinates (0, 1, the two order-8 points, p - 1, p, p + 1).
fn x25519_small_order(r: &mut SeededCases) -> [u8; 32] {
    let mut u = X25519_SMALL_ORDER
        .get(r.below(7) as usize)
        .copied()
        .unwrap_or_default();
    if r.percent(50) {
        u[31] |= 0x80;
    }
    u
}

fn x25519_case(r: &mut SeededCases) -> Result<(), String> {
    let mut ka = Server;
    let ephemeral = r.percent(50);
    // For an ephemeral secret: the 32 bytes `generate_ephemeral` will draw next.
    let a = r.clone().array32();
    let with = |e: String| format!("ephemeral {ephemeral}, a {}: {e}", hex(&a));
    let secret = if ephemeral {
        Ok(ours(
            "generate",
            KeyAgreement::<X25519>::generate_ephemeral(&mut ka, r),
        )
        .map_err(with)?)
    } else {
        let _ = r.array32();
        let s = SecretBytes::try_from_slice(&a).map_err(|e| with(e.to_string()))?;
        Err(ours("import", KeyAgreement::<X25519>::import_static(&mut ka, s)).map_err(with)?)
    };
    let ours_pub = match &secret {
        Ok(e) => KeyAgreement::<X25519>::ephemeral_public(&mut ka, e),
        Err(s) => KeyAgreement::<X25519>::static_public(&mut ka, s),
    };
    let ours_pub = ours("public key", ours_pub).map_err(with)?;
    let theirs_pub = ossl("public key", reference::x25519_public(&a)).map_err(with)?;
    same("public key", &ours_pub.to_bytes(), &theirs_pub).map_err(with)?;

    let roll = r.below(1000);
    let peer_bytes = if roll < 20 {
        x25519_small_order(r)
    } else if roll < 100 {
        r.array32()
    } else {
        let b = r.array32();
        let pb = ossl("public key", reference::x25519_public(&b)).map_err(with)?;
        pb.as_slice()
            .try_into()
            .map_err(|_| with("OpenSSL key length".into()))?
    };
    let peer = ours(
        "import_public",
        KeyAgreement::<X25519>::import_public(&mut ka, &peer_bytes),
    )
    .map_err(with)?;
    let result = match secret {
        Ok(e) => KeyAgreement::<X25519>::agree(&mut ka, e, &peer),
        Err(s) => KeyAgreement::<X25519>::agree_static(&mut ka, &s, &peer),
    };
    match (result, reference::x25519_derive(&a, &peer_bytes)) {
        (Ok(o), Ok(t)) => same("shared secret", expose_shared_secret(&o), &t).map_err(with),
        (Err(Error::Verification), Err(_)) => Ok(()),
        (o, t) => Err(with(format!(
            "peer {}: bulwark {:?}, OpenSSL {}",
            hex(&peer_bytes),
            o.map(|s| hex(expose_shared_secret(&s))),
            t.map(|v| hex(&v)).unwrap_or_else(|e| format!("error {e}"))
        ))),
    }
}

fn p256_case(n: &[u8; 32], r: &mut SeededCases) -> Result<(), String> {
    let mut ka = Server;
    let ephemeral = r.percent(50);
    let a = if ephemeral {
        p256_random_scalar(&mut r.clone(), n)
    } else {
        p256_scalar(r, n)
    };
    let with = |e: String| format!("ephemeral {ephemeral}, a {}: {e}", hex(&a));
    let secret = if ephemeral {
        Ok(ours(
            "generate",
            KeyAgreement::<P256>::generate_ephemeral(&mut ka, r),
        )
        .map_err(with)?)
    } else {
        let s = SecretBytes::try_from_slice(&a).map_err(|e| with(e.to_string()))?;
        Err(ours("import", KeyAgreement::<P256>::import_static(&mut ka, s)).map_err(with)?)
    };
    let their_a = ossl("key from scalar", reference::p256_private(&a)).map_err(with)?;
    let our_a_pub = match &secret {
        Ok(e) => KeyAgreement::<P256>::ephemeral_public(&mut ka, e),
        Err(s) => KeyAgreement::<P256>::static_public(&mut ka, s),
    };
    let our_a_pub = ours("public key", our_a_pub).map_err(with)?;
    let their_a_unc = ossl("encode", reference::p256_public_sec1(&their_a, false)).map_err(with)?;
    same(
        "public key",
        &our_a_pub.to_sec1_uncompressed(),
        &their_a_unc,
    )
    .map_err(with)?;

    let b = p256_scalar(r, n);
    let with = |e: String| with(format!("b {}: {e}", hex(&b)));
    let their_b = ossl("key from scalar", reference::p256_private(&b)).map_err(with)?;
    let b_unc = ossl("encode", reference::p256_public_sec1(&their_b, false)).map_err(with)?;
    let b_comp = ossl("encode", reference::p256_public_sec1(&their_b, true)).map_err(with)?;
    let form = r.percent(50);
    let peer = KeyAgreement::<P256>::import_public(&mut ka, if form { &b_comp } else { &b_unc });
    let peer = ours("import", peer).map_err(with)?;
    same("peer", &peer.to_sec1_uncompressed(), &b_unc).map_err(with)?;
    let b_pub = ossl("parse", reference::p256_public_from_sec1(&b_unc)).map_err(with)?;
    let theirs = ossl("ECDH", reference::p256_ecdh(&their_a, &b_pub)).map_err(with)?;
    let shared = match secret {
        Ok(e) => KeyAgreement::<P256>::agree(&mut ka, e, &peer),
        Err(s) => KeyAgreement::<P256>::agree_static(&mut ka, &s, &peer),
    };
    let shared = ours("agree", shared).map_err(with)?;
    same("shared secret", expose_shared_secret(&shared), &theirs).map_err(with)?;

    if r.percent(6) {
        let candidate = match r.below(3) {
            0 => {
                let mut c = vec![r.pick(&[0x02u8, 0x03])];
                c.extend_from_slice(&r.array32());
                c
            }
            1 => {
                let mut c = vec![0x04u8];
                c.extend_from_slice(&r.bytes(64));
                c
            }
            _ => {
                let mut c = b_unc.clone();
                let i = r.range(1, 64);
                c[i] ^= 1 << r.below(8);
                c
            }
        };
        let o = KeyAgreement::<P256>::import_public(&mut ka, &candidate);
        match (o, reference::p256_public_from_sec1(&candidate)) {
            (Ok(o), Ok(t)) => {
                let t_unc = ossl("encode", reference::p256_public_sec1(&t, false)).map_err(with)?;
                same("decoded point", &o.to_sec1_uncompressed(), &t_unc).map_err(with)?;
            }
            (o, t) => both_reject(
                &format!("point {}", hex(&candidate)),
                o,
                Error::InvalidInput,
                t.is_err(),
            )
            .map_err(with)?,
        }
    }
    Ok(())
}

fn ecdsa_case(n: &[u8; 32], r: &mut SeededCases) -> Result<(), String> {
    let mut s = Server;
    let d = p256_scalar(r, n);
    let with = |e: String| format!("d {}: {e}", hex(&d));
    let secret = SecretBytes::try_from_slice(&d).map_err(|e| with(e.to_string()))?;
    let key = ours(
        "import",
        Sign::<EcdsaP256>::import_signing_key(&mut s, secret),
    )
    .map_err(with)?;
    let their_key = ossl("key from scalar", reference::p256_private(&d)).map_err(with)?;
    let their_unc = ossl("encode", reference::p256_public_sec1(&their_key, false)).map_err(with)?;
    let their_comp = ossl("encode", reference::p256_public_sec1(&their_key, true)).map_err(with)?;
    let our_pub = ours("public", Sign::<EcdsaP256>::signing_public(&mut s, &key)).map_err(with)?;
    same("public key", &our_pub.to_sec1_uncompressed(), &their_unc).map_err(with)?;
    let imported = if r.percent(50) {
        &their_comp
    } else {
        &their_unc
    };
    let key_pub = ours(
        "import_public",
        Verify::<EcdsaP256>::import_public(&mut s, imported),
    )
    .map_err(with)?;

    let len = if r.percent(5) { 0 } else { r.range(1, 512) };
    let msg = r.bytes(len);
    let der = ossl("sign", reference::ecdsa_sign_der(&their_key, &msg)).map_err(with)?;
    let with = |e: String| with(format!("msg {len} B, OpenSSL signature {}: {e}", hex(&der)));
    let raw = ossl("DER decode", reference::ecdsa_der_to_raw(&der)).map_err(with)?;
    let from_der = ours("DER decode", EcdsaP256Signature::from_der(&der)).map_err(with)?;
    let from_raw = EcdsaP256Signature::from_fixed(&raw);
    ours(
        "verify (DER)",
        Verify::<EcdsaP256>::verify(&mut s, &key_pub, &msg, &from_der),
    )
    .map_err(with)?;
    ours(
        "verify (raw)",
        Verify::<EcdsaP256>::verify(&mut s, &key_pub, &msg, &from_raw),
    )
    .map_err(with)?;
    let digest = openssl::sha::sha256(&msg);
    ours(
        "verify_prehash",
        s.verify_prehash(&key_pub, &digest, &from_raw),
    )
    .map_err(with)?;

    let sig = ours("sign", Sign::<EcdsaP256>::sign(&mut s, &key, &msg))
        .map_err(with)?
        .to_fixed();
    let their_der = ossl("DER encode", reference::ecdsa_raw_to_der(&sig)).map_err(with)?;
    let v = reference::ecdsa_verify_der(&their_key, &msg, &their_der);
    if rejected(&v) {
        return Err(with(format!(
            "OpenSSL rejected bulwark's signature {}: {v:?}",
            hex(&sig)
        )));
    }

    let mut bad = msg.clone();
    if bad.is_empty() || r.percent(10) {
        bad.push(r.pick(&[0u8, 1, 0xff]));
    } else {
        r.flip_bit(&mut bad);
    }
    let t = rejected(&reference::ecdsa_verify_der(&their_key, &bad, &der));
    both_reject(
        "tampered message",
        Verify::<EcdsaP256>::verify(&mut s, &key_pub, &bad, &from_der),
        Error::Verification,
        t,
    )
    .map_err(with)?;
    let mut bad_sig = raw;
    r.flip_bit(&mut bad_sig);
    let bad_der = reference::ecdsa_raw_to_der(&bad_sig);
    let t = match &bad_der {
        Ok(d) => rejected(&reference::ecdsa_verify_der(&their_key, &msg, d)),
        Err(_) => true,
    };
    both_reject(
        &format!("tampered signature {}", hex(&bad_sig)),
        Verify::<EcdsaP256>::verify(
            &mut s,
            &key_pub,
            &msg,
            &EcdsaP256Signature::from_fixed(&bad_sig),
        ),
        Error::Verification,
        t,
    )
    .map_err(with)
}

fn ed25519_case(r: &mut SeededCases) -> Result<(), String> {
    let mut s = Server;
    let generated = r.percent(50);
    // For a generated key: the 32 bytes `generate_signing_key` will draw next.
    let seed = r.clone().array32();
    let with = |e: String| format!("generated {generated}, seed {}: {e}", hex(&seed));
    let key = if generated {
        ours("generate", Sign::<Ed25519>::generate_signing_key(&mut s, r)).map_err(with)?
    } else {
        let _ = r.array32();
        let secret = SecretBytes::try_from_slice(&seed).map_err(|e| with(e.to_string()))?;
        ours(
            "import",
            Sign::<Ed25519>::import_signing_key(&mut s, secret),
        )
        .map_err(with)?
    };
    let their_key = ossl("key from seed", reference::ed25519_private(&seed)).map_err(with)?;
    let their_pub = ossl("public key", their_key.raw_public_key()).map_err(with)?;
    let our_pub = ours("public", Sign::<Ed25519>::signing_public(&mut s, &key)).map_err(with)?;
    same("public key", &our_pub.to_bytes(), &their_pub).map_err(with)?;
    let imported = ours(
        "import_public",
        Verify::<Ed25519>::import_public(&mut s, &their_pub),
    )
    .map_err(with)?;

    let len = if r.percent(5) {
        0
    } else if r.percent(85) {
        r.range(1, 256)
    } else {
        r.range(257, 4096)
    };
    let msg = r.bytes(len);
    let with = |e: String| with(format!("msg {len} B: {e}"));
    let ours_sig = ours("sign", Sign::<Ed25519>::sign(&mut s, &key, &msg))
        .map_err(with)?
        .to_bytes();
    let theirs_sig = ossl("sign", reference::ed25519_sign(&their_key, &msg)).map_err(with)?;
    same("signature", &ours_sig, &theirs_sig).map_err(with)?;
    let theirs = ours(
        "signature length",
        Ed25519Signature::from_slice(&theirs_sig),
    )
    .map_err(with)?;
    ours(
        "verify",
        Verify::<Ed25519>::verify(&mut s, &imported, &msg, &theirs),
    )
    .map_err(with)?;

    // A batch of 4 items (the good signature, a tampered message, a tampered signature, the
    // good one again): the batch verifiers' failures are exactly the items OpenSSL rejects.
    let mut bad_msg = msg.clone();
    if bad_msg.is_empty() {
        bad_msg.push(0);
    } else {
        r.flip_bit(&mut bad_msg);
    }
    let mut bad_sig = ours_sig;
    r.flip_bit(&mut bad_sig);
    let cases: [(&[u8], &[u8; 64]); 4] = [
        (&msg, &ours_sig),
        (&bad_msg, &ours_sig),
        (&msg, &bad_sig),
        (&msg, &ours_sig),
    ];
    let typed: Vec<Ed25519Signature> = cases
        .iter()
        .map(|(_, sg)| Ed25519Signature::from_bytes(sg))
        .collect();
    let theirs_failed: Vec<usize> = cases
        .iter()
        .enumerate()
        .filter(|(_, (m, sg))| rejected(&reference::ed25519_verify(&their_pub, m, &sg[..])))
        .map(|(i, _)| i)
        .collect();
    let items: Vec<BatchItem<'_>> = cases
        .iter()
        .zip(&typed)
        .map(|((m, _), sg)| BatchItem {
            key: &imported,
            message: m,
            signature: sg,
        })
        .collect();
    for (name, result) in [
        ("verify_batch", s.verify_batch(&items)),
        ("verify_batch_dalek", s.verify_batch_dalek(&items)),
    ] {
        let failed = result.err().map(|v| v.failed).unwrap_or_default();
        if failed != theirs_failed {
            return Err(with(format!(
                "{name}: bulwark failed {failed:?}, OpenSSL rejected {theirs_failed:?} \
                 (tampered signature {})",
                hex(&bad_sig)
            )));
        }
    }
    Ok(())
}

#[test]
fn server_x25519() {
    assert_clean(&run("server-x25519", config(), x25519_case));
}

#[test]
fn server_p256_ecdh() {
    let n = reference::p256_order().unwrap();
    assert_clean(&run("server-p256-ecdh", config(), |r| p256_case(&n, r)));
}

#[test]
fn server_ecdsa_p256() {
    let n = reference::p256_order().unwrap();
    assert_clean(&run("server-ecdsa-p256", config(), |r| ecdsa_case(&n, r)));
}

#[test]
fn server_ed25519() {
    assert_clean(&run("server-ed25519", config(), ed25519_case));
}
