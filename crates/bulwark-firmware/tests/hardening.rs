//! Attacks on the verifier's use of flash: flash that answers differently on a second read
//! (an interposer on external flash, another bus master, a task writing the slot), and images
//! that reach into the slot's trailer.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_firmware::{
    ImageError, ImageVersion, OutOfBounds, Slot, VerifiedImage, Verifier, format::flags,
    trailer_size,
};
use common::*;
use embedded_storage::ReadStorage;

/// Flash that answers the first read of each byte from `first` and every later read from
/// `then`, and counts the reads of each byte.
struct TwoFaced {
    first: Vec<u8>,
    then: Vec<u8>,
    reads: Vec<u32>,
}

impl TwoFaced {
    fn new(first: Vec<u8>, then: Vec<u8>) -> Self {
        assert_eq!(first.len(), then.len());
        let reads = vec![0; then.len()];
        Self { first, then, reads }
    }

    /// Flash that always answers the same.
    fn honest(img: &[u8]) -> Self {
        Self::new(img.to_vec(), img.to_vec())
    }
}

impl ReadStorage for TwoFaced {
    type Error = OutOfBounds;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), OutOfBounds> {
        let start = offset as usize;
        if start + bytes.len() > self.then.len() {
            return Err(OutOfBounds);
        }
        for (i, b) in bytes.iter_mut().enumerate() {
            let at = start + i;
            *b = if self.reads[at] == 0 {
                self.first[at]
            } else {
                self.then[at]
            };
            self.reads[at] += 1;
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.then.len()
    }
}

/// A slot of `size` bytes at 0, for flash write size `align`, with MCUboot's default trailer
/// (`trailer: None`) or `trailer` bytes.
fn slot(size: u32, align: u8, trailer: Option<u32>) -> Slot {
    let slot = Slot::new(0, size, align);
    match trailer {
        Some(bytes) => slot.with_trailer_size(bytes),
        None => slot,
    }
}

/// A slot covering the whole flash, without a trailer.
fn whole(flash: &impl ReadStorage) -> Slot {
    slot(flash.capacity() as u32, 1, Some(0))
}

fn verifier(keys: &[[u8; 32]]) -> Verifier<'_, TestBackend, bulwark_firmware::Ed25519> {
    Verifier::ed25519(&mut TestBackend, keys).unwrap()
}

fn stream(
    v: &Verifier<'_, TestBackend, bulwark_firmware::Ed25519>,
    flash: &mut TwoFaced,
    chunk: usize,
    device_counter: u32,
) -> Result<VerifiedImage, ImageError> {
    let slot = whole(flash);
    let mut buf = vec![0u8; chunk];
    let mut counter = TestCounter {
        value: device_counter,
        writes: 0,
    };
    v.verify_flash(&mut TestBackend, flash, slot, &mut buf, &mut counter)
}

fn body(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 13 + (i >> 7)) as u8).collect()
}

/// The image with `bytes` written at `at` (an unsigned edit: the signature no longer matches).
fn patched(img: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut out = img.to_vec();
    out[at..at + bytes.len()].copy_from_slice(bytes);
    out
}

/// Offset of the protected area (header + body).
fn prot_off(img: &[u8]) -> usize {
    let hdr = u16::from_le_bytes([img[8], img[9]]) as usize;
    hdr + u32::from_le_bytes(img[12..16].try_into().unwrap()) as usize
}

// ---------------------------------------------------------------- one read per byte

