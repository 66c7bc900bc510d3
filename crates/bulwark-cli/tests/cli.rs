//! End-to-end tests of the `bulwark` binary: exact stdout bytes and exit codes.

use std::collections::HashMap;
use std::error::Error;
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

type TestResult = Result<(), Box<dyn Error>>;

/// What one run of the binary produced.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn bulwark_with_stdin(args: &[&str], stdin: &[u8]) -> Result<Run, Box<dyn Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin)?;
    }
    let out = child.wait_with_output()?;
    Ok(Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr)?,
    })
}

fn bulwark(args: &[&str]) -> Result<Run, Box<dyn Error>> {
    bulwark_with_stdin(args, b"")
}

/// Asserts success with exactly `expected` (plus a newline) on stdout and nothing on stderr.
fn assert_prints(args: &[&str], expected: &str) -> TestResult {
    let run = bulwark(args)?;
    assert_eq!(run.code, Some(0), "args {args:?}, stderr: {}", run.stderr);
    assert_eq!(
        String::from_utf8(run.stdout)?,
        format!("{expected}\n"),
        "args {args:?}"
    );
    assert_eq!(run.stderr, "", "args {args:?}");
    Ok(())
}

/// Asserts exit code `code`, empty stdout, and an `error: ` message on stderr containing
/// `needle`.
fn assert_fails(args: &[&str], code: i32, needle: &str) -> TestResult {
    let run = bulwark(args)?;
    assert_eq!(
        run.code,
        Some(code),
        "args {args:?}, stderr: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "args {args:?}: stdout not empty");
    assert!(
        run.stderr.starts_with("error: "),
        "args {args:?}: stderr {:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains(needle),
        "args {args:?}: stderr {:?} lacks {needle:?}",
        run.stderr
    );
    Ok(())
}

/// A fresh, empty directory for one test.
fn scratch_dir(name: &str) -> Result<PathBuf, Box<dyn Error>> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bulwark-cli-{name}"));
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn path_str(path: &std::path::Path) -> Result<&str, Box<dyn Error>> {
    path.to_str().ok_or_else(|| "non-UTF-8 path".into())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// RFC 3610, packet vector #1.
const RFC3610_KEY: &str = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
const RFC3610_NONCE: &str = "00000003020100a0a1a2a3a4a5";
const RFC3610_AAD: &str = "0001020304050607";
const RFC3610_MSG: &str = "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e";
const RFC3610_CT: &str = "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0";

fn ccm_args<'a>(op: &'a str, tag_len: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "ccm",
        op,
        "--key",
        RFC3610_KEY,
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        tag_len,
    ];
    args.extend_from_slice(rest);
    args
}

#[test]
fn ccm_rfc3610_packet1_seal() -> TestResult {
    let args = ccm_args("seal", "8", &["--aad", RFC3610_AAD, "--msg", RFC3610_MSG]);
    assert_prints(&args, RFC3610_CT)
}

#[test]
fn ccm_rfc3610_packet1_open() -> TestResult {
    let args = ccm_args("open", "8", &["--aad", RFC3610_AAD, "--msg", RFC3610_CT]);
    assert_prints(&args, RFC3610_MSG)
}

#[test]
fn ccm_uppercase_hex_and_hex_tag_len() -> TestResult {
    let key = RFC3610_KEY.to_uppercase();
    let nonce = RFC3610_NONCE.to_uppercase();
    let aad = RFC3610_AAD.to_uppercase();
    let msg = RFC3610_MSG.to_uppercase();
    let args = [
        "ccm",
        "seal",
        "--key",
        &key,
        "--nonce",
        &nonce,
        "--tag-len",
        "0x8",
        "--aad",
        &aad,
        "--msg",
        &msg,
    ];
    assert_prints(&args, RFC3610_CT)?;
    let ct = RFC3610_CT.to_uppercase();
    let args = ccm_args("open", "0X8", &["--aad", RFC3610_AAD, "--msg", &ct]);
    assert_prints(&args, RFC3610_MSG)
}

#[test]
fn ccm_empty_aad_is_no_aad() -> TestResult {
    let without = bulwark(&ccm_args("seal", "8", &["--msg", RFC3610_MSG]))?;
    assert_eq!(without.code, Some(0));
    let with_empty = bulwark(&ccm_args("seal", "8", &["--aad", "", "--msg", RFC3610_MSG]))?;
    assert_eq!(with_empty.code, Some(0));
    assert_eq!(with_empty.stdout, without.stdout);
    let ct = String::from_utf8(with_empty.stdout)?;
    let ct = ct.trim_end();
    assert_eq!(ct.len(), RFC3610_MSG.len() + 16);
    assert_prints(
        &ccm_args("open", "8", &["--aad", "", "--msg", ct]),
        RFC3610_MSG,
    )
}

#[test]
fn ccm_empty_message() -> TestResult {
    let run = bulwark(&ccm_args("seal", "4", &["--aad", RFC3610_AAD, "--msg", ""]))?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let tag = String::from_utf8(run.stdout)?;
    assert_eq!(tag.len(), 8 + 1);
    assert_prints(
        &ccm_args(
            "open",
            "4",
            &["--aad", RFC3610_AAD, "--msg", tag.trim_end()],
        ),
        "",
    )
}

#[test]
fn ccm_aes256() -> TestResult {
    // Expected value computed once with Python `cryptography`:
    // AESCCM(bytes(range(32)), tag_length=16).encrypt(bytes(range(7)), b"abc", b"").hex()
    let key = hex(&(0u8..32).collect::<Vec<_>>());
    let args = [
        "ccm",
        "seal",
        "--key",
        &key,
        "--nonce",
        "00010203040506",
        "--tag-len",
        "16",
        "--msg",
        "616263",
    ];
    assert_prints(&args, "fe93efad56a9b791175d8a9028a2aacf692737")
}

#[test]
fn ccm_tampered_open_exits_1_without_output() -> TestResult {
    let dir = scratch_dir("tampered")?;
    let out = dir.join("plain.bin");
    // Last tag byte flipped (e0 -> e1).
    let bad = "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e1";
    let args = ccm_args("open", "8", &["--aad", RFC3610_AAD, "--msg", bad]);
    assert_fails(&args, 1, "verification failed")?;
    let mut with_out = args.clone();
    with_out.extend_from_slice(&["--out", path_str(&out)?]);
    assert_fails(&with_out, 1, "verification failed")?;
    assert!(
        !out.exists(),
        "--out file written after a failed verification"
    );
    assert_eq!(fs::read_dir(&dir)?.count(), 0, "temporary file left behind");
    // Wrong AAD also fails.
    let args = ccm_args(
        "open",
        "8",
        &["--aad", "0001020304050608", "--msg", RFC3610_CT],
    );
    assert_fails(&args, 1, "verification failed")?;
    // A ciphertext shorter than the tag cannot verify either.
    assert_fails(
        &ccm_args("open", "8", &["--msg", "00112233"]),
        1,
        "shorter than",
    )
}

#[test]
fn ccm_tampered_open_keeps_existing_out_file() -> TestResult {
    let dir = scratch_dir("keep-existing")?;
    let out = dir.join("plain.bin");
    fs::write(&out, b"previous")?;
    let bad = "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e1";
    let mut args = ccm_args("open", "8", &["--aad", RFC3610_AAD, "--msg", bad]);
    args.extend_from_slice(&["--out", path_str(&out)?]);
    assert_fails(&args, 1, "verification failed")?;
    assert_eq!(fs::read(&out)?, b"previous");
    Ok(())
}

#[test]
fn ccm_usage_errors_exit_2() -> TestResult {
    // Bad hex digit, odd length.
    assert_fails(&ccm_args("seal", "8", &["--msg", "0g"]), 2, "--msg")?;
    assert_fails(&ccm_args("seal", "8", &["--msg", "abc"]), 2, "--msg: odd")?;
    assert_fails(
        &ccm_args("seal", "8", &["--aad", "0", "--msg", ""]),
        2,
        "--aad",
    )?;
    let args = [
        "ccm",
        "seal",
        "--key",
        "c0c1",
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        "8",
        "--msg",
        "",
    ];
    assert_fails(&args, 2, "--key: 2 bytes")?;
    let args = [
        "ccm",
        "seal",
        "--key",
        "x0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        "8",
        "--msg",
        "",
    ];
    assert_fails(&args, 2, "--key")?;
    // 14-byte and 6-byte nonces.
    let args = [
        "ccm",
        "seal",
        "--key",
        RFC3610_KEY,
        "--nonce",
        "00000003020100a0a1a2a3a4a5a6",
        "--tag-len",
        "8",
        "--msg",
        "",
    ];
    assert_fails(&args, 2, "--nonce: 14 bytes; CCM nonces are 7..=13 bytes")?;
    let args = [
        "ccm",
        "seal",
        "--key",
        RFC3610_KEY,
        "--nonce",
        "000000030201",
        "--tag-len",
        "8",
        "--msg",
        "",
    ];
    assert_fails(&args, 2, "--nonce: 6 bytes")?;
    // Tag lengths.
    assert_fails(&ccm_args("seal", "5", &["--msg", ""]), 2, "--tag-len")?;
    assert_fails(&ccm_args("seal", "18", &["--msg", ""]), 2, "--tag-len")?;
    assert_fails(
        &ccm_args("seal", "0", &["--msg", ""]),
        2,
        "--tag-len: 0 requires --star",
    )?;
    assert_fails(
        &ccm_args("open", "0", &["--msg", ""]),
        2,
        "--tag-len: 0 requires --star",
    )?;
    assert_fails(&ccm_args("seal", "eight", &["--msg", ""]), 2, "--tag-len")?;
    assert_fails(&ccm_args("seal", "0x", &["--msg", ""]), 2, "--tag-len")?;
    assert_fails(&ccm_args("seal", "-8", &["--msg", ""]), 2, "")?;
    // Missing and conflicting inputs, missing options, unknown subcommands.
    assert_fails(&ccm_args("seal", "8", &[]), 2, "--msg")?;
    assert_fails(
        &ccm_args("seal", "8", &["--msg", "", "--in", "x"]),
        2,
        "--in",
    )?;
    assert_fails(
        &["ccm", "seal", "--key", RFC3610_KEY, "--msg", ""],
        2,
        "--nonce",
    )?;
    assert_fails(&["ccm", "frob"], 2, "frob")?;
    assert_fails(&["frob"], 2, "frob")?;
    // Unreadable input file.
    assert_fails(
        &ccm_args("seal", "8", &["--in", "/nonexistent/bulwark"]),
        2,
        "--in",
    )
}

