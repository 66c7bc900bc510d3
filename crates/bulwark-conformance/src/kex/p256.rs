//! ECDH on P-256: Wycheproof, NIST CAVP and negative cases.

use super::*;

/// Wycheproof ECDH P-256 with DER SubjectPublicKeyInfo public keys (612 records: 330 valid,
/// 230 acceptable, 52 invalid).
///
/// The SPKI is parsed by [`p256_spki_point`] (the two named-curve DER forms only), then the
/// point goes to `import_public`. Policy for "acceptable" records: `CompressedPublic` (a
/// well-formed SPKI holding a compressed point) must give the expected secret; the other 229
/// (`InvalidAsn`: 222 non-DER or malformed encodings, up to 4,194 bytes; `UnnamedCurve`:
/// explicit curve parameters, even correct ones) are refused with [`Error::InvalidInput`].
/// SPKIs longer than [`P256_SPKI_MAX_LEN`] are refused by their length alone, without being
/// decoded, so no record needs scratch space and none is skipped. Invalid records (points not
/// on P-256, wrong curves, invalid compressed points) are [`Error::InvalidInput`]. Valid
/// records include an all-zero shared secret (`x = 0` is a point of P-256), which must be
/// returned, not refused.
pub fn ecdh_p256_wycheproof<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof ECDH P-256 (SPKI)";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let verdict = r.verdict().ok_or(parse)?;
        let accept = match verdict {
            Verdict::Valid => true,
            Verdict::Acceptable => r.has_flag("CompressedPublic"),
            Verdict::Invalid => false,
        };
        let len = r.hex_len("public").ok_or(parse)?;
        let mut der = [0u8; P256_SPKI_MAX_LEN];
        let imported = if len > P256_SPKI_MAX_LEN {
            Err(Error::InvalidInput)
        } else {
            let der = r.hex("public", &mut der).ok_or(parse)?;
            p256_spki_point(der).and_then(|point| k.import_public(point))
        };
        check_p256_record(k, SET, &r, accept, imported, &mut report)?;
    }
    expect_count(report, counts::ECDH_P256_WYCHEPROOF)
}

/// Wycheproof ECDH P-256 with raw SEC1 public keys (355 records: 330 valid, 1 acceptable,
/// 24 invalid). Policy: the acceptable record (a compressed point) must give the expected
/// secret; invalid records (off-curve points, points of other curves, malformed encodings)
/// are [`Error::InvalidInput`] at import.
pub fn ecdh_p256_ecpoint<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof ECDH P-256 (SEC1 point)";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_ECPOINT_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let accept = match r.verdict().ok_or(parse)? {
            Verdict::Valid => true,
            Verdict::Acceptable => r.has_flag("CompressedPublic"),
            Verdict::Invalid => false,
        };
        let mut buf = [0u8; 80];
        let point = r.hex("public", &mut buf).ok_or(parse)?;
        let imported = k.import_public(point);
        check_p256_record(k, SET, &r, accept, imported, &mut report)?;
    }
    expect_count(report, counts::ECDH_P256_ECPOINT)
}

/// The common part of the two Wycheproof P-256 sets, once the public key went through import.
fn check_p256_record<K: KeyAgreement<P256>>(
    k: &mut K,
    set: &'static str,
    r: &Record<'_>,
    accept: bool,
    imported: Result<K::PublicKey, Error>,
    report: &mut Report,
) -> Result<(), Failure> {
    let private = scalar_field(r, "private", set)?;
    let secret = k
        .import_static(private)
        .map_err(|_| mismatch(set, r.line, "private key import failed"))?;
    if accept {
        let shared: [u8; 32] = hex_array(r, "shared", set)?;
        let peer = imported.map_err(|_| mismatch(set, r.line, "public key refused"))?;
        if agree_matches(k, &secret, &peer, &shared) != Ok(true) {
            return Err(mismatch(set, r.line, "shared secret differs or refused"));
        }
        report.valid += 1;
    } else {
        if imported.err() != Some(Error::InvalidInput) {
            return Err(mismatch(
                set,
                r.line,
                "public key not refused with InvalidInput",
            ));
        }
        report.rejected += 1;
    }
    Ok(())
}

