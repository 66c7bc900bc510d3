//! GF(2^255 - 19) in radix 2^32: eight 32-bit limbs, for cores with a 32x32 -> 64 bit multiply
//! (Cortex-M3/M4 `UMULL`/`UMAAL`, RV32IM `MUL`/`MULHU`, every 64-bit host).
//!
//! Products are `u64`; `a * b + t + c` never exceeds 2^64 - 1, the shape of `UMAAL`. Reduction
//! and the linear operations fold bits 255 and up of the top limb (times 19) into limb 0
//! before their single carry pass, as in [`super::Fe16`].
//!
//! Invariant: every element is eight limbs, a value below 2^256 (not necessarily reduced mod
//! p); [`Fe32::to_bytes`] reduces canonically.

use super::{Field, fe32_gen};

/// Eight little-endian 32-bit limbs.
pub(super) type Limbs = [u32; 8];

/// Widens a limb.
#[inline(always)]
pub(super) fn w(x: u32) -> u64 {
    u64::from(x)
}

/// `t[0..8] + 38 * t[8..16]`, folded below 2^256 in one carry pass.
///
/// Written out word by word and returned as one array expression: at opt-level "s" a loop
/// over a zeroed `[u32; 8]` stayed a loop behind a `memset` call (RV32: about 40 of each
/// product's instructions).
#[inline(always)]
pub(super) fn reduce_wide(t: &[u32; 16]) -> Limbs {
    let s7 = w(t[7]) + 38 * w(t[15]);
    let mut c = 19 * (s7 >> 31);
    let mut word = |k: usize| {
        c += w(t[k]) + 38 * w(t[k + 8]);
        let r = c as u32;
        c >>= 32;
        r
    };
    let (r0, r1, r2, r3) = (word(0), word(1), word(2), word(3));
    let (r4, r5, r6) = (word(4), word(5), word(6));
    [r0, r1, r2, r3, r4, r5, r6, ((s7 & 0x7fff_ffff) + c) as u32]
}

/// Adds `small` (below 2^32 - 2^31) to `r` with bit 255 already clear.
#[inline(always)]
fn add_small(r: &mut Limbs, small: u32) {
    let mut c = w(small);
    for x in r.iter_mut() {
        c += w(*x);
        *x = c as u32;
        c >>= 32;
    }
}

/// An element of GF(2^255 - 19) in radix 2^32.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fe32(pub(super) Limbs);

impl zeroize::Zeroize for Fe32 {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Field for Fe32 {
    const ZERO: Self = Self([0; 8]);
    const ONE: Self = Self([1, 0, 0, 0, 0, 0, 0, 0]);

    fn from_bytes(bytes: &[u8; 32]) -> Self {
        let mut l = [0u32; 8];
        for (x, c) in l.iter_mut().zip(bytes.chunks_exact(4)) {
            *x = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        l[7] &= 0x7fff_ffff;
        Self(l)
    }

    fn to_bytes(&self) -> [u8; 32] {
        let mut r = self.0;
        let top = r[7] >> 31;
        r[7] &= 0x7fff_ffff;
        add_small(&mut r, 19 * top);
        // Below 2^255 + 19. r >= p exactly when r + 19 reaches 2^255: q is that bit, found by
        // the carry chain alone; then r + 19 q with bit 255 cleared is r - q p. Arithmetic
        // only: no select for a compiler to turn into a branch or conditional move.
        let mut c = 19u64;
        for x in &r[..7] {
            c = (c + w(*x)) >> 32;
        }
        let q = core::hint::black_box(((c + w(r[7])) >> 31) as u32);
        add_small(&mut r, 19 * q);
        r[7] &= 0x7fff_ffff;
        let mut out = [0u8; 32];
        for (o, x) in out.chunks_exact_mut(4).zip(r) {
            o.copy_from_slice(&x.to_le_bytes());
        }
        out
    }

    #[cfg(not(all(target_arch = "arm", bulwark_umaal)))]
    fn add(&self, b: &Self) -> Self {
        Self(fe32_gen::add(&self.0, &b.0))
    }

    #[cfg(not(all(target_arch = "arm", bulwark_umaal)))]
    fn sub(&self, b: &Self) -> Self {
        Self(fe32_gen::sub(&self.0, &b.0))
    }

    #[cfg(all(target_arch = "arm", bulwark_umaal))]
    fn add(&self, b: &Self) -> Self {
        Self(crate::umaal_gen::add_25519(&self.0, &b.0))
    }

    #[cfg(all(target_arch = "arm", bulwark_umaal))]
    fn sub(&self, b: &Self) -> Self {
        Self(crate::umaal_gen::sub_25519(&self.0, &b.0))
    }

    #[cfg(not(all(target_arch = "arm", bulwark_umaal)))]
    fn mul(&self, b: &Self) -> Self {
        Self(fe32_gen::mul(&self.0, &b.0))
    }

    #[cfg(not(all(target_arch = "arm", bulwark_umaal)))]
    fn square(&self) -> Self {
        Self(fe32_gen::square(&self.0))
    }

    #[cfg(all(target_arch = "arm", bulwark_umaal))]
    fn mul(&self, b: &Self) -> Self {
        Self(crate::umaal_gen::mul_25519(&self.0, &b.0))
    }

    #[cfg(all(target_arch = "arm", bulwark_umaal))]
    fn square(&self) -> Self {
        Self(crate::umaal_gen::sqr_25519(&self.0))
    }

    fn mul_a24(&self) -> Self {
        Self(fe32_gen::mul_a24(&self.0))
    }

    #[inline(always)]
    fn cswap(a: &mut Self, b: &mut Self, mask: u32) {
        for i in 0..8 {
            let t = mask & (a.0[i] ^ b.0[i]);
            a.0[i] ^= t;
            b.0[i] ^= t;
        }
    }
}
