//! The key hierarchy: the reference vectors, determinism, separation, and secure defaults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::SecretBytes;
use bulwark_psk::hierarchy::{MIN_SECRET_LEN, STORAGE_KEY_LEN};
use bulwark_psk::{DeviceIdentity, DeviceRoot, OobCode, PskError, parse_code};

const VECTORS: &str = include_str!("../../../test-vectors/psk_derivation.txt");
const VECTOR_COUNT: usize = 7;

struct Keys {
    identity: DeviceIdentity,
    link: SecretBytes<16>,
    storage: SecretBytes<32>,
}

fn keys(secret: &[u8], device_id: &[u8], epoch: u32) -> Keys {
    let mut h = common::backend();
    let root = DeviceRoot::derive(&mut h, secret, device_id, epoch).unwrap();
    let mut link = SecretBytes::zeroed();
    let mut storage = SecretBytes::zeroed();
    root.link_key(&mut h, &mut link).unwrap();
    root.storage_key(&mut h, &mut storage).unwrap();
    Keys {
        identity: root.identity(&mut h).unwrap(),
        link,
        storage,
    }
}

#[test]
fn reference_vectors() {
    let records = common::records(VECTORS);
    assert_eq!(
        records.len(),
        VECTOR_COUNT,
        "psk_derivation.txt record count"
    );
    let mut h = common::backend();
    for r in &records {
        // The code format: the Python reference's code parses to the secret and is canonical.
        let secret = parse_code(r.text("code")).unwrap();
        assert_eq!(
            secret.expose_secret().as_slice(),
            r.bytes("secret"),
            "line {}",
            r.line
        );
        assert_eq!(OobCode::from_secret(&secret).expose_str(), r.text("code"));

        let device_id = r.bytes("device_id");
        let epoch: u32 = r.text("epoch").parse().unwrap();
        let root = DeviceRoot::from_code_secret(&mut h, &secret, &device_id, epoch).unwrap();
        assert_eq!(root.epoch(), epoch);
        let mut out32 = SecretBytes::<32>::zeroed();
        root.purpose_key(&mut h, b"device-root-check", &mut out32)
            .unwrap();

        let k = keys(secret.expose_secret(), &device_id, epoch);
        assert_eq!(
            k.identity.as_bytes().as_slice(),
            r.bytes("identity"),
            "line {}",
            r.line
        );
        assert_eq!(
            k.link.expose_secret().as_slice(),
            r.bytes("link_key"),
            "line {}",
            r.line
        );
        assert_eq!(
            k.storage.expose_secret().as_slice(),
            r.bytes("storage_key"),
            "line {}",
            r.line
        );

        // The device root itself, through the public expand-only use of HKDF: the purpose keys
        // recomputed from the vector's device_root with the test HKDF must match too.
        use bulwark_api::kdf::{HkdfSha256, Prk};
        let mut root_bytes = SecretBytes::<32>::zeroed();
        root_bytes
            .expose_secret_mut()
            .copy_from_slice(&r.bytes("device_root"));
        let prk = Prk::from_secret(root_bytes);
        let link: SecretBytes<16> = h
            .expand_secret(
                &prk,
                &[b"\x00\x0ebulwark-psk v1", b"\x00\x04link", b"\x00\x10"],
            )
            .unwrap();
        assert!(link.ct_eq(&k.link), "line {}", r.line);
    }
}

#[test]
fn deterministic_and_separated() {
    let secret = [0x42u8; 15]
        .iter()
        .chain([0x43].iter())
        .copied()
        .collect::<Vec<_>>();
    let eui = [0x70, 0xb3, 0xd5, 0x7e, 0xd0, 0x00, 0x12, 0x34];
    let a = keys(&secret, &eui, 1);
    let b = keys(&secret, &eui, 1);
    assert_eq!(a.identity, b.identity);
    assert!(a.link.ct_eq(&b.link));
    assert!(a.storage.ct_eq(&b.storage));

    let mut other_eui = eui;
    other_eui[7] ^= 1;
    let mut other_secret = secret.clone();
    other_secret[0] ^= 1;
    for c in [
        keys(&secret, &eui, 2),
        keys(&secret, &eui, 0),
        keys(&secret, &other_eui, 1),
        keys(&other_secret, &eui, 1),
        keys(&secret, &eui[..7], 1),
    ] {
        assert_ne!(a.identity, c.identity);
        assert!(!a.link.ct_eq(&c.link));
        assert!(!a.storage.ct_eq(&c.storage));
    }
    // Purposes are separated from each other.
    assert_ne!(a.identity.as_bytes(), a.link.expose_secret());
    assert_ne!(&a.storage.expose_secret()[..16], a.link.expose_secret());
}

