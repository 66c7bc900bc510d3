//! Scalars modulo the Ed25519 group order L. The verification routines (`reduce_wide`,
//! `is_canonical`; the NAFs are `crate::naf`'s) see only public values and may take
//! value-dependent time; the signing ones (`*_ct`) handle secrets and run in constant time (masks, no secret branch or
//! index).

/// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
pub(super) const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// Whether the little-endian `s` is below L (a canonical scalar).
pub(super) fn is_canonical(s: &[u8; 32]) -> bool {
    for i in (0..32).rev() {
        if s[i] != L[i] {
            return s[i] < L[i];
        }
    }
    false
}

/// L as eight 32-bit limbs.
const L32: [u32; 8] = {
    let mut l = [0u32; 8];
    let mut i = 0;
    while i < 8 {
        l[i] = u32::from_le_bytes([L[4 * i], L[4 * i + 1], L[4 * i + 2], L[4 * i + 3]]);
        i += 1;
    }
    l
};

/// A 64-byte little-endian number (a SHA-512 digest) modulo L, bit by bit from the top:
/// `r = 2r + bit`, minus L when that reaches L (so `r < L < 2^253` always fits eight limbs).
pub(super) fn reduce_wide(h: &[u8; 64]) -> [u8; 32] {
    let mut r = [0u32; 8];
    for bit in (0..512).rev() {
        shift_in(&mut r, h, bit);
        if !less_than_l(&r) {
            let mut borrow = 0u64;
            for (x, l) in r.iter_mut().zip(L32) {
                let v = u64::from(*x)
                    .wrapping_sub(u64::from(l))
                    .wrapping_sub(borrow);
                *x = v as u32;
                borrow = (v >> 63) & 1;
            }
        }
    }
    to_bytes(&r)
}

/// `r = 2r + bit` of `h` (bit `bit`, little-endian), the step of both reductions.
fn shift_in(r: &mut [u32; 8], h: &[u8; 64], bit: usize) {
    let mut carry = u32::from((h[bit >> 3] >> (bit & 7)) & 1);
    for x in r.iter_mut() {
        let top = *x >> 31;
        *x = (*x << 1) | carry;
        carry = top;
    }
}

/// Eight little-endian limbs as 32 little-endian bytes.
fn to_bytes(r: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, x) in out.chunks_exact_mut(4).zip(r) {
        o.copy_from_slice(&x.to_le_bytes());
    }
    out
}

fn less_than_l(r: &[u32; 8]) -> bool {
    for i in (0..8).rev() {
        if r[i] != L32[i] {
            return r[i] < L32[i];
        }
    }
    false
}

/// A 64-byte little-endian number modulo L in constant time: the same bit-serial reduction as
/// [`reduce_wide`], with the subtraction of L always computed and kept by a mask.
pub(super) fn reduce_wide_ct(h: &[u8; 64]) -> [u8; 32] {
    let mut r = [0u32; 8];
    for bit in (0..512).rev() {
        shift_in(&mut r, h, bit);
        let mut t = [0u32; 8];
        let mut borrow = 0u32;
        for ((d, x), l) in t.iter_mut().zip(r).zip(L32) {
            let v = x.wrapping_sub(l).wrapping_sub(borrow);
            // The borrow out of x - l - borrow, by bit logic (no comparison for a compiler to
            // turn into a branch or conditional move).
            borrow = ((!x & l) | (!(x ^ l) & v)) >> 31;
            *d = v;
        }
        // No borrow: r >= L, keep r - L. The mask goes through `black_box` so the compiler
        // cannot see it is 0 or all ones and turn the masked select into a branch (it does
        // so on x86-64 without it).
        let keep = core::hint::black_box(borrow.wrapping_sub(1));
        for (x, d) in r.iter_mut().zip(t) {
            *x = (d & keep) | (*x & !keep);
        }
    }
    to_bytes(&r)
}

