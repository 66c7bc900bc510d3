//! Differential testing of `bulwark-soft` against the system OpenSSL.
//!
//! Test-only support code (`publish = false`): a deterministic case generator
//! ([`SeededCases`]), the environment-driven run configuration ([`Config`]), a harness that runs
//! N cases and collects mismatches ([`run`]), and thin wrappers over the `openssl` crate that
//! serve as the reference implementation ([`reference`](mod@reference)). The tests live in
//! `tests/differential/`; see the crate README for what is compared and how to reproduce a seed.

use std::time::{Duration, Instant};

pub mod reference;

/// The seed used when `BULWARK_DIFF_SEED` is not set.
pub const DEFAULT_SEED: u64 = 0x0b75_a2c0_ffee_d1ff;

/// The number of cases per primitive when `BULWARK_DIFF_CASES` is not set.
pub const DEFAULT_CASES: u64 = 10_000;

/// How many mismatch descriptions a run keeps (the count is always exact).
pub const MAX_REPORTED_MISMATCHES: usize = 20;

/// A deterministic pseudorandom generator for test cases: xoshiro256** seeded through
/// SplitMix64. **Not** a cryptographic generator; its only job is to make every case
/// reproducible from `(seed, primitive, case index)`.
#[derive(Clone, Debug)]
pub struct SeededCases {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a of a primitive's name, so each primitive gets its own case stream.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl SeededCases {
    /// A generator seeded from one 64-bit value.
    pub fn new(seed: u64) -> Self {
        let mut st = seed;
        let s = [
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
            splitmix64(&mut st),
        ];
        Self { s }
    }

    /// The generator for case `index` of `primitive` under `seed`: every case is independent,
    /// so one case can be re-run alone (`BULWARK_DIFF_CASE`).
    pub fn for_case(seed: u64, primitive: &str, index: u64) -> Self {
        let mut st = seed ^ name_hash(primitive);
        let base = splitmix64(&mut st);
        Self::new(base ^ index.wrapping_mul(0xd605_bbb5_8c8a_bbf5))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform value in `0..n` (`0` when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the tiny bias is irrelevant for test-case generation.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A uniform `usize` in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as usize
    }

    /// True with probability `percent / 100`.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// True with probability `per_mille / 1000`.
    pub fn per_mille(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One element of `items` (`T::default()` if `items` is empty).
    pub fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        let i = self.below(items.len() as u64) as usize;
        items.get(i).copied().unwrap_or_default()
    }

    /// Fills `dest` with random bytes.
    pub fn fill(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut v = vec![0u8; len];
        self.fill(&mut v);
        v
    }

    /// A random 32-byte array.
    pub fn array32(&mut self) -> [u8; 32] {
        let mut a = [0u8; 32];
        self.fill(&mut a);
        a
    }

    /// Splits `data` into 1..=`max_parts` consecutive (possibly empty) slices whose
    /// concatenation is `data`: exercises the multi-part inputs of the bulwark API.
    pub fn split<'a>(&mut self, data: &'a [u8], max_parts: usize) -> Vec<&'a [u8]> {
        let parts = self.range(1, max_parts.max(1));
        let mut cuts: Vec<usize> = (1..parts).map(|_| self.range(0, data.len())).collect();
        cuts.sort_unstable();
        let mut out = Vec::with_capacity(parts);
        let mut start = 0;
        for cut in cuts {
            out.push(data.get(start..cut).unwrap_or(&[]));
            start = cut;
        }
        out.push(data.get(start..).unwrap_or(&[]));
        out
    }

    /// Flips one random bit of a non-empty `data` (no-op when empty).
    pub fn flip_bit(&mut self, data: &mut [u8]) {
        if data.is_empty() {
            return;
        }
        let i = self.below(data.len() as u64) as usize;
        let bit = self.below(8) as u32;
        if let Some(b) = data.get_mut(i) {
            *b ^= 1u8 << bit;
        }
    }
}

/// The seeded generator doubles as a `bulwark_api::Rng`, so key generation through the API
/// (ephemeral secrets) draws reproducible bytes that the test can also hand to OpenSSL.
impl bulwark_api::Rng for SeededCases {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), bulwark_api::Error> {
        self.fill(dest);
        Ok(())
    }
}

/// Parses a decimal or `0x`-prefixed hexadecimal `u64` (underscores allowed).
pub fn parse_u64(text: &str) -> Option<u64> {
    let t: String = text.trim().chars().filter(|&c| c != '_').collect();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else {
        t.parse().ok()
    }
}

/// A run's configuration, from the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// `BULWARK_DIFF_SEED` (decimal or `0x` hex), else [`DEFAULT_SEED`].
    pub seed: u64,
    /// `BULWARK_DIFF_CASES`, else [`DEFAULT_CASES`].
    pub cases: u64,
    /// `BULWARK_DIFF_CASE`: run only this case index (to reproduce a reported mismatch).
    pub only_case: Option<u64>,
}

impl Config {
    /// Reads the environment. A variable that is set but does not parse is an error (a typo
    /// must not silently fall back to the default seed).
    pub fn from_env() -> Result<Self, String> {
        fn var(name: &str) -> Result<Option<u64>, String> {
            match std::env::var(name) {
                Ok(v) => parse_u64(&v)
                    .map(Some)
                    .ok_or_else(|| format!("{name}={v:?} is not a decimal or 0x-hex u64")),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(e) => Err(format!("{name}: {e}")),
            }
        }
        Ok(Self {
            seed: var("BULWARK_DIFF_SEED")?.unwrap_or(DEFAULT_SEED),
            cases: var("BULWARK_DIFF_CASES")?.unwrap_or(DEFAULT_CASES),
            only_case: var("BULWARK_DIFF_CASE")?,
        })
    }
}

