//! AES-CTR: bulwark's `CtrMode<SoftAes>` against OpenSSL's AES-CTR (a 128-bit big-endian
//! counter over the whole block).

use bulwark_api::hazmat::Ctr;
use bulwark_differential::{SeededCases, hex, reference, run, same};
use bulwark_soft::{SoftAes, SoftCtr};

use crate::{assert_clean, config, ossl, ours};

fn one_case(r: &mut SeededCases) -> Result<(), String> {
    let key_len = r.pick(&[16usize, 24, 32]);
    let key = r.bytes(key_len);
    // ~10%: start a few blocks before 0xff..ff so the 128-bit counter wraps inside the
    // message; ~5%: only the low 64 bits are near their wrap (catches a 64-bit counter).
    let roll = r.below(100);
    let (iv, wrap_in) = if roll < 10 {
        let k = r.below(20);
        (u128::MAX - u128::from(k), Some(k))
    } else if roll < 15 {
        let k = r.below(20);
        let high = u128::from(r.next_u64()) << 64;
        (high | u128::from(u64::MAX - k), Some(k))
    } else {
        let mut b = [0u8; 16];
        r.fill(&mut b);
        (u128::from_be_bytes(b), None)
    };
    let iv = iv.to_be_bytes();
    let msg_len = match wrap_in {
        // Enough blocks to pass the wrap point, plus a random tail.
        Some(k) => (k as usize + 1) * 16 + r.range(1, 300),
        None if r.percent(10) => r.range(0, 15),
        None if r.percent(80) => r.range(16, 512),
        None => r.range(513, 4096),
    };
    let msg = r.bytes(msg_len);
    let params = format!("AES-{}-CTR iv {} msg {msg_len} B", key_len * 8, hex(&iv));
    let with = |e: String| format!("{params}: {e}");

    let mut ctr = SoftCtr::new(ours("key import", SoftAes::new(&key)).map_err(with)?);
    let mut buf = msg.clone();
    ours("keystream", ctr.apply_keystream(&iv, &mut buf)).map_err(with)?;
    let theirs = ossl("AES-CTR", reference::ctr(&key, &iv, &msg)).map_err(with)?;
    same("ciphertext", &buf, &theirs).map_err(with)?;

    // Decrypting OpenSSL's ciphertext with ours gives the message back.
    let mut back = theirs;
    ours("keystream", ctr.apply_keystream(&iv, &mut back)).map_err(with)?;
    same("decryption of OpenSSL's ciphertext", &back, &msg).map_err(with)
}

#[test]
fn ctr() {
    let outcome = run("ctr", config(), one_case);
    assert_clean(&outcome);
}
