//! AES-CCM on each of bulwark's code paths against OpenSSL: the forced-portable generic mode
//! (`SoftAes::new_portable`), the fused AES-NI path (`SoftAes::new`, on x86-64 CPUs that have
//! it; `tests/differential/ccm.rs` also runs it, as the default), and the batch API (packets of
//! one batch under different keys and sizes, one of them tampered). Seeded and reproducible
//! like the other differential tests (`BULWARK_DIFF_SEED`, `BULWARK_DIFF_CASES`,
//! `BULWARK_DIFF_CASE`).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::{
    Error,
    ccm::{Ccm, CcmBatch, OpenPacket, SealPacket},
};
use bulwark_differential::{Config, SeededCases, reference, run, same};
use bulwark_soft::{Soft, SoftAes, SoftCcm};

fn config() -> Config {
    let mut c = Config::from_env().unwrap_or_else(|e| panic!("{e}"));
    // Each case here is a batch of up to 9 packets: a quarter of the default case count
    // covers as many packets as the single-packet test.
    if std::env::var_os("BULWARK_DIFF_CASES").is_none() {
        c.cases /= 4;
    }
    c
}

struct Packet {
    key: Vec<u8>,
    nonce: Vec<u8>,
    aad: Vec<u8>,
    msg: Vec<u8>,
    tag_len: usize,
}

fn packet(r: &mut SeededCases) -> Packet {
    let key_len = r.pick(&[16usize, 24, 32]);
    let nonce_len = r.range(7, 13);
    let aad_len = if r.percent(20) { 0 } else { r.range(1, 80) };
    let msg_len = if r.percent(10) {
        r.range(1024, 20_000)
    } else {
        r.range(0, 300)
    };
    Packet {
        key: r.bytes(key_len),
        nonce: r.bytes(nonce_len),
        aad: r.bytes(aad_len),
        msg: r.bytes(msg_len),
        tag_len: 2 * r.range(2, 8),
    }
}

fn ossl_seal(p: &Packet) -> Result<(Vec<u8>, Vec<u8>), String> {
    reference::ccm_seal(&p.key, &p.nonce, &p.aad, &p.msg, p.tag_len)
        .map_err(|e| format!("OpenSSL seal failed: {e}"))
}

/// One packet on each single-packet path: seal equals OpenSSL, OpenSSL's output opens.
fn single_paths(r: &mut SeededCases) -> Result<(), String> {
    let p = packet(r);
    let (ct, tag) = ossl_seal(&p)?;
    for (path, engine) in [
        ("fused", SoftAes::new(&p.key)),
        ("portable", SoftAes::new_portable(&p.key)),
    ] {
        let mut ccm = SoftCcm::new(engine.map_err(|e| format!("key import: {e:?}"))?);
        let (mut buf, mut t) = (p.msg.clone(), vec![0u8; p.tag_len]);
        ccm.seal_detached(&p.nonce, &[&p.aad], &mut buf, &mut t)
            .map_err(|e| format!("{path} seal: {e:?}"))?;
        same(&format!("{path} ciphertext"), &buf, &ct)?;
        same(&format!("{path} tag"), &t, &tag)?;
        let mut buf = ct.clone();
        ccm.open_detached(&p.nonce, &[&p.aad], &mut buf, &tag)
            .map_err(|e| format!("{path} open of OpenSSL's output: {e:?}"))?;
        same(&format!("{path} plaintext"), &buf, &p.msg)?;
    }
    Ok(())
}

/// A batch of packets: sealed by the batch API equals OpenSSL packet by packet; OpenSSL's
/// output opens as a batch, except the one tampered packet, which fails alone and is zeroed.
fn batch(r: &mut SeededCases) -> Result<(), String> {
    let n = r.range(1, 9);
    let packets: Vec<Packet> = (0..n).map(|_| packet(r)).collect();
    let fused_keys = r.percent(80);
    let keys: Vec<SoftAes> = packets
        .iter()
        .map(|p| {
            if fused_keys {
                SoftAes::new(&p.key)
            } else {
                SoftAes::new_portable(&p.key)
            }
            .unwrap()
        })
        .collect();
    let theirs: Vec<(Vec<u8>, Vec<u8>)> =
        packets.iter().map(ossl_seal).collect::<Result<_, _>>()?;
    let aads: Vec<[&[u8]; 1]> = packets.iter().map(|p| [p.aad.as_slice()]).collect();

    let mut bufs: Vec<Vec<u8>> = packets.iter().map(|p| p.msg.clone()).collect();
    let mut tags: Vec<Vec<u8>> = packets.iter().map(|p| vec![0; p.tag_len]).collect();
    let mut seal: Vec<SealPacket<'_, SoftAes>> = packets
        .iter()
        .zip(&keys)
        .zip(&aads)
        .zip(bufs.iter_mut().zip(tags.iter_mut()))
        .map(|(((p, k), a), (b, t))| SealPacket::new(k, &p.nonce, a, b, t))
        .collect();
    Soft.seal_batch(&mut seal)
        .map_err(|e| format!("batch seal: {e:?}"))?;
    drop(seal);
    for (i, (ct, tag)) in theirs.iter().enumerate() {
        same(&format!("batch ciphertext {i}"), &bufs[i], ct)?;
        same(&format!("batch tag {i}"), &tags[i], tag)?;
    }

    let bad = r.range(0, n - 1);
    let mut in_bufs: Vec<Vec<u8>> = theirs.iter().map(|(c, _)| c.clone()).collect();
    let mut in_tags: Vec<Vec<u8>> = theirs.iter().map(|(_, t)| t.clone()).collect();
    if in_bufs[bad].is_empty() || r.percent(50) {
        r.flip_bit(&mut in_tags[bad]);
    } else {
        r.flip_bit(&mut in_bufs[bad]);
    }
    let mut open: Vec<OpenPacket<'_, SoftAes>> = packets
        .iter()
        .zip(&keys)
        .zip(&aads)
        .zip(in_bufs.iter_mut().zip(in_tags.iter()))
        .map(|(((p, k), a), (b, t))| OpenPacket::new(k, &p.nonce, a, b, t))
        .collect();
    let overall = Soft.open_batch(&mut open);
    let results: Vec<_> = open.iter().map(|p| p.result).collect();
    drop(open);
    if overall != Err(Error::Verification) {
        return Err(format!(
            "batch open with a tampered packet gave {overall:?}"
        ));
    }
    for (i, p) in packets.iter().enumerate() {
        if i == bad {
            if results[i] != Err(Error::Verification) || in_bufs[i].iter().any(|&b| b != 0) {
                return Err(format!("tampered packet {i}: {:?}, not zeroed", results[i]));
            }
        } else {
            results[i].map_err(|e| format!("packet {i} failed next to a tampered one: {e:?}"))?;
            same(&format!("batch plaintext {i}"), &in_bufs[i], &p.msg)?;
        }
    }
    Ok(())
}

#[test]
fn ccm_paths() {
    let outcome = run("ccm-paths", config(), single_paths);
    assert!(outcome.mismatch_count == 0, "{}", outcome.failure_report());
}

#[test]
fn ccm_batch() {
    let outcome = run("ccm-batch", config(), batch);
    assert!(outcome.mismatch_count == 0, "{}", outcome.failure_report());
}
