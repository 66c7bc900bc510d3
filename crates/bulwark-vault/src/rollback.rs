//! Rollback detection: a monotonic counter the vault reads at mount and raises as it commits.

use bulwark_api::Error;

pub use bulwark_api::counter::MonotonicCounter;

/// No counter: for [`RollbackPolicy::None`] (reads 0, ignores advances).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCounter;

impl MonotonicCounter for NoCounter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(0)
    }

    fn advance_to(&mut self, _value: u32) -> Result<(), Error> {
        Ok(())
    }
}

/// When the vault raises the monotonic counter, and so which restored flash images it detects.
/// The README's "Rollback" section has the exact rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollbackPolicy {
    /// No counter: a restored older image (or one whose newest commit was made to look
    /// interrupted) is not detected.
    None,
    /// The counter is raised to each record's sequence number after the record is written:
    /// one increment per record (a `put` or `delete`, plus the records a compaction writes).
    /// Mount refuses any image older than the last commit whose increment completed.
    EveryCommit,
    /// The sequence numbers are split into windows of `commits` numbers; the counter holds the
    /// current window. It is raised before the first write of each mount and before a write
    /// crosses into the next window: one increment per mount that writes plus one per
    /// `commits` records. Mount refuses an image whose newest record lies more than one window
    /// behind the counter. A large `commits` (e.g. `u32::MAX`) is "only at boot".
    Window {
        /// Records per window (at least 1).
        commits: u32,
    },
}

impl RollbackPolicy {
    /// The window size, for the window policy (`None` otherwise). Returns
    /// [`Error::InvalidInput`] for a window of 0 commits.
    pub(crate) fn window(self) -> Result<Option<u64>, Error> {
        match self {
            RollbackPolicy::Window { commits: 0 } => Err(Error::InvalidInput),
            RollbackPolicy::Window { commits } => Ok(Some(u64::from(commits))),
            _ => Ok(None),
        }
    }
}
