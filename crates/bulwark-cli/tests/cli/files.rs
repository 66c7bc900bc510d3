//! Files: `--out` files are private (mode 0600).

use crate::common::*;

const KEY: &str = "000102030405060708090a0b0c0d0e0f";
/// An 11-byte nonce: a 4-byte length field, so messages up to 4 GiB.
const NONCE11: &str = "a0a1a2a3a4a5a6a7a8a9aa";
const IV: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

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
        vec![
            "ccm",
            "seal",
            "--key",
            KEY,
            "--nonce",
            NONCE11,
            "--tag-len",
            "16",
            "--in",
            &p,
            "--out",
            &s,
        ],
        vec![
            "ccm",
            "open",
            "--key",
            KEY,
            "--nonce",
            NONCE11,
            "--tag-len",
            "16",
            "--in",
            &s,
            "--out",
            &o,
        ],
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
