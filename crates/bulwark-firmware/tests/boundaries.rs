//! Boundary lengths and values for the verifier's public API (the image builder, `build.rs`, is
//! not covered here): the slot, the chunk buffer, the image length (the committed imgtool
//! images of `test-vectors/mcuboot` cut and extended at every area edge), the header's size
//! fields, both TLV areas' totals, every known TLV's value length, the TLV type ranges, the
//! security counter, the minimum version and `confirm`. Each row asserts the exact
//! [`ImageError`]; a refused image is never returned as a `VerifiedImage`, and the streaming
//! and in-memory paths agree on every row.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_firmware::{
    ImageError, ImageVersion, SliceStorage, Slot, VerifiedImage, Verifier, confirm,
};
use common::*;
use embedded_storage::ReadStorage;

type R = Result<(), ImageError>;

/// Asserts every `(input, expected)` row against `f`.
fn table<T: core::fmt::Debug + PartialEq + Clone>(
    name: &str,
    rows: &[(usize, T)],
    mut f: impl FnMut(usize) -> T,
) {
    for (input, expected) in rows {
        assert_eq!(f(*input), *expected, "{name}: {input}");
    }
    println!("{name}: {} boundary cases", rows.len());
}

fn ed_key(e: &Entry) -> [u8; 32] {
    e.pubkey().try_into().unwrap()
}

fn ec_key(e: &Entry) -> [u8; 65] {
    e.pubkey().try_into().unwrap()
}

/// Verifies `img` from a slice and by streaming (64-byte chunks, slot = the whole buffer);
/// both must give the same verdict.
fn check_any(ed: &[[u8; 32]], ec: &[[u8; 65]], img: &[u8], counter: u32) -> R {
    let v = Verifier::any(&mut TestBackend, ed, ec)
        .unwrap()
        .allow_missing_security_counter()
        .with_sha512(&mut TestBackend)
        .unwrap();
    let mut c = TestCounter {
        value: counter,
        writes: 0,
    };
    let slice = v.verify_slice(&mut TestBackend, img, &mut c).map(|_| ());
    let mut flash = SliceStorage::new(img);
    let slot = Slot {
        offset: 0,
        size: img.len() as u32,
    };
    let mut buf = [0u8; 64];
    let streamed = v
        .verify_flash(&mut TestBackend, &mut flash, slot, &mut buf, &mut c)
        .map(|_| ());
    if streamed != Err(ImageError::PureNeedsSlice) {
        assert_eq!(slice, streamed, "slice and stream disagree");
    }
    assert_eq!(c.writes, 0, "verification wrote the counter");
    slice
}

fn check_ed(e: &Entry, img: &[u8]) -> R {
    check_any(&[ed_key(e)], &[], img, 0)
}

fn check_ec(e: &Entry, img: &[u8]) -> R {
    check_any(&[], &[ec_key(e)], img, 0)
}

fn le16(img: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([img[at], img[at + 1]]))
}

/// Offset of the unprotected TLV area.
fn tlv_off(img: &[u8]) -> usize {
    let img_size = u32::from_le_bytes(img[12..16].try_into().unwrap()) as usize;
    le16(img, 8) + img_size + le16(img, 10)
}

/// The image with its unprotected TLV entries edited (they are not hashed, so the image stays
/// valid when `edit` changes nothing).
fn edit_unprotected(img: &[u8], edit: impl FnOnce(&mut Vec<(u16, Vec<u8>)>)) -> Vec<u8> {
    let off = tlv_off(img);
    let end = off + le16(img, off + 2);
    let mut entries = Vec::new();
    let mut at = off + 4;
    while at < end {
        let len = le16(img, at + 2);
        entries.push((le16(img, at) as u16, img[at + 4..at + 4 + len].to_vec()));
        at += 4 + len;
    }
    edit(&mut entries);
    let mut out = img[..off].to_vec();
    out.extend_from_slice(&tlv_area(0x6907, &entries));
    out
}

/// Replaces the value of the entry of type `kind` by `value`.
fn set_tlv(img: &[u8], kind: u16, value: Vec<u8>) -> Vec<u8> {
    edit_unprotected(img, |entries| {
        let entry = entries.iter_mut().find(|(t, _)| *t == kind).unwrap();
        entry.1 = value;
    })
}

