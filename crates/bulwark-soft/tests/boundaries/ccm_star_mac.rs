//! CCM*, CMAC, CBC-MAC and CTR.

use super::*;

fn mic_rows(level: SecurityLevel, valid: R) -> Vec<(usize, R)> {
    [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17]
        .into_iter()
        .map(|m| (m, if m == level.mic_len() { valid } else { BAD }))
        .collect()
}

#[test]
fn ccm_star_seal_frame_mic_len() {
    for level in SecurityLevel::ALL {
        let nonce = ieee802154_nonce(0x0102_0304_0506_0708, 5, level);
        table(
            &format!("CcmStar::seal_frame mic ({level:?})"),
            &mic_rows(level, OK),
            |m| {
                let mut payload = [SENTINEL; 10];
                let mut mic = vec![SENTINEL; m];
                let r = ccm().seal_frame(level, &nonce, b"hdr", &mut payload, &mut mic);
                if r.is_err() {
                    untouched("seal_frame", &payload);
                    untouched("seal_frame", &mic);
                }
                r
            },
        );
    }
}

#[test]
fn ccm_star_open_frame_mic_len() {
    for level in SecurityLevel::ALL {
        let nonce = ieee802154_nonce(1, 2, level);
        // A wrong MIC of the right length is Verification (payload zeroed); level 4 has no MIC
        // and every frame "verifies".
        let valid = if level == SecurityLevel::Enc { OK } else { VER };
        table(
            &format!("CcmStar::open_frame mic ({level:?})"),
            &mic_rows(level, valid),
            |m| {
                let mut payload = [SENTINEL; 10];
                let r = ccm().open_frame(level, &nonce, b"hdr", &mut payload, &vec![0; m]);
                if r.is_ok() {
                    return r;
                }
                after("open_frame", r, &payload)
            },
        );
    }
}

#[test]
fn ccm_star_nonce_level_byte() {
    // The nonce's last byte must equal the level: one below, equal, one above.
    let level = SecurityLevel::EncMic64;
    table(
        "CcmStar::seal_frame nonce[12]",
        &[(5, BAD), (6, OK), (7, BAD), (0, BAD), (255, BAD)],
        |b| {
            let mut nonce = ieee802154_nonce(1, 2, level);
            nonce[12] = b as u8;
            let mut payload = [SENTINEL; 4];
            let mut mic = [SENTINEL; 8];
            let r = ccm().seal_frame(level, &nonce, b"", &mut payload, &mut mic);
            if r.is_err() {
                untouched("nonce level", &payload);
            }
            r
        },
    );
}

#[test]
fn ccm_star_payload_len() {
    for level in SecurityLevel::ALL {
        let nonce = ieee802154_nonce(7, 8, level);
        // Encrypting levels are limited by the 2-byte length field; MIC-only levels
        // authenticate the payload as associated data, which has no such limit.
        let over = if level.encrypts() { BAD } else { OK };
        let rows = [(0, OK), (1, OK), (65_534, OK), (65_535, OK), (65_536, over)];
        table(
            &format!("CcmStar::seal_frame payload ({level:?})"),
            &rows,
            |n| {
                let mut payload = vec![SENTINEL; n];
                let mut mic = vec![0u8; level.mic_len()];
                let r = ccm().seal_frame(level, &nonce, b"h", &mut payload, &mut mic);
                if r.is_err() {
                    untouched("seal_frame payload", &payload);
                    return r;
                }
                ccm().open_frame(level, &nonce, b"h", &mut payload, &mic)?;
                untouched("open_frame round trip", &payload);
                if level.mic_len() > 0 && n > 0 {
                    mic[0] ^= 1;
                    let v = ccm().open_frame(level, &nonce, b"h", &mut payload, &mic);
                    assert_eq!(after("open_frame payload", v, &payload), VER);
                }
                r
            },
        );
    }
}

