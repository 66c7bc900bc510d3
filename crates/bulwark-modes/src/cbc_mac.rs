use super::MacChain;
use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt, CbcMac},
};

/// Raw CBC-MAC (zero IV, whole blocks) over any block engine.
///
/// <div class="warning">
///
/// Only secure for fixed-length or prefix-free messages: see [`bulwark_api::hazmat`]. Use
/// [`crate::CmacMode`] for anything else.
///
/// </div>
#[derive(Debug)]
pub struct CbcMacMode<E> {
    engine: E,
}

impl<E: BlockEncrypt> CbcMacMode<E> {
    /// Wraps a keyed engine.
    pub fn new(engine: E) -> Self {
        Self { engine }
    }
}

impl<E: BlockEncrypt> CbcMac for CbcMacMode<E> {
    fn cbc_mac(&mut self, message: &[u8]) -> Result<Block, Error> {
        if message.is_empty() || !message.len().is_multiple_of(16) {
            return Err(Error::InvalidInput);
        }
        let mut chain = MacChain::new();
        chain.absorb(&mut self.engine, message)?;
        Ok(chain.x)
    }
}