#[test]
fn ccm_star_rules() -> TestResult {
    let star = |tag: &'static str, nonce: &'static str| -> Vec<&'static str> {
        vec![
            "ccm",
            "seal",
            "--star",
            "--key",
            RFC3610_KEY,
            "--nonce",
            nonce,
            "--tag-len",
            tag,
            "--msg",
            "",
        ]
    };
    assert_fails(&star("6", RFC3610_NONCE), 2, "--tag-len: 6")?;
    assert_fails(
        &star("8", "00000003020100a0a1a2a3a4"),
        2,
        "--nonce: 12 bytes",
    )?;
    // CCM* with a MIC is CCM with a 13-byte nonce.
    let args = [
        "ccm",
        "seal",
        "--star",
        "--key",
        RFC3610_KEY,
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        "8",
        "--aad",
        RFC3610_AAD,
        "--msg",
        RFC3610_MSG,
    ];
    assert_prints(&args, RFC3610_CT)?;
    // Tag length 0 authenticates nothing, so associated data is refused.
    let args = [
        "ccm",
        "seal",
        "--star",
        "--key",
        RFC3610_KEY,
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        "0",
        "--aad",
        "00",
        "--msg",
        "",
    ];
    assert_fails(&args, 2, "--aad")
}

#[test]
fn ccm_star_tag_len_0_round_trip() -> TestResult {
    // Expected ciphertext computed once with Python `cryptography`: CCM* with no MIC is CTR
    // from the counter block A_1 = 01 || nonce || 0001:
    //   Cipher(AES(key), CTR(bytes([1]) + nonce + b"\0\1")).encryptor().update(b"hello world, CCM*!")
    let plain = "68656c6c6f20776f726c642c2043434d2a21"; // "hello world, CCM*!"
    let cipher = "38e0f1fd02eb1ab2921ba6fdf4afdcda5f67";
    let seal = [
        "ccm",
        "seal",
        "--star",
        "--key",
        RFC3610_KEY,
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        "0",
        "--msg",
        plain,
    ];
    assert_prints(&seal, cipher)?;
    let open = [
        "ccm",
        "open",
        "--star",
        "--key",
        RFC3610_KEY,
        "--nonce",
        RFC3610_NONCE,
        "--tag-len",
        "0",
        "--aad",
        "",
        "--msg",
        cipher,
    ];
    assert_prints(&open, plain)
}

#[test]
fn ccm_files_in_and_out() -> TestResult {
    let dir = scratch_dir("files")?;
    let plain_path = dir.join("plain.bin");
    let sealed_path = dir.join("sealed.bin");
    let opened_path = dir.join("opened.bin");
    let plain: Vec<u8> = (0u8..=255).cycle().take(1000).collect();
    fs::write(&plain_path, &plain)?;

    let mut seal = ccm_args("seal", "16", &["--aad", RFC3610_AAD]);
    seal.extend_from_slice(&[
        "--in",
        path_str(&plain_path)?,
        "--out",
        path_str(&sealed_path)?,
    ]);
    let run = bulwark(&seal)?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "--out must print nothing");
    let sealed = fs::read(&sealed_path)?;
    assert_eq!(sealed.len(), plain.len() + 16);

    // The raw file and the hex output agree.
    let mut seal_hex = ccm_args("seal", "16", &["--aad", RFC3610_AAD]);
    seal_hex.extend_from_slice(&["--in", path_str(&plain_path)?]);
    assert_prints(&seal_hex, &hex(&sealed))?;

    let mut open = ccm_args("open", "16", &["--aad", RFC3610_AAD]);
    open.extend_from_slice(&[
        "--in",
        path_str(&sealed_path)?,
        "--out",
        path_str(&opened_path)?,
    ]);
    let run = bulwark(&open)?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(fs::read(&opened_path)?, plain);

    // --out replaces an existing file; no temporary files are left behind.
    let run = bulwark(&open)?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(fs::read(&opened_path)?, plain);
    assert_eq!(fs::read_dir(&dir)?.count(), 3);
    Ok(())
}