/// NIST CAVP KAS ECC CDH primitive test, P-256 (25 records): the IUT's public key computed
/// from `d` must equal the given one, and `Z` (the x-coordinate) must match.
pub fn ecdh_p256_cavp_cdh<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "CAVP ECC CDH P-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_CAVP_CDH) {
        report.checked += 1;
        let peer_bytes = uncompressed_field(&r, "qx", "qy", SET)?;
        let own_bytes = uncompressed_field(&r, "qx_iut", "qy_iut", SET)?;
        let z: [u8; 32] = hex_array(&r, "z", SET)?;
        let secret = k
            .import_static(scalar_field(&r, "d", SET)?)
            .map_err(|_| mismatch(SET, r.line, "private key import failed"))?;
        let own = k
            .static_public(&secret)
            .map_err(|_| mismatch(SET, r.line, "static_public failed"))?;
        if k.export_public(&own) != own_bytes {
            return Err(mismatch(SET, r.line, "public key differs"));
        }
        let peer = k
            .import_public(&peer_bytes)
            .map_err(|_| mismatch(SET, r.line, "peer key refused"))?;
        if agree_matches(k, &secret, &peer, &z) != Ok(true) {
            return Err(mismatch(SET, r.line, "Z differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::ECDH_P256_CAVP_CDH)
}

/// NIST CAVP KAS ECC validity test (static unified, ZZ only, no key confirmation), P-256,
/// initiator and responder files (60 records: 36 pass, 24 fail).
///
/// Valid records (reasons 0 and 13, "Z with a leading zero nibble"): both key pairs are
/// consistent (`static_public` of each private key equals the given public key) and both
/// sides compute the given Z.
///
/// Each failing reason is checked for what an ECDH primitive can honestly detect:
/// - 1, 2 (CAVS public key fails public-key validation): `import_public` refuses the CAVS
///   key with [`Error::InvalidInput`].
/// - 5, 6 (IUT public key fails validation): `import_public` refuses the IUT key.
/// - 7 (the IUT's private key `d` was changed): not detectable by the agreement itself,
///   which simply uses whatever scalar it is given. What is checked: the changed `d` is
///   either refused by `import_static` or its public key (`static_public`) differs from the
///   given IUT public key, i.e. the key-pair consistency check that SP 800-56A 5.6.2.1.4
///   asks of the owner fails.
/// - 8 (Z was changed): every key imports and is consistent, and the Z computed (both ways)
///   differs from the given Z.
pub fn ecdh_p256_kas_validity<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "CAVP KAS ECC validity P-256";
    let mut report = Report::new(SET);
    for r in records(data::ECDH_P256_KAS_VALIDITY) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let cavs_pub = uncompressed_field(&r, "qx_cavs", "qy_cavs", SET)?;
        let iut_pub = uncompressed_field(&r, "qx_iut", "qy_iut", SET)?;
        let z: [u8; 32] = hex_array(&r, "z", SET)?;
        let reason = r
            .field("comment")
            .and_then(|c| c.split_once('-'))
            .and_then(|(n, _)| n.parse::<u8>().ok())
            .ok_or(parse)?;
        let verdict = r.verdict().ok_or(parse)?;
        match (verdict, reason) {
            (Verdict::Valid, 0 | 13) => {
                let (z_iut, z_cavs) = kas_both_sides(k, SET, &r, &cavs_pub, &iut_pub)?;
                if z_iut != z || z_cavs != z {
                    return Err(mismatch(SET, r.line, "Z differs"));
                }
                report.valid += 1;
            }
            (Verdict::Invalid, 1 | 2) => {
                if k.import_public(&cavs_pub).err() != Some(Error::InvalidInput) {
                    return Err(mismatch(SET, r.line, "invalid CAVS public key imported"));
                }
                report.rejected += 1;
            }
            (Verdict::Invalid, 5 | 6) => {
                if k.import_public(&iut_pub).err() != Some(Error::InvalidInput) {
                    return Err(mismatch(SET, r.line, "invalid IUT public key imported"));
                }
                report.rejected += 1;
            }
            (Verdict::Invalid, 7) => {
                match k.import_static(scalar_field(&r, "ds_iut", SET)?) {
                    Err(Error::InvalidInput) => {}
                    Ok(secret) => {
                        let own = k
                            .static_public(&secret)
                            .map_err(|_| mismatch(SET, r.line, "static_public failed"))?;
                        if k.export_public(&own) == iut_pub {
                            return Err(mismatch(
                                SET,
                                r.line,
                                "changed private key still matches the public key",
                            ));
                        }
                    }
                    Err(_) => return Err(mismatch(SET, r.line, "import_static failed oddly")),
                }
                report.rejected += 1;
            }
            (Verdict::Invalid, 8) => {
                let (z_iut, z_cavs) = kas_both_sides(k, SET, &r, &cavs_pub, &iut_pub)?;
                if z_iut != z_cavs || z_iut == z {
                    return Err(mismatch(SET, r.line, "changed Z not detected"));
                }
                report.rejected += 1;
            }
            _ => return Err(parse),
        }
    }
    expect_count(report, counts::ECDH_P256_KAS_VALIDITY)
}

