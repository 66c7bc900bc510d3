//! AES: CCM key, nonce, tag, AAD and message lengths; CMAC and CTR.

use super::*;

#[test]
fn ccm_key_len() {
    table("ccm seal --key", AES_KEY_ROWS, |n| {
        ccm("seal", &hexn(1, n), NONCE13, "8", "00", &[])
    });
    // Odd number of hex digits.
    assert_eq!(
        run(&[
            "ccm",
            "seal",
            "--key",
            &KEY[..31],
            "--nonce",
            NONCE13,
            "--tag-len",
            "8",
            "--msg",
            ""
        ])
        .0,
        2
    );
}

#[test]
fn cmac_and_ctr_key_len() {
    table("cmac --key", AES_KEY_ROWS, |n| {
        s(&["cmac", "--key", &hexn(1, n), "--msg", "00"])
    });
    table("ctr --key", AES_KEY_ROWS, |n| {
        s(&[
            "ctr",
            "--key",
            &hexn(1, n),
            "--iv",
            &hexn(0, 16),
            "--msg",
            "00",
        ])
    });
}

#[test]
fn ccm_nonce_len() {
    let rows = [
        (0, 2),
        (1, 2),
        (6, 2),
        (7, 0),
        (8, 0),
        (12, 0),
        (13, 0),
        (14, 2),
        (16, 2),
    ];
    table("ccm seal --nonce", &rows, |n| {
        ccm("seal", KEY, &hexn(2, n), "8", "00", &[])
    });
    let rows = [(0, 2), (7, 2), (12, 2), (13, 0), (14, 2)];
    // With --star the last byte names the security level: 6 (ENC-MIC-64) for an 8-byte tag.
    table("ccm seal --star --nonce", &rows, |n| {
        let nonce = format!("{}{}", hexn(2, n.saturating_sub(1)), hexn(6, n.min(1)));
        ccm("seal", KEY, &nonce, "8", "00", &["--star"])
    });
}

#[test]
fn ccm_tag_len() {
    let rows: Vec<(usize, i32)> = (0..=18)
        .map(|t| {
            (
                t,
                if (4..=16).contains(&t) && t % 2 == 0 {
                    0
                } else {
                    2
                },
            )
        })
        .collect();
    table("ccm seal --tag-len", &rows, |t| {
        ccm("seal", KEY, NONCE13, &t.to_string(), "00", &[])
    });
    let rows: Vec<(usize, i32)> = [0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 17]
        .map(|t| (t, if [0, 4, 8, 16].contains(&t) { 0 } else { 2 }))
        .to_vec();
    // The nonce's last byte names the level of the tag length (ENC-MIC-32/64/128 = 5/6/7).
    table("ccm seal --star --tag-len", &rows, |t| {
        let level = match t {
            4 => "05",
            8 => "06",
            16 => "07",
            _ => &NONCE13[24..],
        };
        let nonce = format!("{}{level}", &NONCE13[..24]);
        ccm("seal", KEY, &nonce, &t.to_string(), "00", &["--star"])
    });
    for bad in [
        "",
        "-1",
        "0x",
        "99999999999999999999999",
        "0x10000000000000000",
    ] {
        assert_eq!(
            run(&ccm("seal", KEY, NONCE13, bad, "00", &[])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>())
            .0,
            2,
            "{bad:?}"
        );
    }
    // --aad with --tag-len 0 (CCM*): empty is fine, one byte is refused.
    let rows = [(0, 0), (1, 2)];
    table("ccm seal --star --tag-len 0 --aad", &rows, |n| {
        ccm(
            "seal",
            KEY,
            NONCE13,
            "0",
            "00",
            &["--star", "--aad", &hexn(3, n)],
        )
    });
}

#[test]
fn ccm_aad_len() {
    // Any length; the CCM length prefix changes at 65280. (65536 bytes cannot be an argument.)
    let rows = [(0, 0), (1, 0), (65_279, 0), (65_280, 0), (65_535, 0)];
    table("ccm seal --aad", &rows, |n| {
        ccm("seal", KEY, NONCE13, "8", "00", &["--aad", &hexn(4, n)])
    });
}

// ---------------------------------------------------------------- message length

/// `ccm OP --key KEY --nonce NONCE --tag-len TAG_LEN REST...`.
fn ccm_args<'a>(op: &'a str, nonce: &'a str, tag_len: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "ccm",
        op,
        "--key",
        KEY,
        "--nonce",
        nonce,
        "--tag-len",
        tag_len,
    ];
    args.extend_from_slice(rest);
    args
}

fn file_of(dir: &Path, name: &str, len: usize) -> String {
    let path = dir.join(name);
    fs::write(&path, vec![0x5a; len]).unwrap();
    p(&path)
}

