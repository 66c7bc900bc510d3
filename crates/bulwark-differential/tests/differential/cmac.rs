//! AES-CMAC: bulwark's `CmacMode<SoftAes>` against OpenSSL's `EVP_PKEY` CMAC.

use bulwark_api::{Error, mac::Cmac};
use bulwark_differential::{SeededCases, reference, run, same};
use bulwark_soft::{SoftAes, SoftCmac};

use crate::{assert_clean, both_reject, config, ossl, ours};

/// Lengths around the block boundaries, where CMAC switches between its two subkeys.
const EDGES: [usize; 12] = [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64];

fn one_case(r: &mut SeededCases) -> Result<(), String> {
    let key_len = r.pick(&[16usize, 24, 32]);
    let key = r.bytes(key_len);
    let msg_len = if r.percent(30) {
        r.pick(&EDGES)
    } else if r.percent(85) {
        r.range(0, 256)
    } else {
        r.range(257, 4096)
    };
    let msg = r.bytes(msg_len);
    let params = format!("AES-{}-CMAC msg {msg_len} B", key_len * 8);
    let with = |e: String| format!("{params}: {e}");

    let mut mac = SoftCmac::new(ours("key import", SoftAes::new(&key)).map_err(with)?);
    let parts = r.split(&msg, 4);
    let tag = ours("compute", mac.compute(&parts)).map_err(with)?;
    let theirs = ossl("CMAC", reference::cmac(&key, &msg)).map_err(with)?;
    same("tag", &tag, &theirs).map_err(with)?;

    // OpenSSL's tag, truncated to 8..=16 bytes, verifies with ours.
    let t = r.range(8, 16);
    let their_prefix = theirs.get(..t).unwrap_or(&theirs);
    let parts = r.split(&msg, 4);
    ours("verify of OpenSSL's tag", mac.verify(&parts, their_prefix)).map_err(with)?;

    // A tampered tag, and a tampered message, are rejected by ours; OpenSSL's tag over the
    // tampered message differs too.
    let mut bad = their_prefix.to_vec();
    r.flip_bit(&mut bad);
    both_reject(
        "tampered tag",
        mac.verify(&[&msg], &bad),
        Error::Verification,
        true,
    )
    .map_err(with)?;
    let mut bad_msg = msg.clone();
    if bad_msg.is_empty() {
        bad_msg.push(r.pick(&[0u8, 0x80, 0xff]));
    } else {
        r.flip_bit(&mut bad_msg);
    }
    let their_bad = ossl("CMAC", reference::cmac(&key, &bad_msg)).map_err(with)?;
    both_reject(
        "tampered message",
        mac.verify(&[&bad_msg], &theirs),
        Error::Verification,
        their_bad != theirs,
    )
    .map_err(with)?;

    // Tags shorter than 8 bytes are refused as input.
    if r.percent(10) {
        let short = r.range(0, 7);
        let o = mac.verify(&[&msg], theirs.get(..short).unwrap_or(&[]));
        both_reject("short tag", o, Error::InvalidInput, true).map_err(with)?;
    }
    Ok(())
}

#[test]
fn cmac() {
    let outcome = run("cmac", config(), one_case);
    assert_clean(&outcome);
}
