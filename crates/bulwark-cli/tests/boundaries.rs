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

// ---------------------------------------------------------------- AES key, nonce, tag

#[test]
fn ccm_key_len() {
    table("ccm seal --key", AES_KEY_ROWS, |n| {
        ccm("seal", &hexn(1, n), NONCE13, "8", "00", &[])
    });
    // Odd number of hex digits.
    assert_eq!(
        run(&[
            "ccm",
            "seal",
            "--key",
            &KEY[..31],
            "--nonce",
            NONCE13,
            "--tag-len",
            "8",
            "--msg",
            ""
        ])
        .0,
        2
    );
}

#[test]
fn cmac_and_ctr_key_len() {
    table("cmac --key", AES_KEY_ROWS, |n| {
        s(&["cmac", "--key", &hexn(1, n), "--msg", "00"])
    });
    table("ctr --key", AES_KEY_ROWS, |n| {
        s(&[
            "ctr",
            "--key",
            &hexn(1, n),
            "--iv",
            &hexn(0, 16),
            "--msg",
            "00",
        ])
    });
}

#[test]
fn ccm_nonce_len() {
    let rows = [
        (0, 2),
        (1, 2),
        (6, 2),
        (7, 0),
        (8, 0),
        (12, 0),
        (13, 0),
        (14, 2),
        (16, 2),
    ];
    table("ccm seal --nonce", &rows, |n| {
        ccm("seal", KEY, &hexn(2, n), "8", "00", &[])
    });
    let rows = [(0, 2), (7, 2), (12, 2), (13, 0), (14, 2)];
    table("ccm seal --star --nonce", &rows, |n| {
        ccm("seal", KEY, &hexn(2, n), "8", "00", &["--star"])
    });
}

#[test]
fn ccm_tag_len() {
    let rows: Vec<(usize, i32)> = (0..=18)
        .map(|t| {
            (
                t,
                if (4..=16).contains(&t) && t % 2 == 0 {
                    0
                } else {
                    2
                },
            )
        })
        .collect();
    table("ccm seal --tag-len", &rows, |t| {
        ccm("seal", KEY, NONCE13, &t.to_string(), "00", &[])
    });
    let rows: Vec<(usize, i32)> = [0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 17]
        .map(|t| (t, if [0, 4, 8, 16].contains(&t) { 0 } else { 2 }))
        .to_vec();
    table("ccm seal --star --tag-len", &rows, |t| {
        ccm("seal", KEY, NONCE13, &t.to_string(), "00", &["--star"])
    });
    for bad in [
        "",
        "-1",
        "0x",
        "99999999999999999999999",
        "0x10000000000000000",
    ] {
        assert_eq!(
            run(&ccm("seal", KEY, NONCE13, bad, "00", &[])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>())
            .0,
            2,
            "{bad:?}"
        );
    }
    // --aad with --tag-len 0 (CCM*): empty is fine, one byte is refused.
    let rows = [(0, 0), (1, 2)];
    table("ccm seal --star --tag-len 0 --aad", &rows, |n| {
        ccm(
            "seal",
            KEY,
            NONCE13,
            "0",
            "00",
            &["--star", "--aad", &hexn(3, n)],
        )
    });
}

#[test]
fn ccm_aad_len() {
    // Any length; the CCM length prefix changes at 65280. (65536 bytes cannot be an argument.)
    let rows = [(0, 0), (1, 0), (65_279, 0), (65_280, 0), (65_535, 0)];
    table("ccm seal --aad", &rows, |n| {
        ccm("seal", KEY, NONCE13, "8", "00", &["--aad", &hexn(4, n)])
    });
}

// ---------------------------------------------------------------- message length

fn file_of(dir: &Path, name: &str, len: usize) -> String {
    let path = dir.join(name);
    fs::write(&path, vec![0x5a; len]).unwrap();
    p(&path)
}

