//! The fused AES-NI CCM path against the portable one, and the batch API against the
//! single-packet API: on any key, nonce, tag length, AAD and message, both paths must give the
//! same result (ciphertext, tag, verdict, error, buffer state), and a batch must give each
//! packet exactly what a single call gives it. On a CPU without AES-NI both sides are portable
//! and the target still checks the batch.
//!
//! Input: key (lv), nonce (lv), tag length (u8), aad (lv2), 3 aad cut points, 3 packet cut
//! points, tamper selector (u8), then the message (rest).
#![no_main]

use bulwark_api::ccm::{Ccm, CcmBatch, OpenPacket, SealPacket};
use bulwark_fuzz::{Reader, split_parts};
use bulwark_soft::{Soft, SoftAes, SoftCcm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let key = r.lv();
    let nonce = r.lv();
    let tag_len = usize::from(r.u8() % 18); // includes invalid lengths
    let aad = r.lv2();
    let cuts = r.array::<3>();
    let packet_cuts = r.array::<3>();
    let tamper = r.u8();
    let msg = r.rest();

    let (Ok(fused_key), Ok(portable_key)) = (SoftAes::new(key), SoftAes::new_portable(key)) else {
        return;
    };
    let mut fused = SoftCcm::new(SoftAes::new(key).unwrap());
    let mut portable = SoftCcm::new(SoftAes::new_portable(key).unwrap());
    let parts = split_parts(aad, cuts);

    // 1. Seal: same result, ciphertext and tag.
    let (mut c1, mut t1) = (msg.to_vec(), vec![0u8; tag_len]);
    let (mut c2, mut t2) = (msg.to_vec(), vec![0u8; tag_len]);
    let r1 = fused.seal_detached(nonce, &parts, &mut c1, &mut t1);
    let r2 = portable.seal_detached(nonce, &parts, &mut c2, &mut t2);
    assert_eq!(r1, r2, "seal results differ");
    assert_eq!((&c1, &t1), (&c2, &t2), "seal outputs differ");

    // 2. Open the message bytes as a ciphertext under the sealed tag (mostly a forgery), and
    //    open the real ciphertext: same verdicts and buffers.
    for ct in [msg, c1.as_slice()] {
        let (mut o1, mut o2) = (ct.to_vec(), ct.to_vec());
        let v1 = fused.open_detached(nonce, &parts, &mut o1, &t1);
        let v2 = portable.open_detached(nonce, &parts, &mut o2, &t1);
        assert_eq!(v1, v2, "open verdicts differ");
        assert_eq!(o1, o2, "open buffers differ");
    }

    // 3. CCM* without a MIC.
    let (mut u1, mut u2) = (msg.to_vec(), msg.to_vec());
    assert_eq!(
        fused.crypt_unauthenticated(nonce, &mut u1),
        portable.crypt_unauthenticated(nonce, &mut u2)
    );
    assert_eq!(u1, u2);

    // 4. Batch: the message cut into up to four packets, alternating fused and portable keys,
    //    each with the AAD and a nonce varied per packet; one packet tampered for the open.
    let mut bounds = [0usize; 5];
    for (b, c) in bounds[1..4].iter_mut().zip(packet_cuts) {
        *b = usize::from(c) * msg.len() / 255;
    }
    bounds[4] = msg.len();
    bounds.sort_unstable();
    let n = 4;
    let nonces: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let mut v = nonce.to_vec();
            if let Some(b) = v.last_mut() {
                *b ^= i as u8;
            }
            v
        })
        .collect();
    let keys = [&fused_key, &portable_key];
    let pieces: Vec<&[u8]> = (0..n).map(|i| &msg[bounds[i]..bounds[i + 1]]).collect();
    let mut bufs: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
    let mut tags: Vec<Vec<u8>> = (0..n).map(|_| vec![0u8; tag_len]).collect();
    let mut packets: Vec<SealPacket<'_, SoftAes>> = bufs
        .iter_mut()
        .zip(tags.iter_mut())
        .enumerate()
        .map(|(i, (b, t))| SealPacket::new(keys[i % 2], &nonces[i], &parts, b, t))
        .collect();
    let _ = Soft.seal_batch(&mut packets);
    let results: Vec<_> = packets.iter().map(|p| p.result).collect();
    drop(packets);
    for i in 0..n {
        let (mut b, mut t) = (pieces[i].to_vec(), vec![0u8; tag_len]);
        let want = portable.seal_detached(&nonces[i], &parts, &mut b, &mut t);
        assert_eq!(results[i], want, "batch seal result, packet {i}");
        assert_eq!(
            (&bufs[i], &tags[i]),
            (&b, &t),
            "batch seal output, packet {i}"
        );
    }
    let bad = usize::from(tamper) % n;
    let tampered = tamper >= 128;
    if tampered {
        if let Some(b) = bufs[bad].first_mut() {
            *b ^= 1;
        } else if let Some(t) = tags[bad].first_mut() {
            *t ^= 1;
        }
    }
    let inputs = bufs.clone();
    let mut packets: Vec<OpenPacket<'_, SoftAes>> = bufs
        .iter_mut()
        .zip(tags.iter())
        .enumerate()
        .map(|(i, (b, t))| OpenPacket::new(keys[i % 2], &nonces[i], &parts, b, t))
        .collect();
    let _ = Soft.open_batch(&mut packets);
    let results: Vec<_> = packets.iter().map(|p| p.result).collect();
    drop(packets);
    for i in 0..n {
        let mut b = inputs[i].clone();
        let want = portable.open_detached(&nonces[i], &parts, &mut b, &tags[i]);
        assert_eq!(results[i], want, "batch open result, packet {i}");
        assert_eq!(bufs[i], b, "batch open buffer, packet {i}");
        if results[i].is_ok() {
            assert_eq!(bufs[i], pieces[i], "batch open plaintext, packet {i}");
        }
    }
});
