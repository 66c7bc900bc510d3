//! Checks for HKDF-SHA256 (RFC 5869), SHA-256 and SHA-512.
//!
//! HKDF checks take the backend as `&mut H` where `H: HkdfSha256`, SHA-256 checks `&mut S`
//! where `S: Sha256` (SHA-512: `S: Sha512`).

use crate::{
    Failure, Report, Scratch, expect_count, hex_array, mismatch, parse_failure,
    vectors::{Verdict, data, records},
};
use bulwark_api::{
    Error, SecretBytes,
    hash::{Sha256, Sha512},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256, Prk},
};

/// Published record counts: a check fails if its file holds any other number.
pub mod counts {
    /// Wycheproof `hkdf_sha256_test.json`.
    pub const HKDF_SHA256_WYCHEPROOF: usize = 86;
    /// RFC 5869 appendix A, test cases 1-3.
    pub const HKDF_SHA256_RFC5869: usize = 3;
}

/// Splits `data` into up to three parts at one third and two thirds of its length.
fn thirds(data: &[u8]) -> [&[u8]; 3] {
    let (a, rest) = data.split_at(data.len() / 3);
    let (b, c) = rest.split_at(rest.len() / 2);
    [a, b, c]
}

/// Wycheproof HKDF-SHA256 (86 records: 83 valid, 3 invalid).
///
/// Valid records: `derive` gives `okm` exactly, and so do `extract` + `expand` with the input
/// key material and the info each split into three parts (parts are processed as their
/// concatenation). Invalid records (all `SizeTooLarge`: 8,161 bytes > 255 * 32) are
/// [`Error::InvalidInput`] from both `derive` and `expand`, with the output buffer untouched.
///
/// Needs `size` bytes of `s.big` (8,161 at most: [`crate::FullScratch`] has room) and the
/// ikm, salt and info (80 bytes at most) in `MSG`; a record that does not fit is counted in
/// [`Report::skipped`].
pub fn hkdf_wycheproof<H: HkdfSha256, const BIG: usize, const MSG: usize>(
    h: &mut H,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "Wycheproof HKDF-SHA256";
    let mut report = Report::new(SET);
    let Scratch {
        big, a, b, c, d, ..
    } = s;
    for r in records(data::HKDF_SHA256_WYCHEPROOF) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let size = usize::try_from(r.number("size").ok_or(parse)?).map_err(|_| parse)?;
        let fits = ["ikm", "salt", "info"]
            .iter()
            .all(|f| r.hex_len(f).is_some_and(|n| n <= MSG))
            && size <= BIG;
        if !fits {
            report.skipped += 1;
            continue;
        }
        let ikm = r.hex("ikm", a).ok_or(parse)?;
        let salt = r.hex("salt", b).ok_or(parse)?;
        let info = r.hex("info", c).ok_or(parse)?;
        let out = big.get_mut(..size).ok_or(parse)?;
        match r.verdict().ok_or(parse)? {
            Verdict::Valid => {
                // `okm` goes into the front of `d` when it fits, else is compared by halves.
                h.derive(salt, &[ikm], &[info], out)
                    .map_err(|_| mismatch(SET, r.line, "derive failed"))?;
                if !hex_equals(&r, "okm", out, d).ok_or(parse)? {
                    return Err(mismatch(SET, r.line, "derive output differs"));
                }
                out.fill(0);
                let prk = h
                    .extract(salt, &thirds(ikm))
                    .map_err(|_| mismatch(SET, r.line, "extract failed"))?;
                h.expand(&prk, &thirds(info), out)
                    .map_err(|_| mismatch(SET, r.line, "expand failed"))?;
                if !hex_equals(&r, "okm", out, d).ok_or(parse)? {
                    return Err(mismatch(SET, r.line, "multi-part output differs"));
                }
                report.valid += 1;
            }
            Verdict::Invalid | Verdict::Acceptable => {
                if !r.has_flag("SizeTooLarge") || size <= HKDF_SHA256_MAX_LEN {
                    return Err(parse);
                }
                out.fill(0xa5);
                let derived = h.derive(salt, &[ikm], &[info], out);
                let untouched = out.iter().all(|&x| x == 0xa5);
                let prk = h
                    .extract(salt, &[ikm])
                    .map_err(|_| mismatch(SET, r.line, "extract failed"))?;
                let expanded = h.expand(&prk, &[info], out);
                if derived != Err(Error::InvalidInput)
                    || expanded != Err(Error::InvalidInput)
                    || !untouched
                    || out.iter().any(|&x| x != 0xa5)
                {
                    return Err(mismatch(
                        SET,
                        r.line,
                        "oversized output not refused with InvalidInput, untouched",
                    ));
                }
                report.rejected += 1;
            }
        }
    }
    expect_count(report, counts::HKDF_SHA256_WYCHEPROOF)
}

