//! X25519 (RFC 7748): Wycheproof, RFC 7748 and negative cases.

use super::*;

/// Wycheproof X25519 (518 records: 264 valid, 254 acceptable).
///
/// Policy for "acceptable" records (see the module docs): non-canonical and twist public keys
/// are accepted and must give exactly the expected shared secret (RFC 7748 masks the top bit
/// and reduces modulo p); the 31 records whose result is all zeros (`ZeroSharedSecret`:
/// low-order public keys) must be refused by the agreement with [`Error::Verification`].
/// Every public key must import (any 32 bytes) and export back unchanged.
pub fn x25519_wycheproof<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof X25519";
    let mut report = Report::new(SET);
    for r in records(data::X25519_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let public: [u8; 32] = hex_array(&r, "public", SET)?;
        let shared: [u8; 32] = hex_array(&r, "shared", SET)?;
        let private = scalar_field(&r, "private", SET)?;
        let secret = k
            .import_static(private)
            .map_err(|_| mismatch(SET, r.line, "private key import failed"))?;
        let peer = k
            .import_public(&public)
            .map_err(|_| mismatch(SET, r.line, "public key import failed"))?;
        if k.export_public(&peer) != public {
            return Err(mismatch(
                SET,
                r.line,
                "public key does not export unchanged",
            ));
        }
        let zero = r.has_flag("ZeroSharedSecret");
        if zero != (shared == [0; 32]) {
            return Err(parse);
        }
        let result = agree_matches(k, &secret, &peer, &shared);
        match (r.verdict().ok_or(parse)?, zero) {
            (Verdict::Valid, false) | (Verdict::Acceptable, false) => {
                if result != Ok(true) {
                    return Err(mismatch(SET, r.line, "shared secret differs or refused"));
                }
                report.valid += 1;
            }
            (Verdict::Acceptable, true) | (Verdict::Invalid, _) => {
                if result != Err(Error::Verification) {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "all-zero result not refused with Verification",
                    ));
                }
                report.rejected += 1;
            }
            (Verdict::Valid, true) => return Err(parse),
        }
    }
    expect_count(report, counts::X25519_WYCHEPROOF)
}

/// RFC 7748 section 5.2: the two X25519 function vectors and the 1-iteration value
/// (unclamped scalars, as in the RFC: `import_static` clamps).
pub fn x25519_rfc7748<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "RFC 7748 X25519";
    let mut report = Report::new(SET);
    for r in records(data::X25519_RFC7748) {
        report.checked += 1;
        let scalar: [u8; 32] = hex_array(&r, "scalar", SET)?;
        let u: [u8; 32] = hex_array(&r, "u", SET)?;
        let expected: [u8; 32] = hex_array(&r, "result_u", SET)?;
        let secret = k
            .import_static(
                SecretBytes::try_from_slice(&scalar).map_err(|_| parse_failure(SET, r.line))?,
            )
            .map_err(|_| mismatch(SET, r.line, "scalar import failed"))?;
        let peer = k
            .import_public(&u)
            .map_err(|_| mismatch(SET, r.line, "u import failed"))?;
        if agree_matches(k, &secret, &peer, &expected) != Ok(true) {
            return Err(mismatch(SET, r.line, "result differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::X25519_RFC7748)
}

/// RFC 7748 section 5.2 iterated X25519: start with `k = u = 9`; each iteration sets
/// `k, u = X25519(k, u), k` (the result becomes the next **scalar**, the old scalar becomes the
/// next **u-coordinate**). Checks the values after 1 and 1,000 iterations, running the chain
/// through `import_static` (the scalar), `import_public` (u) and `agree_static`, and reading
/// each result with [`expose_shared_secret`] to continue. (The 1,000,000-iteration value is not
/// in the file: it takes minutes on a microcontroller.)
pub fn x25519_rfc7748_iterated<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "RFC 7748 X25519 iterated";
    let mut report = Report::new(SET);
    let mut scalar = [0u8; 32];
    scalar[0] = 9;
    let mut u = scalar;
    let mut done: u64 = 0;
    for r in records(data::X25519_RFC7748_ITER) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let target = r
            .number("iterations")
            .filter(|&n| n >= done && n <= 1_000_000)
            .ok_or(parse)?;
        let expected: [u8; 32] = hex_array(&r, "result_k", SET)?;
        while done < target {
            let secret = k
                .import_static(SecretBytes::take_from(&mut scalar.clone()))
                .map_err(|_| mismatch(SET, r.line, "scalar import failed"))?;
            let peer = k
                .import_public(&u)
                .map_err(|_| mismatch(SET, r.line, "u import failed"))?;
            let shared = k
                .agree_static(&secret, &peer)
                .map_err(|_| mismatch(SET, r.line, "agreement refused"))?;
            u = scalar;
            scalar = *expose_shared_secret(&shared);
            done += 1;
        }
        if scalar != expected {
            return Err(mismatch(SET, r.line, "iterated result differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::X25519_RFC7748_ITER)
}

/// X25519 negative cases: every public-key length from 0 to 40 bytes except 32 is
/// [`Error::InvalidInput`]; each small-order u-coordinate (0, 1, the two order-8 points,
/// p - 1, p, p + 1, each also with the top bit set) imports, and agreement with it is refused
/// with [`Error::Verification`], both with a static secret and with a generated ephemeral one;
/// a failing generator's error reaches the caller.
pub fn x25519_negative<K: KeyAgreement<X25519>>(k: &mut K) -> Result<Report, Failure> {
    const SET: &str = "X25519 negative cases";
    let mut report = Report::new(SET);
    let buf = [0x42u8; 41];
    for len in 0..=40usize {
        if len == 32 {
            continue;
        }
        report.checked += 1;
        let bytes = buf.get(..len).ok_or(mismatch(SET, len, "case"))?;
        if k.import_public(bytes).err() != Some(Error::InvalidInput) {
            return Err(mismatch(SET, len, "wrong public key length not refused"));
        }
        report.rejected += 1;
    }
    let mut rng = DeterministicTestRng::new(0x7748);
    let secret = k
        .generate_static(&mut rng)
        .map_err(|_| mismatch(SET, 0, "generate_static failed"))?;
    for (i, point) in X25519_SMALL_ORDER.iter().enumerate() {
        for top in [0u8, 0x80] {
            let case = 100 + 2 * i + usize::from(top >> 7);
            let mut u = *point;
            u[31] |= top;
            let peer = k
                .import_public(&u)
                .map_err(|_| mismatch(SET, case, "low-order point import refused"))?;
            report.checked += 2;
            if k.agree_static(&secret, &peer).err() != Some(Error::Verification) {
                return Err(mismatch(SET, case, "low-order point accepted (static)"));
            }
            let eph = k
                .generate_ephemeral(&mut rng)
                .map_err(|_| mismatch(SET, case, "generate_ephemeral failed"))?;
            if k.agree(eph, &peer).err() != Some(Error::Verification) {
                return Err(mismatch(SET, case, "low-order point accepted (ephemeral)"));
            }
            report.rejected += 2;
        }
    }
    report.checked += 2;
    if k.generate_ephemeral(&mut FailingTestRng(Error::Hardware))
        .err()
        != Some(Error::Hardware)
        || k.generate_static(&mut FailingTestRng(Error::Busy)).err() != Some(Error::Busy)
    {
        return Err(mismatch(SET, 200, "generator error not passed on"));
    }
    report.rejected += 2;
    Ok(report)
}
