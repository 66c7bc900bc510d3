//! Differential tests: every toolbox function (and AES-MMO) against an independent
//! implementation on Python `cryptography`'s AES-CMAC and AES, 1,000 random cases each, one
//! Python process per function.
//!
//! `python3` with `cryptography` comes first on PATH in CI (`target/ci-tools/venv`); without
//! it the tests are skipped with a message, unless `BULWARK_REQUIRE_IMGTOOL` is set (as in
//! CI), which makes a missing module a failure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::{Rng, SecretBytes};
use bulwark_links::ble::toolbox;
use bulwark_links::zigbee::mmo;
use bulwark_testkit::rng::DeterministicTestRng;
use common::engines;
use std::io::Write;
use std::process::{Command, Stdio};

const CASES: usize = 1_000;

/// The reference: written from the specification's definitions, on `cryptography`.
const REFERENCE: &str = r#"
import sys
from cryptography.hazmat.primitives.cmac import CMAC
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

def cmac(key, msg):
    c = CMAC(algorithms.AES(key))
    c.update(msg)
    return c.finalize()

def aes(key, block):
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(block) + e.finalize()

SALT = bytes.fromhex("6c888391aaf5a53860370bdb5a6083be")

def mmo(m):
    bits = len(m) * 8
    p = m + b"\x80"
    if bits < 1 << 16:
        while len(p) % 16 != 14:
            p += b"\x00"
        p += bits.to_bytes(2, "big")
    else:
        while len(p) % 16 != 10:
            p += b"\x00"
        p += bits.to_bytes(4, "big") + b"\x00\x00"
    h = bytes(16)
    for i in range(0, len(p), 16):
        block = p[i:i + 16]
        h = bytes(a ^ b for a, b in zip(aes(h, block), block))
    return h

fn = sys.argv[1]
out = []
for line in sys.stdin:
    a = [bytes.fromhex(x) for x in line.split()]
    if fn == "f4":
        u, v, x, z = a
        r = cmac(x, u + v + z)
    elif fn == "f5":
        w, n1, n2, a1, a2 = a
        t = cmac(SALT, w)
        body = b"btle" + n1 + n2 + a1 + a2 + b"\x01\x00"
        r = cmac(t, b"\x00" + body) + cmac(t, b"\x01" + body)
    elif fn == "f6":
        w, n1, n2, rr, io, a1, a2 = a
        r = cmac(w, n1 + n2 + rr + io + a1 + a2)
    elif fn == "g2":
        u, v, x, y = a
        value = int.from_bytes(cmac(x, u + v + y), "big") % (1 << 32)
        r = value.to_bytes(4, "big") + (value % 1000000).to_bytes(4, "big")
    elif fn == "h6":
        w, key_id = a
        r = cmac(w, key_id)
    elif fn == "h7":
        salt, w = a
        r = cmac(salt, w)
    elif fn == "ah":
        irk, prand = a
        r = aes(irk, bytes(13) + prand)[13:]
    elif fn == "mmo":
        (m,) = a if a else (b"",)
        r = mmo(m)
    else:
        raise SystemExit("unknown function " + fn)
    out.append(r.hex())
sys.stdout.write("\n".join(out) + "\n")
"#;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn python_ready() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import cryptography.hazmat.primitives.cmac"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("BULWARK_REQUIRE_IMGTOOL").is_none(),
            "python3 with `cryptography` is required (BULWARK_REQUIRE_IMGTOOL is set)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: python3 with the `cryptography` module is not on PATH (CI puts target/ci-tools/venv/bin first)"
        );
    }
    ok
}

/// Runs the reference for `function` over `inputs` (one line of hex fields each) and returns
/// its outputs.
fn reference(function: &str, inputs: &[String]) -> Vec<String> {
    let mut child = Command::new("python3")
        .args(["-c", REFERENCE, function])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = inputs.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "reference for {function} failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn random<const N: usize>(rng: &mut DeterministicTestRng) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill_bytes(&mut b).unwrap();
    b
}

fn secret<const N: usize>(b: &[u8; N]) -> SecretBytes<N> {
    let mut c = *b;
    SecretBytes::take_from(&mut c)
}

/// Generates `CASES` cases with `case` (returns the input fields and our output), runs the
/// reference once over all of them, and compares every output.
fn differential(
    function: &str,
    seed: u64,
    mut case: impl FnMut(&mut DeterministicTestRng) -> (Vec<Vec<u8>>, Vec<u8>),
) {
    if !python_ready() {
        return;
    }
    let mut rng = DeterministicTestRng::new(seed);
    let mut inputs = Vec::with_capacity(CASES);
    let mut ours = Vec::with_capacity(CASES);
    for _ in 0..CASES {
        let (fields, out) = case(&mut rng);
        inputs.push(fields.iter().map(|f| hex(f)).collect::<Vec<_>>().join(" "));
        ours.push(hex(&out));
    }
    let theirs = reference(function, &inputs);
    assert_eq!(
        theirs.len(),
        CASES,
        "{function}: reference answered every case"
    );
    for (k, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "{function} case {k}: inputs {}", inputs[k]);
    }
}

