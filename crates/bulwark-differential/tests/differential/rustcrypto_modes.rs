//! Our modes (on `SoftAes`, both CCM paths) against the RustCrypto mode crates (`ccm`, `cmac`, `ctr`, `cbc-mac`) on
//! seeded random inputs: every NIST CCM parameter set, all three key sizes, and AAD lengths
//! straddling the 2^16 - 2^8 boundary where the AAD-length encoding changes from 2 to 6 bytes.

use bulwark_api::{ccm::Ccm, hazmat::CbcMac as _, hazmat::Ctr as _, mac::Cmac as _};
use bulwark_soft::{CbcMacMode, CmacMode, CtrMode, SoftAes, SoftCcm};
use bulwark_testkit::DeterministicTestRng;
use ccm::aead::{AeadInOut, KeyInit, array::Array};
use ctr::cipher::{KeyIvInit, StreamCipher};
use digest::Mac;

/// Fills `buf` one byte per output (low byte of each), as this file's cases were generated.
fn fill(rng: &mut DeterministicTestRng, buf: &mut [u8]) {
    for b in buf {
        *b = rng.next_u64() as u8;
    }
}

const SEED: u64 = 0x6275_6c77_6172_6b21;

/// The RustCrypto `ccm` crate for one (key size, tag, nonce) triple.
fn reference_seal(key: &[u8], nonce: &[u8], tag_len: usize, aad: &[u8], buf: &mut [u8]) -> Vec<u8> {
    macro_rules! by_tag {
        ($cipher:ty, $nonce:ty) => {{
            macro_rules! go {
                ($t:ty) => {{
                    let c = ccm::Ccm::<$cipher, $t, $nonce>::new_from_slice(key).unwrap();
                    let n = Array::try_from(nonce).unwrap();
                    c.encrypt_inout_detached(&n, aad, buf.into())
                        .unwrap()
                        .to_vec()
                }};
            }
            use ccm::consts::*;
            match tag_len {
                4 => go!(U4),
                6 => go!(U6),
                8 => go!(U8),
                10 => go!(U10),
                12 => go!(U12),
                14 => go!(U14),
                _ => go!(U16),
            }
        }};
    }
    macro_rules! by_nonce {
        ($cipher:ty) => {{
            match nonce.len() {
                7 => by_tag!($cipher, U7),
                8 => by_tag!($cipher, U8),
                9 => by_tag!($cipher, U9),
                10 => by_tag!($cipher, U10),
                11 => by_tag!($cipher, U11),
                12 => by_tag!($cipher, U12),
                _ => by_tag!($cipher, U13),
            }
        }};
    }
    match key.len() {
        16 => by_nonce!(aes::Aes128),
        24 => by_nonce!(aes::Aes192),
        _ => by_nonce!(aes::Aes256),
    }
}

#[test]
fn ccm_matches_the_ccm_crate_on_every_parameter_set() {
    let mut rng = DeterministicTestRng::new(SEED);
    let mut cases = 0;
    for key_len in [16, 24, 32] {
        for nonce_len in 7..=13 {
            for tag_len in (4..=16).step_by(2) {
                for round in 0..6 {
                    let mut key = vec![0u8; key_len];
                    let mut nonce = vec![0u8; nonce_len];
                    fill(&mut rng, &mut key);
                    fill(&mut rng, &mut nonce);
                    let aad_len = match round {
                        0 => 65_279 + rng.below(3), // across the 2^16 - 2^8 encoding boundary
                        1 => 0,
                        _ => rng.below(70),
                    };
                    let mut aad = vec![0u8; aad_len];
                    let mut msg = vec![0u8; rng.below(300)];
                    fill(&mut rng, &mut aad);
                    fill(&mut rng, &mut msg);

                    let mut expected = msg.clone();
                    let expected_tag = reference_seal(&key, &nonce, tag_len, &aad, &mut expected);

                    // Both CCM paths: fused (AES-NI, where the CPU has it) and portable.
                    for engine in [SoftAes::new(&key), SoftAes::new_portable(&key)] {
                        let mut ours = SoftCcm::new(engine.unwrap());
                        let mut buf = msg.clone();
                        let mut tag = vec![0u8; tag_len];
                        ours.seal_detached(&nonce, &[&aad], &mut buf, &mut tag)
                            .unwrap();
                        assert_eq!(
                            (&buf, &tag),
                            (&expected, &expected_tag),
                            "seed {SEED:#x} case {cases}"
                        );
                        ours.open_detached(&nonce, &[&aad], &mut buf, &tag).unwrap();
                        assert_eq!(buf, msg);
                        // CCM* without a MIC is the payload's CTR keystream.
                        let mut ctr_only = msg.clone();
                        ours.crypt_unauthenticated(&nonce, &mut ctr_only).unwrap();
                        assert_eq!(ctr_only, expected, "CCM* encryption, case {cases}");
                    }
                    cases += 1;
                }
            }
        }
    }
    println!("CCM vs ccm crate: {cases} cases, 0 mismatches (seed {SEED:#x})");
    assert_eq!(cases, 3 * 7 * 7 * 6);
}

