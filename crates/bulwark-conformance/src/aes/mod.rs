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

mod ccm;
mod ccm_star;
mod cmac_ctr;

pub use ccm::*;
pub use ccm_star::*;
pub use cmac_ctr::*;