#[test]
fn raw_secrets_and_codes_agree() {
    let mut h = common::backend();
    let code = OobCode::generate(&mut common::TestRng::new(9)).unwrap();
    let secret = parse_code(code.expose_str()).unwrap();
    let from_code = DeviceRoot::from_code(&mut h, &code, b"dev", 3).unwrap();
    let from_raw = DeviceRoot::derive(&mut h, secret.expose_secret(), b"dev", 3).unwrap();
    assert_eq!(
        from_code.identity(&mut h).unwrap(),
        from_raw.identity(&mut h).unwrap()
    );
    // Longer raw secrets (e.g. a 32-byte NFC secret) are accepted.
    let long = [0x11u8, 0x22].repeat(16);
    assert!(DeviceRoot::derive(&mut h, &long, b"dev", 0).is_ok());
}

#[test]
fn weak_secrets_are_refused_with_a_reason() {
    let mut h = common::backend();
    let cases: [(&[u8], PskError); 5] = [
        (b"123456", PskError::SecretTooShort { len: 6 }),
        (b"correct horse", PskError::SecretTooShort { len: 13 }),
        (&[0xa7; 15], PskError::SecretTooShort { len: 15 }),
        (b"12345678901234567890", PskError::SecretIsDigits),
        (&[0u8; 16], PskError::SecretIsConstant),
    ];
    for (secret, expected) in cases {
        let err = DeviceRoot::derive(&mut h, secret, b"dev", 0).unwrap_err();
        assert_eq!(err, expected);
        assert_eq!(
            bulwark_api::Error::from(err),
            bulwark_api::Error::InvalidInput
        );
        let msg = err.to_string();
        assert!(msg.contains("refused"), "{msg}");
    }
    let pin = DeviceRoot::derive(&mut h, b"123456", b"dev", 0)
        .unwrap_err()
        .to_string();
    for needle in ["offline", "128 bits", "PAKE", "out-of-band code"] {
        assert!(pin.contains(needle), "{needle} missing from: {pin}");
    }
    assert!(DeviceRoot::derive(&mut h, &[0xff; MIN_SECRET_LEN], b"dev", 0).is_err());
    let e: &dyn core::error::Error = &PskError::SecretIsDigits;
    assert!(e.source().is_none());
}

#[test]
fn device_id_and_purpose_limits() {
    let mut h = common::backend();
    let secret = [7u8, 8].repeat(8);
    assert_eq!(
        DeviceRoot::derive(&mut h, &secret, b"", 0).unwrap_err(),
        PskError::DeviceIdLength { len: 0 }
    );
    assert_eq!(
        DeviceRoot::derive(&mut h, &secret, &[1; 256], 0).unwrap_err(),
        PskError::DeviceIdLength { len: 256 }
    );
    let root = DeviceRoot::derive(&mut h, &secret, &[1; 255], 0).unwrap();
    let mut out = SecretBytes::<STORAGE_KEY_LEN>::zeroed();
    for reserved in [&b"link"[..], b"storage", b"identity", b"device-root"] {
        assert_eq!(
            root.purpose_key(&mut h, reserved, &mut out).unwrap_err(),
            PskError::PurposeLabel
        );
    }
    root.purpose_key(&mut h, b"firmware-update", &mut out)
        .unwrap();
    assert_eq!(format!("{root:?}"), "DeviceRoot { epoch: 0, .. }");
    assert_eq!(
        bulwark_api::Error::from(PskError::Backend(bulwark_api::Error::Hardware)),
        bulwark_api::Error::Hardware
    );
}
