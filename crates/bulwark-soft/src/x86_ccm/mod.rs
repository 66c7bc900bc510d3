//! Fused AES-CCM for x86-64 CPUs with AES-NI: CTR and CBC-MAC in one pass, and batch engines
//! that keep eight CBC-MAC chains in flight.
//!
//! # Why this module uses `unsafe`
//!
//! It (with its submodules) is the only module of the crate that does, for two reasons, both local:
//! - The AES-NI instructions (`_mm_aesenc_si128` and friends) may only run on a CPU that has
//!   them, so every function that uses them is `#[target_feature(enable = "aes")]`, and calling
//!   such a function from code compiled without the feature is `unsafe`. The invariant that
//!   makes each such call sound: an [`AesNiCcm`] value exists only if CPUID reported AES-NI
//!   (checked in [`AesNiCcm::new`] through `cpufeatures`), and every entry point is reached
//!   through one. Likewise the VAES batch engine's functions enable VAES and AVX-512
//!   (F, BW, VL), and are entered only after [`vaes_available`] (CPUID and the OS's 512-bit
//!   register state, through `cpufeatures`) said yes.
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
//! rounds per block and nothing else. For open, the keystream runs ahead of the MAC, because
//! the MAC consumes the decrypted plaintext: `E(A_0)`, `E(A_1)` and `E(A_2)` beside `B_0`, then
//! one counter block beside every later MAC block, AAD blocks included.
//!
//! A small packet is bound by that chain (seven blocks for 64 bytes with a 21-byte AAD), so
//! the single-packet path keeps everything else off it: one `#[target_feature]` call per
//! seal or open does the size checks, the header, the chain and the tag; `B_0` and `A_0` are
//! built in general registers and moved into vector registers whole ([`header_blocks`],
//! shared with the VAES engine), since byte arrays read back at once would stall on store
//! forwarding; a one-slice AAD is read block by block from the caller's slice (its length
//! prefix shifted in by register), and partial blocks with at most two loads
//! ([`load_partial`]); the tag is written with one or two stores. There is no staging copy of
//! the header, the AAD or the tag.
//!
//! The batch engines ([`seal_batch`], [`open_batch`]) instead run eight independent packets'
//! chains in lockstep (round `r` of all eight, then round `r + 1`):
//! - with VAES and AVX-512 (picked at run time), the eight lanes' CBC-MAC states sit in two
//!   512-bit registers and their counter blocks in two more, each lane under its own key, so one
//!   step (one block of every lane, MAC and keystream) is four `vaesenc` per round and takes
//!   about as long as one block of a single packet: the CTR pass runs inside the lane rounds;
//! - otherwise (AES-NI only), the eight chains run in 128-bit registers, and each packet's
//!   CTR pass runs eight blocks wide when its chain ends (the AES unit's throughput, not the
//!   chain, bounds that engine).
//!
//! Either way a lane whose packet ends takes the next pending packet at once.
//!
//! # Layout
//!
//! - [`key_schedule`]: the AES-NI key expansion and the round loops.
//! - [`fused`]: the single-packet fused CCM, [`AesNiCcm`].
//! - [`batch`]: the batch entry points, the engine choice and the AES-NI batch engine.
//! - [`vaes`]: the VAES batch engine.
//!
//! This module holds what they share: CPU detection, register loads and stores, the header
//! blocks, counter and payload blocks.

mod batch;
mod fused;
mod key_schedule;
#[cfg(test)]
mod tests;
mod vaes;

pub(crate) use batch::{BatchPacket, open_batch, seal_batch};
pub(crate) use fused::AesNiCcm;

use core::arch::x86_64::{
    __m128i, _mm_bslli_si128, _mm_cvtsi128_si64, _mm_loadu_si128, _mm_or_si128, _mm_set_epi64x,
    _mm_storeu_si128, _mm_unpackhi_epi64, _mm_xor_si128,
};

use zeroize::Zeroize;

cpufeatures::new!(cpuid_aes, "aes");
cpufeatures::new!(cpuid_vaes, "aes", "vaes", "avx512f", "avx512bw", "avx512vl");

/// Whether this CPU has AES-NI (detected once, then cached).
pub(crate) fn available() -> bool {
    cpuid_aes::get()
}

/// Whether this CPU (and the OS, for the 512-bit register state) runs the VAES batch engine:
/// AES-NI, VAES, AVX-512F, AVX-512BW and AVX-512VL (detected once, then cached).
pub(crate) fn vaes_available() -> bool {
    cpuid_vaes::get()
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

/// The register whose high half is `hi` and low half `lo` (little-endian lanes).
#[inline(always)]
fn set2(hi: u64, lo: u64) -> __m128i {
    // SAFETY: `_mm_set_epi64x` only moves general registers into a vector register; SSE2 is
    // part of the x86-64 baseline.
    unsafe { _mm_set_epi64x(hi as i64, lo as i64) }
}

/// The low and high halves of a register.
#[inline(always)]
fn halves(v: __m128i) -> (u64, u64) {
    // SAFETY: register moves and a shuffle only; SSE2 is part of the x86-64 baseline.
    unsafe {
        (
            _mm_cvtsi128_si64(v) as u64,
            _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)) as u64,
        )
    }
}