/// `n` bytes: `base` cut or extended with zeros.
fn resized(base: &[u8], n: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    v.resize(n, 0);
    v
}

// ---------------------------------------------------------------- image length

#[test]
fn verify_slice_image_len() {
    // ed25519-hash-sc.img: header 512, body 4096, protected area 12 (4608..4620), unprotected
    // area 144 (4620..4764).
    let e = entry("ed25519-hash-sc.img");
    let img = &e.image;
    assert_eq!((img.len(), tlv_off(img)), (4764, 4620));
    let rows = [
        (0, Err(ImageError::BadMagic)),
        (1, Err(ImageError::BadMagic)),
        (31, Err(ImageError::BadMagic)),
        (32, Err(ImageError::ImageOutOfBounds)),
        (4607, Err(ImageError::ImageOutOfBounds)),
        (4608, Err(ImageError::ImageOutOfBounds)),
        (4619, Err(ImageError::ImageOutOfBounds)),
        (4620, Err(ImageError::TlvAreaOutOfBounds)),
        (4623, Err(ImageError::TlvAreaOutOfBounds)),
        (4624, Err(ImageError::TlvAreaOutOfBounds)),
        (4763, Err(ImageError::TlvAreaOutOfBounds)),
        (4764, Ok(())),
        (4765, Ok(())),
        (4764 + 0x2_0000, Ok(())),
    ];
    table("Verifier::verify_slice image length", &rows, |n| {
        let mut cut = img.clone();
        cut.resize(n, 0xFF); // longer: erased flash after the image
        check_ed(&e, &cut)
    });
}

#[test]
fn verify_slice_image_len_without_protected_area() {
    let e = entry("ed25519-full.img");
    let img = &e.image;
    assert_eq!((img.len(), tlv_off(img)), (4764, 4608));
    let rows = [
        (4607, Err(ImageError::ImageOutOfBounds)),
        (4608, Err(ImageError::TlvAreaOutOfBounds)),
        (4611, Err(ImageError::TlvAreaOutOfBounds)),
        (4612, Err(ImageError::TlvAreaOutOfBounds)),
        (4763, Err(ImageError::TlvAreaOutOfBounds)),
        (4764, Ok(())),
        (4765, Ok(())),
    ];
    table(
        "Verifier::verify_slice image length (no protected area)",
        &rows,
        |n| check_ed(&e, &resized(img, n)),
    );
}

// ---------------------------------------------------------------- slot and chunk buffer

/// The image at offset 0x1000 of a flash with 0x800 erased bytes after it.
fn flash_with(img: &[u8]) -> Vec<u8> {
    let mut flash = vec![0xA5u8; 0x1000];
    flash.extend_from_slice(img);
    flash.resize(flash.len() + 0x800, 0xFF);
    flash
}

fn verify_flash(img_in_flash: &[u8], slot: Slot, buf_len: usize, key: [u8; 32]) -> R {
    let mut flash = SliceStorage::new(img_in_flash);
    let mut buf = vec![0u8; buf_len];
    Verifier::ed25519(&mut TestBackend, &[key])
        .unwrap()
        .verify_flash(
            &mut TestBackend,
            &mut flash,
            slot,
            &mut buf,
            &mut TestCounter::default(),
        )
        .map(|_| ())
}

#[test]
fn verify_flash_buffer_len() {
    let e = entry("ed25519-hash-sc.img");
    let flash = flash_with(&e.image);
    let slot = Slot {
        offset: 0x1000,
        size: e.image.len() as u32,
    };
    let rows = [
        (0, Err(ImageError::BufferTooSmall)),
        (1, Ok(())),
        (2, Ok(())),
        (63, Ok(())),
        (64, Ok(())),
        (4619, Ok(())),
        (4620, Ok(())), // the hashed region exactly
        (4621, Ok(())),
        (1 << 16, Ok(())),
    ];
    table("Verifier::verify_flash buf", &rows, |n| {
        verify_flash(&flash, slot, n, ed_key(&e))
    });
}

