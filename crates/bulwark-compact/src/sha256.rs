//! SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), small: one rolled compression loop over
//! a 16-word schedule window, like [`crate::sha512`] (the unrolled compression of a
//! general-purpose crate is several kilobytes on Thumb-1). ECDSA's message digest and RFC 6979
//! nonces, HKDF-SHA256 and the `Sha256` trait run on it.

use zeroize::Zeroize;

/// The round constants: the first 32 bits of the fractional parts of the cube roots of the
/// first 64 primes.
const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

/// The initial hash value: the first 32 bits of the fractional parts of the square roots of
/// the first 8 primes.
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The block size in bytes.
const BLOCK: usize = 64;

/// FIPS 180-4's `T1 = h + S1(e) + Ch(e, f, g) + K_t + W_t` (wrapping), given `S1(e)`: the same
/// expression in [`compress`] and in SHA-512's, for 32- and 64-bit words alike (a macro, so each
/// compiles exactly as if written in place).
macro_rules! sha2_t1 {
    ($h:expr, $s1:expr, $e:expr, $f:expr, $g:expr, $k:expr, $w:expr) => {{
        let (e, f, g) = ($e, $f, $g);
        let ch = (e & f) ^ (!e & g);
        $h.wrapping_add($s1)
            .wrapping_add(ch)
            .wrapping_add($k)
            .wrapping_add($w)
    }};
}
pub(crate) use sha2_t1;

/// An incremental SHA-256 computation; wiped on drop (it hashes keys and HMAC pads).
#[derive(Clone)]
pub(crate) struct Sha256 {
    state: [u32; 8],
    block: [u8; BLOCK],
    /// Bytes in `block`.
    fill: usize,
    /// Total message length in bytes.
    len: u64,
}

impl Drop for Sha256 {
    fn drop(&mut self) {
        self.state.zeroize();
        self.block.zeroize();
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// A fresh computation.
    pub(crate) const fn new() -> Self {
        Self {
            state: IV,
            block: [0; BLOCK],
            fill: 0,
            len: 0,
        }
    }

    /// Absorbs `data`.
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            // (`fill` is always below the block size; the mask lets the compiler see it, so
            // this code has no panic path.)
            let fill = self.fill & (BLOCK - 1);
            let take = (BLOCK - fill).min(data.len());
            let (head, rest) = data.split_at(take);
            self.block[fill..][..take].copy_from_slice(head);
            self.fill = fill + take;
            data = rest;
            if self.fill == BLOCK {
                compress(&mut self.state, &self.block);
                self.fill = 0;
            }
        }
    }

    /// Pads, and returns the 32-byte digest.
    pub(crate) fn finalize(mut self) -> [u8; 32] {
        // (`self` is wiped when it drops at the end.)
        self.finish()
    }

    /// [`Self::finalize`] in place (the caller wipes or reuses `self`).
    fn finish(&mut self) -> [u8; 32] {
        let bits = self.len.wrapping_shl(3);
        let fill = self.fill & (BLOCK - 1);
        self.block[fill] = 0x80;
        self.block[fill + 1..].fill(0);
        if fill >= BLOCK - 8 {
            compress(&mut self.state, &self.block);
            self.block.fill(0);
        }
        self.block[BLOCK - 8..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &self.block);
        let mut out = [0u8; 32];
        for (o, s) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&s.to_be_bytes());
        }
        out
    }

    /// Continues from `state`, the chaining value after exactly one block (HMAC's padded key).
    fn restart_after_one_block(&mut self, state: [u32; 8]) {
        self.state = state;
        self.fill = 0;
        self.len = BLOCK as u64;
    }

    /// The digest of the concatenation of `parts`.
    pub(crate) fn digest(parts: &[&[u8]]) -> [u8; 32] {
        let mut h = Self::new();
        for p in parts {
            h.update(p);
        }
        h.finalize()
    }
}

