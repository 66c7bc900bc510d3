//! The single-packet fused CCM: CTR and CBC-MAC interleaved in one pass (see the parent
//! module for the scheme).

use super::key_schedule::{Keys, RoundKeys, encrypt_n, encrypt1, expand, load_keys};
use super::{
    available, ctr_block, decrypt_payload, halves, header_blocks, load, load_partial, load_payload,
    or, set2, shift_up, store, store_payload,
};
use bulwark_api::{Error, hazmat::Block};
use bulwark_modes::ccm_format::{
    aad_len_prefix, check_lengths, check_sizes, counter_block, tag_verdict, total_aad_len,
    wipe_on_error,
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

/// The formatted AAD as the fused paths read it: a single part with a 2- or 6-byte length
/// prefix (every AAD below 4 GiB given as one slice, as `AesCcm` and `CcmStar` pass it) is
/// read block by block straight from the caller's slice; anything else is staged by
/// [`absorb_aad`].
#[derive(Clone, Copy)]
struct DirectAad<'a> {
    aad: &'a [u8],
    /// The length prefix in the low bytes (its bytes in order, little-endian lanes).
    prefix: __m128i,
    prefix_len: usize,
}

impl<'a> DirectAad<'a> {
    /// `Some` for one non-empty part with a 2- or 6-byte prefix.
    #[inline(always)]
    fn new(h: &Header, aad: &[&'a [u8]]) -> Option<Self> {
        let [part] = aad else { return None };
        let len = h.aad_len;
        let prefix = match h.prefix_len {
            // Big-endian u16.
            2 => u64::from((len as u16).swap_bytes()),
            // 0xff 0xfe, then a big-endian u32.
            6 => 0xfeff | (u64::from((len as u32).swap_bytes()) << 16),
            _ => return None,
        };
        Some(Self {
            aad: part,
            prefix: set2(0, prefix),
            prefix_len: h.prefix_len,
        })
    }

    /// Formatted-AAD block `j` (`j < aad_blocks`): block 0 is the prefix and the first
    /// `16 - prefix_len` AAD bytes; block `j` starts at AAD byte `16 j - prefix_len`.
    #[inline(always)]
    fn block(&self, j: usize) -> __m128i {
        if j == 0 {
            let head = load_upto16(self.aad);
            let shifted = if self.prefix_len == 2 {
                shift_up::<2>(head)
            } else {
                shift_up::<6>(head)
            };
            return or(shifted, self.prefix);
        }
        load_upto16(self.aad.get(16 * j - self.prefix_len..).unwrap_or(&[]))
    }
}

/// The first 16 bytes of `s` (zero-padded if shorter), straight from the slice.
#[inline(always)]
fn load_upto16(s: &[u8]) -> __m128i {
    match s.first_chunk::<16>() {
        Some(b) => load(b),
        None => load_partial(s),
    }
}

/// Rounds 1 to `NR - 1` of a MAC block and a counter block side by side.
#[inline]
#[target_feature(enable = "aes")]
fn middle_rounds2<const NR: usize>(k: &Keys, mut y: __m128i, mut c: __m128i) -> (__m128i, __m128i) {
    for kr in &k[1..NR] {
        y = _mm_aesenc_si128(y, *kr);
        c = _mm_aesenc_si128(c, *kr);
    }
    (y, c)
}

/// The last round of the chain: with the next MAC input block `m`, `k_last ^ k_0 ^ m` makes
/// the result that block's first-round input (the fold); without one, the plain last round
/// gives the CBC-MAC value.
#[inline]
#[target_feature(enable = "aes")]
fn chain_last<const NR: usize>(k: &Keys, y: __m128i, next: Option<__m128i>) -> __m128i {
    let last = match next {
        Some(m) => _mm_xor_si128(_mm_xor_si128(k[NR], k[0]), m),
        None => k[NR],
    };
    _mm_aesenclast_si128(y, last)
}

/// Writes the first `tag.len()` (4 to 16) bytes of `t` with one or two overlapping stores
/// from general registers: no copy through a stack buffer.
#[inline(always)]
fn write_tag(tag: &mut [u8], t: __m128i) {
    if let Some(full) = tag.first_chunk_mut::<16>() {
        store(full, t);
        return;
    }
    let (lo, hi) = halves(t);
    let v = u128::from(lo) | (u128::from(hi) << 64);
    let n = tag.len();
    if n >= 8 {
        if let Some(first) = tag.first_chunk_mut::<8>() {
            *first = lo.to_le_bytes();
        }
        let tail = (v >> (8 * (n - 8))) as u64;
        if let Some(last) = tag.last_chunk_mut::<8>() {
            *last = tail.to_le_bytes();
        }
    } else if n >= 4 {
        if let Some(first) = tag.first_chunk_mut::<4>() {
            *first = (lo as u32).to_le_bytes();
        }
        let tail = (lo >> (8 * (n - 4))) as u32;
        if let Some(last) = tag.last_chunk_mut::<4>() {
            *last = tail.to_le_bytes();
        }
    }
}

/// Fused seal: checks the sizes (`Err(InvalidInput)` touches nothing), encrypts `buf` in
/// place and writes the tag.
///
/// The chain: step 0 absorbs `B_0` beside `E(A_0)`; the AAD steps absorb the formatted AAD
/// (read from the caller's slice); payload step `i` absorbs `P_i` beside the keystream
/// `E(A_{i+1})` and writes `C_i` over `P_i`. Every step's last round folds in the next
/// block. The keystream of a block is not computed earlier: `C_i` replaces `P_i` in place,
/// so it could only be written once the MAC has read `P_i`, and it is already off the chain.
#[inline]
#[target_feature(enable = "aes")]
fn seal_fused<const NR: usize>(
    rk: &RoundKeys,
    nonce: &[u8],
    aad: &[&[u8]],
    buf: &mut [u8],
    tag: &mut [u8],
) -> Result<(), Error> {
    let h = Header::new(nonce, aad, buf.len(), tag.len())?;
    let k = load_keys(rk);
    let n = buf.len().div_ceil(16);
    let base = _mm_xor_si128(h.a0, k[0]);
    let (mut y, c) = middle_rounds2::<NR>(&k, _mm_xor_si128(h.b0, k[0]), base);
    let s0 = _mm_aesenclast_si128(c, k[NR]);
    let direct = DirectAad::new(&h, aad);
    let first_payload = (n > 0).then(|| load_payload(buf, 0));
    if h.aad_blocks == 0 {
        y = chain_last::<NR>(&k, y, first_payload);
    } else if let Some(d) = direct {
        y = chain_last::<NR>(&k, y, Some(d.block(0)));
        for j in 1..=h.aad_blocks {
            for kr in &k[1..NR] {
                y = _mm_aesenc_si128(y, *kr);
            }
            let next = if j < h.aad_blocks {
                Some(d.block(j))
            } else {
                first_payload
            };
            y = chain_last::<NR>(&k, y, next);
        }
    } else {
        let x = absorb_aad::<NR>(
            &k,
            _mm_aesenclast_si128(y, k[NR]),
            &h.prefix[..h.prefix_len],
            aad,
        );
        y = match first_payload {
            Some(p) => _mm_xor_si128(_mm_xor_si128(x, p), k[0]),
            None => x,
        };
    }
    // `y` is the first-round input of payload block 0 (or, without payload, the MAC).
    if let Some(mut p) = first_payload {
        for i in 0..n {
            let c = _mm_xor_si128(ctr_block(h.a0, i as u64 + 1), k[0]);
            let (yr, cr) = middle_rounds2::<NR>(&k, y, c);
            let next = (i + 1 < n).then(|| load_payload(buf, i + 1));
            y = chain_last::<NR>(&k, yr, next);
            let ks = _mm_aesenclast_si128(cr, k[NR]);
            store_payload(buf, i, _mm_xor_si128(ks, p));
            p = next.unwrap_or(p);
        }
    }
    write_tag(tag, _mm_xor_si128(y, s0));
    Ok(())
}

/// Fused open: checks the sizes (`Err(InvalidInput)` touches nothing), decrypts `buf` in
/// place and returns the expected `T XOR E(A_0)`.
///
/// The keystream runs ahead of the chain, because the MAC absorbs the plaintext: step 0
/// encrypts `B_0`, `A_0`, `A_1` and `A_2` side by side (payload blocks 0 and 1 are decrypted
/// at once), and every later step, AAD steps included, computes the next counter block beside
/// its MAC block and decrypts that payload block in place, well before the chain reads it
/// back.
#[inline]
#[target_feature(enable = "aes")]
fn open_fused<const NR: usize>(
    rk: &RoundKeys,
    nonce: &[u8],
    aad: &[&[u8]],
    buf: &mut [u8],
    tag_len: usize,
) -> Result<__m128i, Error> {
    let h = Header::new(nonce, aad, buf.len(), tag_len)?;
    let k = load_keys(rk);
    let n = buf.len().div_ceil(16);
    let [x0, s0, ks1, ks2] =
        encrypt_n::<NR, 4>(&k, [h.b0, h.a0, ctr_block(h.a0, 1), ctr_block(h.a0, 2)]);
    if n > 0 {
        decrypt_payload(buf, 0, ks1);
    }
    if n > 1 {
        decrypt_payload(buf, 1, ks2);
    }
    // The next counter whose keystream is computed.
    let mut ctr = 3u64;
    let first_payload = |buf: &[u8]| (n > 0).then(|| load_payload(buf, 0));
    let mut y;
    let direct = DirectAad::new(&h, aad);
    if h.aad_blocks == 0 {
        y = match first_payload(buf) {
            Some(p) => _mm_xor_si128(_mm_xor_si128(x0, p), k[0]),
            None => x0,
        };
    } else if let Some(d) = direct {
        y = _mm_xor_si128(_mm_xor_si128(x0, d.block(0)), k[0]);
        for j in 1..=h.aad_blocks {
            let c = _mm_xor_si128(ctr_block(h.a0, ctr), k[0]);
            let (yr, cr) = middle_rounds2::<NR>(&k, y, c);
            if let Some(i) = usize::try_from(ctr - 1).ok().filter(|&i| i < n) {
                decrypt_payload(buf, i, _mm_aesenclast_si128(cr, k[NR]));
                ctr += 1;
            }
            let next = if j < h.aad_blocks {
                Some(d.block(j))
            } else {
                first_payload(buf)
            };
            y = chain_last::<NR>(&k, yr, next);
        }
    } else {
        let x = absorb_aad::<NR>(&k, x0, &h.prefix[..h.prefix_len], aad);
        y = match first_payload(buf) {
            Some(p) => _mm_xor_si128(_mm_xor_si128(x, p), k[0]),
            None => x,
        };
    }
    for i in 0..n {
        let c = _mm_xor_si128(ctr_block(h.a0, ctr), k[0]);
        let (yr, cr) = middle_rounds2::<NR>(&k, y, c);
        if let Some(b) = usize::try_from(ctr - 1).ok().filter(|&b| b < n) {
            decrypt_payload(buf, b, _mm_aesenclast_si128(cr, k[NR]));
            ctr += 1;
        }
        let next = (i + 1 < n).then(|| load_payload(buf, i + 1));
        y = chain_last::<NR>(&k, yr, next);
    }
    Ok(_mm_xor_si128(y, s0))
}

/// CCM* without a MIC: CTR from counter 1.
#[target_feature(enable = "aes")]
pub(super) fn crypt_fused<const NR: usize>(rk: &RoundKeys, a0: &Block, buf: &mut [u8]) {
    let k = load_keys(rk);
    let _s0 = ctr_pass::<NR>(&k, load(a0), buf);
}

/// What one packet's CCM needs besides the key: `B_0` and `A_0` (in registers), the
/// AAD-length prefix and the AAD's length in bytes and blocks.
pub(super) struct Header {
    pub(super) b0: __m128i,
    pub(super) a0: __m128i,
    pub(super) prefix: [u8; 10],
    pub(super) prefix_len: usize,
    pub(super) aad_len: u64,
    /// Blocks of formatted AAD (prefix, AAD, padding): 0 without AAD.
    pub(super) aad_blocks: usize,
}

impl Header {
    /// Checks every size as the generic mode does; `Err(InvalidInput)` touches nothing.
    #[inline(always)]
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
        let (a0, b0) = header_blocks(nonce, l, tag_len, aad_len, msg_len);
        Ok(Self {
            b0,
            a0,
            prefix,
            prefix_len,
            aad_len,
            aad_blocks,
        })
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
}

// The whole seal or open (size checks, header blocks, AAD, payload, tag) runs in one
// `#[target_feature]` function per round count, entered once per call; the verdict of an open
// stays with `ccm_format` (`tag_verdict`, `wipe_on_error`), as in the generic mode.
bulwark_api::impl_ccm! {
    impl[] for AesNiCcm;
    seal(self, nonce, aad, buffer, tag) => {
        let rk = &self.rk;
        // SAFETY (all three arms): `self` exists, so `new` saw AES-NI on this CPU.
        unsafe {
            match rk.rounds {
                10 => seal_fused::<10>(rk, nonce, aad, buffer, tag),
                12 => seal_fused::<12>(rk, nonce, aad, buffer, tag),
                _ => seal_fused::<14>(rk, nonce, aad, buffer, tag),
            }
        }
    };
    open(self, nonce, aad, buffer, tag) => {
        let rk = &self.rk;
        // SAFETY (all three arms): `self` exists, so `new` saw AES-NI on this CPU.
        let full = unsafe {
            match rk.rounds {
                10 => open_fused::<10>(rk, nonce, aad, buffer, tag.len()),
                12 => open_fused::<12>(rk, nonce, aad, buffer, tag.len()),
                _ => open_fused::<14>(rk, nonce, aad, buffer, tag.len()),
            }
        }?;
        let mut expected = [0u8; 16];
        store(&mut expected, full);
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
