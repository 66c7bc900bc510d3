//! Secret arguments off the command line: every argument that takes secret material also
//! accepts `@PATH` (the file's text, surrounding whitespace ignored) and `@-` (standard input),
//! with the same result as the value given inline.

use crate::common::*;

/// Each secret argument with one command line using it inline: (argument, args with the
/// secret, the secret's inline text, expected stdout).
fn cases() -> Vec<(&'static str, Vec<&'static str>, &'static str, &'static str)> {
    vec![
        (
            "--key",
            vec![
                "ccm",
                "seal",
                "--nonce",
                "00000003020100a0a1a2a3a4a5",
                "--tag-len",
                "8",
                "--aad",
                "0001020304050607",
                "--msg",
                "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
                "--key",
            ],
            "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
            "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0\n",
        ),
        (
            "--key",
            vec!["cmac", "--msg", "6bc1bee22e409f96e93d7e117393172a", "--key"],
            "2b7e151628aed2a6abf7158809cf4f3c",
            "070a16b46b4d4144f79bdd9dd04a287c\n",
        ),
        (
            "--key",
            vec![
                "ctr",
                "--iv",
                "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                "--msg",
                "6bc1bee22e409f96e93d7e117393172a",
                "--key",
            ],
            "2b7e151628aed2a6abf7158809cf4f3c",
            "874d6191b620e3261bef6864990db6ce\n",
        ),
        (
            "--secret",
            vec!["x25519", "pub", "--secret"],
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a\n",
        ),
        (
            "--secret",
            vec![
                "x25519",
                "--peer",
                "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                "--secret",
            ],
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742\n",
        ),
        (
            "--secret",
            vec!["ecdh-p256", "pub", "--compressed", "--secret"],
            "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534",
            "03ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230\n",
        ),
        (
            "--secret",
            vec![
                "ecdh-p256",
                "--peer",
                "04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac",
                "--secret",
            ],
            "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534",
            "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b\n",
        ),
        (
            "--ikm",
            [&["hkdf"][..], &HKDF_TEST_CASE_1, &["--ikm"]].concat(),
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865\n",
        ),
        (
            "--code",
            vec!["psk", "derive", "--device-id", "70b3d57ed0001234", "--code"],
            "4P3W-SV2H-FX1K-ZC5G-K754-ZWX3-0XZG",
            "identity: b4aa21a89e590b026c7a846a47737c46\n\
             link-key: 2fe76408f5c4fbde0f04c222b5927f23\n\
             storage-key: 35cc13aa1d5292549d7413a762ac823d9c7ecb984bf894d1d90ab79815d4afa6\n",
        ),
        (
            "--master-secret",
            vec![
                "oscore",
                "context",
                "--master-salt",
                "9e7ca92223786340",
                "--sender-id",
                "",
                "--recipient-id",
                "01",
                "--master-secret",
            ],
            "0102030405060708090a0b0c0d0e0f10",
            "sender-key: f0910ed7295e6ad4b54fc793154302ff\n\
             recipient-key: ffb14e093c94c9cac9471648b4f98710\n\
             common-iv: 4622d4dd6d944168eefb54987c\n",
        ),
        (
            "--install-code",
            vec!["zigbee", "link-key", "--install-code"],
            "83FED3407A939723A5C639B26916D505C3B5",
            "66b6900981e1ee3ca4206b6b861c02bb\n",
        ),
    ]
}

fn assert_output(args: &[&str], stdin: &[u8], expected: &str) -> TestResult {
    let run = bulwark_with_stdin(args, stdin)?;
    assert_eq!(run.code, Some(0), "args {args:?}, stderr: {}", run.stderr);
    assert_eq!(String::from_utf8(run.stdout)?, expected, "args {args:?}");
    assert_eq!(run.stderr, "", "args {args:?}");
    Ok(())
}

#[test]
fn secret_arguments_read_at_path_and_at_stdin() -> TestResult {
    let dir = scratch_dir("secret-args")?;
    for (i, (arg, base, secret, expected)) in cases().into_iter().enumerate() {
        // Inline: the existing form keeps working.
        let mut inline = base.clone();
        inline.push(secret);
        assert_output(&inline, b"", expected)?;

        // @PATH: the file's text with surrounding whitespace (a trailing newline, as `echo`
        // writes it, and CRLF, as an editor may) ignored.
        let path = dir.join(format!("secret-{i}.txt"));
        fs::write(&path, format!("  {secret}\r\n\n"))?;
        let at_path = format!("@{}", path_str(&path)?);
        let mut from_file = base.clone();
        from_file.push(&at_path);
        assert_output(&from_file, b"", expected)?;

        // @-: standard input.
        let mut from_stdin = base.clone();
        from_stdin.push("@-");
        assert_output(&from_stdin, format!("{secret}\n").as_bytes(), expected)?;

        // A missing file is exit 2, naming the argument and not echoing a secret.
        let missing = format!("@{}", path_str(&dir.join("missing.txt"))?);
        let mut args = base.clone();
        args.push(&missing);
        let run = bulwark(&args)?;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains(arg), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("missing.txt"), "{}", run.stderr);
    }
    Ok(())
}

#[test]
fn secret_file_errors_exit_2() -> TestResult {
    let dir = scratch_dir("secret-arg-errors")?;
    let base = ["cmac", "--msg", "", "--key"];
    // A directory is unreadable as a secret.
    let at_dir = format!("@{}", path_str(&dir)?);
    let mut args = base.to_vec();
    args.push(&at_dir);
    assert_fails(&args, 2, "--key")?;
    // An empty '@' names no file.
    let mut args = base.to_vec();
    args.push("@");
    assert_fails(&args, 2, "--key")?;
    // The file's content goes through the same checks as an inline value, and the error does
    // not echo it.
    let path = dir.join("short.txt");
    fs::write(&path, "2b7e\n")?;
    let at = format!("@{}", path_str(&path)?);
    let mut args = base.to_vec();
    args.push(&at);
    assert_fails(&args, 2, "--key: 2 bytes")?;
    let path = dir.join("bad.txt");
    fs::write(&path, "zz\n")?;
    let at = format!("@{}", path_str(&path)?);
    let mut args = base.to_vec();
    args.push(&at);
    let run = bulwark(&args)?;
    assert_eq!(run.code, Some(2));
    assert!(!run.stderr.contains("zz"), "{}", run.stderr);
    // Standard input can be read once: `--key @-` with `--in -` is a usage error.
    let run = bulwark_with_stdin(
        &["cmac", "--key", "@-", "--in", "-"],
        b"2b7e151628aed2a6abf7158809cf4f3c\n",
    )?;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("standard input"), "{}", run.stderr);
    Ok(())
}

#[test]
fn help_documents_at_path() -> TestResult {
    for args in [
        &["--help"][..],
        &["ccm", "seal", "--help"],
        &["hkdf", "--help"],
    ] {
        let text = String::from_utf8(bulwark(args)?.stdout)?;
        assert!(text.contains("@PATH"), "{args:?}");
        assert!(text.contains("@-"), "{args:?}");
    }
    Ok(())
}