/// One compression: 64 rounds in one loop.
///
/// Nothing is rotated through registers: each round reads and writes two sliding windows at
/// one base address each and constant offsets, and every eighth round moves each window's
/// tail to its front (on Thumb-1, eight low registers, this replaces the register-to-stack
/// moves of the rotating form and the index masking of a circular schedule).
/// - `x`: the message schedule, `W[8g - 16 .. 8g + 8]` in group `g` (rounds `8g .. 8g + 8`);
///   round `t` writes `W_t` at `16 + (t mod 8)` (a block word for `t < 16`, else
///   `s1(W_{t-2}) + W_{t-7} + s0(W_{t-15}) + W_{t-16}` from the 16 words before it).
/// - `v`: the working variables, `a` values at even and `e` values at odd indices; round `t`
///   reads `d, h, c, g, b, f, a, e` from the eight words at `2 (t mod 8)` and writes the new
///   `a, e` after them.
///
/// Both windows are wiped after.
#[inline(never)]
fn compress(state: &mut [u32; 8], block: &[u8; BLOCK]) {
    let mut x = [0u32; 24];
    let mut v = [0u32; 24];
    for i in 0..4 {
        v[6 - 2 * i] = state[i];
        v[7 - 2 * i] = state[4 + i];
    }
    for (t, k) in K.iter().enumerate() {
        let j = t & 7;
        let s = &mut x[j..j + 17];
        let wt = match block.get(4 * t..4 * t + 4) {
            Some(&[b0, b1, b2, b3]) => u32::from_be_bytes([b0, b1, b2, b3]),
            _ => {
                let (w16, w15, w7, w2) = (s[0], s[1], s[9], s[14]);
                // s0 = ROTR7 ^ ROTR18 ^ SHR3, s1 = ROTR17 ^ ROTR19 ^ SHR10, one rotation fewer each.
                let s0 = (w15 ^ w15.rotate_right(11)).rotate_right(7) ^ (w15 >> 3);
                let s1 = (w2 ^ w2.rotate_right(2)).rotate_right(17) ^ (w2 >> 10);
                w16.wrapping_add(s0).wrapping_add(w7).wrapping_add(s1)
            }
        };
        s[16] = wt;
        let r = &mut v[2 * j..2 * j + 10];
        let (e, f, g, h) = (r[7], r[5], r[3], r[1]);
        // S1 = ROTR6 ^ ROTR11 ^ ROTR25, S0 = ROTR2 ^ ROTR13 ^ ROTR22, one rotation fewer each.
        let s1 = (e ^ e.rotate_right(5) ^ e.rotate_right(19)).rotate_right(6);
        let t1 = sha2_t1!(h, s1, e, f, g, *k, wt);
        let (a, b, c, d) = (r[6], r[4], r[2], r[0]);
        let s0 = (a ^ a.rotate_right(11) ^ a.rotate_right(20)).rotate_right(2);
        let maj = (a & b) ^ (c & (a ^ b));
        r[9] = d.wrapping_add(t1);
        r[8] = t1.wrapping_add(s0).wrapping_add(maj);
        if j == 7 {
            // (Two non-overlapping halves: the compiler copies them inline, not by `memmove`.)
            let (front, back) = x.split_at_mut(16);
            let (first, second) = front.split_at_mut(8);
            first.copy_from_slice(second);
            second.copy_from_slice(back);
            v.copy_within(16..24, 0);
        }
    }
    for i in 0..4 {
        state[i] = state[i].wrapping_add(v[6 - 2 * i]);
        state[4 + i] = state[4 + i].wrapping_add(v[7 - 2 * i]);
    }
    x.zeroize();
    v.zeroize();
}

/// HMAC-SHA-256's keyed starting point (RFC 2104): the chaining values after the padded key
/// `K ^ ipad` (inner) and `K ^ opad` (outer), so the key itself is not kept. Wiped on drop.
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl HmacKey {
    /// Keys the MAC: a key longer than the block is hashed first, a shorter one padded with
    /// zeros (so an empty key is 64 zero bytes).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut pad = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut hashed = Sha256::digest(&[key]);
            pad[..32].copy_from_slice(&hashed);
            hashed.zeroize();
        } else {
            pad[..key.len()].copy_from_slice(key);
        }
        let mut out = Self {
            inner: IV,
            outer: IV,
        };
        for p in pad.iter_mut() {
            *p ^= 0x36;
        }
        compress(&mut out.inner, &pad);
        for p in pad.iter_mut() {
            // (K ^ ipad) ^ (ipad ^ opad) = K ^ opad.
            *p ^= 0x36 ^ 0x5c;
        }
        compress(&mut out.outer, &pad);
        pad.zeroize();
        out
    }

    /// A MAC computation under this key.
    pub(crate) fn start(&self) -> HmacSha256 {
        let mut inner = Sha256::new();
        inner.restart_after_one_block(self.inner);
        HmacSha256 {
            inner,
            outer: self.outer,
        }
    }
}

