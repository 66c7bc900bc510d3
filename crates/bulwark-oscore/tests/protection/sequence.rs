//! Sender sequence numbers persisted before use.

use super::*;

/// Records every persisted limit; fails when `fail` is set.
#[derive(Default)]
struct Recorder {
    limits: Vec<u64>,
    fail: bool,
}

impl SequenceStore for Recorder {
    fn persist(&mut self, limit: u64) -> Result<(), Error> {
        if self.fail {
            return Err(Error::Hardware);
        }
        self.limits.push(limit);
        Ok(())
    }
}

#[test]
fn sequence_numbers_are_persisted_before_use() {
    let mut seq = SenderSequence::resume(10, 4, Recorder::default());
    let taken: Vec<u64> = (0..9).map(|_| seq.next_number().unwrap()).collect();
    assert_eq!(taken, (10..19).collect::<Vec<_>>());
    assert_eq!(seq.store().limits, vec![14, 18, 22]);
    // After a crash the sequence resumes at the last persisted limit: 19..21 are skipped,
    // nothing is reused.
    let mut again = SenderSequence::resume(22, 4, Recorder::default());
    assert_eq!(again.next_number().unwrap(), 22);

    let mut failing = SenderSequence::resume(
        0,
        1,
        Recorder {
            fail: true,
            ..Recorder::default()
        },
    );
    assert_eq!(
        failing.next_number().unwrap_err(),
        OscoreError::Store(Error::Hardware)
    );
    assert_eq!(failing.peek(), 0);

    let mut end = SenderSequence::resume((1 << 40) - 1, 8, Recorder::default());
    assert_eq!(end.next_number().unwrap(), (1 << 40) - 1);
    assert_eq!(end.store().limits, vec![1 << 40]);
    assert_eq!(
        end.next_number().unwrap_err(),
        OscoreError::SequenceExhausted
    );
}

#[test]
fn a_failed_store_sends_nothing() {
    let mut c: Ctx<Recorder> = common::context(
        &params(b"\xc1", b"\x5e", None),
        SenderSequence::resume(
            0,
            1,
            Recorder {
                fail: true,
                ..Recorder::default()
            },
        ),
        ReplayWindow::Empty,
    );
    let mut out = [0xaau8; 512];
    assert_eq!(
        c.protect_request(&request(), None, &mut out).unwrap_err(),
        OscoreError::Store(Error::Hardware)
    );
    assert!(out.iter().all(|&b| b == 0xaa));
}
