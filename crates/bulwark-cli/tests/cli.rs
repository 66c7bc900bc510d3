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