/// An HMAC-SHA-256 computation: the inner hash after `K ^ ipad`, and the outer chaining value
/// after `K ^ opad`. Wiped on drop.
pub(crate) struct HmacSha256 {
    inner: Sha256,
    outer: [u32; 8],
}

impl Drop for HmacSha256 {
    fn drop(&mut self) {
        // (`inner` wipes itself.)
        self.outer.zeroize();
    }
}

impl HmacSha256 {
    /// A MAC computation under `key` (any length).
    pub(crate) fn new(key: &[u8]) -> Self {
        HmacKey::new(key).start()
    }

    /// Absorbs `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// The 32-byte tag: `H((K ^ opad) || H((K ^ ipad) || message))`.
    pub(crate) fn finalize(mut self) -> [u8; 32] {
        // (`self` is wiped when it drops at the end.)
        let mut inner_hash = self.inner.finish();
        self.inner.restart_after_one_block(self.outer);
        self.inner.update(&inner_hash);
        inner_hash.zeroize();
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{HmacSha256, Sha256};

    #[test]
    fn matches_sha2_on_every_length_to_300_and_split_updates() {
        crate::sha512::tests::matches_sha2::<sha2::Sha256, 32>(Sha256::digest);
    }

    #[test]
    fn fips_180_abc_and_two_blocks() {
        assert_eq!(
            Sha256::digest(&[b"abc"]),
            [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
                0xf2, 0x00, 0x15, 0xad
            ]
        );
        assert_eq!(
            Sha256::digest(&[b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"]),
            [
                0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e,
                0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4,
                0x19, 0xdb, 0x06, 0xc1
            ]
        );
    }

    /// RFC 4231 test case 2 (short key) and test case 6 (131-byte key, hashed first).
    #[test]
    fn rfc_4231_cases_2_and_6() {
        // (Key, message parts, tag.)
        type Case<'a> = (&'a [u8], &'a [&'a [u8]], [u8; 32]);
        let cases: [Case<'_>; 2] = [
            (
                b"Jefe",
                &[b"what do ya want ", b"for nothing?"],
                [
                    0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08,
                    0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec,
                    0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
                ],
            ),
            (
                &[0xaa; 131],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
                [
                    0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f, 0x0d, 0x8a, 0x26, 0xaa, 0xcb,
                    0xf5, 0xb7, 0x7f, 0x8e, 0x0b, 0xc6, 0x21, 0x37, 0x28, 0xc5, 0x14, 0x05, 0x46,
                    0x04, 0x0f, 0x0e, 0xe3, 0x7f, 0x54,
                ],
            ),
        ];
        for (key, parts, want) in cases {
            let mut mac = HmacSha256::new(key);
            for part in parts {
                mac.update(part);
            }
            assert_eq!(mac.finalize(), want, "key length {}", key.len());
        }
    }

    /// Key lengths around the block size and messages split in two: the tags of the RustCrypto
    /// `hmac` crate over `sha2`.
    #[test]
    fn matches_the_hmac_crate() {
        use hmac::{KeyInit, Mac};
        fn reference(key: &[u8], msg: &[u8]) -> [u8; 32] {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            mac.update(msg);
            mac.finalize().into_bytes().into()
        }
        let data: [u8; 300] = core::array::from_fn(|i| (i * 13 + 5) as u8);
        for klen in [0, 1, 32, 63, 64, 65, 200] {
            for mlen in [0, 1, 55, 56, 64, 119, 300] {
                let (key, msg) = (&data[..klen], &data[300 - mlen..]);
                let mut mac = HmacSha256::new(key);
                mac.update(&msg[..mlen / 2]);
                mac.update(&msg[mlen / 2..]);
                assert_eq!(mac.finalize(), reference(key, msg), "key {klen} msg {mlen}");
            }
        }
    }
}