/// Whether hex field `name` equals `bytes`, decoding it in pieces through `tmp` (so an 8 KiB
/// field needs no second 8 KiB buffer). `None` if the field is malformed or `tmp` is empty.
fn hex_equals(
    r: &crate::vectors::Record<'_>,
    name: &str,
    bytes: &[u8],
    tmp: &mut [u8],
) -> Option<bool> {
    let text = r.field(name)?;
    if text.len() != 2 * bytes.len() {
        return Some(false);
    }
    let piece = tmp.len().min(256);
    if piece == 0 {
        return None;
    }
    for (hex, want) in text.as_bytes().chunks(2 * piece).zip(bytes.chunks(piece)) {
        let got = tmp.get_mut(..want.len())?;
        for (g, pair) in got.iter_mut().zip(hex.chunks_exact(2)) {
            let s = core::str::from_utf8(pair).ok()?;
            *g = u8::from_str_radix(s, 16).ok()?;
        }
        if got != want {
            return Some(false);
        }
    }
    Some(true)
}

/// RFC 5869 appendix A, HKDF-SHA256 test cases 1-3: `extract` gives the PRK, `expand` and
/// `derive` give the OKM, `expand_secret::<32>` gives its first 32 bytes, and a PRK handed in
/// directly (`Prk::from_secret`) expands the same way.
pub fn hkdf_rfc5869<H: HkdfSha256>(h: &mut H) -> Result<Report, Failure> {
    const SET: &str = "RFC 5869 HKDF-SHA256";
    let mut report = Report::new(SET);
    for r in records(data::HKDF_SHA256_RFC5869) {
        report.checked += 1;
        let parse = parse_failure(SET, r.line);
        let (mut ib, mut sb, mut nb, mut ob) = ([0u8; 80], [0u8; 80], [0u8; 80], [0u8; 82]);
        let ikm = r.hex("ikm", &mut ib).ok_or(parse)?;
        let salt = r.hex("salt", &mut sb).ok_or(parse)?;
        let info = r.hex("info", &mut nb).ok_or(parse)?;
        let okm = r.hex("okm", &mut ob).ok_or(parse)?;
        let prk_bytes: [u8; 32] = hex_array(&r, "prk", SET)?;
        if r.number("len") != u64::try_from(okm.len()).ok() {
            return Err(parse);
        }
        let prk = h
            .extract(salt, &[ikm])
            .map_err(|_| mismatch(SET, r.line, "extract failed"))?;
        if *prk.expose_secret() != prk_bytes {
            return Err(mismatch(SET, r.line, "PRK differs"));
        }
        let mut out = [0u8; 82];
        let out = out.get_mut(..okm.len()).ok_or(parse)?;
        h.expand(&prk, &[info], out)
            .map_err(|_| mismatch(SET, r.line, "expand failed"))?;
        if out != okm {
            return Err(mismatch(SET, r.line, "OKM differs"));
        }
        out.fill(0);
        h.derive(salt, &[ikm], &[info], out)
            .map_err(|_| mismatch(SET, r.line, "derive failed"))?;
        if out != okm {
            return Err(mismatch(SET, r.line, "derive OKM differs"));
        }
        let key: SecretBytes<32> = h
            .expand_secret(&prk, &[info])
            .map_err(|_| mismatch(SET, r.line, "expand_secret failed"))?;
        if okm.get(..32) != Some(&key.expose_secret()[..]) {
            return Err(mismatch(SET, r.line, "expand_secret differs"));
        }
        let given = Prk::from_secret(SecretBytes::take_from(&mut prk_bytes.clone()));
        out.fill(0);
        h.expand(&given, &[info], out)
            .map_err(|_| mismatch(SET, r.line, "expand failed"))?;
        if out != okm {
            return Err(mismatch(SET, r.line, "OKM from a given PRK differs"));
        }
        report.valid += 1;
    }
    expect_count(report, counts::HKDF_SHA256_RFC5869)
}

