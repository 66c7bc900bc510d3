//! Attacks on the verifier's use of flash: flash that answers differently on a second read
//! (an interposer on external flash, another bus master, a task writing the slot), and images
//! that reach into the slot's trailer.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_firmware::{
    ImageError, ImageVersion, OutOfBounds, Slot, VerifiedImage, Verifier, format::flags,
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
fn slot(size: u32, _align: u8, _trailer: Option<u32>) -> Slot {
    Slot { offset: 0, size }
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
