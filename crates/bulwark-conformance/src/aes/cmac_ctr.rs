//! CMAC and CTR.

use super::*;

/// Defines a public check that runs one CMAC vector file through [`cmac_file`].
macro_rules! cmac_set {
    ($(#[$doc:meta])* $name:ident, $set:literal, $file:ident) => {
        $(#[$doc])*
        pub fn $name<M: Cmac>(
            mut make: impl FnMut(&[u8]) -> Result<M, Error>,
        ) -> Result<Report, Failure> {
            cmac_file($set, data::$file, counts::$file, &mut make)
        }
    };
}

cmac_set!(
    /// Wycheproof AES-CMAC: valid tags verify and are computed exactly; modified tags are
    /// `Verification`; invalid key sizes (0, 1, 8, 20, 40 bytes) are refused at import.
    cmac_wycheproof,
    "Wycheproof AES-CMAC",
    CMAC_WYCHEPROOF
);
cmac_set!(
    /// NIST SP 800-38B CMAC examples (AES-128/192/256, 4 each).
    cmac_sp800_38b,
    "SP 800-38B CMAC",
    CMAC_SP800_38B
);

fn cmac_file<M: Cmac>(
    set: &'static str,
    file: &str,
    expected: usize,
    make: &mut impl FnMut(&[u8]) -> Result<M, Error>,
) -> Result<Report, Failure> {
    let mut report = Report::new(set);
    for r in records(file) {
        report.checked += 1;
        let parse = parse_failure(set, r.line);
        let (mut kb, mut mb, mut tb) = ([0u8; 64], [0u8; 128], [0u8; 32]);
        let key = r.hex("key", &mut kb).ok_or(parse)?;
        let msg = r.hex("msg", &mut mb).ok_or(parse)?;
        let tag = r.hex("tag", &mut tb).ok_or(parse)?;
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                report.valid += 1;
                let mut mac = make(key).map_err(|_| mismatch(set, r.line, "key import failed"))?;
                let full = mac
                    .compute(&[msg])
                    .map_err(|_| mismatch(set, r.line, "compute failed"))?;
                if full.get(..tag.len()) != Some(&*tag) {
                    return Err(mismatch(set, r.line, "tag differs"));
                }
                mac.verify(&[msg], tag)
                    .map_err(|_| mismatch(set, r.line, "verify rejected a valid tag"))?;
                if let Some(t) = tag.last_mut() {
                    *t ^= 0x40;
                }
                if mac.verify(&[msg], tag) != Err(Error::Verification) {
                    return Err(mismatch(set, r.line, "verify accepted a modified tag"));
                }
            }
            Verdict::Invalid | Verdict::Acceptable => {
                report.rejected += 1;
                match make(key) {
                    Err(Error::InvalidInput) if r.has_flag("InvalidKeySize") => {}
                    Ok(mut mac) if !r.has_flag("InvalidKeySize") => {
                        if mac.verify(&[msg], tag) != Err(Error::Verification) {
                            return Err(mismatch(
                                set,
                                r.line,
                                "invalid tag not rejected with Verification",
                            ));
                        }
                    }
                    _ => return Err(mismatch(set, r.line, "key import verdict wrong")),
                }
            }
        }
    }
    expect_count(report, expected)
}

