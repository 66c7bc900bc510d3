//! P-256 ECDH and ECDSA verification (not on AVR: crypto-bigint refuses 16-bit targets).

use bulwark_api::{
    SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
    sig::{EcdsaP256, EcdsaP256Signature, Verify},
};
use bulwark_soft::Soft;

use crate::{Bench, h};

// NIST CAVP ECC CDH (KAS ECC CDH primitive) P-256, COUNT = 0
// (test-vectors/ecdh_p256_cavp_cdh.txt, first record).
const P256_PEER: [u8; 65] = h(concat!(
    "04",
    "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287",
    "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"
));
const P256_SECRET: [u8; 32] = h("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534");
const P256_SHARED: [u8; 32] = h("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");

/// P-256 ECDH shared secret (one variable-base scalar multiplication), NIST CAVP known
/// answer. Peer-key import and validation are outside the measurement.
pub fn p256_ecdh<R: Bench>(r: &mut R) {
    let mut soft = Soft;
    let (Ok(secret), Ok(peer)) = (
        SecretBytes::try_from_slice(&P256_SECRET)
            .and_then(|s| KeyAgreement::<P256>::import_static(&mut soft, s)),
        KeyAgreement::<P256>::import_public(&mut soft, &P256_PEER),
    ) else {
        return r.fail("p256-ecdh");
    };
    r.run(
        "p256-ecdh",
        (secret, peer),
        |(secret, peer)| {
            KeyAgreement::<P256>::agree_static(&mut Soft, &secret, &peer)
                .ok()
                .map(|s| *expose_shared_secret(&s))
        },
        |shared| shared == Some(P256_SHARED),
    );
}

// RFC 6979 appendix A.2.5, P-256 with SHA-256, message "sample"
// (test-vectors/ecdsa_p256_rfc6979.txt, first record).
const ECDSA_PUBLIC: [u8; 65] = h(concat!(
    "04",
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
));
const ECDSA_MSG: [u8; 6] = *b"sample";
const ECDSA_SIG: [u8; 64] = h(concat!(
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
));

/// ECDSA P-256 verification (SHA-256 of a 6-byte message included), RFC 6979 known answer,
/// and the same signature with its last byte changed must be refused. Public-key import is
/// outside the measurement.
pub fn ecdsa_verify<R: Bench>(r: &mut R) {
    let Ok(key) = Verify::<EcdsaP256>::import_public(&mut Soft, &ECDSA_PUBLIC) else {
        return r.fail("ecdsa-p256-verify");
    };
    let mut bad = ECDSA_SIG;
    bad[63] ^= 1;
    let bad = EcdsaP256Signature::from_fixed(&bad);
    let refused = Verify::<EcdsaP256>::verify(&mut Soft, &key, &ECDSA_MSG, &bad).is_err();
    r.run(
        "ecdsa-p256-verify",
        (key, EcdsaP256Signature::from_fixed(&ECDSA_SIG)),
        |(key, sig)| Verify::<EcdsaP256>::verify(&mut Soft, &key, &ECDSA_MSG, &sig).is_ok(),
        |ok| ok && refused,
    );
}
