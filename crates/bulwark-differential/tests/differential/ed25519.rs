//! Ed25519: bulwark's `Soft` (ed25519-dalek, strict verification) against OpenSSL's Ed25519.
//! Signing is deterministic on both sides, so signatures must be byte-identical.

use bulwark_api::{
    Error, SecretBytes,
    sig::{Ed25519, Ed25519Signature, Sign},
};
use bulwark_differential::{SeededCases, hex, reference, run, same};
use bulwark_soft::Soft;

use crate::{assert_clean, both_reject, config, ossl, ours, rejected};

fn message(r: &mut SeededCases) -> Vec<u8> {
    let len = if r.percent(5) {
        0
    } else if r.percent(85) {
        r.range(1, 256)
    } else {
        r.range(257, 4096)
    };
    r.bytes(len)
}

fn tamper(r: &mut SeededCases, msg: &[u8]) -> Vec<u8> {
    let mut bad = msg.to_vec();
    if bad.is_empty() || r.percent(10) {
        bad.push(r.pick(&[0u8, 1, 0xff]));
    } else {
        r.flip_bit(&mut bad);
    }
    bad
}

fn case_with<S: Sign<Ed25519>>(s: &mut S, r: &mut SeededCases) -> Result<(), String> {
    let generated = r.percent(50);
    let seed = r.clone().array32();
    let with = |e: String| format!("generated {generated}, seed {}: {e}", hex(&seed));
    let key = if generated {
        ours("generate", s.generate_signing_key(r)).map_err(with)?
    } else {
        let _ = r.array32();
        let secret = SecretBytes::try_from_slice(&seed).map_err(|e| with(e.to_string()))?;
        ours("import", s.import_signing_key(secret)).map_err(with)?
    };
    let their_key = ossl("key from seed", reference::ed25519_private(&seed)).map_err(with)?;
    let their_pub = ossl("public key", their_key.raw_public_key()).map_err(with)?;
    let our_pub = ours("public key", s.signing_public(&key)).map_err(with)?;
    same("public key", &s.export_public(&our_pub), &their_pub).map_err(with)?;
    let imported = ours("import_public", s.import_public(&their_pub)).map_err(with)?;

    let msg = message(r);
    let with = |e: String| with(format!("msg {} B: {e}", msg.len()));
    let ours_sig = ours("sign", s.sign(&key, &msg)).map_err(with)?.to_bytes();
    let theirs_sig = ossl("sign", reference::ed25519_sign(&their_key, &msg)).map_err(with)?;
    same("signature", &ours_sig, &theirs_sig).map_err(with)?;
    let theirs = ours(
        "signature length",
        Ed25519Signature::from_slice(&theirs_sig),
    )
    .map_err(with)?;

    // OpenSSL's signature verifies with ours; ours verifies with OpenSSL.
    ours(
        "verify of OpenSSL's signature",
        s.verify(&imported, &msg, &theirs),
    )
    .map_err(with)?;
    let v = reference::ed25519_verify(&their_pub, &msg, &ours_sig);
    if rejected(&v) {
        return Err(with(format!("OpenSSL rejected bulwark's signature: {v:?}")));
    }

    // A tampered message, and a tampered signature, are rejected by both.
    let bad_msg = tamper(r, &msg);
    let o = s.verify(
        &imported,
        &bad_msg,
        &Ed25519Signature::from_bytes(&ours_sig),
    );
    let t = rejected(&reference::ed25519_verify(&their_pub, &bad_msg, &ours_sig));
    both_reject("tampered message", o, Error::Verification, t).map_err(with)?;
    let mut bad_sig = ours_sig;
    r.flip_bit(&mut bad_sig);
    let o = s.verify(&imported, &msg, &Ed25519Signature::from_bytes(&bad_sig));
    let t = rejected(&reference::ed25519_verify(&their_pub, &msg, &bad_sig));
    both_reject(
        &format!("tampered signature {}", hex(&bad_sig)),
        o,
        Error::Verification,
        t,
    )
    .map_err(with)
}

#[test]
fn ed25519() {
    let outcome = run("ed25519", config(), |r| case_with(&mut Soft, r));
    assert_clean(&outcome);
}
