//! The signed update (bulwark-firmware): streamed from flash and verified, confirmed, and a
//! tampered copy and an older release refused.

use super::Run;
use crate::protocol::{Hex, tag};
use crate::{CHUNK_LEN, Provisioning, RamCounter, TamperedFlash};
use bulwark::Provider;
use bulwark_firmware::{ImageError, SliceStorage, Slot, VerifiedImage, Verifier};
use core::fmt::Write;

pub(super) fn update<W: Write, P: Provider>(
    r: &mut Run<'_, W, P>,
    p: &Provisioning<'_>,
) -> core::fmt::Result {
    let trusted = [p.update_key];
    // The trusted key is imported and hashed once, here; every check below reuses it.
    let verifier = match Verifier::ed25519(r.provider, &trusted) {
        Ok(v) => v,
        Err(e) => return r.error("trusted key", e),
    };
    let mut counter = RamCounter(p.counter);
    let mut chunk = [0u8; CHUNK_LEN];
    let Ok(size) = u32::try_from(p.update.len()) else {
        return r.error("update", "image larger than 4 GiB");
    };
    // The update sits in a RAM buffer sized to the image: no MCUboot trailer follows it.
    let slot = Slot::new(0, size, 1).with_trailer_size(0);
    writeln!(
        r.out,
        "update: {} bytes in flash, streamed in {CHUNK_LEN}-byte chunks; trusted key {}; \
         device counter {}",
        p.update.len(),
        Hex(&p.update_key),
        p.counter
    )?;
    let mut flash = SliceStorage::new(p.update);
    let verified = verifier.verify_flash(r.provider, &mut flash, slot, &mut chunk, &mut counter);
    let image = match verified {
        Ok(image) => image,
        Err(e) => return r.error("the genuine update was refused", e),
    };
    writeln!(
        r.out,
        "verified: version {}, security counter {}, SHA-256 {}",
        image.version(),
        image.security_counter().unwrap_or(0),
        Hex(image.digest().as_bytes())
    )?;
    r.check(true, "the signed update verifies against the trusted key")?;
    match bulwark_firmware::confirm(&image, &mut counter) {
        Ok(now) => {
            writeln!(
                r.out,
                "confirmed after a (simulated) successful boot: counter {} -> {now}",
                p.counter
            )?;
            writeln!(
                r.out,
                "{} {now} {}",
                tag::UPDATE,
                Hex(image.digest().as_bytes())
            )?;
            r.check(
                Some(now) == image.security_counter(),
                "anti-rollback counter raised to the image's",
            )?;
        }
        Err(e) => r.error("confirm", e)?,
    }

    // One flipped bit inside the signed body.
    let at = usize::from(image.header_size()) + 16;
    let mut tampered = TamperedFlash::new(p.update, at);
    let verdict = verifier.verify_flash(r.provider, &mut tampered, slot, &mut chunk, &mut counter);
    writeln!(
        r.out,
        "a copy with bit 0 of byte {at} flipped: {}",
        verdict_name(&verdict)
    )?;
    r.check(
        matches!(verdict, Err(ImageError::HashMismatch)),
        "the tampered copy is refused (hash mismatch)",
    )?;

    // The previous release, correctly signed, after the counter moved past it.
    let Ok(old_size) = u32::try_from(p.old_image.len()) else {
        return r.error("old image", "too large");
    };
    let mut old = SliceStorage::new(p.old_image);
    let old_slot = Slot::new(0, old_size, 1).with_trailer_size(0);
    let verdict = verifier.verify_flash(r.provider, &mut old, old_slot, &mut chunk, &mut counter);
    writeln!(
        r.out,
        "the previous release (validly signed, lower security counter): {}",
        verdict_name(&verdict)
    )?;
    r.check(
        matches!(verdict, Err(ImageError::Rollback)),
        "the older image is refused (rollback)",
    )
}

/// What a verification of a copy that must be refused printed: `ACCEPTED`, or the refusal.
fn verdict_name(verdict: &Result<VerifiedImage, ImageError>) -> &'static str {
    match verdict {
        Ok(_) => "ACCEPTED",
        Err(ImageError::HashMismatch) => "refused: HashMismatch",
        Err(ImageError::Rollback) => "refused: Rollback",
        Err(ImageError::Signature) => "refused: Signature",
        Err(ImageError::UnknownKey) => "refused: UnknownKey",
        Err(_) => "refused (other error)",
    }
}
