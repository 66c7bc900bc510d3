//! P-256 ECDH: bulwark's `Soft` (`p256` crate) against OpenSSL's ECDH, with the peer's key given
//! to us in both SEC1 forms, plus agreement on which encodings are valid points.

use bulwark_api::{Error, SecretBytes, hazmat::expose_shared_secret, kex::KeyAgreement, kex::P256};
use bulwark_differential::{SeededCases, hex, reference, run, same};
use bulwark_soft::{P256PublicKey, Soft};

use crate::{assert_clean, both_reject, config, ossl, ours, p256_random_scalar, p256_scalar};

fn case_with<K: KeyAgreement<P256, PublicKey = P256PublicKey>>(
    ka: &mut K,
    n: &[u8; 32],
    r: &mut SeededCases,
) -> Result<(), String> {
    let ephemeral = r.percent(50);
    let a = if ephemeral {
        p256_random_scalar(&mut r.clone(), n)
    } else {
        p256_scalar(r, n)
    };
    let with = |e: String| format!("ephemeral {ephemeral}, a {}: {e}", hex(&a));
    let secret = if ephemeral {
        Ok(ours("generate", ka.generate_ephemeral(r)).map_err(with)?)
    } else {
        let s = SecretBytes::try_from_slice(&a).map_err(|e| with(e.to_string()))?;
        Err(ours("import", ka.import_static(s)).map_err(with)?)
    };

    // Our public key equals OpenSSL's, in both encodings.
    let their_a = ossl("key from scalar", reference::p256_private(&a)).map_err(with)?;
    let our_a_pub = match &secret {
        Ok(e) => ka.ephemeral_public(e),
        Err(s) => ka.static_public(s),
    };
    let our_a_pub = ours("public key", our_a_pub).map_err(with)?;
    let their_a_unc = ossl("encode", reference::p256_public_sec1(&their_a, false)).map_err(with)?;
    let their_a_comp = ossl("encode", reference::p256_public_sec1(&their_a, true)).map_err(with)?;
    same(
        "public key (uncompressed)",
        &ka.export_public(&our_a_pub),
        &their_a_unc,
    )
    .map_err(with)?;
    same(
        "public key (compressed)",
        &our_a_pub.to_sec1_compressed(),
        &their_a_comp,
    )
    .map_err(with)?;

    // The peer: an OpenSSL key, handed to us compressed and uncompressed.
    let b = p256_scalar(r, n);
    let with = |e: String| with(format!("b {}: {e}", hex(&b)));
    let their_b = ossl("key from scalar", reference::p256_private(&b)).map_err(with)?;
    let b_unc = ossl("encode", reference::p256_public_sec1(&their_b, false)).map_err(with)?;
    let b_comp = ossl("encode", reference::p256_public_sec1(&their_b, true)).map_err(with)?;
    let peer_unc = ours("import (uncompressed)", ka.import_public(&b_unc)).map_err(with)?;
    let peer_comp = ours("import (compressed)", ka.import_public(&b_comp)).map_err(with)?;
    same(
        "peer from compressed form",
        &ka.export_public(&peer_comp),
        &b_unc,
    )
    .map_err(with)?;
    same(
        "peer from uncompressed form",
        &ka.export_public(&peer_unc),
        &b_unc,
    )
    .map_err(with)?;

    // a * B from OpenSSL (both directions) and from us (both peer forms).
    let b_pub = ossl("parse", reference::p256_public_from_sec1(&b_unc)).map_err(with)?;
    let a_pub = ossl("parse", reference::p256_public_from_sec1(&their_a_comp)).map_err(with)?;
    let their_ab = ossl("ECDH", reference::p256_ecdh(&their_a, &b_pub)).map_err(with)?;
    let their_ba = ossl("ECDH", reference::p256_ecdh(&their_b, &a_pub)).map_err(with)?;
    same("OpenSSL a*B vs b*A", &their_ab, &their_ba).map_err(with)?;
    match secret {
        Ok(e) => {
            let peer = if r.percent(50) { &peer_comp } else { &peer_unc };
            let shared = ours("agree", ka.agree(e, peer)).map_err(with)?;
            same("shared secret", expose_shared_secret(&shared), &their_ab).map_err(with)?;
        }
        Err(s) => {
            for (form, peer) in [("uncompressed", &peer_unc), ("compressed", &peer_comp)] {
                let shared = ours("agree_static", ka.agree_static(&s, peer)).map_err(with)?;
                same(
                    &format!("shared secret ({form} peer)"),
                    expose_shared_secret(&shared),
                    &their_ab,
                )
                .map_err(with)?;
            }
        }
    }

    // ~6% of cases: agreement on which encodings are points. A random compressed x has a
    // square root about half the time; a random or bit-flipped uncompressed point is off the
    // curve. Whatever OpenSSL accepts we must accept, as the same point, and vice versa.
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
        let ours_r = ka.import_public(&candidate);
        let theirs_r = reference::p256_public_from_sec1(&candidate);
        match (ours_r, theirs_r) {
            (Ok(o), Ok(t)) => {
                let t_unc = ossl("encode", reference::p256_public_sec1(&t, false)).map_err(with)?;
                same(
                    &format!("point decoded from {}", hex(&candidate)),
                    &ka.export_public(&o),
                    &t_unc,
                )
                .map_err(with)?;
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

#[test]
fn p256_ecdh() {
    let n = reference::p256_order().unwrap();
    let outcome = run("p256-ecdh", config(), |r| case_with(&mut Soft, &n, r));
    assert_clean(&outcome);
}