#[test]
fn a_value_read_differently_the_second_time_is_refused() {
    let keys = [synthetic_public()];
    // A genuine, old image: security counter 3, version 1.0.0, no flags, load address 0, one
    // dependency on image 1 at 2.0.0.
    let mut b = Build::new(body(700), Some(3));
    b.protected
        .push((0x40, [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0].to_vec()));
    let img = b.build(|_| {});
    let sc = prot_off(&img) + 4 + 4;
    let dep = sc + 4 + 4;
    assert_eq!(&img[sc..sc + 4], &3u32.to_le_bytes());

    // Each row: what the first read shows instead of the genuine bytes.
    let rows: [(&str, usize, Vec<u8>); 5] = [
        (
            "security counter 0xFFFFFFFF",
            sc,
            u32::MAX.to_le_bytes().to_vec(),
        ),
        ("version 9.0.0 above the floor", 20, vec![9, 0, 0, 0]),
        ("flags RAM_LOAD", 16, flags::RAM_LOAD.to_le_bytes().to_vec()),
        ("load address", 4, 0x2000_0000u32.to_le_bytes().to_vec()),
        ("dependency minimum 0.0.0", dep + 4, vec![0, 0, 0, 0]),
    ];
    let v = verifier(&keys).min_version(ImageVersion::new(1, 0, 0, 0));
    // The honest image verifies, and reports its own values.
    let ok = stream(&v, &mut TwoFaced::honest(&img), 64, 3).unwrap();
    assert_eq!(ok.security_counter(), Some(3));
    for (name, at, bytes) in rows {
        for chunk in [1, 7, 64, 4096] {
            let mut flash = TwoFaced::new(patched(&img, at, &bytes), img.clone());
            let r = stream(&v, &mut flash, chunk, 3);
            // The bytes the checks used are the bytes that were hashed: the edit is a hash
            // mismatch, never an accepted image that reports the edited value.
            assert_eq!(
                r.as_ref().map(|_| ()).map_err(|e| *e),
                Err(ImageError::HashMismatch),
                "{name}, chunk {chunk}: {:?}",
                r.as_ref().map(|i| (
                    i.security_counter(),
                    i.version(),
                    i.flags(),
                    i.load_addr(),
                    i.dependencies().to_vec()
                ))
            );
        }
    }
    // The downgrade case in detail: the genuine image is below a 2.0.0 floor; a first read
    // that shows 9.0.0 must not let it through.
    let v2 = verifier(&keys).min_version(ImageVersion::new(2, 0, 0, 0));
    assert_eq!(
        stream(&v2, &mut TwoFaced::honest(&img), 64, 0).unwrap_err(),
        ImageError::Downgrade
    );
    let mut flash = TwoFaced::new(patched(&img, 20, &[9, 0, 0, 0]), img.clone());
    assert_eq!(
        stream(&v2, &mut flash, 64, 0).unwrap_err(),
        ImageError::HashMismatch
    );
    // And the rollback case: device counter 4 refuses the genuine counter-3 image; a first
    // read of 0xFFFFFFFF must not pass (and `confirm` never gets to raise the counter).
    assert_eq!(
        stream(&v, &mut TwoFaced::honest(&img), 64, 4).unwrap_err(),
        ImageError::Rollback
    );
    let mut flash = TwoFaced::new(patched(&img, sc, &u32::MAX.to_le_bytes()), img.clone());
    assert_eq!(
        stream(&v, &mut flash, 64, 4).unwrap_err(),
        ImageError::HashMismatch
    );
}

#[test]
fn every_byte_is_read_from_flash_at_most_once() {
    let keys = [synthetic_public()];
    let mut with_deps = Build::new(body(1000), Some(7));
    with_deps.protected.push((0x40, vec![1; 12]));
    with_deps.protected.push((0x40, vec![2; 12]));
    let mut small_header = Build::new(body(33), None);
    small_header.hdr_size = 32;
    let images = [
        ("KEYHASH, counter, 2 dependencies", with_deps.build(|_| {})),
        (
            "PUBKEY, no protected area",
            Build::new(body(500), None).build(|u| {
                u[1] = (0x02, spki(&synthetic_public()));
            }),
        ),
        ("32-byte header", small_header.build(|_| {})),
        (
            "vendor TLV",
            Build::new(body(64), Some(1)).build(|u| u.insert(1, (0x00A0, vec![5; 9]))),
        ),
    ];
    let v = verifier(&keys).allow_missing_security_counter();
    for (name, img) in &images {
        for chunk in [1, 3, 64, 4096] {
            let mut flash = TwoFaced::honest(img);
            stream(&v, &mut flash, chunk, 0).unwrap();
            let most = flash.reads.iter().copied().max().unwrap();
            let first_twice = flash.reads.iter().position(|&n| n > 1);
            assert_eq!(
                most, 1,
                "{name}, chunk {chunk}: byte {first_twice:?} read twice"
            );
        }
    }
}