/// One mismatch: which case, and what differed.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// The case index (re-run it alone with `BULWARK_DIFF_CASE`).
    pub case: u64,
    /// What differed, with the case's parameters.
    pub detail: String,
}

/// The result of one primitive's run.
#[derive(Debug)]
pub struct Outcome {
    /// The primitive's name.
    pub primitive: &'static str,
    /// The seed of the run.
    pub seed: u64,
    /// How many cases ran.
    pub cases: u64,
    /// How many cases mismatched.
    pub mismatch_count: u64,
    /// The first [`MAX_REPORTED_MISMATCHES`] mismatches.
    pub mismatches: Vec<Mismatch>,
    /// Wall-clock time of the cases.
    pub elapsed: Duration,
}

impl Outcome {
    /// A multi-line report of the mismatches, with the command that reproduces each one.
    pub fn failure_report(&self) -> String {
        let mut s = format!(
            "differential {}: {} of {} cases mismatched (seed {:#018x})\n",
            self.primitive, self.mismatch_count, self.cases, self.seed
        );
        for m in &self.mismatches {
            s.push_str(&format!(
                "  case {}: {}\n    reproduce: BULWARK_DIFF_SEED={:#018x} BULWARK_DIFF_CASE={} \
                 cargo test -p bulwark-differential --release -- {} --nocapture\n",
                m.case,
                m.detail,
                self.seed,
                m.case,
                self.primitive.replace('-', "_").to_lowercase()
            ));
        }
        s
    }
}

/// Runs `case` for every case index of the configuration, each with its own
/// [`SeededCases::for_case`] generator. `case` returns `Err(detail)` on a mismatch (or on an
/// unexpected error from either side). Prints the seed first and a summary line last.
pub fn run(
    primitive: &'static str,
    config: Config,
    mut case: impl FnMut(&mut SeededCases) -> Result<(), String>,
) -> Outcome {
    println!(
        "differential {primitive}: seed {:#018x}, {} cases{} \
         (set BULWARK_DIFF_SEED / BULWARK_DIFF_CASES / BULWARK_DIFF_CASE to change)",
        config.seed,
        config.cases,
        config
            .only_case
            .map(|c| format!(", only case {c}"))
            .unwrap_or_default()
    );
    let indices: Box<dyn Iterator<Item = u64>> = match config.only_case {
        Some(c) => Box::new(std::iter::once(c)),
        None => Box::new(0..config.cases),
    };
    let start = Instant::now();
    let mut cases = 0;
    let mut mismatch_count = 0;
    let mut mismatches = Vec::new();
    for index in indices {
        let mut rng = SeededCases::for_case(config.seed, primitive, index);
        cases += 1;
        if let Err(detail) = case(&mut rng) {
            mismatch_count += 1;
            if mismatches.len() < MAX_REPORTED_MISMATCHES {
                mismatches.push(Mismatch {
                    case: index,
                    detail,
                });
            }
        }
    }
    let elapsed = start.elapsed();
    println!(
        "differential {primitive}: {cases} cases, {mismatch_count} mismatches (seed {:#018x}) \
         in {:.2} s",
        config.seed,
        elapsed.as_secs_f64()
    );
    Outcome {
        primitive,
        seed: config.seed,
        cases,
        mismatch_count,
        mismatches,
        elapsed,
    }
}

/// Lowercase hex of `bytes`, shortened in the middle when long (for mismatch messages).
pub fn hex(bytes: &[u8]) -> String {
    const SHOW: usize = 48;
    let full = bulwark_testkit::hex::encode;
    if bytes.len() <= SHOW {
        full(bytes)
    } else {
        format!(
            "{}..({} bytes)..{}",
            full(bytes.get(..SHOW / 2).unwrap_or(&[])),
            bytes.len(),
            full(bytes.get(bytes.len() - SHOW / 2..).unwrap_or(&[]))
        )
    }
}

/// `Ok(())` if `ours == theirs`, else a mismatch naming `what` and both values.
pub fn same(what: &str, ours: &[u8], theirs: &[u8]) -> Result<(), String> {
    if ours == theirs {
        Ok(())
    } else {
        Err(format!(
            "{what}: bulwark {} != OpenSSL {}",
            hex(ours),
            hex(theirs)
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_seeds() {
        assert_eq!(parse_u64("42"), Some(42));
        assert_eq!(parse_u64("0x2A"), Some(42));
        assert_eq!(parse_u64("0x0b75_a2c0"), Some(0x0b75_a2c0));
        assert_eq!(parse_u64("nope"), None);
    }

    #[test]
    fn cases_are_deterministic_and_independent() {
        let a = SeededCases::for_case(1, "ccm", 7).next_u64();
        assert_eq!(a, SeededCases::for_case(1, "ccm", 7).next_u64());
        assert_ne!(a, SeededCases::for_case(1, "ccm", 8).next_u64());
        assert_ne!(a, SeededCases::for_case(1, "cmac", 7).next_u64());
        assert_ne!(a, SeededCases::for_case(2, "ccm", 7).next_u64());
    }

    #[test]
    fn split_concatenates() {
        let mut r = SeededCases::new(3);
        let data: Vec<u8> = (0..100).collect();
        for _ in 0..100 {
            let parts = r.split(&data, 4);
            assert!((1..=4).contains(&parts.len()));
            assert_eq!(parts.concat(), data);
        }
    }
}
