//! CCM: the vector files, tampering, size rules and the typed sizes.

use super::*;

fn ccm_file<C: Ccm, const BIG: usize, const MSG: usize>(
    set: &'static str,
    file: &str,
    expected: usize,
    make: &mut impl FnMut(&[u8]) -> Result<C, Error>,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    let mut report = Report::new(set);
    for r in records(file) {
        report.checked += 1;
        let parse = parse_failure(set, r.line);
        let fits = ["key", "nonce", "pt", "ct", "tag"]
            .iter()
            .all(|f| r.hex_len(f).is_some_and(|n| n <= MSG))
            && r.hex_len("aad").is_some_and(|n| n <= BIG);
        if !fits {
            report.skipped += 1;
            continue;
        }
        let mut key_buf = [0u8; 64];
        let CcmFields {
            key,
            nonce,
            aad,
            pt,
            ct,
            tag,
            out: buf,
        } = ccm_fields(set, &r, &mut key_buf, s)?;
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                report.valid += 1;
                let mut ccm = make(key).map_err(|_| mismatch(set, r.line, "key import failed"))?;
                let mut tag_out = [0u8; 16];
                let tag_out = tag_out.get_mut(..tag.len()).ok_or(parse)?;
                if pt.len() != ct.len() {
                    return Err(parse);
                }
                buf.copy_from_slice(pt);
                ccm.seal_detached(nonce, &[aad], buf, tag_out)
                    .map_err(|_| mismatch(set, r.line, "seal failed"))?;
                if buf != ct || tag_out != tag {
                    return Err(mismatch(set, r.line, "seal output differs"));
                }
                ccm.open_detached(nonce, &[aad], buf, tag)
                    .map_err(|_| mismatch(set, r.line, "open rejected a valid record"))?;
                if buf != pt {
                    return Err(mismatch(set, r.line, "open output differs"));
                }
                // One flipped tag bit: the opaque error, and no plaintext left behind.
                buf.copy_from_slice(ct);
                tag_out.copy_from_slice(tag);
                if let Some(t) = tag_out.first_mut() {
                    *t ^= 1;
                }
                if ccm.open_detached(nonce, &[aad], buf, tag_out) != Err(Error::Verification)
                    || buf.iter().any(|&x| x != 0)
                {
                    return Err(mismatch(
                        set,
                        r.line,
                        "tampered tag not rejected and zeroed",
                    ));
                }
            }
            Verdict::Invalid | Verdict::Acceptable => {
                report.rejected += 1;
                let mut ccm = match make(key) {
                    Ok(ccm) => ccm,
                    Err(Error::InvalidInput) => continue,
                    Err(_) => return Err(mismatch(set, r.line, "key import failed oddly")),
                };
                buf.copy_from_slice(ct);
                let want = expected_ccm_error(nonce.len(), tag.len());
                if ccm.open_detached(nonce, &[aad], buf, tag) != Err(want) {
                    return Err(mismatch(
                        set,
                        r.line,
                        "invalid record not rejected with the exact error",
                    ));
                }
                let untouched = buf == ct;
                let zeroed = buf.iter().all(|&x| x == 0);
                if (want == Error::InvalidInput && !untouched)
                    || (want == Error::Verification && !zeroed)
                {
                    return Err(mismatch(
                        set,
                        r.line,
                        "buffer not left as documented after rejection",
                    ));
                }
            }
        }
    }
    expect_count(report, expected)
}

