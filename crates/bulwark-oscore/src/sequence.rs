//! The sender sequence number and its persistence (RFC 8613 section 7.2.1 and Appendix B.1.1).
//!
//! A number is never used before a value above it has been persisted: the sequence reserves a
//! window of `window` numbers at a time, asks the [`SequenceStore`] to record the end of the
//! window durably, and only then hands out numbers from it. After a reboot the stored value is
//! where the sequence resumes, so a crash can skip up to `window` numbers but never reuses one.

use crate::OscoreError;
use bulwark_api::Error;

/// Sequence numbers are below 2^40 (the Partial IV is at most 5 bytes).
pub const SEQUENCE_LIMIT: u64 = 1 << 40;

/// Durable storage of the sender sequence number, implemented by the application (flash page,
/// EEPROM, file).
pub trait SequenceStore {
    /// Records durably that numbers below `limit` may have been used: after a reboot the
    /// sequence must resume at `limit` (or above). Must not return `Ok` before the value
    /// survives a power loss. On error, no number of the new window is used.
    fn persist(&mut self, limit: u64) -> Result<(), Error>;
}

impl<T: SequenceStore + ?Sized> SequenceStore for &mut T {
    fn persist(&mut self, limit: u64) -> Result<(), Error> {
        T::persist(self, limit)
    }
}

/// A store for contexts whose sequence numbers must not survive anything: tests and the
/// RFC's examples. Never use it with a long-lived Master Secret.
#[derive(Clone, Copy, Debug, Default)]
pub struct VolatileStore;

impl SequenceStore for VolatileStore {
    fn persist(&mut self, _limit: u64) -> Result<(), Error> {
        Ok(())
    }
}

/// The sender sequence number of a security context, reserved ahead in windows.
#[derive(Debug)]
pub struct SenderSequence<S> {
    next: u64,
    reserved: u64,
    window: u64,
    store: S,
}

impl<S: SequenceStore> SenderSequence<S> {
    /// Resumes at `stored`: the value the store last persisted (0 for a new context).
    ///
    /// - `window`: how many numbers one write to the store reserves (1 writes before every
    ///   message; 0 is taken as 1). A crash loses at most `window - 1` numbers.
    pub fn resume(stored: u64, window: u64, store: S) -> Self {
        Self {
            next: stored,
            reserved: stored,
            window: window.max(1),
            store,
        }
    }

    /// The number the next message will use.
    pub fn peek(&self) -> u64 {
        self.next
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Takes the next number, persisting a new window first when the reserved one is used up.
    ///
    /// Returns [`OscoreError::SequenceExhausted`] at 2^40, or [`OscoreError::Store`] if the
    /// store failed (the number is then not used, and the next call tries again).
    pub fn next_number(&mut self) -> Result<u64, OscoreError> {
        if self.next >= SEQUENCE_LIMIT {
            return Err(OscoreError::SequenceExhausted);
        }
        if self.next >= self.reserved {
            let limit = self.next.saturating_add(self.window).min(SEQUENCE_LIMIT);
            self.store.persist(limit).map_err(OscoreError::Store)?;
            self.reserved = limit;
        }
        let n = self.next;
        self.next += 1;
        Ok(n)
    }
}
