//! Zigbee NWK/APS frame security, frame counters, IEEE 802.15.4 MAC security, and resolvable
//! private addresses: round trips and every refusal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::{SecretBytes, ccm::SecurityLevel};
use bulwark_links::ble::rpa;
use bulwark_links::zigbee::ieee802154::{self, FrameInfo};
use bulwark_links::zigbee::mmo;
use bulwark_links::zigbee::security::{self, AuxHeader, IncomingCounter, KeyId, OutgoingCounter};
use bulwark_testkit::rng::DeterministicTestRng;
use common::engines;

fn key(b: u8) -> SecretBytes<16> {
    let mut k = [b; 16];
    SecretBytes::take_from(&mut k)
}

const SOURCE: u64 = 0x0011_2233_4455_6677;
// A NWK header: data frame, protocol version 2, security bit; destination, source, radius,
// sequence number.
const NWK_HEADER: [u8; 8] = [0x08, 0x02, 0xfc, 0xff, 0x00, 0x00, 0x1e, 0x42];

fn nwk_aux(counter: u32) -> AuxHeader {
    AuxHeader {
        key_id: KeyId::Network,
        frame_counter: counter,
        source: Some(SOURCE),
        key_sequence: Some(0),
    }
}

/// Seals the first `payload_len` bytes after an 8-byte NWK header in `buf` under
/// `key(key_byte)`, from [`SOURCE`].
fn seal_nwk(
    key_byte: u8,
    level: SecurityLevel,
    aux: &AuxHeader,
    buf: &mut [u8],
    payload_len: usize,
) -> Result<usize, bulwark_api::Error> {
    security::seal(
        &mut engines(),
        &key(key_byte),
        level,
        SOURCE,
        aux,
        buf,
        8,
        payload_len,
    )
}

fn sealed(level: SecurityLevel, counter: u32, payload: &[u8]) -> Vec<u8> {
    let mut buf = vec![0u8; 128];
    buf[..8].copy_from_slice(&NWK_HEADER);
    buf[8..8 + payload.len()].copy_from_slice(payload);
    let n = seal_nwk(0xab, level, &nwk_aux(counter), &mut buf, payload.len()).unwrap();
    buf.truncate(n);
    buf
}

/// Opens a NWK frame (8-byte header, the source in the auxiliary header) under `key(key_byte)`.
fn open_nwk(
    key_byte: u8,
    level: SecurityLevel,
    rx: &mut [u8],
    counter: &mut IncomingCounter,
) -> Result<security::Opened, bulwark_api::Error> {
    security::open(&mut engines(), &key(key_byte), level, None, rx, 8, counter)
}

#[test]
fn nwk_round_trip_level_not_sent() {
    let payload = b"\x01\x02hello zigbee";
    for level in [
        SecurityLevel::EncMic32,
        SecurityLevel::EncMic64,
        SecurityLevel::EncMic128,
    ] {
        let frame = sealed(level, 7, payload);
        assert_eq!(frame.len(), 8 + 14 + payload.len() + level.mic_len());
        // Security control on the air: level bits zero, key id 1 (network), extended nonce.
        assert_eq!(frame[8], 0x28);
        assert_eq!(&frame[9..13], &7u32.to_le_bytes());
        assert_eq!(&frame[13..21], &SOURCE.to_le_bytes());
        assert_ne!(&frame[22..22 + payload.len()], &payload[..], "encrypted");
        let mut rx = frame.clone();
        let mut counter = IncomingCounter::new();
        let opened = open_nwk(0xab, level, &mut rx, &mut counter).unwrap();
        assert_eq!(&rx[opened.payload_start..opened.payload_end], &payload[..]);
        assert_eq!(opened.aux, nwk_aux(7));
        assert_eq!(counter.last(), Some(7));
        // A receiver that assumed another level does not authenticate the frame.
        let other = if level == SecurityLevel::EncMic32 {
            SecurityLevel::EncMic64
        } else {
            SecurityLevel::EncMic32
        };
        let mut rx = frame.clone();
        assert!(open_nwk(0xab, other, &mut rx, &mut IncomingCounter::new()).is_err());
    }
}

