//! Small-order points, for the negative checks of key agreement and signatures.

use crate::hex;

/// X25519 u-coordinates of small order (canonical and non-canonical encodings), little-endian:
/// 0, 1, the two points of order 8, p - 1, p, p + 1. Each also appears with the top bit set
/// (which RFC 7748 masks). Every scalar maps them to the all-zero output.
pub const X25519_SMALL_ORDER: [[u8; 32]; 7] = [
    hex::array("0000000000000000000000000000000000000000000000000000000000000000"),
    hex::array("0100000000000000000000000000000000000000000000000000000000000000"),
    hex::array("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    hex::array("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    hex::array("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex::array("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex::array("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
];

/// The 8 points of small order on edwards25519, canonically encoded (the identity, the point
/// of order 2, two of order 4 and four of order 8). Every strict verifier refuses them as
/// public keys; they are the keys of Wycheproof's `SmallOrderPublicKey` records.
pub const ED25519_SMALL_ORDER: [[u8; 32]; 8] = [
    hex::array("0100000000000000000000000000000000000000000000000000000000000000"),
    hex::array("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex::array("0000000000000000000000000000000000000000000000000000000000000000"),
    hex::array("0000000000000000000000000000000000000000000000000000000000000080"),
    hex::array("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex::array("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
    hex::array("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    hex::array("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
];
