//! Files: `--out` files are private (mode 0600), and `ccm seal|open`, `ctr` and `cmac` stream
//! `--in FILE` in constant memory with exactly the library's results.

use crate::common::*;
use bulwark::hazmat::Ctr;
use bulwark::mac::Cmac;
use bulwark::{DefaultProvider, HazmatProvider, Provider, ccm::Ccm};

const KEY: &str = "000102030405060708090a0b0c0d0e0f";
/// An 11-byte nonce: a 4-byte length field, so messages up to 4 GiB.
const NONCE11: &str = "a0a1a2a3a4a5a6a7a8a9aa";
const IV: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const AAD: &str = "0001020304050607";

/// `ccm OP --key KEY --nonce NONCE11 --tag-len TAG_LEN REST...`.
fn ccm_args<'a>(op: &'a str, tag_len: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "ccm",
        op,
        "--key",
        KEY,
        "--nonce",
        NONCE11,
        "--tag-len",
        tag_len,
    ];
    args.extend_from_slice(rest);
    args
}

/// Deterministic, non-repeating test data.
fn data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// The files a test directory holds, by name (no temporary files may be left behind).
fn names(dir: &std::path::Path) -> Result<Vec<String>, Box<dyn Error>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> Result<u32, Box<dyn Error>> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::metadata(path)?.permissions().mode() & 0o777)
}

/// Every `--out` file is created with mode 0600, also when it replaces an existing file with
/// wider permissions.
#[cfg(unix)]
#[test]
fn out_files_are_private() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch_dir("out-mode")?;
    let plain = dir.join("plain.bin");
    fs::write(&plain, data(100))?;
    let p = path_str(&plain)?.to_owned();
    let sealed = dir.join("sealed.bin");
    let s = path_str(&sealed)?.to_owned();
    let opened = dir.join("opened.bin");
    let o = path_str(&opened)?.to_owned();
    let ctr_out = dir.join("ctr.bin");
    let c = path_str(&ctr_out)?.to_owned();
    let runs: [Vec<&str>; 3] = [
        ccm_args("seal", "16", &["--in", &p, "--out", &s]),
        ccm_args("open", "16", &["--in", &s, "--out", &o]),
        vec!["ctr", "--key", KEY, "--iv", IV, "--in", &p, "--out", &c],
    ];
    // New files, then replacing files that are world-readable.
    for round in 0..2 {
        for (args, out) in runs.iter().zip([&sealed, &opened, &ctr_out]) {
            if round == 1 {
                fs::set_permissions(out, fs::Permissions::from_mode(0o644))?;
            }
            let run = bulwark(args)?;
            assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
            assert_eq!(mode(out)?, 0o600, "round {round}: {args:?}");
        }
    }
    assert_eq!(fs::read(&opened)?, data(100));
    Ok(())
}

/// `ccm seal|open`, `ctr` and `cmac` with `--in FILE` give the library's exact bytes at sizes
/// around the block and buffer boundaries, through `--out FILE` and as hex on stdout.
#[test]
fn streamed_files_match_the_library() -> TestResult {
    let dir = scratch_dir("stream-match")?;
    let key = hex_decode(KEY);
    let nonce = hex_decode(NONCE11);
    let aad = hex_decode(AAD);
    let iv: [u8; 16] = hex_decode(IV).try_into().map_err(|_| "IV is 16 bytes")?;
    const MIB: usize = 1 << 20;
    for len in [
        0,
        1,
        15,
        16,
        17,
        4095,
        65_536,
        MIB - 1,
        MIB,
        MIB + 17,
        2 * MIB + 16,
    ] {
        let plain = data(len);
        let plain_path = dir.join("plain.bin");
        fs::write(&plain_path, &plain)?;
        let pp = path_str(&plain_path)?.to_owned();

        // Expected: the library's one-shot calls.
        let mut provider = DefaultProvider::default();
        let mut ccm = provider.ccm(&key)?;
        let mut expected_sealed = plain.clone();
        let mut tag = [0u8; 12];
        ccm.seal_detached(&nonce, &[&aad], &mut expected_sealed, &mut tag)?;
        expected_sealed.extend_from_slice(&tag);
        let mut expected_ctr = plain.clone();
        provider
            .ctr(&key)?
            .apply_keystream(&iv, &mut expected_ctr)?;
        let expected_cmac = provider.cmac(&key)?.compute(&[&plain])?;

        let sealed_path = dir.join("sealed.bin");
        let sp = path_str(&sealed_path)?.to_owned();
        let opened_path = dir.join("opened.bin");
        let op = path_str(&opened_path)?.to_owned();
        let ctr_path = dir.join("ctr.bin");
        let cp = path_str(&ctr_path)?.to_owned();
        let seal = ccm_args("seal", "12", &["--aad", AAD, "--in", &pp, "--out", &sp]);
        assert_eq!(stdout_of(&seal)?, "", "len {len}");
        assert!(
            fs::read(&sealed_path)? == expected_sealed,
            "ccm seal, len {len}"
        );
        let open = ccm_args("open", "12", &["--aad", AAD, "--in", &sp, "--out", &op]);
        assert_eq!(stdout_of(&open)?, "", "len {len}");
        assert!(fs::read(&opened_path)? == plain, "ccm open, len {len}");
        let ctr = ["ctr", "--key", KEY, "--iv", IV, "--in", &pp, "--out", &cp];
        assert_eq!(stdout_of(&ctr)?, "", "len {len}");
        assert!(fs::read(&ctr_path)? == expected_ctr, "ctr, len {len}");
        let cmac = ["cmac", "--key", KEY, "--in", &pp];
        assert_eq!(
            stdout_of(&cmac)?,
            format!("{}\n", hex(&expected_cmac)),
            "len {len}"
        );
        if len <= 65_536 {
            // Hex on stdout, and the raw bytes on stdout with --out -.
            let seal_hex = &seal[..seal.len() - 2];
            assert_eq!(stdout_of(seal_hex)?, format!("{}\n", hex(&expected_sealed)));
            let open_raw = [&open[..open.len() - 1], &["-"]].concat();
            let run = bulwark(&open_raw)?;
            assert_eq!(run.code, Some(0), "{}", run.stderr);
            assert!(run.stdout == plain, "ccm open --out -, len {len}");
            let ctr_hex = &ctr[..ctr.len() - 2];
            assert_eq!(stdout_of(ctr_hex)?, format!("{}\n", hex(&expected_ctr)));
        }
        assert_eq!(
            names(&dir)?,
            ["ctr.bin", "opened.bin", "plain.bin", "sealed.bin"],
            "len {len}"
        );
    }
    Ok(())
}

