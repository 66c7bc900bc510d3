use super::xor_keystream;
use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt, Ctr},
};

/// AES-CTR (SP 800-38A) over any block engine: the 16-byte counter block is one big-endian
/// 128-bit integer that wraps modulo 2^128 (as RFC 3686 and OpenSSL count).
#[derive(Debug)]
pub struct CtrMode<E> {
    engine: E,
}

impl<E: BlockEncrypt> CtrMode<E> {
    /// Wraps a keyed engine.
    pub fn new(engine: E) -> Self {
        Self { engine }
    }

    /// Returns the engine.
    pub fn into_engine(self) -> E {
        self.engine
    }
}

impl<E: BlockEncrypt> Ctr for CtrMode<E> {
    fn apply_keystream(&mut self, initial_counter: &Block, buffer: &mut [u8]) -> Result<(), Error> {
        let mut counter = *initial_counter;
        let increment = |c: &mut Block| *c = u128::from_be_bytes(*c).wrapping_add(1).to_be_bytes();
        let result = xor_keystream(&mut self.engine, &mut counter, increment, buffer);
        if result.is_err() {
            buffer.fill(0);
        }
        result
    }
}
