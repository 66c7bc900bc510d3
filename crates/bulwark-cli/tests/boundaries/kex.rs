//! X25519 and P-256 key lengths and scalars; HKDF lengths.

use super::*;

#[test]
fn x25519_lengths() {
    let rows = [(0, 2), (1, 2), (31, 2), (32, 0), (33, 2), (64, 2)];
    table("x25519 pub --secret", &rows, |n| {
        s(&["x25519", "pub", "--secret", &hexn(7, n)])
    });
    table("x25519 --secret", &rows, |n| {
        s(&["x25519", "--secret", &hexn(7, n), "--peer", &hexn(9, 32)])
    });
    table("x25519 --peer", &rows, |n| {
        s(&["x25519", "--secret", &hexn(7, 32), "--peer", &hexn(9, n)])
    });
    // Small-order peers (u = 0, u = 1) are rejected with exit 1.
    let rows = [(0, 1), (1, 1), (9, 0)];
    table("x25519 --peer u", &rows, |u| {
        let mut peer = [0u8; 32];
        peer[0] = u as u8;
        s(&["x25519", "--secret", &hexn(7, 32), "--peer", &hex(&peer)])
    });
}

const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/// 0, 1, n-1, n, n+1, 2^256-1 by row.
fn p256_scalar(which: usize) -> String {
    match which {
        0 => hexn(0, 32),
        1 => format!("{}01", hexn(0, 31)),
        2 => format!("{}50", &P256_N[..62]),
        3 => P256_N.to_owned(),
        4 => format!("{}52", &P256_N[..62]),
        _ => hexn(0xff, 32),
    }
}

#[test]
fn ecdh_p256_secret() {
    let rows = [(0, 2), (1, 0), (2, 0), (3, 2), (4, 2), (5, 2)];
    table(
        "ecdh-p256 pub --secret (0, 1, n-1, n, n+1, max)",
        &rows,
        |w| s(&["ecdh-p256", "pub", "--secret", &p256_scalar(w)]),
    );
    let rows = [(0, 2), (31, 2), (32, 0), (33, 2)];
    table("ecdh-p256 pub --secret length", &rows, |n| {
        s(&["ecdh-p256", "pub", "--secret", &hexn(0x01, n)])
    });
}

fn p256_g(compressed: bool) -> String {
    let mut args = vec!["ecdh-p256", "pub", "--secret"];
    let one = p256_scalar(1);
    args.push(&one);
    if compressed {
        args.push("--compressed");
    }
    String::from_utf8(run(&args).1).unwrap().trim().to_owned()
}

/// The generator's SEC1 encoding cut or extended to `n` bytes.
fn sec1_of_len(n: usize) -> String {
    let base = if n >= 49 { p256_g(false) } else { p256_g(true) };
    let mut v = base;
    v.truncate(2 * n);
    while v.len() < 2 * n {
        v.push('0');
    }
    v
}

pub(super) const SEC1_ROWS: &[(usize, i32)] = &[
    (0, 1),
    (1, 1),
    (32, 1),
    (33, 0),
    (34, 1),
    (64, 1),
    (65, 0),
    (66, 1),
];

#[test]
fn ecdh_p256_peer_len() {
    table("ecdh-p256 --peer", SEC1_ROWS, |n| {
        s(&[
            "ecdh-p256",
            "--secret",
            &p256_scalar(2),
            "--peer",
            &sec1_of_len(n),
        ])
    });
    // Bad hex in --peer stays a usage error.
    assert_eq!(
        run(&["ecdh-p256", "--secret", &p256_scalar(1), "--peer", "0"]).0,
        2
    );
}

// ---------------------------------------------------------------- HKDF

#[test]
fn hkdf_len() {
    let rows = [
        (0, 0),
        (1, 0),
        (32, 0),
        (8159, 0),
        (8160, 0),
        (8161, 2),
        (1 << 20, 2),
    ];
    for &(n, code) in &rows {
        let len = n.to_string();
        let (c, out) = run(&["hkdf", "--ikm", "0b0b", "--len", &len]);
        assert_eq!(c, code, "hkdf --len {n}");
        if c == 0 {
            assert_eq!(out.len(), 2 * n + 1, "hkdf --len {n}: output length");
        }
    }
    println!("hkdf --len: {} boundary cases", rows.len());
    assert_eq!(run(&["hkdf", "--ikm", "", "--len", "0x1fe0"]).0, 0);
    assert_eq!(run(&["hkdf", "--ikm", "", "--len", "0x1fe1"]).0, 2);
}