/// A streamed `ccm open` that fails verification releases nothing: exit 1, no output, an
/// existing `--out` file untouched and no temporary file left behind, whichever byte was
/// changed (first, middle, last ciphertext byte, or the tag).
#[test]
fn streamed_open_releases_no_unverified_plaintext() -> TestResult {
    let dir = scratch_dir("stream-tamper")?;
    let len = (3 << 20) + 5;
    let plain_path = dir.join("plain.bin");
    fs::write(&plain_path, data(len))?;
    let sealed_path = dir.join("sealed.bin");
    let out_path = dir.join("out.bin");
    let (pp, sp, op) = (
        path_str(&plain_path)?.to_owned(),
        path_str(&sealed_path)?.to_owned(),
        path_str(&out_path)?.to_owned(),
    );
    let seal = ccm_args("seal", "8", &["--in", &pp, "--out", &sp]);
    assert_eq!(stdout_of(&seal)?, "");
    let sealed = fs::read(&sealed_path)?;
    fs::write(&out_path, b"keep me")?;
    for at in [0, len / 2, len - 1, len + 7] {
        let mut bad = sealed.clone();
        bad[at] ^= 1;
        fs::write(&sealed_path, &bad)?;
        for out in [&["--out", op.as_str()][..], &["--out", "-"], &[]] {
            let open = [&ccm_args("open", "8", &["--in", &sp])[..], out].concat();
            let run = bulwark(&open)?;
            assert_eq!(run.code, Some(1), "byte {at}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "byte {at}");
            assert!(run.stderr.contains("verification failed"), "{}", run.stderr);
            assert_eq!(fs::read(&out_path)?, b"keep me");
            assert_eq!(names(&dir)?, ["out.bin", "plain.bin", "sealed.bin"]);
        }
    }
    Ok(())
}

/// Peak resident memory of `ccm seal`, `ccm open`, `ctr` and `cmac` on a 24 MiB file stays
/// under 16 MiB (the whole file in memory, as before streaming, is at least 24 MiB).
#[cfg(target_os = "linux")]
#[test]
fn large_files_stream_in_constant_memory() -> TestResult {
    let dir = scratch_dir("stream-rss")?;
    let len = 24 << 20;
    let plain_path = dir.join("plain.bin");
    fs::write(&plain_path, data(len))?;
    let (pp, sp, op, cp) = (
        path_str(&plain_path)?.to_owned(),
        path_str(&dir.join("sealed.bin"))?.to_owned(),
        path_str(&dir.join("opened.bin"))?.to_owned(),
        path_str(&dir.join("ctr.bin"))?.to_owned(),
    );
    let runs: [Vec<&str>; 4] = [
        ccm_args("seal", "16", &["--in", &pp, "--out", &sp]),
        ccm_args("open", "16", &["--in", &sp, "--out", &op]),
        vec!["ctr", "--key", KEY, "--iv", IV, "--in", &pp, "--out", &cp],
        vec!["cmac", "--key", KEY, "--in", &pp],
    ];
    for args in &runs {
        let (code, max_rss_kib) = run_measured(args)?;
        assert_eq!(code, 0, "{args:?}");
        assert!(
            max_rss_kib <= 16 * 1024,
            "{}: peak RSS {max_rss_kib} KiB > 16 MiB",
            args[..2].join(" ")
        );
    }
    assert!(fs::read(&op)? == data(len));
    Ok(())
}

/// Runs the binary and returns its exit code and peak resident set size in KiB: the largest
/// `VmHWM` (the high-water mark of the process's memory since its `exec`) read from
/// `/proc/PID/status` while it runs. (`wait4`'s `ru_maxrss` would also count the memory of this
/// test process, which the child shares until its `exec`.) The streaming commands hold their
/// buffers from the start to the end, so polling every millisecond sees their peak.
#[cfg(target_os = "linux")]
fn run_measured(args: &[&str]) -> Result<(i32, u64), Box<dyn Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(text) = fs::read_to_string(&status_path) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    Ok((status.code().unwrap_or(-1), peak))
}
