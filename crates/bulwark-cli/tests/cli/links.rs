//! `bulwark ble` and `bulwark zigbee`: the Core Specification's Appendix D sample data, the
//! install-code example, every size error (exit 2) and address resolution (exit 0 / 1).

use crate::common::*;

/// One argument: its name, the vector field holding its value, its size in bytes.
type Arg = (&'static str, &'static str, usize);

/// (subcommand, its arguments).
const FUNCTIONS: &[(&str, &[Arg])] = &[
    (
        "f4",
        &[
            ("--u", "u", 32),
            ("--v", "v", 32),
            ("--x", "x", 16),
            ("--z", "z", 1),
        ],
    ),
    (
        "f5",
        &[
            ("--w", "w", 32),
            ("--n1", "n1", 16),
            ("--n2", "n2", 16),
            ("--a1", "a1", 7),
            ("--a2", "a2", 7),
        ],
    ),
    (
        "f6",
        &[
            ("--w", "w", 16),
            ("--n1", "n1", 16),
            ("--n2", "n2", 16),
            ("--r", "r", 16),
            ("--iocap", "iocap", 3),
            ("--a1", "a1", 7),
            ("--a2", "a2", 7),
        ],
    ),
    (
        "g2",
        &[
            ("--u", "u", 32),
            ("--v", "v", 32),
            ("--x", "x", 16),
            ("--y", "y", 16),
        ],
    ),
    ("h6", &[("--w", "w", 16), ("--key-id", "keyid", 4)]),
    ("h7", &[("--salt", "salt", 16), ("--w", "w", 16)]),
    ("ah", &[("--irk", "irk", 16), ("--prand", "prand", 3)]),
];

fn expected(
    function: &str,
    record: &std::collections::HashMap<String, String>,
) -> Result<String, Box<dyn Error>> {
    Ok(match function {
        "f5" => format!(
            "mackey: {}\nltk: {}",
            field(record, "mackey")?,
            field(record, "ltk")?
        ),
        "g2" => field(record, "number")?.to_owned(),
        _ => field(record, "out")?.to_owned(),
    })
}

#[test]
fn ble_toolbox_appendix_d() -> TestResult {
    let records = vector_records("ble_sc_toolbox.txt")?;
    let mut checked = 0;
    for (function, args) in FUNCTIONS {
        let record = records
            .iter()
            .find(|r| r.get("fn").map(String::as_str) == Some(function))
            .ok_or_else(|| format!("no vector for {function}"))?;
        let mut argv = vec!["ble", function];
        for (arg, name, _) in *args {
            argv.push(arg);
            argv.push(field(record, name)?);
        }
        assert_prints(&argv, &expected(function, record)?)?;
        checked += 1;
    }
    assert_eq!(checked, 7);
    Ok(())
}

