//! AES-CCM: bulwark's `SoftCcm` against OpenSSL's EVP AES-CCM.

use bulwark_api::{Error, ccm::Ccm, ccm::max_message_len};
use bulwark_differential::{SeededCases, reference, run, same};
use bulwark_soft::{SoftAes, SoftCcm};

use crate::{assert_clean, both_reject, config, ossl, ours};

/// The AAD lengths around the switch from the 2-byte to the 6-byte AAD-length encoding
/// (`2^16 - 2^8 = 65280`).
const AAD_BOUNDARY: [usize; 3] = [65279, 65280, 65281];

fn aad_len(r: &mut SeededCases) -> usize {
    if r.per_mille(15) {
        r.pick(&AAD_BOUNDARY)
    } else if r.percent(10) {
        0
    } else if r.percent(80) {
        r.range(1, 64)
    } else {
        r.range(65, 2048)
    }
}

/// Mostly short messages; ~1% long ones up to the nonce's limit (13-byte nonce: exactly
/// 65535 half of the time) or, for shorter nonces, past the 2^16 mark.
fn msg_len(r: &mut SeededCases, nonce_len: usize) -> usize {
    let max = usize::try_from(max_message_len(nonce_len)).unwrap_or(usize::MAX);
    if r.per_mille(10) {
        if nonce_len == 13 {
            if r.percent(50) {
                max
            } else {
                r.range(4096, max)
            }
        } else {
            r.range(60_000, 140_000).min(max)
        }
    } else if r.percent(10) {
        0
    } else if r.percent(85) {
        r.range(1, 256)
    } else {
        r.range(257, 4096)
    }
}

fn one_case(r: &mut SeededCases) -> Result<(), String> {
    let key_len = r.pick(&[16usize, 24, 32]);
    let key = r.bytes(key_len);
    let nonce_len = r.range(7, 13);
    let nonce = r.bytes(nonce_len);
    let tag_len = 2 * r.range(2, 8);
    // ~0.2%: a 13-byte nonce with one byte more than its 2-byte length field holds.
    let too_long = nonce_len == 13 && r.per_mille(15);
    let aad_len = aad_len(r);
    let msg_len = if too_long {
        65536
    } else {
        msg_len(r, nonce_len)
    };
    let aad = r.bytes(aad_len);
    let plaintext = r.bytes(msg_len);
    let params = format!(
        "AES-{} nonce {nonce_len} B, tag {tag_len} B, aad {aad_len} B, msg {msg_len} B",
        key_len * 8
    );
    let with = |e: String| format!("{params}: {e}");

    let mut ccm = SoftCcm::new(ours("key import", SoftAes::new(&key)).map_err(with)?);

    if too_long {
        let mut buf = plaintext.clone();
        let mut tag = vec![0u8; tag_len];
        let o = ccm.seal_detached(&nonce, &[&aad], &mut buf, &mut tag);
        let t = reference::ccm_seal(&key, &nonce, &aad, &plaintext, tag_len).is_err();
        return both_reject(
            "seal of a message over the limit",
            o,
            Error::InvalidInput,
            t,
        )
        .map_err(with);
    }

    // Direction 1: our seal equals OpenSSL's seal.
    let mut ct = plaintext.clone();
    let mut tag = vec![0u8; tag_len];
    let aad_parts = r.split(&aad, 3);
    ours(
        "seal",
        ccm.seal_detached(&nonce, &aad_parts, &mut ct, &mut tag),
    )
    .map_err(with)?;
    let (their_ct, their_tag) = ossl(
        "seal",
        reference::ccm_seal(&key, &nonce, &aad, &plaintext, tag_len),
    )
    .map_err(with)?;
    same("ciphertext", &ct, &their_ct).map_err(with)?;
    same("tag", &tag, &their_tag).map_err(with)?;

    // Direction 2: OpenSSL's output opens with ours, ours opens with OpenSSL.
    let mut buf = their_ct.clone();
    let aad_parts = r.split(&aad, 3);
    ours(
        "open of OpenSSL's ciphertext",
        ccm.open_detached(&nonce, &aad_parts, &mut buf, &their_tag),
    )
    .map_err(with)?;
    same("plaintext opened by bulwark", &buf, &plaintext).map_err(with)?;
    let opened = ossl(
        "open of bulwark's ciphertext",
        reference::ccm_open(&key, &nonce, &aad, &ct, &tag),
    )
    .map_err(with)?;
    same("plaintext opened by OpenSSL", &plaintext, &opened).map_err(with)?;

    // Tampered tag: both reject, and ours leaves no plaintext behind.
    let mut bad_tag = tag.clone();
    r.flip_bit(&mut bad_tag);
    let mut buf = ct.clone();
    let o = ccm.open_detached(&nonce, &[&aad], &mut buf, &bad_tag);
    let t = reference::ccm_open(&key, &nonce, &aad, &ct, &bad_tag).is_err();
    both_reject("tampered tag", o, Error::Verification, t).map_err(with)?;
    if buf.iter().any(|&b| b != 0) {
        return Err(with(
            "bulwark left output in the buffer after a failed open".into(),
        ));
    }

    // Tampered ciphertext or AAD (whichever is non-empty, picked at random).
    let (mut bad_ct, mut bad_aad) = (ct.clone(), aad.clone());
    if !ct.is_empty() && (aad.is_empty() || r.percent(50)) {
        r.flip_bit(&mut bad_ct);
    } else if !aad.is_empty() {
        r.flip_bit(&mut bad_aad);
    } else {
        return Ok(());
    }
    let mut buf = bad_ct.clone();
    let o = ccm.open_detached(&nonce, &[&bad_aad], &mut buf, &tag);
    let t = reference::ccm_open(&key, &nonce, &bad_aad, &bad_ct, &tag).is_err();
    both_reject("tampered ciphertext/AAD", o, Error::Verification, t).map_err(with)
}

#[test]
fn ccm() {
    let outcome = run("ccm", config(), one_case);
    assert_clean(&outcome);
}
