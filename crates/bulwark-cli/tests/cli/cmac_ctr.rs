//! `bulwark cmac` and `bulwark ctr`: RFC 4493 and SP 800-38A vectors, usage errors.

use crate::common::*;

/// `ctr --key CTR_KEY --iv IV REST...`.
fn ctr_args<'a>(iv: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["ctr", "--key", CTR_KEY, "--iv", iv];
    args.extend_from_slice(rest);
    args
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
    let args = ctr_args(
        "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
        &["--msg", "6bc1bee22e409f96e93d7e117393172a"],
    );
    assert_prints(&args, "874d6191b620e3261bef6864990db6ce")
}

#[test]
fn ctr_counter_wraps() -> TestResult {
    // Expected value computed once with Python `cryptography` 48.0.0 (OpenSSL's 128-bit
    // big-endian counter, which wraps ff..ff -> 00..00):
    //   Cipher(algorithms.AES(bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")),
    //          modes.CTR(b"\xff" * 16)).encryptor().update(bytes.fromhex(MSG)).hex()
    let msg = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";
    let iv = "ff".repeat(16);
    let args = ctr_args(&iv, &["--msg", msg]);
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
    let args = ctr_args(
        iv,
        &["--in", path_str(&input)?, "--out", path_str(&output)?],
    );
    let run = bulwark(&args)?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(hex(&fs::read(&output)?), "874d6191b620e3261bef6864990db6ce");

    assert_fails(
        &["ctr", "--key", CTR_KEY, "--iv", "f0f1", "--msg", ""],
        2,
        "--iv: 2 bytes",
    )?;
    let args = ctr_args(iv, &["--msg", "", "--out", "/nonexistent/x/y"]);
    assert_fails(&args, 2, "--out")
}
