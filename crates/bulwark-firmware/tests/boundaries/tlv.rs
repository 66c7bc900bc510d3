//! Header fields and TLV areas.

use super::*;

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
