//! Link-layer parsers of `bulwark-links` on received bytes: Zigbee NWK/APS frame security
//! (`zigbee::security::open`), IEEE 802.15.4 secured data frames
//! (`zigbee::ieee802154::open_data_frame`), Security Manager PDUs (`ble::pairing::Pdu`) and
//! the LE Secure Connections pairing state machine fed peer PDUs.
//!
//! Input: mode (u8).
//! - `% 5 == 0` (Zigbee, raw): level (u8, 0..=7), header length (u8), known source (u8 flag,
//!   u64), last accepted counter (u8 flag, u32), then the frame (rest).
//! - `% 5 == 1` (Zigbee, structured): level (u8, 5..=7 used), key id (u8), frame counter
//!   (u32), source (u64), source sent (u8), key sequence (u8), header (`lv`), payload (`lv2`),
//!   a position (u16) and bit (u8) to flip.
//! - `% 5 == 2` (802.15.4): level (u8), then either (flag u8 odd) the raw frame (rest), or
//!   the fields of `FrameInfo`, a payload (`lv`), a position (u16) and bit (u8) to flip.
//! - `% 5 == 3` (SMP PDU): the PDU bytes (rest).
//! - `% 5 == 4` (pairing): role (u8), our features (io u8, auth_req u8, keys u8, u8),
//!   options (u8), then steps until the input ends: a kind (u8: PDU bytes as `lv`, a passkey
//!   u32, a user answer u8).
//!
//! Asserts, besides never panicking: a frame opens only if it is exactly what sealing its
//! plaintext under the key gives (re-sealed byte for byte; the unsent Zigbee level bits
//! aside), so nothing opens that was not sealed under the key; a failed open leaves no
//! plaintext (payload zeroed or untouched) and does not advance the frame counter; a sealed
//! frame opens to its payload and a flipped bit fails (except the Zigbee level bits, which
//! are not sent), replaying it fails. A decoded PDU re-encodes to its bytes. The pairing
//! machine never completes from PDUs its fuzzed peer could not compute (no key), and after
//! an error every further step is refused.
#![no_main]

use bulwark_api::{Error, SecretBytes, ccm::SecurityLevel};
use bulwark_fuzz::Reader;
use bulwark_links::ModeEngines;
use bulwark_links::ble::pairing::{
    Event, Features, IoCapability, MAX_PDU_LEN, Options, Pairing, PairingError, Pdu, Role,
};
use bulwark_links::zigbee::ieee802154::{self, FrameInfo};
use bulwark_links::zigbee::security::{self, AuxHeader, IncomingCounter, KeyId};
use bulwark_soft::{Soft, SoftAes};
use libfuzzer_sys::fuzz_target;

const KEY: [u8; 16] = [
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
];

fn engines() -> ModeEngines<impl FnMut(&[u8]) -> Result<SoftAes, Error>> {
    ModeEngines(|k: &[u8]| SoftAes::new(k))
}

fn key() -> SecretBytes<16> {
    SecretBytes::try_from_slice(&KEY).unwrap()
}

fn level(v: u8) -> SecurityLevel {
    SecurityLevel::from_u8(v & 7).unwrap_or(SecurityLevel::from_u8(5).unwrap())
}

/// A Zigbee open that failed: before decryption nothing changed but the level bits of the
/// control octet; after, the payload is zeroed.
fn zigbee_failed(before: &[u8], after: &[u8], header_len: usize) {
    for (i, (a, b)) in before.iter().zip(after).enumerate() {
        if a != b && !(i == header_len && a & !7 == b & !7) && *b != 0 {
            panic!("byte {i} changed to {b:#04x} on a failed open");
        }
    }
}

fn zigbee_raw(r: &mut Reader) {
    let lvl = r.u8() & 7;
    let header_len = usize::from(r.u8() % 64);
    let known = (r.u8() & 1 == 1).then(|| r.u64());
    let last = (r.u8() & 1 == 1).then(|| r.u32());
    let frame = r.rest();
    let level = SecurityLevel::from_u8(lvl).ok();
    let Some(level) = level else { return };
    let mut counter = last.map_or(IncomingCounter::new(), IncomingCounter::after);
    let mut buf = frame.to_vec();
    match security::open(
        &mut engines(),
        &key(),
        level,
        known,
        &mut buf,
        header_len,
        &mut counter,
    ) {
        Ok(opened) => {
            assert!(level.encrypts() && level.mic_len() > 0);
            assert_eq!(counter.last(), Some(opened.aux.frame_counter));
            assert!(last.is_none_or(|l| opened.aux.frame_counter > l));
            // Re-seal the plaintext: it must give the received frame.
            let source = opened.aux.source.or(known).unwrap();
            let payload_len = opened.payload_end - opened.payload_start;
            let mut again = vec![0u8; frame.len()];
            again[..header_len].copy_from_slice(&frame[..header_len]);
            again[header_len..header_len + payload_len]
                .copy_from_slice(&buf[opened.payload_start..opened.payload_end]);
            let n = security::seal(
                &mut engines(),
                &key(),
                level,
                source,
                &opened.aux,
                &mut again,
                header_len,
                payload_len,
            )
            .unwrap();
            assert_eq!(n, frame.len());
            let mut sent = frame.to_vec();
            sent[header_len] &= !7;
            assert_eq!(again, sent, "a frame opened that sealing does not give");
        }
        Err(e) => {
            assert!(
                matches!(e, Error::Verification | Error::InvalidInput),
                "{e:?}"
            );
            assert_eq!(counter.last(), last, "counter moved on a failed open");
            zigbee_failed(frame, &buf, header_len);
        }
    }
}