/// Imports both key pairs of a KAS record, checks each is consistent, and returns the Z each
/// side computes.
fn kas_both_sides<K: KeyAgreement<P256>>(
    k: &mut K,
    set: &'static str,
    r: &Record<'_>,
    cavs_pub: &[u8; 65],
    iut_pub: &[u8; 65],
) -> Result<([u8; 32], [u8; 32]), Failure> {
    let mut z = [[0u8; 32]; 2];
    for (out, (own_d, own_pub, peer_pub)) in z.iter_mut().zip([
        ("ds_iut", iut_pub, cavs_pub),
        ("ds_cavs", cavs_pub, iut_pub),
    ]) {
        let secret = k
            .import_static(scalar_field(r, own_d, set)?)
            .map_err(|_| mismatch(set, r.line, "private key import failed"))?;
        let own = k
            .static_public(&secret)
            .map_err(|_| mismatch(set, r.line, "static_public failed"))?;
        if k.export_public(&own) != *own_pub {
            return Err(mismatch(set, r.line, "key pair inconsistent"));
        }
        let peer = k
            .import_public(peer_pub)
            .map_err(|_| mismatch(set, r.line, "public key refused"))?;
        let shared = k
            .agree_static(&secret, &peer)
            .map_err(|_| mismatch(set, r.line, "agreement refused"))?;
        *out = *expose_shared_secret(&shared);
    }
    let [a, b] = z;
    Ok((a, b))
}