#[test]
fn ble_every_wrong_size_exits_2() -> TestResult {
    let records = vector_records("ble_sc_toolbox.txt")?;
    let mut cases = 0;
    for (function, args) in FUNCTIONS {
        let record = records
            .iter()
            .find(|r| r.get("fn").map(String::as_str) == Some(function))
            .ok_or_else(|| format!("no vector for {function}"))?;
        for (k, (arg, _, size)) in args.iter().enumerate() {
            for wrong in [size - 1, size + 1] {
                let bad = "ab".repeat(wrong);
                let mut argv = vec!["ble", function];
                for (j, (a, name, _)) in args.iter().enumerate() {
                    argv.push(a);
                    argv.push(if j == k { &bad } else { field(record, name)? });
                }
                assert_fails(&argv, 2, &format!("{arg}: {wrong} bytes"))?;
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 2 * (4 + 5 + 7 + 4 + 2 + 2 + 2));
    // Bad hex and missing arguments are usage errors too.
    assert_fails(
        &["ble", "ah", "--irk", "zz", "--prand", "708194"],
        2,
        "--irk",
    )?;
    assert_fails(
        &["ble", "ah", "--irk", "ec0234a357c8ad05341010a60a397d9b"],
        2,
        "--prand",
    )?;
    assert_bare_family_shows_help("ble")?;
    Ok(())
}

const IRK: &str = "ec0234a357c8ad05341010a60a397d9b";

#[test]
fn rpa_resolve_exit_codes() -> TestResult {
    // prand 708194 (top bits 01) and its hash 0dfbaa from Appendix D.
    assert_prints(
        &[
            "ble",
            "rpa-resolve",
            "--irk",
            IRK,
            "--address",
            "7081940dfbaa",
        ],
        "ok",
    )?;
    // Every flipped bit of the address or the IRK: does not resolve (exit 1).
    for i in 0..12 {
        let address = flip_hex("7081940dfbaa", i);
        assert_fails(
            &["ble", "rpa-resolve", "--irk", IRK, "--address", &address],
            1,
            "does not resolve",
        )?;
    }
    for i in [0, 15, 31] {
        let irk = flip_hex(IRK, i);
        assert_fails(
            &[
                "ble",
                "rpa-resolve",
                "--irk",
                &irk,
                "--address",
                "7081940dfbaa",
            ],
            1,
            "does not resolve",
        )?;
    }
    // Not a resolvable private address at all (a static random address has top bits 11).
    assert_fails(
        &[
            "ble",
            "rpa-resolve",
            "--irk",
            IRK,
            "--address",
            "f081940dfbaa",
        ],
        1,
        "does not resolve",
    )?;
    // Sizes.
    assert_fails(
        &[
            "ble",
            "rpa-resolve",
            "--irk",
            IRK,
            "--address",
            "7081940dfb",
        ],
        2,
        "--address: 5 bytes",
    )?;
    assert_fails(
        &[
            "ble",
            "rpa-resolve",
            "--irk",
            IRK,
            "--address",
            "7081940dfbaa00",
        ],
        2,
        "--address: 7 bytes",
    )?;
    assert_fails(
        &[
            "ble",
            "rpa-resolve",
            "--irk",
            "ec02",
            "--address",
            "7081940dfbaa",
        ],
        2,
        "--irk: 2 bytes",
    )?;
    Ok(())
}

#[test]
fn zigbee_install_code_link_key() -> TestResult {
    let records = vector_records("zigbee_install_code.txt")?;
    assert_eq!(records.len(), 1);
    for r in &records {
        let code = field(r, "install_code")?;
        assert_prints(
            &["zigbee", "link-key", "--install-code", code],
            field(r, "link_key")?,
        )?;
        // A typo anywhere (code or CRC): the CRC no longer matches, exit 2.
        for i in 0..code.len() {
            let typo = flip_hex(code, i);
            assert_fails(&["zigbee", "link-key", "--install-code", &typo], 2, "CRC")?;
        }
    }
    // Lengths: only 6, 8, 12 or 16 bytes plus the 2-byte CRC.
    for len in [0usize, 1, 7, 9, 11, 12, 13, 15, 16, 17, 19, 20] {
        let code = "00".repeat(len);
        assert_fails(
            &["zigbee", "link-key", "--install-code", &code],
            2,
            "6, 8, 12 or 16 octets",
        )?;
    }
    // The other accepted sizes (code 00 01 02 ..., CRC-16/X-25 least significant octet first;
    // keys computed once with an AES-MMO written on Python `cryptography`'s AES).
    for (code, key) in [
        ("000102030405141a", "1cb417cabf153ec7e12d12f19a08c60b"),
        ("00010203040506070262", "37d3710f8a20e212510040ccdf4001a7"),
        (
            "000102030405060708090a0b384f",
            "0e0beed2deb0fe0be513a46edde940d4",
        ),
    ] {
        assert_prints(&["zigbee", "link-key", "--install-code", code], key)?;
    }
    assert_fails(
        &["zigbee", "link-key", "--install-code", "0x83fe"],
        2,
        "--install-code",
    )?;
    assert_bare_family_shows_help("zigbee")?;
    Ok(())
}

#[test]
fn help_documents_sizes_and_examples() -> TestResult {
    for (args, needles) in [
        (
            &["ble", "f4", "--help"][..],
            &["--u", "--z", "f2c916f107a9bd1cf1eda1bea974872d"][..],
        ),
        (
            &["ble", "f5", "--help"],
            &["mackey: ", "ltk: ", "32-byte DHKey"],
        ),
        (
            &["ble", "f6", "--help"],
            &["--iocap", "e3c473989cd0e8c5d26c0b09da958f61"],
        ),
        (&["ble", "g2", "--help"], &["6-digit", "938554"]),
        (
            &["ble", "h6", "--help"],
            &["--key-id", "2d9ae102e76dc91ce8d3a9e280b16399"],
        ),
        (
            &["ble", "h7", "--help"],
            &["--salt", "fb173597c6a3c0ecd2998c2a75a57011"],
        ),
        (&["ble", "ah", "--help"], &["--prand", "0dfbaa"]),
        (&["ble", "rpa-resolve", "--help"], &["exits 1", "--address"]),
        (
            &["zigbee", "link-key", "--help"],
            &["CRC", "66b6900981e1ee3ca4206b6b861c02bb"],
        ),
        (&["--help"], &["ble", "zigbee"]),
    ] {
        let run = bulwark(args)?;
        assert_eq!(run.code, Some(0), "{args:?}");
        let text = String::from_utf8(run.stdout)?;
        assert!(text.contains("Exit codes:"), "{args:?}");
        for needle in needles {
            assert!(text.contains(needle), "{args:?} --help lacks {needle}");
        }
    }
    Ok(())
}
