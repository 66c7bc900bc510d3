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
    hash::{SHA256_LEN, SHA512_LEN, Sha256, Sha512},
    kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256, Prk},
};
use bulwark_testkit::hex;

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

/// The known-answer messages: `""`, `"abc"`, the 448-bit and the 896-bit message.
const KAT_MESSAGES: [&[u8]; 4] = [
    b"",
    b"abc",
    b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
];

/// SHA-256 of each of [`KAT_MESSAGES`], then of one million `'a'`.
const SHA256_DIGESTS: [[u8; SHA256_LEN]; 5] = [
    hex::array("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    hex::array("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    hex::array("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    hex::array("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    hex::array("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
];

/// SHA-512 of each of [`KAT_MESSAGES`], then of one million `'a'`.
const SHA512_DIGESTS: [[u8; SHA512_LEN]; 5] = [
    hex::array(
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    ),
    hex::array(
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ),
    hex::array(
        "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
    ),
    hex::array(
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
    ),
    hex::array(
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
    ),
];

/// SHA-256 known answers (FIPS 180-2 / NIST examples): `""`, `"abc"`, the 448-bit and 896-bit
/// messages, and one million `'a'` through 1,000 streaming updates of 1,000 bytes; the
/// 896-bit message hashed in two updates split at every position, and through `digest` with
/// several (some empty) parts, gives the same digest.
pub fn sha256_kats<S: Sha256>(sha: &mut S) -> Result<Report, Failure> {
    hash_kats(sha, "SHA-256 known answers", &SHA256_DIGESTS, true)
}

/// SHA-512 known answers (FIPS 180-4 examples): `""`, `"abc"`, the 448-bit and 896-bit
/// messages (one-shot and byte by byte), one million `'a'` through 1,000 updates of 1,000
/// bytes, and the 896-bit message split in two at every position.
pub fn sha512_kats<S: Sha512>(sha: &mut S) -> Result<Report, Failure> {
    hash_kats(sha, "SHA-512 known answers", &SHA512_DIGESTS, false)
}

/// SHA-256 and SHA-512 through one interface, so that one known-answer runner serves both.
trait HashKat<const N: usize> {
    /// `start`, one `update` per part, `finish`: `Err` names a failed `start` or `update`,
    /// the inner result is `finish`'s.
    fn streamed<'p>(
        &mut self,
        parts: impl Iterator<Item = &'p [u8]>,
    ) -> Result<Result<[u8; N], Error>, &'static str>;

    /// The one-shot `digest`.
    fn one_shot(&mut self, parts: &[&[u8]]) -> Result<[u8; N], Error>;
}

/// Implements [`HashKat`] for every implementation of one hash trait.
macro_rules! hash_kat {
    ($hash:ident, $len:ident) => {
        impl<S: $hash> HashKat<$len> for S {
            fn streamed<'p>(
                &mut self,
                parts: impl Iterator<Item = &'p [u8]>,
            ) -> Result<Result<[u8; $len], Error>, &'static str> {
                let mut state = $hash::start(self).map_err(|_| "start failed")?;
                for part in parts {
                    $hash::update(self, &mut state, part).map_err(|_| "update failed")?;
                }
                Ok($hash::finish(self, state))
            }

            fn one_shot(&mut self, parts: &[&[u8]]) -> Result<[u8; $len], Error> {
                $hash::digest(self, parts)
            }
        }
    };
}
hash_kat!(Sha256, SHA256_LEN);
hash_kat!(Sha512, SHA512_LEN);

/// The shared known-answer run: each `(message, digest)` one-shot and byte by byte, one
/// million `'a'` in 1,000 updates of 1,000 bytes, and the last message split in two at every
/// position (with `split_streamed`, also streamed in two updates and digested with empty
/// parts between).
fn hash_kats<const N: usize>(
    sha: &mut impl HashKat<N>,
    set: &'static str,
    digests: &[[u8; N]; 5],
    split_streamed: bool,
) -> Result<Report, Failure> {
    let mut report = Report::new(set);
    let fail = |case, what| mismatch(set, case, what);
    let [kats @ .., million_a] = digests;
    for (i, (msg, want)) in KAT_MESSAGES.iter().zip(kats).enumerate() {
        report.checked += 2;
        if sha.one_shot(&[msg]) != Ok(*want) {
            return Err(fail(i, "digest differs"));
        }
        if sha.streamed(msg.chunks(1)).map_err(|e| fail(i, e))? != Ok(*want) {
            return Err(fail(i, "byte-by-byte digest differs"));
        }
        report.valid += 2;
    }
    report.checked += 1;
    let chunk = [b'a'; 1_000];
    let million = core::iter::repeat_n(&chunk[..], 1_000);
    if sha.streamed(million).map_err(|e| fail(10, e))? != Ok(*million_a) {
        return Err(fail(10, "one million 'a' differs"));
    }
    report.valid += 1;
    let (last, want) = (KAT_MESSAGES[3], kats[3]);
    for split in 0..=last.len() {
        let (x, y) = last.split_at(split);
        if split_streamed {
            report.checked += 2;
            if sha
                .streamed([x, y].into_iter())
                .map_err(|e| fail(100 + split, e))?
                != Ok(want)
            {
                return Err(fail(100 + split, "split digest differs"));
            }
            if sha.one_shot(&[&[], x, &[], y]) != Ok(want) {
                return Err(fail(100 + split, "multi-part digest differs"));
            }
            report.valid += 2;
        } else {
            report.checked += 1;
            if sha.one_shot(&[x, y]) != Ok(want) {
                return Err(fail(100 + split, "split digest differs"));
            }
            report.valid += 1;
        }
    }
    Ok(report)
}