/// Defines a public check that runs one CCM vector file through [`ccm_file`].
macro_rules! ccm_set {
    ($(#[$doc:meta])* $name:ident, $set:literal, $file:ident) => {
        $(#[$doc])*
        pub fn $name<C: Ccm, const BIG: usize, const MSG: usize>(
            mut make: impl FnMut(&[u8]) -> Result<C, Error>,
            s: &mut Scratch<BIG, MSG>,
        ) -> Result<Report, Failure> {
            ccm_file($set, data::$file, counts::$file, &mut make, s)
        }
    };
}

ccm_set!(
    /// NIST CAVP CCM (all 2,880 records: DVPT Pass/Fail, VADT, VNT, VPT, VTT, three key sizes).
    ccm_cavp,
    "CAVP CCM",
    CCM_CAVP
);
ccm_set!(
    /// RFC 3610 packets #1-#24.
    ccm_rfc3610,
    "RFC 3610",
    CCM_RFC3610
);
ccm_set!(
    /// SP 800-38C C.1-C.4 (C.4: 65,536 bytes of AAD, the 6-byte AAD-length encoding).
    ccm_sp800_38c,
    "SP 800-38C",
    CCM_SP800_38C
);
ccm_set!(
    /// Wycheproof AES-CCM: valid records round-trip; invalid ones (modified tags, nonce sizes
    /// 0..=268, odd or 2-byte tags) are rejected with `Verification` or `InvalidInput` exactly.
    ccm_wycheproof,
    "Wycheproof AES-CCM",
    CCM_WYCHEPROOF
);

/// Every single-bit change of nonce, AAD, ciphertext and tag of every RFC 3610 packet gives
/// `Verification` with the buffer zeroed. Returns the number of tampered frames tried.
pub fn ccm_tamper<C: Ccm, const BIG: usize, const MSG: usize>(
    mut make: impl FnMut(&[u8]) -> Result<C, Error>,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "CCM single-bit tampering";
    let mut report = Report::new(SET);
    for r in records(data::CCM_RFC3610) {
        let mut key_buf = [0u8; 64];
        let CcmFields {
            key,
            nonce,
            aad,
            ct,
            tag,
            out: buf,
            ..
        } = ccm_fields(SET, &r, &mut key_buf, s)?;
        let mut ccm = make(key).map_err(|_| mismatch(SET, r.line, "key import failed"))?;
        // field 0 nonce, 1 aad, 2 ciphertext, 3 tag
        for field in 0..4 {
            let len = [nonce.len(), aad.len(), ct.len(), tag.len()][field];
            for bit in 0..len * 8 {
                let flip = |x: &mut [u8]| {
                    if let Some(byte) = x.get_mut(bit / 8) {
                        *byte ^= 1 << (bit % 8);
                    }
                };
                match field {
                    0 => flip(nonce),
                    1 => flip(aad),
                    2 => flip(ct),
                    _ => flip(tag),
                }
                buf.copy_from_slice(ct);
                let verdict = ccm.open_detached(nonce, &[aad], buf, tag);
                match field {
                    0 => flip(nonce),
                    1 => flip(aad),
                    2 => flip(ct),
                    _ => flip(tag),
                }
                report.checked += 1;
                report.rejected += 1;
                if verdict != Err(Error::Verification) || buf.iter().any(|&x| x != 0) {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "tampered frame accepted or not zeroed",
                    ));
                }
            }
        }
        buf.copy_from_slice(ct);
        if ccm.open_detached(nonce, &[aad], buf, tag).is_err() {
            return Err(mismatch(SET, r.line, "untampered frame rejected"));
        }
        report.checked += 1;
        report.valid += 1;
    }
    Ok(report)
}