#[test]
fn verify_flash_slot() {
    let e = entry("ed25519-hash-sc.img");
    let flash = flash_with(&e.image);
    let cap = flash.len() as u32;
    let len = e.image.len() as u32;
    // (offset, size) by row number.
    let slots = [
        (0x1000, len - 1, Err(ImageError::TlvAreaOutOfBounds)),
        (0x1000, len, Ok(())),
        (0x1000, cap - 0x1000, Ok(())), // ends at the flash's end
        (0x1000, cap - 0x1000 + 1, Err(ImageError::SlotOutOfRange)),
        (0x1000, u32::MAX, Err(ImageError::SlotOutOfRange)),
        (u32::MAX, 1, Err(ImageError::SlotOutOfRange)), // offset + size overflows
        (u32::MAX, 0, Err(ImageError::SlotOutOfRange)),
        (cap, 0, Err(ImageError::BadMagic)), // empty slot at the very end
        (cap + 1, 0, Err(ImageError::SlotOutOfRange)),
        (0x1000, 0, Err(ImageError::BadMagic)),
        (0x1000, 31, Err(ImageError::BadMagic)),
        (0x1000, 32, Err(ImageError::ImageOutOfBounds)),
        (0x0fff, len, Err(ImageError::BadMagic)), // one byte early
        (0x1001, len, Err(ImageError::BadMagic)), // one byte late
    ];
    let rows: Vec<(usize, R)> = slots.iter().enumerate().map(|(i, s)| (i, s.2)).collect();
    table("Verifier::verify_flash slot (offset, size)", &rows, |i| {
        let (offset, size, _) = slots[i];
        verify_flash(&flash, Slot { offset, size }, 64, ed_key(&e))
    });
}

#[test]
fn slice_storage_read() {
    let data = [7u8; 100];
    let rows = [
        (0, Ok(())),  // (0, 0)
        (1, Ok(())),  // (99, 1)
        (2, Ok(())),  // (100, 0)
        (3, Err(())), // (100, 1)
        (4, Err(())), // (101, 0)
        (5, Ok(())),  // (0, 100)
        (6, Err(())), // (0, 101)
        (7, Err(())), // (u32::MAX, 1)
    ];
    let reads = [
        (0, 0),
        (99, 1),
        (100, 0),
        (100, 1),
        (101, 0),
        (0, 100),
        (0, 101),
        (u32::MAX, 1),
    ];
    let mut s = SliceStorage::new(&data);
    assert_eq!(s.capacity(), 100);
    table("SliceStorage::read (offset, len)", &rows, |i| {
        let (offset, len) = reads[i];
        let mut out = vec![0xEE; len];
        let r = s.read(offset, &mut out).map_err(|_| ());
        if r.is_err() {
            assert!(out.iter().all(|&b| b == 0xEE), "partial read");
        }
        r
    });
}

// ---------------------------------------------------------------- header fields

fn with_header_u16(img: &[u8], at: usize, v: u16) -> Vec<u8> {
    let mut out = img.to_vec();
    out[at..at + 2].copy_from_slice(&v.to_le_bytes());
    out
}

#[test]
fn header_size_field() {
    let e = entry("ed25519-hash-sc.img");
    let rows = [
        (0, Err(ImageError::HeaderTooSmall)),
        (1, Err(ImageError::HeaderTooSmall)),
        (31, Err(ImageError::HeaderTooSmall)),
        (511, Err(ImageError::BadTlvInfoMagic)), // areas looked for one byte early
        (512, Ok(())),
        (513, Err(ImageError::BadTlvInfoMagic)),
        (0xFFFF, Err(ImageError::ImageOutOfBounds)),
    ];
    table("header hdr_size (imgtool image)", &rows, |n| {
        check_ed(&e, &with_header_u16(&e.image, 8, n as u16))
    });
    // Correctly signed images with the smallest and the largest header.
    let key = [synthetic_public()];
    table(
        "header hdr_size (signed)",
        &[(32, Ok(())), (33, Ok(())), (0xFFFF, Ok(()))],
        |n| {
            let mut b = Build::new(vec![1, 2, 3], Some(1));
            b.hdr_size = n as u16;
            check_any(&key, &[], &b.build(|_| {}), 0)
        },
    );
}

