//! IEEE 802.15.4 CCM* through `CcmStar`, all security levels.
//!
//! Input: key (16), source address (u64), frame counter (u32), level byte (u8), wrong-level
//! byte (u8), tamper position (u16), tamper xor (u8), header (lv), payload (rest).
#![no_main]

use bulwark_api::{
    Error,
    ccm::{Ccm, CcmStar, SecurityLevel, ieee802154_nonce},
};
use bulwark_fuzz::Reader;
use bulwark_soft::{SoftAes, SoftCcm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let key = r.array::<16>();
    let addr = r.u64();
    let counter = r.u32();
    let level_byte = r.u8();
    let wrong = r.u8();
    let tamper_pos = usize::from(r.u16());
    let tamper_xor = r.u8() | 1;
    let header = r.lv();
    let payload = r.rest();

    let parsed = SecurityLevel::from_u8(level_byte);
    assert_eq!(parsed.is_ok(), (1..=7).contains(&level_byte));
    let level = SecurityLevel::ALL[usize::from(level_byte % 7)];
    assert_eq!(SecurityLevel::from_u8(level.as_u8()), Ok(level));

    let mut ccm = SoftCcm::new(SoftAes::new(&key).unwrap());
    let nonce = ieee802154_nonce(addr, counter, level);
    let mic_len = level.mic_len();

    // Seal.
    let mut frame = payload.to_vec();
    let mut mic = vec![0u8; mic_len];
    ccm.seal_frame(level, &nonce, header, &mut frame, &mut mic)
        .unwrap();
    if !level.encrypts() {
        assert_eq!(frame, payload, "MIC-only level changed the payload");
    }
    // Same bytes as the plain CCM calls the level stands for.
    let mut expect = payload.to_vec();
    let mut expect_mic = vec![0u8; mic_len];
    match level {
        SecurityLevel::Enc => ccm.crypt_unauthenticated(&nonce, &mut expect).unwrap(),
        SecurityLevel::Mic32 | SecurityLevel::Mic64 | SecurityLevel::Mic128 => ccm
            .seal_detached(&nonce, &[header, payload], &mut [], &mut expect_mic)
            .unwrap(),
        _ => ccm
            .seal_detached(&nonce, &[header], &mut expect, &mut expect_mic)
            .unwrap(),
    }
    assert_eq!(frame, expect);
    assert_eq!(mic, expect_mic);

    // Open round trip.
    let mut opened = frame.clone();
    ccm.open_frame(level, &nonce, header, &mut opened, &mic)
        .unwrap();
    assert_eq!(opened, payload);

    // Tamper one byte of header, payload or MIC.
    let total = header.len() + frame.len() + mic.len();
    if total > 0 {
        let (mut h2, mut f2, mut m2) = (header.to_vec(), frame.clone(), mic.clone());
        let mut pos = tamper_pos % total;
        let mut in_payload = None;
        for (i, v) in [&mut h2, &mut f2, &mut m2].into_iter().enumerate() {
            if pos < v.len() {
                v[pos] ^= tamper_xor;
                if i == 1 {
                    in_payload = Some(pos);
                }
                break;
            }
            pos -= v.len();
        }
        let verdict = ccm.open_frame(level, &nonce, &h2, &mut f2, &m2);
        if mic_len > 0 {
            assert_eq!(
                verdict,
                Err(Error::Verification),
                "tampered frame accepted at {level:?}"
            );
            assert!(f2.iter().all(|&b| b == 0), "payload not zeroed");
        } else {
            // Level 4 has no integrity: the flip goes straight through (header is unused).
            verdict.unwrap();
            let mut want = payload.to_vec();
            if let Some(p) = in_payload {
                want[p] ^= tamper_xor;
            }
            assert_eq!(f2, want);
        }
    }

    // A nonce whose level byte disagrees with `level` is refused, nothing touched.
    let mut bad_nonce = nonce;
    bad_nonce[12] = if wrong == level.as_u8() {
        wrong.wrapping_add(1)
    } else {
        wrong
    };
    let mut f3 = frame.clone();
    let mut m3 = mic.clone();
    assert_eq!(
        ccm.seal_frame(level, &bad_nonce, header, &mut f3, &mut m3),
        Err(Error::InvalidInput)
    );
    assert_eq!((&f3, &m3), (&frame, &mic));
    assert_eq!(
        ccm.open_frame(level, &bad_nonce, header, &mut f3, &mic),
        Err(Error::InvalidInput)
    );
    assert_eq!(f3, frame);
    // The nonce for another level opens nothing either (its level byte mismatches).
    let other = SecurityLevel::ALL[usize::from(wrong % 7)];
    if other != level && other.mic_len() == mic_len {
        assert_eq!(
            ccm.open_frame(other, &nonce, header, &mut f3, &mic),
            Err(Error::InvalidInput)
        );
    }
    // A MIC of the wrong length is refused.
    let wrong_mic = vec![0u8; (mic_len + 1 + usize::from(wrong % 16)) % 17];
    if wrong_mic.len() != mic_len {
        assert_eq!(
            ccm.open_frame(level, &nonce, header, &mut f3, &wrong_mic),
            Err(Error::InvalidInput)
        );
        assert_eq!(f3, frame);
    }
});
