//! Protected TLVs (re-signed) and policy values.

use super::*;

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

#[test]
fn protected_area_longer_than_any_accepted_one() {
    // A counter and four dependencies: 76 bytes, the longest accepted area; then one more
    // entry. The area is parsed from an 80-byte RAM copy: each refusal must be the one the
    // entry's header calls for.
    let key = [synthetic_public()];
    let full = || {
        let mut entries = vec![(0x50, 7u32.to_le_bytes().to_vec())];
        entries.extend((0..4).map(|i| (0x40, vec![i as u8; 12])));
        entries
    };
    assert_eq!(check_any(&key, &[], &signed(full()), 0), Ok(()));
    let rows: [(usize, (u16, Vec<u8>), R); 6] = [
        (0, (0x50, vec![1; 4]), Err(ImageError::DuplicateTlv)),
        (1, (0x40, vec![9; 12]), Err(ImageError::TooManyDependencies)),
        (2, (0x40, vec![9; 11]), Err(ImageError::BadTlvLength)),
        (3, (0x40, vec![9; 200]), Err(ImageError::BadTlvLength)),
        (4, (0x00A0, vec![]), Err(ImageError::UnknownProtectedTlv)),
        (5, (0x10, vec![0; 32]), Err(ImageError::UnknownProtectedTlv)),
    ];
    let table_rows: Vec<(usize, R)> = rows.iter().map(|r| (r.0, r.2)).collect();
    table(
        "protected area: one entry past 76 bytes",
        &table_rows,
        |i| {
            let mut entries = full();
            entries.push(rows[i].1.clone());
            check_any(&key, &[], &signed(entries), 0)
        },
    );
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
fn confirm_without_a_counter_refuses_once_the_device_counter_moved() {
    let img = Build::new(vec![3; 100], None).build(|_| {});
    let image = verify_counter(&img, 0, true).unwrap();
    assert_eq!(image.security_counter(), None);
    // Still at 0: nothing to raise.
    let mut c = TestCounter::default();
    assert_eq!(confirm(&image, &mut c), Ok(0));
    assert_eq!(c.writes, 0);
    // The counter moved since verification: the image counts as 0, below it.
    for moved in [1, 5, u32::MAX] {
        let mut c = TestCounter {
            value: moved,
            writes: 0,
        };
        assert_eq!(
            confirm(&image, &mut c),
            Err(ImageError::Rollback),
            "{moved}"
        );
        assert_eq!((c.value, c.writes), (moved, 0));
    }
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
