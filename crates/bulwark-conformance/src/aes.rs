//! Checks for the AES family: CCM, CCM*, CMAC, CTR.
//!
//! Each check takes a `make` closure that imports a key (16, 24 or 32 bytes) into the backend
//! under test and returns the mode; a backend that does not support a key size returns
//! [`Error::InvalidInput`] for it, which fails the check for any valid record.

use crate::{
    Failure, Report, Scratch, expect_count, mismatch, parse_failure,
    vectors::{Record, Verdict, data, records},
};
use bulwark_api::{
    Error,
    ccm::{
        AesCcm, Ccm, CcmStar, SecurityLevel, ieee802154_nonce, is_valid_nonce_len, is_valid_tag_len,
    },
    hazmat::Ctr,
    mac::Cmac,
};

/// Published record counts: a check fails if its file holds any other number.
pub mod counts {
    /// NIST CAVP CCM, DVPT + VADT + VNT + VPT + VTT, AES-128/192/256.
    pub const CCM_CAVP: usize = 2_880;
    /// RFC 3610 packets #1-#24.
    pub const CCM_RFC3610: usize = 24;
    /// SP 800-38C examples C.1-C.4.
    pub const CCM_SP800_38C: usize = 4;
    /// Wycheproof `aes_ccm_test.json`.
    pub const CCM_WYCHEPROOF: usize = 552;
    /// Wycheproof `aes_cmac_test.json`.
    pub const CMAC_WYCHEPROOF: usize = 311;
    /// SP 800-38B CMAC examples (4 per key size).
    pub const CMAC_SP800_38B: usize = 12;
    /// RFC 3686 (9) and SP 800-38A F.5.1-F.5.6 (6).
    pub const CTR: usize = 15;
}

/// The error a CCM open of this record must give, for records expected to fail.
fn expected_ccm_error(nonce_len: usize, tag_len: usize) -> Error {
    if is_valid_nonce_len(nonce_len) && is_valid_tag_len(tag_len) {
        Error::Verification
    } else {
        Error::InvalidInput
    }
}

/// A fresh report for `set` and the mode under `key`.
fn keyed_start<T>(
    set: &'static str,
    make: &mut impl FnMut(&[u8]) -> Result<T, Error>,
    key: &[u8],
) -> Result<(Report, T), Failure> {
    let mode = make(key).map_err(|_| mismatch(set, 0, "key import failed"))?;
    Ok((Report::new(set), mode))
}

/// The fields of one CCM record, decoded into a key buffer and the scratch buffers; `out` is
/// a working buffer of the ciphertext's length.
struct CcmFields<'s> {
    key: &'s mut [u8],
    nonce: &'s mut [u8],
    aad: &'s mut [u8],
    pt: &'s mut [u8],
    ct: &'s mut [u8],
    tag: &'s mut [u8],
    out: &'s mut [u8],
}

/// Decodes a CCM record's `key`, `nonce`, `aad`, `pt`, `ct` and `tag` (a parse failure if any
/// is missing or does not fit).
fn ccm_fields<'s, const BIG: usize, const MSG: usize>(
    set: &'static str,
    r: &Record<'_>,
    key_buf: &'s mut [u8; 64],
    s: &'s mut Scratch<BIG, MSG>,
) -> Result<CcmFields<'s>, Failure> {
    let parse = parse_failure(set, r.line);
    let Scratch { big, a, b, c, d, e } = s;
    let ct = r.hex("ct", b).ok_or(parse)?;
    let out = c.get_mut(..ct.len()).ok_or(parse)?;
    Ok(CcmFields {
        key: r.hex("key", key_buf).ok_or(parse)?,
        nonce: r.hex("nonce", d).ok_or(parse)?,
        aad: r.hex("aad", big).ok_or(parse)?,
        pt: r.hex("pt", a).ok_or(parse)?,
        ct,
        tag: r.hex("tag", e).ok_or(parse)?,
        out,
    })
}

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

