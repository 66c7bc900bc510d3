//! Test helpers: the backend (`bulwark_soft::Soft`); the generator, hex codec and vector
//! reader come from `bulwark-testkit`.
#![allow(dead_code, unused_imports)]

pub use bulwark_testkit::{DeterministicTestRng as TestRng, hex::decode as hex, vectors::Record};

/// The backend the tests run on.
pub fn backend() -> bulwark_soft::Soft {
    bulwark_soft::Soft
}

/// The records of a vector file (comments and blank lines skipped).
pub fn records(text: &str) -> Vec<Record<'_>> {
    bulwark_testkit::vectors::records(text).collect()
}
