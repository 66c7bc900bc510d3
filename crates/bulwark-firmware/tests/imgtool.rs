//! Images signed by imgtool 2.5.0 (test-vectors/mcuboot): acceptance, exhaustive tampering,
//! truncation, key and rollback policy, streaming versus slice.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::sig::{EcdsaP256, Ed25519};
use bulwark_firmware::{
    AlgorithmId, AnyAlgorithm, HashAlg, ImageError, ImageVersion, Sha256OrSha512, Slot,
    VerifiedImage, Verifier, confirm,
};
use common::*;

/// Number of imgtool images the manifest must hold (the test fails if it drops).
const IMAGE_COUNT: usize = 13;

fn keys(entries: &[Entry]) -> (Vec<[u8; 32]>, Vec<[u8; 65]>) {
    let mut ed = Vec::new();
    let mut ec = Vec::new();
    for e in entries {
        let pk = e.pubkey();
        match pk.len() {
            32 => ed.push(pk.try_into().unwrap()),
            65 => ec.push(pk.try_into().unwrap()),
            n => panic!("bad key length {n}"),
        }
    }
    ed.dedup();
    ec.dedup();
    (ed, ec)
}

/// A verifier of both algorithms and both hashes over `ed` and `ec`, accepting images
/// without a security counter.
fn verifier_any<'a>(
    ed: &[[u8; 32]],
    ec: &[[u8; 65]],
) -> Verifier<'a, TestBackend, AnyAlgorithm, Sha256OrSha512> {
    Verifier::any(&mut TestBackend, ed, ec)
        .unwrap()
        .allow_missing_security_counter()
        .with_sha512(&mut TestBackend)
        .unwrap()
}

fn verify_slice_any(
    ed: &[[u8; 32]],
    ec: &[[u8; 65]],
    img: &[u8],
    counter: u32,
) -> Result<VerifiedImage, ImageError> {
    let v = verifier_any(ed, ec);
    v.verify_slice(
        &mut TestBackend,
        img,
        &mut TestCounter {
            value: counter,
            writes: 0,
        },
    )
}

fn verify_flash_any(
    ed: &[[u8; 32]],
    ec: &[[u8; 65]],
    img: &[u8],
    chunk: usize,
) -> Result<VerifiedImage, ImageError> {
    // The image in the middle of a larger "flash", with erased bytes after it.
    let mut flash_bytes = vec![0xA5u8; 0x1000];
    flash_bytes.extend_from_slice(img);
    flash_bytes.resize(flash_bytes.len() + 0x800, 0xFF);
    // The slot ends 0x800 bytes after the image: room for MCUboot's swap trailer for write
    // size 1 (432 bytes), which the verifier keeps clear by default.
    let slot = Slot::new(0x1000, (img.len() + 0x800) as u32, 1);
    let mut buf = vec![0u8; chunk];
    let v = verifier_any(ed, ec);
    stream_slot(&v, &flash_bytes, slot, &mut buf)
}

#[test]
fn every_imgtool_image_is_accepted() {
    let entries = manifest();
    assert_eq!(entries.len(), IMAGE_COUNT, "manifest record count changed");
    let (ed, ec) = keys(&entries);
    let mut accepted = 0;
    for e in &entries {
        let file = e.get("file");
        let v =
            verify_slice_any(&ed, &ec, &e.image, 0).unwrap_or_else(|err| panic!("{file}: {err}"));
        let (a, b, c, d) = parse_version(e.get("version"));
        assert_eq!(v.version(), ImageVersion::new(a, b, c, d), "{file}");
        let sc = e.get("security_counter");
        assert_eq!(
            v.security_counter(),
            (!sc.is_empty()).then(|| sc.parse().unwrap()),
            "{file}"
        );
        assert_eq!(v.key_id(), &e.keyid(), "{file}");
        let kind = match e.get("scheme") {
            "ecdsa-p256" => AlgorithmId::EcdsaP256,
            _ => AlgorithmId::Ed25519,
        };
        assert_eq!(v.algorithm(), kind, "{file}");
        assert_eq!(v.is_pure(), e.get("scheme") == "ed25519-pure", "{file}");
        let alg = if e.get("hash") == "sha512" {
            HashAlg::Sha512
        } else {
            HashAlg::Sha256
        };
        assert_eq!(v.digest().alg(), alg, "{file}");
        if file == "ed25519-deps-sc.img" {
            let deps = v.dependencies();
            assert_eq!(deps.len(), 2);
            assert_eq!(
                (deps[0].image_id, deps[0].min_version),
                (1, ImageVersion::new(2, 3, 4, 5))
            );
            assert_eq!(
                (deps[1].image_id, deps[1].min_version),
                (2, ImageVersion::new(0, 1, 0, 0))
            );
        }

        // Streaming with a 64-byte chunk gives the same result (pure images need a slice).
        let streamed = verify_flash_any(&ed, &ec, &e.image, 64);
        if v.is_pure() {
            assert_eq!(streamed.unwrap_err(), ImageError::PureNeedsSlice, "{file}");
        } else {
            let s = streamed.unwrap_or_else(|err| panic!("{file} streamed: {err}"));
            assert_eq!(s.digest(), v.digest(), "{file}");
            assert_eq!(s.version(), v.version());
            assert_eq!(s.security_counter(), v.security_counter());
            assert_eq!(s.key_id(), v.key_id());
            // Odd chunk sizes too.
            for chunk in [1, 7, 4096] {
                let s = verify_flash_any(&ed, &ec, &e.image, chunk).unwrap();
                assert_eq!(s.digest(), v.digest());
            }
        }
        accepted += 1;
    }
    println!("imgtool images accepted: {accepted}");
    assert_eq!(accepted, IMAGE_COUNT);
}

