//! `bulwark vault`: the contract of init, put, get, delete and list on image files.

use crate::common::*;

const KEY: &str = "000102030405060708090a0b0c0d0e0f";
const KEY256: &str = "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f";

/// `vault OP --image IMAGE REST...`.
fn vault_args<'a>(op: &'a str, image: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["vault", op, "--image", image];
    args.extend_from_slice(rest);
    args
}

/// `vault get --image IMAGE --key KEY --name NAME`.
fn get_args<'a>(image: &'a str, name: &'a str) -> Vec<&'a str> {
    vault_args("get", image, &["--key", KEY, "--name", name])
}

/// `vault put --image IMAGE --key KEY --name NAME --value VALUE`.
fn put_args<'a>(image: &'a str, name: &'a str, value: &'a str) -> Vec<&'a str> {
    vault_args(
        "put",
        image,
        &["--key", KEY, "--name", name, "--value", value],
    )
}

fn init(dir: &std::path::Path, name: &str, key: &str) -> Result<String, Box<dyn Error>> {
    let image = path_str(&dir.join(name))?.to_owned();
    let run = bulwark(&vault_args(
        "init",
        &image,
        &["--pages", "4", "--page-size", "2048", "--key", key],
    ))?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty() && run.stderr.is_empty());
    Ok(image)
}

fn ok(args: &[&str]) -> TestResult {
    let run = bulwark(args)?;
    assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?}: stdout");
    assert_eq!(run.stderr, "", "{args:?}");
    Ok(())
}

fn listed(image: &str, key: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let mut names: Vec<String> = stdout_of(&["vault", "list", "--image", image, "--key", key])?
        .lines()
        .map(str::to_owned)
        .collect();
    names.sort();
    Ok(names)
}

#[test]
fn init_put_get_delete_list() -> TestResult {
    let dir = scratch_dir("vault-basic")?;
    let image = init(&dir, "keys.vault", KEY)?;
    let len = fs::metadata(&image)?.len();
    assert_eq!(len, 64 + 4 * 2048);
    assert_eq!(&fs::read(&image)?[..8], b"BWVAULT1");
    assert!(listed(&image, KEY)?.is_empty());

    ok(&vault_args(
        "put",
        &image,
        &[
            "--key",
            KEY,
            "--name",
            "link-key",
            "--value",
            "00112233445566778899aabbccddeeff",
        ],
    ))?;
    assert_prints(
        &get_args(&image, "link-key"),
        "00112233445566778899aabbccddeeff",
    )?;
    // Replace.
    ok(&put_args(&image, "link-key", "CAFE"))?;
    assert_prints(&get_args(&image, "link-key"), "cafe")?;
    // From a file, raw; read back raw.
    let value_file = dir.join("value.bin");
    let raw: Vec<u8> = (0..=255u8)
        .chain(0..=255)
        .chain(0..=255)
        .chain(0..=255)
        .collect();
    assert_eq!(raw.len(), 1024);
    fs::write(&value_file, &raw)?;
    ok(&vault_args(
        "put",
        &image,
        &[
            "--key",
            KEY,
            "--name",
            "blob",
            "--value-file",
            path_str(&value_file)?,
        ],
    ))?;
    let out = dir.join("out.bin");
    ok(&vault_args(
        "get",
        &image,
        &["--key", KEY, "--name", "blob", "--out", path_str(&out)?],
    ))?;
    assert_eq!(fs::read(&out)?, raw);
    // Empty value.
    ok(&put_args(&image, "empty", ""))?;
    assert_prints(&get_args(&image, "empty"), "")?;
    // The longest name.
    let long = "n".repeat(32);
    ok(&put_args(&image, &long, "01"))?;
    assert_eq!(
        listed(&image, KEY)?,
        vec!["blob", "empty", "link-key", long.as_str()]
    );

    ok(&[
        "vault", "delete", "--image", &image, "--key", KEY, "--name", "link-key",
    ])?;
    assert_fails(&get_args(&image, "link-key"), 1, "no value")?;
    assert_fails(
        &[
            "vault", "delete", "--image", &image, "--key", KEY, "--name", "link-key",
        ],
        1,
        "no value",
    )?;
    assert_fails(&get_args(&image, "never"), 1, "no value")?;
    assert_eq!(listed(&image, KEY)?, vec!["blob", "empty", long.as_str()]);
    // No temporary files left behind.
    let mut entries: Vec<String> = fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    assert_eq!(entries, vec!["keys.vault", "out.bin", "value.bin"]);
    Ok(())
}

