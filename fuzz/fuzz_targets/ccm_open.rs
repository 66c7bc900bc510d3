//! AES-CCM open with arbitrary sizes and contents, plus seal/open round trips and tampering.
//!
//! Input: key (lv), nonce (lv), tag (lv), aad (lv2), 3 aad cut points, tamper position (u16),
//! tamper xor (u8), round-trip tag length (u8), then the ciphertext (rest).
#![no_main]

use bulwark_api::{
    Error,
    ccm::{Ccm, is_valid_nonce_len, is_valid_tag_len, max_message_len},
};
use bulwark_fuzz::{Reader, split_parts};
use bulwark_soft::{SoftAes, SoftCcm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let key = r.lv();
    let nonce = r.lv();
    let tag = r.lv();
    let aad = r.lv2();
    let cuts = r.array::<3>();
    let tamper_pos = usize::from(r.u16());
    let tamper_xor = r.u8() | 1; // never zero
    let rt_tag_len = usize::from(r.u8() % 7) * 2 + 4; // 4, 6, ..., 16
    let ct = r.rest();

    // Any key length: exactly 16, 24 and 32 build an engine.
    let engine = SoftAes::new(key);
    assert_eq!(
        engine.is_ok(),
        matches!(key.len(), 16 | 24 | 32),
        "key len {}",
        key.len()
    );
    let Ok(engine) = engine else { return };
    let mut ccm = SoftCcm::new(engine);
    let parts = split_parts(aad, cuts);

    // 1. Open arbitrary bytes.
    let sizes_ok = is_valid_nonce_len(nonce.len())
        && is_valid_tag_len(tag.len())
        && ct.len() as u64 <= max_message_len(nonce.len());
    let mut buf = ct.to_vec();
    let verdict = ccm.open_detached(nonce, &parts, &mut buf, tag);
    match verdict {
        Err(Error::InvalidInput) => {
            assert!(!sizes_ok, "InvalidInput for valid sizes");
            assert_eq!(buf, ct, "buffer touched on InvalidInput");
        }
        Err(Error::Verification) => {
            assert!(sizes_ok, "Verification for invalid sizes");
            assert!(buf.iter().all(|&b| b == 0), "buffer not zeroed on failure");
        }
        Ok(()) => {
            // A forgery by the fuzzer would be remarkable; at least it must be consistent:
            // sealing the plaintext gives the same ciphertext and tag back.
            assert!(sizes_ok);
            let mut again = buf.clone();
            let mut t = vec![0u8; tag.len()];
            ccm.seal_detached(nonce, &parts, &mut again, &mut t)
                .unwrap();
            assert_eq!(again, ct);
            assert_eq!(t, tag);
        }
        Err(e) => panic!("unexpected error {e:?}"),
    }
    if !is_valid_nonce_len(nonce.len()) || ct.len() as u64 > max_message_len(nonce.len()) {
        // Sealing refuses the same sizes.
        let mut b = ct.to_vec();
        let mut t = vec![0u8; rt_tag_len];
        assert_eq!(
            ccm.seal_detached(nonce, &parts, &mut b, &mut t),
            Err(Error::InvalidInput)
        );
        assert_eq!(b, ct);
        return;
    }

    // 2. Round trip: treat `ct` as a plaintext.
    let pt = ct;
    let mut sealed = pt.to_vec();
    let mut t = vec![0u8; rt_tag_len];
    ccm.seal_detached(nonce, &parts, &mut sealed, &mut t)
        .unwrap();
    let mut opened = sealed.clone();
    // The AAD parts are authenticated as their concatenation.
    ccm.open_detached(nonce, &[aad], &mut opened, &t).unwrap();
    assert_eq!(opened, pt);

    // 3. One tampered byte anywhere (ciphertext, tag, AAD, nonce) is rejected, buffer zeroed.
    let total = sealed.len() + t.len() + aad.len() + nonce.len();
    let mut pos = tamper_pos % total;
    let (mut c2, mut t2, mut a2, mut n2) =
        (sealed.clone(), t.clone(), aad.to_vec(), nonce.to_vec());
    for v in [&mut c2, &mut t2, &mut a2, &mut n2] {
        if pos < v.len() {
            v[pos] ^= tamper_xor;
            break;
        }
        pos -= v.len();
    }
    let verdict = ccm.open_detached(&n2, &[&a2], &mut c2, &t2);
    assert_eq!(
        verdict,
        Err(Error::Verification),
        "tampered message accepted"
    );
    assert!(c2.iter().all(|&b| b == 0));

    // 4. The tag length is bound into the MAC: a truncated tag never verifies.
    if rt_tag_len > 4 {
        let mut c3 = sealed.clone();
        let verdict = ccm.open_detached(nonce, &[aad], &mut c3, &t[..rt_tag_len - 2]);
        assert_eq!(verdict, Err(Error::Verification), "truncated tag accepted");
        assert!(c3.iter().all(|&b| b == 0));
    }
});