#[test]
fn ccm_message_len_nonce_13() {
    let dir = scratch("msg13");
    let rows = [(0, 0), (1, 0), (65_534, 0), (65_535, 0), (65_536, 2)];
    table("ccm seal message (13-byte nonce)", &rows, |n| {
        let f = file_of(&dir, "m", n);
        s(&[
            "ccm",
            "seal",
            "--key",
            KEY,
            "--nonce",
            NONCE13,
            "--tag-len",
            "4",
            "--in",
            &f,
        ])
    });
    // open: the payload is the input minus the tag.
    let rows = [(65_535 + 4, 1), (65_536 + 4, 2)];
    table("ccm open payload (13-byte nonce)", &rows, |n| {
        let f = file_of(&dir, "c", n);
        s(&[
            "ccm",
            "open",
            "--key",
            KEY,
            "--nonce",
            NONCE13,
            "--tag-len",
            "4",
            "--in",
            &f,
        ])
    });
}

#[test]
fn ccm_message_len_nonce_12() {
    let dir = scratch("msg12");
    let max = (1 << 24) - 1;
    let rows = [(max, 0), (max + 1, 2)];
    let nonce = hexn(6, 12);
    table("ccm seal message (12-byte nonce)", &rows, |n| {
        let f = file_of(&dir, "m", n);
        let out = p(&dir.join("out"));
        s(&[
            "ccm",
            "seal",
            "--key",
            KEY,
            "--nonce",
            &nonce,
            "--tag-len",
            "4",
            "--in",
            &f,
            "--out",
            &out,
        ])
    });
}