/// HKDF output lengths: 0, 1, 8,159 and 8,160 bytes work (and each is a prefix of the longest
/// output), 8,161 and more are [`Error::InvalidInput`] with the buffer untouched, from
/// `expand` and from `derive`.
///
/// Needs 16,321 bytes of `s.big` ([`crate::FullScratch`] has room); with less the whole check
/// is one skipped case.
pub fn hkdf_lengths<H: HkdfSha256, const BIG: usize, const MSG: usize>(
    h: &mut H,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "HKDF-SHA256 output lengths";
    let mut report = Report::new(SET);
    let Some((longest, rest)) = s.big.split_at_mut_checked(HKDF_SHA256_MAX_LEN) else {
        report.skipped += 1;
        return Ok(report);
    };
    let Some(other) = rest.get_mut(..HKDF_SHA256_MAX_LEN + 1) else {
        report.skipped += 1;
        return Ok(report);
    };
    let prk = h
        .extract(b"salt", &[b"input key material"])
        .map_err(|_| mismatch(SET, 0, "extract failed"))?;
    let info: [&[u8]; 2] = [b"context", b"label"];
    h.expand(&prk, &info, longest)
        .map_err(|_| mismatch(SET, HKDF_SHA256_MAX_LEN, "expand failed"))?;
    for len in [
        0usize,
        1,
        32,
        33,
        HKDF_SHA256_MAX_LEN - 1,
        HKDF_SHA256_MAX_LEN,
    ] {
        report.checked += 2;
        let out = other.get_mut(..len).ok_or(mismatch(SET, len, "case"))?;
        out.fill(0);
        h.expand(&prk, &info, out)
            .map_err(|_| mismatch(SET, len, "expand refused a legal length"))?;
        if longest.get(..len) != Some(&*out) {
            return Err(mismatch(SET, len, "expand output is not a prefix"));
        }
        out.fill(0);
        h.derive(b"salt", &[b"input key material"], &info, out)
            .map_err(|_| mismatch(SET, len, "derive refused a legal length"))?;
        if longest.get(..len) != Some(&*out) {
            return Err(mismatch(SET, len, "derive output is not a prefix"));
        }
        report.valid += 2;
    }
    let out = other;
    report.checked += 2;
    out.fill(0x5a);
    if h.expand(&prk, &info, out) != Err(Error::InvalidInput)
        || h.derive(b"salt", &[b"input key material"], &info, out) != Err(Error::InvalidInput)
        || out.iter().any(|&x| x != 0x5a)
    {
        return Err(mismatch(
            SET,
            HKDF_SHA256_MAX_LEN + 1,
            "oversized output not refused with InvalidInput, untouched",
        ));
    }
    report.rejected += 2;
    Ok(report)
}

