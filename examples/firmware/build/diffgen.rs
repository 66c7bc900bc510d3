//! Writes the on-target differential's cases into `OUT_DIR` (`diff_*.bin`): seeded random
//! inputs and edge values, with the results of the software backend (bulwark-soft) computed
//! here on the host. The `compact-diff-*` firmware includes them with `include_bytes!` and
//! compares the compact backend's results.
//!
//! A file is a little-endian `u32` case count, then the cases; a case is a fixed number of
//! fields, each a little-endian `u16` length and its bytes. The fields per operation are listed
//! in `src/diff.rs`.

use std::{error::Error as StdError, fs, path::Path};

use bulwark_api::{
    Rng, SecretBytes,
    kex::{KeyAgreement, P256},
    sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Sign, Verify},
};
use bulwark_soft::{CcmMode, Soft, SoftAes};
use bulwark_testkit::rng::DeterministicTestRng;

use crate::diff_ops;

/// Random cases per operation (edge values come on top).
const RANDOM_CASES: usize = 1_000;

type Res<T> = Result<T, Box<dyn StdError>>;

struct Writer {
    bytes: Vec<u8>,
    cases: u32,
}

impl Writer {
    fn new() -> Self {
        Self {
            bytes: vec![0; 4],
            cases: 0,
        }
    }

    fn case(&mut self, fields: &[&[u8]]) -> Res<()> {
        for f in fields {
            self.bytes
                .extend_from_slice(&u16::try_from(f.len())?.to_le_bytes());
            self.bytes.extend_from_slice(f);
        }
        self.cases += 1;
        Ok(())
    }

    fn write(mut self, dir: &Path, name: &str) -> Res<()> {
        self.bytes[..4].copy_from_slice(&self.cases.to_le_bytes());
        fs::write(dir.join(name), &self.bytes)?;
        Ok(())
    }
}

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = s
            .get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
    }
    out
}

fn random<const N: usize>(rng: &mut DeterministicTestRng) -> Res<[u8; N]> {
    let mut b = [0u8; N];
    rng.fill_bytes(&mut b)?;
    Ok(b)
}

fn random_vec(rng: &mut DeterministicTestRng, len: usize) -> Res<Vec<u8>> {
    let mut b = vec![0u8; len];
    rng.fill_bytes(&mut b)?;
    Ok(b)
}

/// Little-endian `a + b` over 32 bytes (carry out dropped).
fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    out
}