/// `(k a + r) mod L` in constant time (for `S = r + k a` in signing): a 16-bit-digit product
/// (16x16 -> 32 bit partial products), then [`reduce_wide_ct`].
pub(super) fn mul_add_ct(k: &[u8; 32], a: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    let digit = |s: &[u8; 32], i: usize| u32::from(s[2 * i]) | (u32::from(s[2 * i + 1]) << 8);
    let mut wide = [0u8; 64];
    let mut acc: u64 = 0;
    for col in 0..32usize {
        for i in col.saturating_sub(15)..=col.min(15) {
            acc += u64::from(digit(k, i) * digit(a, col - i));
        }
        if col < 16 {
            acc += u64::from(digit(r, col));
        }
        wide[2 * col] = acc as u8;
        wide[2 * col + 1] = (acc >> 8) as u8;
        acc >>= 16;
    }
    let out = reduce_wide_ct(&wide);
    zeroize::Zeroize::zeroize(&mut wide);
    out
}

/// The signed radix-16 digits of a scalar below 2^255: 64 digits in `-8..=8` with
/// `s = sum d[i] 16^i`, recoded without branches.
pub(super) fn radix16_ct(s: &[u8; 32]) -> [i8; 64] {
    let mut e = [0i8; 64];
    for (i, b) in s.iter().enumerate() {
        e[2 * i] = (b & 15) as i8;
        e[2 * i + 1] = (b >> 4) as i8;
    }
    let mut carry = 0i8;
    for d in e.iter_mut().take(63) {
        *d += carry;
        carry = (*d + 8) >> 4;
        *d -= carry << 4;
    }
    e[63] += carry;
    e
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index arithmetic mirrors the math
mod tests {
    use super::{L, is_canonical, mul_add_ct, radix16_ct, reduce_wide, reduce_wide_ct};

    #[test]
    fn reduce_wide_edges() {
        let mut h = [0u8; 64];
        h[..32].copy_from_slice(&L);
        assert_eq!(reduce_wide(&h), [0; 32]);
        h[0] += 1;
        let mut one = [0u8; 32];
        one[0] = 1;
        assert_eq!(reduce_wide(&h), one);
        // 2^512 - 1 mod L, computed independently.
        let want: [u8; 32] = [
            0x00, 0x0f, 0x9c, 0x44, 0xe3, 0x11, 0x06, 0xa4, 0x47, 0x93, 0x85, 0x68, 0xa7, 0x1b,
            0x0e, 0xd0, 0x65, 0xbe, 0xf5, 0x17, 0xd2, 0x73, 0xec, 0xce, 0x3d, 0x9a, 0x30, 0x7c,
            0x1b, 0x41, 0x99, 0x03,
        ];
        assert_eq!(reduce_wide(&[0xff; 64]), want);
        assert!(is_canonical(&want) && !is_canonical(&L));
    }

    #[test]
    fn constant_time_scalar_routines_agree() {
        let mut xorshift = crate::naf::tests::xorshift64(0x0bad_cafe_f00d_1234);
        let mut next = || xorshift() as u8;
        for n in 0..200 {
            let h: [u8; 64] = core::array::from_fn(|_| next());
            let h = if n == 0 { [0xff; 64] } else { h };
            assert_eq!(reduce_wide_ct(&h), reduce_wide(&h), "{n}");
            // (k a + r) mod L against the wide product computed bytewise.
            let k = reduce_wide(&h);
            let mut a: [u8; 32] = core::array::from_fn(|_| next());
            a[31] &= 0x7f;
            let r = reduce_wide(&core::array::from_fn(|_| next()));
            let mut wide = [0u32; 65];
            for i in 0..32 {
                for j in 0..32 {
                    wide[i + j] += u32::from(k[i]) * u32::from(a[j]);
                }
                wide[i] += u32::from(r[i]);
            }
            let mut bytes = [0u8; 64];
            let mut c = 0u32;
            for i in 0..64 {
                c += wide[i];
                bytes[i] = c as u8;
                c >>= 8;
            }
            assert_eq!(mul_add_ct(&k, &a, &r), reduce_wide(&bytes), "{n}");
            // Signed radix 16 rebuilds the scalar, digits in -8..=8.
            let e = radix16_ct(&a);
            let mut acc = [0i32; 33];
            for (i, &d) in e.iter().enumerate() {
                assert!((-8..=8).contains(&d));
                acc[i / 2] += i32::from(d) << (4 * (i % 2));
            }
            let mut c = 0i32;
            for i in 0..32 {
                c += acc[i];
                assert_eq!((c & 0xff) as u8, a[i], "{n}");
                c >>= 8;
            }
        }
    }
}
