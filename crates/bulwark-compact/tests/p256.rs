//! The compact P-256: the backend-generic ECDH and ECDSA conformance sets, a seeded
//! differential against the software backend (RustCrypto `p256`), and edge values.
//!
//! The differential runs `COMPACT_P256_CASES` cases (default 100,000 in release builds, 300 in
//! debug builds): `cargo test -p bulwark-compact --release --test p256` runs the full count.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

mod common;

use bulwark_api::{
    Error, Rng, SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
    sig::{EcdsaP256, Sign, Verify, VerifyPrehash},
};
use bulwark_compact::p256::{
    CompactP256,
    field::{Fe, P},
    limbs,
    point::{self, Affine, G, Jacobian},
    scalar::{self, N, Scalar},
};
use bulwark_conformance::{DeterministicTestRng, FullScratch, kex, sig};
use bulwark_soft::Soft;
use common::show;

/// 32 bytes from the SplitMix64 test generator.
fn bytes32(rng: &mut DeterministicTestRng) -> [u8; 32] {
    let mut out = [0u8; 32];
    rng.fill_bytes(&mut out).unwrap();
    out
}

fn cases(debug: usize, release: usize) -> usize {
    let default = if cfg!(debug_assertions) {
        debug
    } else {
        release
    };
    std::env::var("COMPACT_P256_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn ecdh_conformance() {
    let mut k = CompactP256;
    let r = show(kex::ecdh_p256_wycheproof(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (612, 331, 281));
    let r = show(kex::ecdh_p256_ecpoint(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (355, 331, 24));
    assert_eq!(show(kex::ecdh_p256_cavp_cdh(&mut k)).checked, 25);
    let r = show(kex::ecdh_p256_kas_validity(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (60, 36, 24));
    show(kex::p256_negative(&mut k));
    show(kex::p256_exchange(&mut CompactP256, &mut Soft));
}

/// The same ECDH sets through the backend type `Compact` (which forwards to `CompactP256`).
#[test]
fn ecdh_conformance_on_compact() {
    let mut k = bulwark_compact::Compact;
    let r = show(kex::ecdh_p256_wycheproof(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (612, 331, 281));
    assert_eq!(show(kex::ecdh_p256_cavp_cdh(&mut k)).checked, 25);
    show(kex::p256_negative(&mut k));
    let mut rng = DeterministicTestRng::new(3);
    let sk = Sign::<EcdsaP256>::generate_signing_key(&mut k, &mut rng).unwrap();
    let vk = Sign::<EcdsaP256>::signing_public(&mut k, &sk).unwrap();
    let sig = Sign::<EcdsaP256>::sign(&mut k, &sk, b"on Compact").unwrap();
    assert_eq!(
        Verify::<EcdsaP256>::verify(&mut k, &vk, b"on Compact", &sig),
        Ok(())
    );
}

#[test]
fn ecdsa_conformance() {
    let mut s = Box::new(FullScratch::new());
    let mut k = CompactP256;
    let r = show(sig::ecdsa_p256_wycheproof_der(&mut k, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (484, 174, 310));
    let r = show(sig::ecdsa_p256_wycheproof_p1363(&mut k, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (262, 173, 89));
    let r = show(sig::ecdsa_p256_cavp_sigver(&mut k, &mut s));
    assert_eq!((r.checked, r.valid, r.rejected), (15, 3, 12));
    let r = show(sig::ecdsa_p256_rfc6979(&mut k));
    assert_eq!((r.checked, r.valid, r.rejected), (4, 2, 2));
    show(sig::ecdsa_p256_negative(&mut k));
    show(sig::ecdsa_p256_round_trip(&mut k));
}

/// Random secrets and peers: public keys, shared secrets, ECDSA signatures (RFC 6979 makes
/// them deterministic, so the bytes must match) and verification verdicts, against the
/// software backend.
#[test]
fn differential_against_soft_backend() {
    let n = cases(300, 100_000);
    let mut rng = DeterministicTestRng::new(0x9256_c0de_2026_0012);
    let (mut ours, mut soft) = (CompactP256, Soft);
    for i in 0..n {
        let a = bytes32(&mut rng);
        let b = bytes32(&mut rng);
        let ka = KeyAgreement::<P256>::import_static(&mut ours, SecretBytes::take_from(&mut { a }));
        let sa = KeyAgreement::<P256>::import_static(&mut soft, SecretBytes::take_from(&mut { a }));
        assert_eq!(ka.is_ok(), sa.is_ok(), "case {i}");
        let (Ok(ka), Ok(sa)) = (ka, sa) else { continue };
        let Ok(sb) =
            KeyAgreement::<P256>::import_static(&mut soft, SecretBytes::take_from(&mut { b }))
        else {
            continue;
        };
        let pa_ours = KeyAgreement::<P256>::static_public(&mut ours, &ka).unwrap();
        let pa_soft = KeyAgreement::<P256>::static_public(&mut soft, &sa).unwrap();
        assert_eq!(
            KeyAgreement::<P256>::export_public(&mut ours, &pa_ours),
            KeyAgreement::<P256>::export_public(&mut soft, &pa_soft),
            "case {i}"
        );
        let pb_soft = KeyAgreement::<P256>::static_public(&mut soft, &sb).unwrap();
        let pb_bytes = KeyAgreement::<P256>::export_public(&mut soft, &pb_soft);
        // Half the peers arrive compressed.
        let pb_ours = if i % 2 == 0 {
            KeyAgreement::<P256>::import_public(&mut ours, &pb_bytes).unwrap()
        } else {
            let compressed = soft.export_public_compressed(&pb_soft);
            KeyAgreement::<P256>::import_public(&mut ours, &compressed).unwrap()
        };
        let z_ours = KeyAgreement::<P256>::agree_static(&mut ours, &ka, &pb_ours).unwrap();
        let z_soft = KeyAgreement::<P256>::agree_static(&mut soft, &sa, &pb_soft).unwrap();
        assert_eq!(
            expose_shared_secret(&z_ours),
            expose_shared_secret(&z_soft),
            "case {i}"
        );
        // ECDSA every 4th case: same signature bytes, both verify each other's.
        if i % 4 == 0 {
            let message = bytes32(&mut rng);
            let sk_ours = Sign::<EcdsaP256>::import_signing_key(
                &mut ours,
                SecretBytes::take_from(&mut { a }),
            )
            .unwrap();
            let sk_soft = Sign::<EcdsaP256>::import_signing_key(
                &mut soft,
                SecretBytes::take_from(&mut { a }),
            )
            .unwrap();
            let sig_ours = Sign::<EcdsaP256>::sign(&mut ours, &sk_ours, &message).unwrap();
            let sig_soft = Sign::<EcdsaP256>::sign(&mut soft, &sk_soft, &message).unwrap();
            assert_eq!(sig_ours, sig_soft, "case {i}");
            let pa_bytes = KeyAgreement::<P256>::export_public(&mut ours, &pa_ours);
            let vk_ours = Verify::<EcdsaP256>::import_public(&mut ours, &pa_bytes).unwrap();
            assert_eq!(
                Verify::<EcdsaP256>::verify(&mut ours, &vk_ours, &message, &sig_soft),
                Ok(())
            );
            // A flipped message bit must fail on both.
            let mut bad = message;
            bad[(i / 4) % 32] ^= 1 << (i % 8);
            assert_eq!(
                Verify::<EcdsaP256>::verify(&mut ours, &vk_ours, &bad, &sig_soft),
                Err(Error::Verification),
                "case {i}"
            );
        }
    }
}

/// Field and scalar arithmetic identities on random and edge values.
#[test]
fn field_and_scalar_edges() {
    let p_minus_1 = Fe(limbs::sub(&P, &[1, 0, 0, 0, 0, 0, 0, 0]).0);
    // Encodings: p - 1 is accepted, p and 2^256 - 1 are not.
    assert_eq!(Fe::from_bytes(&p_minus_1.to_bytes()), Some(p_minus_1));
    assert_eq!(Fe::from_bytes(&limbs::to_be_bytes(&P)), None);
    assert_eq!(Fe::from_bytes(&[0xff; 32]), None);
    assert_eq!(Fe::from_bytes(&[0; 32]), Some(Fe::ZERO));
    // (p - 1)^2 = 1, (p - 1) + 1 = 0, 0 - 1 = p - 1, 0^-1 = 0, 1^-1 = 1.
    assert_eq!(p_minus_1.square(), Fe::ONE);
    assert_eq!(p_minus_1.mul(&p_minus_1), Fe::ONE);
    assert_eq!(p_minus_1.add(&Fe::ONE), Fe::ZERO);
    assert_eq!(Fe::ZERO.sub(&Fe::ONE), p_minus_1);
    assert_eq!(Fe::ZERO.invert(), Fe::ZERO);
    assert_eq!(Fe::ONE.invert(), Fe::ONE);
    assert_eq!(p_minus_1.invert(), p_minus_1);
    // The largest reduced operands in every limb pattern.
    let all_ones_below_p = [
        p_minus_1,
        Fe([
            0xffff_ffff,
            0xffff_ffff,
            0xffff_ffff,
            0,
            0,
            0,
            0,
            0xffff_fffe,
        ]),
    ];
    for a in all_ones_below_p {
        assert_eq!(a.mul(&a), a.square());
        assert_eq!(a.mul(&a.invert()), Fe::ONE);
    }
    let mut rng = DeterministicTestRng::new(7);
    // Both product strategies agree (the target picks one), on edge and random operands.
    let edges = [
        [0u32; 8],
        [0xffff_ffff; 8],
        P,
        [1, 0, 0, 0, 0, 0, 0, 0],
        [0x0000_ffff; 8],
        [0xffff_0000; 8],
    ];
    for a in &edges {
        for b in &edges {
            assert_eq!(limbs::mul_wide16(a, b), limbs::mul_wide32(a, b));
        }
        assert_eq!(limbs::sqr_wide16(a), limbs::sqr_wide32(a));
        assert_eq!(limbs::sqr_wide16(a), limbs::mul_wide32(a, a));
    }
    for _ in 0..cases(2_000, 100_000) {
        let a = limbs::from_be_bytes(&bytes32(&mut rng));
        let b = limbs::from_be_bytes(&bytes32(&mut rng));
        assert_eq!(limbs::mul_wide16(&a, &b), limbs::mul_wide32(&a, &b));
        assert_eq!(limbs::sqr_wide16(&a), limbs::sqr_wide32(&a));
    }
    for _ in 0..cases(2_000, 100_000) {
        let mut a = Fe(limbs::from_be_bytes(&bytes32(&mut rng)));
        let mut b = Fe(limbs::from_be_bytes(&bytes32(&mut rng)));
        a.0[7] &= 0x7fff_ffff;
        b.0[7] &= 0x7fff_ffff;
        assert_eq!(a.mul(&a), a.square());
        assert_eq!(
            a.add(&b).square(),
            a.square().add(&a.mul(&b).double()).add(&b.square())
        );
        assert_eq!(a.sub(&b).add(&b), a);
        let s = a.square();
        let r = s.sqrt().unwrap();
        assert!(r == a || r == a.neg());
    }
    for _ in 0..cases(50, 2_000) {
        let mut a = Fe(limbs::from_be_bytes(&bytes32(&mut rng)));
        a.0[7] &= 0x7fff_ffff;
        assert_eq!(a.mul(&a.invert()), Fe::ONE);
        // Variable-time inversion agrees with Fermat.
        assert_eq!(scalar::invert_vartime(&a.0, &P), Some(a.invert().0));
        let s = Scalar::reduce_bytes(&bytes32(&mut rng));
        assert_eq!(s.mul(&s.invert()), Scalar::ONE);
        assert_eq!(s.invert_vartime(), Some(s.invert()));
    }
    // Scalars: n - 1 squared is 1, n and 2^256 - 1 are not canonical, reduction wraps.
    let n_minus_1 = Scalar(limbs::sub(&N, &[1, 0, 0, 0, 0, 0, 0, 0]).0);
    assert_eq!(n_minus_1.mul(&n_minus_1), Scalar::ONE);
    assert_eq!(Scalar::from_bytes(&limbs::to_be_bytes(&N)), None);
    assert_eq!(Scalar::from_bytes(&[0xff; 32]), None);
    assert_eq!(Scalar::reduce_bytes(&limbs::to_be_bytes(&N)), Scalar::ZERO);
    assert_eq!(Scalar::ZERO.invert_vartime(), None);
}

/// `c mod p` for a 512-bit `c`, bit by bit (doubling and conditional subtraction with the
/// plain carry helpers): the reference for the field's reduction.
fn mod_p_reference(c: &[u32; 16]) -> [u32; 8] {
    let mut r = [0u32; 8];
    for bit in (0..512).rev() {
        let (d, carry) = limbs::add(&r, &r);
        let b = (c[bit / 32] >> (bit % 32)) & 1;
        let (d, carry2) = limbs::add(&d, &[b, 0, 0, 0, 0, 0, 0, 0]);
        let (s, borrow) = limbs::sub(&d, &P);
        // 2r + b < 2p: subtract p once if it is at least p.
        r = if carry | carry2 == 1 || borrow == 0 {
            s
        } else {
            d
        };
    }
    r
}

/// The reduction of any 512-bit value (not only products of reduced operands), on the
/// extremes of every signed word sum and on random values, against the bit-serial reference;
/// its fold vector is `m (2^256 - p)`.
#[test]
fn field_reduction_of_any_wide_value() {
    use bulwark_compact::p256::field::{fold_vector, reduce_wide};
    let mut rng = DeterministicTestRng::new(256);
    let extremes = [
        0u32,
        1,
        2,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fffe,
        0xffff_ffff,
    ];
    let word = |rng: &mut DeterministicTestRng, extreme: bool| {
        let mut b = [0u8; 4];
        rng.fill_bytes(&mut b).unwrap();
        let v = u32::from_le_bytes(b);
        if extreme {
            extremes[(v % 7) as usize]
        } else {
            v
        }
    };
    let mut inputs = vec![[0u32; 16], [u32::MAX; 16]];
    // Every high word all ones or zero (all 256 patterns, among them the largest and the
    // smallest column sums), with the low half all ones or all zero.
    for mask in 0u32..(1 << 9) {
        let mut c = [0u32; 16];
        for (k, w) in c.iter_mut().enumerate() {
            let bit = if k < 8 {
                mask & 1
            } else {
                (mask >> (k - 7)) & 1
            };
            *w = 0u32.wrapping_sub(bit);
        }
        inputs.push(c);
    }
    for i in 0..cases(3_000, 200_000) {
        let mut c = [0u32; 16];
        for w in c.iter_mut() {
            *w = word(&mut rng, i % 2 == 0);
        }
        inputs.push(c);
    }
    for c in &inputs {
        assert_eq!(reduce_wide(c).0, mod_p_reference(c), "{c:08x?}");
    }
    // fold_vector(m) = m (2^256 - p) for every m the reduction uses.
    let d = limbs::sub(&[0; 8], &P).0;
    let mut md = [0u32; 8];
    for m in 1..=12 {
        md = limbs::add(&md, &d).0;
        assert_eq!(fold_vector(m), md);
    }
}

/// Points: G on the curve, n G is the identity, (n - 1) G = -G, the identity behaves, and
/// invalid encodings are refused.
#[test]
fn point_edges() {
    assert_eq!(
        Affine::from_coordinates(&G.x.to_bytes(), &G.y.to_bytes()),
        Some(G)
    );
    assert_eq!(Affine::decompress(&G.x.to_bytes(), G.y.is_odd()), Some(G));
    // The constant table of odd multiples of G used by verification: (2i + 1) G.
    for (i, entry) in point::G_ODD_MULTIPLES.iter().enumerate() {
        let k = Scalar([2 * i as u32 + 1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(point::mul_secret(&k, &G).to_affine(), Some(*entry), "{i}");
    }
    let n_minus_1 = Scalar(limbs::sub(&N, &[1, 0, 0, 0, 0, 0, 0, 0]).0);
    let neg_g = point::mul_secret(&n_minus_1, &G).to_affine().unwrap();
    assert_eq!(
        neg_g,
        Affine {
            x: G.x,
            y: G.y.neg()
        }
    );
    assert_eq!(point::mul_secret(&Scalar::ONE, &G).to_affine(), Some(G));
    // Double-scalar: 1 G + (n - 1) G is the identity; 0 G + 1 G is G.
    let id = point::double_mul_vartime(&Scalar::ONE, &n_minus_1, &G);
    assert!(id.to_affine().is_none());
    let g = point::double_mul_vartime(&Scalar::ZERO, &Scalar::ONE, &G);
    assert_eq!(g.to_affine(), Some(G));
    // 2G by doubling, by addition of G to itself, and by the scalar multiplication agree.
    let gj = G.to_jacobian();
    let two = Scalar([2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(gj.add_vartime(&gj).to_affine(), gj.double().to_affine());
    assert_eq!(
        point::mul_secret(&two, &G).to_affine(),
        gj.double().to_affine()
    );
    assert!(gj.add_vartime(&gj.neg()).to_affine().is_none());
    assert!(Jacobian::IDENTITY.double().to_affine().is_none());
    assert_eq!(Jacobian::IDENTITY.add_vartime(&gj).to_affine(), Some(G));

    let mut k = CompactP256;
    let mut enc = [0u8; 65];
    enc[0] = 4;
    enc[1..33].copy_from_slice(&G.x.to_bytes());
    enc[33..].copy_from_slice(&G.y.to_bytes());
    assert!(KeyAgreement::<P256>::import_public(&mut k, &enc).is_ok());
    // Off the curve, a coordinate >= p (p itself, 2^256 - 1), the identity, hybrid forms,
    // wrong lengths.
    let mut off = enc;
    off[64] ^= 1;
    let mut x_is_p = enc;
    x_is_p[1..33].copy_from_slice(&limbs::to_be_bytes(&P));
    let mut y_ff = enc;
    y_ff[33..].copy_from_slice(&[0xff; 32]);
    // The point with x = 0 encoded with x = p instead: a valid point, a non-canonical x.
    let zero_x = Affine::decompress(&[0; 32], false).unwrap();
    let mut x_plus_p = enc;
    x_plus_p[1..33].copy_from_slice(&limbs::to_be_bytes(&P));
    x_plus_p[33..].copy_from_slice(&zero_x.y.to_bytes());
    let mut canonical = x_plus_p;
    canonical[1..33].fill(0);
    assert!(KeyAgreement::<P256>::import_public(&mut k, &canonical).is_ok());
    let mut hybrid = enc;
    hybrid[0] = 6 | u8::from(G.y.is_odd());
    for bad in [
        &off[..],
        &x_is_p,
        &y_ff,
        &x_plus_p,
        &hybrid,
        &[0u8],
        &enc[..64],
        &[0u8; 65],
    ] {
        assert_eq!(
            KeyAgreement::<P256>::import_public(&mut k, bad).map(|_| ()),
            Err(Error::InvalidInput)
        );
    }
    // Compressed with x = p, and an x that is not on the curve (x = 5 has no point on P-256,
    // checked below against decompression of every x in 0..16).
    let mut comp = [0u8; 33];
    comp[0] = 2;
    comp[1..].copy_from_slice(&limbs::to_be_bytes(&P));
    assert!(KeyAgreement::<P256>::import_public(&mut k, &comp).is_err());
    let mut on = 0;
    for x in 0u8..16 {
        let mut xb = [0u8; 32];
        xb[31] = x;
        let even = Affine::decompress(&xb, false);
        let odd = Affine::decompress(&xb, true);
        assert_eq!(even.is_some(), odd.is_some());
        if let (Some(e), Some(o)) = (even, odd) {
            on += 1;
            assert_eq!(e.y, o.y.neg());
            assert!(!e.y.is_odd() && o.y.is_odd());
        }
    }
    assert!(on > 0 && on < 16);
    // x = 0 is on P-256 (b is a square): both parities decompress.
    assert!(Affine::decompress(&[0; 32], false).is_some());

    // Secret scalars: 0, n and 2^256 - 1 are refused; 1 and n - 1 accepted.
    for bad in [[0u8; 32], limbs::to_be_bytes(&N), [0xff; 32]] {
        assert!(
            KeyAgreement::<P256>::import_static(&mut k, SecretBytes::take_from(&mut { bad }))
                .is_err()
        );
    }
    let mut one = [0u8; 32];
    one[31] = 1;
    let s =
        KeyAgreement::<P256>::import_static(&mut k, SecretBytes::take_from(&mut { one })).unwrap();
    let pk = KeyAgreement::<P256>::static_public(&mut k, &s).unwrap();
    assert_eq!(KeyAgreement::<P256>::export_public(&mut k, &pk), enc);
    assert!(
        KeyAgreement::<P256>::import_static(
            &mut k,
            SecretBytes::take_from(&mut n_minus_1.to_bytes())
        )
        .is_ok()
    );
}

#[test]
fn generated_keys_agree() {
    let mut rng = DeterministicTestRng::new(12);
    let mut k = CompactP256;
    for _ in 0..8 {
        let a = KeyAgreement::<P256>::generate_ephemeral(&mut k, &mut rng).unwrap();
        let b = KeyAgreement::<P256>::generate_static(&mut k, &mut rng).unwrap();
        let pa = KeyAgreement::<P256>::ephemeral_public(&mut k, &a).unwrap();
        let pb = KeyAgreement::<P256>::static_public(&mut k, &b).unwrap();
        let zb = KeyAgreement::<P256>::agree_static(&mut k, &b, &pa).unwrap();
        let za = KeyAgreement::<P256>::agree(&mut k, a, &pb).unwrap();
        assert_eq!(expose_shared_secret(&za), expose_shared_secret(&zb));
    }
    let sk = Sign::<EcdsaP256>::generate_signing_key(&mut k, &mut rng).unwrap();
    let vk = Sign::<EcdsaP256>::signing_public(&mut k, &sk).unwrap();
    let sig = Sign::<EcdsaP256>::sign(&mut k, &sk, b"compact").unwrap();
    assert_eq!(
        Verify::<EcdsaP256>::verify(&mut k, &vk, b"compact", &sig),
        Ok(())
    );
    let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(b"compact").into();
    assert_eq!(
        VerifyPrehash::<EcdsaP256>::verify_prehash(&mut k, &vk, &digest, &sig),
        Ok(())
    );
    assert_eq!(format!("{sk:?}"), "EcdsaP256SigningKey { .. }");
}
