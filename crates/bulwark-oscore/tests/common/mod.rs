//! Test helpers: contexts on the software backend, the vector reader and hex codec.
#![allow(dead_code, unused_imports)]

pub use bulwark_testkit::{DeterministicTestRng as TestRng, hex::decode as hex, vectors::Record};

use bulwark_oscore::{Context, ReplayWindow, SenderSequence, SequenceStore};
use bulwark_psk::oscore::OscoreParams;
use bulwark_soft::{Soft, SoftAes, SoftCcm};

/// The records of a vector file (comments and blank lines skipped).
pub fn records(text: &str) -> Vec<Record<'_>> {
    bulwark_testkit::vectors::records(text).collect()
}

/// A context on the software backend.
pub fn context<S: SequenceStore>(
    params: &OscoreParams<'_>,
    sequence: SenderSequence<S>,
    replay: ReplayWindow,
) -> Context<SoftCcm, S> {
    Context::new(
        &mut Soft,
        params,
        |k| Ok(SoftCcm::new(SoftAes::new(k)?)),
        sequence,
        replay,
    )
    .unwrap()
}
