//! `bulwark hkdf` and `bulwark oscore`: RFC 5869 and RFC 8613 vectors, usage errors.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// hkdf

const HKDF_IKM: &str = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";

#[test]
fn hkdf_rfc5869_test_case_1() -> TestResult {
    let args = [&["hkdf", "--ikm", HKDF_IKM][..], &HKDF_TEST_CASE_1].concat();
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
// oscore

const OSCORE_MASTER_SECRET: &str = "0102030405060708090a0b0c0d0e0f10";
const OSCORE_MASTER_SALT: &str = "9e7ca92223786340";

/// `oscore context` with RFC 8613 C.1.1's client arguments, then `rest`.
fn client_context<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["oscore", "context", "--master-secret", OSCORE_MASTER_SECRET];
    args.extend([
        "--master-salt",
        OSCORE_MASTER_SALT,
        "--sender-id",
        "",
        "--recipient-id",
        "01",
    ]);
    args.extend_from_slice(rest);
    args
}

#[test]
fn oscore_rfc8613_c_1_1() -> TestResult {
    let args = client_context(&[]);
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
    let args = client_context(&["--id-context", ""]);
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
    // --master-secret SECRET --sender-id SENDER --recipient-id RECIPIENT
    let ids = |secret, sender, recipient| {
        let args = ["--master-secret", secret, "--sender-id", sender];
        [&args[..], &["--recipient-id", recipient]].concat()
    };
    let short = "0102030405060708090a0b0c0d0e0f";
    let long_id = "0102030405060708";
    for (args, needle) in [
        (
            ids(short, "", "01"),
            "--master-secret: 15 bytes; at least 16 bytes",
        ),
        (
            ids(ms, long_id, "01"),
            "--sender-id: 8 bytes; OSCORE IDs are at most 7 bytes",
        ),
        (ids(ms, "01", long_id), "--recipient-id: 8 bytes"),
        (ids(ms, "01", "01"), "the two IDs are equal"),
        (ids(ms, "", ""), "the two IDs are equal"),
        (
            [&ids(ms, "", "01")[..], &["--id-context", "0"]].concat(),
            "--id-context: odd",
        ),
    ] {
        assert_fails(&ctx(&args), 2, needle)?;
    }
    assert_fails(
        &ctx(&["--master-secret", ms, "--recipient-id", "01"]),
        2,
        "--sender-id",
    )?;
    assert_bare_family_shows_help("oscore")?;
    assert_fails(&["oscore", "nonce"], 2, "nonce")
}
