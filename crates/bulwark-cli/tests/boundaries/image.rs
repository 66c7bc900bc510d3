//! MCUboot image sign and verify.

use super::*;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/mcuboot")
}

fn key_pem() -> String {
    p(&vectors().join("test-key-ed25519.pem"))
}

/// Signs a 100-byte body with `opts`; returns the exit code and whether OUT exists.
fn sign(dir: &Path, body_len: usize, pad_header: bool, opts: &[&str]) -> (i32, bool) {
    let input = dir.join("in.bin");
    let out = dir.join("out.img");
    let _ = fs::remove_file(&out);
    fs::write(&input, vec![0u8; body_len]).unwrap();
    let key = key_pem();
    let (i, o) = (p(&input), p(&out));
    let mut args = vec!["image", "sign", "--key", &key];
    if pad_header {
        args.push("--pad-header");
    }
    args.extend_from_slice(opts);
    args.extend_from_slice(&[&i, &o]);
    let code = run(&args).0;
    let exists = out.exists();
    assert_eq!(
        exists,
        code == 0,
        "image sign {opts:?}: OUT exists = {exists}, exit {code}"
    );
    (code, exists)
}

#[test]
fn image_sign_version() {
    let dir = scratch("version");
    let versions = [
        "0",
        "255",
        "256",
        "1.255",
        "1.256",
        "1.2.65535",
        "1.2.65536",
        "1.2.3+4294967295",
        "1.2.3+4294967296",
        "255.255.65535+4294967295",
    ];
    let rows = [
        (0, 0),
        (1, 0),
        (2, 2),
        (3, 0),
        (4, 2),
        (5, 0),
        (6, 2),
        (7, 0),
        (8, 2),
        (9, 0),
    ];
    for &(i, code) in &rows {
        assert_eq!(
            sign(&dir, 100, true, &["--version", versions[i]]).0,
            code,
            "--version {}",
            versions[i]
        );
    }
    println!("image sign --version: {} boundary cases", rows.len());
}

#[test]
fn image_sign_header_size() {
    let dir = scratch("hdr");
    let rows = [
        (0, 2),
        (1, 2),
        (31, 2),
        (32, 0),
        (33, 0),
        (0x200, 0),
        (65_535, 0),
        (65_536, 2),
    ];
    for &(n, code) in &rows {
        let hs = n.to_string();
        assert_eq!(
            sign(&dir, 100, true, &["--version", "1", "--header-size", &hs]).0,
            code,
            "--header-size {n}"
        );
    }
    println!("image sign --header-size: {} boundary cases", rows.len());
    // Without --pad-header, IN must hold --header-size erased bytes: one short is refused.
    let rows = [(0, 2), (0x1ff, 2), (0x200, 0), (0x201, 0)];
    for &(len, code) in &rows {
        assert_eq!(
            sign(
                &dir,
                len,
                false,
                &["--version", "1", "--header-size", "0x200"]
            )
            .0,
            code,
            "IN {len} bytes"
        );
    }
    println!(
        "image sign IN length without --pad-header: {} boundary cases",
        rows.len()
    );
}

#[test]
fn image_sign_align_and_counter() {
    let dir = scratch("align");
    let rows = [
        (0, 2),
        (1, 0),
        (2, 0),
        (3, 2),
        (4, 0),
        (8, 0),
        (16, 0),
        (31, 2),
        (32, 0),
        (33, 2),
        (64, 2),
    ];
    for &(n, code) in &rows {
        let a = n.to_string();
        assert_eq!(
            sign(&dir, 100, true, &["--version", "1", "--align", &a]).0,
            code,
            "--align {n}"
        );
    }
    println!("image sign --align: {} boundary cases", rows.len());
    let counters = ["0", "4294967295", "0xffffffff", "4294967296", "auto", "-1"];
    let rows = [(0, 0), (1, 0), (2, 0), (3, 2), (4, 0), (5, 2)];
    for &(i, code) in &rows {
        assert_eq!(
            sign(
                &dir,
                100,
                true,
                &["--version", "1", "--security-counter", counters[i]]
            )
            .0,
            code,
            "--security-counter {}",
            counters[i]
        );
    }
    println!(
        "image sign --security-counter: {} boundary cases",
        rows.len()
    );
}

#[test]
fn image_sign_slot_size() {
    // The image plus the swap trailer (128 * 3 * align + 4 * max(8, align) + 16 rounded up to
    // max(8, align): imgtool's formula) must fit.
    let dir = scratch("slot");
    assert_eq!(sign(&dir, 100, true, &["--version", "1"]), (0, true));
    let image_len = fs::metadata(dir.join("out.img")).unwrap().len() as usize;
    for align in [1usize, 8, 32] {
        let max_align = 8.max(align);
        let need =
            image_len + 128 * 3 * align + 4 * max_align + 16usize.div_ceil(max_align) * max_align;
        let rows = [
            (0, 0),
            (1, 2),
            (need - 1, 2),
            (need, 0),
            (need + 1, 0),
            (u32::MAX as usize, 0),
        ];
        for &(n, code) in &rows {
            let (sz, al) = (n.to_string(), align.to_string());
            assert_eq!(
                sign(
                    &dir,
                    100,
                    true,
                    &["--version", "1", "--align", &al, "--slot-size", &sz]
                )
                .0,
                code,
                "--slot-size {n} (need {need}, align {align})"
            );
        }
        println!(
            "image sign --slot-size (align {align}): {} boundary cases",
            rows.len()
        );
    }
    assert_eq!(
        sign(
            &dir,
            100,
            true,
            &["--version", "1", "--slot-size", "4294967296"]
        )
        .0,
        2
    );
}

#[test]
fn image_verify_counter_and_length() {
    let dir = scratch("verify");
    let img = vectors().join("ed25519-hash-sc.img"); // security counter 16908291, 4764 bytes
    let (key, path) = (key_pem(), p(&img));
    let counters = [
        "0",
        "16908290",
        "16908291",
        "16908292",
        "4294967295",
        "4294967296",
    ];
    let rows = [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1), (5, 2)];
    for &(i, code) in &rows {
        let args = [
            "image",
            "verify",
            "--key",
            &key,
            "--min-security-counter",
            counters[i],
            &path,
        ];
        assert_eq!(run(&args).0, code, "--min-security-counter {}", counters[i]);
    }
    println!(
        "image verify --min-security-counter: {} boundary cases",
        rows.len()
    );
    // The image file cut or extended: 0, 1, 31, 32, len-1 refused (exit 1), len and len+1
    // (trailing erased flash) accepted.
    let data = fs::read(&img).unwrap();
    let rows = [
        (0, 1),
        (1, 1),
        (31, 1),
        (32, 1),
        (4619, 1),
        (4620, 1),
        (4763, 1),
        (4764, 0),
        (4765, 0),
    ];
    for &(n, code) in &rows {
        let mut cut = data.clone();
        cut.resize(n, 0xff);
        let f = dir.join("cut.img");
        fs::write(&f, &cut).unwrap();
        let args = ["image", "verify", "--key", &key, &p(&f)];
        assert_eq!(run(&args).0, code, "image of {n} bytes");
    }
    println!("image verify image length: {} boundary cases", rows.len());
    // An empty or truncated key file is a usage error.
    let k = dir.join("key.pem");
    let pem = fs::read(vectors().join("test-key-ed25519.pem")).unwrap();
    for n in [0, 1, pem.len() - 30] {
        fs::write(&k, &pem[..n]).unwrap();
        assert_eq!(
            run(&["image", "verify", "--key", &p(&k), &path]).0,
            2,
            "key file of {n} bytes"
        );
    }
}
