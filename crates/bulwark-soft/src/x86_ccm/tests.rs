//! Each batch engine forced in turn ([`Engine::Vaes`] and [`Engine::AesNi`]) on batches of
//! unequal packets: known answers, and exact agreement with the single-packet generic mode.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

extern crate std;

use super::batch::{Engine, run_batch};
use super::vaes_available;
use crate::{CcmMode, SoftAes};
use bulwark_api::Rng;
use bulwark_api::{
    Error,
    ccm::{Ccm, OpenPacket, SealPacket},
};
use bulwark_testkit::{DeterministicTestRng, vectors::records};
use std::{eprintln, format, string::String, vec, vec::Vec};

/// One packet's inputs and expected outputs, owned.
struct Case {
    key: Vec<u8>,
    nonce: Vec<u8>,
    aad: Vec<Vec<u8>>,
    msg: Vec<u8>,
    ct: Vec<u8>,
    tag: Vec<u8>,
}

/// The engines to force: the VAES one only where the CPU has it (else the forced run would
/// silently take the AES-NI one, so it is reported and skipped).
fn engines() -> Vec<Engine> {
    if vaes_available() {
        vec![Engine::Vaes, Engine::AesNi]
    } else {
        eprintln!("this CPU has no VAES + AVX-512: only the AES-NI batch engine is tested");
        vec![Engine::AesNi]
    }
}

/// Seals `cases` through `engine` (one batch) and checks every ciphertext and tag; opens them
/// back and checks every plaintext; then, for each index in `tamper`, opens the batch with that
/// packet's last ciphertext byte (or, without payload, its tag) flipped and checks that it alone
/// fails, opaquely, with its buffer zeroed.
fn check_batch(what: &str, engine: Engine, cases: &[Case], tamper: &[usize]) {
    let keys: Vec<SoftAes> = cases
        .iter()
        .map(|c| SoftAes::new(&c.key).unwrap())
        .collect();
    assert!(
        keys.iter().all(SoftAes::is_fused),
        "{what}: keys must be fused"
    );
    let aads: Vec<Vec<&[u8]>> = cases
        .iter()
        .map(|c| c.aad.iter().map(Vec::as_slice).collect())
        .collect();

    let mut bufs: Vec<Vec<u8>> = cases.iter().map(|c| c.msg.clone()).collect();
    let mut tags: Vec<Vec<u8>> = cases.iter().map(|c| vec![0; c.tag.len()]).collect();
    let mut packets: Vec<SealPacket<'_, SoftAes>> = cases
        .iter()
        .zip(&keys)
        .zip(&aads)
        .zip(bufs.iter_mut().zip(tags.iter_mut()))
        .map(|(((c, k), aad), (buf, tag))| SealPacket::new(k, &c.nonce, aad, buf, tag))
        .collect();
    run_batch::<_, false>(&mut packets, engine);
    let results: Vec<_> = packets.iter().map(|p| p.result).collect();
    drop(packets);
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(results[i], Ok(()), "{what} {engine:?}: seal result {i}");
        assert_eq!(bufs[i], c.ct, "{what} {engine:?}: ciphertext {i}");
        assert_eq!(tags[i], c.tag, "{what} {engine:?}: tag {i}");
    }

    for &bad in [usize::MAX].iter().chain(tamper) {
        let mut bufs: Vec<Vec<u8>> = cases.iter().map(|c| c.ct.clone()).collect();
        let mut tags: Vec<Vec<u8>> = cases.iter().map(|c| c.tag.clone()).collect();
        if let Some(i) = (bad < cases.len()).then_some(bad) {
            match bufs[i].last_mut() {
                Some(b) => *b ^= 0x01,
                None => tags[i][0] ^= 0x80,
            }
        }
        let mut packets: Vec<OpenPacket<'_, SoftAes>> = cases
            .iter()
            .zip(&keys)
            .zip(&aads)
            .zip(bufs.iter_mut().zip(tags.iter()))
            .map(|(((c, k), aad), (buf, tag))| OpenPacket::new(k, &c.nonce, aad, buf, tag))
            .collect();
        run_batch::<_, true>(&mut packets, engine);
        let results: Vec<_> = packets.iter().map(|p| p.result).collect();
        drop(packets);
        for (i, c) in cases.iter().enumerate() {
            if i == bad {
                assert_eq!(
                    results[i],
                    Err(Error::Verification),
                    "{what} {engine:?}: tampered packet {i}"
                );
                assert!(
                    bufs[i].iter().all(|&b| b == 0),
                    "{what} {engine:?}: tampered packet {i} left plaintext"
                );
            } else {
                assert_eq!(results[i], Ok(()), "{what} {engine:?}: open result {i}");
                assert_eq!(bufs[i], c.msg, "{what} {engine:?}: plaintext {i}");
            }
        }
    }
}

