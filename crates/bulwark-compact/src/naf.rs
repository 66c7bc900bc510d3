//! Width-`w` non-adjacent forms kept sparse, for the variable-time double-scalar
//! multiplications of signature verification (P-256's and Ed25519's Straus loops).
//!
//! A NAF of a 256-bit scalar has 257 digits but few non-zero ones (any two at least `w`
//! positions apart), so only those are stored, each packed in 16 bits with its position:
//! 86 bytes for a width-6 NAF instead of 257, which matters on a core with a few KiB of stack.
//! The Straus loop runs from the top position down and takes each digit when it reaches its
//! position. Variable time: for public scalars only.

/// The non-zero digits of the width-`W` NAF of a 256-bit integer, lowest position first, each
/// packed as `position << 7 | (digit & 0x7f)` (positions below 512, digits odd with absolute
/// value below `2^(W - 1) <= 64`, so seven signed bits). `N` bounds their number: non-zero
/// digits are at least `W` positions apart within positions `0..=256`, so there are at most
/// `256 / W + 1` (checked at compile time).
pub(crate) struct SparseNaf<const W: u32, const N: usize> {
    entries: [u16; N],
    /// Digits not yet taken: `entries[..len]`.
    len: usize,
}

impl<const W: u32, const N: usize> SparseNaf<W, N> {
    /// Room for every non-zero digit, and digits that fit seven signed bits.
    const FITS: () = assert!(W >= 2 && W <= 7 && N > 256 / W as usize);

    /// The NAF of the little-endian 256-bit integer `k`.
    pub(crate) fn new(k: &[u32; 8]) -> Self {
        let () = Self::FITS;
        let mut naf = Self {
            entries: [0; N],
            len: 0,
        };
        // Scan from the bottom with a pending carry: at an odd window value take the signed
        // digit (value - 2^W when the value is at least 2^(W - 1), carrying 1 into the bits
        // above) and skip the window, whose other bits are then zero; at an even one move on
        // by one bit (carry + bit is 0 or 2: the digit is 0, the carry stays).
        let width = 1u32 << W;
        let mut carry = 0u32;
        let mut pos = 0usize;
        while pos <= 256 {
            let window = carry + bits::<W>(k, pos);
            if window & 1 == 0 {
                pos += 1;
                continue;
            }
            let digit = if window < width / 2 {
                carry = 0;
                window as i32
            } else {
                carry = 1;
                window as i32 - width as i32
            };
            if let Some(e) = naf.entries.get_mut(naf.len) {
                *e = ((pos as u16) << 7) | (digit as u16 & 0x7f);
                naf.len += 1;
            }
            pos += W as usize;
        }
        naf
    }

    /// The highest position holding a digit not yet taken.
    pub(crate) fn top(&self) -> Option<usize> {
        let last = self.entries.get(self.len.checked_sub(1)?)?;
        Some(usize::from(last >> 7))
    }

    /// The digit at position `i` (zero if there is none), taken: a loop over decreasing `i`
    /// sees every digit once.
    pub(crate) fn take(&mut self, i: usize) -> i8 {
        match self.top() {
            Some(top) if top == i => {
                self.len -= 1;
                let e = self.entries[self.len];
                // Sign-extend the low seven bits.
                ((e as u8) << 1) as i8 >> 1
            }
            _ => 0,
        }
    }
}

/// `W` bits of `k` from bit `pos` (zeros past bit 255).
fn bits<const W: u32>(k: &[u32; 8], pos: usize) -> u32 {
    let word = |i: usize| k.get(i).copied().unwrap_or(0);
    let (i, s) = (pos / 32, pos % 32);
    let two = u64::from(word(i)) | (u64::from(word(i + 1)) << 32);
    (two >> s) as u32 & ((1 << W) - 1)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::SparseNaf;

    /// Marsaglia's xorshift64 (shifts 13, 7, 17) from `x`: the tests' reproducible inputs.
    pub(crate) fn xorshift64(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// Rebuilds `k` from the digits (taken from the top) and checks the NAF's shape.
    fn check<const W: u32, const N: usize>(k: &[u32; 8]) {
        let mut naf = SparseNaf::<W, N>::new(k);
        // sum d_i 2^i over 288 bits, as signed 64-bit word sums.
        let mut acc = [0i64; 9];
        let mut last: Option<usize> = None;
        let top = naf.top();
        for i in (0..=256).rev() {
            let d = naf.take(i);
            if d == 0 {
                continue;
            }
            assert!(d % 2 != 0 && i32::from(d).abs() < 1 << (W - 1), "digit {d}");
            if let Some(l) = last {
                assert!(l - i >= W as usize, "digits at {l} and {i}");
            } else {
                assert_eq!(top, Some(i));
            }
            last = Some(i);
            acc[i / 32] += i64::from(d) << (i % 32);
        }
        assert_eq!(naf.top(), None);
        let mut c = 0i64;
        for (i, a) in acc.iter().enumerate() {
            c += a;
            let want = k.get(i).copied().unwrap_or(0);
            assert_eq!(c as u32, want, "word {i}");
            c >>= 32;
        }
        assert_eq!(c, 0);
    }

    #[test]
    fn naf_rebuilds_and_is_sparse() {
        let mut next = xorshift64(0x1234_5678_9abc_def0);
        // Zero, all ones, one, alternating bits (the densest NAFs), a top bit alone, Ed25519's
        // L - 1 and 2^253 - 1.
        let fixed = [
            [0u32; 8],
            [u32::MAX; 8],
            [1, 0, 0, 0, 0, 0, 0, 0],
            [0xaaaa_aaab; 8],
            [0x5555_5555; 8],
            [0, 0, 0, 0, 0, 0, 0, 0x8000_0000],
            [
                0x5cf5_d3ec,
                0x5812_631a,
                0xa2f7_9cd6,
                0x14de_f9de,
                0,
                0,
                0,
                0x1000_0000,
            ],
            {
                let mut k = [u32::MAX; 8];
                k[7] = 0x1fff_ffff;
                k
            },
        ];
        for n in 0..508 {
            let k = fixed
                .get(n)
                .copied()
                .unwrap_or_else(|| core::array::from_fn(|_| next() as u32));
            check::<4, 65>(&k);
            check::<5, 52>(&k);
            check::<6, 43>(&k);
        }
    }
}