// ---------------------------------------------------------------- trailer

/// An image signed for a slot of `slot_size` bytes (no padding), filled to `len` bytes with a
/// vendor TLV.
fn image_of_len(len: usize) -> Vec<u8> {
    let plain = Build::new(body(1000), Some(1)).build(|_| {});
    let extra = len - plain.len() - 4;
    let img = Build::new(body(1000), Some(1)).build(|u| u.push((0x00A0, vec![0xEE; extra])));
    assert_eq!(img.len(), len);
    img
}

#[test]
fn the_image_may_not_reach_into_the_trailer() {
    let keys = [synthetic_public()];
    let v = verifier(&keys);
    let slot_size = 0x4000u32;
    for align in [1u8, 4, 8, 32] {
        let trailer = trailer_size(align).unwrap();
        let room = slot_size as usize - trailer;
        for (len, expected) in [
            (room - 1, Ok(())),
            (room, Ok(())),
            (room + 1, Err(ImageError::TlvAreaOutOfBounds)),
            (slot_size as usize - 16, Err(ImageError::TlvAreaOutOfBounds)),
            (slot_size as usize, Err(ImageError::TlvAreaOutOfBounds)),
        ] {
            let mut flash = image_of_len(len);
            flash.resize(slot_size as usize, 0xFF);
            let mut buf = [0u8; 64];
            let slot = slot(slot_size, align, None);
            let r = stream_slot(&v, &flash, slot, &mut buf).map(|_| ());
            assert_eq!(r, expected, "align {align}, image {len} of {slot_size}");
        }
    }
}

#[test]
fn slot_trailer_configuration() {
    let keys = [synthetic_public()];
    let v = verifier(&keys);
    let img = image_of_len(2000);
    let mut flash = img.clone();
    flash.resize(0x4000, 0xFF);
    let run = |slot: Slot| {
        let mut buf = [0u8; 64];
        stream_slot(&v, &flash, slot, &mut buf).map(|_| ())
    };
    let rows = [
        // An alignment MCUboot has no trailer for, unless the size is given.
        (slot(0x4000, 3, None), Err(ImageError::SlotTrailer)),
        (slot(0x4000, 0, None), Err(ImageError::SlotTrailer)),
        (slot(0x4000, 64, None), Err(ImageError::SlotTrailer)),
        (slot(0x4000, 3, Some(0x100)), Ok(())),
        // A trailer larger than the slot.
        (slot(0x4000, 1, Some(0x4001)), Err(ImageError::SlotTrailer)),
        (slot(3000, 8, None), Err(ImageError::SlotTrailer)),
        // Explicit sizes around the image's end (2000 bytes).
        (slot(0x4000, 1, Some(0x4000 - 2000)), Ok(())),
        (
            slot(0x4000, 1, Some(0x4000 - 1999)),
            Err(ImageError::TlvAreaOutOfBounds),
        ),
        // The body itself reaching into the trailer.
        (
            slot(0x4000, 1, Some(0x4000 - 600)),
            Err(ImageError::ImageOutOfBounds),
        ),
        (slot(0x4000, 1, Some(0x4000)), Err(ImageError::BadMagic)),
    ];
    for (s, expected) in rows {
        assert_eq!(run(s), expected, "{s:?}");
    }
    assert_eq!(slot(0x4000, 8, None).image_limit(), Ok(0x4000 - 3120));
    assert_eq!(slot(0x4000, 32, None).image_limit(), Ok(0x4000 - 12448));
    assert_eq!(
        bulwark_api::Error::from(ImageError::SlotTrailer),
        bulwark_api::Error::InvalidInput
    );
}

