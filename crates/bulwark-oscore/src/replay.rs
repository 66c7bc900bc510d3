//! The server's replay window (RFC 8613 section 7.4): a 64-number sliding window.

/// Width of the window: Partial IVs up to this far below the highest one received are still
/// accepted once each (the RFC asks for at least 32).
pub const REPLAY_WINDOW: u64 = 64;

/// What a server knows about the Partial IVs it already accepted from its peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayWindow {
    /// A new context: nothing received yet, every number is fresh.
    Empty,
    /// The state was lost (a reboot without persisted replay state): requests must first
    /// prove freshness with an Echo (RFC 8613 Appendix B.1.2).
    Unknown,
    /// `highest` is the largest accepted number; bit `i` of `seen` says whether
    /// `highest - i` was accepted.
    Known {
        /// Largest accepted Partial IV.
        highest: u64,
        /// Bit `i` set: `highest - i` was accepted.
        seen: u64,
    },
}

/// Result of [`ReplayWindow::check`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Not seen before.
    Fresh,
    /// Seen before, or too old to tell.
    Replay,
    /// The window is [`ReplayWindow::Unknown`].
    Unknown,
}

impl ReplayWindow {
    /// Whether `sequence` may be accepted; changes nothing.
    pub fn check(&self, sequence: u64) -> Check {
        match *self {
            ReplayWindow::Empty => Check::Fresh,
            ReplayWindow::Unknown => Check::Unknown,
            ReplayWindow::Known { highest, seen } => {
                if sequence > highest {
                    Check::Fresh
                } else {
                    let age = highest - sequence;
                    if age >= REPLAY_WINDOW || seen >> age & 1 == 1 {
                        Check::Replay
                    } else {
                        Check::Fresh
                    }
                }
            }
        }
    }

    /// Records `sequence` as accepted (after the message verified). From
    /// [`ReplayWindow::Unknown`] this (re)starts the window at `sequence`, with every lower
    /// number counted as seen: call it only for a request whose Echo proved it fresh.
    pub fn accept(&mut self, sequence: u64) {
        *self = match *self {
            ReplayWindow::Empty => ReplayWindow::Known {
                highest: sequence,
                seen: 1,
            },
            // RFC 8613 Appendix B.1.2: the Echo-verified number becomes the lower bound; every
            // number at or below it may have been received before the state was lost.
            ReplayWindow::Unknown => ReplayWindow::Known {
                highest: sequence,
                seen: u64::MAX,
            },
            ReplayWindow::Known { highest, seen } => {
                if sequence > highest {
                    let shift = sequence - highest;
                    let seen = if shift >= REPLAY_WINDOW {
                        0
                    } else {
                        seen << shift
                    };
                    ReplayWindow::Known {
                        highest: sequence,
                        seen: seen | 1,
                    }
                } else {
                    let age = highest - sequence;
                    let bit = if age >= REPLAY_WINDOW { 0 } else { 1u64 << age };
                    ReplayWindow::Known {
                        highest,
                        seen: seen | bit,
                    }
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_accepts_each_number_once() {
        let mut w = ReplayWindow::Empty;
        for s in [5u64, 3, 70, 7, 69] {
            assert_eq!(w.check(s), Check::Fresh, "{s}");
            w.accept(s);
            assert_eq!(w.check(s), Check::Replay, "{s}");
        }
        // 70 - 64 = 6 is the first number outside the window; 7 was accepted, 8 was not.
        assert_eq!(w.check(6), Check::Replay);
        assert_eq!(w.check(7), Check::Replay);
        assert_eq!(w.check(8), Check::Fresh);
        assert_eq!(w.check(71), Check::Fresh);
        assert_eq!(ReplayWindow::Unknown.check(0), Check::Unknown);
    }

    #[test]
    fn recovery_from_unknown_refuses_everything_older() {
        let mut w = ReplayWindow::Unknown;
        w.accept(100);
        for s in [0u64, 36, 37, 99, 100] {
            assert_eq!(w.check(s), Check::Replay, "{s}");
        }
        assert_eq!(w.check(101), Check::Fresh);
    }
}