/// Big-endian `a - b` over 32 bytes (borrow out dropped).
fn sub_be(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        out[i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    out
}

/// Writes every `diff_*.bin`.
pub fn generate(out: &Path) -> Res<()> {
    x25519(out)?;
    p256_ecdh(out)?;
    ed25519(out)?;
    ecdsa(out)?;
    aes(out)?;
    ccm(out)?;
    Ok(())
}

/// X25519 encodings of u at the edges (little-endian): 0, 1, the points of order 8 (and
/// their non-canonical `+ p` encodings), p - 1, p, p + 1, 2^255 - 19 up to 2^255 - 1, and the
/// same values with bit 255 set (up to 2^256 - 1).
fn x25519_edges() -> Vec<[u8; 32]> {
    let mut us = vec![[0u8; 32], {
        let mut one = [0u8; 32];
        one[0] = 1;
        one
    }];
    for h in [
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
    ] {
        us.push(hex32(h));
    }
    // p - 1 = 2^255 - 20, then p = 2^255 - 19 .. 2^255 - 1, then p + 1.
    for low in 0xecu8..=0xff {
        let mut u = [0xffu8; 32];
        u[0] = low;
        u[31] = 0x7f;
        us.push(u);
    }
    let high: Vec<[u8; 32]> = us
        .iter()
        .map(|u| {
            let mut h = *u;
            h[31] |= 0x80;
            h
        })
        .collect();
    us.extend(high);
    us
}

fn x25519(out: &Path) -> Res<()> {
    let mut rng = DeterministicTestRng::new(0xd1ff_2551_9000_0001);
    let mut w = Writer::new();
    let emit = |w: &mut Writer, scalar: &[u8; 32], u: &[u8; 32]| -> Res<()> {
        let mut shared = [0u8; 32];
        let st = diff_ops::agree::<bulwark_api::kex::X25519, _>(&mut Soft, scalar, u, &mut shared);
        w.case(&[scalar, u, &[st], &shared])
    };
    for u in x25519_edges() {
        for scalar in [random::<32>(&mut rng)?, [0u8; 32], [0xff; 32]] {
            emit(&mut w, &scalar, &u)?;
        }
    }
    for _ in 0..RANDOM_CASES {
        let scalar = random::<32>(&mut rng)?;
        let u = random::<32>(&mut rng)?;
        emit(&mut w, &scalar, &u)?;
    }
    w.write(out, "diff_x25519.bin")
}

const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/// A random valid P-256 public key (uncompressed SEC1) from the software backend.
fn p256_public(rng: &mut DeterministicTestRng) -> Res<[u8; 65]> {
    let secret = KeyAgreement::<P256>::generate_static(&mut Soft, rng)?;
    let public = KeyAgreement::<P256>::static_public(&mut Soft, &secret)?;
    let bytes = KeyAgreement::<P256>::export_public(&mut Soft, &public);
    let mut out = [0u8; 65];
    out.copy_from_slice(bytes.as_ref());
    Ok(out)
}

fn compress(point: &[u8; 65]) -> [u8; 33] {
    let mut c = [0u8; 33];
    c[0] = 0x02 | (point[64] & 1);
    c[1..].copy_from_slice(&point[1..33]);
    c
}

/// Invalid and edge encodings of P-256 public keys: the point at infinity (`00`, 65 zero
/// bytes, `04` and zeros), off-curve points, coordinates equal to p, a compressed x with no
/// square root, a wrong prefix, truncated keys; then valid keys in both forms.
fn p256_public_edges(rng: &mut DeterministicTestRng) -> Res<Vec<Vec<u8>>> {
    let p = hex32(P256_P);
    let mut v: Vec<Vec<u8>> = vec![vec![0x00], vec![0u8; 65], vec![0u8; 33]];
    let mut inf = vec![0x04];
    inf.extend_from_slice(&[0u8; 64]);
    v.push(inf);
    let good = p256_public(rng)?;
    let mut off = good;
    off[64] ^= 1;
    v.push(off.to_vec());
    let mut x_is_p = good;
    x_is_p[1..33].copy_from_slice(&p);
    v.push(x_is_p.to_vec());
    let mut y_is_p = good;
    y_is_p[33..].copy_from_slice(&p);
    v.push(y_is_p.to_vec());
    let mut c = compress(&good);
    c[1..].copy_from_slice(&p);
    v.push(c.to_vec());
    let mut all_ff = compress(&good);
    all_ff[1..].copy_from_slice(&[0xff; 32]);
    v.push(all_ff.to_vec());
    let mut prefix = good;
    prefix[0] = 0x05;
    v.push(prefix.to_vec());
    let mut hybrid = good;
    hybrid[0] = 0x06 | (good[64] & 1);
    v.push(hybrid.to_vec());
    v.push(good[..64].to_vec());
    v.push(compress(&good)[..32].to_vec());
    // x = 0 with either y parity, and y = 0 (no point of P-256 has y = 0).
    let mut x0 = [0u8; 33];
    x0[0] = 0x02;
    v.push(x0.to_vec());
    x0[0] = 0x03;
    v.push(x0.to_vec());
    for _ in 0..4 {
        let good = p256_public(rng)?;
        v.push(good.to_vec());
        v.push(compress(&good).to_vec());
    }
    Ok(v)
}

fn p256_ecdh(out: &Path) -> Res<()> {
    let mut rng = DeterministicTestRng::new(0xd1ff_0256_ecd4_0002);
    let mut w = Writer::new();
    let n = hex32(P256_N);
    let mut one = [0u8; 32];
    one[31] = 1;
    let emit = |w: &mut Writer, scalar: &[u8; 32], public: &[u8]| -> Res<()> {
        let mut shared = [0u8; 32];
        let st = diff_ops::agree::<P256, _>(&mut Soft, scalar, public, &mut shared);
        w.case(&[scalar, public, &[st], &shared])
    };
    let scalars = [
        [0u8; 32],
        one,
        sub_be(&n, &one),
        n,
        add_le(&[1; 32], &[0; 32]),
        [0xff; 32],
        hex32(P256_P),
    ];
    let good = p256_public(&mut rng)?;
    for scalar in &scalars {
        emit(&mut w, scalar, &good)?;
    }
    for public in p256_public_edges(&mut rng)? {
        emit(&mut w, &random::<32>(&mut rng)?, &public)?;
    }
    for i in 0..RANDOM_CASES {
        let scalar = random::<32>(&mut rng)?;
        let public = p256_public(&mut rng)?;
        if i % 4 == 3 {
            emit(&mut w, &scalar, &compress(&public))?;
        } else {
            emit(&mut w, &scalar, &public)?;
        }
    }
    w.write(out, "diff_p256.bin")
}

fn ed25519(out: &Path) -> Res<()> {
    let mut rng = DeterministicTestRng::new(0xd1ff_ed25_5190_0003);
    let mut w = Writer::new();
    let l = hex32("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    let emit = |w: &mut Writer, public: &[u8], msg: &[u8], sig: &[u8; 64]| -> Res<()> {
        let st = diff_ops::verify::<Ed25519, _>(
            &mut Soft,
            public,
            msg,
            &Ed25519Signature::from_bytes(sig),
        );
        w.case(&[public, msg, sig, &[st]])
    };
    let one_key = |rng: &mut DeterministicTestRng| -> Res<([u8; 32], Vec<u8>, [u8; 64])> {
        let key = Sign::<Ed25519>::import_signing_key(
            &mut Soft,
            SecretBytes::take_from(&mut random::<32>(rng)?),
        )?;
        let public = Sign::<Ed25519>::signing_public(&mut Soft, &key)?;
        let mut pk = [0u8; 32];
        pk.copy_from_slice(Verify::<Ed25519>::export_public(&mut Soft, &public).as_ref());
        let len = rng.below(65);
        let msg = random_vec(rng, len)?;
        let sig = Sign::<Ed25519>::sign(&mut Soft, &key, &msg)?.to_bytes();
        Ok((pk, msg, sig))
    };
    let (pk, msg, sig) = one_key(&mut rng)?;
    // Small-order and non-canonical public keys.
    for h in [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ] {
        emit(&mut w, &hex32(h), &msg, &sig)?;
    }
    // S + L (non-canonical), S = L, S = 0, R = identity and small-order R.
    let mut s = [0u8; 32];
    s.copy_from_slice(&sig[32..]);
    for new_s in [add_le(&s, &l), l, [0u8; 32], [0xff; 32]] {
        let mut bad = sig;
        bad[32..].copy_from_slice(&new_s);
        emit(&mut w, &pk, &msg, &bad)?;
    }
    for r in [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    ] {
        let mut bad = sig;
        bad[..32].copy_from_slice(&hex32(r));
        emit(&mut w, &pk, &msg, &bad)?;
    }
    for i in 0..RANDOM_CASES {
        let (pk, mut msg, mut sig) = one_key(&mut rng)?;
        match i % 4 {
            1 => sig[rng.below(64)] ^= 1 << rng.below(8),
            2 if !msg.is_empty() => {
                let at = rng.below(msg.len());
                msg[at] ^= 1 << rng.below(8);
            }
            _ => {}
        }
        emit(&mut w, &pk, &msg, &sig)?;
    }
    w.write(out, "diff_ed25519.bin")
}

fn ecdsa(out: &Path) -> Res<()> {
    let mut rng = DeterministicTestRng::new(0xd1ff_ecd5_a256_0004);
    let mut w = Writer::new();
    let n = hex32(P256_N);
    let mut one = [0u8; 32];
    one[31] = 1;
    let emit = |w: &mut Writer, public: &[u8], msg: &[u8], sig: &[u8; 64]| -> Res<()> {
        let st = diff_ops::verify::<EcdsaP256, _>(
            &mut Soft,
            public,
            msg,
            &EcdsaP256Signature::from_fixed(sig),
        );
        w.case(&[public, msg, sig, &[st]])
    };
    let one_key = |rng: &mut DeterministicTestRng| -> Res<([u8; 65], Vec<u8>, [u8; 64])> {
        let key = Sign::<EcdsaP256>::generate_signing_key(&mut Soft, rng)?;
        let public = Sign::<EcdsaP256>::signing_public(&mut Soft, &key)?;
        let mut pk = [0u8; 65];
        pk.copy_from_slice(Verify::<EcdsaP256>::export_public(&mut Soft, &public).as_ref());
        let len = rng.below(65);
        let msg = random_vec(rng, len)?;
        let sig = Sign::<EcdsaP256>::sign(&mut Soft, &key, &msg)?.to_fixed();
        Ok((pk, msg, sig))
    };
    let (pk, msg, sig) = one_key(&mut rng)?;
    for public in p256_public_edges(&mut rng)? {
        emit(&mut w, &public, &msg, &sig)?;
    }
    emit(&mut w, &compress(&pk), &msg, &sig)?;
    let mut r = [0u8; 32];
    r.copy_from_slice(&sig[..32]);
    let mut s = [0u8; 32];
    s.copy_from_slice(&sig[32..]);
    // r or s out of 1..n, and the other half of the pair (n - s verifies as well).
    let values = [
        [0u8; 32],
        n,
        add_le(&n, &[0; 32]),
        [0xff; 32],
        sub_be(&n, &one),
    ];
    for v in values {
        let mut bad = sig;
        bad[..32].copy_from_slice(&v);
        emit(&mut w, &pk, &msg, &bad)?;
        let mut bad = sig;
        bad[32..].copy_from_slice(&v);
        emit(&mut w, &pk, &msg, &bad)?;
    }
    let mut high = sig;
    high[32..].copy_from_slice(&sub_be(&n, &s));
    emit(&mut w, &pk, &msg, &high)?;
    let mut swapped = sig;
    swapped[..32].copy_from_slice(&s);
    swapped[32..].copy_from_slice(&r);
    emit(&mut w, &pk, &msg, &swapped)?;
    for i in 0..RANDOM_CASES {
        let (pk, mut msg, mut sig) = one_key(&mut rng)?;
        match i % 4 {
            1 => sig[rng.below(64)] ^= 1 << rng.below(8),
            2 if !msg.is_empty() => {
                let at = rng.below(msg.len());
                msg[at] ^= 1 << rng.below(8);
            }
            3 => {
                emit(&mut w, &compress(&pk), &msg, &sig)?;
                continue;
            }
            _ => {}
        }
        emit(&mut w, &pk, &msg, &sig)?;
    }
    w.write(out, "diff_ecdsa.bin")
}

fn aes(out: &Path) -> Res<()> {
    let mut rng = DeterministicTestRng::new(0xd1ff_0ae5_b10c_0005);
    let mut w = Writer::new();
    let emit = |w: &mut Writer, key: &[u8], block: &[u8; 16]| -> Res<()> {
        let mut b = *block;
        let st = diff_ops::aes_block(SoftAes::new, key, &mut b);
        w.case(&[key, block, &[st], &b])
    };
    for key in [vec![0u8; 16], vec![0xff; 16], vec![0u8; 32], vec![0xff; 32]] {
        for block in [[0u8; 16], [0xff; 16]] {
            emit(&mut w, &key, &block)?;
        }
    }
    emit(&mut w, &[0u8; 24], &[0u8; 16])?;
    emit(&mut w, &[0u8; 15], &[0u8; 16])?;
    for i in 0..RANDOM_CASES {
        let key = random_vec(&mut rng, if i % 2 == 0 { 16 } else { 32 })?;
        emit(&mut w, &key, &random::<16>(&mut rng)?)?;
    }
    w.write(out, "diff_aes.bin")
}

fn ccm(out: &Path) -> Res<()> {
    let mut rng = DeterministicTestRng::new(0xd1ff_0cc3_5ea1_0006);
    let mut w = Writer::new();
    let make = |k: &[u8]| SoftAes::new(k).map(CcmMode::new);
    let emit = |w: &mut Writer,
                key: &[u8],
                nonce: &[u8],
                aad: &[u8],
                pt: &[u8],
                tag_len: usize|
     -> Res<()> {
        let mut buffer = pt.to_vec();
        let mut tag = vec![0u8; tag_len];
        let st = diff_ops::ccm_seal(make, key, nonce, aad, &mut buffer, &mut tag);
        buffer.extend_from_slice(&tag);
        w.case(&[
            key,
            nonce,
            aad,
            pt,
            &[u8::try_from(tag_len)?],
            &[st],
            &buffer,
        ])
    };
    // Length edges: empty message and AAD, one- and two-block boundaries, every nonce and tag
    // length, and lengths the API refuses (nonce 6 and 14, tag 3, 5 and 18).
    let key = random::<16>(&mut rng)?;
    for nonce_len in [6, 7, 8, 11, 12, 13, 14] {
        for tag_len in [3, 4, 5, 6, 8, 10, 12, 14, 16, 18] {
            let nonce = random_vec(&mut rng, nonce_len)?;
            emit(&mut w, &key, &nonce, &[], &[], tag_len)?;
        }
    }
    for len in [1, 15, 16, 17, 31, 32, 33] {
        let nonce = random_vec(&mut rng, 13)?;
        let data = random_vec(&mut rng, len)?;
        emit(&mut w, &key, &nonce, &data, &data, 8)?;
        emit(&mut w, &key, &nonce, &[], &data, 16)?;
    }
    for i in 0..RANDOM_CASES {
        let key = random_vec(&mut rng, if i % 2 == 0 { 16 } else { 32 })?;
        let nonce_len = 7 + rng.below(7);
        let nonce = random_vec(&mut rng, nonce_len)?;
        let aad_len = rng.below(25);
        let aad = random_vec(&mut rng, aad_len)?;
        let pt_len = rng.below(49);
        let pt = random_vec(&mut rng, pt_len)?;
        let tag_len = 4 + 2 * rng.below(7);
        emit(&mut w, &key, &nonce, &aad, &pt, tag_len)?;
    }
    w.write(out, "diff_ccm.bin")
}