#[test]
fn security_level_from_u8() {
    table(
        "SecurityLevel::from_u8",
        &[
            (0, BAD),
            (1, OK),
            (4, OK),
            (6, OK),
            (7, OK),
            (8, BAD),
            (255, BAD),
        ],
        |v| SecurityLevel::from_u8(v as u8).map(|l| assert_eq!(usize::from(l.as_u8()), v)),
    );
}

// ---------------------------------------------------------------- CMAC, CBC-MAC, CTR

fn reference_cmac(msg: &[u8]) -> [u8; 16] {
    cmac::Cmac::<aes::Aes128>::new_from_slice(&KEY)
        .unwrap()
        .chain_update(msg)
        .finalize()
        .into_bytes()
        .into()
}

#[test]
fn cmac_compute() {
    let rows: Vec<_> = [0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 4097]
        .map(|n| (n, OK))
        .to_vec();
    table("Cmac::compute message", &rows, |n| {
        let msg = vec![0x5a; n];
        let tag = CmacMode::new(SoftAes::new(&KEY).unwrap()).compute(&[&msg])?;
        assert_eq!(tag, reference_cmac(&msg), "cmac {n}");
        Ok(())
    });
}

#[test]
fn cmac_verify_tag_len() {
    let msg = b"cmac boundary";
    let full = reference_cmac(msg);
    let rows = [
        (0, BAD),
        (1, BAD),
        (7, BAD),
        (8, OK),
        (9, OK),
        (15, OK),
        (16, OK),
        (17, BAD),
        (32, BAD),
    ];
    table("Cmac::verify tag (correct prefix)", &rows, |t| {
        let mut tag = full.to_vec();
        tag.resize(t, 0);
        CmacMode::new(SoftAes::new(&KEY).unwrap()).verify(&[msg], &tag)
    });
    let rows = [(7, BAD), (8, VER), (16, VER), (17, BAD)];
    table("Cmac::verify tag (wrong)", &rows, |t| {
        let mut tag = full.to_vec();
        tag.resize(t, 0);
        tag[0] ^= 1;
        CmacMode::new(SoftAes::new(&KEY).unwrap()).verify(&[msg], &tag)
    });
}

#[test]
fn cbc_mac() {
    let rows = [
        (0, BAD),
        (1, BAD),
        (15, BAD),
        (16, OK),
        (17, BAD),
        (31, BAD),
        (32, OK),
        (33, BAD),
    ];
    table("CbcMac::cbc_mac message", &rows, |n| {
        let msg = vec![0x11; n];
        let tag = CbcMacMode::new(SoftAes::new(&KEY).unwrap()).cbc_mac(&msg)?;
        let reference: [u8; 16] = cbc_mac::CbcMac::<aes::Aes128>::new_from_slice(&KEY)
            .unwrap()
            .chain_update(&msg)
            .finalize()
            .into_bytes()
            .into();
        assert_eq!(tag, reference);
        Ok(())
    });
}

#[test]
fn ctr_apply_keystream() {
    // Any length; 128 bytes is the engine batch (8 blocks), so 127/128/129 cross it. The
    // counter block ff..ff wraps to 00..00 after the first block.
    let rows: Vec<_> = [0, 1, 15, 16, 17, 127, 128, 129, 255, 256, 257]
        .map(|n| (n, OK))
        .to_vec();
    for iv in [[0u8; 16], [0xff; 16]] {
        table("Ctr::apply_keystream buffer", &rows, |n| {
            let mut ours = vec![0x42; n];
            CtrMode::new(SoftAes::new(&KEY).unwrap()).apply_keystream(&iv, &mut ours)?;
            let mut theirs = vec![0x42; n];
            ctr::Ctr128BE::<aes::Aes128>::new_from_slices(&KEY, &iv)
                .unwrap()
                .apply_keystream(&mut theirs);
            assert_eq!(ours, theirs, "ctr {n}");
            Ok(())
        });
    }
}