#[test]
fn every_flipped_bit_is_refused_and_the_counter_stays() {
    let frame = sealed(SecurityLevel::EncMic32, 9, b"abcdef");
    for bit in 0..frame.len() * 8 {
        let mut rx = frame.clone();
        rx[bit / 8] ^= 1 << (bit % 8);
        // The level bits of the security control octet are not sent: the receiver overwrites
        // them with the network's level, so flipping them changes nothing.
        if bit / 8 == 8 && bit % 8 < 3 {
            continue;
        }
        let mut counter = IncomingCounter::after(3);
        let res = open_nwk(0xab, SecurityLevel::EncMic32, &mut rx, &mut counter);
        assert!(res.is_err(), "bit {bit}");
        assert_eq!(counter.last(), Some(3), "bit {bit}: counter unchanged");
    }
    // Wrong key.
    let mut rx = frame.clone();
    assert_eq!(
        open_nwk(
            0xac,
            SecurityLevel::EncMic32,
            &mut rx,
            &mut IncomingCounter::new()
        ),
        Err(bulwark_api::Error::Verification)
    );
    assert!(
        rx[22..28].iter().all(|&b| b == 0),
        "no unauthenticated plaintext left"
    );
}

#[test]
fn replays_are_refused() {
    let mut counter = IncomingCounter::new();
    let mut rx = sealed(SecurityLevel::EncMic32, 100, b"x");
    open_nwk(0xab, SecurityLevel::EncMic32, &mut rx, &mut counter).unwrap();
    for c in [100, 99, 0] {
        let mut rx = sealed(SecurityLevel::EncMic32, c, b"x");
        assert_eq!(
            open_nwk(0xab, SecurityLevel::EncMic32, &mut rx, &mut counter),
            Err(bulwark_api::Error::Verification),
            "counter {c}"
        );
    }
    let mut rx = sealed(SecurityLevel::EncMic32, 101, b"x");
    open_nwk(0xab, SecurityLevel::EncMic32, &mut rx, &mut counter).unwrap();
    assert_eq!(counter.last(), Some(101));
    // Sending: the counter never wraps.
    let mut out = OutgoingCounter::starting_at(u32::MAX - 2);
    assert_eq!(out.take(), Ok(u32::MAX - 2));
    assert_eq!(out.take(), Ok(u32::MAX - 1));
    assert_eq!(out.take(), Err(bulwark_api::Error::InvalidInput));
    assert_eq!(out.take(), Err(bulwark_api::Error::InvalidInput));
}

#[test]
fn aps_with_link_key_and_derived_keys() {
    let link = key(0x5a);
    let mut e = engines();
    // The keys derived with the keyed hash differ from the link key and from each other.
    let transport = mmo::key_transport_key(&mut e, &link).unwrap();
    let load = mmo::key_load_key(&mut e, &link).unwrap();
    assert!(!transport.ct_eq(&load) && !transport.ct_eq(&link));
    // APS data frame header: frame control (data, security), endpoints, cluster, profile, counter.
    let header = [0x20, 0x01, 0x06, 0x00, 0x04, 0x01, 0x01, 0x33];
    for (key_id, k) in [
        (KeyId::Data, &link),
        (KeyId::KeyTransport, &transport),
        (KeyId::KeyLoad, &load),
    ] {
        let aux = AuxHeader {
            key_id,
            frame_counter: 1,
            source: None,
            key_sequence: None,
        };
        let mut buf = vec![0u8; 64];
        buf[..8].copy_from_slice(&header);
        buf[8..11].copy_from_slice(b"on!");
        let n = security::seal(
            &mut e,
            k,
            SecurityLevel::EncMic32,
            SOURCE,
            &aux,
            &mut buf,
            8,
            3,
        )
        .unwrap();
        buf.truncate(n);
        // Without the extended nonce the receiver must know the source.
        let mut rx = buf.clone();
        assert_eq!(
            security::open(
                &mut e,
                k,
                SecurityLevel::EncMic32,
                None,
                &mut rx,
                8,
                &mut IncomingCounter::new()
            ),
            Err(bulwark_api::Error::InvalidInput)
        );
        let mut rx = buf.clone();
        let o = security::open(
            &mut e,
            k,
            SecurityLevel::EncMic32,
            Some(SOURCE),
            &mut rx,
            8,
            &mut IncomingCounter::new(),
        )
        .unwrap();
        assert_eq!(&rx[o.payload_start..o.payload_end], b"on!");
        assert_eq!(o.aux.key_id, key_id);
        // Another source: another nonce.
        let mut rx = buf.clone();
        assert!(
            security::open(
                &mut e,
                k,
                SecurityLevel::EncMic32,
                Some(SOURCE + 1),
                &mut rx,
                8,
                &mut IncomingCounter::new()
            )
            .is_err()
        );
    }
}

