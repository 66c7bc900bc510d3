//! Images built by a Rust signer in the test: a 1 MiB image streamed in 64-byte chunks, and
//! one crafted, correctly signed image per structural rule.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_firmware::{ImageError, LAYOUT_SIZE, Slot, VerifiedImage, Verifier};
use common::*;

fn keys() -> [[u8; 32]; 1] {
    [synthetic_public()]
}

fn check(img: &[u8]) -> Result<VerifiedImage, ImageError> {
    let keys = keys();
    let v = Verifier::ed25519(&mut TestBackend, &keys)
        .unwrap()
        .allow_missing_security_counter();
    let slice = v.verify_slice(&mut TestBackend, img, &mut TestCounter::default());
    // The streaming path must agree, whatever the outcome.
    let mut buf = [0u8; 64];
    let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
    let streamed = stream_slot(&v, img, slot, &mut buf);
    match (&slice, &streamed) {
        (Ok(a), Ok(b)) => assert_eq!(a.digest(), b.digest()),
        // A SIG_PURE image can only be checked from a slice.
        (Err(_), Err(ImageError::PureNeedsSlice)) => {}
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("slice {slice:?} and stream {streamed:?} disagree"),
    }
    slice
}

fn body(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + (i >> 8)) as u8).collect()
}

#[test]
fn one_mebibyte_image_verifies_by_streaming() {
    let img = Build::new(body(1 << 20), Some(5)).build(|_| {});
    let keys = keys();
    let v = Verifier::ed25519(&mut TestBackend, &keys).unwrap();
    let mut buf = [0u8; 64];
    let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
    let r = stream_slot(&v, &img, slot, &mut buf).unwrap();
    assert_eq!(r.image_size(), 1 << 20);
    assert_eq!(r.security_counter(), Some(5));
    let mut bad = img.clone();
    bad[0x200 + 777_777] ^= 0x10;
    assert_eq!(
        stream_slot(&v, &bad, slot, &mut buf).unwrap_err(),
        ImageError::HashMismatch
    );
    println!(
        "1 MiB image ({} bytes) verified through a 64-byte buffer",
        img.len()
    );
}

#[test]
fn ram_needed_by_the_streaming_verifier() {
    let state = core::mem::size_of::<bulwark_soft::Sha256State>();
    let state512 = core::mem::size_of::<bulwark_soft::Sha512State>();
    let verified = core::mem::size_of::<VerifiedImage>();
    println!(
        "streaming verifier RAM: parsed layout {LAYOUT_SIZE} B + chunk buffer (64 B in these tests) \
         + hash state (Sha256State {state} B, Sha512State {state512} B) + VerifiedImage {verified} B \
         + the signature check's stack"
    );
    const { assert!(LAYOUT_SIZE <= 512) };
}

#[test]
fn baseline_is_accepted() {
    check(&Build::new(body(1000), Some(1)).build(|_| {})).unwrap();
    check(&Build::new(body(1000), None).build(|_| {})).unwrap();
    // Vendor TLVs in the unprotected area are skipped.
    check(&Build::new(body(10), None).build(|u| u.insert(0, (0x00A0, vec![1, 2, 3])))).unwrap();
    // Empty body, minimal header.
    let mut b = Build::new(Vec::new(), None);
    b.hdr_size = 32;
    check(&b.build(|_| {})).unwrap();
}

