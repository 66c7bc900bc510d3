//! Scalars modulo the Ed25519 group order L, for verification only (every scalar there is
//! public, so these routines may take time that depends on their values).

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

/// Sixteen 16-bit digits in `u32`s, little-endian.
type Wide = [u32; 17];

fn to_digits(b: &[u8; 32]) -> Wide {
    let mut d = [0u32; 17];
    for i in 0..16 {
        d[i] = u32::from(b[2 * i]) | (u32::from(b[2 * i + 1]) << 8);
    }
    d
}

/// `a >= b` for normalized digits.
fn geq(a: &Wide, b: &Wide) -> bool {
    for i in (0..17).rev() {
        if a[i] != b[i] {
            return a[i] > b[i];
        }
    }
    true
}

fn sub_in_place(a: &mut Wide, b: &Wide) {
    let mut borrow = 0u32;
    for i in 0..17 {
        let v = a[i].wrapping_sub(b[i]).wrapping_sub(borrow);
        a[i] = v & 0xffff;
        borrow = (v >> 16) & 1;
    }
}

/// A 64-byte little-endian number (a SHA-512 digest) modulo L, bit by bit from the top:
/// `r = 2r + bit`, minus L when that reaches L.
pub(super) fn reduce_wide(h: &[u8; 64]) -> [u8; 32] {
    let l = to_digits(&L);
    let mut r = [0u32; 17];
    for bit in (0..512).rev() {
        let mut carry = u32::from((h[bit >> 3] >> (bit & 7)) & 1);
        for d in r.iter_mut() {
            let v = (*d << 1) | carry;
            *d = v & 0xffff;
            carry = v >> 16;
        }
        if geq(&r, &l) {
            sub_in_place(&mut r, &l);
        }
    }
    let mut out = [0u8; 32];
    for i in 0..16 {
        out[2 * i] = r[i] as u8;
        out[2 * i + 1] = (r[i] >> 8) as u8;
    }
    out
}

/// The width-`w` non-adjacent form of a scalar below 2^253: 256 signed digits, each zero or
/// odd with absolute value below 2^(w - 1), no two nonzero within `w` positions.
pub(super) fn wnaf(s: &[u8; 32], w: u32) -> [i8; 256] {
    let mut k = [0u32; 9];
    for i in 0..8 {
        k[i] = u32::from_le_bytes([s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]]);
    }
    let mut naf = [0i8; 256];
    let window = 1u32 << w;
    for digit in naf.iter_mut() {
        if k.iter().all(|&x| x == 0) {
            break;
        }
        if k[0] & 1 == 1 {
            let m = k[0] & (window - 1);
            if m >= window / 2 {
                // digit m - 2^w < 0: k += 2^w - m.
                *digit = (m as i32 - window as i32) as i8;
                let mut c = u64::from(window - m);
                for x in k.iter_mut() {
                    c += u64::from(*x);
                    *x = c as u32;
                    c >>= 32;
                }
            } else {
                *digit = m as i8;
                k[0] -= m;
            }
        }
        // k >>= 1
        for i in 0..9 {
            let next = if i < 8 { k[i + 1] << 31 } else { 0 };
            k[i] = (k[i] >> 1) | next;
        }
    }
    naf
}