/// The builder and the verifier agree on the room a slot leaves: the largest image
/// `ImageBuilder` signs for `--slot-size S --align A` verifies in `Slot::new(_, S, A)`.
#[test]
fn the_builders_largest_image_fits_the_verifiers_slot() {
    use bulwark_api::{SecretBytes, sig::Sign};
    use bulwark_firmware::{AlgorithmId, ImageBuilder};
    let keys = [synthetic_public()];
    let v = verifier(&keys);
    let mut seed = TEST_SEED;
    let key = Sign::<bulwark_firmware::Ed25519>::import_signing_key(
        &mut TestBackend,
        SecretBytes::take_from(&mut seed),
    )
    .unwrap();
    let slot_size = 0x8000u32;
    for align in [1u8, 2, 4, 8, 16, 32] {
        let builder = ImageBuilder::new(ImageVersion::new(1, 0, 0, 0))
            .header_size(0x200)
            .pad_header(true)
            .security_counter(Some(1))
            .align(align)
            .slot_size(slot_size);
        // header 0x200 + payload + protected area 12 + unprotected area 144.
        let room = slot_size as usize - trailer_size(align).unwrap() - 0x200 - 12 - 144;
        let mut out = vec![0u8; slot_size as usize];
        assert!(
            builder
                .sign_ed25519(&mut TestBackend, &key, &body(room + 1), &mut out)
                .is_err(),
            "align {align}"
        );
        let n = builder
            .sign_ed25519(&mut TestBackend, &key, &body(room), &mut out)
            .unwrap();
        assert_eq!(n, slot_size as usize - trailer_size(align).unwrap());
        assert!(builder.max_image_len(AlgorithmId::Ed25519, room).is_ok());
        out.iter_mut().skip(n).for_each(|b| *b = 0xFF);
        let mut buf = [0u8; 256];
        stream_slot(&v, &out, Slot::new(0, slot_size, align), &mut buf).unwrap();
    }
}

// ---------------------------------------------------------------- hash and curve

/// An ECDSA P-256 image hashed with SHA-512 (which neither imgtool nor MCUboot make: P-256
/// goes with SHA-256), correctly signed over the SHA-512 digest truncated to 256 bits, is
/// refused before any crypto.
#[test]
fn ecdsa_p256_with_a_sha512_hash_is_refused() {
    use bulwark_api::{
        encoding::spki_der,
        hash::Sha512,
        sig::{AlgorithmId, EcdsaP256Signature, Sign, Verify},
    };
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let scalar = [0x11u8; 32];
    let mut soft = TestBackend;
    let key = Sign::<bulwark_api::sig::EcdsaP256>::import_signing_key(
        &mut soft,
        bulwark_api::SecretBytes::try_from_slice(&scalar).unwrap(),
    )
    .unwrap();
    let public = Sign::<bulwark_api::sig::EcdsaP256>::signing_public(&mut soft, &key).unwrap();
    let raw: [u8; 65] = Verify::<bulwark_api::sig::EcdsaP256>::export_public(&mut soft, &public)
        .as_ref()
        .try_into()
        .unwrap();
    let spki = spki_der(AlgorithmId::EcdsaP256, &raw).unwrap();

    let signed = Build::new(body(400), Some(1)).build(|_| {});
    let region = &signed[..prot_off(&signed) + 12];
    let digest: [u8; 64] = Sha512::digest(&mut soft, &[region]).unwrap();
    let key_hash: [u8; 64] = Sha512::digest(&mut soft, &[spki.as_ref()]).unwrap();
    let p256_key = p256::ecdsa::SigningKey::from_slice(&scalar).unwrap();
    let sig: p256::ecdsa::Signature = p256_key.sign_prehash(&digest).unwrap();
    let fixed: [u8; 64] = sig.to_bytes().as_slice().try_into().unwrap();
    let der = EcdsaP256Signature::from_fixed(&fixed).to_der();
    let mut img = region.to_vec();
    img.extend_from_slice(&tlv_area(
        0x6907,
        &[
            (0x12, digest.to_vec()),
            (0x01, key_hash.to_vec()),
            (0x22, der.as_ref().to_vec()),
        ],
    ));
    let keys = [raw];
    let v = Verifier::ecdsa_p256(&mut soft, &keys)
        .unwrap()
        .with_sha512(&mut soft)
        .unwrap();
    let r = v.verify_slice(&mut soft, &img, &mut TestCounter::default());
    assert_eq!(r.map(|_| ()), Err(ImageError::UnsupportedHash));
}
