//! Known answers: the Bluetooth Core Specification's Appendix D sample data for every toolbox
//! function, and the Zigbee install-code example.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::{
    SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
};
use bulwark_links::ble::{rpa, toolbox};
use bulwark_links::zigbee::{install_code, mmo};
use bulwark_links::{BlockEngines, CmacEngines};
use bulwark_soft::Soft;
use bulwark_testkit::vectors::{Record, records};
use common::engines;

const BLE: &str = include_str!("../../../test-vectors/ble_sc_toolbox.txt");
const ZIGBEE: &str = include_str!("../../../test-vectors/zigbee_install_code.txt");

fn arr<const N: usize>(r: &Record<'_>, name: &str) -> [u8; N] {
    let v = r.bytes(name);
    assert_eq!(v.len(), N, "line {}: {name} length", r.line);
    let mut out = [0u8; N];
    out.copy_from_slice(&v);
    out
}

fn secret<const N: usize>(r: &Record<'_>, name: &str) -> SecretBytes<N> {
    let mut a = arr::<N>(r, name);
    SecretBytes::take_from(&mut a)
}

#[test]
fn appendix_d_every_function() {
    let mut e = engines();
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for r in records(BLE) {
        count += 1;
        let f = r.text("fn");
        seen.insert(f.to_string());
        match f {
            "p256" => {
                let mut kex = Soft;
                let a =
                    KeyAgreement::<P256>::import_static(&mut kex, secret(&r, "private_a")).unwrap();
                let b =
                    KeyAgreement::<P256>::import_static(&mut kex, secret(&r, "private_b")).unwrap();
                let pa = KeyAgreement::<P256>::static_public(&mut kex, &a).unwrap();
                let pb = KeyAgreement::<P256>::static_public(&mut kex, &b).unwrap();
                let ea = KeyAgreement::<P256>::export_public(&mut kex, &pa);
                let eb = KeyAgreement::<P256>::export_public(&mut kex, &pb);
                assert_eq!(&ea[1..33], &r.bytes("public_a_x")[..]);
                assert_eq!(&ea[33..], &r.bytes("public_a_y")[..]);
                assert_eq!(&eb[1..33], &r.bytes("public_b_x")[..]);
                assert_eq!(&eb[33..], &r.bytes("public_b_y")[..]);
                let shared = KeyAgreement::<P256>::agree_static(&mut kex, &a, &pb).unwrap();
                assert_eq!(&expose_shared_secret(&shared)[..], &r.bytes("dhkey")[..]);
                // The debug key is A's public key.
                assert_eq!(&ea[1..33], &bulwark_links::ble::pairing::DEBUG_PUBLIC_X);
                assert_eq!(&ea[33..], &bulwark_links::ble::pairing::DEBUG_PUBLIC_Y);
            }
            "f4" => {
                let out = toolbox::f4(
                    &mut e,
                    &arr(&r, "u"),
                    &arr(&r, "v"),
                    &arr(&r, "x"),
                    arr::<1>(&r, "z")[0],
                )
                .unwrap();
                assert_eq!(out, arr(&r, "out"));
            }
            "f5" => {
                let w = secret::<32>(&r, "w");
                // The intermediate T = AES-CMAC_SALT(W).
                let t = bulwark_api::mac::Cmac::compute(
                    &mut e.cmac(&toolbox::F5_SALT).unwrap(),
                    &[w.expose_secret()],
                )
                .unwrap();
                assert_eq!(t, arr(&r, "t"));
                let keys = toolbox::f5(
                    &mut e,
                    &w,
                    &arr(&r, "n1"),
                    &arr(&r, "n2"),
                    &arr(&r, "a1"),
                    &arr(&r, "a2"),
                )
                .unwrap();
                assert_eq!(keys.mac_key.expose_secret(), &arr(&r, "mackey"));
                assert_eq!(keys.ltk.expose_secret(), &arr(&r, "ltk"));
            }
            "f6" => {
                let out = toolbox::f6(
                    &mut e,
                    &secret(&r, "w"),
                    &arr(&r, "n1"),
                    &arr(&r, "n2"),
                    &arr(&r, "r"),
                    &arr(&r, "iocap"),
                    &arr(&r, "a1"),
                    &arr(&r, "a2"),
                )
                .unwrap();
                assert_eq!(out, arr(&r, "out"));
            }
            "g2" => {
                let out = toolbox::g2(
                    &mut e,
                    &arr(&r, "u"),
                    &arr(&r, "v"),
                    &arr(&r, "x"),
                    &arr(&r, "y"),
                )
                .unwrap();
                assert_eq!(out.to_be_bytes(), arr(&r, "out"));
                assert_eq!(
                    u64::from(toolbox::numeric_comparison_value(out)),
                    r.number("number").unwrap()
                );
            }
            "h6" => {
                let out = toolbox::h6(&mut e, &secret(&r, "w"), &arr(&r, "keyid")).unwrap();
                assert_eq!(out.expose_secret(), &arr(&r, "out"));
            }
            "h7" => {
                let out = toolbox::h7(&mut e, &arr(&r, "salt"), &secret(&r, "w")).unwrap();
                assert_eq!(out.expose_secret(), &arr(&r, "out"));
            }
            "ah" => {
                let irk = secret::<16>(&r, "irk");
                let prand = arr::<3>(&r, "prand");
                let out = toolbox::ah(&mut e, &irk, &prand).unwrap();
                assert_eq!(out, arr(&r, "out"));
                // prand 0x708194 has the top bits 0b01: the address prand || hash resolves.
                let address = rpa::from_prand(&mut e, &irk, &prand).unwrap();
                assert_eq!(address, [0x70, 0x81, 0x94, 0x0d, 0xfb, 0xaa]);
                assert!(rpa::resolve(&mut e, &irk, &address).unwrap());
            }
            other => panic!("line {}: unknown fn {other}", r.line),
        }
    }
    assert_eq!(count, 8);
    assert_eq!(seen.len(), 8);
}

