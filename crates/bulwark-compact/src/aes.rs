//! Constant-time AES-128/192/256 block encryption for 32-bit cores, bitsliced two blocks at a time.
//!
//! The state of two blocks (256 bits) is held as eight 32-bit bit planes: plane `b` holds bit
//! `b` of all 32 bytes. Inside a plane, the bit of block `k`, row `r`, column `c` sits at
//! position `8r + 2c + k`, so that:
//!
//! - SubBytes is a Boolean circuit over the eight planes (the Boyar-Peralta S-box circuit:
//!   inversion in GF(2^8) through a tower of subfields, 113 gates, no table);
//! - MixColumns needs the byte of the next row of the same column: a rotation of each plane by
//!   8 bits;
//! - ShiftRows rotates row `r` by `r` columns: a rotation by `2r` bits inside byte `r` of each
//!   plane (shifts and masks).
//!
//! No memory access and no branch depends on the key or the data. The key schedule evaluates
//! the same S-box circuit on bit-sliced key words, so it is constant time too.
//!
//! One call encrypts two blocks for the price of one ([`BlockEncrypt::encrypt_blocks`] pairs
//! them): a caller with two independent blocks (CCM's CBC-MAC block and CTR block) should pass
//! both at once.

use crate::p256::limbs::unroll8;
use bulwark_api::{
    Error,
    hazmat::{Block, BlockEncrypt},
};
use zeroize::Zeroize;

/// Eight bit planes holding two AES blocks.
type State = [u32; 8];

/// The most rounds (AES-256), so the most round keys (15).
const MAX_ROUND_KEYS: usize = 15;

/// AES-128, -192 or -256 with a bit-sliced key schedule; constant time, no tables. The round keys
/// are zeroized on drop and never printed.
pub struct CompactAes {
    /// Round keys in the two-block bitsliced form (the same key in both lanes); round keys 1 to
    /// `rounds` have the S-box's affine constant folded in.
    round_keys: [State; MAX_ROUND_KEYS],
    /// 10, 12 or 14.
    rounds: usize,
}

impl core::fmt::Debug for CompactAes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CompactAes")
            .field("rounds", &self.rounds)
            .finish_non_exhaustive()
    }
}