#[test]
fn protected_size_field() {
    // The protected area is 12 bytes.
    let e = entry("ed25519-hash-sc.img");
    let m = ImageError::ProtectedSizeMismatch;
    let rows = [
        (0, Err(m)), // undeclared: the area found where the unprotected one should be
        (1, Err(m)),
        (3, Err(m)),
        (4, Err(m)),
        (11, Err(m)),
        (12, Ok(())),
        (13, Err(m)),
        (0xFFFF, Err(ImageError::ImageOutOfBounds)),
    ];
    table("header prot_size", &rows, |n| {
        check_ed(&e, &with_header_u16(&e.image, 10, n as u16))
    });
}

#[test]
fn image_size_field() {
    let e = entry("ed25519-full.img"); // no protected area: body ends at the TLV area
    let set = |v: u32| {
        let mut img = e.image.clone();
        img[12..16].copy_from_slice(&v.to_le_bytes());
        img
    };
    let rows = [
        (4095, Err(ImageError::BadTlvInfoMagic)),
        (4096, Ok(())),
        (4097, Err(ImageError::BadTlvInfoMagic)),
        (4764 - 512, Err(ImageError::TlvAreaOutOfBounds)), // TLV area at the slot's end
        (4764 - 512 + 1, Err(ImageError::ImageOutOfBounds)),
        (u32::MAX as usize - 512, Err(ImageError::ImageOutOfBounds)),
        (u32::MAX as usize - 511, Err(ImageError::ImageOutOfBounds)), // overflows u32
        (u32::MAX as usize, Err(ImageError::ImageOutOfBounds)),
    ];
    table("header img_size", &rows, |n| check_ed(&e, &set(n as u32)));
    // Correctly signed bodies of every small length and across 4 KiB.
    let key = [synthetic_public()];
    let rows: Vec<(usize, R)> = [0, 1, 4095, 4096, 4097].map(|n| (n, Ok(()))).to_vec();
    table("img_size (signed)", &rows, |n| {
        check_any(&key, &[], &Build::new(vec![0x5A; n], None).build(|_| {}), 0)
    });
}

// ---------------------------------------------------------------- TLV areas

#[test]
fn unprotected_area_total() {
    let e = entry("ed25519-hash-sc.img");
    let off = tlv_off(&e.image);
    let set = |v: u16, extra: usize| {
        let mut img = with_header_u16(&e.image, off + 2, v);
        img.resize(img.len() + extra, 0xFF);
        img
    };
    let rows = [
        (0, Err(ImageError::TlvTruncated)),
        (1, Err(ImageError::TlvTruncated)),
        (3, Err(ImageError::TlvTruncated)),
        (4, Err(ImageError::MissingHash)), // an empty area
        (5, Err(ImageError::TlvTruncated)),
        (143, Err(ImageError::TlvTruncated)),
        (144, Ok(())),
        (145, Err(ImageError::TlvAreaOutOfBounds)),
        (0xFFFF, Err(ImageError::TlvAreaOutOfBounds)),
    ];
    table("unprotected area total", &rows, |n| {
        check_ed(&e, &set(n as u16, 0))
    });
    // One byte more than the entries, inside the slot: the last "entry" is truncated.
    assert_eq!(check_ed(&e, &set(145, 1)), Err(ImageError::TlvTruncated));
    assert_eq!(check_ed(&e, &set(148, 4)), Err(ImageError::TlvTruncated));
}

#[test]
fn protected_area_total() {
    // The protected area's own total must equal the header's prot_size (12).
    let e = entry("ed25519-hash-sc.img");
    let m = Err(ImageError::ProtectedSizeMismatch);
    let rows = [(0, m), (4, m), (11, m), (12, Ok(())), (13, m), (0xFFFF, m)];
    table("protected area total", &rows, |n| {
        check_ed(&e, &with_header_u16(&e.image, 4608 + 2, n as u16))
    });
}

