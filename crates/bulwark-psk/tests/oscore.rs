//! OSCORE (RFC 8613) context derivation and nonces against the RFC's Appendix C.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::Error;
use bulwark_psk::oscore::{self, OscoreKeys, OscoreParams};

const VECTORS: &str = include_str!("../../../test-vectors/oscore_rfc8613.txt");
const CONTEXT_COUNT: usize = 4;
const NONCE_COUNT: usize = 13;

fn params<'a>(secret: &'a [u8], salt: &'a [u8], s: &'a [u8], r: &'a [u8]) -> OscoreParams<'a> {
    OscoreParams {
        master_secret: secret,
        master_salt: salt,
        sender_id: s,
        recipient_id: r,
        id_context: None,
    }
}

#[test]
fn rfc8613_appendix_c() {
    let records = common::records(VECTORS);
    let (mut contexts, mut nonces) = (0, 0);
    let mut h = common::backend();
    for r in &records {
        match r.text("kind") {
            "context" => {
                let (secret, salt) = (r.bytes("master_secret"), r.bytes("master_salt"));
                let (sid, rid) = (r.bytes("sender_id"), r.bytes("recipient_id"));
                let ctx = r.field("id_context").map(common::hex);
                let p = OscoreParams {
                    id_context: ctx.as_deref(),
                    ..params(&secret, &salt, &sid, &rid)
                };
                let mut keys = OscoreKeys::zeroed();
                oscore::derive_context(&mut h, &p, &mut keys).unwrap();
                let sec = r.text("section");
                assert_eq!(
                    keys.sender_key.expose_secret().as_slice(),
                    r.bytes("sender_key"),
                    "{sec}"
                );
                assert_eq!(
                    keys.recipient_key.expose_secret().as_slice(),
                    r.bytes("recipient_key"),
                    "{sec}"
                );
                assert_eq!(keys.common_iv.as_slice(), r.bytes("common_iv"), "{sec}");
                contexts += 1;
            }
            "nonce" => {
                let iv: [u8; 13] = r.bytes("common_iv").try_into().unwrap();
                let n = oscore::nonce(&iv, &r.bytes("id"), &r.bytes("partial_iv")).unwrap();
                assert_eq!(n.as_slice(), r.bytes("nonce"), "{}", r.text("section"));
                nonces += 1;
            }
            other => panic!("line {}: kind {other}", r.line),
        }
    }
    assert_eq!(
        (contexts, nonces),
        (CONTEXT_COUNT, NONCE_COUNT),
        "record counts"
    );
}

#[test]
fn id_context_nil_and_empty_differ() {
    let mut h = common::backend();
    let secret = [1u8; 16];
    let mut a = OscoreKeys::zeroed();
    let mut b = OscoreKeys::zeroed();
    oscore::derive_context(&mut h, &params(&secret, b"", b"", b"\x01"), &mut a).unwrap();
    let p = OscoreParams {
        id_context: Some(&[]),
        ..params(&secret, b"", b"", b"\x01")
    };
    oscore::derive_context(&mut h, &p, &mut b).unwrap();
    assert!(!a.sender_key.ct_eq(&b.sender_key));
    assert_ne!(a.common_iv, b.common_iv);
    // Long ID Contexts use the 2- and 3-byte CBOR headers.
    for len in [23usize, 24, 255, 256, 65535] {
        let ctx = vec![9u8; len];
        let p = OscoreParams {
            id_context: Some(&ctx),
            ..params(&secret, b"", b"", b"\x01")
        };
        oscore::derive_context(&mut h, &p, &mut b).unwrap();
    }
    assert!(format!("{a:?}").starts_with("OscoreKeys { common_iv"));
}

#[test]
fn invalid_inputs() {
    let mut h = common::backend();
    let secret = [1u8; 16];
    let mut keys = OscoreKeys::zeroed();
    let long_id = [5u8; 8];
    let big_ctx = vec![0u8; 65536];
    let bad = [
        params(&secret, b"", &long_id, b"\x01"),
        params(&secret, b"", b"\x01", &long_id),
        params(&secret, b"", b"\x01", b"\x01"),
        params(&secret[..15], b"", b"", b"\x01"),
        OscoreParams {
            id_context: Some(&big_ctx),
            ..params(&secret, b"", b"", b"\x01")
        },
    ];
    for p in bad {
        assert_eq!(
            oscore::derive_context(&mut h, &p, &mut keys),
            Err(Error::InvalidInput),
            "{p:?}"
        );
        assert_eq!(keys.common_iv, [0; 13]);
    }
    // A 7-byte id is the longest that fits the 13-byte nonce.
    oscore::derive_context(&mut h, &params(&secret, b"", &[5; 7], b""), &mut keys).unwrap();

    let iv = [0u8; 13];
    assert_eq!(oscore::nonce(&iv, &long_id, &[1]), Err(Error::InvalidInput));
    assert_eq!(oscore::nonce(&iv, &[], &[1; 6]), Err(Error::InvalidInput));
    assert_eq!(
        oscore::nonce(&iv, &[0xaa; 7], &[0xbb; 5]).unwrap(),
        [
            7, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb
        ]
    );
}

#[test]
fn partial_iv_encoding() {
    let cases: [(u64, &[u8]); 6] = [
        (0, &[0]),
        (20, &[0x14]),
        (255, &[0xff]),
        (256, &[1, 0]),
        (0x12_3456_789a, &[0x12, 0x34, 0x56, 0x78, 0x9a]),
        ((1 << 40) - 1, &[0xff; 5]),
    ];
    for (seq, expected) in cases {
        let (buf, len) = oscore::partial_iv(seq).unwrap();
        assert_eq!(&buf[..len], expected, "{seq}");
    }
    assert_eq!(oscore::partial_iv(1 << 40), Err(Error::InvalidInput));
}