#[test]
fn install_code_example() {
    let mut e = engines();
    let mut count = 0;
    for r in records(ZIGBEE) {
        count += 1;
        let code = r.bytes("install_code");
        let key = install_code::link_key(&mut e, &code).unwrap();
        assert_eq!(key.expose_secret(), &arr(&r, "link_key"));
        // The CRC is the last two octets, least significant first.
        let crc = install_code::crc16(&code[..code.len() - 2]);
        assert_eq!(
            crc.to_le_bytes(),
            [code[code.len() - 2], code[code.len() - 1]]
        );
    }
    assert_eq!(count, 1);
}

#[test]
fn install_code_wrong_crc_or_length_is_refused() {
    let mut e = engines();
    let code = bulwark_testkit::hex::decode("83fed3407a939723a5c639b26916d505c3b5");
    for bit in 0..code.len() * 8 {
        let mut bad = code.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            install_code::link_key(&mut e, &bad).err(),
            Some(install_code::InstallCodeError::Crc),
            "bit {bit}"
        );
    }
    for len in 0..=20 {
        if [8, 10, 14, 18].contains(&len) {
            continue;
        }
        let v = vec![0u8; len];
        assert_eq!(
            install_code::check(&v),
            Err(install_code::InstallCodeError::Length),
            "len {len}"
        );
    }
    // Every accepted length, with a correct CRC, gives a key.
    for code_len in [6, 8, 12, 16] {
        let mut v: Vec<u8> = (0..code_len as u8).collect();
        let crc = install_code::crc16(&v);
        v.extend_from_slice(&crc.to_le_bytes());
        assert!(install_code::link_key(&mut e, &v).is_ok());
    }
}

/// AES-MMO's two paddings (16-bit length below 2^16 bits, 32-bit length plus 16 zero bits
/// from there) and block boundaries, against a direct transcription of Annex B.6.
#[test]
fn mmo_padding_forms() {
    let mut e = engines();
    fn reference(e: &mut impl BlockEngines, m: &[u8]) -> [u8; 16] {
        let bits = (m.len() as u64) * 8;
        let mut padded = m.to_vec();
        padded.push(0x80);
        if bits < 1 << 16 {
            while padded.len() % 16 != 14 {
                padded.push(0);
            }
            padded.extend_from_slice(&(bits as u16).to_be_bytes());
        } else {
            while padded.len() % 16 != 10 {
                padded.push(0);
            }
            padded.extend_from_slice(&(bits as u32).to_be_bytes());
            padded.extend_from_slice(&[0, 0]);
        }
        let mut h = [0u8; 16];
        for block in padded.chunks(16) {
            let mut b: [u8; 16] = block.try_into().unwrap();
            e.encrypt_block(&h, &mut b).unwrap();
            for i in 0..16 {
                h[i] = b[i] ^ block[i];
            }
        }
        h
    }
    for len in [0usize, 1, 13, 14, 15, 16, 17, 30, 31, 32, 8191, 8192, 8193] {
        let m: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let expected = reference(&mut e, &m);
        assert_eq!(
            mmo::hash(&mut e, &[&m]).unwrap().expose_secret(),
            &expected,
            "len {len}"
        );
        // Split anywhere, same hash.
        let (a, b) = m.split_at(len / 3);
        assert_eq!(
            mmo::hash(&mut e, &[a, b]).unwrap().expose_secret(),
            &expected,
            "len {len} split"
        );
    }
}
