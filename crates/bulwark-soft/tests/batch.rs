//! `CcmBatch` for `Soft`: every packet of a batch gets exactly what the single-packet API gives
//! it (mixed keys, key sizes, nonces, lengths, AAD and tag sizes; fused and portable keys in
//! one batch), and one bad packet fails alone.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::{
    Error,
    ccm::{Ccm, CcmBatch, OpenPacket, SealPacket},
};
use bulwark_soft::{Soft, SoftAes, SoftCcm};

/// SplitMix64: deterministic test data only.
struct TestRng(u64);

impl TestRng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// One packet's inputs, owned.
struct Case {
    key: usize,
    nonce: Vec<u8>,
    aad: Vec<Vec<u8>>,
    msg: Vec<u8>,
    tag_len: usize,
}

fn random_case(rng: &mut TestRng, keys: usize) -> Case {
    let nonce_len = 7 + rng.below(7);
    let nonce = rng.bytes(nonce_len);
    let parts = rng.below(3);
    let aad = (0..parts)
        .map(|_| {
            let n = rng.below(40);
            rng.bytes(n)
        })
        .collect();
    let len = match rng.below(4) {
        0 => rng.below(17),
        1 => 64,
        2 => rng.below(300),
        _ => 1024 + rng.below(1100),
    };
    let key = rng.below(keys);
    let msg = rng.bytes(len);
    Case {
        key,
        nonce,
        aad,
        msg,
        tag_len: 4 + 2 * rng.below(7),
    }
}

/// Keys of all three sizes, each both fused (if the CPU allows) and forced portable.
fn keys(rng: &mut TestRng) -> (Vec<Vec<u8>>, Vec<SoftAes>) {
    let mut raw = Vec::new();
    let mut engines = Vec::new();
    for (i, len) in [16, 24, 32, 16, 24, 32, 16, 32].into_iter().enumerate() {
        let k = rng.bytes(len);
        engines.push(if i % 2 == 0 {
            SoftAes::new(&k).unwrap()
        } else {
            SoftAes::new_portable(&k).unwrap()
        });
        raw.push(k);
    }
    (raw, engines)
}

fn single_seal(raw_key: &[u8], c: &Case) -> (Vec<u8>, Vec<u8>) {
    let mut ccm = SoftCcm::new(SoftAes::new_portable(raw_key).unwrap());
    let aad: Vec<&[u8]> = c.aad.iter().map(Vec::as_slice).collect();
    let mut buf = c.msg.clone();
    let mut tag = vec![0u8; c.tag_len];
    ccm.seal_detached(&c.nonce, &aad, &mut buf, &mut tag)
        .unwrap();
    (buf, tag)
}

/// Each packet's result, and the batch's.
type Results = (Vec<Result<(), Error>>, Result<(), Error>);

/// Each case's AAD parts, borrowed.
fn aad_slices(cases: &[Case]) -> Vec<Vec<&[u8]>> {
    cases
        .iter()
        .map(|c| c.aad.iter().map(Vec::as_slice).collect())
        .collect()
}

/// Seals every case in one batch with `engines[case.key]`, in place in `bufs`, the tags into
/// `tags`.
fn seal_all(
    engines: &[SoftAes],
    cases: &[Case],
    bufs: &mut [Vec<u8>],
    tags: &mut [Vec<u8>],
) -> Results {
    let aads = aad_slices(cases);
    let mut packets: Vec<SealPacket<'_, SoftAes>> = cases
        .iter()
        .zip(&aads)
        .zip(bufs.iter_mut().zip(tags.iter_mut()))
        .map(|((c, aad), (buf, tag))| SealPacket::new(&engines[c.key], &c.nonce, aad, buf, tag))
        .collect();
    let overall = Soft.seal_batch(&mut packets);
    (packets.iter().map(|p| p.result).collect(), overall)
}

/// Opens every case in one batch with `engines[case.key]`, in place in `bufs`, against `tags`.
fn open_all(
    engines: &[SoftAes],
    cases: &[Case],
    bufs: &mut [Vec<u8>],
    tags: &[Vec<u8>],
) -> Results {
    let aads = aad_slices(cases);
    let mut packets: Vec<OpenPacket<'_, SoftAes>> = cases
        .iter()
        .zip(&aads)
        .zip(bufs.iter_mut().zip(tags.iter()))
        .map(|((c, aad), (buf, tag))| OpenPacket::new(&engines[c.key], &c.nonce, aad, buf, tag))
        .collect();
    let overall = Soft.open_batch(&mut packets);
    (packets.iter().map(|p| p.result).collect(), overall)
}

