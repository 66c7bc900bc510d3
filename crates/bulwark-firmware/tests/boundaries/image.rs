//! Image length, slot and chunk buffer.

use super::*;

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
    let v = Verifier::ed25519(&mut TestBackend, &[key]).unwrap();
    stream_slot(&v, img_in_flash, slot, &mut vec![0u8; buf_len]).map(|_| ())
}

#[test]
fn verify_flash_buffer_len() {
    let e = entry("ed25519-hash-sc.img");
    let flash = flash_with(&e.image);
    let slot = Slot::new(0x1000, e.image.len() as u32, 1).with_trailer_size(0);
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
        verify_flash(
            &flash,
            Slot::new(offset, size, 1).with_trailer_size(0),
            64,
            ed_key(&e),
        )
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
