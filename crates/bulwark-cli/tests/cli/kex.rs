//! `bulwark x25519` and `bulwark ecdh-p256`: RFC 7748 and NIST CAVP vectors, refusals.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// x25519

// RFC 7748 section 6.1.
const X25519_ALICE_SECRET: &str =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const X25519_ALICE_PUBLIC: &str =
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
const X25519_BOB_SECRET: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
const X25519_BOB_PUBLIC: &str = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
const X25519_SHARED: &str = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

#[test]
fn x25519_rfc7748_section_6_1() -> TestResult {
    assert_prints(
        &["x25519", "pub", "--secret", X25519_ALICE_SECRET],
        X25519_ALICE_PUBLIC,
    )?;
    assert_prints(
        &["x25519", "pub", "--secret", X25519_BOB_SECRET],
        X25519_BOB_PUBLIC,
    )?;
    assert_prints(
        &[
            "x25519",
            "--secret",
            X25519_ALICE_SECRET,
            "--peer",
            X25519_BOB_PUBLIC,
        ],
        X25519_SHARED,
    )?;
    // Bob's side, options in the other order and upper-case hex.
    let bob = X25519_BOB_SECRET.to_uppercase();
    let alice_pub = X25519_ALICE_PUBLIC.to_uppercase();
    assert_prints(
        &["x25519", "--peer", &alice_pub, "--secret", &bob],
        X25519_SHARED,
    )
}

#[test]
fn x25519_rfc7748_section_5_2_vectors() -> TestResult {
    // Unclamped scalars and arbitrary u-coordinates: the tool clamps like the RFC.
    for record in vector_records("x25519_rfc7748.txt")? {
        let args = [
            "x25519",
            "--secret",
            field(&record, "scalar")?,
            "--peer",
            field(&record, "u")?,
        ];
        assert_prints(&args, field(&record, "result_u")?)?;
    }
    Ok(())
}

#[test]
fn x25519_non_contributory_peer_exits_1() -> TestResult {
    let mut u1 = "01".to_owned();
    u1.push_str(&"00".repeat(31));
    for peer in ["00".repeat(32), u1] {
        let args = ["x25519", "--secret", X25519_ALICE_SECRET, "--peer", &peer];
        assert_fails(&args, 1, "non-contributory")?;
    }
    Ok(())
}

#[test]
fn x25519_usage_errors_exit_2() -> TestResult {
    let short = &X25519_ALICE_SECRET[2..];
    assert_fails(
        &["x25519", "pub", "--secret", short],
        2,
        "--secret: 31 bytes; X25519 private keys are 32 bytes",
    )?;
    assert_fails(
        &["x25519", "--secret", short, "--peer", X25519_BOB_PUBLIC],
        2,
        "--secret: 31 bytes",
    )?;
    let long_peer = format!("{X25519_BOB_PUBLIC}00");
    assert_fails(
        &[
            "x25519",
            "--secret",
            X25519_ALICE_SECRET,
            "--peer",
            &long_peer,
        ],
        2,
        "--peer: 33 bytes; X25519 public keys are 32 bytes",
    )?;
    assert_fails(
        &["x25519", "--secret", X25519_ALICE_SECRET, "--peer", ""],
        2,
        "--peer: 0 bytes",
    )?;
    assert_fails(
        &["x25519", "--secret", X25519_ALICE_SECRET, "--peer", "0g"],
        2,
        "--peer: invalid hex",
    )?;
    assert_fails(&["x25519", "pub", "--secret", "abc"], 2, "--secret: odd")?;
    // Missing options, and the two forms mixed.
    assert_fails(&["x25519"], 2, "--secret")?;
    assert_fails(&["x25519", "--secret", X25519_ALICE_SECRET], 2, "--peer")?;
    assert_fails(&["x25519", "pub"], 2, "--secret")?;
    assert_fails(
        &["x25519", "--secret", X25519_ALICE_SECRET, "pub"],
        2,
        "pub",
    )?;
    assert_fails(
        &[
            "x25519",
            "pub",
            "--secret",
            X25519_ALICE_SECRET,
            "--peer",
            X25519_BOB_PUBLIC,
        ],
        2,
        "--peer",
    )
}

// ---------------------------------------------------------------------------------------------
// ecdh-p256

// NIST CAVP ECC CDH, P-256, first record of test-vectors/ecdh_p256_cavp_cdh.txt.
const P256_QX: &str = "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287";
const P256_QY: &str = "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac";
const P256_D: &str = "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534";
const P256_QX_IUT: &str = "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230";
const P256_QY_IUT: &str = "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141";
const P256_Z: &str = "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b";

/// The group order n of P-256.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn p256_peer() -> String {
    format!("04{P256_QX}{P256_QY}")
}

