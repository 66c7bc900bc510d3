//! Full ephemeral exchanges into HKDF, for both curves.

use super::*;

fn exchange<S: Algorithm, K: KeyAgreement<S>, H: HkdfSha256>(
    set: &'static str,
    k: &mut K,
    h: &mut H,
) -> Result<Report, Failure> {
    const ROUNDS: usize = 8;
    let mut report = Report::new(set);
    let mut rng = DeterministicTestRng::new(0xb01_3a4c);
    let mut previous = [0u8; 32];
    for round in 0..ROUNDS {
        report.checked += 2;
        let fail = |what| mismatch(set, round, what);
        // Ephemeral: each side generates, sends its encoded key, imports the other's.
        let a = k
            .generate_ephemeral(&mut rng)
            .map_err(|_| fail("generate"))?;
        let b = k
            .generate_ephemeral(&mut rng)
            .map_err(|_| fail("generate"))?;
        let pa = k.ephemeral_public(&a).map_err(|_| fail("public"))?;
        let pb = k.ephemeral_public(&b).map_err(|_| fail("public"))?;
        let wire_a = k.export_public(&pa);
        let wire_b = k.export_public(&pb);
        let pa = k
            .import_public(wire_a.as_ref())
            .map_err(|_| fail("import"))?;
        let pb = k
            .import_public(wire_b.as_ref())
            .map_err(|_| fail("import"))?;
        let sa = k.agree(a, &pb).map_err(|_| fail("agree"))?;
        let sb = k.agree(b, &pa).map_err(|_| fail("agree"))?;
        let prk_a = h
            .extract_shared(b"bulwark exchange", sa)
            .map_err(|_| fail("extract"))?;
        let prk_b = h
            .extract_shared(b"bulwark exchange", sb)
            .map_err(|_| fail("extract"))?;
        if prk_a.expose_secret() != prk_b.expose_secret() {
            return Err(fail("the two sides derived different PRKs"));
        }
        if *prk_a.expose_secret() == previous {
            return Err(fail("fresh keys gave the previous PRK"));
        }
        previous = *prk_a.expose_secret();
        // Static: the secrets stay usable after an agreement.
        let a = k.generate_static(&mut rng).map_err(|_| fail("generate"))?;
        let b = k.generate_static(&mut rng).map_err(|_| fail("generate"))?;
        let pa = k.static_public(&a).map_err(|_| fail("public"))?;
        let pb = k.static_public(&b).map_err(|_| fail("public"))?;
        for _ in 0..2 {
            let sa = k.agree_static(&a, &pb).map_err(|_| fail("agree"))?;
            let sb = k.agree_static(&b, &pa).map_err(|_| fail("agree"))?;
            if expose_shared_secret(&sa) != expose_shared_secret(&sb) {
                return Err(fail("static agreement differs between the sides"));
            }
        }
        report.valid += 2;
    }
    Ok(report)
}

/// Two parties each generate an X25519 ephemeral key (from a [`DeterministicTestRng`]),
/// exchange encoded public keys, agree, and derive the same PRK with `extract_shared`; a
/// fresh exchange gives a different PRK; static secrets agree both ways and stay usable.
pub fn x25519_exchange<K: KeyAgreement<X25519>, H: HkdfSha256>(
    k: &mut K,
    h: &mut H,
) -> Result<Report, Failure> {
    exchange::<X25519, K, H>("X25519 exchange", k, h)
}

/// The same as [`x25519_exchange`] for P-256.
pub fn p256_exchange<K: KeyAgreement<P256>, H: HkdfSha256>(
    k: &mut K,
    h: &mut H,
) -> Result<Report, Failure> {
    exchange::<P256, K, H>("P-256 exchange", k, h)
}