/// Size rules: every nonce length outside 7..=13 and tag length outside {4, 6, ..., 16} is
/// `InvalidInput` with the buffer untouched; a message one byte over the nonce's length field
/// (65,536 bytes with a 13-byte nonce) is `InvalidInput`, one byte under is sealed.
pub fn ccm_size_rules<C: Ccm, const BIG: usize, const MSG: usize>(
    mut make: impl FnMut(&[u8]) -> Result<C, Error>,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "CCM size rules";
    let (mut report, mut ccm) = keyed_start(SET, &mut make, &[0x42; 16])?;
    let nonce = [7u8; 32];
    let msg = *b"size rules check";
    for nonce_len in 0..=nonce.len() {
        for tag_len in 0..=18 {
            let valid = is_valid_nonce_len(nonce_len) && is_valid_tag_len(tag_len);
            let n = nonce.get(..nonce_len).ok_or(mismatch(SET, 0, "bad case"))?;
            let mut buf = msg;
            let mut tag = [0u8; 18];
            let tag = tag.get_mut(..tag_len).ok_or(mismatch(SET, 0, "bad case"))?;
            let sealed = ccm.seal_detached(n, &[b"aad"], &mut buf, tag);
            report.checked += 1;
            if valid {
                report.valid += 1;
                if sealed.is_err()
                    || ccm.open_detached(n, &[b"aad"], &mut buf, tag).is_err()
                    || buf != msg
                {
                    return Err(mismatch(
                        SET,
                        nonce_len * 100 + tag_len,
                        "valid size failed",
                    ));
                }
            } else {
                report.rejected += 1;
                let sealed_untouched = buf == msg;
                let opened = ccm.open_detached(n, &[b"aad"], &mut buf, tag);
                let crypt_ok = is_valid_nonce_len(nonce_len)
                    || ccm.crypt_unauthenticated(n, &mut buf) == Err(Error::InvalidInput);
                if sealed != Err(Error::InvalidInput)
                    || !sealed_untouched
                    || opened != Err(Error::InvalidInput)
                    || buf != msg
                    || !crypt_ok
                {
                    return Err(mismatch(
                        SET,
                        nonce_len * 100 + tag_len,
                        "invalid size not rejected",
                    ));
                }
            }
        }
    }
    // Length limit of a 13-byte nonce: 2 length bytes, at most 65,535 message bytes.
    if BIG > 65_536 {
        let n13 = [1u8; 13];
        let big = s.big.get_mut(..65_536).ok_or(mismatch(SET, 1, "scratch"))?;
        big.fill(0x5a);
        let mut tag = [0u8; 8];
        report.checked += 2;
        report.rejected += 1;
        report.valid += 1;
        if ccm.seal_detached(&n13, &[], big, &mut tag) != Err(Error::InvalidInput)
            || big.iter().any(|&x| x != 0x5a)
        {
            return Err(mismatch(SET, 1, "over-long message not rejected"));
        }
        let under = big.get_mut(..65_535).ok_or(mismatch(SET, 1, "scratch"))?;
        if ccm.seal_detached(&n13, &[], under, &mut tag).is_err() {
            return Err(mismatch(SET, 2, "longest message rejected"));
        }
    } else {
        report.skipped += 2;
    }
    Ok(report)
}

/// The typed API for all 49 NIST (nonce, tag) sizes agrees with the run-time API and rejects a
/// tampered tag.
pub fn ccm_typed_sizes<C: Ccm>(
    mut make: impl FnMut(&[u8]) -> Result<C, Error>,
) -> Result<Report, Failure> {
    const SET: &str = "CCM typed sizes";
    let (mut report, mut ccm) = keyed_start(SET, &mut make, &[0x24; 16])?;
    macro_rules! one {
        ($n:literal, $($t:literal),*) => {$({
            let nonce = [0x11u8; $n];
            let msg = *b"typed sizes check message";
            let mut buf = msg;
            let tag: [u8; $t] = AesCcm::<$n, $t>::seal_in_place(&mut ccm, &nonce, b"hdr", &mut buf)
                .map_err(|_| mismatch(SET, $n * 100 + $t, "typed seal failed"))?;
            let mut buf2 = msg;
            let mut tag2 = [0u8; $t];
            ccm.seal_detached(&nonce, &[b"h", b"dr"], &mut buf2, &mut tag2)
                .map_err(|_| mismatch(SET, $n * 100 + $t, "seal failed"))?;
            if buf != buf2 || tag != tag2 {
                return Err(mismatch(SET, $n * 100 + $t, "typed and run-time APIs differ"));
            }
            let mut bad = tag;
            bad[$t - 1] ^= 0x80;
            if AesCcm::<$n, $t>::open_in_place(&mut ccm, &nonce, b"hdr", &mut buf, &bad) != Err(Error::Verification)
                || buf != [0u8; 25]
            {
                return Err(mismatch(SET, $n * 100 + $t, "typed open accepted a bad tag"));
            }
            buf = buf2;
            AesCcm::<$n, $t>::open_in_place(&mut ccm, &nonce, b"hdr", &mut buf, &tag)
                .map_err(|_| mismatch(SET, $n * 100 + $t, "typed open failed"))?;
            if buf != msg {
                return Err(mismatch(SET, $n * 100 + $t, "typed round trip differs"));
            }
            report.checked += 1;
            report.valid += 1;
        })*};
    }
    macro_rules! all_tags {
        ($($n:literal),*) => {$( one!($n, 4, 6, 8, 10, 12, 14, 16); )*};
    }
    all_tags!(7, 8, 9, 10, 11, 12, 13);
    expect_count(report, 49)
}