impl Drop for CompactAes {
    fn drop(&mut self) {
        self.round_keys.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for CompactAes {}

/// Exchanges the bits of `a` selected by `mask << shift` with the bits of `b` selected by
/// `mask`.
#[inline(always)]
fn swap_move(a: &mut u32, b: &mut u32, mask: u32, shift: u32) {
    let t = ((*a >> shift) ^ *b) & mask;
    *b ^= t;
    *a ^= t << shift;
}

/// Transposes, in each of the four byte lanes, the 8x8 bit matrix whose rows are the lane's
/// bytes in `x[0..8]`: afterwards `x[b]` bit `j` of a lane is the old `x[j]` bit `b`. Its own
/// inverse.
#[inline(always)]
fn transpose(x: &mut State) {
    let [x0, x1, x2, x3, x4, x5, x6, x7] = x;
    swap_move(x0, x1, 0x5555_5555, 1);
    swap_move(x2, x3, 0x5555_5555, 1);
    swap_move(x4, x5, 0x5555_5555, 1);
    swap_move(x6, x7, 0x5555_5555, 1);
    swap_move(x0, x2, 0x3333_3333, 2);
    swap_move(x1, x3, 0x3333_3333, 2);
    swap_move(x4, x6, 0x3333_3333, 2);
    swap_move(x5, x7, 0x3333_3333, 2);
    swap_move(x0, x4, 0x0f0f_0f0f, 4);
    swap_move(x1, x5, 0x0f0f_0f0f, 4);
    swap_move(x2, x6, 0x0f0f_0f0f, 4);
    swap_move(x3, x7, 0x0f0f_0f0f, 4);
}

/// Column `c` of `block` as a little-endian word (row `r` in byte `r`).
#[inline(always)]
fn column(block: &Block, c: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&block[4 * c..4 * c + 4]);
    u32::from_le_bytes(w)
}

/// Two blocks into the bitsliced form.
fn pack(b0: &Block, b1: &Block) -> State {
    // Word 2c + k is column c of block k: its lane r holds byte (r, c); transposing each lane
    // puts bit b of that byte at position 2c + k of plane b.
    let mut x = [0u32; 8];
    for c in 0..4 {
        x[2 * c] = column(b0, c);
        x[2 * c + 1] = column(b1, c);
    }
    transpose(&mut x);
    x
}

/// The bitsliced form back into two blocks.
fn unpack(mut x: State, b0: &mut Block, b1: &mut Block) {
    transpose(&mut x);
    for c in 0..4 {
        b0[4 * c..4 * c + 4].copy_from_slice(&x[2 * c].to_le_bytes());
        b1[4 * c..4 * c + 4].copy_from_slice(&x[2 * c + 1].to_le_bytes());
    }
}

/// The AES S-box on every bit position of the planes at once, without the affine constant
/// 0x63 (the caller folds it into the round keys), by the Boyar-Peralta circuit (top linear
/// layer, shared nonlinear core, bottom linear layer). `x[b]` is bit `b` of each byte.
#[inline(always)]
fn sub_bytes_nc(x: &mut State) {
    let (u0, u1, u2, u3, u4, u5, u6, u7) = (x[7], x[6], x[5], x[4], x[3], x[2], x[1], x[0]);
    // Top linear transform.
    let t1 = u0 ^ u3;
    let t2 = u0 ^ u5;
    let t3 = u0 ^ u6;
    let t4 = u3 ^ u5;
    let t5 = u4 ^ u6;
    let t6 = t1 ^ t5;
    let t7 = u1 ^ u2;
    let t8 = u7 ^ t6;
    let t9 = u7 ^ t7;
    let t10 = t6 ^ t7;
    let t11 = u1 ^ u5;
    let t12 = u2 ^ u5;
    let t13 = t3 ^ t4;
    let t14 = t6 ^ t11;
    let t15 = t5 ^ t11;
    let t16 = t5 ^ t12;
    let t17 = t9 ^ t16;
    let t18 = u3 ^ u7;
    let t19 = t7 ^ t18;
    let t20 = t1 ^ t19;
    let t21 = u6 ^ u7;
    let t22 = t7 ^ t21;
    let t23 = t2 ^ t22;
    let t24 = t2 ^ t10;
    let t25 = t20 ^ t17;
    let t26 = t3 ^ t16;
    let t27 = t1 ^ t12;
    // Nonlinear core.
    let m1 = t13 & t6;
    let m2 = t23 & t8;
    let m3 = t14 ^ m1;
    let m4 = t19 & u7;
    let m5 = m4 ^ m1;
    let m6 = t3 & t16;
    let m7 = t22 & t9;
    let m8 = t26 ^ m6;
    let m9 = t20 & t17;
    let m10 = m9 ^ m6;
    let m11 = t1 & t15;
    let m12 = t4 & t27;
    let m13 = m12 ^ m11;
    let m14 = t2 & t10;
    let m15 = m14 ^ m11;
    let m16 = m3 ^ m2;
    let m17 = m5 ^ t24;
    let m18 = m8 ^ m7;
    let m19 = m10 ^ m15;
    let m20 = m16 ^ m13;
    let m21 = m17 ^ m15;
    let m22 = m18 ^ m13;
    let m23 = m19 ^ t25;
    let m24 = m22 ^ m23;
    let m25 = m22 & m20;
    let m26 = m21 ^ m25;
    let m27 = m20 ^ m21;
    let m28 = m23 ^ m25;
    let m29 = m28 & m27;
    let m30 = m26 & m24;
    let m31 = m20 & m23;
    let m32 = m27 & m31;
    let m33 = m27 ^ m25;
    let m34 = m21 & m22;
    let m35 = m24 & m34;
    let m36 = m24 ^ m25;
    let m37 = m21 ^ m29;
    let m38 = m32 ^ m33;
    let m39 = m23 ^ m30;
    let m40 = m35 ^ m36;
    let m41 = m38 ^ m40;
    let m42 = m37 ^ m39;
    let m43 = m37 ^ m38;
    let m44 = m39 ^ m40;
    let m45 = m42 ^ m41;
    let m46 = m44 & t6;
    let m47 = m40 & t8;
    let m48 = m39 & u7;
    let m49 = m43 & t16;
    let m50 = m38 & t9;
    let m51 = m37 & t17;
    let m52 = m42 & t15;
    let m53 = m45 & t27;
    let m54 = m41 & t10;
    let m55 = m44 & t13;
    let m56 = m40 & t23;
    let m57 = m39 & t19;
    let m58 = m43 & t3;
    let m59 = m38 & t22;
    let m60 = m37 & t20;
    let m61 = m42 & t1;
    let m62 = m45 & t4;
    let m63 = m41 & t2;
    // Bottom linear transform.
    let l0 = m61 ^ m62;
    let l1 = m50 ^ m56;
    let l2 = m46 ^ m48;
    let l3 = m47 ^ m55;
    let l4 = m54 ^ m58;
    let l5 = m49 ^ m61;
    let l6 = m62 ^ l5;
    let l7 = m46 ^ l3;
    let l8 = m51 ^ m59;
    let l9 = m52 ^ m53;
    let l10 = m53 ^ l4;
    let l11 = m60 ^ l2;
    let l12 = m48 ^ m51;
    let l13 = m50 ^ l0;
    let l14 = m52 ^ m61;
    let l15 = m55 ^ l1;
    let l16 = m56 ^ l0;
    let l17 = m57 ^ l1;
    let l18 = m58 ^ l8;
    let l19 = m63 ^ l4;
    let l20 = l0 ^ l1;
    let l21 = l1 ^ l7;
    let l22 = l3 ^ l12;
    let l23 = l18 ^ l2;
    let l24 = l15 ^ l9;
    let l25 = l6 ^ l10;
    let l26 = l7 ^ l9;
    let l27 = l8 ^ l10;
    let l28 = l11 ^ l14;
    let l29 = l11 ^ l17;
    // Outputs s0 (bit 7) to s7 (bit 0); s1, s2, s6 and s7 lack their complement (0x63).
    x[7] = l6 ^ l24;
    x[6] = l16 ^ l26;
    x[5] = l19 ^ l28;
    x[4] = l6 ^ l21;
    x[3] = l20 ^ l22;
    x[2] = l25 ^ l29;
    x[1] = l13 ^ l27;
    x[0] = l6 ^ l23;
}

/// ShiftRows: row `r` (byte `r` of each plane) rotates left by `r` columns, i.e. right by
/// `2r` bits inside its byte: first bytes 2 and 3 swap their nibbles (rotation by 4, one
/// masked exchange), then bytes 1 and 3 rotate by 2 more.
#[inline(always)]
fn shift_rows(x: &mut State) {
    unroll8!(I => {
        let mut v = x[I];
        let t = ((v >> 4) ^ v) & 0x0f0f_0000;
        v ^= t ^ (t << 4);
        x[I] = (v & 0x00ff_00ff) | ((v >> 2) & 0x3f00_3f00) | ((v << 6) & 0xc000_c000);
    });
}

/// MixColumns: `out_r = 2(a_r + a_{r+1}) + a_{r+1} + a_{r+2} + a_{r+3}`, where rotating a
/// plane right by 8 bits brings row `r + 1` to row `r`.
#[inline(always)]
fn mix_columns(x: &mut State) {
    let mut t = [0u32; 8];
    unroll8!(B => {
        t[B] = x[B] ^ x[B].rotate_right(8);
    });
    let hi = t[7];
    unroll8!(B => {
        // (2t)_b: t_{b-1}, plus t_7 on the bits of the reduction polynomial 0x1b.
        let doubled = match B {
            0 => hi,
            1 | 3 | 4 => t[B - 1] ^ hi,
            _ => t[B.saturating_sub(1)],
        };
        x[B] = doubled ^ x[B].rotate_right(8) ^ t[B].rotate_right(16);
    });
}

#[inline(always)]
fn add_round_key(x: &mut State, k: &State) {
    unroll8!(I => {
        x[I] ^= k[I];
    });
}

/// SubWord on the four bytes of `w` (little-endian byte order), with the full S-box.
fn sub_word(w: u32) -> u32 {
    // Bit b of byte i goes to plane b, bit i.
    let bytes = w.to_le_bytes();
    let mut planes = [0u32; 8];
    for (b, plane) in planes.iter_mut().enumerate() {
        for (i, byte) in bytes.iter().enumerate() {
            *plane |= u32::from((byte >> b) & 1) << i;
        }
    }
    sub_bytes_nc(&mut planes);
    let mut out = [0u8; 4];
    for (i, o) in out.iter_mut().enumerate() {
        for (b, plane) in planes.iter().enumerate() {
            *o |= (((plane >> i) & 1) as u8) << b;
        }
        *o ^= 0x63;
    }
    planes.zeroize();
    u32::from_le_bytes(out)
}

impl CompactAes {
    /// Expands `key`: 16, 24 or 32 bytes pick AES-128, -192 or -256.
    ///
    /// Returns [`Error::InvalidInput`] for any other length.
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        let nk = match key.len() {
            16 => 4,
            24 => 6,
            32 => 8,
            _ => return Err(Error::InvalidInput),
        };
        let rounds = nk + 6;
        let total = 4 * (rounds + 1);
        let mut w = [0u32; 4 * MAX_ROUND_KEYS];
        for (i, chunk) in key.chunks_exact(4).enumerate() {
            let mut b = [0u8; 4];
            b.copy_from_slice(chunk);
            w[i] = u32::from_le_bytes(b);
        }
        let mut rcon: u32 = 1;
        for i in nk..total {
            let mut temp = w[i - 1];
            if i % nk == 0 {
                temp = sub_word(temp.rotate_right(8)) ^ rcon;
                rcon = (rcon << 1) ^ (0x11b & 0u32.wrapping_sub(rcon >> 7));
            } else if nk > 6 && i % nk == 4 {
                temp = sub_word(temp);
            }
            w[i] = w[i - nk] ^ temp;
        }
        let mut round_keys = [[0u32; 8]; MAX_ROUND_KEYS];
        let mut block = [0u8; 16];
        for (r, rk) in round_keys.iter_mut().enumerate().take(rounds + 1) {
            for c in 0..4 {
                block[4 * c..4 * c + 4].copy_from_slice(&w[4 * r + c].to_le_bytes());
            }
            *rk = pack(&block, &block);
            if r > 0 {
                // The S-box circuit omits the constant 0x63 (bits 0, 1, 5, 6); ShiftRows and
                // MixColumns keep an all-0x63 state as it is, so the next round key adds it.
                for b in [0, 1, 5, 6] {
                    rk[b] = !rk[b];
                }
            }
        }
        block.zeroize();
        w.zeroize();
        Ok(Self { round_keys, rounds })
    }

