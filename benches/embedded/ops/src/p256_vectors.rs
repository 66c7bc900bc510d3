//! The P-256 known answers both backends' operations use (`p256.rs` on the software
//! backend, `compact.rs` on the compact one).

use crate::h;

// NIST CAVP ECC CDH (KAS ECC CDH primitive) P-256, COUNT = 0
// (test-vectors/ecdh_p256_cavp_cdh.txt, first record).
pub(crate) const P256_PEER: [u8; 65] = h(concat!(
    "04",
    "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287",
    "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"
));
pub(crate) const P256_SECRET: [u8; 32] =
    h("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534");
pub(crate) const P256_SHARED: [u8; 32] =
    h("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");

// RFC 6979 appendix A.2.5, P-256 with SHA-256, message "sample"
// (test-vectors/ecdsa_p256_rfc6979.txt, first record).
pub(crate) const ECDSA_PUBLIC: [u8; 65] = h(concat!(
    "04",
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
));
pub(crate) const ECDSA_MSG: [u8; 6] = *b"sample";
pub(crate) const ECDSA_SIG: [u8; 64] = h(concat!(
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
));
