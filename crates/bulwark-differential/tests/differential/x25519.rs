//! X25519: bulwark's `Soft` (x25519-dalek) against OpenSSL's X25519.

use bulwark_api::{
    Error, SecretBytes, hazmat::expose_shared_secret, kex::KeyAgreement, kex::X25519,
};
use bulwark_differential::{SeededCases, hex, reference, run, same};
use bulwark_soft::Soft;

use crate::{assert_clean, config, ossl, ours};
use bulwark_testkit::small_order::X25519_SMALL_ORDER;

fn one_case(r: &mut SeededCases) -> Result<(), String> {
    case_with(&mut Soft, r)
}

/// Generic over the backend so the `KeyAgreement<X25519>` methods resolve without naming the
/// scheme at every call (`Soft` also implements `KeyAgreement<P256>`).
fn case_with<K: KeyAgreement<X25519>>(ka: &mut K, r: &mut SeededCases) -> Result<(), String> {
    let ephemeral = r.percent(50);
    let roll = r.below(1000);
    // The scalar our side uses: for an ephemeral secret, the 32 bytes the API will draw from
    // this same generator next (peeked through a clone).
    let a = r.clone().array32();
    let peer_kind = if roll < 20 {
        "small-order"
    } else if roll < 100 {
        "random-u"
    } else {
        "scalar"
    };
    let with = |e: String| {
        format!(
            "{peer_kind} peer, ephemeral {ephemeral}, a {}: {e}",
            hex(&a)
        )
    };

    let (secret, their_a_pub) = (
        if ephemeral {
            Ok(ours("generate", ka.generate_ephemeral(r)).map_err(with)?)
        } else {
            let _ = r.array32();
            Err(ours(
                "import",
                ka.import_static(SecretBytes::try_from_slice(&a).map_err(|e| with(e.to_string()))?),
            )
            .map_err(with)?)
        },
        ossl("public key", reference::x25519_public(&a)).map_err(with)?,
    );
    let our_a_pub = match &secret {
        Ok(e) => ka.ephemeral_public(e),
        Err(s) => ka.static_public(s),
    };
    let our_a_pub = ours("public key", our_a_pub).map_err(with)?;
    same("public key", &ka.export_public(&our_a_pub), &their_a_pub).map_err(with)?;

    let (b, peer_bytes) = match peer_kind {
        "small-order" => {
            let mut u = r.pick(&X25519_SMALL_ORDER);
            if r.percent(50) {
                u[31] |= 0x80; // the masked top bit must not matter
            }
            (None, u)
        }
        "random-u" => (None, r.array32()),
        _ => {
            let b = r.array32();
            let pb = ossl("public key", reference::x25519_public(&b)).map_err(with)?;
            let ob = ours(
                "import",
                ka.import_static(SecretBytes::try_from_slice(&b).map_err(|e| with(e.to_string()))?),
            )
            .map_err(with)?;
            let ob_pub = ours("public key", ka.static_public(&ob)).map_err(with)?;
            same("peer public key", &ka.export_public(&ob_pub), &pb).map_err(with)?;
            let mut u = [0u8; 32];
            u.copy_from_slice(&pb);
            (Some(b), u)
        }
    };
    let peer = ours("import_public", ka.import_public(&peer_bytes)).map_err(with)?;
    let result = match secret {
        Ok(e) => ka.agree(e, &peer),
        Err(s) => ka.agree_static(&s, &peer),
    };
    let theirs = reference::x25519_derive(&a, &peer_bytes);
    let our_shared = match (result, theirs) {
        (Ok(o), Ok(t)) => {
            same("shared secret", expose_shared_secret(&o), &t).map_err(with)?;
            t
        }
        (Err(Error::Verification), Err(_)) => return Ok(()),
        (o, t) => {
            return Err(with(format!(
                "peer {}: bulwark {:?}, OpenSSL {}",
                hex(&peer_bytes),
                o.map(|s| hex(expose_shared_secret(&s))),
                t.map(|v| hex(&v)).unwrap_or_else(|e| format!("error {e}"))
            )));
        }
    };
    // The other direction: b * A, by OpenSSL, equals a * B.
    if let Some(b) = b {
        let theirs = ossl("derive", reference::x25519_derive(&b, &their_a_pub)).map_err(with)?;
        same("b*A vs a*B", &our_shared, &theirs).map_err(with)?;
    }
    Ok(())
}

#[test]
fn x25519() {
    let outcome = run("x25519", config(), one_case);
    assert_clean(&outcome);
}
