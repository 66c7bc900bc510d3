//! P-256 ECDH and ECDSA verification (not on AVR: crypto-bigint refuses 16-bit targets).

use bulwark_api::{
    SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
    sig::{EcdsaP256, EcdsaP256Signature, Verify},
};
use bulwark_soft::Soft;

use crate::Bench;
use crate::p256_vectors::{
    ECDSA_MSG, ECDSA_PUBLIC, ECDSA_SIG, P256_PEER, P256_SECRET, P256_SHARED,
};

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