#[test]
fn batches_match_the_single_packet_api() {
    let mut rng = TestRng(0x6261_7463_6821);
    let (raw, engines) = keys(&mut rng);
    let mut packets_checked = 0;
    for batch_len in [0, 1, 2, 3, 7, 8, 9, 16, 17, 33] {
        for _ in 0..4 {
            let cases: Vec<Case> = (0..batch_len)
                .map(|_| random_case(&mut rng, engines.len()))
                .collect();
            let expected: Vec<_> = cases.iter().map(|c| single_seal(&raw[c.key], c)).collect();

            // Seal.
            let mut bufs: Vec<Vec<u8>> = cases.iter().map(|c| c.msg.clone()).collect();
            let mut tags: Vec<Vec<u8>> = cases.iter().map(|c| vec![0; c.tag_len]).collect();
            let (results, overall) = seal_all(&engines, &cases, &mut bufs, &mut tags);
            overall.unwrap();
            assert!(results.iter().all(Result::is_ok));
            for (i, (buf, tag)) in bufs.iter().zip(&tags).enumerate() {
                assert_eq!((buf, tag), (&expected[i].0, &expected[i].1), "packet {i}");
            }

            // Open.
            let (results, overall) = open_all(&engines, &cases, &mut bufs, &tags);
            overall.unwrap();
            assert!(results.iter().all(Result::is_ok));
            for (buf, c) in bufs.iter().zip(&cases) {
                assert_eq!(buf, &c.msg);
            }
            packets_checked += batch_len;
        }
    }
    println!("batch vs single: {packets_checked} packets");
}

#[test]
fn one_bad_packet_fails_alone() {
    let mut rng = TestRng(0x7461_6d70_6572);
    let (_, engines) = keys(&mut rng);
    for bad in [0usize, 3, 8, 11] {
        let cases: Vec<Case> = (0..12)
            .map(|_| random_case(&mut rng, engines.len()))
            .collect();
        let mut bufs: Vec<Vec<u8>> = cases.iter().map(|c| c.msg.clone()).collect();
        let mut tags: Vec<Vec<u8>> = cases.iter().map(|c| vec![0; c.tag_len]).collect();
        seal_all(&engines, &cases, &mut bufs, &mut tags).1.unwrap();
        // Tamper with one packet: a ciphertext byte if it has one, else its tag.
        if let Some(b) = bufs[bad].first_mut() {
            *b ^= 0x40;
        } else {
            tags[bad][0] ^= 0x40;
        }
        // And give another packet an invalid tag length (InvalidInput, buffer untouched).
        let invalid = (bad + 5) % 12;
        tags[invalid].push(0);
        let before_invalid = bufs[invalid].clone();

        let (results, overall) = open_all(&engines, &cases, &mut bufs, &tags);
        assert!(overall.is_err());
        for (i, r) in results.iter().enumerate() {
            if i == bad {
                assert_eq!(*r, Err(Error::Verification), "tampered packet {i}");
                assert!(
                    bufs[i].iter().all(|&b| b == 0),
                    "tampered packet not zeroed"
                );
            } else if i == invalid {
                assert_eq!(*r, Err(Error::InvalidInput));
                assert_eq!(bufs[i], before_invalid, "invalid packet touched");
            } else {
                assert_eq!(*r, Ok(()), "packet {i} affected by packet {bad}");
                assert_eq!(bufs[i], cases[i].msg);
            }
        }
    }
}

#[test]
fn one_key_can_serve_many_packets() {
    let key = SoftAes::new(&[7u8; 16]).unwrap();
    let nonces: Vec<[u8; 13]> = (0..10u8).map(|i| [i; 13]).collect();
    let mut bufs: Vec<Vec<u8>> = (0..10).map(|i| vec![i as u8; 50 + i]).collect();
    let mut tags = vec![[0u8; 8]; 10];
    let mut packets: Vec<SealPacket<'_, SoftAes>> = nonces
        .iter()
        .zip(bufs.iter_mut().zip(tags.iter_mut()))
        .map(|(n, (b, t))| SealPacket::new(&key, n, &[], b, t))
        .collect();
    Soft.seal_batch(&mut packets).unwrap();
    drop(packets);
    let mut single = SoftCcm::new(SoftAes::new_portable(&[7u8; 16]).unwrap());
    for (i, (b, t)) in bufs.iter().zip(&tags).enumerate() {
        let mut m = vec![i as u8; 50 + i];
        let mut t2 = [0u8; 8];
        single
            .seal_detached(&nonces[i], &[], &mut m, &mut t2)
            .unwrap();
        assert_eq!((&m, &t2), (b, t));
    }
}