#[test]
fn single_scheme_verifiers() {
    let e = entry("ed25519-hash-sc.img");
    let pk: [u8; 32] = e.pubkey().try_into().unwrap();
    let v = Verifier::ed25519(&mut TestBackend, core::slice::from_ref(&pk)).unwrap();
    v.verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
        .unwrap();
    let ecdsa = entry("ecdsa-p256-hash-sc.img");
    assert_eq!(
        v.verify_slice(&mut TestBackend, &ecdsa.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::AlgorithmNotAccepted
    );
    let epk: [u8; 65] = ecdsa.pubkey().try_into().unwrap();
    let v = Verifier::ecdsa_p256(&mut TestBackend, core::slice::from_ref(&epk)).unwrap();
    v.verify_slice(&mut TestBackend, &ecdsa.image, &mut TestCounter::default())
        .unwrap();
    assert_eq!(
        v.verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::AlgorithmNotAccepted
    );
    // Without with_sha512, a SHA-512 image is refused as unsupported.
    let v = Verifier::ed25519(&mut TestBackend, core::slice::from_ref(&pk)).unwrap();
    let e512 = entry("ed25519-sha512-sc.img");
    assert_eq!(
        v.verify_slice(&mut TestBackend, &e512.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::UnsupportedHash
    );
    v.clone()
        .with_sha512(&mut TestBackend)
        .unwrap()
        .verify_slice(&mut TestBackend, &e512.image, &mut TestCounter::default())
        .unwrap();
    // Security counter required by default.
    let nosc = entry("ed25519-full.img");
    assert_eq!(
        v.verify_slice(&mut TestBackend, &nosc.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::MissingSecurityCounter
    );
}

fn flip_all_bits(
    name: &str,
    img: &[u8],
    check: impl Fn(&[u8]) -> Result<VerifiedImage, ImageError>,
) -> (usize, usize) {
    let mut tried = 0;
    let mut accepted = 0;
    let mut tampered = img.to_vec();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..img.len() {
        for bit in 0..8 {
            tampered[i] ^= 1 << bit;
            tried += 1;
            match check(&tampered) {
                Ok(_) => {
                    accepted += 1;
                    println!("{name}: flip byte {i} bit {bit} ACCEPTED");
                }
                Err(e) => *seen.entry(format!("{e:?}")).or_default() += 1,
            }
            tampered[i] ^= 1 << bit;
        }
    }
    println!("{name}: {tried} single-bit flips tried, {accepted} accepted; rejections: {seen:?}");
    (tried, accepted)
}

#[test]
fn every_single_bit_flip_of_the_small_ed25519_image_is_rejected() {
    let e = entry("ed25519-small-sc.img");
    let pk: [u8; 32] = e.pubkey().try_into().unwrap();
    let keys = [pk];
    let v = Verifier::ed25519(&mut TestBackend, &keys).unwrap();
    v.verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
        .unwrap();
    let (tried, accepted) = flip_all_bits("ed25519-small-sc.img", &e.image, |img| {
        v.verify_slice(&mut TestBackend, img, &mut TestCounter::default())
    });
    assert_eq!(tried, e.image.len() * 8);
    assert_eq!(accepted, 0);
}

#[test]
fn every_single_bit_flip_of_the_small_ecdsa_image_is_rejected_streaming() {
    let e = entry("ecdsa-p256-small-sc.img");
    let pk: [u8; 65] = e.pubkey().try_into().unwrap();
    let keys = [pk];
    let v = Verifier::ecdsa_p256(&mut TestBackend, &keys).unwrap();
    let (tried, accepted) = flip_all_bits("ecdsa-p256-small-sc.img", &e.image, |img| {
        let mut buf = [0u8; 64];
        let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
        stream_slot(&v, img, slot, &mut buf)
    });
    assert_eq!(tried, e.image.len() * 8);
    assert_eq!(accepted, 0);
}

#[test]
fn truncation_at_every_tlv_boundary_is_rejected() {
    let entries = manifest();
    let (ed, ec) = keys(&entries);
    let mut tried = 0;
    for e in &entries {
        let mut cuts = tlv_boundaries(&e.image);
        // Also inside the header, the body and one byte short of the end.
        cuts.extend([0, 16, 31, 32, 0x100, e.image.len() - 1]);
        for cut in cuts {
            if cut >= e.image.len() {
                continue;
            }
            tried += 1;
            let r = verify_slice_any(&ed, &ec, &e.image[..cut], 0);
            assert!(r.is_err(), "{} cut at {cut} accepted", e.get("file"));
        }
    }
    println!("truncations tried: {tried}, accepted: 0");
}

#[test]
fn wrong_revoked_and_rolled_back() {
    let e = entry("ed25519-hash-sc.img");
    let pk: [u8; 32] = e.pubkey().try_into().unwrap();
    let other = synthetic_public();
    // Wrong key.
    let wrong = [other];
    assert_eq!(
        Verifier::ed25519(&mut TestBackend, &wrong)
            .unwrap()
            .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::UnknownKey
    );
    // Full-key images: the embedded key must be trusted, too.
    let full = entry("ed25519-full-sc.img");
    assert_eq!(
        Verifier::ed25519(&mut TestBackend, &wrong)
            .unwrap()
            .verify_slice(&mut TestBackend, &full.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::UnknownKey
    );
    // Revoked, even though trusted.
    let both = [other, pk];
    let revoked = [e.keyid()];
    for img in [&e.image, &full.image] {
        assert_eq!(
            Verifier::ed25519(&mut TestBackend, &both)
                .unwrap()
                .revoked(&revoked)
                .verify_slice(&mut TestBackend, img, &mut TestCounter::default())
                .unwrap_err(),
            ImageError::KeyRevoked
        );
    }
    // Second key in the list is found.
    Verifier::ed25519(&mut TestBackend, &both)
        .unwrap()
        .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
        .unwrap();
    // Rollback: device counter above the image's.
    let sc = 0x0102_0003;
    let v = Verifier::ed25519(&mut TestBackend, &both).unwrap();
    let mut counter = TestCounter {
        value: sc + 1,
        writes: 0,
    };
    assert_eq!(
        v.verify_slice(&mut TestBackend, &e.image, &mut counter)
            .unwrap_err(),
        ImageError::Rollback
    );
    // Equal counter is fine; verification never writes.
    let mut counter = TestCounter {
        value: sc,
        writes: 0,
    };
    let img = v
        .verify_slice(&mut TestBackend, &e.image, &mut counter)
        .unwrap();
    assert_eq!(counter.writes, 0);
    // Downgrade by version.
    assert_eq!(
        v.clone()
            .min_version(ImageVersion::new(1, 2, 4, 0))
            .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
            .unwrap_err(),
        ImageError::Downgrade
    );
    v.min_version(ImageVersion::new(1, 2, 3, 99))
        .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
        .unwrap();
    assert_eq!(img.security_counter(), Some(sc));
}

#[test]
fn confirm_raises_the_counter_after_boot() {
    let e = entry("ed25519-hash-sc.img");
    let old = entry("ed25519-full-sc.img"); // security counter 7
    let pk: [u8; 32] = e.pubkey().try_into().unwrap();
    let keys = [pk];
    let v = Verifier::ed25519(&mut TestBackend, &keys).unwrap();
    let mut counter = TestCounter::default();
    let img = v
        .verify_slice(&mut TestBackend, &e.image, &mut counter)
        .unwrap();
    // Before confirm, the older image still verifies (fallback stays possible).
    v.verify_slice(&mut TestBackend, &old.image, &mut counter)
        .unwrap();
    assert_eq!(confirm(&img, &mut counter).unwrap(), 0x0102_0003);
    assert_eq!(counter.writes, 1);
    assert_eq!(
        v.verify_slice(&mut TestBackend, &old.image, &mut counter)
            .unwrap_err(),
        ImageError::Rollback
    );
    // Confirming again is a no-op.
    assert_eq!(confirm(&img, &mut counter).unwrap(), 0x0102_0003);
    assert_eq!(counter.writes, 1);
    // An older verified image cannot be confirmed after a newer one.
    let mut c2 = TestCounter::default();
    let older = v
        .verify_slice(&mut TestBackend, &old.image, &mut c2)
        .unwrap();
    assert_eq!(
        confirm(&older, &mut counter).unwrap_err(),
        ImageError::Rollback
    );
}

#[test]
fn any_scheme_and_api_error_mapping() {
    let entries = manifest();
    let (ed, ec) = keys(&entries);
    let v: Verifier<'_, TestBackend, AnyAlgorithm, _> = Verifier::any(&mut TestBackend, &ed, &ec)
        .unwrap()
        .allow_missing_security_counter();
    let e = entry("ecdsa-p256-full.img");
    v.verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
        .unwrap();
    let mut bad = e.image.clone();
    let n = bad.len();
    bad[n - 5] ^= 1; // inside the DER signature
    let err = v
        .verify_slice(&mut TestBackend, &bad, &mut TestCounter::default())
        .unwrap_err();
    assert_eq!(err, ImageError::Signature);
    assert_eq!(
        bulwark_api::Error::from(err),
        bulwark_api::Error::Verification
    );
    assert_eq!(
        bulwark_api::Error::from(ImageError::BadMagic),
        bulwark_api::Error::InvalidInput
    );
    let _ = (Ed25519, EcdsaP256);
}
