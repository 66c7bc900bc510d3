//! Fused AES-CCM for x86-64 CPUs with AES-NI: CTR and CBC-MAC in one pass, and a batch engine
//! that keeps eight CBC-MAC chains in flight.
//!
//! # Why this module uses `unsafe`
//!
//! It is the only module of the crate that does, for two reasons, both local:
//! - The AES-NI instructions (`_mm_aesenc_si128` and friends) may only run on a CPU that has
//!   them, so every function that uses them is `#[target_feature(enable = "aes")]`, and calling
//!   such a function from code compiled without the feature is `unsafe`. The invariant that
//!   makes each such call sound: an [`AesNiCcm`] value exists only if CPUID reported AES-NI
//!   (checked in [`AesNiCcm::new`] through `cpufeatures`), and every entry point is reached
//!   through one.
//! - Moving 16 bytes between memory and an `__m128i` register (`_mm_loadu_si128`,
//!   `_mm_storeu_si128`) takes raw pointers; [`load`] and [`store`] take `&[u8; 16]` so the
//!   pointer is always valid for 16 bytes.
//!
//! # What is fused
//!
//! The CBC-MAC chain is serial: block `i + 1` cannot start before block `i`'s ten rounds end,
//! so a single CCM message is bound by the AES round *latency*. The CTR keystream blocks are
//! independent, so each MAC block's rounds are interleaved with the CTR block for the same
//! position: the keystream comes for free. The XOR of the next message block into the chain is
//! folded into the last round key (`aesenclast(s, k_last ^ k_0 ^ P_next)` yields the next
//! block's first-round input), so the chain is exactly ten (twelve, fourteen) dependent AES
//! rounds per block and nothing else. For open, the keystream runs two blocks ahead of the MAC,
//! because the MAC consumes the decrypted plaintext.
//!
//! The batch engine ([`seal_batch`], [`open_batch`]) instead runs eight independent packets'
//! chains in lockstep (round `r` of all eight, then round `r + 1`), so the AES unit is busy on
//! every cycle; each packet's CTR pass runs eight blocks wide.
//!
//! Round keys are expanded here with `_mm_aeskeygenassist_si128` (as a constant-time S-box) and
//! wiped on drop. Copies the compiler makes in registers or on the stack are not wiped.

use bulwark_api::{
    Error,
    ccm::{Ccm, is_valid_tag_len},
    hazmat::Block,
    secret::ct_eq_bytes,
};
use bulwark_modes::ccm_format::{
    aad_len_prefix, b0_block, check_lengths, counter_block, total_aad_len,
};
use core::arch::x86_64::{
    __m128i, _mm_aesenc_si128, _mm_aesenclast_si128, _mm_aeskeygenassist_si128, _mm_cvtsi128_si32,
    _mm_loadu_si128, _mm_set_epi32, _mm_set_epi64x, _mm_setzero_si128, _mm_storeu_si128,
    _mm_xor_si128,
};
use zeroize::Zeroize;

cpufeatures::new!(cpuid_aes, "aes");

/// How many CBC-MAC chains the batch engine keeps in flight.
const LANES: usize = 8;

/// The most full payload blocks the batch engine's fast path runs per step.
const FAST_MAX_STEPS: usize = 64;

/// What idle lanes "read" on the fast path.
static ZERO_BLOCKS: [u8; 16 * FAST_MAX_STEPS] = [0; 16 * FAST_MAX_STEPS];

/// Whether this CPU has AES-NI (detected once, then cached).
pub(crate) fn available() -> bool {
    cpuid_aes::get()
}

/// Loads 16 bytes into a register.
#[inline(always)]
fn load(b: &[u8; 16]) -> __m128i {
    // SAFETY: `b` is valid for reading 16 bytes; `_mm_loadu_si128` has no alignment
    // requirement, and SSE2 is part of the x86-64 baseline.
    unsafe { _mm_loadu_si128(b.as_ptr().cast()) }
}

