//! The single-packet fused CCM: CTR and CBC-MAC interleaved in one pass (see the parent
//! module for the scheme).

use super::key_schedule::{Keys, RoundKeys, encrypt_n, encrypt1, expand, load_keys};
use super::{available, ctr_block, decrypt_payload, load, load_payload, store, store_payload};
use bulwark_api::{Error, hazmat::Block};
use bulwark_modes::ccm_format::{
    aad_len_prefix, b0_block, check_lengths, check_sizes, counter_block, tag_verdict,
    total_aad_len, wipe_on_error,
};
use core::arch::x86_64::{
    __m128i, _mm_aesenc_si128, _mm_aesenclast_si128, _mm_setzero_si128, _mm_xor_si128,
};
use zeroize::Zeroize;

/// Absorbs the formatted AAD (`prefix`, then the parts, zero-padded to a block) into `x`.
#[target_feature(enable = "aes")]
pub(super) fn absorb_aad<const NR: usize>(
    k: &Keys,
    mut x: __m128i,
    prefix: &[u8],
    parts: &[&[u8]],
) -> __m128i {
    let mut tmp = [0u8; 16];
    let mut pos = 0;
    for mut data in core::iter::once(prefix).chain(parts.iter().copied()) {
        while !data.is_empty() {
            if pos == 0
                && let Some((block, rest)) = data.split_first_chunk::<16>()
            {
                x = encrypt1::<NR>(k, _mm_xor_si128(x, load(block)));
                data = rest;
                continue;
            }
            let take = (16 - pos).min(data.len());
            tmp[pos..pos + take].copy_from_slice(&data[..take]);
            pos += take;
            data = &data[take..];
            if pos == 16 {
                x = encrypt1::<NR>(k, _mm_xor_si128(x, load(&tmp)));
                pos = 0;
            }
        }
    }
    if pos > 0 {
        tmp[pos..].fill(0);
        x = encrypt1::<NR>(k, _mm_xor_si128(x, load(&tmp)));
    }
    tmp.zeroize();
    x
}

/// XORs the keystream for counters `1..=n` into `buf` and returns `E(A_0)`: whole groups of
/// eight blocks first, then the remaining blocks together with `A_0` in one last group.
#[target_feature(enable = "aes")]
pub(super) fn ctr_pass<const NR: usize>(k: &Keys, base: __m128i, buf: &mut [u8]) -> __m128i {
    let mut ctr = 1u64;
    let mut chunks = buf.chunks_exact_mut(128);
    for chunk in &mut chunks {
        let mut blocks = [_mm_setzero_si128(); 8];
        for (q, b) in blocks.iter_mut().enumerate() {
            *b = ctr_block(base, ctr + q as u64);
        }
        let ks = encrypt_n::<NR, 8>(k, blocks);
        for (piece, ksq) in chunk.chunks_exact_mut(16).zip(ks.iter()) {
            if let Ok(piece) = <&mut [u8; 16]>::try_from(piece) {
                store(piece, _mm_xor_si128(load(piece), *ksq));
            }
        }
        ctr += 8;
    }
    // Up to 8 blocks (the last possibly partial) remain: their keystream goes in one group
    // with `E(A_0)` when it fits, else `E(A_0)` gets its own.
    let rest = chunks.into_remainder();
    let nrest = rest.len().div_ceil(16);
    let with_s0 = nrest < 8;
    let first = usize::from(with_s0);
    let mut blocks = [base; 8];
    for (q, b) in blocks.iter_mut().enumerate().skip(first) {
        *b = ctr_block(base, ctr + (q - first) as u64);
    }
    let ks = encrypt_n::<NR, 8>(k, blocks);
    for (i, ksq) in ks.iter().skip(first).enumerate().take(nrest) {
        store_payload(rest, i, _mm_xor_si128(load_payload(rest, i), *ksq));
    }
    if with_s0 {
        ks[0]
    } else {
        encrypt1::<NR>(k, base)
    }
}