#[test]
fn tlv_value_lengths_unprotected() {
    let e = entry("ed25519-hash-sc.img");
    let bad = Err(ImageError::BadTlvLength);
    let lens = |valid: usize| -> Vec<(usize, R)> {
        [0, 1, valid - 1, valid, valid + 1, 64, 255]
            .into_iter()
            .map(|n| (n, if n == valid { Ok(()) } else { bad }))
            .collect()
    };
    let hash = e.image[4624 + 4..4624 + 4 + 32].to_vec();
    table("SHA256 TLV length", &lens(32), |n| {
        check_ed(&e, &set_tlv(&e.image, 0x10, resized(&hash, n)))
    });
    let keyhash = e.keyid().to_vec();
    table("KEYHASH TLV length (SHA-256 image)", &lens(32), |n| {
        check_ed(&e, &set_tlv(&e.image, 0x01, resized(&keyhash, n)))
    });
    let sig = e.image[4700..4764].to_vec();
    let rows: Vec<(usize, R)> = [0, 1, 63, 64, 65, 72, 255]
        .map(|n| (n, if n == 64 { Ok(()) } else { bad }))
        .to_vec();
    table("ED25519 TLV length", &rows, |n| {
        check_ed(&e, &set_tlv(&e.image, 0x24, resized(&sig, n)))
    });
    // Full-key image: the PUBKEY TLV is the 44-byte Ed25519 SubjectPublicKeyInfo.
    let full = entry("ed25519-full.img");
    let spki = spki(&ed_key(&full));
    table("PUBKEY TLV length (Ed25519)", &lens(44), |n| {
        check_ed(&full, &set_tlv(&full.image, 0x02, resized(&spki, n)))
    });
    // SHA-512 image: the hash and the key hash are 64 bytes.
    let e512 = entry("ed25519-sha512-sc.img");
    let off = tlv_off(&e512.image) + 4;
    assert_eq!(le16(&e512.image, off), 0x12);
    let hash512 = e512.image[off + 4..off + 4 + 64].to_vec();
    let rows: Vec<(usize, R)> = [0, 32, 63, 64, 65]
        .map(|n| (n, if n == 64 { Ok(()) } else { bad }))
        .to_vec();
    table("SHA512 TLV length", &rows, |n| {
        check_ed(&e512, &set_tlv(&e512.image, 0x12, resized(&hash512, n)))
    });
    let kh512 = hex(e512.get("keyhash"));
    table("KEYHASH TLV length (SHA-512 image)", &rows, |n| {
        check_ed(&e512, &set_tlv(&e512.image, 0x01, resized(&kh512, n)))
    });
}

/// A DER ECDSA signature of exactly `len` bytes (8..=72), structurally valid, not a real one.
fn der_of_len(len: usize) -> Vec<u8> {
    // 30 L 02 a (a bytes) 02 b (b bytes), a + b = len - 6.
    let content = len - 6;
    let (a, b) = (content / 2, content - content / 2);
    let int = |n: usize| -> Vec<u8> {
        if n == 33 {
            [vec![0x02, 33, 0x00], vec![0x80; 32]].concat()
        } else {
            [vec![0x02, n as u8], vec![0x01; n]].concat()
        }
    };
    let mut v = vec![0x30, (len - 2) as u8];
    v.extend(int(a));
    v.extend(int(b));
    assert_eq!(v.len(), len);
    v
}

#[test]
fn ecdsa_signature_tlv_length() {
    // 8..=72 bytes are read and handed to the backend (a wrong one is Signature); outside is
    // BadTlvLength before any crypto.
    let e = entry("ecdsa-p256-hash-sc.img");
    check_ec(&e, &e.image).unwrap();
    let sig = e.image[4700..4770].to_vec();
    assert_eq!(sig.len(), 70);
    let bad = Err(ImageError::BadTlvLength);
    let rows = [
        (0, bad),
        (1, bad),
        (7, bad),
        (8, Err(ImageError::Signature)),
        (9, Err(ImageError::Signature)),
        (64, Err(ImageError::Signature)),
        (70, Ok(())),
        (71, Err(ImageError::Signature)),
        (72, Err(ImageError::Signature)),
        (73, bad),
        (255, bad),
    ];
    table("ECDSASIG TLV length", &rows, |n| {
        let value = match n {
            70 => sig.clone(),
            8..=72 => der_of_len(n),
            _ => resized(&sig, n),
        };
        check_ec(&e, &set_tlv(&e.image, 0x22, value))
    });
    // The real signature cut or extended by one byte (malformed DER): Signature, never a panic.
    for n in [69, 71] {
        assert_eq!(
            check_ec(&e, &set_tlv(&e.image, 0x22, resized(&sig, n))),
            Err(ImageError::Signature)
        );
    }
}

