//! `bulwark ccm seal|open`: RFC 3610 vectors, CCM* rules, files and standard input.

use crate::common::*;

// RFC 3610, packet vector #1.
const RFC3610_KEY: &str = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
const RFC3610_NONCE: &str = "00000003020100a0a1a2a3a4a5";
const RFC3610_AAD: &str = "0001020304050607";
const RFC3610_MSG: &str = "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e";
const RFC3610_CT: &str = "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0";

/// `ccm OP... --key KEY --nonce NONCE --tag-len TAG_LEN REST...`.
fn ccm_with<'a>(
    op: &[&'a str],
    key: &'a str,
    nonce: &'a str,
    tag_len: &'a str,
    rest: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["ccm"];
    args.extend_from_slice(op);
    args.extend(["--key", key, "--nonce", nonce, "--tag-len", tag_len]);
    args.extend_from_slice(rest);
    args
}

/// `ccm OP` with RFC 3610 packet #1's key and nonce.
fn ccm_args<'a>(op: &'a str, tag_len: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    ccm_with(&[op], RFC3610_KEY, RFC3610_NONCE, tag_len, rest)
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
    let args = ccm_with(
        &["seal"],
        &key,
        &nonce,
        "0x8",
        &["--aad", &aad, "--msg", &msg],
    );
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
    let args = ccm_with(
        &["seal"],
        &key,
        "00010203040506",
        "16",
        &["--msg", "616263"],
    );
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
    let args = ccm_with(&["seal"], "c0c1", RFC3610_NONCE, "8", &["--msg", ""]);
    assert_fails(&args, 2, "--key: 2 bytes")?;
    let args = ccm_with(
        &["seal"],
        "x0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
        RFC3610_NONCE,
        "8",
        &["--msg", ""],
    );
    assert_fails(&args, 2, "--key")?;
    // 14-byte and 6-byte nonces.
    let args = ccm_with(
        &["seal"],
        RFC3610_KEY,
        "00000003020100a0a1a2a3a4a5a6",
        "8",
        &["--msg", ""],
    );
    assert_fails(&args, 2, "--nonce: 14 bytes; CCM nonces are 7..=13 bytes")?;
    let args = ccm_with(&["seal"], RFC3610_KEY, "000000030201", "8", &["--msg", ""]);
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
        ccm_with(&["seal", "--star"], RFC3610_KEY, nonce, tag, &["--msg", ""])
    };
    assert_fails(&star("6", RFC3610_NONCE), 2, "--tag-len: 6")?;
    assert_fails(
        &star("8", "00000003020100a0a1a2a3a4"),
        2,
        "--nonce: 12 bytes",
    )?;
    // CCM* with a MIC is CCM with a 13-byte nonce whose last byte is the security level
    // (ENC-MIC-64 = 6 for an 8-byte tag): the output is plain CCM's for that nonce.
    let nonce = "00000003020100a0a1a2a3a406";
    let plain_ccm = stdout_of(&ccm_with(
        &["seal"],
        RFC3610_KEY,
        nonce,
        "8",
        &["--aad", RFC3610_AAD, "--msg", RFC3610_MSG],
    ))?;
    let args = ccm_with(
        &["seal", "--star"],
        RFC3610_KEY,
        nonce,
        "8",
        &["--aad", RFC3610_AAD, "--msg", RFC3610_MSG],
    );
    assert_prints(&args, plain_ccm.trim_end())?;
    // Tag length 0 authenticates nothing, so associated data is refused.
    let args = ccm_with(
        &["seal", "--star"],
        RFC3610_KEY,
        RFC3610_NONCE,
        "0",
        &["--aad", "00", "--msg", ""],
    );
    assert_fails(&args, 2, "--aad")
}

/// CCM* with a MIC (IEEE 802.15.4 levels 5..=7, ENC-MIC-32/64/128): the nonce's last byte
/// must name the level that matches the tag length, as the library's `CcmStar` checks.
#[test]
fn ccm_star_nonce_names_the_security_level() -> TestResult {
    let nonce_with = |level: u8| format!("00000003020100a0a1a2a3a4{level:02x}");
    for (tag, level) in [("4", 5u8), ("8", 6), ("16", 7)] {
        for op in ["seal", "open"] {
            let msg = if op == "seal" {
                ""
            } else {
                "00112233445566778899aabbccddeeff"
            };
            for wrong in [0u8, 1, 2, 3, 4, 5, 6, 7, 0xa5, 0xff] {
                if wrong == level {
                    continue;
                }
                let nonce = nonce_with(wrong);
                let args = ccm_with(
                    &["seal", "--star"],
                    RFC3610_KEY,
                    &nonce,
                    tag,
                    &["--msg", msg],
                );
                let mut args = args.to_vec();
                args[1] = op;
                assert_fails(&args, 2, "--nonce: last byte")?;
            }
        }
        // The matching level seals, and opens what it sealed.
        let nonce = nonce_with(level);
        let sealed = stdout_of(&ccm_with(
            &["seal", "--star"],
            RFC3610_KEY,
            &nonce,
            tag,
            &["--msg", RFC3610_MSG],
        ))?;
        assert_prints(
            &ccm_with(
                &["open", "--star"],
                RFC3610_KEY,
                &nonce,
                tag,
                &["--msg", sealed.trim_end()],
            ),
            RFC3610_MSG,
        )?;
    }
    Ok(())
}

#[test]
fn ccm_star_tag_len_0_round_trip() -> TestResult {
    // Expected ciphertext computed once with Python `cryptography`: CCM* with no MIC is CTR
    // from the counter block A_1 = 01 || nonce || 0001:
    //   Cipher(AES(key), CTR(bytes([1]) + nonce + b"\0\1")).encryptor().update(b"hello world, CCM*!")
    let plain = "68656c6c6f20776f726c642c2043434d2a21"; // "hello world, CCM*!"
    let cipher = "38e0f1fd02eb1ab2921ba6fdf4afdcda5f67";
    let seal = ccm_with(
        &["seal", "--star"],
        RFC3610_KEY,
        RFC3610_NONCE,
        "0",
        &["--msg", plain],
    );
    assert_prints(&seal, cipher)?;
    let open = ccm_with(
        &["open", "--star"],
        RFC3610_KEY,
        RFC3610_NONCE,
        "0",
        &["--aad", "", "--msg", cipher],
    );
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
