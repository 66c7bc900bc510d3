//! SoftAes, the simulated peripheral, and CCM.

use super::*;

const KEY_ROWS: &[(usize, R)] = &[
    (0, BAD),
    (1, BAD),
    (15, BAD),
    (16, OK),
    (17, BAD),
    (23, BAD),
    (24, OK),
    (25, BAD),
    (31, BAD),
    (32, OK),
    (33, BAD),
    (64, BAD),
];

#[test]
fn soft_aes_new() {
    table("SoftAes::new key", KEY_ROWS, |n| {
        SoftAes::new(&vec![7u8; n]).map(|aes| assert_eq!(aes.key_len(), n))
    });
}

#[test]
fn simulated_aes_peripheral_new() {
    table("SimulatedAesPeripheral::new key", KEY_ROWS, |n| {
        SimulatedAesPeripheral::new(&vec![7u8; n], 3).map(|_| ())
    });
}

// ---------------------------------------------------------------- Ccm

const NONCE_ROWS: &[(usize, R)] = &[
    (0, BAD),
    (1, BAD),
    (6, BAD),
    (7, OK),
    (8, OK),
    (12, OK),
    (13, OK),
    (14, BAD),
    (16, BAD),
];

fn tag_rows(valid: R) -> Vec<(usize, R)> {
    (0..=18)
        .map(|t| {
            let ok = (4..=16).contains(&t) && t % 2 == 0;
            (t, if ok { valid } else { BAD })
        })
        .collect()
}

/// Seals `len` sentinel bytes; on success checks the round trip and that a wrong tag zeroes.
fn seal_round_trip(name: &str, nonce: &[u8], len: usize, tag_len: usize) -> R {
    let mut buf = vec![SENTINEL; len];
    let mut tag = vec![SENTINEL; tag_len];
    let r = ccm().seal_detached(nonce, &[b"hdr"], &mut buf, &mut tag);
    if r.is_err() {
        untouched(name, &buf);
        untouched(name, &tag);
        return r;
    }
    let sealed = buf.clone();
    ccm()
        .open_detached(nonce, &[b"hdr"], &mut buf, &tag)
        .unwrap();
    untouched(name, &buf);
    let mut bad = tag.clone();
    bad[0] ^= 1;
    let mut buf = sealed;
    let v = ccm().open_detached(nonce, &[b"hdr"], &mut buf, &bad);
    assert_eq!(after(name, v, &buf), VER, "{name}: wrong tag");
    r
}

#[test]
fn ccm_seal_detached_nonce_len() {
    table("Ccm::seal_detached nonce", NONCE_ROWS, |n| {
        seal_round_trip("seal nonce", &vec![1; n], 20, 8)
    });
}

#[test]
fn ccm_seal_detached_tag_len() {
    table("Ccm::seal_detached tag", &tag_rows(OK), |t| {
        seal_round_trip("seal tag", &[1; 13], 20, t)
    });
}

#[test]
fn ccm_seal_detached_message_len_nonce_13() {
    table(
        "Ccm::seal_detached message (nonce 13)",
        &message_rows(65_535),
        |n| seal_round_trip("seal msg 13", &[1; 13], n, 8),
    );
}

#[test]
fn ccm_seal_detached_message_len_nonce_12() {
    // 2^24 - 1 = 16 MiB - 1: the largest limit that fits a test's memory and time.
    let max = (1 << 24) - 1;
    table(
        "Ccm::seal_detached message (nonce 12)",
        &[(0, OK), (1, OK), (max - 1, OK), (max, OK), (max + 1, BAD)],
        |n| {
            let mut buf = vec![SENTINEL; n];
            let mut tag = [SENTINEL; 4];
            let r = ccm().seal_detached(&[2; 12], &[], &mut buf, &mut tag);
            if r.is_err() {
                untouched("seal msg 12", &buf);
                untouched("seal msg 12", &tag);
            }
            r
        },
    );
}

#[test]
fn ccm_open_detached_nonce_len() {
    // A valid nonce with an arbitrary tag: Verification (buffer zeroed); a bad nonce:
    // InvalidInput (buffer untouched).
    let rows: Vec<_> = NONCE_ROWS
        .iter()
        .map(|&(n, r)| (n, if r.is_ok() { VER } else { BAD }))
        .collect();
    table("Ccm::open_detached nonce", &rows, |n| {
        let mut buf = [SENTINEL; 20];
        let r = ccm().open_detached(&vec![1; n], &[], &mut buf, &[0; 8]);
        after("open nonce", r, &buf)
    });
}