#[test]
fn refusals() {
    let mut buf = [0u8; 64];
    // Levels without encryption or without a MIC.
    for level in [
        SecurityLevel::Mic32,
        SecurityLevel::Mic64,
        SecurityLevel::Mic128,
        SecurityLevel::Enc,
    ] {
        assert_eq!(
            seal_nwk(1, level, &nwk_aux(1), &mut buf, 4),
            Err(bulwark_api::Error::InvalidInput)
        );
        assert_eq!(
            open_nwk(1, level, &mut buf, &mut IncomingCounter::new()),
            Err(bulwark_api::Error::InvalidInput)
        );
    }
    // Inconsistent auxiliary headers.
    let bad = [
        AuxHeader {
            key_sequence: None,
            ..nwk_aux(1)
        },
        AuxHeader {
            key_id: KeyId::Data,
            ..nwk_aux(1)
        },
        AuxHeader {
            source: Some(SOURCE + 1),
            ..nwk_aux(1)
        },
    ];
    for aux in bad {
        assert_eq!(
            seal_nwk(1, SecurityLevel::EncMic32, &aux, &mut buf, 4),
            Err(bulwark_api::Error::InvalidInput)
        );
    }
    // Too small a buffer.
    let mut small = [0u8; 30];
    assert_eq!(
        seal_nwk(1, SecurityLevel::EncMic32, &nwk_aux(1), &mut small, 10),
        Err(bulwark_api::Error::InvalidInput)
    );
    // Truncated frames.
    let frame = sealed(SecurityLevel::EncMic32, 1, b"abc");
    for len in 0..8 + 14 + 4 {
        let mut rx = frame[..len].to_vec();
        assert!(
            open_nwk(
                0xab,
                SecurityLevel::EncMic32,
                &mut rx,
                &mut IncomingCounter::new()
            )
            .is_err(),
            "len {len}"
        );
    }
}

#[test]
fn ieee802154_round_trip_and_tamper() {
    let info = FrameInfo {
        sequence: 5,
        pan_id: 0x1a62,
        destination: 0xffff,
        source: SOURCE,
        frame_counter: 3,
        key_index: 1,
    };
    for level in bulwark_api::ccm::SecurityLevel::ALL {
        let mut out = [0u8; 80];
        let n = ieee802154::seal_data_frame(
            &mut engines(),
            &key(7),
            level,
            &info,
            b"payload!",
            &mut out,
        )
        .unwrap();
        let frame = out[..n].to_vec();
        let mut rx = frame.clone();
        let (got, range) =
            ieee802154::open_data_frame(&mut engines(), &key(7), level, &mut rx).unwrap();
        assert_eq!(got, info);
        assert_eq!(&rx[range], b"payload!");
        if level.mic_len() > 0 {
            for bit in 0..frame.len() * 8 {
                let mut rx = frame.clone();
                rx[bit / 8] ^= 1 << (bit % 8);
                assert!(
                    ieee802154::open_data_frame(&mut engines(), &key(7), level, &mut rx).is_err(),
                    "{level:?} bit {bit}"
                );
            }
        }
        // A frame at another level than the policy's is refused.
        for other in bulwark_api::ccm::SecurityLevel::ALL {
            if other != level {
                let mut rx = frame.clone();
                assert_eq!(
                    ieee802154::open_data_frame(&mut engines(), &key(7), other, &mut rx).err(),
                    Some(bulwark_api::Error::InvalidInput)
                );
            }
        }
    }
}

#[test]
fn resolvable_private_addresses() {
    let mut e = engines();
    let mut rng = DeterministicTestRng::new(42);
    let irk = key(0x11);
    let other = key(0x12);
    for _ in 0..200 {
        let address = rpa::generate(&mut e, &mut rng, &irk).unwrap();
        assert_eq!(address[0] >> 6, 0b01);
        assert!(rpa::resolve(&mut e, &irk, &address).unwrap());
        assert!(!rpa::resolve(&mut e, &other, &address).unwrap());
        let mut tampered = address;
        tampered[5] ^= 1;
        assert!(!rpa::resolve(&mut e, &irk, &tampered).unwrap());
        // Not a resolvable private address (static random, non-resolvable): never resolves.
        let mut static_random = address;
        static_random[0] |= 0xc0;
        assert!(!rpa::resolve(&mut e, &irk, &static_random).unwrap());
    }
    // prand with an all-zero or all-one random part is not valid.
    for prand in [[0x40, 0, 0], [0x7f, 0xff, 0xff], [0x00, 1, 2], [0xc0, 1, 2]] {
        assert!(!rpa::is_valid_prand(&prand));
        assert_eq!(
            rpa::from_prand(&mut e, &irk, &prand),
            Err(bulwark_api::Error::InvalidInput)
        );
        let hash = bulwark_links::ble::toolbox::ah(&mut e, &irk, &prand).unwrap();
        let address = [prand[0], prand[1], prand[2], hash[0], hash[1], hash[2]];
        assert!(!rpa::resolve(&mut e, &irk, &address).unwrap());
    }
}