#[test]
fn sig_pure_tlv() {
    let e = entry("ed25519-hash-sc.img");
    let add = |value: Vec<u8>| edit_unprotected(&e.image, |u| u.push((0x25, value)));
    let cases: Vec<(&str, Vec<u8>, R)> = vec![
        ("length 0", vec![], Err(ImageError::BadTlvLength)),
        // A pure marker on a digest-signed image: the signature is then checked over the
        // whole region and fails.
        ("length 1, value 1", vec![1], Err(ImageError::Signature)),
        ("length 1, value 0", vec![0], Err(ImageError::BadTlvValue)),
        ("length 1, value 2", vec![2], Err(ImageError::BadTlvValue)),
        ("length 2", vec![1, 0], Err(ImageError::BadTlvLength)),
    ];
    for (name, value, expected) in &cases {
        let img = add(value.clone());
        let key = [ed_key(&e)];
        let v = Verifier::ed25519(&mut TestBackend, &key)
            .unwrap()
            .with_sha512(&mut TestBackend)
            .unwrap();
        let r = v
            .verify_slice(&mut TestBackend, &img, &mut TestCounter::default())
            .map(|_| ());
        assert_eq!(r, *expected, "SIG_PURE {name}");
    }
    println!("SIG_PURE TLV: {} boundary cases", cases.len());
}

#[test]
fn unprotected_tlv_type_ranges() {
    // Each edge of the type ranges, as a 0-length and a 1000-byte entry.
    let e = entry("ed25519-hash-sc.img");
    let unsupported = Err(ImageError::UnsupportedTlv);
    let misplaced = Err(ImageError::MisplacedTlv);
    let rows = [
        (0x00, unsupported),
        (0x03, unsupported),
        (0x0F, unsupported),
        (0x11, unsupported), // SHA-384
        (0x13, unsupported),
        (0x20, unsupported), // RSA-2048
        (0x21, unsupported),
        (0x26, unsupported),
        (0x30, unsupported), // key encapsulation
        (0x34, unsupported),
        (0x40, misplaced),
        (0x50, misplaced),
        (0x60, misplaced),
        (0x6F, unsupported),
        (0x70, misplaced),
        (0x75, misplaced),
        (0x76, unsupported),
        (0x9F, unsupported),
        (0xA0, Ok(())), // vendor range: skipped
        (0xA1, Ok(())),
        (0xFFFE, Ok(())),
        (0xFFFF, unsupported),
    ];
    for len in [0, 1000] {
        table(
            &format!("unprotected TLV type (length {len})"),
            &rows,
            |t| {
                check_ed(
                    &e,
                    &edit_unprotected(&e.image, |u| u.push((t as u16, vec![0; len]))),
                )
            },
        );
    }
}

// ---------------------------------------------------------------- protected TLVs (re-signed)

fn signed(protected: Vec<(u16, Vec<u8>)>) -> Vec<u8> {
    let mut b = Build::new(vec![9; 100], None);
    b.protected = protected;
    b.build(|_| {})
}

#[test]
fn protected_tlv_value_lengths() {
    let key = [synthetic_public()];
    let bad = Err(ImageError::BadTlvLength);
    let rows: Vec<(usize, R)> = [0, 1, 3, 4, 5, 8]
        .map(|n| (n, if n == 4 { Ok(()) } else { bad }))
        .to_vec();
    table("SEC_CNT TLV length", &rows, |n| {
        check_any(&key, &[], &signed(vec![(0x50, vec![1; n])]), 0)
    });
    let rows: Vec<(usize, R)> = [0, 1, 11, 12, 13, 24]
        .map(|n| (n, if n == 12 { Ok(()) } else { bad }))
        .to_vec();
    table("DEPENDENCY TLV length", &rows, |n| {
        check_any(&key, &[], &signed(vec![(0x40, vec![1; n])]), 0)
    });
}