#[test]
fn ecdh_p256_cavp_first_record() -> TestResult {
    assert_prints(
        &["ecdh-p256", "pub", "--secret", P256_D],
        &format!("04{P256_QX_IUT}{P256_QY_IUT}"),
    )?;
    // Expected value computed once with Python `cryptography` 48.0.0:
    //   k = ec.derive_private_key(int(D, 16), ec.SECP256R1())
    //   k.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint).hex()
    // (qy_iut ends in 0x41, odd, hence the 03 prefix).
    assert_prints(
        &["ecdh-p256", "pub", "--compressed", "--secret", P256_D],
        &format!("03{P256_QX_IUT}"),
    )?;
    let peer = p256_peer();
    assert_prints(&["ecdh-p256", "--secret", P256_D, "--peer", &peer], P256_Z)?;
    // The same peer in compressed form (qy ends in 0xac, even: 02).
    let compressed = format!("02{P256_QX}");
    assert_prints(
        &["ecdh-p256", "--secret", P256_D, "--peer", &compressed],
        P256_Z,
    )?;
    // Upper-case hex.
    let (d, peer) = (P256_D.to_uppercase(), peer.to_uppercase());
    assert_prints(&["ecdh-p256", "--peer", &peer, "--secret", &d], P256_Z)
}

#[test]
fn ecdh_p256_cavp_all_records() -> TestResult {
    for record in vector_records("ecdh_p256_cavp_cdh.txt")? {
        let d = field(&record, "d")?;
        let public = format!(
            "04{}{}",
            field(&record, "qx_iut")?,
            field(&record, "qy_iut")?
        );
        assert_prints(&["ecdh-p256", "pub", "--secret", d], &public)?;
        let compressed = stdout_of(&["ecdh-p256", "pub", "--compressed", "--secret", d])?;
        assert_eq!(compressed.len(), 66 + 1);
        assert_eq!(compressed.get(2..66), public.get(2..66), "x of {d}");
        let peer = format!("04{}{}", field(&record, "qx")?, field(&record, "qy")?);
        assert_prints(
            &["ecdh-p256", "--secret", d, "--peer", &peer],
            field(&record, "z")?,
        )?;
        // The printed public keys work as peer keys: the compressed and the uncompressed form
        // give the same shared x.
        let with_compressed =
            stdout_of(&["ecdh-p256", "--secret", d, "--peer", compressed.trim_end()])?;
        let with_uncompressed = stdout_of(&["ecdh-p256", "--secret", d, "--peer", &public])?;
        assert_eq!(with_compressed, with_uncompressed);
    }
    Ok(())
}

#[test]
fn ecdh_p256_invalid_peer_exits_1() -> TestResult {
    let peer = p256_peer();
    // Off the curve: the last byte of y changed (ac -> ad).
    let off_curve = format!("{}ad", &peer[..peer.len() - 2]);
    for (bad, needle) in [
        (off_curve.as_str(), "not a point on P-256"),
        // Compressed, x = 2^256 - 1 >= p: not a field element.
        (
            "02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "not a point on P-256",
        ),
        ("00", "point at infinity"),
        (&peer[2..], "64 bytes"),
        ("", "0 bytes"),
    ] {
        assert_fails(&["ecdh-p256", "--secret", P256_D, "--peer", bad], 1, needle)?;
    }
    let wrong_prefix = format!("05{}", &peer[2..]);
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", &wrong_prefix],
        1,
        "starts with 04",
    )?;
    let hybrid = format!("06{}", &peer[2..]);
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", &hybrid],
        1,
        "invalid public key",
    )?;
    let compressed_wrong_prefix = format!("04{P256_QX}");
    assert_fails(
        &[
            "ecdh-p256",
            "--secret",
            P256_D,
            "--peer",
            &compressed_wrong_prefix,
        ],
        1,
        "starts with 02 or 03",
    )
}

#[test]
fn ecdh_p256_usage_errors_exit_2() -> TestResult {
    let peer = p256_peer();
    let zero = "00".repeat(32);
    let n_plus_1 = format!("{}52", &P256_N[..62]);
    for secret in [zero.as_str(), P256_N, n_plus_1.as_str(), &"ff".repeat(32)] {
        assert_fails(
            &["ecdh-p256", "--secret", secret, "--peer", &peer],
            2,
            "--secret: not a P-256 private key",
        )?;
        assert_fails(
            &["ecdh-p256", "pub", "--secret", secret],
            2,
            "--secret: not a P-256 private key",
        )?;
    }
    // n - 1 is the largest valid scalar.
    let n_minus_1 = format!("{}50", &P256_N[..62]);
    let run = bulwark(&["ecdh-p256", "pub", "--secret", &n_minus_1])?;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_fails(
        &["ecdh-p256", "pub", "--secret", &P256_D[2..]],
        2,
        "--secret: 31 bytes; P-256 private keys are 32 bytes",
    )?;
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", "04zz"],
        2,
        "--peer: invalid hex",
    )?;
    assert_fails(
        &["ecdh-p256", "--secret", P256_D, "--peer", "041"],
        2,
        "--peer: odd",
    )?;
    assert_fails(&["ecdh-p256", "--secret", P256_D], 2, "--peer")?;
    assert_fails(&["ecdh-p256", "pub", "--compressed"], 2, "--secret")?;
    assert_fails(
        &[
            "ecdh-p256",
            "--secret",
            P256_D,
            "--peer",
            &peer,
            "--compressed",
        ],
        2,
        "--compressed",
    )
}
