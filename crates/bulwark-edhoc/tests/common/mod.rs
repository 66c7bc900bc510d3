//! Shared test setup: our adapter on the software backend, lakers' RustCrypto crypto, the
//! RFC 9529 section 3 values.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::Error;
use bulwark_edhoc::EdhocCrypto;
use bulwark_soft::{Soft, SoftAes, SoftCcm};
use bulwark_testkit::rng::DeterministicTestRng;
use bulwark_testkit::vectors;

/// Our adapter: the software backend, its CCM engines, a seeded test generator.
pub type Ours = EdhocCrypto<Soft, fn(&[u8; 16]) -> Result<SoftCcm, Error>, DeterministicTestRng>;

/// Our adapter on the microcontroller backend (the facade's default on ARM, RISC-V, AVR).
pub type OursCompact = EdhocCrypto<
    bulwark_compact::Compact,
    fn(&[u8; 16]) -> Result<bulwark_compact::CompactCcm, Error>,
    DeterministicTestRng,
>;

fn compact_ccm(key: &[u8; 16]) -> Result<bulwark_compact::CompactCcm, Error> {
    bulwark_compact::CompactCcm::from_key(key)
}

/// Our adapter on the compact backend with the generator seeded by `seed`.
pub fn ours_compact(seed: u64) -> OursCompact {
    EdhocCrypto::new(
        bulwark_compact::Compact,
        compact_ccm as fn(&[u8; 16]) -> Result<_, Error>,
        DeterministicTestRng::new(seed),
    )
    .unwrap()
}

/// lakers' own RustCrypto crypto with a seeded test generator.
pub type Theirs = lakers_crypto_rustcrypto::Crypto<Rng06>;

fn soft_ccm(key: &[u8; 16]) -> Result<SoftCcm, Error> {
    Ok(SoftCcm::new(SoftAes::new(key)?))
}

/// Our adapter with the generator seeded by `seed`.
pub fn ours(seed: u64) -> Ours {
    EdhocCrypto::new(
        Soft,
        soft_ccm as fn(&[u8; 16]) -> Result<SoftCcm, Error>,
        DeterministicTestRng::new(seed),
    )
    .unwrap()
}

/// RustCrypto's crypto with the generator seeded by `seed`.
pub fn theirs(seed: u64) -> Theirs {
    lakers_crypto_rustcrypto::Crypto::new(Rng06(DeterministicTestRng::new(seed)))
}

/// The test generator behind rand_core 0.6's traits (what lakers-crypto-rustcrypto takes).
/// **NOT a source of entropy.**
pub struct Rng06(pub DeterministicTestRng);

impl rand_core_06::RngCore for Rng06 {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u64() as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        bulwark_api::Rng::fill_bytes(&mut self.0, dest).unwrap();
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core_06::CryptoRng for Rng06 {}

/// The RFC 9529 section 3 values (`test-vectors/edhoc_rfc9529.txt`).
pub struct Trace(Vec<(String, Vec<u8>)>);

/// How many values the trace file holds.
pub const TRACE_VALUES: usize = 39;

impl Trace {
    pub fn load() -> Self {
        let text = include_str!("../../../../test-vectors/edhoc_rfc9529.txt");
        let values: Vec<_> = vectors::records(text)
            .map(|r| (r.text("name").to_string(), r.bytes("value")))
            .collect();
        assert_eq!(values.len(), TRACE_VALUES);
        Self(values)
    }

    pub fn get(&self, name: &str) -> Vec<u8> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name} in the trace"))
            .1
            .clone()
    }

    pub fn array<const N: usize>(&self, name: &str) -> [u8; N] {
        self.get(name).try_into().unwrap()
    }
}