#[test]
fn ccm_open_input_len_against_tag() {
    // Seal an empty and a one-byte message; then open inputs of tag-1, tag, tag+1 bytes.
    let (_, empty) = run(&ccm("seal", KEY, NONCE13, "8", "", &[])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let empty = String::from_utf8(empty).unwrap().trim().to_owned();
    assert_eq!(empty.len(), 16);
    let (_, one) = run(&ccm("seal", KEY, NONCE13, "8", "ab", &[])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let one = String::from_utf8(one).unwrap().trim().to_owned();
    let inputs = [
        (0, String::new(), 1),
        (7, empty[..14].to_owned(), 1),
        (8, empty.clone(), 0),
        (9, one.clone(), 0),
        (10, format!("{one}00"), 1),
    ];
    let rows: Vec<(usize, i32)> = inputs.iter().map(|(n, _, c)| (*n, *c)).collect();
    table("ccm open input length (tag 8)", &rows, |n| {
        let msg = &inputs.iter().find(|i| i.0 == n).unwrap().1;
        ccm("open", KEY, NONCE13, "8", msg, &[])
    });
}

#[test]
fn failed_open_writes_no_file() {
    let dir = scratch("noout");
    let out = dir.join("plain.bin");
    // Wrong tag (exit 1), input shorter than the tag (exit 1), too long (exit 2).
    let bad_tag = format!("{}{}", hexn(0x11, 20), hexn(0, 16));
    for (msg, code) in [(bad_tag.as_str(), 1), ("00", 1), ("", 1)] {
        let args = ccm("open", KEY, NONCE13, "16", msg, &["--out", &p(&out)]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(run(&args).0, code);
        assert!(!out.exists(), "--out created by a failed open");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "temporary file left behind"
        );
    }
    // An existing file is left as it was.
    fs::write(&out, b"previous").unwrap();
    let args = ccm("open", KEY, NONCE13, "16", &bad_tag, &["--out", &p(&out)]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(run(&args).0, 1);
    assert_eq!(fs::read(&out).unwrap(), b"previous");
    // Usage errors (nonce 14, tag 5, key 15) write nothing either, for seal, open and ctr.
    fs::remove_file(&out).unwrap();
    for args in [
        ccm("open", KEY, &hexn(1, 14), "8", "00", &["--out", &p(&out)]),
        ccm("seal", KEY, NONCE13, "5", "00", &["--out", &p(&out)]),
        ccm(
            "seal",
            &hexn(1, 15),
            NONCE13,
            "8",
            "00",
            &["--out", &p(&out)],
        ),
        s(&[
            "ctr",
            "--key",
            KEY,
            "--iv",
            &hexn(0, 15),
            "--msg",
            "00",
            "--out",
            &p(&out),
        ]),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(run(&args).0, 2);
        assert!(!out.exists());
    }
}

#[test]
fn ctr_iv_len() {
    let rows = [(0, 2), (1, 2), (15, 2), (16, 0), (17, 2), (32, 2)];
    table("ctr --iv", &rows, |n| {
        s(&["ctr", "--key", KEY, "--iv", &hexn(0xff, n), "--msg", "00"])
    });
}

#[test]
fn cmac_and_ctr_message_len() {
    let rows: Vec<(usize, i32)> = [0, 1, 15, 16, 17, 65_535].map(|n| (n, 0)).to_vec();
    table("cmac --msg", &rows, |n| {
        s(&["cmac", "--key", KEY, "--msg", &hexn(1, n)])
    });
    table("ctr --msg", &rows, |n| {
        s(&[
            "ctr",
            "--key",
            KEY,
            "--iv",
            &hexn(0xff, 16),
            "--msg",
            &hexn(1, n),
        ])
    });
}

// ---------------------------------------------------------------- X25519, P-256

#[test]
fn x25519_lengths() {
    let rows = [(0, 2), (1, 2), (31, 2), (32, 0), (33, 2), (64, 2)];
    table("x25519 pub --secret", &rows, |n| {
        s(&["x25519", "pub", "--secret", &hexn(7, n)])
    });
    table("x25519 --secret", &rows, |n| {
        s(&["x25519", "--secret", &hexn(7, n), "--peer", &hexn(9, 32)])
    });
    table("x25519 --peer", &rows, |n| {
        s(&["x25519", "--secret", &hexn(7, 32), "--peer", &hexn(9, n)])
    });
    // Small-order peers (u = 0, u = 1) are rejected with exit 1.
    let rows = [(0, 1), (1, 1), (9, 0)];
    table("x25519 --peer u", &rows, |u| {
        let mut peer = [0u8; 32];
        peer[0] = u as u8;
        s(&["x25519", "--secret", &hexn(7, 32), "--peer", &hex(&peer)])
    });
}

const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/// 0, 1, n-1, n, n+1, 2^256-1 by row.
fn p256_scalar(which: usize) -> String {
    match which {
        0 => hexn(0, 32),
        1 => format!("{}01", hexn(0, 31)),
        2 => format!("{}50", &P256_N[..62]),
        3 => P256_N.to_owned(),
        4 => format!("{}52", &P256_N[..62]),
        _ => hexn(0xff, 32),
    }
}

#[test]
fn ecdh_p256_secret() {
    let rows = [(0, 2), (1, 0), (2, 0), (3, 2), (4, 2), (5, 2)];
    table(
        "ecdh-p256 pub --secret (0, 1, n-1, n, n+1, max)",
        &rows,
        |w| s(&["ecdh-p256", "pub", "--secret", &p256_scalar(w)]),
    );
    let rows = [(0, 2), (31, 2), (32, 0), (33, 2)];
    table("ecdh-p256 pub --secret length", &rows, |n| {
        s(&["ecdh-p256", "pub", "--secret", &hexn(0x01, n)])
    });
}

fn p256_g(compressed: bool) -> String {
    let mut args = vec!["ecdh-p256", "pub", "--secret"];
    let one = p256_scalar(1);
    args.push(&one);
    if compressed {
        args.push("--compressed");
    }
    String::from_utf8(run(&args).1).unwrap().trim().to_owned()
}

/// The generator's SEC1 encoding cut or extended to `n` bytes.
fn sec1_of_len(n: usize) -> String {
    let base = if n >= 49 { p256_g(false) } else { p256_g(true) };
    let mut v = base;
    v.truncate(2 * n);
    while v.len() < 2 * n {
        v.push('0');
    }
    v
}

const SEC1_ROWS: &[(usize, i32)] = &[
    (0, 1),
    (1, 1),
    (32, 1),
    (33, 0),
    (34, 1),
    (64, 1),
    (65, 0),
    (66, 1),
];

#[test]
fn ecdh_p256_peer_len() {
    table("ecdh-p256 --peer", SEC1_ROWS, |n| {
        s(&[
            "ecdh-p256",
            "--secret",
            &p256_scalar(2),
            "--peer",
            &sec1_of_len(n),
        ])
    });
    // Bad hex in --peer stays a usage error.
    assert_eq!(
        run(&["ecdh-p256", "--secret", &p256_scalar(1), "--peer", "0"]).0,
        2
    );
}

// ---------------------------------------------------------------- HKDF

#[test]
fn hkdf_len() {
    let rows = [
        (0, 0),
        (1, 0),
        (32, 0),
        (8159, 0),
        (8160, 0),
        (8161, 2),
        (1 << 20, 2),
    ];
    for &(n, code) in &rows {
        let len = n.to_string();
        let (c, out) = run(&["hkdf", "--ikm", "0b0b", "--len", &len]);
        assert_eq!(c, code, "hkdf --len {n}");
        if c == 0 {
            assert_eq!(out.len(), 2 * n + 1, "hkdf --len {n}: output length");
        }
    }
    println!("hkdf --len: {} boundary cases", rows.len());
    assert_eq!(run(&["hkdf", "--ikm", "", "--len", "0x1fe0"]).0, 0);
    assert_eq!(run(&["hkdf", "--ikm", "", "--len", "0x1fe1"]).0, 2);
}

// ---------------------------------------------------------------- psk, oscore

const CODE: &str = "4P3W-SV2H-FX1K-ZC5G-K754-ZWX3-0XZG";

#[test]
fn psk_derive_code_len() {
    let symbols: String = CODE.replace('-', "");
    let rows = [(0, 2), (1, 2), (27, 2), (28, 0), (29, 2)];
    table("psk derive --code symbols", &rows, |n| {
        let mut code: String = symbols.chars().take(n).collect();
        while code.len() < n {
            code.push('0');
        }
        s(&["psk", "derive", "--code", &code, "--device-id", "01"])
    });
}

#[test]
fn psk_derive_secret_and_device_id_len() {
    let secret = |n: usize| {
        hex(&(0..n)
            .map(|i| (i as u8).wrapping_mul(37) ^ 0x5a)
            .collect::<Vec<_>>())
    };
    let rows = [(0, 2), (1, 2), (15, 2), (16, 0), (17, 0), (4096, 0)];
    table("psk derive --secret", &rows, |n| {
        s(&["psk", "derive", "--secret", &secret(n), "--device-id", "01"])
    });
    let rows = [(0, 2), (1, 0), (254, 0), (255, 0), (256, 2)];
    table("psk derive --device-id", &rows, |n| {
        s(&[
            "psk",
            "derive",
            "--code",
            CODE,
            "--device-id",
            &hexn(0x42, n),
        ])
    });
}

#[test]
fn psk_derive_epoch() {
    let epochs = [
        "0",
        "1",
        "4294967294",
        "4294967295",
        "4294967296",
        "0xffffffff",
        "0x100000000",
        "-1",
        "",
    ];
    let rows = [
        (0, 0),
        (1, 0),
        (2, 0),
        (3, 0),
        (4, 2),
        (5, 0),
        (6, 2),
        (7, 2),
        (8, 2),
    ];
    table("psk derive --epoch", &rows, |i| {
        s(&[
            "psk",
            "derive",
            "--code",
            CODE,
            "--device-id",
            "01",
            "--epoch",
            epochs[i],
        ])
    });
}

fn oscore(secret: &str, sid: &str, rid: &str, extra: &[&str]) -> Vec<String> {
    let mut v = s(&[
        "oscore",
        "context",
        "--master-secret",
        secret,
        "--sender-id",
        sid,
        "--recipient-id",
        rid,
    ]);
    v.extend(s(extra));
    v
}

#[test]
fn oscore_context_lengths() {
    let rows = [(0, 2), (1, 2), (15, 2), (16, 0), (17, 0)];
    table("oscore context --master-secret", &rows, |n| {
        oscore(&hexn(1, n), "", "01", &[])
    });
    let rows = [(0, 0), (1, 0), (6, 0), (7, 0), (8, 2)];
    table("oscore context --sender-id", &rows, |n| {
        oscore(&hexn(1, 16), &hexn(2, n), "ee", &[])
    });
    table("oscore context --recipient-id", &rows, |n| {
        oscore(&hexn(1, 16), "ee", &hexn(2, n), &[])
    });
    // Equal IDs at the shortest and longest length.
    let rows = [(0, 2), (7, 2)];
    table("oscore context equal ids", &rows, |n| {
        oscore(&hexn(1, 16), &hexn(2, n), &hexn(2, n), &[])
    });
    let rows = [
        (0, 0),
        (1, 0),
        (23, 0),
        (24, 0),
        (255, 0),
        (256, 0),
        (65_535, 0),
    ];
    table("oscore context --id-context", &rows, |n| {
        oscore(&hexn(1, 16), "", "01", &["--id-context", &hexn(3, n)])
    });
}

// ---------------------------------------------------------------- verify

#[test]
fn verify_ed25519_lengths() {
    // RFC 8032 TEST 1.
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    let resize = |h: &str, n: usize| {
        let mut v: String = h.chars().take(2 * n).collect();
        while v.len() < 2 * n {
            v.push('0');
        }
        v
    };
    let rows = [(0, 1), (1, 1), (31, 1), (32, 0), (33, 1)];
    table("verify ed25519 --key", &rows, |n| {
        s(&[
            "verify",
            "ed25519",
            "--key",
            &resize(key, n),
            "--sig",
            sig,
            "--msg",
            "",
        ])
    });
    let rows = [(0, 1), (1, 1), (63, 1), (64, 0), (65, 1), (128, 1)];
    table("verify ed25519 --sig", &rows, |n| {
        s(&[
            "verify",
            "ed25519",
            "--key",
            key,
            "--sig",
            &resize(sig, n),
            "--msg",
            "",
        ])
    });
    assert_eq!(
        run(&[
            "verify",
            "ed25519",
            "--key",
            key,
            "--sig",
            &sig[..127],
            "--msg",
            ""
        ])
        .0,
        2
    );
}

#[test]
fn verify_ecdsa_p256_lengths() {
    // Sign with the CLI's own key material is not offered: use the library to make a signature.
    use bulwark::{
        DefaultProvider, SecretBytes,
        sig::{EcdsaP256, Sign, Verify},
    };
    let mut provider = DefaultProvider::default();
    let sk = Sign::<EcdsaP256>::import_signing_key(
        &mut provider,
        SecretBytes::try_from_slice(&[0x21; 32]).unwrap(),
    )
    .unwrap();
    let pk = Sign::<EcdsaP256>::signing_public(&mut provider, &sk).unwrap();
    let unc = Verify::<EcdsaP256>::export_public(&mut provider, &pk);
    let sig = Sign::<EcdsaP256>::sign(&mut provider, &sk, b"\x01").unwrap();
    let raw = sig.to_fixed();
    let der = sig.to_der();
    let der = der.as_ref();
    let der_len = der.len();
    let key_of = |n: usize| {
        let mut v = if n >= 49 {
            unc.to_vec()
        } else {
            pk.to_sec1_compressed().to_vec()
        };
        v.resize(n, 0);
        hex(&v)
    };
    table("verify ecdsa-p256 --key", SEC1_ROWS, |n| {
        s(&[
            "verify",
            "ecdsa-p256",
            "--key",
            &key_of(n),
            "--sig",
            &hex(&raw),
            "--msg",
            "01",
        ])
    });
    let rows: Vec<(usize, i32)> = [0, 1, 7, 8, 63, 64, 65, 69, 70, 71, 72, 73]
        .map(|n| (n, if n == 64 || n == der_len { 0 } else { 1 }))
        .to_vec();
    table("verify ecdsa-p256 --sig", &rows, |n| {
        let mut sig = if n == 64 {
            raw.to_vec()
        } else {
            der[..der_len].to_vec()
        };
        sig.resize(n, 0);
        s(&[
            "verify",
            "ecdsa-p256",
            "--key",
            &hex(&unc),
            "--sig",
            &hex(&sig),
            "--msg",
            "01",
        ])
    });
}

// ---------------------------------------------------------------- image sign / verify

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/mcuboot")
}

fn key_pem() -> String {
    p(&vectors().join("test-key-ed25519.pem"))
}

/// Signs a 100-byte body with `opts`; returns the exit code and whether OUT exists.
fn sign(dir: &Path, body_len: usize, pad_header: bool, opts: &[&str]) -> (i32, bool) {
    let input = dir.join("in.bin");
    let out = dir.join("out.img");
    let _ = fs::remove_file(&out);
    fs::write(&input, vec![0u8; body_len]).unwrap();
    let key = key_pem();
    let (i, o) = (p(&input), p(&out));
    let mut args = vec!["image", "sign", "--key", &key];
    if pad_header {
        args.push("--pad-header");
    }
    args.extend_from_slice(opts);
    args.extend_from_slice(&[&i, &o]);
    let code = run(&args).0;
    let exists = out.exists();
    assert_eq!(
        exists,
        code == 0,
        "image sign {opts:?}: OUT exists = {exists}, exit {code}"
    );
    (code, exists)
}

#[test]
fn image_sign_version() {
    let dir = scratch("version");
    let versions = [
        "0",
        "255",
        "256",
        "1.255",
        "1.256",
        "1.2.65535",
        "1.2.65536",
        "1.2.3+4294967295",
        "1.2.3+4294967296",
        "255.255.65535+4294967295",
    ];
    let rows = [
        (0, 0),
        (1, 0),
        (2, 2),
        (3, 0),
        (4, 2),
        (5, 0),
        (6, 2),
        (7, 0),
        (8, 2),
        (9, 0),
    ];
    for &(i, code) in &rows {
        assert_eq!(
            sign(&dir, 100, true, &["--version", versions[i]]).0,
            code,
            "--version {}",
            versions[i]
        );
    }
    println!("image sign --version: {} boundary cases", rows.len());
}

#[test]
fn image_sign_header_size() {
    let dir = scratch("hdr");
    let rows = [
        (0, 2),
        (1, 2),
        (31, 2),
        (32, 0),
        (33, 0),
        (0x200, 0),
        (65_535, 0),
        (65_536, 2),
    ];
    for &(n, code) in &rows {
        let hs = n.to_string();
        assert_eq!(
            sign(&dir, 100, true, &["--version", "1", "--header-size", &hs]).0,
            code,
            "--header-size {n}"
        );
    }
    println!("image sign --header-size: {} boundary cases", rows.len());
    // Without --pad-header, IN must hold --header-size erased bytes: one short is refused.
    let rows = [(0, 2), (0x1ff, 2), (0x200, 0), (0x201, 0)];
    for &(len, code) in &rows {
        assert_eq!(
            sign(
                &dir,
                len,
                false,
                &["--version", "1", "--header-size", "0x200"]
            )
            .0,
            code,
            "IN {len} bytes"
        );
    }
    println!(
        "image sign IN length without --pad-header: {} boundary cases",
        rows.len()
    );
}

#[test]
fn image_sign_align_and_counter() {
    let dir = scratch("align");
    let rows = [
        (0, 2),
        (1, 0),
        (2, 0),
        (3, 2),
        (4, 0),
        (8, 0),
        (16, 0),
        (31, 2),
        (32, 0),
        (33, 2),
        (64, 2),
    ];
    for &(n, code) in &rows {
        let a = n.to_string();
        assert_eq!(
            sign(&dir, 100, true, &["--version", "1", "--align", &a]).0,
            code,
            "--align {n}"
        );
    }
    println!("image sign --align: {} boundary cases", rows.len());
    let counters = ["0", "4294967295", "0xffffffff", "4294967296", "auto", "-1"];
    let rows = [(0, 0), (1, 0), (2, 0), (3, 2), (4, 0), (5, 2)];
    for &(i, code) in &rows {
        assert_eq!(
            sign(
                &dir,
                100,
                true,
                &["--version", "1", "--security-counter", counters[i]]
            )
            .0,
            code,
            "--security-counter {}",
            counters[i]
        );
    }
    println!(
        "image sign --security-counter: {} boundary cases",
        rows.len()
    );
}

#[test]
fn image_sign_slot_size() {
    // The image plus the swap trailer (128 * 3 * align + 4 * max(8, align) + 16 rounded up to
    // max(8, align): imgtool's formula) must fit.
    let dir = scratch("slot");
    assert_eq!(sign(&dir, 100, true, &["--version", "1"]), (0, true));
    let image_len = fs::metadata(dir.join("out.img")).unwrap().len() as usize;
    for align in [1usize, 8, 32] {
        let max_align = 8.max(align);
        let need =
            image_len + 128 * 3 * align + 4 * max_align + 16usize.div_ceil(max_align) * max_align;
        let rows = [
            (0, 0),
            (1, 2),
            (need - 1, 2),
            (need, 0),
            (need + 1, 0),
            (u32::MAX as usize, 0),
        ];
        for &(n, code) in &rows {
            let (sz, al) = (n.to_string(), align.to_string());
            assert_eq!(
                sign(
                    &dir,
                    100,
                    true,
                    &["--version", "1", "--align", &al, "--slot-size", &sz]
                )
                .0,
                code,
                "--slot-size {n} (need {need}, align {align})"
            );
        }
        println!(
            "image sign --slot-size (align {align}): {} boundary cases",
            rows.len()
        );
    }
    assert_eq!(
        sign(
            &dir,
            100,
            true,
            &["--version", "1", "--slot-size", "4294967296"]
        )
        .0,
        2
    );
}

#[test]
fn image_verify_counter_and_length() {
    let dir = scratch("verify");
    let img = vectors().join("ed25519-hash-sc.img"); // security counter 16908291, 4764 bytes
    let (key, path) = (key_pem(), p(&img));
    let counters = [
        "0",
        "16908290",
        "16908291",
        "16908292",
        "4294967295",
        "4294967296",
    ];
    let rows = [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1), (5, 2)];
    for &(i, code) in &rows {
        let args = [
            "image",
            "verify",
            "--key",
            &key,
            "--min-security-counter",
            counters[i],
            &path,
        ];
        assert_eq!(run(&args).0, code, "--min-security-counter {}", counters[i]);
    }
    println!(
        "image verify --min-security-counter: {} boundary cases",
        rows.len()
    );
    // The image file cut or extended: 0, 1, 31, 32, len-1 refused (exit 1), len and len+1
    // (trailing erased flash) accepted.
    let data = fs::read(&img).unwrap();
    let rows = [
        (0, 1),
        (1, 1),
        (31, 1),
        (32, 1),
        (4619, 1),
        (4620, 1),
        (4763, 1),
        (4764, 0),
        (4765, 0),
    ];
    for &(n, code) in &rows {
        let mut cut = data.clone();
        cut.resize(n, 0xff);
        let f = dir.join("cut.img");
        fs::write(&f, &cut).unwrap();
        let args = ["image", "verify", "--key", &key, &p(&f)];
        assert_eq!(run(&args).0, code, "image of {n} bytes");
    }
    println!("image verify image length: {} boundary cases", rows.len());
    // An empty or truncated key file is a usage error.
    let k = dir.join("key.pem");
    let pem = fs::read(vectors().join("test-key-ed25519.pem")).unwrap();
    for n in [0, 1, pem.len() - 30] {
        fs::write(&k, &pem[..n]).unwrap();
        assert_eq!(
            run(&["image", "verify", "--key", &p(&k), &path]).0,
            2,
            "key file of {n} bytes"
        );
    }
}
