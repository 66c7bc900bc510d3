//! `bulwark verify ed25519|ecdsa-p256`: RFC 8032 and Wycheproof records.

use crate::common::*;

/// `verify ALG --key KEY --msg MSG --sig SIG`.
fn verify_args<'a>(alg: &'a str, key: &'a str, msg: &'a str, sig: &'a str) -> [&'a str; 8] {
    ["verify", alg, "--key", key, "--msg", msg, "--sig", sig]
}

#[test]
fn verify_ed25519_rfc8032_test1() -> TestResult {
    let record = &vector_records("ed25519_sign_input.txt")?[0];
    assert_eq!(field(record, "public")?, ED25519_TEST1_KEY);
    assert_eq!(field(record, "sig")?, ED25519_TEST1_SIG);
    let ok = verify_args("ed25519", ED25519_TEST1_KEY, "", ED25519_TEST1_SIG);
    assert_prints(&ok, "ok")?;
    // Tampered signature (R, then S), message, key: exit 1.
    for i in [0, 64, 127] {
        let sig = flip_hex(ED25519_TEST1_SIG, i);
        let args = verify_args("ed25519", ED25519_TEST1_KEY, "", &sig);
        assert_fails(&args, 1, "verify ed25519: invalid signature")?;
    }
    let args = verify_args("ed25519", ED25519_TEST1_KEY, "00", ED25519_TEST1_SIG);
    assert_fails(&args, 1, "invalid signature")?;
    let key = flip_hex(ED25519_TEST1_KEY, 0);
    let args = verify_args("ed25519", &key, "", ED25519_TEST1_SIG);
    assert_fails(&args, 1, "verify ed25519")?;
    // Short signature: invalid (exit 1). Invalid keys: exit 1.
    let args = verify_args("ed25519", ED25519_TEST1_KEY, "", &ED25519_TEST1_SIG[..126]);
    assert_fails(&args, 1, "invalid signature")?;
    let args = verify_args("ed25519", &ED25519_TEST1_KEY[..62], "", ED25519_TEST1_SIG);
    assert_fails(&args, 1, "--key: invalid public key: 31 bytes")?;
    let identity = format!("01{}", "00".repeat(31));
    let args = verify_args("ed25519", &identity, "", ED25519_TEST1_SIG);
    assert_fails(&args, 1, "--key: invalid public key")?;
    // Bad hex: exit 2.
    let args = verify_args("ed25519", ED25519_TEST1_KEY, "0", ED25519_TEST1_SIG);
    assert_fails(&args, 2, "--msg: odd number of hex digits")?;
    let args = verify_args("ed25519", "zz", "", ED25519_TEST1_SIG);
    assert_fails(&args, 2, "--key: invalid hex")?;
    assert_fails(
        &["verify", "ed25519", "--key", ED25519_TEST1_KEY, "--msg", ""],
        2,
        "--sig",
    )
}

/// The SEC1 compressed form of an uncompressed key given as hex.
fn compress_hex(uncompressed: &str) -> String {
    let y_odd = u8::from_str_radix(&uncompressed[128..130], 16).unwrap_or(0) & 1 == 1;
    format!(
        "{}{}",
        if y_odd { "03" } else { "02" },
        &uncompressed[2..66]
    )
}

#[test]
fn verify_ecdsa_p256_wycheproof_records() -> TestResult {
    for file in [
        "ecdsa_p256_sha256_wycheproof_p1363.txt",
        "ecdsa_p256_sha256_wycheproof_der.txt",
    ] {
        let records = vector_records(file)?;
        let (mut valid, mut invalid) = (0, 0);
        for r in &records {
            let (key, msg, sig) = (field(r, "public")?, field(r, "msg")?, field(r, "sig")?);
            let args = verify_args("ecdsa-p256", key, msg, sig);
            match field(r, "result")? {
                "valid" => {
                    assert_prints(&args, "ok")?;
                    valid += 1;
                }
                "invalid" => {
                    assert_fails(&args, 1, "verify ecdsa-p256")?;
                    invalid += 1;
                }
                _ => {}
            }
        }
        assert!(
            valid > 100 && invalid > 50,
            "{file}: {valid} valid, {invalid} invalid"
        );

        // The first record: compressed key, tampered signature, message and key.
        let r = &records[0];
        let (key, msg, sig) = (field(r, "public")?, field(r, "msg")?, field(r, "sig")?);
        let compressed = compress_hex(key);
        assert_prints(&verify_args("ecdsa-p256", &compressed, msg, sig), "ok")?;
        let bad_sig = flip_hex(sig, sig.len() - 1);
        let args = verify_args("ecdsa-p256", key, msg, &bad_sig);
        assert_fails(&args, 1, "verify ecdsa-p256: invalid signature")?;
        let bad_msg = format!("{msg}00");
        let args = verify_args("ecdsa-p256", key, &bad_msg, sig);
        assert_fails(&args, 1, "invalid signature")?;
        let bad_key = flip_hex(key, 129);
        let args = verify_args("ecdsa-p256", &bad_key, msg, sig);
        assert_fails(&args, 1, "--key: invalid public key: not a point on P-256")?;
        let args = verify_args("ecdsa-p256", &key[..128], msg, sig);
        assert_fails(&args, 1, "--key: invalid public key: 64 bytes")?;
        let hybrid = format!("06{}", &key[2..]);
        let args = verify_args("ecdsa-p256", &hybrid, msg, sig);
        assert_fails(&args, 1, "cannot start with 06")?;
        let args = verify_args("ecdsa-p256", key, msg, "0x00");
        assert_fails(&args, 2, "--sig: invalid hex")?;
    }
    Ok(())
}