/// CCM* (IEEE 802.15.4) at all seven security levels: MIC-only levels leave the payload clear
/// and produce the CCM tag over header||payload; level 4 equals the CCM ciphertext of RFC 3610
/// packets (same nonce, same keystream); MIC levels reject every tampered byte with the payload
/// zeroed; a nonce whose level byte disagrees is `InvalidInput`.
pub fn ccm_star<C: Ccm, const BIG: usize, const MSG: usize>(
    mut make: impl FnMut(&[u8]) -> Result<C, Error>,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "CCM* security levels";
    let (mut report, mut ccm) = keyed_start(SET, &mut make, &[0xc0; 16])?;
    let header = [
        0x69u8, 0xdc, 0x84, 0x21, 0x43, 0x02, 0x00, 0x00, 0x00, 0x00, 0x48, 0xde, 0xac,
    ];
    let reading = *b"t=21.5C h=40%";
    for level in SecurityLevel::ALL {
        let case = usize::from(level.as_u8());
        let nonce = ieee802154_nonce(0xacde_4800_0000_0001, 5, level);
        let mut payload = reading;
        let mut mic = [0u8; 16];
        let mic = mic
            .get_mut(..level.mic_len())
            .ok_or(mismatch(SET, case, "mic"))?;
        ccm.seal_frame(level, &nonce, &header, &mut payload, mic)
            .map_err(|_| mismatch(SET, case, "seal_frame failed"))?;
        report.checked += 1;
        if level.encrypts() == (payload == reading) {
            return Err(mismatch(
                SET,
                case,
                "payload encryption does not follow the level",
            ));
        }
        if !level.encrypts() {
            let mut tag = [0u8; 16];
            let tag = tag
                .get_mut(..level.mic_len())
                .ok_or(mismatch(SET, case, "mic"))?;
            ccm.seal_detached(&nonce, &[&header, &reading], &mut [], tag)
                .map_err(|_| mismatch(SET, case, "seal failed"))?;
            if tag != mic {
                return Err(mismatch(
                    SET,
                    case,
                    "MIC-only level differs from CCM over header||payload",
                ));
            }
        }
        let sealed = payload;
        ccm.open_frame(level, &nonce, &header, &mut payload, mic)
            .map_err(|_| mismatch(SET, case, "open_frame failed"))?;
        if payload != reading {
            return Err(mismatch(SET, case, "round trip differs"));
        }
        report.valid += 1;
        if level.mic_len() > 0 {
            for i in 0..sealed.len() + header.len() + mic.len() {
                let mut p = sealed;
                let mut h = header;
                let mut m = [0u8; 16];
                let m = m.get_mut(..mic.len()).ok_or(mismatch(SET, case, "mic"))?;
                m.copy_from_slice(mic);
                let target = if i < p.len() {
                    p.get_mut(i)
                } else if i < p.len() + h.len() {
                    h.get_mut(i - p.len())
                } else {
                    m.get_mut(i - p.len() - h.len())
                };
                if let Some(b) = target {
                    *b ^= 0x01;
                }
                report.checked += 1;
                report.rejected += 1;
                if ccm.open_frame(level, &nonce, &h, &mut p, m) != Err(Error::Verification)
                    || p != [0u8; 13]
                {
                    return Err(mismatch(SET, case, "tampered frame accepted or not zeroed"));
                }
            }
        }
        let wrong = ieee802154_nonce(
            0xacde_4800_0000_0001,
            5,
            if level == SecurityLevel::Mic32 {
                SecurityLevel::Mic64
            } else {
                SecurityLevel::Mic32
            },
        );
        let mut p = reading;
        report.checked += 1;
        report.rejected += 1;
        if ccm.seal_frame(level, &wrong, &header, &mut p, mic) != Err(Error::InvalidInput)
            || p != reading
        {
            return Err(mismatch(SET, case, "level/nonce mismatch not rejected"));
        }
    }
    // Level 4 keystream equals CCM's (RFC 3610 packets all use 13-byte nonces).
    for r in records(data::CCM_RFC3610) {
        let mut key_buf = [0u8; 64];
        let CcmFields {
            key, nonce, pt, ct, ..
        } = ccm_fields(SET, &r, &mut key_buf, s)?;
        let mut k = make(key).map_err(|_| mismatch(SET, r.line, "key import failed"))?;
        k.crypt_unauthenticated(nonce, pt)
            .map_err(|_| mismatch(SET, r.line, "ccm* encrypt failed"))?;
        report.checked += 1;
        report.valid += 1;
        if pt != ct {
            return Err(mismatch(
                SET,
                r.line,
                "CCM* level-4 ciphertext differs from CCM's",
            ));
        }
    }
    Ok(report)
}

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
