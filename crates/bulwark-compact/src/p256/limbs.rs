//! 256-bit integers as eight little-endian 32-bit words: carries, constant-time selection and
//! the 256x256 -> 512-bit product from 16x16 -> 32-bit partial products (the only multiply a
//! Cortex-M0 has that gives a whole product).

/// A 256-bit integer, least significant word first.
pub type U256 = [u32; 8];

/// `a + b`, and the carry out (0 or 1).
#[inline(always)]
pub fn add(a: &U256, b: &U256) -> (U256, u32) {
    let mut r = [0u32; 8];
    let mut carry = 0u64;
    for i in 0..8 {
        carry += u64::from(a[i]) + u64::from(b[i]);
        r[i] = carry as u32;
        carry >>= 32;
    }
    (r, carry as u32)
}

/// `a - b`, and the borrow out (0 or 1).
#[inline(always)]
pub fn sub(a: &U256, b: &U256) -> (U256, u32) {
    let mut r = [0u32; 8];
    let mut borrow = 0i64;
    for i in 0..8 {
        borrow += i64::from(a[i]) - i64::from(b[i]);
        r[i] = borrow as u32;
        borrow >>= 32;
    }
    (r, (borrow as u32) & 1)
}

/// `a` if `mask` is all ones, `b` if it is zero.
#[inline(always)]
pub fn select(mask: u32, a: &U256, b: &U256) -> U256 {
    let mut r = [0u32; 8];
    for i in 0..8 {
        r[i] = b[i] ^ (mask & (a[i] ^ b[i]));
    }
    r
}

/// All ones if `a` is zero, else zero (constant time).
#[inline(always)]
pub fn is_zero_mask(a: &U256) -> u32 {
    let mut acc = 0u32;
    for w in a {
        acc |= w;
    }
    // (acc | -acc) has its top bit set iff acc != 0.
    ((acc | acc.wrapping_neg()) >> 31).wrapping_sub(1)
}

/// All ones if `a < b`, else zero (constant time).
#[inline(always)]
pub fn lt_mask(a: &U256, b: &U256) -> u32 {
    let (_, borrow) = sub(a, b);
    0u32.wrapping_sub(borrow)
}

/// A 32-byte big-endian encoding as a 256-bit integer.
pub fn from_be_bytes(bytes: &[u8; 32]) -> U256 {
    let mut r = [0u32; 8];
    for (i, w) in r.iter_mut().enumerate() {
        let o = 28 - 4 * i;
        *w = u32::from_be_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
    }
    r
}

/// The 32-byte big-endian encoding of `a`.
pub fn to_be_bytes(a: &U256) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, w) in a.iter().enumerate() {
        let o = 28 - 4 * i;
        out[o..o + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// The sixteen 16-bit digits of `a`, least significant first.
#[inline(always)]
fn digits(a: &U256) -> [u32; 16] {
    let mut d = [0u32; 16];
    for i in 0..8 {
        d[2 * i] = a[i] & 0xffff;
        d[2 * i + 1] = a[i] >> 16;
    }
    d
}

/// Stores column `k`'s accumulated sum and moves the accumulator on by 16 bits.
#[inline(always)]
fn emit(k: usize, acc: &mut u64, low: &mut u32, out: &mut [u32; 16]) {
    if k.is_multiple_of(2) {
        *low = (*acc as u32) & 0xffff;
    } else {
        out[k / 2] = *low | ((*acc as u32) << 16);
    }
    *acc >>= 16;
}

/// The 512-bit product `a * b`, by product scanning over 16-bit digits: each column is a sum
/// of 16x16 -> 32-bit products (one `MULS` each) in a 64-bit accumulator.
pub fn mul_wide(a: &U256, b: &U256) -> [u32; 16] {
    let x = digits(a);
    let y = digits(b);
    let mut out = [0u32; 16];
    let mut acc = 0u64;
    let mut low = 0u32;
    for k in 0..31usize {
        let lo = k.saturating_sub(15);
        let hi = k.min(15);
        for (xi, yj) in x[lo..=hi].iter().zip(y[k - hi..=k - lo].iter().rev()) {
            acc += u64::from(xi.wrapping_mul(*yj));
        }
        emit(k, &mut acc, &mut low, &mut out);
    }
    out[15] = low | ((acc as u32) << 16);
    out
}

/// The 512-bit square `a * a`: each cross product once, doubled, plus the diagonal (136
/// partial products instead of 256).
pub fn sqr_wide(a: &U256) -> [u32; 16] {
    let x = digits(a);
    let mut out = [0u32; 16];
    let mut acc = 0u64;
    let mut low = 0u32;
    for k in 0..31usize {
        let lo = k.saturating_sub(15);
        // Cross products x[i] * x[k - i] with i < k - i.
        let hi = k.div_ceil(2);
        let mut cross = 0u64;
        if hi > lo {
            for (xi, xj) in x[lo..hi].iter().zip(x[k + 1 - hi..=k - lo].iter().rev()) {
                cross += u64::from(xi.wrapping_mul(*xj));
            }
        }
        acc += cross << 1;
        if k.is_multiple_of(2) {
            let d = x[k / 2];
            acc += u64::from(d.wrapping_mul(d));
        }
        emit(k, &mut acc, &mut low, &mut out);
    }
    out[15] = low | ((acc as u32) << 16);
    out
}