#[test]
fn f4_against_python() {
    let mut e = engines();
    differential("f4", 4, |rng| {
        let (u, v, x) = (random::<32>(rng), random::<32>(rng), random::<16>(rng));
        let z = random::<1>(rng);
        let out = toolbox::f4(&mut e, &u, &v, &x, z[0]).unwrap();
        (
            vec![u.to_vec(), v.to_vec(), x.to_vec(), z.to_vec()],
            out.to_vec(),
        )
    });
}

#[test]
fn f5_against_python() {
    let mut e = engines();
    differential("f5", 5, |rng| {
        let w = random::<32>(rng);
        let (n1, n2, a1, a2) = (
            random::<16>(rng),
            random::<16>(rng),
            random::<7>(rng),
            random::<7>(rng),
        );
        let keys = toolbox::f5(&mut e, &secret(&w), &n1, &n2, &a1, &a2).unwrap();
        let mut out = keys.mac_key.expose_secret().to_vec();
        out.extend_from_slice(keys.ltk.expose_secret());
        (
            vec![
                w.to_vec(),
                n1.to_vec(),
                n2.to_vec(),
                a1.to_vec(),
                a2.to_vec(),
            ],
            out,
        )
    });
}

#[test]
fn f6_against_python() {
    let mut e = engines();
    differential("f6", 6, |rng| {
        let w = random::<16>(rng);
        let (n1, n2, r) = (random::<16>(rng), random::<16>(rng), random::<16>(rng));
        let (io, a1, a2) = (random::<3>(rng), random::<7>(rng), random::<7>(rng));
        let out = toolbox::f6(&mut e, &secret(&w), &n1, &n2, &r, &io, &a1, &a2).unwrap();
        (
            vec![
                w.to_vec(),
                n1.to_vec(),
                n2.to_vec(),
                r.to_vec(),
                io.to_vec(),
                a1.to_vec(),
                a2.to_vec(),
            ],
            out.to_vec(),
        )
    });
}

#[test]
fn g2_against_python() {
    let mut e = engines();
    differential("g2", 2, |rng| {
        let (u, v, x, y) = (
            random::<32>(rng),
            random::<32>(rng),
            random::<16>(rng),
            random::<16>(rng),
        );
        let value = toolbox::g2(&mut e, &u, &v, &x, &y).unwrap();
        let mut out = value.to_be_bytes().to_vec();
        out.extend_from_slice(&toolbox::numeric_comparison_value(value).to_be_bytes());
        (vec![u.to_vec(), v.to_vec(), x.to_vec(), y.to_vec()], out)
    });
}

#[test]
fn h6_against_python() {
    let mut e = engines();
    differential("h6", 16, |rng| {
        let (w, key_id) = (random::<16>(rng), random::<4>(rng));
        let out = toolbox::h6(&mut e, &secret(&w), &key_id).unwrap();
        (
            vec![w.to_vec(), key_id.to_vec()],
            out.expose_secret().to_vec(),
        )
    });
}

#[test]
fn h7_against_python() {
    let mut e = engines();
    differential("h7", 17, |rng| {
        let (salt, w) = (random::<16>(rng), random::<16>(rng));
        let out = toolbox::h7(&mut e, &salt, &secret(&w)).unwrap();
        (
            vec![salt.to_vec(), w.to_vec()],
            out.expose_secret().to_vec(),
        )
    });
}

#[test]
fn ah_against_python() {
    let mut e = engines();
    differential("ah", 18, |rng| {
        let (irk, prand) = (random::<16>(rng), random::<3>(rng));
        let out = toolbox::ah(&mut e, &secret(&irk), &prand).unwrap();
        (vec![irk.to_vec(), prand.to_vec()], out.to_vec())
    });
}

#[test]
fn aes_mmo_against_python() {
    let mut e = engines();
    differential("mmo", 19, |rng| {
        // Install-code sizes and every length up to a few blocks, plus some past 2^16 bits.
        let len = match rng.below(10) {
            0 => 8192 + rng.below(100),
            _ => rng.below(80),
        };
        let mut m = vec![0u8; len];
        rng.fill_bytes(&mut m).unwrap();
        let out = mmo::hash(&mut e, &[&m]).unwrap();
        // An empty message is one empty field: write it as "" (the reference maps no field to b"").
        (vec![m], out.expose_secret().to_vec())
    });
}