#[test]
fn smallest_page_and_every_write_size() -> TestResult {
    let dir = scratch_dir("vault-sizes")?;
    for (write_size, page_size) in [("1", "1248"), ("4", "1248"), ("8", "1280"), ("64", "1536")] {
        let image = path_str(&dir.join(format!("w{write_size}.vault")))?.to_owned();
        ok(&vault_args(
            "init",
            &image,
            &[
                "--pages",
                "2",
                "--page-size",
                page_size,
                "--write-size",
                write_size,
                "--key",
                KEY,
            ],
        ))?;
        let value = hex(&[0x5a; 1024]);
        ok(&put_args(&image, "max", &value))?;
        assert_prints(&get_args(&image, "max"), &value)?;
    }
    // 33 pages are too many.
    let image = path_str(&dir.join("many.vault"))?.to_owned();
    assert_fails(
        &vault_args(
            "init",
            &image,
            &["--pages", "33", "--page-size", "2048", "--key", KEY],
        ),
        2,
        "geometry",
    )?;
    Ok(())
}

#[test]
fn many_writes_compact_and_keep_every_value() -> TestResult {
    let dir = scratch_dir("vault-many")?;
    let image = init(&dir, "gw.vault", KEY256)?;
    for round in 0..12 {
        for n in 0..3 {
            let value = hex(&vec![(round * 3 + n) as u8; 300]);
            ok(&vault_args(
                "put",
                &image,
                &[
                    "--key",
                    KEY256,
                    "--name",
                    &format!("device-{n}"),
                    "--value",
                    &value,
                ],
            ))?;
        }
    }
    for n in 0..3 {
        let expected = hex(&vec![(33 + n) as u8; 300]);
        assert_prints(
            &vault_args(
                "get",
                &image,
                &["--key", KEY256, "--name", &format!("device-{n}")],
            ),
            &expected,
        )?;
    }
    Ok(())
}

#[test]
fn authentication_failures_exit_1() -> TestResult {
    let dir = scratch_dir("vault-auth")?;
    let image = init(&dir, "v.vault", KEY)?;
    ok(&put_args(&image, "secret", "5ec2e7"))?;
    let before = fs::read(&image)?;
    let wrong = "ff0102030405060708090a0b0c0d0e0f";
    for args in [
        &[
            "vault", "get", "--image", &image, "--key", wrong, "--name", "secret",
        ][..],
        &["vault", "list", "--image", &image, "--key", wrong],
        &[
            "vault", "put", "--image", &image, "--key", wrong, "--name", "x", "--value", "00",
        ],
        &[
            "vault", "delete", "--image", &image, "--key", wrong, "--name", "secret",
        ],
    ] {
        assert_fails(args, 1, "does not authenticate")?;
    }
    assert_eq!(
        fs::read(&image)?,
        before,
        "a refused write changed the image"
    );
    // Every byte of the stored record changed in turn: never the value, always exit 1.
    let region = &before[64..];
    let used = region.len() - region.iter().rev().take_while(|&&b| b == 0xff).count();
    let tampered = dir.join("t.vault");
    let tampered = path_str(&tampered)?;
    for i in 0..used {
        let mut bytes = before.clone();
        bytes[64 + i] ^= 0x10;
        fs::write(tampered, &bytes)?;
        let run = bulwark(&[
            "vault", "get", "--image", tampered, "--key", KEY, "--name", "secret",
        ])?;
        assert!(
            run.stdout.is_empty() || run.stdout == b"5ec2e7\n",
            "byte {i}"
        );
        // The newest record made to look interrupted reads as "no value" (no counter: a
        // rollback of that commit); anything else fails authentication.
        assert_eq!(
            run.code,
            Some(if run.stdout.is_empty() { 1 } else { 0 }),
            "byte {i}"
        );
    }
    Ok(())
}