#[test]
fn ccm_message_len_nonce_13() {
    let dir = scratch("msg13");
    let rows = [(0, 0), (1, 0), (65_534, 0), (65_535, 0), (65_536, 2)];
    table("ccm seal message (13-byte nonce)", &rows, |n| {
        let f = file_of(&dir, "m", n);
        s(&ccm_args("seal", NONCE13, "4", &["--in", &f]))
    });
    // open: the payload is the input minus the tag.
    let rows = [(65_535 + 4, 1), (65_536 + 4, 2)];
    table("ccm open payload (13-byte nonce)", &rows, |n| {
        let f = file_of(&dir, "c", n);
        s(&ccm_args("open", NONCE13, "4", &["--in", &f]))
    });
}

#[test]
fn ccm_message_len_nonce_12() {
    let dir = scratch("msg12");
    let max = (1 << 24) - 1;
    let rows = [(max, 0), (max + 1, 2)];
    let nonce = hexn(6, 12);
    table("ccm seal message (12-byte nonce)", &rows, |n| {
        let f = file_of(&dir, "m", n);
        let out = p(&dir.join("out"));
        s(&ccm_args("seal", &nonce, "4", &["--in", &f, "--out", &out]))
    });
}

#[test]
fn ccm_open_input_len_against_tag() {
    // Seal an empty and a one-byte message; then open inputs of tag-1, tag, tag+1 bytes.
    let (_, empty) = run(&ccm("seal", KEY, NONCE13, "8", "", &[])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let empty = String::from_utf8(empty).unwrap().trim().to_owned();
    assert_eq!(empty.len(), 16);
    let (_, one) = run(&ccm("seal", KEY, NONCE13, "8", "ab", &[])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let one = String::from_utf8(one).unwrap().trim().to_owned();
    let inputs = [
        (0, String::new(), 1),
        (7, empty[..14].to_owned(), 1),
        (8, empty.clone(), 0),
        (9, one.clone(), 0),
        (10, format!("{one}00"), 1),
    ];
    let rows: Vec<(usize, i32)> = inputs.iter().map(|(n, _, c)| (*n, *c)).collect();
    table("ccm open input length (tag 8)", &rows, |n| {
        let msg = &inputs.iter().find(|i| i.0 == n).unwrap().1;
        ccm("open", KEY, NONCE13, "8", msg, &[])
    });
}

#[test]
fn failed_open_writes_no_file() {
    let dir = scratch("noout");
    let out = dir.join("plain.bin");
    // Wrong tag (exit 1), input shorter than the tag (exit 1), too long (exit 2).
    let bad_tag = format!("{}{}", hexn(0x11, 20), hexn(0, 16));
    for (msg, code) in [(bad_tag.as_str(), 1), ("00", 1), ("", 1)] {
        let args = ccm("open", KEY, NONCE13, "16", msg, &["--out", &p(&out)]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(run(&args).0, code);
        assert!(!out.exists(), "--out created by a failed open");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "temporary file left behind"
        );
    }
    // An existing file is left as it was.
    fs::write(&out, b"previous").unwrap();
    let args = ccm("open", KEY, NONCE13, "16", &bad_tag, &["--out", &p(&out)]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(run(&args).0, 1);
    assert_eq!(fs::read(&out).unwrap(), b"previous");
    // Usage errors (nonce 14, tag 5, key 15) write nothing either, for seal, open and ctr.
    fs::remove_file(&out).unwrap();
    for args in [
        ccm("open", KEY, &hexn(1, 14), "8", "00", &["--out", &p(&out)]),
        ccm("seal", KEY, NONCE13, "5", "00", &["--out", &p(&out)]),
        ccm(
            "seal",
            &hexn(1, 15),
            NONCE13,
            "8",
            "00",
            &["--out", &p(&out)],
        ),
        s(&[
            "ctr",
            "--key",
            KEY,
            "--iv",
            &hexn(0, 15),
            "--msg",
            "00",
            "--out",
            &p(&out),
        ]),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(run(&args).0, 2);
        assert!(!out.exists());
    }
}

#[test]
fn ctr_iv_len() {
    let rows = [(0, 2), (1, 2), (15, 2), (16, 0), (17, 2), (32, 2)];
    table("ctr --iv", &rows, |n| {
        s(&["ctr", "--key", KEY, "--iv", &hexn(0xff, n), "--msg", "00"])
    });
}

#[test]
fn cmac_and_ctr_message_len() {
    let rows: Vec<(usize, i32)> = [0, 1, 15, 16, 17, 65_535].map(|n| (n, 0)).to_vec();
    table("cmac --msg", &rows, |n| {
        s(&["cmac", "--key", KEY, "--msg", &hexn(1, n)])
    });
    table("ctr --msg", &rows, |n| {
        s(&[
            "ctr",
            "--key",
            KEY,
            "--iv",
            &hexn(0xff, 16),
            "--msg",
            &hexn(1, n),
        ])
    });
}
