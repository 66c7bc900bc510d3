//! Full MCUboot verification of a signed image in flash.

use bulwark_firmware::{MonotonicCounter, SliceStorage, Slot, Verifier};
use bulwark_soft::Soft;

use crate::Bench;

/// A device anti-rollback counter at 0.
struct Counter(u32);

impl MonotonicCounter for Counter {
    fn read(&mut self) -> Result<u32, bulwark_api::Error> {
        Ok(self.0)
    }

    fn advance_to(&mut self, value: u32) -> Result<(), bulwark_api::Error> {
        self.0 = value;
        Ok(())
    }
}

/// The chunk buffer for streaming the image out of flash.
pub const MCUBOOT_CHUNK: usize = 512;

/// Full MCUboot verification (header, TLVs, SHA-256 of the body streamed from the in-flash
/// `image` through `embedded-storage` in [`MCUBOOT_CHUNK`]-byte chunks, Ed25519 signature,
/// security counter) of an image signed with `public`, whose body is `body_len` bytes and
/// whose security counter is 1.
pub fn mcuboot_verify<R: Bench>(r: &mut R, image: &[u8], public: [u8; 32], body_len: usize) {
    let trusted = [public];
    // The trusted key is imported when the verifier is built, outside the measurement.
    let Ok(verifier) = Verifier::ed25519(&mut Soft, &trusted) else {
        return r.fail("mcuboot-verify-64k");
    };
    r.run(
        "mcuboot-verify-64k",
        image,
        |image| {
            let mut flash = SliceStorage::new(image);
            let slot = Slot::new(0, image.len() as u32, 1).with_trailer_size(0);
            let mut buf = [0u8; MCUBOOT_CHUNK];
            verifier
                .verify_flash(&mut Soft, &mut flash, slot, &mut buf, &mut Counter(0))
                .map(|v| (v.image_size(), v.security_counter()))
                .ok()
        },
        |v| v == Some((body_len as u32, Some(1))),
    );
}