fn zigbee_structured(r: &mut Reader) {
    let level = level(5 + r.u8() % 3);
    let key_id = match r.u8() % 4 {
        0 => KeyId::Data,
        1 => KeyId::Network,
        2 => KeyId::KeyTransport,
        _ => KeyId::KeyLoad,
    };
    let frame_counter = r.u32();
    let source = r.u64();
    let sent = r.u8() & 1 == 1;
    let seq = r.u8();
    let header = r.lv().to_vec();
    let payload = r.lv2().to_vec();
    let (pos, bit) = (r.u16(), r.u8());
    let aux = AuxHeader {
        key_id,
        frame_counter,
        source: sent.then_some(source),
        key_sequence: (key_id == KeyId::Network).then_some(seq),
    };
    let hl = header.len();
    let mut frame = vec![0u8; hl + aux.len() + payload.len() + level.mic_len()];
    frame[..hl].copy_from_slice(&header);
    frame[hl..hl + payload.len()].copy_from_slice(&payload);
    let Ok(n) = security::seal(
        &mut engines(),
        &key(),
        level,
        source,
        &aux,
        &mut frame,
        hl,
        payload.len(),
    ) else {
        // Only a counter of u32::MAX is refused? No: seal takes any counter; nothing else fails.
        panic!("seal refused a consistent frame");
    };
    assert_eq!(n, frame.len());
    let known = (!sent).then_some(source);

    // A flipped bit fails, except the unsent level bits.
    let mut bad = frame.clone();
    let at = usize::from(pos) % bad.len();
    let mask = 1u8 << (bit % 8);
    bad[at] ^= mask;
    let mut c = IncomingCounter::new();
    let res = security::open(&mut engines(), &key(), level, known, &mut bad, hl, &mut c);
    if at == hl && mask & 7 != 0 {
        assert!(res.is_ok(), "a flipped level bit (not sent) refused");
    } else {
        assert!(res.is_err(), "a frame with a flipped bit opened");
        assert_eq!(c.last(), None);
    }

    let mut good = frame.clone();
    let mut c = if frame_counter > 0 {
        IncomingCounter::after(frame_counter - 1)
    } else {
        IncomingCounter::new()
    };
    let opened =
        security::open(&mut engines(), &key(), level, known, &mut good, hl, &mut c).unwrap();
    assert_eq!(opened.aux, aux);
    assert_eq!(
        &good[opened.payload_start..opened.payload_end],
        &payload[..]
    );
    assert_eq!(&good[..hl], &header[..]);
    // Replayed: refused before decryption.
    let mut again = frame.clone();
    assert_eq!(
        security::open(&mut engines(), &key(), level, known, &mut again, hl, &mut c),
        Err(Error::Verification)
    );
    // Without a source (none sent, none known): refused.
    if !sent {
        let mut again = frame.clone();
        assert_eq!(
            security::open(
                &mut engines(),
                &key(),
                level,
                None,
                &mut again,
                hl,
                &mut IncomingCounter::new()
            ),
            Err(Error::InvalidInput)
        );
    }
}

fn mac_reseal(level: SecurityLevel, frame: &[u8], info: &FrameInfo, body: &[u8]) {
    let mut again = vec![0u8; frame.len()];
    let n =
        ieee802154::seal_data_frame(&mut engines(), &key(), level, info, body, &mut again).unwrap();
    assert_eq!(n, frame.len());
    assert_eq!(
        again, frame,
        "an 802.15.4 frame opened that sealing does not give"
    );
}