#[test]
fn structural_rules() {
    let base = || Build::new(body(300), Some(1));
    let cases: Vec<(&str, Vec<u8>, ImageError)> = vec![
        (
            "duplicate hash",
            base().build(|u| u.push(u[0].clone())),
            ImageError::DuplicateTlv,
        ),
        (
            "duplicate key hash",
            base().build(|u| u.push(u[1].clone())),
            ImageError::DuplicateTlv,
        ),
        (
            "duplicate signature",
            base().build(|u| u.push(u[2].clone())),
            ImageError::DuplicateTlv,
        ),
        (
            "key hash and full key",
            base().build(|u| u.push((0x02, spki(&synthetic_public())))),
            ImageError::DuplicateTlv,
        ),
        (
            "no hash",
            base().build(|u| {
                u.remove(0);
            }),
            ImageError::MissingHash,
        ),
        (
            "no key",
            base().build(|u| {
                u.remove(1);
            }),
            ImageError::MissingKey,
        ),
        (
            "no signature",
            base().build(|u| {
                u.remove(2);
            }),
            ImageError::MissingSignature,
        ),
        (
            "short key hash (MCUboot would compare a prefix)",
            base().build(|u| u[1].1.truncate(16)),
            ImageError::BadTlvLength,
        ),
        (
            "key hash longer than the image hash",
            base().build(|u| u[1].1.extend_from_slice(&[0; 32])),
            ImageError::BadTlvLength,
        ),
        (
            "short hash",
            base().build(|u| u[0].1.truncate(31)),
            ImageError::BadTlvLength,
        ),
        (
            "short signature",
            base().build(|u| u[2].1.truncate(63)),
            ImageError::BadTlvLength,
        ),
        (
            "security counter in the unprotected area",
            Build::new(body(300), None).build(|u| u.push((0x50, 9u32.to_le_bytes().to_vec()))),
            ImageError::MisplacedTlv,
        ),
        (
            "dependency in the unprotected area",
            base().build(|u| u.push((0x40, vec![0; 12]))),
            ImageError::MisplacedTlv,
        ),
        (
            "RSA signature",
            base().build(|u| u.push((0x20, vec![0; 256]))),
            ImageError::UnsupportedTlv,
        ),
        (
            "undefined type",
            base().build(|u| u.push((0x03, vec![]))),
            ImageError::UnsupportedTlv,
        ),
        (
            "SIG_PURE = 0",
            base().build(|u| u.push((0x25, vec![0]))),
            ImageError::BadTlvValue,
        ),
        (
            "SIG_PURE long",
            base().build(|u| u.push((0x25, vec![1, 1]))),
            ImageError::BadTlvLength,
        ),
        (
            "SIG_PURE on a digest signature",
            base().build(|u| u.push((0x25, vec![1]))),
            ImageError::Signature,
        ),
        (
            "bad signature",
            base().build(|u| u[2].1[5] ^= 1),
            ImageError::Signature,
        ),
        (
            "bad hash",
            base().build(|u| u[0].1[0] ^= 1),
            ImageError::HashMismatch,
        ),
    ];
    let mut protected_cases: Vec<(&str, Build, ImageError)> = Vec::new();
    let mut b = base();
    b.protected.push((0x50, 2u32.to_le_bytes().to_vec()));
    protected_cases.push(("two security counters", b, ImageError::DuplicateTlv));
    let mut b = base();
    b.protected.push((0x60, vec![0xA0]));
    protected_cases.push((
        "boot record (unknown protected)",
        b,
        ImageError::UnknownProtectedTlv,
    ));
    let mut b = base();
    b.protected.push((0x00A0, vec![]));
    protected_cases.push((
        "vendor TLV in the protected area",
        b,
        ImageError::UnknownProtectedTlv,
    ));
    let mut b = base();
    b.protected[0].1.push(0);
    protected_cases.push(("5-byte security counter", b, ImageError::BadTlvLength));
    let mut b = base();
    for i in 0..5u8 {
        b.protected
            .push((0x40, vec![i, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]));
    }
    protected_cases.push(("five dependencies", b, ImageError::TooManyDependencies));
    let mut b = base();
    b.prot_size_override = Some(0);
    protected_cases.push((
        "undeclared protected area",
        b,
        ImageError::ProtectedSizeMismatch,
    ));
    let mut b = base();
    b.prot_size_override = Some(2);
    protected_cases.push(("protected size 2", b, ImageError::ProtectedSizeMismatch));
    let mut b = base();
    b.prot_size_override = Some(16);
    protected_cases.push((
        "protected size too large",
        b,
        ImageError::ProtectedSizeMismatch,
    ));
    let mut b = base();
    b.hdr_size = 31;
    protected_cases.push(("header size 31", b, ImageError::HeaderTooSmall));
    let mut b = base();
    b.flags = 0x4;
    protected_cases.push(("encrypted", b, ImageError::UnsupportedFlags));
    let mut b = base();
    b.flags = 0x400;
    protected_cases.push(("compressed", b, ImageError::UnsupportedFlags));
    let mut b = base();
    b.flags = 0x20 | 0x1;
    protected_cases.push(("RAM_LOAD | PIC is fine", b, ImageError::FaultDetected));

    let mut n = 0;
    for (name, img, want) in cases {
        assert_eq!(check(&img).unwrap_err(), want, "{name}");
        n += 1;
    }
    for (name, b, want) in protected_cases {
        let r = check(&b.build(|_| {}));
        if want == ImageError::FaultDetected {
            r.unwrap_or_else(|e| panic!("{name}: {e}"));
        } else {
            assert_eq!(r.unwrap_err(), want, "{name}");
        }
        n += 1;
    }
    println!("structural cases: {n}");
}

#[test]
fn sizes_and_offsets_are_bounds_checked() {
    let img = Build::new(body(300), Some(1)).build(|_| {});
    let set32 = |img: &[u8], at: usize, v: u32| {
        let mut x = img.to_vec();
        x[at..at + 4].copy_from_slice(&v.to_le_bytes());
        x
    };
    // img_size huge: hdr + img overflows u32 or exceeds the slot.
    assert_eq!(
        check(&set32(&img, 12, u32::MAX)).unwrap_err(),
        ImageError::ImageOutOfBounds
    );
    assert_eq!(
        check(&set32(&img, 12, 0x10_0000)).unwrap_err(),
        ImageError::ImageOutOfBounds
    );
    // Unprotected total pointing past the slot.
    let mut x = img.clone();
    let off = x.len() - (4 + 36 + 36 + 68);
    x[off + 2..off + 4].copy_from_slice(&0xFFF0u16.to_le_bytes());
    assert_eq!(check(&x).unwrap_err(), ImageError::TlvAreaOutOfBounds);
    // Entries not tiling the area: one spare byte at the end.
    let mut x = img.clone();
    let total = u16::from_le_bytes([x[off + 2], x[off + 3]]) + 1;
    x[off + 2..off + 4].copy_from_slice(&total.to_le_bytes());
    x.push(0);
    assert_eq!(check(&x).unwrap_err(), ImageError::TlvTruncated);
    // Slot outside the flash, empty chunk buffer.
    let keys = keys();
    let v = Verifier::ed25519(&mut TestBackend, &keys).unwrap();
    let slot = Slot::new(1, img.len() as u32, 1).with_trailer_size(0);
    let mut buf = [0u8; 64];
    assert_eq!(
        stream_slot(&v, &img, slot, &mut buf).unwrap_err(),
        ImageError::SlotOutOfRange
    );
    let slot = Slot::new(u32::MAX, 2, 1).with_trailer_size(0);
    assert_eq!(
        stream_slot(&v, &img, slot, &mut buf).unwrap_err(),
        ImageError::SlotOutOfRange
    );
    let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
    assert_eq!(
        stream_slot(&v, &img, slot, &mut []).unwrap_err(),
        ImageError::BufferTooSmall
    );
    // Slot shorter than a header.
    assert_eq!(check(&img[..20]).unwrap_err(), ImageError::BadMagic);
}