/// Fused seal: returns `T XOR E(A_0)` (the full-length encrypted tag).
#[target_feature(enable = "aes")]
pub(super) fn seal_fused<const NR: usize>(
    rk: &RoundKeys,
    b0: &Block,
    a0: &Block,
    prefix: &[u8],
    aad: &[&[u8]],
    buf: &mut [u8],
) -> Block {
    let k = load_keys(rk);
    let base = load(a0);
    let [mut x, s0] = encrypt_n::<NR, 2>(&k, [load(b0), base]);
    if !prefix.is_empty() {
        x = absorb_aad::<NR>(&k, x, prefix, aad);
    }
    let n = buf.len().div_ceil(16);
    if n > 0 {
        let fold = _mm_xor_si128(k[NR], k[0]);
        let mut p = load_payload(buf, 0);
        // `y` is the chain's next first-round input: x ^ P_i ^ k_0.
        let mut y = _mm_xor_si128(_mm_xor_si128(x, p), k[0]);
        for i in 0..n {
            let mut c = _mm_xor_si128(ctr_block(base, i as u64 + 1), k[0]);
            for kr in &k[1..NR] {
                y = _mm_aesenc_si128(y, *kr);
                c = _mm_aesenc_si128(c, *kr);
            }
            let (next, last) = if i + 1 < n {
                let next = load_payload(buf, i + 1);
                (next, _mm_xor_si128(fold, next))
            } else {
                (_mm_setzero_si128(), k[NR])
            };
            y = _mm_aesenclast_si128(y, last);
            c = _mm_aesenclast_si128(c, k[NR]);
            store_payload(buf, i, _mm_xor_si128(c, p));
            p = next;
        }
        x = y;
    }
    let mut out = [0u8; 16];
    store(&mut out, _mm_xor_si128(x, s0));
    out
}

/// Fused open (decrypts in place): returns the expected `T XOR E(A_0)`.
#[target_feature(enable = "aes")]
pub(super) fn open_fused<const NR: usize>(
    rk: &RoundKeys,
    b0: &Block,
    a0: &Block,
    prefix: &[u8],
    aad: &[&[u8]],
    buf: &mut [u8],
) -> Block {
    let k = load_keys(rk);
    let base = load(a0);
    let [mut x, s0, ks1, ks2] =
        encrypt_n::<NR, 4>(&k, [load(b0), base, ctr_block(base, 1), ctr_block(base, 2)]);
    if !prefix.is_empty() {
        x = absorb_aad::<NR>(&k, x, prefix, aad);
    }
    let n = buf.len().div_ceil(16);
    if n > 0 {
        let fold = _mm_xor_si128(k[NR], k[0]);
        let p = decrypt_payload(buf, 0, ks1);
        let mut y = _mm_xor_si128(_mm_xor_si128(x, p), k[0]);
        // The keystream for block i + 1, computed one iteration earlier.
        let mut ks_next = ks2;
        for i in 0..n {
            // MAC block i in flight with the keystream for block i + 2 (counter i + 3).
            let mut c = _mm_xor_si128(ctr_block(base, i as u64 + 3), k[0]);
            for kr in &k[1..NR] {
                y = _mm_aesenc_si128(y, *kr);
                c = _mm_aesenc_si128(c, *kr);
            }
            let last = if i + 1 < n {
                _mm_xor_si128(fold, decrypt_payload(buf, i + 1, ks_next))
            } else {
                k[NR]
            };
            y = _mm_aesenclast_si128(y, last);
            ks_next = _mm_aesenclast_si128(c, k[NR]);
        }
        x = y;
    }
    let mut out = [0u8; 16];
    store(&mut out, _mm_xor_si128(x, s0));
    out
}

/// CCM* without a MIC: CTR from counter 1.
#[target_feature(enable = "aes")]
pub(super) fn crypt_fused<const NR: usize>(rk: &RoundKeys, a0: &Block, buf: &mut [u8]) {
    let k = load_keys(rk);
    let _s0 = ctr_pass::<NR>(&k, load(a0), buf);
}

/// What one packet's CCM needs besides the key: `B_0`, `A_0` and the AAD-length prefix.
pub(super) struct Header {
    pub(super) b0: Block,
    pub(super) a0: Block,
    pub(super) prefix: [u8; 10],
    pub(super) prefix_len: usize,
    /// Blocks of formatted AAD (prefix, AAD, padding): 0 without AAD.
    pub(super) aad_blocks: usize,
}

