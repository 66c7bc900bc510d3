//! Interoperability with imgtool (PyPI `imgtool`) and OpenSSL.

use crate::common::*;

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
