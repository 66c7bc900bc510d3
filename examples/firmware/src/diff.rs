//! The on-target differential: cases generated on the host by the build script
//! (`build/diffgen.rs`: seeded random inputs and edge values, with the software backend's
//! results), compiled into the `compact-diff-*` binaries, recomputed here by the compact
//! backend and compared byte for byte, refusals included.
//!
//! A case file is a little-endian `u32` case count, then the cases, each a fixed number of
//! fields, each a little-endian `u16` length and its bytes:
//!
//! | file | fields |
//! | --- | --- |
//! | `diff_x25519.bin` | scalar, u, status, shared secret |
//! | `diff_p256.bin` | scalar, SEC1 public key, status, shared secret |
//! | `diff_ed25519.bin` | public key, message, signature, status |
//! | `diff_ecdsa.bin` | SEC1 public key, message, signature `r \|\| s`, status |
//! | `diff_aes.bin` | key, block, status, encrypted block |
//! | `diff_ccm.bin` | key, nonce, AAD, plaintext, tag length, status, ciphertext and tag |
//!
//! The status bytes are [`crate::diff_ops`]'s.

use bulwark_conformance::{Failure, Report};

pub use crate::diff_ops;

/// The fewest random cases a file may hold (edge cases come on top): a shorter file fails.
pub const MIN_CASES: usize = 1_000;

/// The most fields a case has.
const MAX_FIELDS: usize = 8;

fn take<'a>(data: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, rest) = (data.get(..n)?, data.get(n..)?);
    *data = rest;
    Some(head)
}

/// Runs `check` over every case of `data` (each `FIELDS` fields) and reports the cases whose
/// expected status is [`diff_ops::OK`] as valid, the others as rejected. `check` returns whether
/// the compact result equals the expected one; the first mismatch fails the set with its
/// case number.
pub fn run<const FIELDS: usize>(
    set: &'static str,
    mut data: &[u8],
    status_field: usize,
    mut check: impl FnMut(&[&[u8]; FIELDS]) -> bool,
) -> Result<Report, Failure> {
    let parse = Failure::Parse { set, line: 0 };
    let count = take(&mut data, 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or(parse)?;
    let count = usize::try_from(count).map_err(|_| parse)?;
    if count < MIN_CASES || FIELDS > MAX_FIELDS {
        return Err(Failure::Count {
            set,
            expected: MIN_CASES,
            found: count,
        });
    }
    let (mut valid, mut rejected) = (0, 0);
    for case in 1..=count {
        let mut fields: [&[u8]; FIELDS] = [&[]; FIELDS];
        for f in &mut fields {
            let len = take(&mut data, 2)
                .and_then(|b| b.try_into().ok())
                .map(u16::from_le_bytes)
                .ok_or(Failure::Parse { set, line: case })?;
            *f = take(&mut data, usize::from(len)).ok_or(Failure::Parse { set, line: case })?;
        }
        if !check(&fields) {
            return Err(Failure::Mismatch {
                set,
                line: case,
                what: "the compact backend's result differs from the software backend's",
            });
        }
        if fields.get(status_field) == Some(&&[diff_ops::OK][..]) {
            valid += 1;
        } else {
            rejected += 1;
        }
    }
    if !data.is_empty() {
        return Err(Failure::Parse {
            set,
            line: count + 1,
        });
    }
    Ok(Report {
        set,
        checked: count,
        valid,
        rejected,
        skipped: 0,
    })
}
