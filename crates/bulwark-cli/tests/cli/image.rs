//! `bulwark image sign|verify`: imgtool-compatible MCUboot images, rejections, usage errors.

use crate::common::*;

/// `image verify --key KEY REST...`.
fn image_verify<'a>(key: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["image", "verify", "--key", key];
    args.extend_from_slice(rest);
    args
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
    stdout_of(&image_verify(
        &key,
        &["--min-security-counter", "16908291", &good_path],
    ))?;
    assert_fails(
        &image_verify(&key, &["--min-security-counter", "0x1020004", &good_path]),
        1,
        "security counter below the device counter",
    )?;
    // An image without a counter counts as 0.
    let none = mcuboot("ed25519-hash.img")?;
    assert_fails(
        &image_verify(&key, &["--min-security-counter", "1", &none]),
        1,
        "--min-security-counter 1",
    )?;

    // Usage errors.
    assert_fails(
        &image_verify(&key, &[path_str(&dir.join("missing.img"))?]),
        2,
        "IMAGE",
    )?;
    assert_fails(
        &image_verify(path_str(&dir.join("missing.pem"))?, &[&good_path]),
        2,
        "--key",
    )?;
    assert_fails(
        &image_verify(&key, &["--min-security-counter", "-1", &good_path]),
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
