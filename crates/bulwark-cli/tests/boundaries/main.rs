//! Boundary values for every CLI argument with a length or numeric limit: 0, 1, max-1, max,
//! max+1 (and each other edge the README names), with the exact exit code of the README's
//! contract (0 success, 1 rejected by the cryptography, 2 usage). Every failing run prints
//! nothing on stdout and `error: ...` on stderr; a failed `ccm open`, `ctr`, `image sign` or
//! `image verify` creates no output file and leaves an existing one as it was.
//!
//! Not testable through argv: hex arguments of 65536 bytes or more (131072 hex digits plus the
//! terminating NUL exceed Linux's per-argument limit, MAX_ARG_STRLEN = 128 KiB, so the OS
//! refuses to start the process). `--id-context` max+1 (65536 bytes) is therefore not tested;
//! the library's own limit is tested in bulwark-psk's boundaries test. Long messages go
//! through `--in FILE` instead.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_testkit::hex::encode as hex;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One run: exit code and stdout.
fn run(args: &[&str]) -> (i32, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .output()
        .unwrap();
    let code = out
        .status
        .code()
        .expect("killed by a signal (a panic abort?)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: panic: {stderr}");
    if code == 0 {
        assert!(stderr.is_empty(), "{args:?}: stderr on success: {stderr}");
    } else {
        assert!(out.stdout.is_empty(), "{args:?}: stdout on failure");
        assert!(stderr.starts_with("error: "), "{args:?}: stderr {stderr:?}");
    }
    (code, out.stdout)
}

/// Asserts every `(input, exit code)` row: `args(input)` builds the argument list.
fn table(name: &str, rows: &[(usize, i32)], args: impl Fn(usize) -> Vec<String>) {
    for &(input, code) in rows {
        let a = args(input);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        assert_eq!(
            run(&a).0,
            code,
            "{name}: {input} ({:?}...)",
            &a[..a.len().min(4)]
        );
    }
    println!("{name}: {} boundary cases", rows.len());
}

/// `n` bytes of `b` as hex.
fn hexn(b: u8, n: usize) -> String {
    hex(&vec![b; n])
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bulwark-bounds-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn p(path: &Path) -> String {
    path.to_str().unwrap().to_owned()
}

const KEY: &str = "000102030405060708090a0b0c0d0e0f";
const NONCE13: &str = "101112131415161718191a1b1c";

fn ccm(op: &str, key: &str, nonce: &str, tag_len: &str, msg: &str, extra: &[&str]) -> Vec<String> {
    let mut v = s(&[
        "ccm",
        op,
        "--key",
        key,
        "--nonce",
        nonce,
        "--tag-len",
        tag_len,
        "--msg",
        msg,
    ]);
    v.extend(s(extra));
    v
}

const AES_KEY_ROWS: &[(usize, i32)] = &[
    (0, 2),
    (1, 2),
    (15, 2),
    (16, 0),
    (17, 2),
    (23, 2),
    (24, 0),
    (25, 2),
    (31, 2),
    (32, 0),
    (33, 2),
];

mod ccm;
mod image;
mod kex;
mod psk;
mod verify;