/// Stores a register into 16 bytes.
#[inline(always)]
fn store(b: &mut [u8; 16], v: __m128i) {
    // SAFETY: `b` is valid for writing 16 bytes; `_mm_storeu_si128` has no alignment
    // requirement, and SSE2 is part of the x86-64 baseline.
    unsafe { _mm_storeu_si128(b.as_mut_ptr().cast(), v) }
}

/// The counter block `A_i`: `base` is `A_0` (counter field zero), and `i < 2^(8L)` (the
/// message-length check guarantees it for every counter whose keystream is used), so XORing
/// the big-endian `i` into the last eight bytes only touches the counter field.
#[inline]
#[target_feature(enable = "aes")]
fn ctr_block(base: __m128i, i: u64) -> __m128i {
    _mm_xor_si128(base, _mm_set_epi64x(i.swap_bytes() as i64, 0))
}

/// An expanded AES key: `rounds + 1` round keys of 16 bytes, wiped on drop.
#[repr(C, align(16))]
struct RoundKeys {
    bytes: [[u8; 16]; 15],
    rounds: usize,
}

impl Drop for RoundKeys {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// `SubWord` of one key-schedule word, through `aeskeygenassist` (its result's dword 0 is
/// `SubWord` of the input's dword 1): the AES S-box without a table, so without a
/// key-dependent memory access.
#[target_feature(enable = "aes")]
fn sub_word(w: u32) -> u32 {
    let r = _mm_aeskeygenassist_si128::<0>(_mm_set_epi32(0, 0, w as i32, 0));
    _mm_cvtsi128_si32(r) as u32
}

/// FIPS 197 `KeyExpansion` for a 16-, 24- or 32-byte key. Words are little-endian `u32`s of
/// the key bytes, so `RotWord` is a rotation right by 8 and `Rcon` lands in the low byte.
#[target_feature(enable = "aes")]
fn expand(key: &[u8]) -> RoundKeys {
    let nk = key.len() / 4;
    let rounds = nk + 6;
    let mut w = [0u32; 60];
    for (wi, chunk) in w.iter_mut().zip(key.chunks_exact(4)) {
        let mut b = [0u8; 4];
        b.copy_from_slice(chunk);
        *wi = u32::from_le_bytes(b);
        b.zeroize();
    }
    let mut rcon: u32 = 1;
    for i in nk..4 * (rounds + 1) {
        let mut t = w[i - 1];
        if i % nk == 0 {
            t = sub_word(t).rotate_right(8) ^ rcon;
            rcon = (rcon << 1) ^ if rcon & 0x80 != 0 { 0x11b } else { 0 };
        } else if nk > 6 && i % nk == 4 {
            t = sub_word(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    let mut rk = RoundKeys {
        bytes: [[0; 16]; 15],
        rounds,
    };
    for (out, words) in rk.bytes.iter_mut().zip(w.chunks_exact(4)) {
        for (o, word) in out.chunks_exact_mut(4).zip(words) {
            o.copy_from_slice(&word.to_le_bytes());
        }
    }
    w.zeroize();
    rk
}

type Keys = [__m128i; 15];

#[inline]
#[target_feature(enable = "aes")]
fn load_keys(rk: &RoundKeys) -> Keys {
    let mut k = [_mm_setzero_si128(); 15];
    for (ki, b) in k.iter_mut().zip(rk.bytes.iter()) {
        *ki = load(b);
    }
    k
}

/// Encrypts `W` independent blocks, round by round across the blocks.
#[inline]
#[target_feature(enable = "aes")]
fn encrypt_n<const NR: usize, const W: usize>(k: &Keys, mut b: [__m128i; W]) -> [__m128i; W] {
    for s in b.iter_mut() {
        *s = _mm_xor_si128(*s, k[0]);
    }
    for kr in &k[1..NR] {
        for s in b.iter_mut() {
            *s = _mm_aesenc_si128(*s, *kr);
        }
    }
    for s in b.iter_mut() {
        *s = _mm_aesenclast_si128(*s, k[NR]);
    }
    b
}

#[inline]
#[target_feature(enable = "aes")]
fn encrypt1<const NR: usize>(k: &Keys, b: __m128i) -> __m128i {
    let [r] = encrypt_n::<NR, 1>(k, [b]);
    r
}

/// Payload block `i`, zero-padded if it is the partial last one.
#[inline(always)]
fn load_payload(buf: &[u8], i: usize) -> __m128i {
    let start = 16 * i;
    if let Some(full) = buf
        .get(start..start + 16)
        .and_then(|b| <&[u8; 16]>::try_from(b).ok())
    {
        return load(full);
    }
    let rest = buf.get(start..).unwrap_or(&[]);
    let mut tmp = [0u8; 16];
    tmp[..rest.len()].copy_from_slice(rest);
    let v = load(&tmp);
    tmp.zeroize();
    v
}

/// Writes payload block `i` (only its first bytes if it is the partial last one).
#[inline(always)]
fn store_payload(buf: &mut [u8], i: usize, v: __m128i) {
    let start = 16 * i;
    if let Some(full) = buf
        .get_mut(start..start + 16)
        .and_then(|b| <&mut [u8; 16]>::try_from(b).ok())
    {
        store(full, v);
        return;
    }
    let rest = buf.get_mut(start..).unwrap_or(&mut []);
    let mut tmp = [0u8; 16];
    store(&mut tmp, v);
    let n = rest.len();
    rest.copy_from_slice(&tmp[..n]);
    tmp.zeroize();
}

/// Decrypts payload block `i` in place with keystream `ks` and returns the plaintext block,
/// zero-padded if partial (what the CBC-MAC absorbs).
#[inline]
#[target_feature(enable = "aes")]
fn decrypt_payload(buf: &mut [u8], i: usize, ks: __m128i) -> __m128i {
    let start = 16 * i;
    if let Some(full) = buf
        .get_mut(start..start + 16)
        .and_then(|b| <&mut [u8; 16]>::try_from(b).ok())
    {
        let p = _mm_xor_si128(load(full), ks);
        store(full, p);
        return p;
    }
    let rest = buf.get_mut(start..).unwrap_or(&mut []);
    let n = rest.len();
    let mut tmp = [0u8; 16];
    tmp[..n].copy_from_slice(rest);
    let c = load(&tmp);
    store(&mut tmp, _mm_xor_si128(c, ks));
    rest.copy_from_slice(&tmp[..n]);
    tmp[n..].fill(0);
    let p = load(&tmp);
    tmp.zeroize();
    p
}

/// Absorbs the formatted AAD (`prefix`, then the parts, zero-padded to a block) into `x`.
#[target_feature(enable = "aes")]
fn absorb_aad<const NR: usize>(
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
fn ctr_pass<const NR: usize>(k: &Keys, base: __m128i, buf: &mut [u8]) -> __m128i {
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
fn seal_fused<const NR: usize>(
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
fn open_fused<const NR: usize>(
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
fn crypt_fused<const NR: usize>(rk: &RoundKeys, a0: &Block, buf: &mut [u8]) {
    let k = load_keys(rk);
    let _s0 = ctr_pass::<NR>(&k, load(a0), buf);
}

/// What one packet's CCM needs besides the key: `B_0`, `A_0` and the AAD-length prefix.
struct Header {
    b0: Block,
    a0: Block,
    prefix: [u8; 10],
    prefix_len: usize,
    /// Blocks of formatted AAD (prefix, AAD, padding): 0 without AAD.
    aad_blocks: usize,
}

impl Header {
    /// Checks every size as the generic mode does; `Err(InvalidInput)` touches nothing.
    fn new(nonce: &[u8], aad: &[&[u8]], msg_len: usize, tag_len: usize) -> Result<Self, Error> {
        if !is_valid_tag_len(tag_len) {
            return Err(Error::InvalidInput);
        }
        let l = check_lengths(nonce, msg_len)?;
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
    rk: RoundKeys,
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

impl Ccm for AesNiCcm {
    fn seal_detached(
        &mut self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), Error> {
        let h = Header::new(nonce, aad, buffer.len(), tag.len())?;
        let mut full = self.seal_full(&h, aad, buffer);
        let n = tag.len();
        tag.copy_from_slice(&full[..n]);
        full.zeroize();
        Ok(())
    }

    fn open_detached(
        &mut self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        let h = Header::new(nonce, aad, buffer.len(), tag.len())?;
        let mut expected = self.open_full(&h, aad, buffer);
        let verdict = ct_eq_bytes(&expected[..tag.len()], tag);
        expected.zeroize();
        if verdict {
            Ok(())
        } else {
            buffer.zeroize();
            Err(Error::Verification)
        }
    }

    fn crypt_unauthenticated(&mut self, nonce: &[u8], buffer: &mut [u8]) -> Result<(), Error> {
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
    }
}

/// A packet as the batch engine sees it (implemented in `crate::batch` for the API's packet
/// types). `'k` is the lifetime of the borrowed key, nonce and AAD.
pub(crate) trait BatchPacket<'k> {
    /// The fused key schedule, if this packet is valid and goes through the fused engine
    /// (the caller has already given every other packet its result).
    fn fused_key(&self) -> Option<&'k AesNiCcm>;
    fn nonce(&self) -> &'k [u8];
    fn aad(&self) -> &'k [&'k [u8]];
    fn tag_len(&self) -> usize;
    fn buffer(&self) -> &[u8];
    fn buffer_mut(&mut self) -> &mut [u8];
    /// Receives `T XOR E(A_0)` once the payload is encrypted (seal) or decrypted (open):
    /// writes the tag, or compares it in constant time and zeroes the buffer on mismatch;
    /// sets the packet's result.
    fn finish(&mut self, full_tag: &mut Block);
}

/// One lane of the batch engine: the packet it works on and where its chain stands.
struct Lane<'k> {
    packet: usize,
    key: &'k RoundKeys,
    x: __m128i,
    base: __m128i,
    s0: __m128i,
    b0: __m128i,
    /// The next MAC input block: 0 is `B_0`, then `aad_blocks` AAD blocks, then the payload.
    next: usize,
    aad_blocks: usize,
    total: usize,
    /// Payload length in bytes.
    len: usize,
    prefix: [u8; 10],
    prefix_len: usize,
    aad: &'k [&'k [u8]],
}

/// Formatted-AAD block `index`: bytes `16 * index ..` of `prefix || parts`, zero-padded.
fn aad_block(prefix: &[u8], parts: &[&[u8]], index: usize) -> Block {
    let mut out = [0u8; 16];
    let mut skip = 16 * index;
    let mut filled = 0;
    for part in core::iter::once(prefix).chain(parts.iter().copied()) {
        if skip >= part.len() {
            skip -= part.len();
            continue;
        }
        let avail = &part[skip..];
        skip = 0;
        let take = avail.len().min(16 - filled);
        out[filled..filled + take].copy_from_slice(&avail[..take]);
        filled += take;
        if filled == 16 {
            break;
        }
    }
    out
}

/// Finds the next packet (from `*cursor` on) that the engine for `NR` rounds should take.
fn next_packet<'k, P: BatchPacket<'k>>(
    packets: &[P],
    cursor: &mut usize,
    rounds: usize,
) -> Option<(usize, &'k AesNiCcm)> {
    while let Some(p) = packets.get(*cursor) {
        let i = *cursor;
        *cursor += 1;
        if let Some(key) = p.fused_key().filter(|k| k.rk.rounds == rounds) {
            return Some((i, key));
        }
    }
    None
}

/// Runs every pending packet whose key has `NR` rounds through `LANES` interleaved chains.
#[target_feature(enable = "aes")]
fn batch_lanes<'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(packets: &mut [P]) {
    let mut cursor = 0;
    let mut lanes: [Option<Lane<'_>>; LANES] = [const { None }; LANES];
    // Each lane's round keys, loaded once per packet (idle lanes compute on stale keys and
    // their output is ignored).
    let mut lane_keys: [Keys; LANES] = [[_mm_setzero_si128(); 15]; LANES];
    let mut state = [_mm_setzero_si128(); LANES];
    loop {
        // Fill idle lanes.
        let mut active = 0;
        for (slot, lk) in lanes.iter_mut().zip(lane_keys.iter_mut()) {
            if slot.is_none() {
                *slot = start_lane::<NR, OPEN, P>(packets, &mut cursor);
                if let Some(lane) = slot {
                    *lk = load_keys(lane.key);
                }
            }
            active += usize::from(slot.is_some());
        }
        if active == 0 {
            return;
        }

        // Fast path: every active lane is inside its payload with full blocks left; run that
        // many steps straight from the buffers.
        let mut steps = FAST_MAX_STEPS;
        for lane in lanes.iter().flatten() {
            let first_payload = 1 + lane.aad_blocks;
            let done = lane.next.saturating_sub(first_payload);
            let left = if lane.next < first_payload {
                0
            } else {
                (lane.len / 16).saturating_sub(done)
            };
            steps = steps.min(left);
        }
        if steps > 0 {
            let shared: &[P] = packets;
            let mut data: [&[u8]; LANES] = [&ZERO_BLOCKS[..16 * steps]; LANES];
            for (d, slot) in data.iter_mut().zip(lanes.iter()) {
                if let Some(lane) = slot {
                    let off = 16 * (lane.next - 1 - lane.aad_blocks);
                    if let Some(b) = shared
                        .get(lane.packet)
                        .and_then(|p| p.buffer().get(off..off + 16 * steps))
                    {
                        *d = b;
                    }
                }
            }
            for (x, slot) in state.iter_mut().zip(lanes.iter()) {
                if let Some(lane) = slot {
                    *x = lane.x;
                }
            }
            for t in 0..steps {
                let mut s = [_mm_setzero_si128(); LANES];
                for ((sj, (d, x)), lk) in s
                    .iter_mut()
                    .zip(data.iter().zip(state.iter()))
                    .zip(lane_keys.iter())
                {
                    let block = d
                        .get(16 * t..16 * t + 16)
                        .and_then(|b| <&[u8; 16]>::try_from(b).ok())
                        .map_or(_mm_setzero_si128(), load);
                    *sj = _mm_xor_si128(_mm_xor_si128(*x, block), lk[0]);
                }
                for r in 1..NR {
                    for (sj, lk) in s.iter_mut().zip(lane_keys.iter()) {
                        *sj = _mm_aesenc_si128(*sj, lk[r]);
                    }
                }
                for ((x, sj), lk) in state.iter_mut().zip(s.iter()).zip(lane_keys.iter()) {
                    *x = _mm_aesenclast_si128(*sj, lk[NR]);
                }
            }
            for (x, slot) in state.iter().zip(lanes.iter_mut()) {
                if let Some(lane) = slot {
                    lane.x = *x;
                    lane.next += steps;
                }
            }
            // Fall through to the general step below, which also retires finished lanes.
        }

        // General step: feed every active lane its next block (B_0, AAD, partial block).
        let mut any = false;
        for ((slot, s), lk) in lanes.iter_mut().zip(state.iter_mut()).zip(lane_keys.iter()) {
            let Some(lane) = slot else { continue };
            if lane.next == lane.total {
                *s = lane.x;
                continue;
            }
            any = true;
            let block = if lane.next == 0 {
                lane.b0
            } else if lane.next <= lane.aad_blocks {
                let mut b = aad_block(&lane.prefix[..lane.prefix_len], lane.aad, lane.next - 1);
                let v = load(&b);
                b.zeroize();
                v
            } else {
                let i = lane.next - 1 - lane.aad_blocks;
                packets
                    .get(lane.packet)
                    .map_or(_mm_setzero_si128(), |p| load_payload(p.buffer(), i))
            };
            *s = _mm_xor_si128(_mm_xor_si128(lane.x, block), lk[0]);
        }
        if any {
            for r in 1..NR {
                for (s, lk) in state.iter_mut().zip(lane_keys.iter()) {
                    *s = _mm_aesenc_si128(*s, lk[r]);
                }
            }
            for (s, lk) in state.iter_mut().zip(lane_keys.iter()) {
                *s = _mm_aesenclast_si128(*s, lk[NR]);
            }
        }
        // Retire finished packets.
        for (slot, s) in lanes.iter_mut().zip(state.iter()) {
            let Some(lane) = slot else { continue };
            if lane.next < lane.total {
                lane.x = *s;
                lane.next += 1;
            }
            if lane.next == lane.total {
                if let Some(p) = packets.get_mut(lane.packet) {
                    let k = load_keys(lane.key);
                    let s0 = if OPEN {
                        lane.s0
                    } else {
                        ctr_pass::<NR>(&k, lane.base, p.buffer_mut())
                    };
                    let mut full = [0u8; 16];
                    store(&mut full, _mm_xor_si128(lane.x, s0));
                    p.finish(&mut full);
                    full.zeroize();
                }
                *slot = None;
            }
        }
    }
}

/// Takes the next pending packet into a lane; for open, decrypts it first (the MAC is over
/// the plaintext).
#[target_feature(enable = "aes")]
fn start_lane<'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(
    packets: &mut [P],
    cursor: &mut usize,
) -> Option<Lane<'k>> {
    loop {
        let (index, key) = next_packet(packets, cursor, NR)?;
        let p = packets.get_mut(index)?;
        let (nonce, aad) = (p.nonce(), p.aad());
        // The caller validated the packet; a failure here would be a bug, so skip it.
        let Ok(h) = Header::new(nonce, aad, p.buffer().len(), p.tag_len()) else {
            continue;
        };
        let base = load(&h.a0);
        let s0 = if OPEN {
            ctr_pass::<NR>(&load_keys(&key.rk), base, p.buffer_mut())
        } else {
            _mm_setzero_si128()
        };
        return Some(Lane {
            packet: index,
            key: &key.rk,
            x: _mm_setzero_si128(),
            base,
            s0,
            b0: load(&h.b0),
            next: 0,
            aad_blocks: h.aad_blocks,
            total: 1 + h.aad_blocks + p.buffer().len().div_ceil(16),
            len: p.buffer().len(),
            prefix: h.prefix,
            prefix_len: h.prefix_len,
            aad,
        });
    }
}

/// Seals every packet whose `fused_key` is `Some`, eight chains at a time.
pub(crate) fn seal_batch<'k, P: BatchPacket<'k>>(packets: &mut [P]) {
    run_batch::<P, false>(packets);
}

/// Opens every packet whose `fused_key` is `Some`, eight chains at a time.
pub(crate) fn open_batch<'k, P: BatchPacket<'k>>(packets: &mut [P]) {
    run_batch::<P, true>(packets);
}

fn run_batch<'k, P: BatchPacket<'k>, const OPEN: bool>(packets: &mut [P]) {
    // Packets only reach `fused_key() == Some` through an `AesNiCcm`, which exists only if
    // `new` saw AES-NI; with none of them there is nothing to do (and no instruction to run).
    if !packets.iter().any(|p| p.fused_key().is_some()) {
        return;
    }
    // SAFETY (all three calls): at least one `AesNiCcm` exists, so `AesNiCcm::new` saw AES-NI
    // on this CPU.
    unsafe {
        batch_lanes::<10, OPEN, P>(packets);
        batch_lanes::<12, OPEN, P>(packets);
        batch_lanes::<14, OPEN, P>(packets);
    }
}