#[test]
fn known_answers_in_one_batch_through_each_engine() {
    // RFC 3610's 24 packets and SP 800-38C's 4 examples (one with 64 KiB of AAD): 28 packets
    // of 4..32 bytes, 8..65536 bytes of AAD, 7..13-byte nonces, 4..10-byte tags.
    let mut cases = Vec::new();
    for data in [
        include_str!("../../../../test-vectors/ccm_rfc3610.txt"),
        include_str!("../../../../test-vectors/ccm_sp800_38c.txt"),
    ] {
        for r in records(data) {
            let pt = r.bytes("pt");
            cases.push(Case {
                key: r.bytes("key"),
                nonce: r.bytes("nonce"),
                aad: vec![r.bytes("aad")],
                ct: r.bytes("ct"),
                tag: r.bytes("tag"),
                msg: pt,
            });
        }
    }
    assert_eq!(cases.len(), 28);
    for engine in engines() {
        check_batch("known answers", engine, &cases, &[0, 7, 12, 27]);
    }
}

/// `n` bytes from the test generator.
fn bytes(rng: &mut DeterministicTestRng, n: usize) -> Vec<u8> {
    let mut out = vec![0; n];
    rng.fill_bytes(&mut out).unwrap();
    out
}

/// A packet with every size drawn independently (so lanes finish at different steps), and its
/// expected output from the single-packet generic mode over the portable block cipher.
fn random_case(rng: &mut DeterministicTestRng) -> Case {
    let key_len = [16, 24, 32][rng.below(3)];
    let key = bytes(rng, key_len);
    let nonce_len = 7 + rng.below(7);
    let nonce = bytes(rng, nonce_len);
    let parts = rng.below(3);
    let aad = (0..parts)
        .map(|_| {
            let n = [0, 1, 14, 21, 40, 300][rng.below(6)];
            bytes(rng, n)
        })
        .collect::<Vec<_>>();
    let len = match rng.below(5) {
        0 => rng.below(33),
        1 => 16 * rng.below(70),
        2 => rng.below(300),
        3 => 1024,
        _ => 1000 + rng.below(1100),
    };
    let msg = bytes(rng, len);
    let tag_len = 4 + 2 * rng.below(7);
    let aad_refs: Vec<&[u8]> = aad.iter().map(Vec::as_slice).collect();
    let mut ct = msg.clone();
    let mut tag = vec![0; tag_len];
    CcmMode::new(SoftAes::new_portable(&key).unwrap())
        .seal_detached(&nonce, &aad_refs, &mut ct, &mut tag)
        .unwrap();
    Case {
        key,
        nonce,
        aad,
        msg,
        ct,
        tag,
    }
}

#[test]
fn unequal_batches_match_the_single_packet_path_on_each_engine() {
    let mut rng = DeterministicTestRng::new(0x7661_6573_2d62);
    let mut checked = 0;
    for batch_len in [1, 3, 8, 9, 16, 23] {
        for round in 0..3 {
            let cases: Vec<Case> = (0..batch_len).map(|_| random_case(&mut rng)).collect();
            let tamper = [batch_len / 2, batch_len - 1];
            for engine in engines() {
                let what: String = format!("batch of {batch_len} (round {round})");
                check_batch(&what, engine, &cases, &tamper);
            }
            checked += batch_len;
        }
    }
    assert_eq!(checked, 180);
}

