//! Power cuts: a scripted sequence of puts, overwrites and deletes (enough to compact every
//! page several times) is run once on a logging flash; then the flash is rebuilt up to every
//! single program and erase operation in turn and cut there (nothing done, half the words
//! done with the next word left partially programmed, all but the last word with the last
//! partially programmed; an erase not started, half done, or with bits left half-erased).
//! Each cut image must mount, read every name as its last committed value (the name being
//! written: its old or its new value), and take a new write.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use bulwark_vault::{RollbackPolicy, Vault};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use support::*;

const PAGES: u32 = 6;
const PAGE: u32 = 1024;

#[derive(Clone, Debug)]
enum Action {
    Put(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
}

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn names() -> Vec<Vec<u8>> {
    let mut names: Vec<Vec<u8>> = (0..9).map(|i| format!("name-{i}").into_bytes()).collect();
    names.push(vec![b'n'; 32]); // the longest name
    names.push(b"k".to_vec());
    names
}

fn script(len: usize, seed: u64) -> Vec<Action> {
    let names = names();
    let mut g = Gen(seed);
    (0..len)
        .map(|_| {
            let name = names[g.below(names.len() as u64) as usize].clone();
            if g.below(7) == 0 {
                Action::Delete(name)
            } else {
                let len = match g.below(4) {
                    0 => g.below(8) as usize,
                    1 => 256,
                    _ => g.below(257) as usize,
                };
                Action::Put(name, g.bytes(len))
            }
        })
        .collect()
}

fn apply(model: &mut Model, a: &Action) {
    match a {
        Action::Put(n, v) => {
            model.insert(n.clone(), v.clone());
        }
        Action::Delete(n) => {
            model.remove(n);
        }
    }
}

fn touched(a: &Action) -> &[u8] {
    match a {
        Action::Put(n, _) | Action::Delete(n) => n,
    }
}

/// Runs the script on a logging flash; returns the flash after format, the log, and for each
/// action the index of its first logged operation.
fn record(actions: &[Action], policy: RollbackPolicy) -> (SimFlash, Vec<(Op, u32)>, Vec<usize>) {
    let cfg = config(PAGES, PAGE, policy);
    let counter = SimCounter::default();
    let mut flash = SimFlash::new((PAGES * PAGE) as usize);
    flash.counter = Some(counter.0.clone());
    {
        let v: TestVault<'_> = Vault::format(&mut flash, ccm(&KEY), counter.clone(), &cfg).unwrap();
        drop(v);
    }
    let base = flash.clone();
    let log = Rc::new(RefCell::new(Vec::new()));
    flash.log = Some(log.clone());
    let mut starts = Vec::new();
    let mut v: TestVault<'_> = Vault::mount(&mut flash, ccm(&KEY), counter.clone(), &cfg).unwrap();
    let mut model = Model::new();
    for a in actions {
        starts.push(log.borrow().len());
        match a {
            Action::Put(n, val) => v
                .put(n, val)
                .unwrap_or_else(|e| panic!("action {}: put: {e}", starts.len() - 1)),
            Action::Delete(n) => {
                let had = v.delete(n).unwrap();
                assert_eq!(had, model.contains_key(n));
            }
        }
        apply(&mut model, a);
    }
    // The uncut run ends in the model's state.
    check(&mut v, &model, None, &model);
    drop(v);
    let log = log.borrow().clone();
    (base, log, starts)
}

/// Every name reads as in `model`, except `name`, which may read as in `model` or `after`.
fn check(v: &mut TestVault<'_>, model: &Model, name: Option<&[u8]>, after: &Model) {
    let mut out = [0u8; 256];
    for n in names() {
        let got = v.get(&n, &mut out).unwrap().map(|len| out[..len].to_vec());
        let before = model.get(&n).cloned();
        if name == Some(n.as_slice()) {
            let new = after.get(&n).cloned();
            assert!(
                got == before || got == new,
                "{n:?}: neither old nor new value"
            );
        } else {
            assert_eq!(got, before, "{n:?}: lost or wrong value");
        }
    }
    let mut listed = Vec::new();
    v.for_each_name(|n| listed.push(n.to_vec())).unwrap();
    listed.sort();
    let expected_without: Vec<Vec<u8>> = model.keys().cloned().collect();
    let expected_with: Vec<Vec<u8>> = after.keys().cloned().collect();
    assert!(
        listed == expected_without || (name.is_some() && listed == expected_with),
        "list differs"
    );
}

/// The partial outcomes of cutting `op`.
fn cuts(op: &Op) -> Vec<Op> {
    match op {
        Op::Write { addr, data } => {
            let words = data.len() / WORD;
            let partial = |full: usize| {
                let mut d = vec![0xffu8; data.len()];
                d[..full * WORD].copy_from_slice(&data[..full * WORD]);
                if full < words {
                    for i in 0..WORD {
                        // Half the bits of the word programmed.
                        d[full * WORD + i] = data[full * WORD + i] | 0x5a;
                    }
                }
                Op::Write {
                    addr: *addr,
                    data: d,
                }
            };
            let mut v = vec![partial(0), partial(words / 2)];
            if words >= 2 {
                v.push(partial(words - 1));
            }
            v
        }
        Op::Erase { from, to } => vec![
            Op::Write {
                addr: *from,
                data: vec![0xff; to - from],
            },
            Op::Erase {
                from: *from,
                to: from + (to - from) / 2,
            },
            // Every byte half erased.
            Op::Write {
                addr: *from,
                data: vec![0xff; to - from],
            },
        ],
    }
}

fn run(actions: usize, seed: u64, policy: RollbackPolicy) -> (usize, usize, usize) {
    let actions = script(actions, seed);
    let (base, log, starts) = record(&actions, policy);
    let cfg = config(PAGES, PAGE, policy);
    let mut image = base.clone();
    let mut model = Model::new();
    let mut action = 0;
    let mut cut_points = 0;
    let mut erases = 0;
    for (k, (op, counter_value)) in log.iter().enumerate() {
        while action + 1 < starts.len() && starts[action + 1] <= k {
            apply(&mut model, &actions[action]);
            action += 1;
        }
        let mut after = model.clone();
        apply(&mut after, &actions[action]);
        if matches!(op, Op::Erase { .. }) {
            erases += 1;
        }
        for (variant, partial) in cuts(op).iter().enumerate() {
            let mut flash = image.clone();
            flash.apply(partial);
            if let (Op::Erase { from, to }, 2) = (op, variant) {
                for b in &mut flash.mem[*from..*to] {
                    *b |= 0x0f;
                }
            }
            cut_points += 1;
            let counter = SimCounter(Rc::new(RefCell::new(*counter_value)));
            let mut v: TestVault<'_> = Vault::mount(&mut flash, ccm(&KEY), counter.clone(), &cfg)
                .unwrap_or_else(|e| panic!("cut {k}/{variant}: mount failed: {e}"));
            check(&mut v, &model, Some(touched(&actions[action])), &after);
            // Still writable, and the write sticks.
            v.put(b"probe", &[k as u8; 40])
                .unwrap_or_else(|e| panic!("cut {k}/{variant}: put failed: {e}"));
            let mut out = [0u8; 256];
            assert_eq!(v.get(b"probe", &mut out).unwrap(), Some(40));
            assert_eq!(&out[..40], &[k as u8; 40]);
            // And it survives a remount.
            drop(v);
            let mut v: TestVault<'_> = Vault::mount(&mut flash, ccm(&KEY), counter, &cfg)
                .unwrap_or_else(|e| panic!("cut {k}/{variant}: remount failed: {e}"));
            assert_eq!(v.get(b"probe", &mut out).unwrap(), Some(40));
        }
        image.apply(op);
    }
    (cut_points, log.len(), erases)
}

#[test]
fn every_cut_point_keeps_the_committed_state() {
    let (cuts, ops, erases) = run(220, 0x5eed_1234_abcd_0001, RollbackPolicy::EveryCommit);
    println!("power cuts: {cuts} cut points over {ops} flash operations ({erases} erases)");
    assert!(erases >= 12, "only {erases} erases: not enough compactions");
    assert!(cuts >= 3 * 1000);
}

#[test]
fn every_cut_point_with_a_window_counter() {
    let (cuts, ops, erases) = run(60, 0x0dd_ba11, RollbackPolicy::Window { commits: 8 });
    println!("window policy: {cuts} cut points over {ops} flash operations ({erases} erases)");
    assert!(erases >= 2);
}
