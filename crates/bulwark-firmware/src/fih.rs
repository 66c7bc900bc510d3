//! Fault-injection hardening: verdicts that a single skipped branch or a flipped bit cannot
//! turn into "accepted".
//!
//! The technique follows MCUboot's `fih_int`: a check's outcome is not a `bool` (0 or 1, one
//! bit away from each other) but a pair of 32-bit words, a value and its bitwise complement.
//! "Pass" is one specific value with many bits set and cleared; every other pair, including all
//! zeros and all ones, is a failure, and a pair whose halves are not complements is a fault.
//! The verifier checks each verdict where it is produced (and returns the specific error), then
//! checks every verdict again, together with a second, differently coded comparison of the
//! digest, immediately before it builds the [`crate::VerifiedImage`]. Reads go through
//! [`core::hint::black_box`] so the compiler cannot merge the two checks into one.

use core::hint::black_box;

use crate::ImageVersion;
use subtle::{Choice, ConstantTimeEq};

const PASS: u32 = 0x3CA5_5AC3;
const FAIL: u32 = 0x0000_0000;

/// The outcome of one security check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    value: u32,
    mirror: u32,
}

impl Verdict {
    pub(crate) const PASS: Verdict = Verdict {
        value: PASS,
        mirror: !PASS,
    };
    pub(crate) const FAIL: Verdict = Verdict {
        value: FAIL,
        mirror: !FAIL,
    };

    /// A verdict from a constant-time equality result, without a branch.
    pub(crate) fn from_choice(c: Choice) -> Self {
        let mask = 0u32.wrapping_sub(u32::from(black_box(c.unwrap_u8())));
        let value = (PASS & mask) | (FAIL & !mask);
        Verdict {
            value,
            mirror: !value,
        }
    }

    /// A verdict from a condition, through [`Verdict::from_choice`].
    pub(crate) fn from_bool(ok: bool) -> Self {
        Self::from_choice(Choice::from(u8::from(black_box(ok))))
    }

    /// Whether this is exactly the pass pattern, with a consistent mirror.
    #[inline(never)]
    pub(crate) fn is_pass(self) -> bool {
        let v = black_box(self.value);
        let m = black_box(self.mirror);
        (v == PASS) & (m == !PASS) & (v ^ m == u32::MAX)
    }
}

/// First digest comparison: constant time, via `subtle`.
pub(crate) fn ct_equal(a: &[u8], b: &[u8]) -> Verdict {
    if a.len() != b.len() {
        return Verdict::FAIL;
    }
    Verdict::from_choice(a.ct_eq(b))
}

/// Second digest comparison, coded differently (OR of XORs, walked backwards), for the
/// redundant check.
#[inline(never)]
pub(crate) fn xor_equal(a: &[u8], b: &[u8]) -> bool {
    if black_box(a.len()) != black_box(b.len()) {
        return false;
    }
    let mut acc = 0u8;
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        acc |= black_box(x ^ y);
    }
    black_box(acc) == 0 && !a.is_empty()
}

/// First revocation check: pass when `id` is none of `list`, every entry compared in constant
/// time (`subtle`), without an early exit.
pub(crate) fn not_listed(id: &[u8; 32], list: &[[u8; 32]]) -> Verdict {
    let mut hit = Choice::from(0u8);
    for entry in list {
        hit |= entry.ct_eq(id);
    }
    Verdict::from_choice(!hit)
}

/// Second revocation check, coded differently: whether `id` is one of `list`, by
/// [`xor_equal`] per entry, walking the list backwards.
#[inline(never)]
pub(crate) fn any_xor_equal(id: &[u8; 32], list: &[[u8; 32]]) -> bool {
    let mut hit = false;
    for entry in list.iter().rev() {
        hit |= xor_equal(entry, id);
    }
    black_box(hit)
}

/// Second version-floor check, coded differently from the packed comparison: field by field
/// (`major`, then `minor`, then `revision`; the build number is ignored).
#[inline(never)]
pub(crate) fn version_at_least(v: ImageVersion, min: Option<ImageVersion>) -> bool {
    let Some(m) = min else {
        return true;
    };
    let above = (v.major > m.major)
        | ((v.major == m.major) & (v.minor > m.minor))
        | ((v.major == m.major) & (v.minor == m.minor) & (v.revision >= m.revision));
    black_box(above)
}