#[test]
fn header_blocks_and_partial_loads_match_the_byte_formatting() {
    use super::{header_blocks, load_partial, store};
    use bulwark_modes::ccm_format::{b0_block, counter_block};
    let mut checked = 0;
    for nonce_len in 7..=13usize {
        let nonce: Vec<u8> = (0..nonce_len).map(|i| 0xa1 + 7 * i as u8).collect();
        let l = 15 - nonce_len;
        for tag_len in [4, 6, 8, 10, 12, 14, 16] {
            for aad_len in [0u64, 1, 65_280] {
                for msg_len in [
                    0usize,
                    1,
                    0xff,
                    0x100,
                    0xfedc,
                    0x1_0000,
                    0x12_3456,
                    usize::MAX,
                ] {
                    if l < 8 && msg_len as u64 >= 1u64 << (8 * l) {
                        continue;
                    }
                    let (a0, b0) = header_blocks(&nonce, l, tag_len, aad_len, msg_len);
                    let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
                    store(&mut a, a0);
                    store(&mut b, b0);
                    assert_eq!(a, counter_block(&nonce, l), "A_0, nonce {nonce_len}");
                    assert_eq!(
                        b,
                        b0_block(&nonce, l, tag_len, aad_len, msg_len),
                        "B_0, nonce {nonce_len} tag {tag_len} aad {aad_len} msg {msg_len}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // Nonce 7 (L = 8): all 8 lengths; L = 2: 5; L = 3 to 7: 7 each; 7 tags, 3 AAD lengths.
    assert_eq!(checked, 7 * 3 * (8 + 5 + 5 * 7));
    let bytes: Vec<u8> = (1..=20).collect();
    for n in 0..=20 {
        let mut got = [0u8; 16];
        store(&mut got, load_partial(&bytes[..n]));
        let mut want = [0u8; 16];
        want[..n.min(16)].copy_from_slice(&bytes[..n.min(16)]);
        assert_eq!(got, want, "load_partial of {n} bytes");
    }
}

/// The single-packet fused path against the portable one at every block boundary of the AAD
/// (a one-slice AAD read in place, with 2- and 6-byte length prefixes; several slices, staged)
/// and of the payload, with every tag length; then a tampered open of each.
#[test]
fn single_packet_fused_matches_portable_at_block_boundaries() {
    let mut rng = DeterministicTestRng::new(0x7369_6e67_6c65);
    let big = bytes(&mut rng, 65_281);
    let mut aads: Vec<Vec<&[u8]>> = vec![vec![], vec![&[]], vec![&[], &[]]];
    for n in [1, 13, 14, 15, 16, 21, 29, 30, 31, 46, 47, 80] {
        aads.push(vec![&big[..n]]);
    }
    aads.push(vec![&big[..3], &big[3..21]]);
    aads.push(vec![&big[..14], &[], &big[14..40]]);
    // 65279 bytes: the last with a 2-byte prefix; 65280 and 65281: 6-byte prefix.
    let huge: Vec<Vec<&[u8]>> = vec![
        vec![&big[..65_279]],
        vec![&big[..65_280]],
        vec![&big[..65_281]],
        vec![&big[..30_000], &big[30_000..]],
    ];
    let mut checked = 0;
    let mut run = |key: &[u8], nonce: &[u8], aad: &[&[u8]], len: usize, tag_len: usize| {
        let msg: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
        let mut fused = crate::SoftCcm::new(SoftAes::new(key).unwrap());
        assert!(fused.is_fused());
        let mut portable = crate::SoftCcm::new(SoftAes::new_portable(key).unwrap());
        let (mut ct, mut tag) = (msg.clone(), vec![0u8; tag_len]);
        fused.seal_detached(nonce, aad, &mut ct, &mut tag).unwrap();
        let (mut ct2, mut tag2) = (msg.clone(), vec![0u8; tag_len]);
        portable
            .seal_detached(nonce, aad, &mut ct2, &mut tag2)
            .unwrap();
        let what = format!(
            "nonce {} aad {:?} len {len} tag {tag_len}",
            nonce.len(),
            aad.iter().map(|a| a.len()).collect::<Vec<_>>()
        );
        assert_eq!((&ct, &tag), (&ct2, &tag2), "seal: {what}");
        let mut back = ct.clone();
        fused.open_detached(nonce, aad, &mut back, &tag).unwrap();
        assert_eq!(back, msg, "open: {what}");
        let mut bad = ct.clone();
        let mut bad_tag = tag.clone();
        match bad.last_mut() {
            Some(b) => *b ^= 0x40,
            None => bad_tag[tag_len - 1] ^= 1,
        }
        assert_eq!(
            fused.open_detached(nonce, aad, &mut bad, &bad_tag),
            Err(Error::Verification),
            "tampered open: {what}"
        );
        assert!(
            bad.iter().all(|&b| b == 0),
            "tampered open left plaintext: {what}"
        );
        checked += 1;
    };
    for key_len in [16, 24, 32] {
        let key = bytes(&mut rng, key_len);
        for nonce_len in [7, 13] {
            let nonce = bytes(&mut rng, nonce_len);
            for aad in &aads {
                for len in [0, 1, 15, 16, 17, 31, 32, 33, 64, 100] {
                    for tag_len in [4, 6, 8, 10, 12, 14, 16] {
                        run(&key, &nonce, aad, len, tag_len);
                    }
                }
            }
            for aad in &huge {
                run(&key, &nonce, aad, 33, 8);
            }
        }
    }
    assert_eq!(checked, 3 * 2 * (17 * 10 * 7 + 4));
}
