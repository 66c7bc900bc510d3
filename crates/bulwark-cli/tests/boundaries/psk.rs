//! PSK derivation and OSCORE context lengths.

use super::*;

const CODE: &str = "4P3W-SV2H-FX1K-ZC5G-K754-ZWX3-0XZG";

#[test]
fn psk_derive_code_len() {
    let symbols: String = CODE.replace('-', "");
    let rows = [(0, 2), (1, 2), (27, 2), (28, 0), (29, 2)];
    table("psk derive --code symbols", &rows, |n| {
        let mut code: String = symbols.chars().take(n).collect();
        while code.len() < n {
            code.push('0');
        }
        s(&["psk", "derive", "--code", &code, "--device-id", "01"])
    });
}

#[test]
fn psk_derive_secret_and_device_id_len() {
    let secret = |n: usize| {
        hex(&(0..n)
            .map(|i| (i as u8).wrapping_mul(37) ^ 0x5a)
            .collect::<Vec<_>>())
    };
    let rows = [(0, 2), (1, 2), (15, 2), (16, 0), (17, 0), (4096, 0)];
    table("psk derive --secret", &rows, |n| {
        s(&["psk", "derive", "--secret", &secret(n), "--device-id", "01"])
    });
    let rows = [(0, 2), (1, 0), (254, 0), (255, 0), (256, 2)];
    table("psk derive --device-id", &rows, |n| {
        s(&[
            "psk",
            "derive",
            "--code",
            CODE,
            "--device-id",
            &hexn(0x42, n),
        ])
    });
}

#[test]
fn psk_derive_epoch() {
    let epochs = [
        "0",
        "1",
        "4294967294",
        "4294967295",
        "4294967296",
        "0xffffffff",
        "0x100000000",
        "-1",
        "",
    ];
    let rows = [
        (0, 0),
        (1, 0),
        (2, 0),
        (3, 0),
        (4, 2),
        (5, 0),
        (6, 2),
        (7, 2),
        (8, 2),
    ];
    table("psk derive --epoch", &rows, |i| {
        s(&[
            "psk",
            "derive",
            "--code",
            CODE,
            "--device-id",
            "01",
            "--epoch",
            epochs[i],
        ])
    });
}

fn oscore(secret: &str, sid: &str, rid: &str, extra: &[&str]) -> Vec<String> {
    let mut v = s(&[
        "oscore",
        "context",
        "--master-secret",
        secret,
        "--sender-id",
        sid,
        "--recipient-id",
        rid,
    ]);
    v.extend(s(extra));
    v
}

#[test]
fn oscore_context_lengths() {
    let rows = [(0, 2), (1, 2), (15, 2), (16, 0), (17, 0)];
    table("oscore context --master-secret", &rows, |n| {
        oscore(&hexn(1, n), "", "01", &[])
    });
    let rows = [(0, 0), (1, 0), (6, 0), (7, 0), (8, 2)];
    table("oscore context --sender-id", &rows, |n| {
        oscore(&hexn(1, 16), &hexn(2, n), "ee", &[])
    });
    table("oscore context --recipient-id", &rows, |n| {
        oscore(&hexn(1, 16), "ee", &hexn(2, n), &[])
    });
    // Equal IDs at the shortest and longest length.
    let rows = [(0, 2), (7, 2)];
    table("oscore context equal ids", &rows, |n| {
        oscore(&hexn(1, 16), &hexn(2, n), &hexn(2, n), &[])
    });
    let rows = [
        (0, 0),
        (1, 0),
        (23, 0),
        (24, 0),
        (255, 0),
        (256, 0),
        (65_535, 0),
    ];
    table("oscore context --id-context", &rows, |n| {
        oscore(&hexn(1, 16), "", "01", &["--id-context", &hexn(3, n)])
    });
}
