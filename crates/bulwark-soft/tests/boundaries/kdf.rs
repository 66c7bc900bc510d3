//! HKDF and SHA-2.

use super::*;

fn prk() -> bulwark_api::kdf::Prk {
    Soft.extract(b"salt", &[b"ikm"]).unwrap()
}

fn okm_rows() -> [(usize, R); 6] {
    let max = HKDF_SHA256_MAX_LEN;
    [
        (0, OK),
        (1, OK),
        (32, OK),
        (max - 1, OK),
        (max, OK),
        (max + 1, BAD),
    ]
}

#[test]
fn hkdf_expand() {
    assert_eq!(HKDF_SHA256_MAX_LEN, 8160);
    let mut full = vec![0u8; HKDF_SHA256_MAX_LEN];
    Soft.expand(&prk(), &[b"info"], &mut full).unwrap();
    table("HkdfSha256::expand okm", &okm_rows(), |n| {
        let mut okm = vec![SENTINEL; n];
        let r = Soft.expand(&prk(), &[b"in", b"fo"], &mut okm);
        if r.is_ok() {
            // Shorter outputs are prefixes of the longest.
            assert_eq!(okm[..], full[..n]);
        }
        after("expand", r, &okm)
    });
}

#[test]
fn hkdf_derive() {
    table("HkdfSha256::derive okm", &okm_rows(), |n| {
        let mut okm = vec![SENTINEL; n];
        let r = Soft.derive(b"salt", &[b"ikm"], &[b"info"], &mut okm);
        after("derive", r, &okm)
    });
}

#[test]
fn hkdf_expand_secret() {
    let rows = [(0, OK), (32, OK), (8160, OK), (8161, BAD)];
    table("HkdfSha256::expand_secret N", &rows, |n| match n {
        0 => Soft.expand_secret::<0>(&prk(), &[]).map(|_| ()),
        32 => Soft.expand_secret::<32>(&prk(), &[]).map(|_| ()),
        8160 => Soft.expand_secret::<8160>(&prk(), &[]).map(|_| ()),
        _ => Soft.expand_secret::<8161>(&prk(), &[]).map(|_| ()),
    });
}

#[test]
fn hkdf_extract_salt_len() {
    // HMAC's key is padded to 64 bytes and hashed above: 0, 1, 63, 64, 65. An empty salt is
    // 32 zero bytes (RFC 5869).
    let zero32 = Soft.extract(&[0; 32], &[b"ikm"]).unwrap();
    let empty = Soft.extract(&[], &[b"ikm"]).unwrap();
    assert_eq!(zero32.expose_secret(), empty.expose_secret());
    let rows: Vec<_> = [0, 1, 63, 64, 65].map(|n| (n, OK)).to_vec();
    table("HkdfSha256::extract salt", &rows, |n| {
        Soft.extract(&vec![1; n], &[b"", b"ikm"]).map(|_| ())
    });
}

#[test]
fn sha256_and_sha512_padding_boundaries() {
    use sha2::Digest;
    let rows: Vec<_> = [0, 1, 55, 56, 63, 64, 65].map(|n| (n, OK)).to_vec();
    table("Sha256::digest message", &rows, |n| {
        let msg = vec![0x61; n];
        let (a, b) = msg.split_at(n / 3);
        let d = Sha256::digest(&mut Soft, &[a, b])?;
        assert_eq!(d[..], sha2::Sha256::digest(&msg)[..]);
        Ok(())
    });
    let rows: Vec<_> = [0, 1, 111, 112, 127, 128, 129].map(|n| (n, OK)).to_vec();
    table("Sha512::digest message", &rows, |n| {
        let msg = vec![0x61; n];
        let (a, b) = msg.split_at(n / 2);
        let d = Sha512::digest(&mut Soft, &[a, b])?;
        assert_eq!(d[..], sha2::Sha512::digest(&msg)[..]);
        Ok(())
    });
}