#[test]
fn usage_errors_exit_2() -> TestResult {
    let dir = scratch_dir("vault-usage")?;
    let image = init(&dir, "v.vault", KEY)?;
    let long = "n".repeat(33);
    let big = "00".repeat(1025);
    for (args, needle) in [
        (
            vec![
                "vault", "put", "--image", &image, "--key", KEY, "--name", &long, "--value", "00",
            ],
            "names are 1 to 32 bytes",
        ),
        (
            vec![
                "vault", "get", "--image", &image, "--key", KEY, "--name", &long,
            ],
            "names are 1 to 32 bytes",
        ),
        (
            vec![
                "vault", "put", "--image", &image, "--key", KEY, "--name", "", "--value", "00",
            ],
            "names are 1 to 32 bytes",
        ),
        (
            vec![
                "vault", "put", "--image", &image, "--key", KEY, "--name", "a", "--value", &big,
            ],
            "at most 1024 bytes",
        ),
        (
            vec![
                "vault", "put", "--image", &image, "--key", KEY, "--name", "a", "--value", "0",
            ],
            "odd number",
        ),
        (
            vec![
                "vault", "put", "--image", &image, "--key", "0011", "--name", "a", "--value", "00",
            ],
            "16 or 32 bytes",
        ),
        (
            vault_args(
                "get",
                &image,
                &[
                    "--key",
                    "000102030405060708090a0b0c0d0e0f1011121314151617",
                    "--name",
                    "a",
                ],
            ),
            "16 or 32 bytes",
        ),
        (
            vec![
                "vault", "put", "--image", &image, "--key", KEY, "--name", "a",
            ],
            "required",
        ),
        (
            vault_args(
                "put",
                &image,
                &[
                    "--key",
                    KEY,
                    "--name",
                    "a",
                    "--value",
                    "00",
                    "--value-file",
                    "x",
                ],
            ),
            "cannot be used",
        ),
        (
            vault_args(
                "init",
                &image,
                &["--pages", "1", "--page-size", "2048", "--key", KEY],
            ),
            "geometry",
        ),
        (
            vault_args(
                "init",
                &image,
                &["--pages", "4", "--page-size", "1244", "--key", KEY],
            ),
            "geometry",
        ),
        (
            vault_args(
                "init",
                &image,
                &[
                    "--pages",
                    "4",
                    "--page-size",
                    "2048",
                    "--write-size",
                    "3",
                    "--key",
                    KEY,
                ],
            ),
            "geometry",
        ),
        (
            vault_args("list", "/nonexistent/v.vault", &["--key", KEY]),
            "--image",
        ),
    ] {
        assert_fails(&args, 2, needle)?;
    }
    // Not a vault: bad magic, truncated, extended.
    let good = fs::read(&image)?;
    let bad = dir.join("bad.vault");
    let bad_s = path_str(&bad)?;
    let mut magic = good.clone();
    magic[0] ^= 1;
    for bytes in [
        magic,
        good[..good.len() - 1].to_vec(),
        [good.clone(), vec![0xff]].concat(),
        good[..10].to_vec(),
        Vec::new(),
    ] {
        fs::write(&bad, &bytes)?;
        assert_fails(
            &[
                "vault", "get", "--image", bad_s, "--key", KEY, "--name", "a",
            ],
            2,
            "not a vault",
        )?;
    }
    Ok(())
}

#[test]
fn a_full_store_exits_2_and_keeps_the_image() -> TestResult {
    let dir = scratch_dir("vault-full")?;
    let image = path_str(&dir.join("small.vault"))?.to_owned();
    ok(&vault_args(
        "init",
        &image,
        &["--pages", "2", "--page-size", "2048", "--key", KEY],
    ))?;
    let value = "ab".repeat(1000);
    let mut stored = 0;
    loop {
        let name = format!("n{stored}");
        let before = fs::read(&image)?;
        let run = bulwark(&put_args(&image, &name, &value))?;
        if run.code == Some(2) {
            assert!(run.stderr.contains("full"), "{}", run.stderr);
            assert_eq!(fs::read(&image)?, before);
            break;
        }
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        stored += 1;
        assert!(stored < 10);
    }
    assert_eq!(
        stored, 1,
        "one 1000-byte value fits two 2048-byte pages (one kept free)"
    );
    assert_prints(&get_args(&image, "n0"), &value)?;
    Ok(())
}
