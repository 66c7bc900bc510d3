//! Test helpers: the backend (`bulwark_soft::Soft`), a deterministic generator, vector parsing.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::kdf::Sha256;
use bulwark_api::{Error, Rng};

/// The backend the tests run on.
pub fn backend() -> bulwark_soft::Soft {
    bulwark_soft::Soft
}

/// A deterministic generator for tests only: SHA-256(seed || counter) blocks.
pub struct TestRng {
    seed: u64,
    counter: u64,
}

impl TestRng {
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }
}

impl Rng for TestRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for chunk in dest.chunks_mut(32) {
            let block = bulwark_soft::Soft
                .digest(&[&self.seed.to_be_bytes(), &self.counter.to_be_bytes()])?;
            self.counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

/// Decodes lowercase hex.
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// One `name=value` record of a vector file.
pub struct Record<'a> {
    pub line: usize,
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Record<'a> {
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    pub fn str(&self, name: &str) -> &'a str {
        self.get(name)
            .unwrap_or_else(|| panic!("line {}: no field {name}", self.line))
    }

    pub fn hex(&self, name: &str) -> Vec<u8> {
        hex(self.str(name))
    }
}

/// The records of a vector file (comments and blank lines skipped).
pub fn records(text: &str) -> Vec<Record<'_>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| Record {
            line: i + 1,
            fields: l
                .split(' ')
                .map(|kv| {
                    kv.split_once('=')
                        .unwrap_or_else(|| panic!("line {}: {kv}", i + 1))
                })
                .collect(),
        })
        .collect()
}
