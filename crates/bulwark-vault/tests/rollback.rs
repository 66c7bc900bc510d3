//! Rollback: a restored older image of the whole flash, for each counter policy, detected
//! exactly as the README says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use bulwark_api::Error;
use bulwark_vault::{RollbackPolicy, Vault};
use std::cell::RefCell;
use std::rc::Rc;
use support::*;

const PAGES: u32 = 4;
const PAGE: u32 = 1024;

fn mount_result(flash: &SimFlash, counter: u32, policy: RollbackPolicy) -> Result<(), Error> {
    let mut f = flash.clone();
    let c = SimCounter(Rc::new(RefCell::new(counter)));
    let v: TestVault<'_> = Vault::mount(&mut f, ccm(&KEY), c, &config(PAGES, PAGE, policy))?;
    drop(v);
    Ok(())
}

fn seqs(flash: &SimFlash) -> Vec<u64> {
    records(&flash.mem, PAGES as usize, PAGE as usize)
        .iter()
        .map(|r| r.seq)
        .collect()
}

fn newest_seq(flash: &SimFlash) -> u64 {
    seqs(flash).into_iter().max().unwrap()
}

/// Formats, then runs one mount per entry of `sessions` with that many puts; returns the
/// image after every put (with its session number), the final flash and the counter.
fn history(
    policy: RollbackPolicy,
    sessions: &[usize],
) -> (Vec<(usize, SimFlash)>, SimFlash, SimCounter) {
    let cfg = config(PAGES, PAGE, policy);
    let counter = SimCounter::default();
    let mut flash = SimFlash::new((PAGES * PAGE) as usize);
    let v: TestVault<'_> = Vault::format(&mut flash, ccm(&KEY), counter.clone(), &cfg).unwrap();
    drop(v);
    let base = flash.clone();
    let log = Rc::new(RefCell::new(Vec::new()));
    flash.log = Some(log.clone());
    let mut marks = Vec::new();
    let mut g = Gen(99);
    for (s, &puts) in sessions.iter().enumerate() {
        let mut v: TestVault<'_> =
            Vault::mount(&mut flash, ccm(&KEY), counter.clone(), &cfg).unwrap();
        for i in 0..puts {
            v.put(format!("frame-counter-{}", i % 3).as_bytes(), &g.bytes(24))
                .unwrap();
            marks.push((s, log.borrow().len()));
        }
    }
    let log = log.borrow().clone();
    let mut images = Vec::new();
    let mut image = base;
    let mut applied = 0;
    for (s, mark) in marks {
        while applied < mark {
            image.apply(&log[applied].0);
            applied += 1;
        }
        images.push((s, image.clone()));
    }
    flash.log = None;
    (images, flash, counter)
}

#[test]
fn every_commit_detects_every_older_image() {
    let policy = RollbackPolicy::EveryCommit;
    let (images, current, counter) = history(policy, &[10, 10, 10]);
    let m = *counter.0.borrow();
    assert_eq!(mount_result(&current, m, policy), Ok(()));
    let ((_, last), older) = images.split_last().unwrap();
    assert_eq!(last.mem, current.mem);
    for (i, (_, img)) in older.iter().enumerate() {
        assert_eq!(
            mount_result(img, m, policy),
            Err(Error::Verification),
            "image {i}"
        );
    }
    println!(
        "every commit: {} older images, all refused (counter {m})",
        older.len()
    );
}

#[test]
fn window_detects_images_more_than_one_window_behind() {
    let n = 4;
    let policy = RollbackPolicy::Window { commits: n };
    let (images, current, counter) = history(policy, &[40]);
    let m = *counter.0.borrow();
    assert_eq!(mount_result(&current, m, policy), Ok(()));
    let (mut detected, mut missed) = (0, 0);
    for (_, img) in &images {
        let expect_refused = newest_seq(img) / u64::from(n) + 1 < u64::from(m);
        let got = mount_result(img, m, policy);
        assert_eq!(
            got.is_err(),
            expect_refused,
            "newest {} counter {m}",
            newest_seq(img)
        );
        if expect_refused {
            assert_eq!(got, Err(Error::Verification));
            detected += 1;
        } else {
            missed += 1;
        }
    }
    println!(
        "window of {n}: {detected} older images refused, {missed} (the last 1-2 windows) accepted"
    );
    assert!(detected >= 30 && missed <= 2 * n as usize);
}

#[test]
fn at_boot_detects_images_from_before_the_previous_boot() {
    let policy = RollbackPolicy::Window { commits: u32::MAX };
    let (images, current, counter) = history(policy, &[5, 5, 5, 5]);
    let m = *counter.0.borrow();
    assert_eq!(m, 5, "one increment at format and one per boot that writes");
    assert_eq!(mount_result(&current, m, policy), Ok(()));
    for (session, img) in &images {
        let got = mount_result(img, m, policy);
        if *session + 2 <= 3 {
            assert_eq!(got, Err(Error::Verification), "session {session}");
        } else {
            assert_eq!(got, Ok(()), "session {session}");
        }
    }
    // An accepted rollback (to the previous boot's image) never reuses a nonce: the next boot
    // starts a new window.
    let used: Vec<u64> = seqs(&current);
    let (_, previous) = images.iter().find(|(s, _)| *s == 2).unwrap();
    let mut f = previous.clone();
    let cfg = config(PAGES, PAGE, policy);
    let mut v: TestVault<'_> = Vault::mount(&mut f, ccm(&KEY), counter.clone(), &cfg).unwrap();
    v.put(b"frame-counter-9", b"after rollback").unwrap();
    drop(v);
    let max_used = used.into_iter().max().unwrap();
    let fresh: Vec<u64> = seqs(&f)
        .into_iter()
        .filter(|s| !seqs(previous).contains(s))
        .collect();
    assert!(!fresh.is_empty() && fresh.iter().all(|&s| s > max_used));
}

#[test]
fn no_counter_detects_nothing() {
    let policy = RollbackPolicy::None;
    let (images, _, _) = history(policy, &[6]);
    for (_, img) in &images {
        assert_eq!(mount_result(img, 0, policy), Ok(()));
    }
}