impl Header {
    /// Checks every size as the generic mode does; `Err(InvalidInput)` touches nothing.
    pub(super) fn new(
        nonce: &[u8],
        aad: &[&[u8]],
        msg_len: usize,
        tag_len: usize,
    ) -> Result<Self, Error> {
        let l = check_sizes(nonce, tag_len, msg_len)?;
        let aad_len = total_aad_len(aad)?;
        let mut prefix = [0u8; 10];
        let prefix_len = if aad_len > 0 {
            aad_len_prefix(aad_len, &mut prefix)
        } else {
            0
        };
        let aad_blocks = (aad_len.saturating_add(prefix_len as u64)).div_ceil(16);
        let aad_blocks = usize::try_from(aad_blocks).map_err(|_| Error::InvalidInput)?;
        Ok(Self {
            b0: b0_block(nonce, l, tag_len, aad_len, msg_len),
            a0: counter_block(nonce, l),
            prefix,
            prefix_len,
            aad_blocks,
        })
    }

    fn prefix(&self) -> &[u8] {
        &self.prefix[..self.prefix_len]
    }
}

/// The AES-NI key schedule of a [`crate::SoftAes`], and the fused CCM over it.
pub(crate) struct AesNiCcm {
    pub(super) rk: RoundKeys,
}

impl core::fmt::Debug for AesNiCcm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AesNiCcm")
            .field("rounds", &self.rk.rounds)
            .finish_non_exhaustive()
    }
}

impl AesNiCcm {
    /// Expands `key` (16, 24 or 32 bytes), or `None` if the CPU has no AES-NI or the length is
    /// wrong. This check is what makes every `unsafe` call below sound.
    pub(crate) fn new(key: &[u8]) -> Option<Self> {
        if !available() || !matches!(key.len(), 16 | 24 | 32) {
            return None;
        }
        // SAFETY: `available()` just confirmed the CPU supports AES-NI.
        let rk = unsafe { expand(key) };
        Some(Self { rk })
    }

    fn seal_full(&self, h: &Header, aad: &[&[u8]], buf: &mut [u8]) -> Block {
        let rk = &self.rk;
        // SAFETY (all three arms): `self` exists, so `new` saw AES-NI on this CPU.
        unsafe {
            match rk.rounds {
                10 => seal_fused::<10>(rk, &h.b0, &h.a0, h.prefix(), aad, buf),
                12 => seal_fused::<12>(rk, &h.b0, &h.a0, h.prefix(), aad, buf),
                _ => seal_fused::<14>(rk, &h.b0, &h.a0, h.prefix(), aad, buf),
            }
        }
    }

    fn open_full(&self, h: &Header, aad: &[&[u8]], buf: &mut [u8]) -> Block {
        let rk = &self.rk;
        // SAFETY (all three arms): `self` exists, so `new` saw AES-NI on this CPU.
        unsafe {
            match rk.rounds {
                10 => open_fused::<10>(rk, &h.b0, &h.a0, h.prefix(), aad, buf),
                12 => open_fused::<12>(rk, &h.b0, &h.a0, h.prefix(), aad, buf),
                _ => open_fused::<14>(rk, &h.b0, &h.a0, h.prefix(), aad, buf),
            }
        }
    }
}

bulwark_api::impl_ccm! {
    impl[] for AesNiCcm;
    seal(self, nonce, aad, buffer, tag) => {
        let h = Header::new(nonce, aad, buffer.len(), tag.len())?;
        let mut full = self.seal_full(&h, aad, buffer);
        let n = tag.len();
        tag.copy_from_slice(&full[..n]);
        full.zeroize();
        Ok(())
    };
    open(self, nonce, aad, buffer, tag) => {
        let h = Header::new(nonce, aad, buffer.len(), tag.len())?;
        let mut expected = self.open_full(&h, aad, buffer);
        wipe_on_error(tag_verdict(&mut expected, tag), buffer)
    };
    crypt(self, nonce, buffer) => {
        let l = check_lengths(nonce, buffer.len())?;
        let a0 = counter_block(nonce, l);
        let rk = &self.rk;
        // SAFETY (all three arms): `self` exists, so `new` saw AES-NI on this CPU.
        unsafe {
            match rk.rounds {
                10 => crypt_fused::<10>(rk, &a0, buffer),
                12 => crypt_fused::<12>(rk, &a0, buffer),
                _ => crypt_fused::<14>(rk, &a0, buffer),
            }
        }
        Ok(())
    };
}