#[test]
fn dependency_count() {
    let key = [synthetic_public()];
    let too_many = Err(ImageError::TooManyDependencies);
    let rows = [
        (0, Ok(0)),
        (1, Ok(1)),
        (3, Ok(3)),
        (4, Ok(4)),
        (5, too_many),
        (16, too_many),
    ];
    table("DEPENDENCY count (MAX_DEPENDENCIES = 4)", &rows, |n| {
        let deps = (0..n).map(|i| (0x40, vec![i as u8; 12])).collect();
        let img = signed(deps);
        Verifier::ed25519(&mut TestBackend, &key)
            .unwrap()
            .allow_missing_security_counter()
            .verify_slice(&mut TestBackend, &img, &mut TestCounter::default())
            .map(|v| v.dependencies().len())
    });
}

// ---------------------------------------------------------------- policy values

fn verify_counter(
    img: &[u8],
    device: u32,
    allow_missing: bool,
) -> Result<VerifiedImage, ImageError> {
    let key = [synthetic_public()];
    let v = Verifier::ed25519(&mut TestBackend, &key).unwrap();
    let v = if allow_missing {
        v.allow_missing_security_counter()
    } else {
        v
    };
    v.verify_slice(
        &mut TestBackend,
        img,
        &mut TestCounter {
            value: device,
            writes: 0,
        },
    )
}

#[test]
fn security_counter_against_device_counter() {
    let rollback = Err(ImageError::Rollback);
    // (image counter, device counter) pairs, by row.
    let pairs = [
        (5u32, 0u32, Ok(())),
        (5, 4, Ok(())),
        (5, 5, Ok(())),
        (5, 6, rollback),
        (5, u32::MAX, rollback),
        (0, 0, Ok(())),
        (0, 1, rollback),
        (u32::MAX, u32::MAX - 1, Ok(())),
        (u32::MAX, u32::MAX, Ok(())),
    ];
    let rows: Vec<(usize, R)> = pairs.iter().enumerate().map(|(i, p)| (i, p.2)).collect();
    table("security counter (image, device)", &rows, |i| {
        let (image, device, _) = pairs[i];
        let img = Build::new(vec![1; 10], Some(image)).build(|_| {});
        verify_counter(&img, device, false).map(|v| assert_eq!(v.security_counter(), Some(image)))
    });
    // No counter: refused by default; counts as 0 when allowed.
    let none = Build::new(vec![1; 10], None).build(|_| {});
    let rows = [(0, Ok(())), (1, rollback)];
    table("missing security counter (allowed)", &rows, |d| {
        verify_counter(&none, d as u32, true).map(|_| ())
    });
    assert_eq!(
        verify_counter(&none, 0, false).map(|_| ()),
        Err(ImageError::MissingSecurityCounter)
    );
}

#[test]
fn min_version() {
    // The imgtool image is 1.2.3+4; the build number is ignored.
    let e = entry("ed25519-hash-sc.img");
    let downgrade = Err(ImageError::Downgrade);
    let mins = [
        (ImageVersion::new(0, 0, 0, 0), Ok(())),
        (ImageVersion::new(1, 2, 2, u32::MAX), Ok(())),
        (ImageVersion::new(1, 2, 3, 0), Ok(())),
        (ImageVersion::new(1, 2, 3, 5), Ok(())),
        (ImageVersion::new(1, 2, 3, u32::MAX), Ok(())),
        (ImageVersion::new(1, 2, 4, 0), downgrade),
        (ImageVersion::new(1, 3, 0, 0), downgrade),
        (ImageVersion::new(2, 0, 0, 0), downgrade),
        (ImageVersion::new(255, 255, 65535, u32::MAX), downgrade),
    ];
    let rows: Vec<(usize, R)> = mins.iter().enumerate().map(|(i, m)| (i, m.1)).collect();
    let key = [ed_key(&e)];
    table("Verifier::min_version", &rows, |i| {
        Verifier::ed25519(&mut TestBackend, &key)
            .unwrap()
            .min_version(mins[i].0)
            .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
            .map(|_| ())
    });
    assert_eq!(
        ImageVersion::new(255, 255, 65535, u32::MAX).packed(),
        u32::MAX
    );
    assert_eq!(ImageVersion::new(0, 0, 0, u32::MAX).packed(), 0);
}

