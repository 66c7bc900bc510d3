//! Field and ladder unit tests, run for every limb strategy on the host.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate std;

use super::{Fe16, Fe32, Field, x25519_with};
use bulwark_api::Rng as _;
use bulwark_testkit::rng::DeterministicTestRng;
use std::{vec, vec::Vec};

/// 32 bytes from the testkit's SplitMix64 generator.
fn bytes(rng: &mut DeterministicTestRng) -> [u8; 32] {
    let mut b = [0u8; 32];
    rng.fill_bytes(&mut b).unwrap();
    b
}

/// p = 2^255 - 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// The little-endian 32-bit limbs of `b`.
fn limbs32(b: &[u8; 32]) -> [u32; 8] {
    core::array::from_fn(|i| {
        u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
    })
}

fn le(v: u64) -> [u8; 32] {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&v.to_le_bytes());
    b
}

/// Edge inputs: 0, 1, p - 1, p, p + 1, 2^255 - 1, values with every digit at its maximum
/// (the non-canonical encodings are read with bit 255 masked).
fn edges() -> Vec<[u8; 32]> {
    let mut v = vec![le(0), le(1), le(2), le(19), le(38), [0xff; 32]];
    for d in [-1i32, 0, 1, 2, 18, 19] {
        let mut x = P;
        let lo = i32::from(x[0]) + d;
        x[0] = lo as u8;
        v.push(x);
    }
    v
}

/// An element whose digits are all at the top of the invariant (value 2^256 - 1, not canonical).
fn max16() -> Fe16 {
    Fe16([0xffff; 16])
}

fn check_field<F: Field + core::fmt::Debug>(extra: &[F]) {
    let mut rng = DeterministicTestRng::new(0x0123_4567_89ab_cdef);
    let mut elems: Vec<F> = edges().iter().map(F::from_bytes).collect();
    elems.extend_from_slice(extra);
    for _ in 0..200 {
        elems.push(F::from_bytes(&bytes(&mut rng)));
    }
    let one = F::ONE.to_bytes();
    let a24 = F::from_bytes(&le(121_665));
    for (i, a) in elems.iter().enumerate() {
        let b = &elems[(i * 7 + 3) % elems.len()];
        assert_eq!(a.square().to_bytes(), a.mul(a).to_bytes(), "square {i}");
        assert_eq!(a.add(b).sub(b).to_bytes(), a.to_bytes(), "add/sub {i}");
        assert_eq!(a.sub(b).add(b).to_bytes(), a.to_bytes(), "sub/add {i}");
        assert_eq!(a.mul(b).to_bytes(), b.mul(a).to_bytes(), "commutes {i}");
        assert_eq!(a.mul_a24().to_bytes(), a.mul(&a24).to_bytes(), "a24 {i}");
        // (a + b)^2 = a^2 + 2ab + b^2
        let lhs = a.add(b).square();
        let ab = a.mul(b);
        let rhs = a.square().add(&ab).add(&ab).add(&b.square());
        assert_eq!(lhs.to_bytes(), rhs.to_bytes(), "binomial {i}");
        let enc = a.to_bytes();
        assert!(enc[31] < 0x80);
        assert_eq!(F::from_bytes(&enc).to_bytes(), enc, "round trip {i}");
        if enc != [0; 32] {
            assert_eq!(a.mul(&a.invert()).to_bytes(), one, "inverse {i}");
        } else {
            assert_eq!(a.invert().to_bytes(), [0; 32]);
        }
    }
    // Canonical reduction of p - 1, p, p + 1, 2^255 - 1.
    let pm1 = {
        let mut x = P;
        x[0] -= 1;
        x
    };
    assert_eq!(F::from_bytes(&pm1).to_bytes(), pm1);
    assert_eq!(F::from_bytes(&P).to_bytes(), [0; 32]);
    let mut pp1 = P;
    pp1[0] += 1;
    assert_eq!(F::from_bytes(&pp1).to_bytes(), le(1));
    assert_eq!(F::from_bytes(&[0xff; 32]).to_bytes(), le(18));
    // (p - 1)^2 = 1, (p - 1) + 1 = 0, 0 - 1 = p - 1.
    let m1 = F::from_bytes(&pm1);
    assert_eq!(m1.square().to_bytes(), one);
    assert_eq!(m1.add(&F::ONE).to_bytes(), [0; 32]);
    assert_eq!(F::ZERO.sub(&F::ONE).to_bytes(), pm1);
}

#[test]
fn fe16_field_laws() {
    let top = max16();
    check_field::<Fe16>(&[top, top.add(&top), top.square()]);
    // 2^256 - 1 = 2^255 - 1 + 2^255 = (18) + (19) = 37 mod p.
    assert_eq!(top.to_bytes(), le(37));
    assert_eq!(top.mul(&top).to_bytes(), le(37 * 37));
    assert_eq!(top.sub(&top).to_bytes(), [0; 32]);
    assert_eq!(Fe16::ZERO.sub(&top).add(&le_fe(37)).to_bytes(), [0; 32]);
}

fn le_fe(v: u64) -> Fe16 {
    Fe16::from_bytes(&le(v))
}

