//! LE Secure Connections pairing between two state machines: every association model in both
//! roles, and a negative test for every check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod models;
mod refused;
mod tampered;

#[path = "../common/mod.rs"]
mod common;

use IoCapability::*;
use bulwark_links::ble::pairing::{
    AUTH_BONDING, AUTH_MITM, AUTH_SC, DEBUG_PUBLIC_X, DEBUG_PUBLIC_Y, Event, Features,
    IoCapability, MAX_PDU_LEN, Method, Options, Outcome, Output, Pairing, PairingError, Pdu, Role,
    select_method,
};
use bulwark_soft::Soft;
use bulwark_testkit::rng::DeterministicTestRng;
use common::engines;

const A: [u8; 7] = [0x00, 0x56, 0x12, 0x37, 0x37, 0xbf, 0xce];
const B: [u8; 7] = [0x01, 0xc7, 0x13, 0x70, 0x2d, 0xcf, 0xc1];

fn features(io: IoCapability, mitm: bool) -> Features {
    Features {
        io,
        oob: false,
        auth_req: AUTH_BONDING | if mitm { AUTH_MITM } else { 0 },
        max_key_size: 16,
        initiator_keys: 0,
        responder_keys: 0,
    }
}

struct Side {
    m: Pairing<Soft>,
    rng: DeterministicTestRng,
    wants_passkey: bool,
    shown: Option<u32>,
    compared: Option<u32>,
    outcome: Option<Outcome>,
}

#[derive(Default)]
struct Config {
    initiator: Option<Features>,
    responder: Option<Features>,
    initiator_options: Options,
    responder_options: Options,
    /// Out-of-band data handed from the initiator to the responder, and back.
    oob_to_responder: bool,
    oob_to_initiator: bool,
    /// The passkey both users type when both sides input; the responder's typed passkey when
    /// it differs (a typing mistake).
    typed: Option<u32>,
    responder_typed: Option<u32>,
    reject_comparison: bool,
    corrupt_oob: bool,
}

/// Which side failed, and why.
type Failure = (Role, PairingError);

fn run(
    cfg: Config,
    seed: u64,
    mut tamper: impl FnMut(Role, usize, &mut Pdu),
) -> Result<(Outcome, Outcome, Option<u32>), Failure> {
    let mut kex = Soft;
    let mut e = engines();
    let mut make = |role, f: Features, o, local, peer, seed| Side {
        m: Pairing::new(
            &mut kex,
            &mut DeterministicTestRng::new(seed),
            role,
            f,
            o,
            local,
            peer,
        )
        .unwrap(),
        rng: DeterministicTestRng::new(seed ^ 0xffff),
        wants_passkey: false,
        shown: None,
        compared: None,
        outcome: None,
    };
    let mut i = make(
        Role::Initiator,
        cfg.initiator.unwrap_or(features(NoInputNoOutput, false)),
        cfg.initiator_options,
        A,
        B,
        seed,
    );
    let mut r = make(
        Role::Responder,
        cfg.responder.unwrap_or(features(NoInputNoOutput, false)),
        cfg.responder_options,
        B,
        A,
        seed + 1,
    );
    if cfg.oob_to_responder {
        let (rv, mut c) = i.m.local_oob(&mut e).unwrap();
        if cfg.corrupt_oob {
            c[0] ^= 1;
        }
        r.m.set_peer_oob(rv, c).unwrap();
    }
    if cfg.oob_to_initiator {
        let (rv, c) = r.m.local_oob(&mut e).unwrap();
        i.m.set_peer_oob(rv, c).unwrap();
    }
    // (from initiator, pdu)
    let mut queue = std::collections::VecDeque::new();
    queue.push_back((Role::Initiator, i.m.start().unwrap()));
    let mut counts = [0usize; 2];
    let mut steps = 0;
    while let Some((from, mut pdu)) = queue.pop_front() {
        steps += 1;
        assert!(steps < 200, "no progress");
        let idx = if from == Role::Initiator { 0 } else { 1 };
        tamper(from, counts[idx], &mut pdu);
        counts[idx] += 1;
        // Through the wire format.
        let mut bytes = [0u8; MAX_PDU_LEN];
        let n = pdu.encode(&mut bytes);
        let pdu = Pdu::decode(&bytes[..n]).unwrap();
        let (to, to_role) = if from == Role::Initiator {
            (&mut r, Role::Responder)
        } else {
            (&mut i, Role::Initiator)
        };
        let out =
            to.m.receive(&mut kex, &mut e, &mut to.rng, &pdu)
                .map_err(|err| (to_role, err))?;
        let mut outputs = vec![(to_role, out)];
        // Users act.
        loop {
            let mut more = Vec::new();
            for (who, out) in outputs.drain(..) {
                for p in out.send.into_iter().flatten() {
                    queue.push_back((who, p));
                }
                let side = if who == Role::Initiator {
                    &mut i
                } else {
                    &mut r
                };
                match out.event {
                    Some(Event::DisplayPasskey(p)) => side.shown = Some(p),
                    Some(Event::EnterPasskey) => side.wants_passkey = true,
                    Some(Event::CompareNumber(v)) => {
                        side.compared = Some(v);
                        let o = side
                            .m
                            .user_confirmed(&mut e, !cfg.reject_comparison)
                            .map_err(|err| (who, err))?;
                        more.push((who, o));
                    }
                    Some(Event::Complete(o)) => side.outcome = Some(o),
                    None => {}
                }
            }
            // Type passkeys once they are known.
            for who in [Role::Initiator, Role::Responder] {
                let other_shown = if who == Role::Initiator {
                    r.shown
                } else {
                    i.shown
                };
                let side = if who == Role::Initiator {
                    &mut i
                } else {
                    &mut r
                };
                if side.wants_passkey {
                    let typed = if who == Role::Responder {
                        cfg.responder_typed.or(other_shown).or(cfg.typed)
                    } else {
                        other_shown.or(cfg.typed)
                    };
                    if let Some(p) = typed {
                        side.wants_passkey = false;
                        let o = side
                            .m
                            .passkey_entered(&mut e, &mut side.rng, p)
                            .map_err(|err| (who, err))?;
                        more.push((who, o));
                    }
                }
            }
            if more.is_empty() {
                break;
            }
            outputs = more;
        }
    }
    assert_eq!(i.compared, r.compared, "both sides show the same number");
    let (Some(oi), Some(or)) = (i.outcome, r.outcome) else {
        panic!("pairing did not complete")
    };
    Ok((oi, or, i.compared))
}