#[test]
fn trusted_and_revoked_key_lists() {
    let e = entry("ed25519-hash-sc.img");
    let other = synthetic_public();
    let right = ed_key(&e);
    let lists: [&[[u8; 32]]; 4] = [&[], &[right], &[other, right], &[other, other]];
    let rows = [
        (0, Err(ImageError::UnknownKey)),
        (1, Ok(())),
        (2, Ok(())),
        (3, Err(ImageError::UnknownKey)),
    ];
    table("Verifier::ed25519 trusted list", &rows, |i| {
        Verifier::ed25519(&mut TestBackend, lists[i])
            .unwrap()
            .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
            .map(|_| ())
    });
    let revoked_lists: [&[[u8; 32]]; 3] = [&[], &[[0; 32]], &[[0; 32], e.keyid()]];
    let rows = [(0, Ok(())), (1, Ok(())), (2, Err(ImageError::KeyRevoked))];
    let key = [right];
    table("Verifier::revoked list", &rows, |i| {
        Verifier::ed25519(&mut TestBackend, &key)
            .unwrap()
            .revoked(revoked_lists[i])
            .verify_slice(&mut TestBackend, &e.image, &mut TestCounter::default())
            .map(|_| ())
    });
}

#[test]
fn confirm_counter() {
    let img = Build::new(vec![3; 10], Some(100)).build(|_| {});
    let verified = verify_counter(&img, 0, false).unwrap();
    // (device counter before, expected result, expected writes).
    let cases = [
        (0u32, Ok(100u32), 1usize),
        (99, Ok(100), 1),
        (100, Ok(100), 0),
        (101, Err(ImageError::Rollback), 0),
        (u32::MAX, Err(ImageError::Rollback), 0),
    ];
    let rows: Vec<(usize, Result<u32, ImageError>)> =
        cases.iter().map(|c| (c.0 as usize, c.1)).collect();
    table("confirm device counter", &rows, |d| {
        let mut c = TestCounter {
            value: d as u32,
            writes: 0,
        };
        let r = confirm(&verified, &mut c);
        let writes = cases.iter().find(|x| x.0 as usize == d).unwrap().2;
        assert_eq!(c.writes, writes, "confirm at {d}: writes");
        r
    });
    // No security counter: nothing to raise.
    let none = Build::new(vec![3; 10], None).build(|_| {});
    let verified = verify_counter(&none, 7, true);
    assert_eq!(verified.map(|_| ()), Err(ImageError::Rollback));
    let verified = verify_counter(&none, 0, true).unwrap();
    let mut c = TestCounter::default();
    assert_eq!(confirm(&verified, &mut c), Ok(0));
    assert_eq!(c.writes, 0);
}

#[test]
fn api_error_mapping_of_boundary_errors() {
    use bulwark_api::Error;
    let rows = [
        (ImageError::BufferTooSmall, Error::InvalidInput),
        (ImageError::SlotOutOfRange, Error::InvalidInput),
        (ImageError::BadMagic, Error::InvalidInput),
        (ImageError::HeaderTooSmall, Error::InvalidInput),
        (ImageError::ImageOutOfBounds, Error::InvalidInput),
        (ImageError::TlvAreaOutOfBounds, Error::InvalidInput),
        (ImageError::TlvTruncated, Error::InvalidInput),
        (ImageError::BadTlvLength, Error::InvalidInput),
        (ImageError::TooManyDependencies, Error::InvalidInput),
        (ImageError::Signature, Error::Verification),
        (ImageError::HashMismatch, Error::Verification),
        (ImageError::Rollback, Error::Verification),
        (ImageError::Downgrade, Error::Verification),
        (ImageError::UnsupportedTlv, Error::Unsupported),
    ];
    for (e, api) in rows {
        assert_eq!(Error::from(e), api, "{e:?}");
    }
    println!("ImageError -> Error mapping: {} boundary cases", rows.len());
}
