//! The X25519 function (RFC 7748 section 5): a constant-time Montgomery ladder.

use zeroize::Zeroize;

use super::{Fe, Field};

/// The base point's u-coordinate, 9.
const BASE: [u8; 32] = {
    let mut b = [0u8; 32];
    b[0] = 9;
    b
};

/// Clamps a scalar as RFC 7748 decodeScalar25519 does.
fn clamp(k: &[u8; 32]) -> [u8; 32] {
    let mut k = *k;
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    k
}

/// X25519 over the field strategy `F`: `scalar * u` (scalar clamped, bit 255 of `u` masked,
/// non-canonical `u` reduced). Constant time in `scalar` and `u`: the ladder always runs 255
/// steps, swaps with masks, and indexes memory only by the public step counter.
pub fn x25519_with<F: Field>(scalar: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
    let mut k = clamp(scalar);
    let x1 = F::from_bytes(u);
    let mut x2 = F::ONE;
    let mut z2 = F::ZERO;
    let mut x3 = x1;
    let mut z3 = F::ONE;
    let mut swap: u32 = 0;
    for t in (0..255usize).rev() {
        let bit = u32::from((k[t >> 3] >> (t & 7)) & 1);
        // Opaque to the optimizer, so the masked swap cannot become a branch.
        let mask = core::hint::black_box(0u32.wrapping_sub(swap ^ bit));
        F::cswap(&mut x2, &mut x3, mask);
        F::cswap(&mut z2, &mut z3, mask);
        swap = bit;

        let a = x2.add(&z2);
        let aa = a.square();
        let b = x2.sub(&z2);
        let bb = b.square();
        let e = aa.sub(&bb);
        let c = x3.add(&z3);
        let d = x3.sub(&z3);
        let da = d.mul(&a);
        let cb = c.mul(&b);
        x3 = da.add(&cb).square();
        z3 = x1.mul(&da.sub(&cb).square());
        x2 = aa.mul(&bb);
        z2 = e.mul(&aa.add(&e.mul_a24()));
    }
    let mask = core::hint::black_box(0u32.wrapping_sub(swap));
    F::cswap(&mut x2, &mut x3, mask);
    F::cswap(&mut z2, &mut z3, mask);
    let out = x2.mul(&z2.invert()).to_bytes();
    k.zeroize();
    for f in [&mut x2, &mut z2, &mut x3, &mut z3] {
        f.zeroize();
    }
    out
}

/// X25519 with this target's field strategy.
pub fn x25519(scalar: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
    x25519_with::<Fe>(scalar, u)
}

/// `scalar * 9`: the public key of `scalar`.
pub fn x25519_base(scalar: &[u8; 32]) -> [u8; 32] {
    x25519(scalar, &BASE)
}
