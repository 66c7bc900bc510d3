//! Boundary lengths and values for the verifier's public API (the image builder, `build.rs`, is
//! not covered here): the slot, the chunk buffer, the image length (the committed imgtool
//! images of `test-vectors/mcuboot` cut and extended at every area edge), the header's size
//! fields, both TLV areas' totals, every known TLV's value length, the TLV type ranges, the
//! security counter, the minimum version and `confirm`. Each row asserts the exact
//! [`ImageError`]; a refused image is never returned as a `VerifiedImage`, and the streaming
//! and in-memory paths agree on every row.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
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
    let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
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

mod image;
mod policy;
mod tlv;