#[test]
fn stdin_input_and_raw_stdout() -> TestResult {
    let msg = hex_decode(RFC3610_MSG);
    let args = ccm_args(
        "seal",
        "8",
        &["--aad", RFC3610_AAD, "--in", "-", "--out", "-"],
    );
    let run = bulwark_with_stdin(&args, &msg)?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(hex(&run.stdout), RFC3610_CT);
    Ok(())
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .filter_map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

#[test]
fn cmac_rfc4493_example2() -> TestResult {
    let args = [
        "cmac",
        "--key",
        "2b7e151628aed2a6abf7158809cf4f3c",
        "--msg",
        "6bc1bee22e409f96e93d7e117393172a",
    ];
    assert_prints(&args, "070a16b46b4d4144f79bdd9dd04a287c")
}

#[test]
fn cmac_rfc4493_example1_empty() -> TestResult {
    let args = [
        "cmac",
        "--key",
        "2b7e151628aed2a6abf7158809cf4f3c",
        "--msg",
        "",
    ];
    assert_prints(&args, "bb1d6929e95937287fa37d129b756746")
}

#[test]
fn cmac_usage_errors() -> TestResult {
    assert_fails(&["cmac", "--key", "2b7e", "--msg", ""], 2, "--key: 2 bytes")?;
    assert_fails(
        &["cmac", "--key", "2b7e151628aed2a6abf7158809cf4f3c"],
        2,
        "--msg",
    )?;
    let args = [
        "cmac",
        "--key",
        "2b7e151628aed2a6abf7158809cf4f3c",
        "--msg",
        "6bc",
    ];
    assert_fails(&args, 2, "--msg: odd")
}

const CTR_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";

#[test]
fn ctr_sp800_38a_f51_first_block() -> TestResult {
    let args = [
        "ctr",
        "--key",
        CTR_KEY,
        "--iv",
        "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
        "--msg",
        "6bc1bee22e409f96e93d7e117393172a",
    ];
    assert_prints(&args, "874d6191b620e3261bef6864990db6ce")
}

#[test]
fn ctr_counter_wraps() -> TestResult {
    // Expected value computed once with Python `cryptography` 48.0.0 (OpenSSL's 128-bit
    // big-endian counter, which wraps ff..ff -> 00..00):
    //   Cipher(algorithms.AES(bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")),
    //          modes.CTR(b"\xff" * 16)).encryptor().update(bytes.fromhex(MSG)).hex()
    let msg = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";
    let args = [
        "ctr",
        "--key",
        CTR_KEY,
        "--iv",
        &"ff".repeat(16),
        "--msg",
        msg,
    ];
    let expected = "e13338e36cb71962e00d020b4cedbd86d3dae15b04bb352fa0f59febfcb4da3e";
    assert_prints(&args, expected)?;
    // The second block is the keystream of counter 00..00.
    let args = [
        "ctr",
        "--key",
        CTR_KEY,
        "--iv",
        &"00".repeat(16),
        "--msg",
        &msg[32..],
    ];
    assert_prints(&args, &expected[32..])
}

#[test]
fn ctr_files_and_errors() -> TestResult {
    let dir = scratch_dir("ctr")?;
    let input = dir.join("in.bin");
    let output = dir.join("out.bin");
    fs::write(&input, hex_decode("6bc1bee22e409f96e93d7e117393172a"))?;
    let iv = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    let args = [
        "ctr",
        "--key",
        CTR_KEY,
        "--iv",
        iv,
        "--in",
        path_str(&input)?,
        "--out",
        path_str(&output)?,
    ];
    let run = bulwark(&args)?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(hex(&fs::read(&output)?), "874d6191b620e3261bef6864990db6ce");

    assert_fails(
        &["ctr", "--key", CTR_KEY, "--iv", "f0f1", "--msg", ""],
        2,
        "--iv: 2 bytes",
    )?;
    let args = [
        "ctr",
        "--key",
        CTR_KEY,
        "--iv",
        iv,
        "--msg",
        "",
        "--out",
        "/nonexistent/x/y",
    ];
    assert_fails(&args, 2, "--out")
}

#[test]
fn help_documents_the_contract() -> TestResult {
    for args in [
        &["--help"][..],
        &["ccm", "--help"],
        &["ccm", "seal", "--help"],
        &["ccm", "open", "--help"],
        &["cmac", "--help"],
        &["ctr", "--help"],
        &["x25519", "--help"],
        &["x25519", "pub", "--help"],
        &["ecdh-p256", "--help"],
        &["ecdh-p256", "pub", "--help"],
        &["hkdf", "--help"],
        &["psk", "--help"],
        &["psk", "new", "--help"],
        &["psk", "derive", "--help"],
        &["oscore", "--help"],
        &["oscore", "context", "--help"],
    ] {
        let run = bulwark(args)?;
        assert_eq!(run.code, Some(0), "{args:?}");
        let text = String::from_utf8(run.stdout)?;
        assert!(text.contains("Exit codes:"), "{args:?}");
        assert!(text.contains("case-insensitive"), "{args:?}");
    }
    let run = bulwark(&["ccm", "seal", "--help"])?;
    let text = String::from_utf8(run.stdout)?;
    for needle in [
        "--key",
        "--nonce",
        "--tag-len",
        "--aad",
        "--star",
        "--msg",
        "--in",
        "--out",
    ] {
        assert!(text.contains(needle), "ccm seal --help lacks {needle}");
    }
    for (args, needles) in [
        (
            &["--help"][..],
            &["x25519", "ecdh-p256", "hkdf", "psk", "oscore"][..],
        ),
        (
            &["x25519", "--help"],
            &["x25519 pub", "--secret", "--peer", "exit code 1"],
        ),
        (
            &["ecdh-p256", "--help"],
            &["ecdh-p256 pub", "--compressed", "--peer", "exit code 1"],
        ),
        (
            &["ecdh-p256", "pub", "--help"],
            &["--secret", "--compressed"],
        ),
        (
            &["hkdf", "--help"],
            &["--ikm", "--salt", "--info", "--len", "8160"],
        ),
        (
            &["psk", "derive", "--help"],
            &["--code", "--secret", "--device-id", "--epoch"],
        ),
        (
            &["psk", "derive", "--help"],
            &["identity: HEX", "link-key: HEX", "storage-key: HEX"],
        ),
        (
            &["oscore", "context", "--help"],
            &[
                "--master-secret",
                "--master-salt",
                "--sender-id",
                "--recipient-id",
                "--id-context",
                "sender-key: HEX",
                "recipient-key: HEX",
                "common-iv: HEX",
            ],
        ),
    ] {
        let run = bulwark(args)?;
        let text = String::from_utf8(run.stdout)?;
        for needle in needles {
            assert!(text.contains(needle), "{args:?} lacks {needle}");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Test-vector files (test-vectors/*.txt: one record per line, `key=value` fields, `#` comments).

/// The records of `test-vectors/NAME`, each as a field map.
fn vector_records(name: &str) -> Result<Vec<HashMap<String, String>>, Box<dyn Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors")
        .join(name);
    let text = fs::read_to_string(&path)?;
    let mut records = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut record = HashMap::new();
        for field in line.split_whitespace() {
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| format!("{name}: field without '=': {field}"))?;
            record.insert(key.to_owned(), value.to_owned());
        }
        records.push(record);
    }
    if records.is_empty() {
        return Err(format!("{name}: no records").into());
    }
    Ok(records)
}

fn field<'a>(record: &'a HashMap<String, String>, key: &str) -> Result<&'a str, Box<dyn Error>> {
    record
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("record lacks {key}: {record:?}").into())
}

/// Runs the binary and returns its stdout, asserting exit code 0 and an empty stderr.
fn stdout_of(args: &[&str]) -> Result<String, Box<dyn Error>> {
    let run = bulwark(args)?;
    assert_eq!(run.code, Some(0), "args {args:?}, stderr: {}", run.stderr);
    assert_eq!(run.stderr, "", "args {args:?}");
    Ok(String::from_utf8(run.stdout)?)
}

// ---------------------------------------------------------------------------------------------
// x25519

// RFC 7748 section 6.1.
const X25519_ALICE_SECRET: &str =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const X25519_ALICE_PUBLIC: &str =
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
const X25519_BOB_SECRET: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
const X25519_BOB_PUBLIC: &str = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
const X25519_SHARED: &str = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

#[test]
fn x25519_rfc7748_section_6_1() -> TestResult {
    assert_prints(
        &["x25519", "pub", "--secret", X25519_ALICE_SECRET],
        X25519_ALICE_PUBLIC,
    )?;
    assert_prints(
        &["x25519", "pub", "--secret", X25519_BOB_SECRET],
        X25519_BOB_PUBLIC,
    )?;
    assert_prints(
        &[
            "x25519",
            "--secret",
            X25519_ALICE_SECRET,
            "--peer",
            X25519_BOB_PUBLIC,
        ],
        X25519_SHARED,
    )?;
    // Bob's side, options in the other order and upper-case hex.
    let bob = X25519_BOB_SECRET.to_uppercase();
    let alice_pub = X25519_ALICE_PUBLIC.to_uppercase();
    assert_prints(
        &["x25519", "--peer", &alice_pub, "--secret", &bob],
        X25519_SHARED,
    )
}

#[test]
fn x25519_rfc7748_section_5_2_vectors() -> TestResult {
    // Unclamped scalars and arbitrary u-coordinates: the tool clamps like the RFC.
    for record in vector_records("x25519_rfc7748.txt")? {
        let args = [
            "x25519",
            "--secret",
            field(&record, "scalar")?,
            "--peer",
            field(&record, "u")?,
        ];
        assert_prints(&args, field(&record, "result_u")?)?;
    }
    Ok(())
}

#[test]
fn x25519_non_contributory_peer_exits_1() -> TestResult {
    let mut u1 = "01".to_owned();
    u1.push_str(&"00".repeat(31));
    for peer in ["00".repeat(32), u1] {
        let args = ["x25519", "--secret", X25519_ALICE_SECRET, "--peer", &peer];
        assert_fails(&args, 1, "non-contributory")?;
    }
    Ok(())
}

#[test]
fn x25519_usage_errors_exit_2() -> TestResult {
    let short = &X25519_ALICE_SECRET[2..];
    assert_fails(
        &["x25519", "pub", "--secret", short],
        2,
        "--secret: 31 bytes; X25519 private keys are 32 bytes",
    )?;
    assert_fails(
        &["x25519", "--secret", short, "--peer", X25519_BOB_PUBLIC],
        2,
        "--secret: 31 bytes",
    )?;
    let long_peer = format!("{X25519_BOB_PUBLIC}00");
    assert_fails(
        &[
            "x25519",
            "--secret",
            X25519_ALICE_SECRET,
            "--peer",
            &long_peer,
        ],
        2,
        "--peer: 33 bytes; X25519 public keys are 32 bytes",
    )?;
    assert_fails(
        &["x25519", "--secret", X25519_ALICE_SECRET, "--peer", ""],
        2,
        "--peer: 0 bytes",
    )?;
    assert_fails(
        &["x25519", "--secret", X25519_ALICE_SECRET, "--peer", "0g"],
        2,
        "--peer: invalid hex",
    )?;
    assert_fails(&["x25519", "pub", "--secret", "abc"], 2, "--secret: odd")?;
    // Missing options, and the two forms mixed.
    assert_fails(&["x25519"], 2, "--secret")?;
    assert_fails(&["x25519", "--secret", X25519_ALICE_SECRET], 2, "--peer")?;
    assert_fails(&["x25519", "pub"], 2, "--secret")?;
    assert_fails(
        &["x25519", "--secret", X25519_ALICE_SECRET, "pub"],
        2,
        "pub",
    )?;
    assert_fails(
        &[
            "x25519",
            "pub",
            "--secret",
            X25519_ALICE_SECRET,
            "--peer",
            X25519_BOB_PUBLIC,
        ],
        2,
        "--peer",
    )
}

// ---------------------------------------------------------------------------------------------
// ecdh-p256

// NIST CAVP ECC CDH, P-256, first record of test-vectors/ecdh_p256_cavp_cdh.txt.
const P256_QX: &str = "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287";
const P256_QY: &str = "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac";
const P256_D: &str = "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534";
const P256_QX_IUT: &str = "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230";
const P256_QY_IUT: &str = "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141";
const P256_Z: &str = "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b";

/// The group order n of P-256.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn p256_peer() -> String {
    format!("04{P256_QX}{P256_QY}")
}

#[test]
fn ecdh_p256_cavp_first_record() -> TestResult {
    assert_prints(
        &["ecdh-p256", "pub", "--secret", P256_D],
        &format!("04{P256_QX_IUT}{P256_QY_IUT}"),
    )?;
    // Expected value computed once with Python `cryptography` 48.0.0:
    //   k = ec.derive_private_key(int(D, 16), ec.SECP256R1())
    //   k.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint).hex()
    // (qy_iut ends in 0x41, odd, hence the 03 prefix).
    assert_prints(
        &["ecdh-p256", "pub", "--compressed", "--secret", P256_D],
        &format!("03{P256_QX_IUT}"),
    )?;
    let peer = p256_peer();
    assert_prints(&["ecdh-p256", "--secret", P256_D, "--peer", &peer], P256_Z)?;
    // The same peer in compressed form (qy ends in 0xac, even: 02).
    let compressed = format!("02{P256_QX}");
    assert_prints(
        &["ecdh-p256", "--secret", P256_D, "--peer", &compressed],
        P256_Z,
    )?;
    // Upper-case hex.
    let (d, peer) = (P256_D.to_uppercase(), peer.to_uppercase());
    assert_prints(&["ecdh-p256", "--peer", &peer, "--secret", &d], P256_Z)
}

#[test]
fn ecdh_p256_cavp_all_records() -> TestResult {
    for record in vector_records("ecdh_p256_cavp_cdh.txt")? {
        let d = field(&record, "d")?;
        let public = format!(
            "04{}{}",
            field(&record, "qx_iut")?,
            field(&record, "qy_iut")?
        );
        assert_prints(&["ecdh-p256", "pub", "--secret", d], &public)?;
        let compressed = stdout_of(&["ecdh-p256", "pub", "--compressed", "--secret", d])?;
        assert_eq!(compressed.len(), 66 + 1);
        assert_eq!(compressed.get(2..66), public.get(2..66), "x of {d}");
        let peer = format!("04{}{}", field(&record, "qx")?, field(&record, "qy")?);
        assert_prints(
            &["ecdh-p256", "--secret", d, "--peer", &peer],
            field(&record, "z")?,
        )?;
        // The printed public keys work as peer keys: the compressed and the uncompressed form
        // give the same shared x.
        let with_compressed =
            stdout_of(&["ecdh-p256", "--secret", d, "--peer", compressed.trim_end()])?;
        let with_uncompressed = stdout_of(&["ecdh-p256", "--secret", d, "--peer", &public])?;
        assert_eq!(with_compressed, with_uncompressed);
    }
    Ok(())
}

#[test]
fn ecdh_p256_invalid_peer_exits_1() -> TestResult {
    let peer = p256_peer();
    // Off the curve: the last byte of y changed (ac -> ad).
    let off_curve = format!("{}ad", &peer[..peer.len() - 2]);
    for (bad, needle) in [
        (off_curve.as_str(), "not a point on P-256"),
        // Compressed, x = 2^256 - 1 >= p: not a field element.
        (
            "02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "not a point on P-256",
        ),
        ("00", "point at infinity"),
        (&peer[2..], "64 bytes"),
        ("", "0 bytes"),
    ] {
        assert_fails(&["ecdh-p256", "--secret", P256_D, "--peer", bad], 1, needle)?;
    }
    let wrong_prefix = format!("05{}", &peer[2..]);
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", &wrong_prefix],
        1,
        "starts with 04",
    )?;
    let hybrid = format!("06{}", &peer[2..]);
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", &hybrid],
        1,
        "invalid public key",
    )?;
    let compressed_wrong_prefix = format!("04{P256_QX}");
    assert_fails(
        &[
            "ecdh-p256",
            "--secret",
            P256_D,
            "--peer",
            &compressed_wrong_prefix,
        ],
        1,
        "starts with 02 or 03",
    )
}

#[test]
fn ecdh_p256_usage_errors_exit_2() -> TestResult {
    let peer = p256_peer();
    let zero = "00".repeat(32);
    let n_plus_1 = format!("{}52", &P256_N[..62]);
    for secret in [zero.as_str(), P256_N, n_plus_1.as_str(), &"ff".repeat(32)] {
        assert_fails(
            &["ecdh-p256", "--secret", secret, "--peer", &peer],
            2,
            "--secret: not a P-256 private key",
        )?;
        assert_fails(
            &["ecdh-p256", "pub", "--secret", secret],
            2,
            "--secret: not a P-256 private key",
        )?;
    }
    // n - 1 is the largest valid scalar.
    let n_minus_1 = format!("{}50", &P256_N[..62]);
    let run = bulwark(&["ecdh-p256", "pub", "--secret", &n_minus_1])?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_fails(
        &["ecdh-p256", "pub", "--secret", &P256_D[2..]],
        2,
        "--secret: 31 bytes; P-256 private keys are 32 bytes",
    )?;
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", "04zz"],
        2,
        "--peer: invalid hex",
    )?;
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", "041"],
        2,
        "--peer: odd",
    )?;
    assert_fails(&["ecdh-p256", "--secret", P256_D], 2, "--peer")?;
    assert_fails(&["ecdh-p256", "pub", "--compressed"], 2, "--secret")?;
    assert_fails(
        &[
            "ecdh-p256",
            "--secret",
            P256_D,
            "--peer",
            &peer,
            "--compressed",
        ],
        2,
        "--compressed",
    )
}

// ---------------------------------------------------------------------------------------------
// hkdf

const HKDF_IKM: &str = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";

#[test]
fn hkdf_rfc5869_test_case_1() -> TestResult {
    let args = [
        "hkdf",
        "--ikm",
        HKDF_IKM,
        "--salt",
        "000102030405060708090a0b0c",
        "--info",
        "f0f1f2f3f4f5f6f7f8f9",
        "--len",
        "42",
    ];
    assert_prints(
        &args,
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    )
}

#[test]
fn hkdf_rfc5869_test_case_3_no_salt_no_info() -> TestResult {
    let expected =
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
    assert_prints(&["hkdf", "--ikm", HKDF_IKM, "--len", "42"], expected)?;
    // An empty salt is the same as none (RFC 5869: HashLen zero bytes), and N may be hex.
    assert_prints(
        &[
            "hkdf", "--ikm", HKDF_IKM, "--salt", "", "--info", "", "--len", "0x2a",
        ],
        expected,
    )
}

#[test]
fn hkdf_lengths() -> TestResult {
    assert_prints(&["hkdf", "--ikm", "00", "--len", "0"], "")?;
    assert_prints(&["hkdf", "--ikm", "", "--len", "0"], "")?;
    let max = stdout_of(&["hkdf", "--ikm", HKDF_IKM, "--len", "8160"])?;
    assert_eq!(max.len(), 2 * 8160 + 1);
    // Prefix property of HKDF-Expand: the first 42 bytes are test case 3.
    assert!(max.starts_with("8da4e775a563c18f715f802a063c5a31"));
    assert_fails(
        &["hkdf", "--ikm", HKDF_IKM, "--len", "8161"],
        2,
        "--len: 8161; HKDF-SHA256 outputs at most 8160 bytes",
    )?;
    assert_fails(&["hkdf", "--ikm", HKDF_IKM, "--len", "-1"], 2, "")?;
    assert_fails(&["hkdf", "--ikm", HKDF_IKM, "--len", "ten"], 2, "--len")?;
    assert_fails(&["hkdf", "--ikm", HKDF_IKM], 2, "--len")?;
    assert_fails(&["hkdf", "--len", "32"], 2, "--ikm")?;
    assert_fails(&["hkdf", "--ikm", "0b0", "--len", "1"], 2, "--ikm: odd")?;
    assert_fails(
        &["hkdf", "--ikm", HKDF_IKM, "--salt", "x0", "--len", "1"],
        2,
        "--salt",
    )?;
    assert_fails(
        &["hkdf", "--ikm", HKDF_IKM, "--info", "0", "--len", "1"],
        2,
        "--info",
    )
}

// ---------------------------------------------------------------------------------------------
// psk

#[test]
fn psk_derive_matches_reference_vectors() -> TestResult {
    for record in vector_records("psk_derivation.txt")? {
        let expected = format!(
            "identity: {}\nlink-key: {}\nstorage-key: {}",
            field(&record, "identity")?,
            field(&record, "link_key")?,
            field(&record, "storage_key")?,
        );
        let device_id = field(&record, "device_id")?;
        let epoch = field(&record, "epoch")?;
        let code = field(&record, "code")?;
        let by_code = [
            "psk",
            "derive",
            "--code",
            code,
            "--device-id",
            device_id,
            "--epoch",
            epoch,
        ];
        assert_prints(&by_code, &expected)?;
        // As typed by a person: lower case, spaces instead of dashes, O for 0.
        let typed = code.to_lowercase().replace('-', " ").replace('0', "O");
        let by_typed = [
            "psk",
            "derive",
            "--device-id",
            device_id,
            "--epoch",
            epoch,
            "--code",
            &typed,
        ];
        assert_prints(&by_typed, &expected)?;
        // The raw secret gives the same keys.
        let by_secret = [
            "psk",
            "derive",
            "--secret",
            field(&record, "secret")?,
            "--device-id",
            device_id,
            "--epoch",
            epoch,
        ];
        assert_prints(&by_secret, &expected)?;
    }
    Ok(())
}

#[test]
fn psk_derive_default_epoch_is_0() -> TestResult {
    // First record of test-vectors/psk_derivation.txt (epoch 0), without --epoch.
    let args = [
        "psk",
        "derive",
        "--code",
        "0004-1061-050R-3GG2-8A1C-60T3-GF6Q",
        "--device-id",
        "0011223344556677",
    ];
    assert_prints(
        &args,
        "identity: d3446ed83a2193da1fc15bd1e033140e\n\
         link-key: 39d613c115e35a0035526f6669c71742\n\
         storage-key: b28e81bf92782f0e529d87dfdfb6dd34413db36b651a69a940cebd932062693a",
    )
}

/// A family run without its subcommand (like a bare `bulwark ccm`) prints its help on stderr
/// and exits 2, with nothing on stdout.
fn assert_bare_family_shows_help(family: &str) -> TestResult {
    let run = bulwark(&[family])?;
    assert_eq!(run.code, Some(2), "{family}: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("Usage: bulwark"), "{}", run.stderr);
    Ok(())
}

/// Checks the shape `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX` over Crockford's alphabet.
fn is_grouped_code(code: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    code.len() == 34
        && code.chars().enumerate().all(|(i, c)| {
            if i % 5 == 4 {
                c == '-'
            } else {
                ALPHABET.contains(c)
            }
        })
}

#[test]
fn psk_new_prints_a_code_that_derives() -> TestResult {
    let first = stdout_of(&["psk", "new"])?;
    let second = stdout_of(&["psk", "new"])?;
    for out in [&first, &second] {
        let code = out
            .strip_suffix('\n')
            .ok_or("psk new: no trailing newline")?;
        assert!(is_grouped_code(code), "psk new printed {out:?}");
        let keys = stdout_of(&["psk", "derive", "--code", code, "--device-id", "0102"])?;
        let lines: Vec<&str> = keys.lines().collect();
        assert_eq!(lines.len(), 3, "{keys:?}");
        for (line, (name, len)) in
            lines
                .iter()
                .zip([("identity", 16), ("link-key", 16), ("storage-key", 32)])
        {
            let hex = line
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(": "))
                .ok_or_else(|| format!("unexpected line {line:?}"))?;
            assert_eq!(hex.len(), 2 * len, "{line:?}");
            assert!(
                hex.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
        }
    }
    assert_ne!(first, second, "two fresh codes are equal");
    Ok(())
}

#[test]
fn psk_mistyped_code_exits_2() -> TestResult {
    let code = "4P3W-SV2H-FX1K-ZC5G-K754-ZWX3-0XZG";
    let derive = |code: &str| -> Result<Run, Box<dyn Error>> {
        bulwark(&[
            "psk",
            "derive",
            "--code",
            code,
            "--device-id",
            "70b3d57ed0001234",
        ])
    };
    // One wrong character (last G -> H), and two adjacent characters swapped (4P -> P4).
    for typo in [
        code.replace("0XZG", "0XZH"),
        code.replacen("4P3W", "P43W", 1),
    ] {
        let run = derive(&typo)?;
        assert_eq!(run.code, Some(2), "{typo}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.starts_with("error: --code: "), "{}", run.stderr);
        assert!(run.stderr.contains("mistyped"), "{}", run.stderr);
    }
    // A character outside the alphabet, and a code that is too short.
    let run = derive(&code.replace('W', "U"))?;
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--code: character 4"), "{}", run.stderr);
    let run = derive("4P3W-SV2H")?;
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("this one has 8"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    Ok(())
}

#[test]
fn psk_refusals_exit_2() -> TestResult {
    let short = [
        "psk",
        "derive",
        "--secret",
        "000102030405060708090a0b0c0d0e",
        "--device-id",
        "01",
    ];
    assert_fails(
        &short,
        2,
        "--secret: secret refused for PSK use: it is 15 bytes, below the required 16 bytes",
    )?;
    assert_fails(&short, 2, "PAKE")?;
    // "1234567890123456" in ASCII: a PIN, however long.
    let digits = hex(b"1234567890123456");
    assert_fails(
        &["psk", "derive", "--secret", &digits, "--device-id", "01"],
        2,
        "decimal digits",
    )?;
    // The all-zero code is well formed, but its secret is one repeated byte.
    assert_fails(
        &[
            "psk",
            "derive",
            "--code",
            "0000-0000-0000-0000-0000-0000-0000",
            "--device-id",
            "01",
        ],
        2,
        "--code: secret refused for PSK use: every byte is the same",
    )?;
    let code = "4P3W-SV2H-FX1K-ZC5G-K754-ZWX3-0XZG";
    assert_fails(
        &["psk", "derive", "--code", code, "--device-id", ""],
        2,
        "--device-id: device identity is 0 bytes",
    )?;
    let long_id = "00".repeat(256);
    assert_fails(
        &["psk", "derive", "--code", code, "--device-id", &long_id],
        2,
        "--device-id: device identity is 256 bytes",
    )?;
    assert_fails(
        &["psk", "derive", "--code", code, "--device-id", "0g"],
        2,
        "--device-id: invalid hex",
    )?;
    assert_fails(
        &[
            "psk",
            "derive",
            "--code",
            code,
            "--device-id",
            "01",
            "--epoch",
            "4294967296",
        ],
        2,
        "--epoch",
    )?;
    assert_fails(
        &[
            "psk",
            "derive",
            "--code",
            code,
            "--secret",
            "000102030405060708090a0b0c0d0e0f",
            "--device-id",
            "01",
        ],
        2,
        "--secret",
    )?;
    assert_fails(&["psk", "derive", "--device-id", "01"], 2, "--code")?;
    assert_fails(&["psk", "derive", "--code", code], 2, "--device-id")?;
    assert_bare_family_shows_help("psk")?;
    assert_fails(&["psk", "new", "extra"], 2, "extra")
}

// ---------------------------------------------------------------------------------------------
// oscore

const OSCORE_MASTER_SECRET: &str = "0102030405060708090a0b0c0d0e0f10";
const OSCORE_MASTER_SALT: &str = "9e7ca92223786340";

#[test]
fn oscore_rfc8613_c_1_1() -> TestResult {
    let args = [
        "oscore",
        "context",
        "--master-secret",
        OSCORE_MASTER_SECRET,
        "--master-salt",
        OSCORE_MASTER_SALT,
        "--sender-id",
        "",
        "--recipient-id",
        "01",
    ];
    assert_prints(
        &args,
        "sender-key: f0910ed7295e6ad4b54fc793154302ff\n\
         recipient-key: ffb14e093c94c9cac9471648b4f98710\n\
         common-iv: 4622d4dd6d944168eefb54987c",
    )
}

#[test]
fn oscore_rfc8613_all_context_records() -> TestResult {
    let mut seen = 0;
    for record in vector_records("oscore_rfc8613.txt")? {
        if record.get("kind").map(String::as_str) != Some("context") {
            continue;
        }
        let mut args = vec![
            "oscore",
            "context",
            "--master-secret",
            field(&record, "master_secret")?,
            "--sender-id",
            field(&record, "sender_id")?,
            "--recipient-id",
            field(&record, "recipient_id")?,
        ];
        // An empty master_salt in the file is "no salt"; pass it as '' half the time to check
        // that both spellings agree.
        let salt = field(&record, "master_salt")?;
        if !salt.is_empty() || seen % 2 == 0 {
            args.extend_from_slice(&["--master-salt", salt]);
        }
        if let Some(id_context) = record.get("id_context") {
            args.extend_from_slice(&["--id-context", id_context]);
        }
        let expected = format!(
            "sender-key: {}\nrecipient-key: {}\ncommon-iv: {}",
            field(&record, "sender_key")?,
            field(&record, "recipient_key")?,
            field(&record, "common_iv")?,
        );
        assert_prints(&args, &expected)?;
        seen += 1;
    }
    assert_eq!(seen, 4, "C.1.1, C.1.2, C.2.1, C.3.1");
    Ok(())
}

#[test]
fn oscore_empty_id_context_differs_from_absent() -> TestResult {
    // Expected values computed once with Python's hmac/hashlib (HKDF-SHA256 by hand) with the
    // CBOR info [h'', h'', 10, "Key", 16] etc.: the empty bstr 0x40 in place of nil 0xf6.
    let args = [
        "oscore",
        "context",
        "--master-secret",
        OSCORE_MASTER_SECRET,
        "--master-salt",
        OSCORE_MASTER_SALT,
        "--sender-id",
        "",
        "--recipient-id",
        "01",
        "--id-context",
        "",
    ];
    assert_prints(
        &args,
        "sender-key: 25dfd5e567e714960411eff26a7dba80\n\
         recipient-key: 946c4ee0f06a907c36fd3a3b0d74f63e\n\
         common-iv: 83b5593a7e84b9202f24dd8498",
    )
}

#[test]
fn oscore_usage_errors_exit_2() -> TestResult {
    let ctx = |rest: &[&'static str]| -> Vec<&'static str> {
        let mut args = vec!["oscore", "context"];
        args.extend_from_slice(rest);
        args
    };
    let ms = OSCORE_MASTER_SECRET;
    assert_fails(
        &ctx(&[
            "--master-secret",
            "0102030405060708090a0b0c0d0e0f",
            "--sender-id",
            "",
            "--recipient-id",
            "01",
        ]),
        2,
        "--master-secret: 15 bytes; at least 16 bytes",
    )?;
    assert_fails(
        &ctx(&[
            "--master-secret",
            ms,
            "--sender-id",
            "0102030405060708",
            "--recipient-id",
            "01",
        ]),
        2,
        "--sender-id: 8 bytes; OSCORE IDs are at most 7 bytes",
    )?;
    assert_fails(
        &ctx(&[
            "--master-secret",
            ms,
            "--sender-id",
            "01",
            "--recipient-id",
            "0102030405060708",
        ]),
        2,
        "--recipient-id: 8 bytes",
    )?;
    assert_fails(
        &ctx(&[
            "--master-secret",
            ms,
            "--sender-id",
            "01",
            "--recipient-id",
            "01",
        ]),
        2,
        "the two IDs are equal",
    )?;
    assert_fails(
        &ctx(&[
            "--master-secret",
            ms,
            "--sender-id",
            "",
            "--recipient-id",
            "",
        ]),
        2,
        "the two IDs are equal",
    )?;
    assert_fails(
        &ctx(&[
            "--master-secret",
            ms,
            "--sender-id",
            "",
            "--recipient-id",
            "01",
            "--id-context",
            "0",
        ]),
        2,
        "--id-context: odd",
    )?;
    assert_fails(
        &ctx(&["--master-secret", ms, "--recipient-id", "01"]),
        2,
        "--sender-id",
    )?;
    assert_bare_family_shows_help("oscore")?;
    assert_fails(&["oscore", "nonce"], 2, "nonce")
}

// ---------------------------------------------------------------------------------------------
// keygen, getpub, verify, image sign/verify

fn mcuboot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/mcuboot")
}

fn mcuboot(file: &str) -> Result<String, Box<dyn Error>> {
    Ok(path_str(&mcuboot_dir().join(file))?.to_owned())
}

/// The records of `test-vectors/mcuboot/manifest.txt`.
fn mcuboot_manifest() -> Result<Vec<HashMap<String, String>>, Box<dyn Error>> {
    vector_records("mcuboot/manifest.txt")
}

/// make_images.py's payload: byte i = i mod 256.
fn pattern_payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 256) as u8).collect()
}

// RFC 8032 section 7.1, TEST 1 (first record of test-vectors/ed25519_sign_input.txt).
const ED25519_TEST1_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const ED25519_TEST1_SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

/// Flips the lowest bit of the hex digit at `i`.
fn flip_hex(s: &str, i: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[i] = match b[i] {
        b'0' => b'1',
        b'1' => b'0',
        c if c.is_ascii_digit() => c ^ 1,
        b'a' => b'b',
        b'b' => b'a',
        b'c' => b'd',
        b'd' => b'c',
        b'e' => b'f',
        _ => b'e',
    };
    String::from_utf8(b).unwrap_or_default()
}

#[test]
fn verify_ed25519_rfc8032_test1() -> TestResult {
    let record = &vector_records("ed25519_sign_input.txt")?[0];
    assert_eq!(field(record, "public")?, ED25519_TEST1_KEY);
    assert_eq!(field(record, "sig")?, ED25519_TEST1_SIG);
    let ok = [
        "verify",
        "ed25519",
        "--key",
        ED25519_TEST1_KEY,
        "--msg",
        "",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_prints(&ok, "ok")?;
    // Tampered signature (R, then S), message, key: exit 1.
    for i in [0, 64, 127] {
        let sig = flip_hex(ED25519_TEST1_SIG, i);
        let args = [
            "verify",
            "ed25519",
            "--key",
            ED25519_TEST1_KEY,
            "--msg",
            "",
            "--sig",
            &sig,
        ];
        assert_fails(&args, 1, "verify ed25519: invalid signature")?;
    }
    let args = [
        "verify",
        "ed25519",
        "--key",
        ED25519_TEST1_KEY,
        "--msg",
        "00",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_fails(&args, 1, "invalid signature")?;
    let key = flip_hex(ED25519_TEST1_KEY, 0);
    let args = [
        "verify",
        "ed25519",
        "--key",
        &key,
        "--msg",
        "",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_fails(&args, 1, "verify ed25519")?;
    // Short signature: invalid (exit 1). Invalid keys: exit 1.
    let args = [
        "verify",
        "ed25519",
        "--key",
        ED25519_TEST1_KEY,
        "--msg",
        "",
        "--sig",
        &ED25519_TEST1_SIG[..126],
    ];
    assert_fails(&args, 1, "invalid signature")?;
    let args = [
        "verify",
        "ed25519",
        "--key",
        &ED25519_TEST1_KEY[..62],
        "--msg",
        "",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_fails(&args, 1, "--key: invalid public key: 31 bytes")?;
    let identity = format!("01{}", "00".repeat(31));
    let args = [
        "verify",
        "ed25519",
        "--key",
        &identity,
        "--msg",
        "",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_fails(&args, 1, "--key: invalid public key")?;
    // Bad hex: exit 2.
    let args = [
        "verify",
        "ed25519",
        "--key",
        ED25519_TEST1_KEY,
        "--msg",
        "0",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_fails(&args, 2, "--msg: odd number of hex digits")?;
    let args = [
        "verify",
        "ed25519",
        "--key",
        "zz",
        "--msg",
        "",
        "--sig",
        ED25519_TEST1_SIG,
    ];
    assert_fails(&args, 2, "--key: invalid hex")?;
    assert_fails(
        &["verify", "ed25519", "--key", ED25519_TEST1_KEY, "--msg", ""],
        2,
        "--sig",
    )
}

/// The SEC1 compressed form of an uncompressed key given as hex.
fn compress_hex(uncompressed: &str) -> String {
    let y_odd = u8::from_str_radix(&uncompressed[128..130], 16).unwrap_or(0) & 1 == 1;
    format!(
        "{}{}",
        if y_odd { "03" } else { "02" },
        &uncompressed[2..66]
    )
}

#[test]
fn verify_ecdsa_p256_wycheproof_records() -> TestResult {
    for file in [
        "ecdsa_p256_sha256_wycheproof_p1363.txt",
        "ecdsa_p256_sha256_wycheproof_der.txt",
    ] {
        let records = vector_records(file)?;
        let (mut valid, mut invalid) = (0, 0);
        for r in &records {
            let (key, msg, sig) = (field(r, "public")?, field(r, "msg")?, field(r, "sig")?);
            let args = [
                "verify",
                "ecdsa-p256",
                "--key",
                key,
                "--msg",
                msg,
                "--sig",
                sig,
            ];
            match field(r, "result")? {
                "valid" => {
                    assert_prints(&args, "ok")?;
                    valid += 1;
                }
                "invalid" => {
                    assert_fails(&args, 1, "verify ecdsa-p256")?;
                    invalid += 1;
                }
                _ => {}
            }
        }
        assert!(
            valid > 100 && invalid > 50,
            "{file}: {valid} valid, {invalid} invalid"
        );

        // The first record: compressed key, tampered signature, message and key.
        let r = &records[0];
        let (key, msg, sig) = (field(r, "public")?, field(r, "msg")?, field(r, "sig")?);
        let compressed = compress_hex(key);
        assert_prints(
            &[
                "verify",
                "ecdsa-p256",
                "--key",
                &compressed,
                "--msg",
                msg,
                "--sig",
                sig,
            ],
            "ok",
        )?;
        let bad_sig = flip_hex(sig, sig.len() - 1);
        let args = [
            "verify",
            "ecdsa-p256",
            "--key",
            key,
            "--msg",
            msg,
            "--sig",
            &bad_sig,
        ];
        assert_fails(&args, 1, "verify ecdsa-p256: invalid signature")?;
        let bad_msg = format!("{msg}00");
        let args = [
            "verify",
            "ecdsa-p256",
            "--key",
            key,
            "--msg",
            &bad_msg,
            "--sig",
            sig,
        ];
        assert_fails(&args, 1, "invalid signature")?;
        let bad_key = flip_hex(key, 129);
        let args = [
            "verify",
            "ecdsa-p256",
            "--key",
            &bad_key,
            "--msg",
            msg,
            "--sig",
            sig,
        ];
        assert_fails(&args, 1, "--key: invalid public key: not a point on P-256")?;
        let args = [
            "verify",
            "ecdsa-p256",
            "--key",
            &key[..128],
            "--msg",
            msg,
            "--sig",
            sig,
        ];
        assert_fails(&args, 1, "--key: invalid public key: 64 bytes")?;
        let hybrid = format!("06{}", &key[2..]);
        let args = [
            "verify",
            "ecdsa-p256",
            "--key",
            &hybrid,
            "--msg",
            msg,
            "--sig",
            sig,
        ];
        assert_fails(&args, 1, "cannot start with 06")?;
        let args = [
            "verify",
            "ecdsa-p256",
            "--key",
            key,
            "--msg",
            msg,
            "--sig",
            "0x00",
        ];
        assert_fails(&args, 2, "--sig: invalid hex")?;
    }
    Ok(())
}

#[cfg(unix)]
fn file_mode(path: &std::path::Path) -> Result<u32, Box<dyn Error>> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::metadata(path)?.permissions().mode() & 0o777)
}

#[test]
fn keygen_writes_pkcs8_0600_and_refuses_to_overwrite() -> TestResult {
    let dir = scratch_dir("keygen")?;
    for ty in ["ed25519", "ecdsa-p256"] {
        let path = dir.join(format!("{ty}.pem"));
        let p = path_str(&path)?;
        let run = bulwark(&["keygen", "--type", ty, "--out", p])?;
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.is_empty() && run.stderr.is_empty());
        let text = fs::read_to_string(&path)?;
        assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{text}");
        assert!(text.ends_with("-----END PRIVATE KEY-----\n"), "{text}");
        #[cfg(unix)]
        assert_eq!(file_mode(&path)?, 0o600);
        // The DER (via getpub's view of it) and the public key forms agree.
        let der = stdout_of(&["getpub", "--key", p, "--format", "der"])?;
        let raw = stdout_of(&["getpub", "--key", p, "--format", "raw"])?;
        assert!(der.trim_end().ends_with(raw.trim_end()));
        // Never overwritten: exit 2, file unchanged.
        assert_fails(
            &["keygen", "--type", ty, "--out", p],
            2,
            "refusing to overwrite",
        )?;
        assert_eq!(fs::read_to_string(&path)?, text);
        // A second key differs.
        let other = dir.join(format!("{ty}-2.pem"));
        stdout_of(&["keygen", "--type", ty, "--out", path_str(&other)?])?;
        assert_ne!(
            stdout_of(&["getpub", "--key", path_str(&other)?, "--format", "raw"])?,
            raw
        );
    }
    assert_fails(&["keygen", "--type", "rsa", "--out", "x.pem"], 2, "")?;
    let missing_dir = dir.join("no/such/dir/k.pem");
    assert_fails(
        &[
            "keygen",
            "--type",
            "ed25519",
            "--out",
            path_str(&missing_dir)?,
        ],
        2,
        "--out",
    )
}

#[test]
fn getpub_formats_match_the_committed_keys() -> TestResult {
    let dir = scratch_dir("getpub")?;
    for (key, prefix, manifest_file) in [
        (
            "test-key-ed25519.pem",
            "302a300506032b6570032100",
            "ed25519-hash-sc.img",
        ),
        (
            "test-key-ecdsa-p256.pem",
            "3059301306072a8648ce3d020106082a8648ce3d030107034200",
            "ecdsa-p256-hash-sc.img",
        ),
    ] {
        let manifest = mcuboot_manifest()?;
        let entry = manifest
            .iter()
            .find(|r| r.get("file").map(String::as_str) == Some(manifest_file))
            .ok_or("manifest entry missing")?;
        let k = mcuboot(key)?;
        let raw = field(entry, "pubkey")?;
        assert_prints(&["getpub", "--key", &k, "--format", "raw"], raw)?;
        assert_prints(
            &["getpub", "--key", &k, "--format", "der"],
            &format!("{prefix}{raw}"),
        )?;
        // The hash is imgtool's KEYHASH (SHA-256 of the SubjectPublicKeyInfo DER).
        assert_prints(
            &["getpub", "--key", &k, "--format", "hash"],
            field(entry, "keyhash")?,
        )?;
        // pem is the default; the public key file gives the same answers.
        let pem = stdout_of(&["getpub", "--key", &k])?;
        assert_eq!(pem, stdout_of(&["getpub", "--key", &k, "--format", "pem"])?);
        assert!(
            pem.starts_with("-----BEGIN PUBLIC KEY-----\n")
                && pem.ends_with("-----END PUBLIC KEY-----\n")
        );
        let public = dir.join(format!("{key}.pub"));
        fs::write(&public, &pem)?;
        let p = path_str(&public)?;
        assert_prints(&["getpub", "--key", p, "--format", "raw"], raw)?;
        assert_prints(
            &["getpub", "--key", p, "--format", "hash"],
            field(entry, "keyhash")?,
        )?;
        assert_eq!(stdout_of(&["getpub", "--key", p])?, pem);
    }
    // Not a key: exit 2.
    let junk = dir.join("junk.pem");
    fs::write(&junk, "hello\n")?;
    assert_fails(&["getpub", "--key", path_str(&junk)?], 2, "--key")?;
    fs::write(
        &junk,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )?;
    assert_fails(
        &["getpub", "--key", path_str(&junk)?],
        2,
        "unsupported PEM type",
    )?;
    assert_fails(
        &["getpub", "--key", path_str(&dir.join("missing.pem"))?],
        2,
        "--key",
    )?;
    assert_fails(
        &[
            "getpub",
            "--key",
            &mcuboot("test-key-ed25519.pem")?,
            "--format",
            "c",
        ],
        2,
        "",
    )
}

#[test]
fn image_sign_reproduces_imgtool_ed25519_images() -> TestResult {
    let dir = scratch_dir("image-sign")?;
    let payload = dir.join("payload-4k.bin");
    fs::write(&payload, pattern_payload(4096))?;
    let small = dir.join("payload-small.bin");
    fs::write(&small, pattern_payload(256))?;
    let key = mcuboot("test-key-ed25519.pem")?;
    // (committed image, payload, extra options), as make_images.py signs them.
    let cases: [(&str, &PathBuf, &str, &[&str]); 5] = [
        (
            "ed25519-hash-sc.img",
            &payload,
            "1.2.3+4",
            &["--header-size", "0x200", "--security-counter", "auto"],
        ),
        (
            "ed25519-full.img",
            &payload,
            "1.2.3+4",
            &["--header-size", "0x200", "--public-key-format", "full"],
        ),
        (
            "ed25519-full-sc.img",
            &payload,
            "1.2.4",
            &[
                "--header-size",
                "512",
                "--public-key-format",
                "full",
                "--security-counter",
                "7",
            ],
        ),
        (
            "ed25519-hash.img",
            &payload,
            "0.9.0",
            &["--header-size", "0x200", "--public-key-format", "hash"],
        ),
        (
            "ed25519-small-sc.img",
            &small,
            "3.1.4+15",
            &["--header-size", "0x20", "--security-counter", "auto"],
        ),
    ];
    for (image, input, version, extra) in cases {
        let out = dir.join(image);
        let mut args = vec![
            "image",
            "sign",
            "--key",
            &key,
            "--version",
            version,
            "--pad-header",
            "--slot-size",
            "0x20000",
            "--align",
            "4",
        ];
        args.extend_from_slice(extra);
        args.push(path_str(input)?);
        args.push(path_str(&out)?);
        let run = bulwark(&args)?;
        assert_eq!(run.code, Some(0), "{image}: {}", run.stderr);
        assert!(run.stdout.is_empty() && run.stderr.is_empty());
        assert!(
            fs::read(&out)? == fs::read(mcuboot_dir().join(image))?,
            "{image} differs from imgtool's"
        );
    }
    Ok(())
}

#[test]
fn image_verify_accepts_the_committed_imgtool_images() -> TestResult {
    for r in mcuboot_manifest()? {
        let image = mcuboot(field(&r, "file")?)?;
        let key = mcuboot(field(&r, "key")?)?;
        let out = stdout_of(&["image", "verify", "--key", &image_key(&key), &image])?;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        let version = field(&r, "version")?;
        let version = if version.contains('+') {
            version.to_owned()
        } else {
            format!("{version}+0")
        };
        assert_eq!(lines[0], format!("version: {version}"));
        let counter = match field(&r, "security_counter")? {
            "" => "none",
            n => n,
        };
        assert_eq!(lines[1], format!("security-counter: {counter}"));
        let digest_len = if field(&r, "hash")? == "sha512" {
            128
        } else {
            64
        };
        let digest = lines[2].strip_prefix("digest: ").ok_or("no digest line")?;
        assert_eq!(digest.len(), digest_len);
        // The digest is the image's hash TLV.
        let bytes = fs::read(&image)?;
        assert!(hex(&bytes).contains(digest));
        assert_eq!(lines[3], format!("key-hash: {}", field(&r, "keyid")?));
        // The same with the image on standard input, and with the public key.
        let run = bulwark_with_stdin(&["image", "verify", "--key", &key, "-"], &bytes)?;
        assert_eq!(
            (run.code, String::from_utf8(run.stdout)?),
            (Some(0), out.clone())
        );
    }
    Ok(())
}

/// The key argument as given (a helper so the public-key form can be swapped in).
fn image_key(key: &str) -> String {
    key.to_owned()
}

#[test]
fn image_verify_rejections_exit_1_and_usage_errors_exit_2() -> TestResult {
    let dir = scratch_dir("image-verify")?;
    let key = mcuboot("test-key-ed25519.pem")?;
    let ec_key = mcuboot("test-key-ecdsa-p256.pem")?;
    let good = fs::read(mcuboot_dir().join("ed25519-hash-sc.img"))?;
    let img = dir.join("x.img");
    let x = path_str(&img)?;

    let mut bad = good.clone();
    bad[0x300] ^= 1;
    fs::write(&img, &bad)?;
    assert_fails(
        &["image", "verify", "--key", &key, x],
        1,
        "image verify: image hash mismatch",
    )?;

    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    fs::write(&img, &bad)?;
    assert_fails(
        &["image", "verify", "--key", &key, x],
        1,
        "image verify: bad signature",
    )?;

    fs::write(&img, b"not an image at all, but longer than a header")?;
    assert_fails(
        &["image", "verify", "--key", &key, x],
        1,
        "image verify: bad image magic",
    )?;

    // Another key of the same type; a key of the other type.
    let other = dir.join("other.pem");
    stdout_of(&["keygen", "--type", "ed25519", "--out", path_str(&other)?])?;
    let good_path = mcuboot("ed25519-hash-sc.img")?;
    assert_fails(
        &["image", "verify", "--key", path_str(&other)?, &good_path],
        1,
        "untrusted key",
    )?;
    assert_fails(
        &["image", "verify", "--key", &ec_key, &good_path],
        1,
        "signature scheme not accepted",
    )?;

    // Anti-rollback: the image's counter is 0x01020003 = 16908291.
    stdout_of(&[
        "image",
        "verify",
        "--key",
        &key,
        "--min-security-counter",
        "16908291",
        &good_path,
    ])?;
    assert_fails(
        &[
            "image",
            "verify",
            "--key",
            &key,
            "--min-security-counter",
            "0x1020004",
            &good_path,
        ],
        1,
        "security counter below the device counter",
    )?;
    // An image without a counter counts as 0.
    let none = mcuboot("ed25519-hash.img")?;
    assert_fails(
        &[
            "image",
            "verify",
            "--key",
            &key,
            "--min-security-counter",
            "1",
            &none,
        ],
        1,
        "--min-security-counter 1",
    )?;

    // Usage errors.
    assert_fails(
        &[
            "image",
            "verify",
            "--key",
            &key,
            path_str(&dir.join("missing.img"))?,
        ],
        2,
        "IMAGE",
    )?;
    assert_fails(
        &[
            "image",
            "verify",
            "--key",
            path_str(&dir.join("missing.pem"))?,
            &good_path,
        ],
        2,
        "--key",
    )?;
    assert_fails(
        &[
            "image",
            "verify",
            "--key",
            &key,
            "--min-security-counter",
            "-1",
            &good_path,
        ],
        2,
        "",
    )?;
    assert_fails(&["image", "verify", "--key", &key], 2, "IMAGE")
}

#[test]
fn image_sign_usage_errors_exit_2_and_write_nothing() -> TestResult {
    let dir = scratch_dir("image-sign-errors")?;
    let key = mcuboot("test-key-ed25519.pem")?;
    let input = dir.join("fw.bin");
    fs::write(&input, pattern_payload(4096))?;
    let i = path_str(&input)?;
    let out = dir.join("out.img");
    let o = path_str(&out)?;
    let sign = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["image", "sign", "--key", &key, "--version", "1.0.0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        // Input does not start with header-size zero bytes (no --pad-header).
        (
            sign(&["--header-size", "0x200", i, o]),
            "does not start with header-size zero bytes",
        ),
        // 0x200 + 4096 + 8 ... + trailer(align 1) = 432 does not fit 0x1000.
        (
            sign(&[
                "--header-size",
                "0x200",
                "--pad-header",
                "--slot-size",
                "0x1000",
                i,
                o,
            ]),
            "exceeds the slot size",
        ),
        (
            sign(&["--header-size", "31", "--pad-header", i, o]),
            "at least 32",
        ),
        (
            sign(&["--header-size", "0x10000", "--pad-header", i, o]),
            "65535",
        ),
        (
            sign(&["--align", "3", "--pad-header", i, o]),
            "1, 2, 4, 8, 16 or 32",
        ),
        (
            sign(&["--security-counter", "nope", "--pad-header", i, o]),
            "security-counter",
        ),
        (
            sign(&["--public-key-format", "raw", "--pad-header", i, o]),
            "public-key-format",
        ),
        (
            sign(&["--pad-header", path_str(&dir.join("missing.bin"))?, o]),
            "IN",
        ),
        (sign(&["--pad-header", i]), "OUT"),
    ];
    for (args, needle) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_fails(&args, 2, needle)?;
        assert!(!out.exists(), "{args:?} wrote OUT");
    }
    for bad in ["1.2.3.4", "01.2", "256.0.0", "1.2+3", "v1"] {
        let args = [
            "image",
            "sign",
            "--key",
            &key,
            "--version",
            bad,
            "--pad-header",
            i,
            o,
        ];
        assert_fails(&args, 2, "--version")?;
    }
    // A public key cannot sign.
    let public = dir.join("pub.pem");
    fs::write(&public, stdout_of(&["getpub", "--key", &key])?)?;
    let args = [
        "image",
        "sign",
        "--key",
        path_str(&public)?,
        "--version",
        "1",
        "--pad-header",
        i,
        o,
    ];
    assert_fails(&args, 2, "a public key cannot sign")?;
    assert!(!out.exists());

    // Exactly fitting the slot works: image 0x200 + 4096 + 4 + 36 + 36 + 68, trailer 432.
    let slot = format!("{}", 0x200 + 4096 + 144 + 432);
    let args = [
        "image",
        "sign",
        "--key",
        &key,
        "--version",
        "1",
        "--header-size",
        "0x200",
        "--pad-header",
        "--slot-size",
        &slot,
        i,
        o,
    ];
    stdout_of(&args)?;
    assert_eq!(fs::read(&out)?.len(), 0x200 + 4096 + 144);
    // Without --pad-header, the input's first header-size bytes are the header's room.
    let mut roomy = vec![0u8; 0x100];
    roomy.extend_from_slice(b"body");
    fs::write(&input, &roomy)?;
    stdout_of(&[
        "image",
        "sign",
        "--key",
        &key,
        "--version",
        "1",
        "--header-size",
        "0x100",
        i,
        o,
    ])?;
    let image = fs::read(&out)?;
    assert_eq!(&image[0x100..0x104], b"body");
    assert_eq!(
        u32::from_le_bytes([image[12], image[13], image[14], image[15]]),
        4
    );
    let v = stdout_of(&["image", "verify", "--key", &key, o])?;
    assert!(
        v.starts_with("version: 1.0.0+0\nsecurity-counter: none\n"),
        "{v}"
    );
    Ok(())
}

#[test]
fn image_sign_then_verify_both_key_types() -> TestResult {
    let dir = scratch_dir("image-round-trip")?;
    let input = dir.join("fw.bin");
    fs::write(&input, pattern_payload(1000))?;
    for ty in ["ed25519", "ecdsa-p256"] {
        let key = dir.join(format!("{ty}.pem"));
        let k = path_str(&key)?;
        stdout_of(&["keygen", "--type", ty, "--out", k])?;
        let out = dir.join(format!("{ty}.img"));
        let o = path_str(&out)?;
        for format in ["hash", "full"] {
            stdout_of(&[
                "image",
                "sign",
                "--key",
                k,
                "--version",
                "2.3.4+5",
                "--header-size",
                "0x80",
                "--pad-header",
                "--security-counter",
                "auto",
                "--public-key-format",
                format,
                path_str(&input)?,
                o,
            ])?;
            let hash = stdout_of(&["getpub", "--key", k, "--format", "hash"])?;
            let v = stdout_of(&["image", "verify", "--key", k, o])?;
            assert!(
                v.starts_with("version: 2.3.4+5\nsecurity-counter: 33751044\ndigest: "),
                "{v}"
            );
            assert!(v.ends_with(&format!("key-hash: {hash}")), "{v}");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Interoperability with imgtool (PyPI `imgtool`) and OpenSSL. Skipped, with a message on
// stderr, when the tool is not on PATH.

/// The path of `tool` on PATH, or `None` after telling why the test is skipped.
#[allow(clippy::panic)] // a missing tool in CI fails the test run
fn tool(tool: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|p| p.is_file())
    });
    if found.is_none() && std::env::var_os("BULWARK_REQUIRE_IMGTOOL").is_some() {
        // CI installs the tools and sets this: a missing tool there is a failure, not a skip.
        panic!("{test}: `{tool}` is not on PATH but BULWARK_REQUIRE_IMGTOOL is set");
    }
    if found.is_none() {
        // Written to the process's stderr directly, so the note shows even when the test
        // harness captures output.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: `{tool}` is not on PATH (install it: `pip install imgtool==2.5.0` \
             for imgtool, the openssl package for openssl)"
        );
    }
    found
}

fn run_tool(tool: &PathBuf, args: &[&str]) -> Result<(i32, String, String), Box<dyn Error>> {
    let out = Command::new(tool).args(args).output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The value of the first TLV of type `kind` in the unprotected area of `image`.
fn unprotected_tlv(image: &[u8], kind: u8) -> Option<Vec<u8>> {
    let le16 = |o: usize| usize::from(u16::from_le_bytes([image[o], image[o + 1]]));
    let hdr = le16(8);
    let prot = le16(10);
    let size = u32::from_le_bytes([image[12], image[13], image[14], image[15]]) as usize;
    let start = hdr + size + prot;
    let end = start + le16(start + 2);
    let mut at = start + 4;
    while at < end {
        let len = le16(at + 2);
        if image[at] == kind && image[at + 1] == 0 {
            return Some(image[at + 4..at + 4 + len].to_vec());
        }
        at += 4 + len;
    }
    None
}

#[test]
fn interop_imgtool_verifies_bulwark_images() -> TestResult {
    let Some(imgtool) = tool("imgtool", "interop_imgtool_verifies_bulwark_images") else {
        return Ok(());
    };
    let dir = scratch_dir("interop-imgtool-verify")?;
    let input = dir.join("fw.bin");
    fs::write(&input, pattern_payload(3000))?;
    for ty in ["ed25519", "ecdsa-p256"] {
        let key = dir.join(format!("{ty}.pem"));
        let k = path_str(&key)?;
        stdout_of(&["keygen", "--type", ty, "--out", k])?;
        for format in ["hash", "full"] {
            let out = dir.join(format!("{ty}-{format}.img"));
            let o = path_str(&out)?;
            stdout_of(&[
                "image",
                "sign",
                "--key",
                k,
                "--version",
                "1.2.3+4",
                "--header-size",
                "0x200",
                "--pad-header",
                "--slot-size",
                "0x20000",
                "--align",
                "4",
                "--security-counter",
                "auto",
                "--public-key-format",
                format,
                path_str(&input)?,
                o,
            ])?;
            let (code, stdout, stderr) = run_tool(&imgtool, &["verify", "-k", k, o])?;
            assert_eq!(code, 0, "imgtool verify {ty} {format}: {stdout}{stderr}");
            assert!(stdout.contains("Image was correctly validated"), "{stdout}");
            assert!(stdout.contains("Image version: 1.2.3+4"), "{stdout}");
        }
    }
    Ok(())
}

#[test]
fn interop_bulwark_verifies_imgtool_images_and_keys() -> TestResult {
    let Some(imgtool) = tool(
        "imgtool",
        "interop_bulwark_verifies_imgtool_images_and_keys",
    ) else {
        return Ok(());
    };
    let dir = scratch_dir("interop-imgtool-sign")?;
    let input = dir.join("fw.bin");
    fs::write(&input, pattern_payload(2000))?;
    for ty in ["ed25519", "ecdsa-p256"] {
        // A bulwark key: imgtool reads it, and signs with it.
        let key = dir.join(format!("{ty}.pem"));
        let k = path_str(&key)?;
        stdout_of(&["keygen", "--type", ty, "--out", k])?;
        let (code, stdout, stderr) = run_tool(&imgtool, &["getpub", "-k", k, "-e", "pem"])?;
        assert_eq!(code, 0, "imgtool getpub: {stderr}");
        assert_eq!(
            stdout.trim_end(),
            stdout_of(&["getpub", "--key", k])?.trim_end()
        );
        let out = dir.join(format!("{ty}.img"));
        let o = path_str(&out)?;
        let (code, stdout, stderr) = run_tool(
            &imgtool,
            &[
                "sign",
                "-k",
                k,
                "--header-size",
                "0x200",
                "--pad-header",
                "--slot-size",
                "0x20000",
                "--version",
                "4.5.6+7",
                "--align",
                "4",
                "--security-counter",
                "auto",
                path_str(&input)?,
                o,
            ],
        )?;
        assert_eq!(code, 0, "imgtool sign: {stdout}{stderr}");
        // getpub --format hash is the KEYHASH imgtool wrote.
        let hash = stdout_of(&["getpub", "--key", k, "--format", "hash"])?;
        let keyhash = unprotected_tlv(&fs::read(&out)?, 0x01).ok_or("no KEYHASH TLV")?;
        assert_eq!(hash.trim_end(), hex(&keyhash));
        let v = stdout_of(&["image", "verify", "--key", k, o])?;
        assert!(
            v.starts_with("version: 4.5.6+7\nsecurity-counter: 67436550\n"),
            "{v}"
        );
        assert!(v.ends_with(&format!("key-hash: {hash}")), "{v}");
        // A key made by imgtool: bulwark reads it.
        let theirs = dir.join(format!("imgtool-{ty}.pem"));
        let (code, _, stderr) =
            run_tool(&imgtool, &["keygen", "-k", path_str(&theirs)?, "-t", ty])?;
        assert_eq!(code, 0, "imgtool keygen: {stderr}");
        let (code, stdout, _) =
            run_tool(&imgtool, &["getpub", "-k", path_str(&theirs)?, "-e", "pem"])?;
        assert_eq!(code, 0);
        assert_eq!(
            stdout.trim_end(),
            stdout_of(&["getpub", "--key", path_str(&theirs)?])?.trim_end()
        );
    }
    Ok(())
}

#[test]
fn interop_openssl_reads_bulwark_keys_and_bulwark_reads_openssl_keys() -> TestResult {
    let Some(openssl) = tool(
        "openssl",
        "interop_openssl_reads_bulwark_keys_and_bulwark_reads_openssl_keys",
    ) else {
        return Ok(());
    };
    let dir = scratch_dir("interop-openssl")?;
    for ty in ["ed25519", "ecdsa-p256"] {
        let key = dir.join(format!("{ty}.pem"));
        let k = path_str(&key)?;
        stdout_of(&["keygen", "--type", ty, "--out", k])?;
        let (code, stdout, stderr) = run_tool(&openssl, &["pkey", "-in", k, "-pubout"])?;
        assert_eq!(code, 0, "openssl pkey: {stderr}");
        assert_eq!(stdout, stdout_of(&["getpub", "--key", k])?);
        // openssl writes the same private key back identically (PKCS#8).
        let (code, stdout, _) = run_tool(&openssl, &["pkey", "-in", k])?;
        assert_eq!(code, 0);
        assert_eq!(stdout, fs::read_to_string(&key)?);
    }
    // Keys OpenSSL generates: PKCS#8 Ed25519, and the SEC1 file of `openssl ecparam -genkey`
    // (an EC PARAMETERS block, then BEGIN EC PRIVATE KEY).
    let ed = dir.join("openssl-ed25519.pem");
    let (code, _, stderr) = run_tool(
        &openssl,
        &["genpkey", "-algorithm", "ed25519", "-out", path_str(&ed)?],
    )?;
    assert_eq!(code, 0, "{stderr}");
    let ec = dir.join("openssl-sec1.pem");
    let (code, _, stderr) = run_tool(
        &openssl,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            path_str(&ec)?,
        ],
    )?;
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::read_to_string(&ec)?.contains("BEGIN EC PRIVATE KEY"));
    for key in [&ed, &ec] {
        let k = path_str(key)?;
        let (code, stdout, _) = run_tool(&openssl, &["pkey", "-in", k, "-pubout"])?;
        assert_eq!(code, 0);
        assert_eq!(stdout, stdout_of(&["getpub", "--key", k])?);
    }
    Ok(())
}