fn no_tamper(_: Role, _: usize, _: &mut Pdu) {}

fn check_pair(cfg: Config, method: Method, seed: u64) -> Option<u32> {
    let (a, b, number) = run(cfg, seed, no_tamper).unwrap();
    assert!(a.ltk.ct_eq(&b.ltk), "both sides derive the same LTK");
    assert_eq!(a.method, method);
    assert_eq!(b.method, method);
    assert_eq!(a.authenticated, method != Method::JustWorks);
    assert_eq!(b.authenticated, a.authenticated);
    assert_eq!((a.key_size, b.key_size), (16, 16));
    number
}

// Helpers of the negative tests (one per check).

/// A machine for `role` with `f` and `options`, on the addresses of [`run`] (the initiator
/// on A, the responder on B).
fn machine(role: Role, options: Options, f: Features) -> Pairing<Soft> {
    let (seed, local, peer) = match role {
        Role::Initiator => (2, A, B),
        Role::Responder => (9, B, A),
    };
    Pairing::new(
        &mut Soft,
        &mut DeterministicTestRng::new(seed),
        role,
        f,
        options,
        local,
        peer,
    )
    .unwrap()
}

fn responder_with(options: Options, f: Features) -> Pairing<Soft> {
    machine(Role::Responder, options, f)
}

fn request(f: Features) -> Pdu {
    Pdu::PairingRequest(Features {
        auth_req: f.auth_req | AUTH_SC,
        ..f
    })
}

fn responder_after_features() -> Pairing<Soft> {
    let mut r = responder_with(Options::default(), features(NoInputNoOutput, false));
    feed(&mut r, &request(features(NoInputNoOutput, false))).unwrap();
    r
}

fn flip(v: &mut [u8]) {
    v[15 % v.len()] ^= 0x01;
}

/// Feeds one PDU to `m` with a fresh engine source and generator.
fn feed(m: &mut Pairing<Soft>, pdu: &Pdu) -> Result<Output, PairingError> {
    m.receive(
        &mut Soft,
        &mut engines(),
        &mut DeterministicTestRng::new(1),
        pdu,
    )
}

/// An initiator with `f` and default options (before [`Pairing::start`]).
fn initiator_with(f: Features) -> Pairing<Soft> {
    machine(Role::Initiator, Options::default(), f)
}