#[test]
fn ccm_open_detached_tag_len() {
    table("Ccm::open_detached tag", &tag_rows(VER), |t| {
        let mut buf = [SENTINEL; 20];
        let r = ccm().open_detached(&[1; 13], &[], &mut buf, &vec![0; t]);
        after("open tag", r, &buf)
    });
}

#[test]
fn ccm_open_detached_message_len() {
    for (nonce_len, max) in [(13usize, 65_535usize), (12, (1 << 24) - 1)] {
        let rows = [(0, VER), (1, VER), (max, VER), (max + 1, BAD)];
        table(
            &format!("Ccm::open_detached message (nonce {nonce_len})"),
            &rows,
            |n| {
                let mut buf = vec![SENTINEL; n];
                let r = ccm().open_detached(&vec![3; nonce_len], &[], &mut buf, &[0; 16]);
                after("open msg", r, &buf)
            },
        );
    }
}

#[test]
fn ccm_aad_len_encoding_boundary() {
    // AAD of any length; the length prefix changes from 2 to 6 bytes at 2^16 - 2^8 = 65280.
    // Checked against the RustCrypto `ccm` crate.
    let rows = [
        (0, OK),
        (1, OK),
        (65_278, OK),
        (65_279, OK),
        (65_280, OK),
        (65_281, OK),
    ];
    table("Ccm::seal_detached aad", &rows, |n| {
        let aad = vec![0x3c; n];
        let nonce = [9u8; 13];
        let mut ours = *b"boundary payload";
        let mut tag = [0u8; 8];
        ccm().seal_detached(&nonce, &[&aad], &mut ours, &mut tag)?;
        let mut theirs = *b"boundary payload";
        let reference =
            ccm::Ccm::<aes::Aes128, ccm::consts::U8, ccm::consts::U13>::new_from_slice(&KEY)
                .unwrap();
        let their_tag = reference
            .encrypt_inout_detached(
                &Array::try_from(&nonce[..]).unwrap(),
                &aad,
                (&mut theirs[..]).into(),
            )
            .unwrap();
        assert_eq!((ours, &tag[..]), (theirs, &their_tag[..]), "aad {n}");
        // The same AAD split in two parts is the same message.
        let (a, b) = aad.split_at(n / 2);
        ccm().open_detached(&nonce, &[a, b], &mut ours, &tag)
    });
}

#[test]
fn ccm_crypt_unauthenticated() {
    table("Ccm::crypt_unauthenticated nonce", NONCE_ROWS, |n| {
        let mut buf = [SENTINEL; 20];
        let r = ccm().crypt_unauthenticated(&vec![1; n], &mut buf);
        after("crypt nonce", r, &buf)
    });
    table(
        "Ccm::crypt_unauthenticated message (nonce 13)",
        &message_rows(65_535),
        |n| {
            let mut buf = vec![SENTINEL; n];
            let r = ccm().crypt_unauthenticated(&[1; 13], &mut buf);
            if r.is_ok() {
                ccm().crypt_unauthenticated(&[1; 13], &mut buf).unwrap();
            }
            untouched("crypt msg", &buf);
            r
        },
    );
}

#[test]
fn aes_ccm_seal_in_place_and_open_in_place() {
    table(
        "AesCcm<13, 8>::seal_in_place message",
        &message_rows(65_535),
        |n| {
            let mut buf = vec![SENTINEL; n];
            let r = AesCcm::<13, 8>::seal_in_place(&mut ccm(), &[4; 13], b"", &mut buf);
            let Ok(tag) = r else {
                untouched("seal_in_place", &buf);
                return r.map(|_| ());
            };
            let mut bad = buf.clone();
            let mut wrong = tag;
            wrong[7] ^= 0x80;
            let v = AesCcm::<13, 8>::open_in_place(&mut ccm(), &[4; 13], b"", &mut bad, &wrong);
            assert_eq!(after("open_in_place", v, &bad), VER);
            AesCcm::<13, 8>::open_in_place(&mut ccm(), &[4; 13], b"", &mut buf, &tag)?;
            untouched("open_in_place", &buf);
            Ok(())
        },
    );
    // 7-byte nonce: the length field is 8 bytes, every buffer fits.
    table(
        "AesCcm<7, 16>::seal_in_place message",
        &[(0, OK), (1, OK), (65_536, OK)],
        |n| {
            let mut buf = vec![SENTINEL; n];
            AesCcm::<7, 16>::seal_in_place(&mut ccm(), &[4; 7], b"x", &mut buf).map(|_| ())
        },
    );
}
