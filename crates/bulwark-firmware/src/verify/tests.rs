//! The fault model: each first-line check skipped in turn.

extern crate std;

use super::*;
use crate::{ImageBuilder, SliceStorage, Slot};
use bulwark_api::{
    Error, SecretBytes,
    sig::{Ed25519, Sign, Verify},
};
use bulwark_soft::Soft;
use core::cell::Cell;
use std::{vec, vec::Vec};

std::thread_local! {
    /// The first-line check the running test skips.
    pub(super) static GLITCH: Cell<Option<Check>> = const { Cell::new(None) };
}

struct Counter(u32);

impl MonotonicCounter for Counter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(self.0)
    }
    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        self.0 = self.0.max(value);
        Ok(())
    }
}

/// A signed image: version 1.2.3, security counter `counter`, 300-byte body.
fn image(counter: Option<u32>) -> (Vec<u8>, [u8; 32]) {
    let mut p = Soft;
    let key = Sign::<Ed25519>::import_signing_key(
        &mut p,
        SecretBytes::try_from_slice(&[0x42; 32]).unwrap(),
    )
    .unwrap();
    let public = Sign::<Ed25519>::signing_public(&mut p, &key).unwrap();
    let raw = Verify::<Ed25519>::export_public(&mut p, &public);
    let payload = [0x5a; 300];
    let builder = ImageBuilder::new(ImageVersion::new(1, 2, 3, 0))
        .header_size(0x80)
        .pad_header(true)
        .security_counter(counter);
    let mut out = vec![0u8; builder.max_image_len(AlgorithmId::Ed25519, 300).unwrap()];
    let n = builder
        .sign_ed25519(&mut p, &key, &payload, &mut out)
        .unwrap();
    out.truncate(n);
    (out, raw)
}

/// Verifies `img` from a slice and by streaming with `skip` skipped; both must agree.
fn verify(
    v: &Verifier<'_, Soft, Ed25519>,
    img: &[u8],
    device: u32,
    skip: Option<Check>,
) -> Result<VerifiedImage, ImageError> {
    GLITCH.with(|g| g.set(skip));
    let slice = v.verify_slice(&mut Soft, img, &mut Counter(device));
    let mut flash = SliceStorage::new(img);
    let slot = Slot::new(0, img.len() as u32, 1).with_trailer_size(0);
    let streamed = v.verify_flash(
        &mut Soft,
        &mut flash,
        slot,
        &mut [0u8; 64],
        &mut Counter(device),
    );
    GLITCH.with(|g| g.set(None));
    assert_eq!(slice.as_ref().err(), streamed.as_ref().err(), "{skip:?}");
    slice
}

#[test]
fn skipping_any_single_check_still_builds_no_token() {
    let (img, raw) = image(Some(5));
    let (no_counter, _) = image(None);
    let img_ok = img.clone();
    let keys = [raw];
    let base = Verifier::ed25519(&mut Soft, &keys).unwrap();
    let key_id = *verify(&base, &img, 0, None).unwrap().key_id();
    let revoked = [key_id];
    // The hash TLV's first byte flipped: the signature (over the computed digest) still
    // verifies, so only the hash check refuses.
    let mut bad_hash = img.clone();
    let tlv = img.len() - (4 + 36 + 36 + 68);
    bad_hash[tlv + 8] ^= 1;
    let mut bad_sig = img.clone();
    let last = bad_sig.len() - 1;
    bad_sig[last] ^= 1;

    // (check skipped, verifier, image, device counter, refusal without the fault)
    type Row<'a> = (
        Check,
        Verifier<'a, Soft, Ed25519>,
        &'a [u8],
        u32,
        ImageError,
    );
    let rows: [Row<'_>; 6] = [
        (
            Check::MissingCounter,
            base.clone(),
            &no_counter,
            0,
            ImageError::MissingSecurityCounter,
        ),
        (Check::Rollback, base.clone(), &img, 6, ImageError::Rollback),
        (
            Check::Downgrade,
            base.clone().min_version(ImageVersion::new(1, 2, 4, 0)),
            &img,
            0,
            ImageError::Downgrade,
        ),
        (
            Check::Revoked,
            base.clone().revoked(&revoked),
            &img,
            0,
            ImageError::KeyRevoked,
        ),
        (
            Check::Hash,
            base.clone(),
            &bad_hash,
            0,
            ImageError::HashMismatch,
        ),
        (
            Check::Signature,
            base.clone(),
            &bad_sig,
            0,
            ImageError::Signature,
        ),
    ];
    let mut outcomes = Vec::new();
    for (check, v, img, device, refusal) in rows {
        assert_eq!(
            verify(&v, img, device, None).err(),
            Some(refusal),
            "{check:?}"
        );
        let skipped = verify(&v, img, device, Some(check)).map(|i| i.security_counter());
        outcomes.push((check, skipped));
        // Skipping a check that has nothing to refuse changes nothing.
        assert!(verify(&base, &img_ok, 0, Some(check)).is_ok(), "{check:?}");
    }
    let expected = outcomes
        .iter()
        .map(|(c, _)| (*c, Err(ImageError::FaultDetected)))
        .collect::<Vec<_>>();
    assert_eq!(outcomes, expected);
}