/// P-256 negative and edge cases:
/// - every public-key length from 0 to 70 bytes except 33 and 65, with each leading byte
///   `00`, `02`, `03`, `04`, is [`Error::InvalidInput`] (this includes the 1-byte identity
///   encoding `00`);
/// - the identity and off-curve points: `04 || 0 || 0`, G with `y + 1`, coordinates equal to
///   p, a compressed `x = 1` (no square root), a compressed `x = p`, the hybrid forms
///   `06/07 || x || y` of G, and G's coordinates behind wrong tags, are all `InvalidInput`;
/// - compressed `02 || 0` (`x = 0` is a point of P-256) imports;
/// - `import_static` refuses 0, n, n + 1 and `ff..ff` and accepts 1 and n - 1; the public key
///   of 1 is G, and `1 * peer` gives the peer's x-coordinate;
/// - key generation from a generator stuck at `ff..ff` or `00..00` gives up with
///   [`Error::Hardware`] instead of looping; a failing generator's error reaches the caller.
pub fn p256_negative<K: KeyAgreement<P256>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "P-256 negative cases";
    let mut report = Report::new(SET);
    let refuse = |k: &mut K, report: &mut Report, case: usize, bytes: &[u8]| {
        refuse_public(report, SET, case, k.import_public(bytes).err())
    };
    let mut long = [0u8; 71];
    long[..65].copy_from_slice(&P256_G);
    for len in 0..=70usize {
        if len == 33 || len == 65 {
            continue;
        }
        for tag in [0x00u8, 0x02, 0x03, 0x04] {
            let mut buf = long;
            buf[0] = tag;
            let bytes = buf.get(..len).ok_or(mismatch(SET, len, "case"))?;
            refuse(k, &mut report, len, bytes)?;
        }
    }
    let mut cases: [[u8; 65]; 8] = [P256_G; 8];
    cases[0] = [0; 65];
    cases[0][0] = 0x04; // (0, 0): the "point at infinity" of some encoders; not on the curve
    cases[1][64] ^= 0x01; // G with y + 1 (y is odd: flipping bit 0 adds 1)
    cases[2][1..33].copy_from_slice(&P256_P); // x = p
    cases[3][33..].copy_from_slice(&P256_P); // y = p
    cases[4][0] = 0x06; // hybrid, as SEC1 allows; we do not
    cases[5][0] = 0x07;
    cases[6][0] = 0x05;
    cases[7][0] = 0x02; // compressed tag, uncompressed length
    for (i, case) in cases.iter().enumerate() {
        refuse(k, &mut report, 100 + i, case)?;
    }
    let mut compressed = [0u8; 33];
    compressed[0] = 0x02;
    compressed[32] = 1; // x = 1: x^3 - 3x + b is not a square
    refuse(k, &mut report, 110, &compressed)?;
    compressed[1..].copy_from_slice(&P256_P); // x = p
    refuse(k, &mut report, 111, &compressed)?;
    compressed[1..].copy_from_slice(&P256_G[1..33]);
    compressed[0] = 0x04; // uncompressed tag, compressed length
    refuse(k, &mut report, 112, &compressed)?;
    let mut x_zero = [0u8; 33];
    x_zero[0] = 0x02;
    report.checked += 1;
    k.import_public(&x_zero)
        .map_err(|_| mismatch(SET, 113, "the point with x = 0 refused"))?;
    report.valid += 1;

    // Private scalars.
    let mut n_plus_1 = P256_N;
    n_plus_1[31] += 1;
    let mut n_minus_1 = P256_N;
    n_minus_1[31] -= 1;
    let mut one = [0u8; 32];
    one[31] = 1;
    for (i, bad) in [[0u8; 32], P256_N, n_plus_1, [0xff; 32]].iter().enumerate() {
        report.checked += 1;
        if k.import_static(SecretBytes::take_from(&mut bad.clone()))
            .err()
            != Some(Error::InvalidInput)
        {
            return Err(mismatch(SET, 200 + i, "out-of-range scalar imported"));
        }
        report.rejected += 1;
    }
    report.checked += 3;
    k.import_static(SecretBytes::take_from(&mut n_minus_1))
        .map_err(|_| mismatch(SET, 210, "n - 1 refused"))?;
    let secret_one = k
        .import_static(SecretBytes::take_from(&mut one.clone()))
        .map_err(|_| mismatch(SET, 211, "1 refused"))?;
    let g = k
        .static_public(&secret_one)
        .map_err(|_| mismatch(SET, 211, "static_public failed"))?;
    if k.export_public(&g) != P256_G {
        return Err(mismatch(SET, 211, "public key of 1 is not G"));
    }
    let peer = k
        .import_public(&P256_G)
        .map_err(|_| mismatch(SET, 212, "G refused"))?;
    let mut gx = [0u8; 32];
    gx.copy_from_slice(&P256_G[1..33]);
    if agree_matches(k, &secret_one, &peer, &gx) != Ok(true) {
        return Err(mismatch(SET, 212, "1 * G is not G's x-coordinate"));
    }
    report.valid += 3;

    // Key generation.
    report.checked += 5;
    for (i, stuck) in [0xffu8, 0x00].into_iter().enumerate() {
        if k.generate_static(&mut StuckTestRng(stuck)).err() != Some(Error::Hardware)
            || k.generate_ephemeral(&mut StuckTestRng(stuck)).err() != Some(Error::Hardware)
        {
            return Err(mismatch(SET, 300 + i, "stuck generator not reported"));
        }
    }
    if k.generate_ephemeral(&mut FailingTestRng(Error::Busy)).err() != Some(Error::Busy)
        || k.generate_static(&mut FailingTestRng(Error::Hardware))
            .err()
            != Some(Error::Hardware)
    {
        return Err(mismatch(SET, 302, "generator error not passed on"));
    }
    report.rejected += 4;
    let mut rng = DeterministicTestRng::new(256);
    k.generate_static(&mut rng)
        .map_err(|_| mismatch(SET, 303, "generation with a working generator failed"))?;
    report.valid += 1;
    Ok(report)
}
