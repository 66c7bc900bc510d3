//! ECDSA P-256 with SHA-256: bulwark's `Soft` (`p256` crate) and the API's DER codec
//! (`EcdsaP256Signature`) against OpenSSL.
//!
//! OpenSSL 3.0 signs with a random nonce (RFC 6979 arrived in 3.2), so signatures are compared
//! by cross-verification, not byte for byte; a mismatch report prints OpenSSL's signature so
//! the case can be replayed by hand even though the nonce is not reproducible from the seed.

use bulwark_api::{
    Error, SecretBytes,
    sig::{EcdsaP256, EcdsaP256Signature, Sign},
};
use bulwark_differential::{SeededCases, hex, reference, run, same};
use bulwark_soft::{EcdsaP256PublicKey, Soft};

use crate::{
    assert_clean, both_reject, config, ossl, ours, p256_random_scalar, p256_scalar, rejected,
};

fn case_with<S: Sign<EcdsaP256, PublicKey = EcdsaP256PublicKey>>(
    s: &mut S,
    n: &[u8; 32],
    r: &mut SeededCases,
) -> Result<(), String> {
    let generated = r.percent(50);
    let d = if generated {
        p256_random_scalar(&mut r.clone(), n)
    } else {
        p256_scalar(r, n)
    };
    let with = |e: String| format!("generated {generated}, d {}: {e}", hex(&d));
    let key = if generated {
        ours("generate", s.generate_signing_key(r)).map_err(with)?
    } else {
        let secret = SecretBytes::try_from_slice(&d).map_err(|e| with(e.to_string()))?;
        ours("import", s.import_signing_key(secret)).map_err(with)?
    };
    let their_key = ossl("key from scalar", reference::p256_private(&d)).map_err(with)?;
    let their_unc = ossl("encode", reference::p256_public_sec1(&their_key, false)).map_err(with)?;
    let their_comp = ossl("encode", reference::p256_public_sec1(&their_key, true)).map_err(with)?;
    let our_pub = ours("public key", s.signing_public(&key)).map_err(with)?;
    same("public key", &s.export_public(&our_pub), &their_unc).map_err(with)?;
    same(
        "public key (compressed)",
        &our_pub.to_sec1_compressed(),
        &their_comp,
    )
    .map_err(with)?;
    let key_unc = ours("import (uncompressed)", s.import_public(&their_unc)).map_err(with)?;
    let key_comp = ours("import (compressed)", s.import_public(&their_comp)).map_err(with)?;

    let len = if r.percent(5) { 0 } else { r.range(1, 512) };
    let msg = r.bytes(len);
    let with = |e: String| with(format!("msg {len} B: {e}"));

    // OpenSSL signs (DER) -> we verify it as DER and as raw r || s, with either key form.
    let der = ossl("sign", reference::ecdsa_sign_der(&their_key, &msg)).map_err(with)?;
    let with = |e: String| with(format!("OpenSSL signature {}: {e}", hex(&der)));
    let raw = ossl("DER decode", reference::ecdsa_der_to_raw(&der)).map_err(with)?;
    let their_sig = ours("DER decode", EcdsaP256Signature::from_der(&der)).map_err(with)?;
    same("DER decoding", &their_sig.to_fixed(), &raw).map_err(with)?;
    ours(
        "verify (DER, uncompressed key)",
        s.verify(&key_unc, &msg, &their_sig),
    )
    .map_err(with)?;
    ours(
        "verify (raw, compressed key)",
        s.verify(&key_comp, &msg, &EcdsaP256Signature::from_fixed(&raw)),
    )
    .map_err(with)?;

    // We sign (raw) -> DER by both encoders is identical -> OpenSSL verifies it.
    let sig = ours("sign", s.sign(&key, &msg)).map_err(with)?;
    let our_der = sig.to_der();
    let our_der = our_der.as_ref();
    let their_der =
        ossl("DER encode", reference::ecdsa_raw_to_der(&sig.to_fixed())).map_err(with)?;
    same("DER encoding of bulwark's signature", our_der, &their_der).map_err(with)?;
    let v = reference::ecdsa_verify_der(&their_key, &msg, our_der);
    if rejected(&v) {
        return Err(with(format!(
            "OpenSSL rejected bulwark's signature {}: {v:?}",
            hex(&sig.to_fixed())
        )));
    }

    // A tampered message is rejected by both, for both signatures.
    let mut bad = msg.clone();
    if bad.is_empty() || r.percent(10) {
        bad.push(r.pick(&[0u8, 1, 0xff]));
    } else {
        r.flip_bit(&mut bad);
    }
    let t = rejected(&reference::ecdsa_verify_der(&their_key, &bad, &der));
    both_reject(
        "tampered message, OpenSSL's signature",
        s.verify(&key_unc, &bad, &their_sig),
        Error::Verification,
        t,
    )
    .map_err(with)?;
    let t = rejected(&reference::ecdsa_verify_der(&their_key, &bad, our_der));
    both_reject(
        "tampered message, bulwark's signature",
        s.verify(&key_comp, &bad, &sig),
        Error::Verification,
        t,
    )
    .map_err(with)
}

#[test]
fn ecdsa_p256() {
    let n = reference::p256_order().unwrap();
    let outcome = run("ecdsa-p256", config(), |r| case_with(&mut Soft, &n, r));
    assert_clean(&outcome);
}