#[test]
fn cmac_ctr_and_cbc_mac_match_the_rustcrypto_crates() {
    let mut rng = DeterministicTestRng::new(SEED ^ 1);
    for case in 0..600 {
        let key_len = [16, 24, 32][case % 3];
        let mut key = vec![0u8; key_len];
        fill(&mut rng, &mut key);
        let mut msg = vec![0u8; rng.below(200)];
        fill(&mut rng, &mut msg);
        let mut iv = [0u8; 16];
        fill(&mut rng, &mut iv);
        if case % 10 == 0 {
            iv[..15].fill(0xff); // exercise the 128-bit counter wrap
        }
        let split = rng.below(msg.len() + 1);
        let (x, y) = msg.split_at(split);

        let ours = CmacMode::new(SoftAes::new(&key).unwrap())
            .compute(&[x, y])
            .unwrap();
        let theirs = match key_len {
            16 => cmac::Cmac::<aes::Aes128>::new_from_slice(&key)
                .unwrap()
                .chain_update(&msg)
                .finalize()
                .into_bytes()
                .to_vec(),
            24 => cmac::Cmac::<aes::Aes192>::new_from_slice(&key)
                .unwrap()
                .chain_update(&msg)
                .finalize()
                .into_bytes()
                .to_vec(),
            _ => cmac::Cmac::<aes::Aes256>::new_from_slice(&key)
                .unwrap()
                .chain_update(&msg)
                .finalize()
                .into_bytes()
                .to_vec(),
        };
        assert_eq!(ours[..], theirs[..], "cmac case {case}");

        let mut a = msg.clone();
        CtrMode::new(SoftAes::new(&key).unwrap())
            .apply_keystream(&iv, &mut a)
            .unwrap();
        let mut b = msg.clone();
        match key_len {
            16 => ctr::Ctr128BE::<aes::Aes128>::new_from_slices(&key, &iv)
                .unwrap()
                .apply_keystream(&mut b),
            24 => ctr::Ctr128BE::<aes::Aes192>::new_from_slices(&key, &iv)
                .unwrap()
                .apply_keystream(&mut b),
            _ => ctr::Ctr128BE::<aes::Aes256>::new_from_slices(&key, &iv)
                .unwrap()
                .apply_keystream(&mut b),
        }
        assert_eq!(a, b, "ctr case {case}");

        let blocks = msg.len() / 16 * 16;
        if blocks > 0 {
            let ours = CbcMacMode::new(SoftAes::new(&key).unwrap())
                .cbc_mac(&msg[..blocks])
                .unwrap();
            let theirs = match key_len {
                16 => cbc_mac::CbcMac::<aes::Aes128>::new_from_slice(&key)
                    .unwrap()
                    .chain_update(&msg[..blocks])
                    .finalize()
                    .into_bytes()
                    .to_vec(),
                24 => cbc_mac::CbcMac::<aes::Aes192>::new_from_slice(&key)
                    .unwrap()
                    .chain_update(&msg[..blocks])
                    .finalize()
                    .into_bytes()
                    .to_vec(),
                _ => cbc_mac::CbcMac::<aes::Aes256>::new_from_slice(&key)
                    .unwrap()
                    .chain_update(&msg[..blocks])
                    .finalize()
                    .into_bytes()
                    .to_vec(),
            };
            assert_eq!(ours[..], theirs[..], "cbc-mac case {case}");
        }
    }
}