/// SHA-256 known answers (FIPS 180-2 / NIST examples): `""`, `"abc"`, the 448-bit and 896-bit
/// messages, and one million `'a'` through 1,000 streaming updates of 1,000 bytes; the
/// 896-bit message hashed in two updates split at every position, and through `digest` with
/// several (some empty) parts, gives the same digest.
pub fn sha256_kats<S: Sha256>(sha: &mut S) -> Result<Report, Failure> {
    const SET: &str = "SHA-256 known answers";
    const M448: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const M896: &[u8] = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    const KATS: [(&[u8], [u8; 32]); 4] = [
        (
            b"",
            [
                0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
                0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
                0x78, 0x52, 0xb8, 0x55,
            ],
        ),
        (
            b"abc",
            [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
                0xf2, 0x00, 0x15, 0xad,
            ],
        ),
        (
            M448,
            [
                0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e,
                0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4,
                0x19, 0xdb, 0x06, 0xc1,
            ],
        ),
        (
            M896,
            [
                0xcf, 0x5b, 0x16, 0xa7, 0x78, 0xaf, 0x83, 0x80, 0x03, 0x6c, 0xe5, 0x9e, 0x7b, 0x04,
                0x92, 0x37, 0x0b, 0x24, 0x9b, 0x11, 0xe8, 0xf0, 0x7a, 0x51, 0xaf, 0xac, 0x45, 0x03,
                0x7a, 0xfe, 0xe9, 0xd1,
            ],
        ),
    ];
    const MILLION_A: [u8; 32] = [
        0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e,
        0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11,
        0x2c, 0xd0,
    ];
    let mut report = Report::new(SET);
    let fail = |case, what| mismatch(SET, case, what);
    for (i, (msg, want)) in KATS.iter().enumerate() {
        report.checked += 2;
        if sha.digest(&[msg]) != Ok(*want) {
            return Err(fail(i, "digest differs"));
        }
        let mut state = sha.start().map_err(|_| fail(i, "start failed"))?;
        for byte in msg.chunks(1) {
            sha.update(&mut state, byte)
                .map_err(|_| fail(i, "update failed"))?;
        }
        if sha.finish(state) != Ok(*want) {
            return Err(fail(i, "byte-by-byte digest differs"));
        }
        report.valid += 2;
    }
    report.checked += 1;
    let chunk = [b'a'; 1_000];
    let mut state = sha.start().map_err(|_| fail(10, "start failed"))?;
    for _ in 0..1_000 {
        sha.update(&mut state, &chunk)
            .map_err(|_| fail(10, "update failed"))?;
    }
    if sha.finish(state) != Ok(MILLION_A) {
        return Err(fail(10, "one million 'a' differs"));
    }
    report.valid += 1;
    let (_, want) = KATS[3];
    for split in 0..=M896.len() {
        report.checked += 2;
        let (x, y) = M896.split_at(split);
        let mut state = sha.start().map_err(|_| fail(100 + split, "start failed"))?;
        sha.update(&mut state, x)
            .and_then(|()| sha.update(&mut state, y))
            .map_err(|_| fail(100 + split, "update failed"))?;
        if sha.finish(state) != Ok(want) {
            return Err(fail(100 + split, "split digest differs"));
        }
        if sha.digest(&[&[], x, &[], y]) != Ok(want) {
            return Err(fail(100 + split, "multi-part digest differs"));
        }
        report.valid += 2;
    }
    Ok(report)
}

