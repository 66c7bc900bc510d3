//! `bulwark psk new|derive`: reference vectors, code format, refusals.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// psk

/// `psk derive FROM VALUE --device-id DEVICE_ID REST...` (`FROM`: `--code` or `--secret`).
fn psk_derive<'a>(
    from: &'a str,
    value: &'a str,
    device_id: &'a str,
    rest: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["psk", "derive", from, value, "--device-id", device_id];
    args.extend_from_slice(rest);
    args
}

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
        let by_code = psk_derive("--code", code, device_id, &["--epoch", epoch]);
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
        let by_secret = psk_derive(
            "--secret",
            field(&record, "secret")?,
            device_id,
            &["--epoch", epoch],
        );
        assert_prints(&by_secret, &expected)?;
    }
    Ok(())
}

#[test]
fn psk_derive_default_epoch_is_0() -> TestResult {
    // First record of test-vectors/psk_derivation.txt (epoch 0), without --epoch.
    let args = psk_derive(
        "--code",
        "0004-1061-050R-3GG2-8A1C-60T3-GF6Q",
        "0011223344556677",
        &[],
    );
    assert_prints(
        &args,
        "identity: d3446ed83a2193da1fc15bd1e033140e\n\
         link-key: 39d613c115e35a0035526f6669c71742\n\
         storage-key: b28e81bf92782f0e529d87dfdfb6dd34413db36b651a69a940cebd932062693a",
    )
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
        bulwark(&psk_derive("--code", code, "70b3d57ed0001234", &[]))
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
    let short = psk_derive("--secret", "000102030405060708090a0b0c0d0e", "01", &[]);
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
        &psk_derive("--code", "0000-0000-0000-0000-0000-0000-0000", "01", &[]),
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
        &psk_derive("--code", code, "01", &["--epoch", "4294967296"]),
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
