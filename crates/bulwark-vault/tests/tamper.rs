//! Tampering: every single-bit flip of a store, every swap of two records, replayed older
//! records. Never a wrong value: each name reads as its authentic latest value, or the store
//! (or the read) fails with the one authentication error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use bulwark_api::Error;
use bulwark_vault::{RollbackPolicy, Vault};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use support::*;

const PAGES: u32 = 3;
const PAGE: u32 = 512;
const NAMES: [&[u8]; 5] = [
    b"link-key",
    b"frame-counter",
    b"trust-0",
    b"trust-1",
    b"gone",
];

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

/// A store with overwrites, a delete and at least one compaction; returns the flash, the
/// counter value, the model, and the images after each action.
fn build(policy: RollbackPolicy) -> (SimFlash, u32, Model, Vec<(SimFlash, u32)>) {
    let cfg = config(PAGES, PAGE, policy);
    let counter = SimCounter::default();
    let mut flash = SimFlash::new((PAGES * PAGE) as usize);
    let mut model = Model::new();
    let mut snapshots = Vec::new();
    let mut g = Gen(0x7a3b_e001);
    {
        let mut v: TestVault<'_> =
            Vault::format(&mut flash, ccm(&KEY), counter.clone(), &cfg).unwrap();
        for round in 0..14 {
            let name = NAMES[round % 4];
            let value = g.bytes(8 + (round * 7) % 40);
            v.put(name, &value).unwrap();
            model.insert(name.to_vec(), value);
            if round == 3 {
                v.put(b"gone", b"soon deleted").unwrap();
            }
            if round == 5 {
                assert!(v.delete(b"gone").unwrap());
            }
            let (f, _, _) = v.release();
            snapshots.push((f.clone(), *counter.0.borrow()));
            v = Vault::mount(f, ccm(&KEY), counter.clone(), &cfg).unwrap();
        }
    }
    let erased_pages = (0..PAGES as usize)
        .filter(|p| {
            flash.mem[p * PAGE as usize..(p + 1) * PAGE as usize]
                .iter()
                .all(|&b| b == 0xff)
        })
        .count();
    assert!(erased_pages >= 1);
    let c = *counter.0.borrow();
    // The store went through at least one compaction (it holds a `Drop` record).
    let recs = records(&flash.mem, PAGES as usize, PAGE as usize);
    assert!(
        recs.iter().any(|r| r.kind == 4),
        "no compaction (Drop record) in the store"
    );
    (flash, c, model, snapshots)
}

#[derive(Default, Debug)]
struct Tally {
    mount_refused: usize,
    read_refused: usize,
    intact: usize,
    older: usize,
}

/// What altered copies of a built store are judged against (its counter, policy and model),
/// with the tally of the verdicts.
struct Judge {
    counter: u32,
    policy: RollbackPolicy,
    model: Model,
    t: Tally,
}

/// A store from [`build`] under `policy`: its flash, the snapshots, and the judge of its
/// altered copies.
fn store(policy: RollbackPolicy) -> (SimFlash, Vec<(SimFlash, u32)>, Judge) {
    let (flash, counter, model, snapshots) = build(policy);
    let judge = Judge {
        counter,
        policy,
        model,
        t: Tally::default(),
    };
    (flash, snapshots, judge)
}

impl Judge {
    /// Mounts `flash` and reads every name. A value other than the model's is an older value
    /// (counted) when `allow_older`, else a failure.
    fn judge(&mut self, flash: &mut SimFlash, what: &str, allow_older: bool) {
        let (model, t) = (&self.model, &mut self.t);
        let cfg = config(PAGES, PAGE, self.policy);
        let c = SimCounter(Rc::new(RefCell::new(self.counter)));
        let mut v: TestVault<'_> = match Vault::mount(flash, ccm(&KEY), c, &cfg) {
            Ok(v) => v,
            Err(Error::Verification) => {
                t.mount_refused += 1;
                return;
            }
            Err(e) => panic!("{what}: mount: unexpected {e}"),
        };
        let mut out = [0u8; 256];
        let mut refused = false;
        let mut older = false;
        for n in NAMES {
            match v.get(n, &mut out) {
                Ok(got) => {
                    let got = got.map(|len| out[..len].to_vec());
                    if got != model.get(n).cloned() {
                        assert!(allow_older, "{what}: wrong value for {n:?}");
                        older = true;
                    }
                }
                Err(Error::Verification) => refused = true,
                Err(e) => panic!("{what}: get: unexpected {e}"),
            }
        }
        if older {
            t.older += 1;
        } else if refused {
            t.read_refused += 1;
        } else {
            t.intact += 1;
        }
    }
}

#[test]
fn every_single_bit_flip() {
    let policy = RollbackPolicy::EveryCommit;
    let (flash, _, mut j) = store(policy);
    let bits = flash.mem.len() * 8;
    for bit in 0..bits {
        let mut f = flash.clone();
        f.mem[bit / 8] ^= 1 << (bit % 8);
        j.judge(&mut f, &format!("bit {bit}"), false);
    }
    println!("{bits} single-bit flips: {:?}", j.t);
    assert_eq!(j.t.older, 0);
    assert_eq!(j.t.mount_refused + j.t.read_refused + j.t.intact, bits);
    assert!(j.t.mount_refused > 0 && j.t.intact > 0);
}