/// RFC 7748 section 5.2, the first function vector, with limb strategy `F`.
fn check_rfc7748_function_vector<F: Field>() {
    let k = hex32("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    let u = hex32("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    let out = hex32("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    assert_eq!(x25519_with::<F>(&k, &u), out);
}

#[test]
fn fe16_rfc7748_function_vector() {
    check_rfc7748_function_vector::<Fe16>();
}

pub(crate) fn hex32(s: &str) -> [u8; 32] {
    bulwark_testkit::hex::decode(s).try_into().unwrap()
}

#[test]
fn fe32_field_laws() {
    let top = Fe32([u32::MAX; 8]);
    check_field::<Fe32>(&[top, top.add(&top), top.square()]);
    assert_eq!(top.to_bytes(), le(37));
    assert_eq!(top.mul(&top).to_bytes(), le(37 * 37));
    assert_eq!(top.square().to_bytes(), le(37 * 37));
    assert_eq!(top.sub(&top).to_bytes(), [0; 32]);
    assert_eq!(top.mul_a24().to_bytes(), le(37 * 121_665));
}

#[test]
fn fe32_rfc7748_function_vector() {
    check_rfc7748_function_vector::<Fe32>();
}

/// Both strategies agree on every operation for unreduced inputs: digits/limbs anywhere in
/// their range (values up to 2^256 - 1), the same value in both representations.
#[test]
fn fe16_and_fe32_agree_on_unreduced_inputs() {
    let mut rng = DeterministicTestRng::new(0xfeed_f00d_1234_5678);
    let to16 = |b: &[u8; 32]| {
        let mut d = [0u16; 16];
        for (i, x) in d.iter_mut().enumerate() {
            *x = u16::from_le_bytes([b[2 * i], b[2 * i + 1]]);
        }
        Fe16(d)
    };
    let to32 = |b: &[u8; 32]| Fe32(limbs32(b));
    let mut inputs = vec![[0xffu8; 32], [0u8; 32]];
    for _ in 0..2000 {
        let mut b = bytes(&mut rng);
        // Bias some toward all-ones digits, the carry worst case.
        if rng.next_u64().is_multiple_of(3) {
            for x in b.iter_mut().skip((rng.next_u64() % 32) as usize) {
                *x = 0xff;
            }
        }
        inputs.push(b);
    }
    for (i, x) in inputs.iter().enumerate() {
        let y = &inputs[(i * 13 + 1) % inputs.len()];
        let (a16, b16, a32, b32) = (to16(x), to16(y), to32(x), to32(y));
        // (What is checked, the Fe16 result, the Fe32 result.)
        let results = [
            ("value", a16.to_bytes(), a32.to_bytes()),
            ("mul", a16.mul(&b16).to_bytes(), a32.mul(&b32).to_bytes()),
            ("square", a16.square().to_bytes(), a32.square().to_bytes()),
            ("add", a16.add(&b16).to_bytes(), a32.add(&b32).to_bytes()),
            ("sub", a16.sub(&b16).to_bytes(), a32.sub(&b32).to_bytes()),
            ("a24", a16.mul_a24().to_bytes(), a32.mul_a24().to_bytes()),
            (
                "fe32 square",
                a32.square().to_bytes(),
                a32.mul(&a32).to_bytes(),
            ),
        ];
        for (op, r16, r32) in results {
            assert_eq!(r16, r32, "{op} {i}");
        }
        // Results keep the invariant: chained operations stay exact.
        let c16 = a16.mul(&b16).add(&a16).sub(&b16).square().mul_a24();
        let c32 = a32.mul(&b32).add(&a32).sub(&b32).square().mul_a24();
        assert_eq!(c16.to_bytes(), c32.to_bytes(), "chain {i}");
    }
}

/// The algorithm of the ARMv7E-M `umaal_gen::add_25519` and `sub_25519` in Rust: one carry
/// (borrow) chain over the words, its carry (the value's 2^256 = 38 mod p) times 38 folded
/// back with a second chain, whose own carry only reaches word 0.
fn linear_fold38(a: &[u32; 8], b: &[u32; 8], sub: bool) -> [u32; 8] {
    let mut r = [0u32; 8];
    let mut c = 0i64;
    for k in 0..8 {
        let y = i64::from(b[k]);
        let s = i64::from(a[k]) + if sub { -y } else { y } + c;
        r[k] = s as u32;
        c = s >> 32;
    }
    let mut d = 38 * c;
    for x in r.iter_mut() {
        let s = i64::from(*x) + d;
        *x = s as u32;
        d = s >> 32;
    }
    r[0] = (i64::from(r[0]) + 38 * d) as u32;
    r
}

/// The assembly addition's and subtraction's algorithm agrees with the portable `Fe32` ones
/// (on ARMv7E-M the assembly itself is checked by `tools/gen_umaal.py --check` and the
/// on-target conformance and differential runs), on random values and on the ones that take
/// each fold.
#[test]
fn fold38_linear_ops_agree_with_fe32() {
    let mut rng = DeterministicTestRng::new(0x2551_9385_0000_0001);
    let top = [u32::MAX; 8];
    let mut inputs = vec![top, [0; 8], [38, 0, 0, 0, 0, 0, 0, 0], [u32::MAX - 37; 8]];
    // p and 2^256 - 38: all-ones limbs between the given lowest and highest.
    for (low, high) in [(0xffff_ffed, 0x7fff_ffff), (u32::MAX - 37, u32::MAX)] {
        let mut l = [u32::MAX; 8];
        l[0] = low;
        l[7] = high;
        inputs.push(l);
    }
    for _ in 0..500 {
        inputs.push(limbs32(&bytes(&mut rng)));
    }
    for (i, x) in inputs.iter().enumerate() {
        for (j, y) in inputs.iter().enumerate().take(40) {
            let (a, b) = (Fe32(*x), Fe32(*y));
            let add = Fe32(linear_fold38(x, y, false));
            let sub = Fe32(linear_fold38(x, y, true));
            assert_eq!(add.to_bytes(), a.add(&b).to_bytes(), "add {i} {j}");
            assert_eq!(sub.to_bytes(), a.sub(&b).to_bytes(), "sub {i} {j}");
        }
    }
}
