//! The vector file format and its parser.
//!
//! Every file in `test-vectors/` holds one record per line: space-separated `name=value`
//! fields, byte strings in lowercase hex (empty for zero bytes), `#` starting a comment line.
//! See `test-vectors/PROVENANCE.md` for the sources.

/// One record (one line) of a vector file.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// The record's line number in its file (1-based), for failure reports.
    pub line: usize,
    text: &'a str,
}

/// The expected verdict of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Must be accepted and produce the given outputs.
    Valid,
    /// Must be rejected.
    Invalid,
    /// Wycheproof "acceptable": the suite's documented policy decides per set.
    Acceptable,
}

impl<'a> Record<'a> {
    /// The raw text of field `name`, if present.
    pub fn field(&self, name: &str) -> Option<&'a str> {
        self.text.split(' ').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then_some(v)
        })
    }

    /// The byte length field `name` decodes to, if present and well-formed hex.
    pub fn hex_len(&self, name: &str) -> Option<usize> {
        let v = self.field(name)?;
        (v.len() % 2 == 0).then_some(v.len() / 2)
    }

    /// Decodes hex field `name` into the front of `buf`; `None` if it is missing, malformed
    /// or longer than `buf`.
    pub fn hex<'b>(&self, name: &str, buf: &'b mut [u8]) -> Option<&'b mut [u8]> {
        let v = self.field(name)?.as_bytes();
        let n = v.len() / 2;
        if v.len() % 2 != 0 || n > buf.len() {
            return None;
        }
        let out = buf.get_mut(..n)?;
        for (o, pair) in out.iter_mut().zip(v.chunks_exact(2)) {
            let hi = nibble(*pair.first()?)?;
            let lo = nibble(*pair.get(1)?)?;
            *o = (hi << 4) | lo;
        }
        Some(out)
    }

    /// Decodes a decimal field.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.field(name)?.parse().ok()
    }

    /// The record's `result=` field (`valid` when absent: plain known-answer files).
    pub fn verdict(&self) -> Option<Verdict> {
        match self.field("result") {
            None | Some("valid") => Some(Verdict::Valid),
            Some("invalid") => Some(Verdict::Invalid),
            Some("acceptable") => Some(Verdict::Acceptable),
            Some(_) => None,
        }
    }

    /// Whether the comma-separated `flags=` field contains `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.field("flags")
            .is_some_and(|f| f.split(',').any(|x| x == flag))
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The records of a vector file, skipping comments and blank lines.
pub fn records(data: &str) -> impl Iterator<Item = Record<'_>> {
    data.lines().enumerate().filter_map(|(i, text)| {
        let text = text.trim();
        (!text.is_empty() && !text.starts_with('#')).then_some(Record { line: i + 1, text })
    })
}

/// The vector files, compiled in.
pub mod data {
    macro_rules! vector_file {
        ($name:ident, $file:literal) => {
            #[doc = concat!("`test-vectors/", $file, "`.")]
            pub const $name: &str = include_str!(concat!("../../../test-vectors/", $file));
        };
    }
    vector_file!(CCM_CAVP, "ccm_cavp.txt");
    vector_file!(CCM_RFC3610, "ccm_rfc3610.txt");
    vector_file!(CCM_SP800_38C, "ccm_sp800_38c.txt");
    vector_file!(CCM_WYCHEPROOF, "ccm_wycheproof.txt");
    vector_file!(CMAC_WYCHEPROOF, "cmac_wycheproof.txt");
    vector_file!(CMAC_SP800_38B, "cmac_sp800_38b.txt");
    vector_file!(CTR, "ctr.txt");
    vector_file!(X25519_WYCHEPROOF, "x25519_wycheproof.txt");
    vector_file!(X25519_RFC7748, "x25519_rfc7748.txt");
    vector_file!(X25519_RFC7748_ITER, "x25519_rfc7748_iter.txt");
    vector_file!(ECDH_P256_WYCHEPROOF, "ecdh_p256_wycheproof.txt");
    vector_file!(
        ECDH_P256_ECPOINT_WYCHEPROOF,
        "ecdh_p256_ecpoint_wycheproof.txt"
    );
    vector_file!(ECDH_P256_CAVP_CDH, "ecdh_p256_cavp_cdh.txt");
    vector_file!(ECDH_P256_KAS_VALIDITY, "ecdh_p256_kas_validity.txt");
    vector_file!(HKDF_SHA256_WYCHEPROOF, "hkdf_sha256_wycheproof.txt");
    vector_file!(HKDF_SHA256_RFC5869, "hkdf_sha256_rfc5869.txt");
    vector_file!(ED25519_WYCHEPROOF, "ed25519_wycheproof.txt");
    vector_file!(ED25519_SIGN_INPUT, "ed25519_sign_input.txt");
    vector_file!(
        ECDSA_P256_WYCHEPROOF_DER,
        "ecdsa_p256_sha256_wycheproof_der.txt"
    );
    vector_file!(
        ECDSA_P256_WYCHEPROOF_P1363,
        "ecdsa_p256_sha256_wycheproof_p1363.txt"
    );
    vector_file!(ECDSA_P256_CAVP_SIGVER, "ecdsa_p256_sha256_cavp_sigver.txt");
    vector_file!(ECDSA_P256_RFC6979, "ecdsa_p256_rfc6979.txt");
}