/// CMAC with several parts equals CMAC of their concatenation, at every split point, and
/// truncated-tag rules hold (8..=16 bytes verify, shorter or longer are `InvalidInput`).
pub fn cmac_parts<M: Cmac>(
    mut make: impl FnMut(&[u8]) -> Result<M, Error>,
) -> Result<Report, Failure> {
    const SET: &str = "CMAC parts and truncation";
    let (mut report, mut mac) = keyed_start(SET, &mut make, &[0x33; 16])?;
    let mut msg = [0u8; 48];
    for (i, m) in msg.iter_mut().enumerate() {
        *m = i as u8;
    }
    for len in 0..=msg.len() {
        let m = msg.get(..len).ok_or(mismatch(SET, len, "case"))?;
        let whole = mac
            .compute(&[m])
            .map_err(|_| mismatch(SET, len, "compute failed"))?;
        for split in 0..=len {
            let (x, y) = m.split_at(split);
            report.checked += 1;
            report.valid += 1;
            if mac.compute(&[x, &[], y]) != Ok(whole) {
                return Err(mismatch(SET, len, "split computation differs"));
            }
        }
    }
    let tag = mac
        .compute(&[b"msg"])
        .map_err(|_| mismatch(SET, 0, "compute failed"))?;
    for t in 0..=17usize {
        let mut buf = [0u8; 17];
        let n = t.min(16);
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), tag.get(..n)) {
            dst.copy_from_slice(src);
        }
        let candidate = buf.get(..t).ok_or(mismatch(SET, t, "case"))?;
        let want = if (8..=16).contains(&t) {
            Ok(())
        } else {
            Err(Error::InvalidInput)
        };
        report.checked += 1;
        if mac.verify(&[b"msg"], candidate) != want {
            return Err(mismatch(SET, t, "truncated tag rule"));
        }
    }
    Ok(report)
}

/// AES-CTR: RFC 3686 and SP 800-38A F.5 known answers both ways, and the 128-bit counter
/// wrapping from `ff..ff` to `00..00`.
pub fn ctr_vectors<X: Ctr>(
    mut make: impl FnMut(&[u8]) -> Result<X, Error>,
) -> Result<Report, Failure> {
    const SET: &str = "AES-CTR (RFC 3686, SP 800-38A)";
    let mut report = Report::new(SET);
    for r in records(data::CTR) {
        report.checked += 1;
        report.valid += 1;
        let parse = parse_failure(SET, r.line);
        let (mut kb, mut ib, mut pb, mut cb) = ([0u8; 32], [0u8; 16], [0u8; 64], [0u8; 64]);
        let key = r.hex("key", &mut kb).ok_or(parse)?;
        r.hex("iv", &mut ib)
            .filter(|iv| iv.len() == 16)
            .ok_or(parse)?;
        let pt = r.hex("pt", &mut pb).ok_or(parse)?;
        let ct = r.hex("ct", &mut cb).ok_or(parse)?;
        let mut ctr = make(key).map_err(|_| mismatch(SET, r.line, "key import failed"))?;
        let mut buf = [0u8; 64];
        let buf = buf.get_mut(..pt.len()).ok_or(parse)?;
        buf.copy_from_slice(pt);
        ctr.apply_keystream(&ib, buf)
            .map_err(|_| mismatch(SET, r.line, "ctr failed"))?;
        if buf != ct {
            return Err(mismatch(SET, r.line, "ciphertext differs"));
        }
        ctr.apply_keystream(&ib, buf)
            .map_err(|_| mismatch(SET, r.line, "ctr failed"))?;
        if buf != pt {
            return Err(mismatch(SET, r.line, "decryption differs"));
        }
    }
    let report = expect_count(report, counts::CTR)?;
    // Wrap: keystream from ff..ff continues with 00..00, i.e. block 2 equals block 1 of a
    // stream started at zero.
    let mut ctr = make(&[0x77; 16]).map_err(|_| mismatch(SET, 0, "key import failed"))?;
    let mut wrapped = [0u8; 32];
    ctr.apply_keystream(&[0xff; 16], &mut wrapped)
        .map_err(|_| mismatch(SET, 0, "ctr failed"))?;
    let mut from_zero = [0u8; 16];
    ctr.apply_keystream(&[0; 16], &mut from_zero)
        .map_err(|_| mismatch(SET, 0, "ctr failed"))?;
    if wrapped.get(16..) != Some(&from_zero[..]) {
        return Err(mismatch(SET, 0, "counter does not wrap modulo 2^128"));
    }
    Ok(report)
}