#[test]
fn without_a_counter_a_flip_can_only_undo_the_newest_commit() {
    // Documented limit: with no counter, a flip that makes the newest record look like an
    // interrupted write is a rollback of that one commit. Flips anywhere else never give an
    // older value.
    let policy = RollbackPolicy::None;
    let (flash, _, mut j) = store(policy);
    let recs = records(&flash.mem, PAGES as usize, PAGE as usize);
    let newest = recs.iter().max_by_key(|r| r.seq).copied().unwrap();
    for bit in 0..flash.mem.len() * 8 {
        let byte = bit / 8;
        let mut f = flash.clone();
        f.mem[byte] ^= 1 << (bit % 8);
        let in_newest = (newest.start..newest.start + newest.len).contains(&byte);
        j.judge(&mut f, &format!("bit {bit}"), in_newest);
    }
    println!(
        "without a counter: {:?} (newest record: {} bytes)",
        j.t, newest.len
    );
    assert!(j.t.older <= newest.len * 8);
}

#[test]
fn swapped_records() {
    let policy = RollbackPolicy::EveryCommit;
    let (flash, _, mut j) = store(policy);
    let recs = records(&flash.mem, PAGES as usize, PAGE as usize);
    let mut pairs = 0;
    for (i, a) in recs.iter().enumerate() {
        for b in &recs[i + 1..] {
            let same_page = a.start / PAGE as usize == b.start / PAGE as usize;
            if a.len != b.len && !same_page {
                continue;
            }
            let mut f = flash.clone();
            let (x, y) = (a.start, b.start);
            if same_page {
                // The region from a to the end of b becomes b, what lay between, a.
                let mut region = flash.mem[y..y + b.len].to_vec();
                region.extend_from_slice(&flash.mem[x + a.len..y]);
                region.extend_from_slice(&flash.mem[x..x + a.len]);
                f.mem[x..y + b.len].copy_from_slice(&region);
            } else {
                for k in 0..a.len {
                    f.mem.swap(x + k, y + k);
                }
            }
            pairs += 1;
            j.judge(&mut f, &format!("swap {x}/{y}"), false);
        }
    }
    // Whole pages swapped.
    for p in 0..PAGES as usize {
        for q in p + 1..PAGES as usize {
            let mut f = flash.clone();
            for k in 0..PAGE as usize {
                f.mem.swap(p * PAGE as usize + k, q * PAGE as usize + k);
            }
            pairs += 1;
            j.judge(&mut f, &format!("pages {p}/{q}"), false);
        }
    }
    println!("{pairs} swaps: {:?}", j.t);
    assert!(pairs >= 10, "only {pairs} swaps");
    assert_eq!(j.t.intact, 0, "a swap went unnoticed");
}

#[test]
fn replayed_older_records() {
    let policy = RollbackPolicy::EveryCommit;
    let (flash, snapshots, mut j) = store(policy);
    let current = records(&flash.mem, PAGES as usize, PAGE as usize);
    let mut tries = 0;
    for (old, _) in &snapshots {
        for r in records(&old.mem, PAGES as usize, PAGE as usize) {
            let bytes = &old.mem[r.start..r.start + r.len];
            // (a) Over a current record of the same length.
            for c in current.iter().filter(|c| c.len == r.len) {
                let mut f = flash.clone();
                f.mem[c.start..c.start + r.len].copy_from_slice(bytes);
                tries += 1;
                j.judge(&mut f, "replay over", false);
            }
            // (b) Appended after the newest record, and (c) at the same place.
            let end = current
                .iter()
                .max_by_key(|c| c.seq)
                .map(|c| c.start + c.len)
                .unwrap();
            for at in [end, r.start] {
                if at + r.len <= flash.mem.len()
                    && (at / PAGE as usize) == ((at + r.len - 1) / PAGE as usize)
                {
                    let mut f = flash.clone();
                    f.mem[at..at + r.len].copy_from_slice(bytes);
                    tries += 1;
                    j.judge(&mut f, "replay at", false);
                }
            }
        }
    }
    println!("{tries} replays: {:?}", j.t);
    assert!(tries >= 100);
}

#[test]
fn random_corruption_never_panics_or_lies() {
    // Several bytes changed at once (1 to 16, anywhere), and whole regions of garbage.
    let policy = RollbackPolicy::EveryCommit;
    let (flash, _, mut j) = store(policy);
    let mut g = Gen(0xc0ff_ee00_1234_5678);
    for i in 0..3000 {
        let mut f = flash.clone();
        if i % 100 == 99 {
            let start = g.below(f.mem.len() as u64) as usize;
            let len = (g.below(600) as usize).min(f.mem.len() - start);
            for b in &mut f.mem[start..start + len] {
                *b = g.next() as u8;
            }
        } else {
            for _ in 0..=g.below(16) {
                let at = g.below(f.mem.len() as u64) as usize;
                f.mem[at] = g.next() as u8;
            }
        }
        j.judge(&mut f, &format!("corruption {i}"), false);
    }
    println!("3000 random corruptions: {:?}", j.t);
    assert_eq!(j.t.older, 0);
}
