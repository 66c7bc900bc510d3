//! Monotonic counters: the one trait both anti-rollback users take (the firmware verifier's
//! security counter and the sealed store's rollback detection), so one device counter type
//! serves both.

use crate::Error;

/// A monotonic counter in storage an attacker cannot roll back (OTP fuses, a counter in a
/// secure element, a replay-protected memory block, a flash record that is only ever
/// increased). The device implements it.
///
/// Requirements: `read` returns the highest value ever stored; `advance_to` never lowers the
/// value (it must refuse, or ignore, a lower one) and survives power loss.
pub trait MonotonicCounter {
    /// The current value. Returns the storage's error if it cannot be read.
    fn read(&mut self) -> Result<u32, Error>;

    /// Raises the counter to `value` (callers never pass less than the current value).
    /// Returns the storage's error if the write fails.
    fn advance_to(&mut self, value: u32) -> Result<(), Error>;
}

impl<C: MonotonicCounter + ?Sized> MonotonicCounter for &mut C {
    fn read(&mut self) -> Result<u32, Error> {
        C::read(self)
    }

    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        C::advance_to(self, value)
    }
}
