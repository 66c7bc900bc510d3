//! Anti-rollback: a monotonic counter that verification reads and only an explicit
//! [`confirm`] raises.

use crate::{ImageError, VerifiedImage, fih::Verdict};

pub use bulwark_api::counter::MonotonicCounter;

/// Raises `counter` to the security counter of `image`, after the image has booted and proven
/// itself (MCUboot's "confirm" step). Verification never writes the counter, so a verified
/// image that fails to boot can still be rolled back from; once confirmed, older images are
/// refused with [`ImageError::Rollback`].
///
/// - `image`: only a successful verification makes one.
/// - `counter`: the device's counter.
///
/// Returns the counter's value afterwards. An image without a security counter counts as 0
/// (as in verification): nothing is written, and it is refused once the device counter is
/// above 0. Errors: [`ImageError::Rollback`] if the counter is already above the image's (it
/// moved since verification: the image no longer describes the device's state), [`ImageError::Counter`] if it cannot be read or written or does
/// not read back the new value, [`ImageError::FaultDetected`] if the image's seal is damaged.
pub fn confirm<C: MonotonicCounter + ?Sized>(
    image: &VerifiedImage,
    counter: &mut C,
) -> Result<u32, ImageError> {
    if !image.seal.is_pass() {
        return Err(ImageError::FaultDetected);
    }
    let current = counter.read().map_err(|_| ImageError::Counter)?;
    let target = image.security_counter.unwrap_or(0);
    if target < current {
        return Err(ImageError::Rollback);
    }
    if target > current {
        counter
            .advance_to(target)
            .map_err(|_| ImageError::Counter)?;
    }
    let now = counter.read().map_err(|_| ImageError::Counter)?;
    if now != target {
        return Err(ImageError::Counter);
    }
    if !Verdict::is_pass(image.seal) {
        return Err(ImageError::FaultDetected);
    }
    Ok(now)
}