/// SHA-512 known answers (FIPS 180-4 examples): `""`, `"abc"`, the 448-bit and 896-bit
/// messages (one-shot and byte by byte), one million `'a'` through 1,000 updates of 1,000
/// bytes, and the 896-bit message split in two at every position.
pub fn sha512_kats<S: Sha512>(sha: &mut S) -> Result<Report, Failure> {
    const SET: &str = "SHA-512 known answers";
    const M448: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const M896: &[u8] = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    const KATS: [(&[u8], [u8; 64]); 4] = [
        (
            b"",
            [
                0xcf, 0x83, 0xe1, 0x35, 0x7e, 0xef, 0xb8, 0xbd, 0xf1, 0x54, 0x28, 0x50, 0xd6, 0x6d,
                0x80, 0x07, 0xd6, 0x20, 0xe4, 0x05, 0x0b, 0x57, 0x15, 0xdc, 0x83, 0xf4, 0xa9, 0x21,
                0xd3, 0x6c, 0xe9, 0xce, 0x47, 0xd0, 0xd1, 0x3c, 0x5d, 0x85, 0xf2, 0xb0, 0xff, 0x83,
                0x18, 0xd2, 0x87, 0x7e, 0xec, 0x2f, 0x63, 0xb9, 0x31, 0xbd, 0x47, 0x41, 0x7a, 0x81,
                0xa5, 0x38, 0x32, 0x7a, 0xf9, 0x27, 0xda, 0x3e,
            ],
        ),
        (
            b"abc",
            [
                0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba, 0xcc, 0x41, 0x73, 0x49, 0xae, 0x20,
                0x41, 0x31, 0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2, 0x0a, 0x9e, 0xee, 0xe6,
                0x4b, 0x55, 0xd3, 0x9a, 0x21, 0x92, 0x99, 0x2a, 0x27, 0x4f, 0xc1, 0xa8, 0x36, 0xba,
                0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd, 0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e,
                0x2a, 0x9a, 0xc9, 0x4f, 0xa5, 0x4c, 0xa4, 0x9f,
            ],
        ),
        (
            M448,
            [
                0x20, 0x4a, 0x8f, 0xc6, 0xdd, 0xa8, 0x2f, 0x0a, 0x0c, 0xed, 0x7b, 0xeb, 0x8e, 0x08,
                0xa4, 0x16, 0x57, 0xc1, 0x6e, 0xf4, 0x68, 0xb2, 0x28, 0xa8, 0x27, 0x9b, 0xe3, 0x31,
                0xa7, 0x03, 0xc3, 0x35, 0x96, 0xfd, 0x15, 0xc1, 0x3b, 0x1b, 0x07, 0xf9, 0xaa, 0x1d,
                0x3b, 0xea, 0x57, 0x78, 0x9c, 0xa0, 0x31, 0xad, 0x85, 0xc7, 0xa7, 0x1d, 0xd7, 0x03,
                0x54, 0xec, 0x63, 0x12, 0x38, 0xca, 0x34, 0x45,
            ],
        ),
        (
            M896,
            [
                0x8e, 0x95, 0x9b, 0x75, 0xda, 0xe3, 0x13, 0xda, 0x8c, 0xf4, 0xf7, 0x28, 0x14, 0xfc,
                0x14, 0x3f, 0x8f, 0x77, 0x79, 0xc6, 0xeb, 0x9f, 0x7f, 0xa1, 0x72, 0x99, 0xae, 0xad,
                0xb6, 0x88, 0x90, 0x18, 0x50, 0x1d, 0x28, 0x9e, 0x49, 0x00, 0xf7, 0xe4, 0x33, 0x1b,
                0x99, 0xde, 0xc4, 0xb5, 0x43, 0x3a, 0xc7, 0xd3, 0x29, 0xee, 0xb6, 0xdd, 0x26, 0x54,
                0x5e, 0x96, 0xe5, 0x5b, 0x87, 0x4b, 0xe9, 0x09,
            ],
        ),
    ];
    const MILLION_A: [u8; 64] = [
        0xe7, 0x18, 0x48, 0x3d, 0x0c, 0xe7, 0x69, 0x64, 0x4e, 0x2e, 0x42, 0xc7, 0xbc, 0x15, 0xb4,
        0x63, 0x8e, 0x1f, 0x98, 0xb1, 0x3b, 0x20, 0x44, 0x28, 0x56, 0x32, 0xa8, 0x03, 0xaf, 0xa9,
        0x73, 0xeb, 0xde, 0x0f, 0xf2, 0x44, 0x87, 0x7e, 0xa6, 0x0a, 0x4c, 0xb0, 0x43, 0x2c, 0xe5,
        0x77, 0xc3, 0x1b, 0xeb, 0x00, 0x9c, 0x5c, 0x2c, 0x49, 0xaa, 0x2e, 0x4e, 0xad, 0xb2, 0x17,
        0xad, 0x8c, 0xc0, 0x9b,
    ];
    let mut report = Report::new(SET);
    let fail = |case, what| mismatch(SET, case, what);
    for (i, (msg, want)) in KATS.iter().enumerate() {
        report.checked += 2;
        if sha.digest(&[msg]) != Ok(*want) {
            return Err(fail(i, "digest differs"));
        }
        let mut state = sha.start().map_err(|_| fail(i, "start failed"))?;
        for byte in msg.chunks(1) {
            sha.update(&mut state, byte)
                .map_err(|_| fail(i, "update failed"))?;
        }
        if sha.finish(state) != Ok(*want) {
            return Err(fail(i, "byte-by-byte digest differs"));
        }
        report.valid += 2;
    }
    report.checked += 1;
    let chunk = [b'a'; 1_000];
    let mut state = sha.start().map_err(|_| fail(10, "start failed"))?;
    for _ in 0..1_000 {
        sha.update(&mut state, &chunk)
            .map_err(|_| fail(10, "update failed"))?;
    }
    if sha.finish(state) != Ok(MILLION_A) {
        return Err(fail(10, "one million 'a' differs"));
    }
    report.valid += 1;
    let (_, want) = KATS[3];
    for split in 0..=M896.len() {
        report.checked += 1;
        let (x, y) = M896.split_at(split);
        if sha.digest(&[x, y]) != Ok(want) {
            return Err(fail(100 + split, "split digest differs"));
        }
        report.valid += 1;
    }
    Ok(report)
}
