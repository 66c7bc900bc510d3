//! The vector files, compiled in, and the parser of their line format (from
//! `bulwark-testkit`, re-exported).

pub use bulwark_testkit::vectors::{Record, Verdict, records};

/// The vector files, compiled in.
pub mod data {
    macro_rules! vector_file {
        ($name:ident, $file:literal) => {
            #[doc = concat!("`test-vectors/", $file, "`.")]
            pub const $name: &str = include_str!(concat!("../../../test-vectors/", $file));
        };
    }
    vector_file!(CCM_CAVP, "ccm_cavp.txt");
    vector_file!(CCM_RFC3610, "ccm_rfc3610.txt");
    vector_file!(CCM_SP800_38C, "ccm_sp800_38c.txt");
    vector_file!(CCM_WYCHEPROOF, "ccm_wycheproof.txt");
    vector_file!(CMAC_WYCHEPROOF, "cmac_wycheproof.txt");
    vector_file!(CMAC_SP800_38B, "cmac_sp800_38b.txt");
    vector_file!(CTR, "ctr.txt");
    vector_file!(X25519_WYCHEPROOF, "x25519_wycheproof.txt");
    vector_file!(X25519_RFC7748, "x25519_rfc7748.txt");
    vector_file!(X25519_RFC7748_ITER, "x25519_rfc7748_iter.txt");
    vector_file!(ECDH_P256_WYCHEPROOF, "ecdh_p256_wycheproof.txt");
    vector_file!(
        ECDH_P256_ECPOINT_WYCHEPROOF,
        "ecdh_p256_ecpoint_wycheproof.txt"
    );
    vector_file!(ECDH_P256_CAVP_CDH, "ecdh_p256_cavp_cdh.txt");
    vector_file!(ECDH_P256_KAS_VALIDITY, "ecdh_p256_kas_validity.txt");
    vector_file!(HKDF_SHA256_WYCHEPROOF, "hkdf_sha256_wycheproof.txt");
    vector_file!(HKDF_SHA256_RFC5869, "hkdf_sha256_rfc5869.txt");
    vector_file!(ED25519_WYCHEPROOF, "ed25519_wycheproof.txt");
    vector_file!(ED25519_SIGN_INPUT, "ed25519_sign_input.txt");
    vector_file!(
        ECDSA_P256_WYCHEPROOF_DER,
        "ecdsa_p256_sha256_wycheproof_der.txt"
    );
    vector_file!(
        ECDSA_P256_WYCHEPROOF_P1363,
        "ecdsa_p256_sha256_wycheproof_p1363.txt"
    );
    vector_file!(ECDSA_P256_CAVP_SIGVER, "ecdsa_p256_sha256_cavp_sigver.txt");
    vector_file!(ECDSA_P256_RFC6979, "ecdsa_p256_rfc6979.txt");
}
