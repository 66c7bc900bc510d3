//! X25519 on the compact backend: the backend-generic conformance checks (RFC 7748, every
//! Wycheproof record, negative cases, a full exchange) and a seeded differential test against
//! x25519-dalek with edge inputs.
//!
//! The differential test runs 2,000 random cases in debug builds and 100,000 in release builds
//! (`cargo test -p bulwark-compact --release --test x25519`); the environment variable
//! `BULWARK_COMPACT_DIFF_CASES` overrides the count either way.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use bulwark_api::{
    SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, X25519},
};
use bulwark_compact::{
    Compact,
    curve25519::{Fe16, Fe32, Field, x25519_with},
};
use bulwark_conformance::{DeterministicTestRng, kex};
use bulwark_soft::Soft;
use common::show;

#[test]
fn x25519_vectors() {
    let mut k = Compact;
    let r = show(kex::x25519_wycheproof(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (518, 487, 31));
    assert_eq!(show(kex::x25519_rfc7748(&mut k)).checked, 3);
    assert_eq!(show(kex::x25519_rfc7748_iterated(&mut k)).checked, 2);
    show(kex::x25519_negative(&mut k));
}

#[test]
fn x25519_exchange_and_interop_with_soft() {
    show(kex::x25519_exchange(&mut Compact, &mut Soft));
    // Keys made by one backend agree with the other's.
    let mut rng = DeterministicTestRng::new(5);
    for _ in 0..16 {
        let a = KeyAgreement::<X25519>::generate_static(&mut Compact, &mut rng).unwrap();
        let b = KeyAgreement::<X25519>::generate_static(&mut Soft, &mut rng).unwrap();
        let a_pub = KeyAgreement::<X25519>::static_public(&mut Compact, &a).unwrap();
        let b_pub = KeyAgreement::<X25519>::static_public(&mut Soft, &b).unwrap();
        let a_for_soft =
            KeyAgreement::<X25519>::import_public(&mut Soft, &a_pub.to_bytes()).unwrap();
        let b_for_compact =
            KeyAgreement::<X25519>::import_public(&mut Compact, &b_pub.to_bytes()).unwrap();
        let s1 = KeyAgreement::<X25519>::agree_static(&mut Compact, &a, &b_for_compact).unwrap();
        let s2 = KeyAgreement::<X25519>::agree_static(&mut Soft, &b, &a_for_soft).unwrap();
        assert_eq!(expose_shared_secret(&s1), expose_shared_secret(&s2));
    }
}

#[test]
fn secrets_do_not_print() {
    let x = KeyAgreement::<X25519>::import_static(&mut Compact, SecretBytes::zeroed()).unwrap();
    assert_eq!(format!("{x:?}"), "X25519StaticSecret { .. }");
    let mut rng = DeterministicTestRng::new(1);
    let e = KeyAgreement::<X25519>::generate_ephemeral(&mut Compact, &mut rng).unwrap();
    assert_eq!(format!("{e:?}"), "X25519EphemeralSecret { .. }");
}

/// splitmix64, seeded: the whole case list is fixed by the seed.
struct Cases(u64);

impl Cases {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes(&mut self) -> [u8; 32] {
        let mut b = [0u8; 32];
        for c in b.chunks_mut(8) {
            c.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        b
    }
}

fn le(v: u64) -> [u8; 32] {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&v.to_le_bytes());
    b
}

fn hex32(s: &str) -> [u8; 32] {
    bulwark_testkit::hex::decode(s).try_into().unwrap()
}

/// u-coordinates at the edges: 0, 1, p - 1, p, p + 1, every encoding from 2^255 - 19 to
/// 2^255 - 1 and from 2^256 - 19 to 2^256 - 1 (bit 255 set), the points of order 8 (and with
/// bit 255 set), small values, digits at their maximum.
fn edge_us() -> Vec<[u8; 32]> {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    let mut v = vec![le(0), le(1), le(2), le(9), le(0xffff), [0xff; 32]];
    for d in 0..19u8 {
        let mut x = p;
        x[0] += d; // p + d, up to 2^255 - 1
        v.push(x);
        x[31] |= 0x80; // and with bit 255 set
        v.push(x);
    }
    let mut pm1 = p;
    pm1[0] -= 1;
    v.push(pm1);
    let mut pm1_top = pm1;
    pm1_top[31] |= 0x80;
    v.push(pm1_top);
    for small in [
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    ] {
        let x = hex32(small);
        v.push(x);
        let mut y = x;
        y[31] |= 0x80;
        v.push(y);
    }
    let mut alternating = [0u8; 32];
    for (i, b) in alternating.iter_mut().enumerate() {
        *b = if i % 2 == 0 { 0xff } else { 0 };
    }
    v.push(alternating);
    v
}

fn edge_scalars() -> Vec<[u8; 32]> {
    vec![[0; 32], [0xff; 32], le(1), le(8), {
        let mut k = [0u8; 32];
        k[31] = 0x40;
        k
    }]
}

fn case_count() -> usize {
    match std::env::var("BULWARK_COMPACT_DIFF_CASES") {
        Ok(v) => v.parse().expect("BULWARK_COMPACT_DIFF_CASES is a number"),
        Err(_) if cfg!(debug_assertions) => 2_000,
        Err(_) => 100_000,
    }
}

/// Runs every edge pair and `count` random pairs through `f` and x25519-dalek; returns how
/// many were compared.
fn differential(name: &str, f: fn(&[u8; 32], &[u8; 32]) -> [u8; 32], count: usize) -> usize {
    let mut checked = 0;
    let mut rng = Cases(0x6275_6c77_6172_6b01);
    let us = edge_us();
    let scalars = edge_scalars();
    for u in &us {
        for k in scalars.iter().copied().chain((0..4).map(|_| rng.bytes())) {
            assert_eq!(
                f(&k, u),
                x25519_dalek::x25519(k, *u),
                "{name}: k={k:02x?} u={u:02x?}"
            );
            checked += 1;
        }
    }
    for i in 0..count {
        let k = rng.bytes();
        let mut u = rng.bytes();
        if i % 4 == 0 {
            // A genuine public key (on the curve), not only random u.
            u = x25519_dalek::x25519(rng.bytes(), x25519_dalek::X25519_BASEPOINT_BYTES);
        }
        assert_eq!(
            f(&k, &u),
            x25519_dalek::x25519(k, u),
            "{name} case {i}: k={k:02x?} u={u:02x?}"
        );
        checked += 1;
    }
    println!("[compact] {name}: {checked} cases agree with x25519-dalek");
    checked
}

#[test]
fn differential_fe16() {
    let n = case_count();
    let edges = edge_us().len() * (edge_scalars().len() + 4);
    assert_eq!(
        differential("X25519 over Fe16", x25519_with::<Fe16>, n),
        n + edges
    );
}

#[test]
fn differential_fe32() {
    let n = case_count();
    let edges = edge_us().len() * (edge_scalars().len() + 4);
    assert_eq!(
        differential("X25519 over Fe32", x25519_with::<Fe32>, n),
        n + edges
    );
}

#[test]
fn differential_api() {
    // The backend's own entry point (this target's strategy), through the trait.
    fn through_api(k: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
        let mut c = Compact;
        let s =
            KeyAgreement::<X25519>::import_static(&mut c, SecretBytes::try_from_slice(k).unwrap())
                .unwrap();
        let p = KeyAgreement::<X25519>::import_public(&mut c, u).unwrap();
        match KeyAgreement::<X25519>::agree_static(&mut c, &s, &p) {
            Ok(shared) => *expose_shared_secret(&shared),
            Err(_) => [0; 32],
        }
    }
    let n = case_count() / 10;
    differential("X25519 through KeyAgreement", through_api, n);
}

#[test]
fn field_reads_mask_bit_255() {
    let mut x = [0xffu8; 32];
    let a = Fe16::from_bytes(&x);
    x[31] = 0x7f;
    assert_eq!(a, Fe16::from_bytes(&x));
}
