use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt},
    mac::{CMAC_LEN, Cmac},
};
use zeroize::Zeroize;

/// AES-CMAC (SP 800-38B, RFC 4493) over any block engine.
///
/// The subkeys are derived on each call (one extra block encryption) and wiped afterwards, so
/// the value holds no secret besides the engine's key.
#[derive(Debug)]
pub struct CmacMode<E> {
    engine: E,
}

impl<E: BlockEncrypt> CmacMode<E> {
    /// Wraps a keyed engine.
    pub fn new(engine: E) -> Self {
        Self { engine }
    }
}

/// Doubling in GF(2^128) with the CMAC polynomial x^128 + x^7 + x^2 + x + 1, without a
/// secret-dependent branch.
fn dbl(b: &Block) -> Block {
    let v = u128::from_be_bytes(*b);
    let carry = (v >> 127) as u8;
    ((v << 1) ^ u128::from(0x87 * carry)).to_be_bytes()
}

impl<E: BlockEncrypt> Cmac for CmacMode<E> {
    fn compute(&mut self, parts: &[&[u8]]) -> Result<[u8; CMAC_LEN], Error> {
        let mut l = [0u8; 16];
        self.engine.encrypt_block(&mut l)?;
        let mut k1 = dbl(&l);
        let mut k2 = dbl(&k1);
        l.zeroize();

        // `pending` holds the last (possibly full) block: a full block is only processed once
        // more data shows it is not the final one.
        let mut x = [0u8; 16];
        let mut pending = [0u8; 16];
        let mut n = 0usize;
        let mut result = Ok(());
        'outer: for part in parts {
            for &byte in *part {
                if n == 16 {
                    for (xi, pi) in x.iter_mut().zip(pending.iter()) {
                        *xi ^= *pi;
                    }
                    if let Err(e) = self.engine.encrypt_block(&mut x) {
                        result = Err(e);
                        break 'outer;
                    }
                    n = 0;
                }
                if let Some(p) = pending.get_mut(n) {
                    *p = byte;
                }
                n += 1;
            }
        }
        if result.is_ok() {
            let subkey = if n == 16 {
                &k1
            } else {
                if let Some(p) = pending.get_mut(n) {
                    *p = 0x80;
                }
                for p in pending.iter_mut().skip(n + 1) {
                    *p = 0;
                }
                &k2
            };
            for ((xi, pi), ki) in x.iter_mut().zip(pending.iter()).zip(subkey.iter()) {
                *xi ^= *pi ^ *ki;
            }
            result = self.engine.encrypt_block(&mut x);
        }
        k1.zeroize();
        k2.zeroize();
        pending.zeroize();
        result.map(|()| x)
    }
}