fn mac(r: &mut Reader) {
    let level = level(r.u8());
    if r.u8() & 1 == 1 {
        let frame = r.rest();
        let mut buf = frame.to_vec();
        match ieee802154::open_data_frame(&mut engines(), &key(), level, &mut buf) {
            Ok((info, range)) => mac_reseal(level, frame, &info, &buf[range]),
            Err(e) => {
                assert!(
                    matches!(e, Error::Verification | Error::InvalidInput),
                    "{e:?}"
                );
                // Untouched, or (a failed MIC) the payload zeroed.
                for (a, b) in frame.iter().zip(&buf) {
                    assert!(a == b || *b == 0, "frame changed on a failed open");
                }
            }
        }
        return;
    }
    let info = FrameInfo {
        sequence: r.u8(),
        pan_id: r.u16(),
        destination: r.u16(),
        source: r.u64(),
        frame_counter: r.u32(),
        key_index: r.u8(),
    };
    let payload = r.lv().to_vec();
    let (pos, bit) = (r.u16(), r.u8());
    let mut frame =
        vec![0u8; ieee802154::HEADER_LEN + ieee802154::AUX_LEN + payload.len() + level.mic_len()];
    let n = ieee802154::seal_data_frame(&mut engines(), &key(), level, &info, &payload, &mut frame)
        .unwrap();
    assert_eq!(n, frame.len());
    let mut good = frame.clone();
    let (got, range) =
        ieee802154::open_data_frame(&mut engines(), &key(), level, &mut good).unwrap();
    assert_eq!(got, info);
    assert_eq!(&good[range], &payload[..]);
    let mut bad = frame.clone();
    let at = usize::from(pos) % bad.len();
    bad[at] ^= 1 << (bit % 8);
    let res = ieee802154::open_data_frame(&mut engines(), &key(), level, &mut bad);
    let mic = level.mic_len() > 0;
    let in_payload = (ieee802154::HEADER_LEN + ieee802154::AUX_LEN..frame.len()).contains(&at);
    if mic {
        assert!(res.is_err(), "a flipped bit opened at {at}");
    } else if let Ok((info2, range2)) = res {
        // Level 4 (no MIC): only an encrypted payload bit flips through; header flips that
        // still parse change the fields, never silently.
        if in_payload {
            assert_eq!(info2, info);
            let diff: Vec<usize> = bad[range2.clone()]
                .iter()
                .zip(&payload)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, _)| i)
                .collect();
            assert_eq!(diff.len(), 1);
        }
    }
}

fn smp(r: &mut Reader) {
    let bytes = r.rest();
    if let Ok(pdu) = Pdu::decode(bytes) {
        let mut out = [0u8; MAX_PDU_LEN];
        let n = pdu.encode(&mut out);
        assert_eq!(&out[..n], bytes, "PDU does not re-encode to its bytes");
        assert_eq!(Pdu::decode(&out[..n]), Ok(pdu));
    }
}

/// A deterministic generator (xorshift): the fuzzed peer cannot know its output anyway.
struct TestRng(u64);

impl bulwark_api::Rng for TestRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for b in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = self.0 as u8;
        }
        Ok(())
    }
}

fn pairing(r: &mut Reader) {
    let role = if r.u8() & 1 == 0 {
        Role::Initiator
    } else {
        Role::Responder
    };
    let io = match r.u8() % 5 {
        0 => IoCapability::DisplayOnly,
        1 => IoCapability::DisplayYesNo,
        2 => IoCapability::KeyboardOnly,
        3 => IoCapability::NoInputNoOutput,
        _ => IoCapability::KeyboardDisplay,
    };
    let features = Features {
        io,
        oob: false,
        auth_req: r.u8(),
        max_key_size: 16,
        initiator_keys: r.u8(),
        responder_keys: r.u8(),
    };
    let o = r.u8();
    let options = Options {
        require_mitm: o & 1 == 1,
        allow_debug_key: o & 2 == 2,
    };
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
    let mut kex = Soft;
    let mut e = engines();
    let mut m = Pairing::new(
        &mut kex,
        &mut rng,
        role,
        features,
        options,
        [0, 1, 2, 3, 4, 5, 6],
        [1, 0xc0, 1, 2, 3, 4, 5],
    )
    .unwrap();
    if role == Role::Initiator {
        assert!(matches!(m.start(), Ok(Pdu::PairingRequest(_))));
    } else {
        assert_eq!(m.start().unwrap_err(), PairingError::Unexpected);
    }
    let mut failed = false;
    for _ in 0..12 {
        if r.is_empty() {
            break;
        }
        let res = match r.u8() % 4 {
            0 => m.passkey_entered(&mut e, &mut rng, r.u32() % 1_100_000),
            1 => m.user_confirmed(&mut e, r.u8() & 1 == 1),
            _ => match Pdu::decode(r.lv()) {
                Ok(pdu) => m.receive(&mut kex, &mut e, &mut rng, &pdu),
                Err(_) => continue,
            },
        };
        match res {
            Ok(out) => {
                assert!(!failed, "a step succeeded after the machine failed");
                assert!(
                    !matches!(out.event, Some(Event::Complete(_))),
                    "pairing completed with a peer that has no key"
                );
            }
            Err(err) => {
                if failed {
                    assert_eq!(err, PairingError::Unexpected);
                }
                failed = true;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    match r.u8() % 5 {
        0 => zigbee_raw(&mut r),
        1 => zigbee_structured(&mut r),
        2 => mac(&mut r),
        3 => smp(&mut r),
        _ => pairing(&mut r),
    }
});