    /// The key length in bytes (16, 24 or 32).
    pub fn key_len(&self) -> usize {
        4 * (self.rounds - 6)
    }

    /// Encrypts two independent blocks at once (the cost of one).
    pub fn encrypt_pair(&self, b0: &mut Block, b1: &mut Block) {
        let mut x = pack(b0, b1);
        let rks = &self.round_keys[..=self.rounds];
        if let Some((first, rest)) = rks.split_first() {
            add_round_key(&mut x, first);
            if let Some((last, middle)) = rest.split_last() {
                for rk in middle {
                    sub_bytes_nc(&mut x);
                    shift_rows(&mut x);
                    mix_columns(&mut x);
                    add_round_key(&mut x, rk);
                }
                sub_bytes_nc(&mut x);
                shift_rows(&mut x);
                add_round_key(&mut x, last);
            }
        }
        unpack(x, b0, b1);
        x.zeroize();
    }
}

impl BlockEncrypt for CompactAes {
    fn encrypt_block(&mut self, block: &mut Block) -> Result<(), Error> {
        let mut spare = [0u8; 16];
        self.encrypt_pair(block, &mut spare);
        Ok(())
    }

    fn encrypt_blocks(&mut self, blocks: &mut [Block]) -> Result<(), Error> {
        let mut pairs = blocks.chunks_exact_mut(2);
        for pair in &mut pairs {
            if let [b0, b1] = pair {
                self.encrypt_pair(b0, b1);
            }
        }
        for block in pairs.into_remainder() {
            self.encrypt_block(block)?;
        }
        Ok(())
    }
}
