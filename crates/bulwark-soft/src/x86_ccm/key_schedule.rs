//! The AES-NI key schedule and the round loops over it.
//!
//! # Why a second key schedule
//!
//! The `aes` crate (0.9) expands the same key for [`crate::SoftAes`], but keeps its AES-NI
//! round keys private (`pub(crate)` in its x86 backend); its `hazmat` module offers only single
//! rounds on byte arrays, with the key passed each time. The fused CCM interleaves the rounds
//! of the CBC-MAC chain and the CTR blocks (and of eight packets, in the batch engine) in
//! `__m128i` registers, so it needs the round keys themselves: they are expanded here once per
//! key, with `aeskeygenassist` as a table-free S-box, and wiped on drop.

use super::load;
use core::arch::x86_64::{
    __m128i, _mm_aesenc_si128, _mm_aesenclast_si128, _mm_aeskeygenassist_si128, _mm_cvtsi128_si32,
    _mm_set_epi32, _mm_setzero_si128, _mm_xor_si128,
};
use zeroize::Zeroize;

/// An expanded AES key: `rounds + 1` round keys of 16 bytes, wiped on drop.
#[repr(C, align(16))]
pub(super) struct RoundKeys {
    pub(super) bytes: [[u8; 16]; 15],
    pub(super) rounds: usize,
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
pub(super) fn sub_word(w: u32) -> u32 {
    let r = _mm_aeskeygenassist_si128::<0>(_mm_set_epi32(0, 0, w as i32, 0));
    _mm_cvtsi128_si32(r) as u32
}

/// FIPS 197 `KeyExpansion` for a 16-, 24- or 32-byte key. Words are little-endian `u32`s of
/// the key bytes, so `RotWord` is a rotation right by 8 and `Rcon` lands in the low byte.
#[target_feature(enable = "aes")]
pub(super) fn expand(key: &[u8]) -> RoundKeys {
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

pub(super) type Keys = [__m128i; 15];

#[inline]
#[target_feature(enable = "aes")]
pub(super) fn load_keys(rk: &RoundKeys) -> Keys {
    let mut k = [_mm_setzero_si128(); 15];
    for (ki, b) in k.iter_mut().zip(rk.bytes.iter()) {
        *ki = load(b);
    }
    k
}

/// Encrypts `W` independent blocks, round by round across the blocks.
#[inline]
#[target_feature(enable = "aes")]
pub(super) fn encrypt_n<const NR: usize, const W: usize>(
    k: &Keys,
    mut b: [__m128i; W],
) -> [__m128i; W] {
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
pub(super) fn encrypt1<const NR: usize>(k: &Keys, b: __m128i) -> __m128i {
    let [r] = encrypt_n::<NR, 1>(k, [b]);
    r
}