/// `a | b`.
#[inline(always)]
fn or(a: __m128i, b: __m128i) -> __m128i {
    // SAFETY: a register operation; SSE2 is part of the x86-64 baseline.
    unsafe { _mm_or_si128(a, b) }
}

/// `v` moved up by `N` bytes (towards the high end), zeros shifted in.
#[inline(always)]
fn shift_up<const N: i32>(v: __m128i) -> __m128i {
    // SAFETY: a register operation; SSE2 is part of the x86-64 baseline.
    unsafe { _mm_bslli_si128::<N>(v) }
}

/// The counter block `A_i`: `base` is `A_0` (counter field zero), and `i < 2^(8L)` (the
/// message-length check guarantees it for every counter whose keystream is used), so XORing
/// the big-endian `i` into the last eight bytes only touches the counter field.
#[inline]
#[target_feature(enable = "aes")]
fn ctr_block(base: __m128i, i: u64) -> __m128i {
    _mm_xor_si128(base, _mm_set_epi64x(i.swap_bytes() as i64, 0))
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
    load_partial(buf.get(start..).unwrap_or(&[]))
}

/// Up to 8 bytes as a little-endian `u64` (zero above them), read with at most two loads
/// and no staging buffer: one 8-byte load, two overlapping 4-byte loads (the overlap holds the
/// same bytes, so OR-ing them is exact), or three single bytes for 1..=3. The branches and
/// addresses depend on `s.len()` only, never on the bytes.
#[inline(always)]
fn le_bytes_u64(s: &[u8]) -> u64 {
    let n = s.len();
    if let Some(b) = s.first_chunk::<8>() {
        return u64::from_le_bytes(*b);
    }
    if let (Some(a), Some(b)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        return u64::from(u32::from_le_bytes(*a))
            | (u64::from(u32::from_le_bytes(*b)) << (8 * (n - 4)));
    }
    match (s.first(), s.get(n / 2), s.last()) {
        (Some(&a), Some(&m), Some(&z)) => {
            u64::from(a) | (u64::from(m) << (8 * (n / 2))) | (u64::from(z) << (8 * (n - 1)))
        }
        _ => 0,
    }
}

/// The first `s.len().min(16)` bytes of `s` in a register, zero-padded, built in general
/// registers: a partial block without the byte-wise copy into a stack buffer whose 16-byte
/// read-back would stall on store forwarding.
#[inline(always)]
fn load_partial(s: &[u8]) -> __m128i {
    let s = s.get(..16).unwrap_or(s);
    let (lo, hi) = s.split_at(s.len().min(8));
    set2(le_bytes_u64(hi), le_bytes_u64(lo))
}

/// 7 bytes as a little-endian `u64` (two overlapping 4-byte loads).
#[inline(always)]
fn le7(b: &[u8; 7]) -> u64 {
    let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let hi = u32::from_le_bytes([b[3], b[4], b[5], b[6]]);
    u64::from(lo) | (u64::from(hi) << 24)
}

/// `A_0` and `B_0` of a packet, built in general registers and moved into vector registers
/// whole: the same blocks as `ccm_format::counter_block` and `ccm_format::b0_block`, whose
/// byte arrays (one byte, then the nonce, then the length, stored piecewise), read back at
/// once, would stall on store forwarding. The caller has checked the sizes (`check_sizes`):
/// the nonce has 7 to 13 bytes, `l = 15 - nonce.len()` and `msg_len < 2^(8 l)`.
///
/// Layout: bytes 1..=7 (low half) are the nonce's first 7 bytes; the high half holds its
/// remaining `n - 7` bytes, then `B_0`'s big-endian length, which is below `2^(8 l)` and so
/// only touches the last `l = 15 - n` bytes.
#[inline(always)]
fn header_blocks(
    nonce: &[u8],
    l: usize,
    tag_len: usize,
    aad_len: u64,
    msg_len: usize,
) -> (__m128i, __m128i) {
    let n = nonce.len();
    let head = nonce.first_chunk::<7>().map_or(0, le7);
    // The last 7 bytes, shifted so that nonce byte 7 lands in byte 0 (`n == 7`: nothing).
    let tail = nonce
        .last_chunk::<7>()
        .map_or(0, le7)
        .checked_shr(8 * 14u32.saturating_sub(n as u32))
        .unwrap_or(0);
    let flags_a = (l as u64).wrapping_sub(1) & 7;
    let flags_b =
        (u64::from(aad_len > 0) << 6) | (((tag_len as u64).saturating_sub(2) / 2) << 3) | flags_a;
    let len_field = (msg_len as u64).swap_bytes();
    let a0 = set2(tail, (head << 8) | flags_a);
    let b0 = set2(tail | len_field, (head << 8) | flags_b);
    (a0, b0)
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
