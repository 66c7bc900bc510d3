#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod aes;
pub mod kdf;
pub mod kex;
pub mod sig;
pub mod vectors;

pub use bulwark_testkit::rng::{DeterministicTestRng, FailingTestRng, StuckTestRng};

use core::fmt;

/// What one vector set or check produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// The set's name, e.g. `"CAVP CCM"`.
    pub set: &'static str,
    /// Records (or cases) checked.
    pub checked: usize,
    /// Of those, expected to be accepted.
    pub valid: usize,
    /// Of those, expected to be rejected (and rejected with the exact error).
    pub rejected: usize,
    /// Records skipped because a field exceeds this target's [`Scratch`] capacity.
    pub skipped: usize,
}

impl Report {
    const fn new(set: &'static str) -> Self {
        Self {
            set,
            checked: 0,
            valid: 0,
            rejected: 0,
            skipped: 0,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} records ({} valid, {} rejected as expected, {} skipped), 0 failures",
            self.set, self.checked, self.valid, self.rejected, self.skipped
        )
    }
}

/// Why a check failed: enough to find the record and see what went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A record gave the wrong output or verdict.
    Mismatch {
        /// The vector set.
        set: &'static str,
        /// The line in the vector file (or the case number for generated checks).
        line: usize,
        /// What differed.
        what: &'static str,
    },
    /// A record could not be parsed: the data file or the parser is broken.
    Parse {
        /// The vector set.
        set: &'static str,
        /// The line in the vector file.
        line: usize,
    },
    /// The set did not hold the number of records it must: a record was lost.
    Count {
        /// The vector set.
        set: &'static str,
        /// The published count.
        expected: usize,
        /// What was found.
        found: usize,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Mismatch { set, line, what } => write!(f, "{set}: line {line}: {what}"),
            Failure::Parse { set, line } => write!(f, "{set}: line {line}: unparsable record"),
            Failure::Count {
                set,
                expected,
                found,
            } => {
                write!(f, "{set}: expected {expected} records, found {found}")
            }
        }
    }
}

/// Working memory for the checks, provided by the caller so the crate needs no heap (a host
/// test can box it; a microcontroller can shrink it with smaller const parameters, and records
/// that do not fit are counted in [`Report::skipped`]).
///
/// `BIG` bounds the associated data (SP 800-38C C.4 needs 65,536 bytes) and the oversized
/// message of the length-limit check; `MSG` bounds every other field.
pub struct Scratch<const BIG: usize, const MSG: usize> {
    big: [u8; BIG],
    a: [u8; MSG],
    b: [u8; MSG],
    c: [u8; MSG],
    d: [u8; MSG],
    e: [u8; MSG],
}

/// A [`Scratch`] that runs every record (about 70 KiB: box it on the host).
pub type FullScratch = Scratch<65_544, 1_024>;

impl<const BIG: usize, const MSG: usize> Scratch<BIG, MSG> {
    /// Zeroed working memory.
    pub const fn new() -> Self {
        Self {
            big: [0; BIG],
            a: [0; MSG],
            b: [0; MSG],
            c: [0; MSG],
            d: [0; MSG],
            e: [0; MSG],
        }
    }
}

impl<const BIG: usize, const MSG: usize> Default for Scratch<BIG, MSG> {
    fn default() -> Self {
        Self::new()
    }
}

/// A [`Failure::Mismatch`].
pub(crate) const fn mismatch(set: &'static str, line: usize, what: &'static str) -> Failure {
    Failure::Mismatch { set, line, what }
}

/// A [`Failure::Parse`].
pub(crate) const fn parse_failure(set: &'static str, line: usize) -> Failure {
    Failure::Parse { set, line }
}

/// Counts one invalid public-key encoding, whose import must have failed with
/// [`Error::InvalidInput`](bulwark_api::Error::InvalidInput) (`error` is the import's error).
pub(crate) fn refuse_public(
    report: &mut Report,
    set: &'static str,
    case: usize,
    error: Option<bulwark_api::Error>,
) -> Result<(), Failure> {
    report.checked += 1;
    if error != Some(bulwark_api::Error::InvalidInput) {
        return Err(mismatch(set, case, "invalid public key not refused"));
    }
    report.rejected += 1;
    Ok(())
}

/// Decodes hex field `name` of `r`, which must be exactly `N` bytes.
pub(crate) fn hex_array<const N: usize>(
    r: &vectors::Record<'_>,
    name: &str,
    set: &'static str,
) -> Result<[u8; N], Failure> {
    let mut out = [0u8; N];
    let parse = parse_failure(set, r.line);
    if r.hex_len(name) != Some(N) {
        return Err(parse);
    }
    r.hex(name, &mut out).ok_or(parse)?;
    Ok(out)
}

/// Fails with [`Failure::Count`] unless `report.checked == expected`.
fn expect_count(report: Report, expected: usize) -> Result<Report, Failure> {
    if report.checked == expected {
        Ok(report)
    } else {
        Err(Failure::Count {
            set: report.set,
            expected,
            found: report.checked,
        })
    }
}
