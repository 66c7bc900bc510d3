//! CMAC, CTR and CBC-MAC against straightforward reference compositions over the raw AES block
//! function of the `aes` crate (written here, independently of bulwark-soft's modes).
//!
//! Input: key-size selector (u8: 16/24/32), key (32, first 16/24/32 used), initial counter
//! (16), 3 cut points, truncation byte, flip position (u16), message (rest).
#![no_main]

use aes::cipher::{BlockCipherEncrypt, KeyInit, array::Array};
use bulwark_api::{
    Error,
    hazmat::{CbcMac, Ctr},
    mac::Cmac,
};
use bulwark_fuzz::{Reader, split_parts};
use bulwark_soft::{SoftAes, SoftCbcMac, SoftCmac, SoftCtr};
use libfuzzer_sys::fuzz_target;

enum RefAes {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl RefAes {
    fn new(key: &[u8]) -> Self {
        match key.len() {
            16 => RefAes::A128(aes::Aes128::new_from_slice(key).unwrap()),
            24 => RefAes::A192(aes::Aes192::new_from_slice(key).unwrap()),
            _ => RefAes::A256(aes::Aes256::new_from_slice(key).unwrap()),
        }
    }
    fn enc(&self, b: [u8; 16]) -> [u8; 16] {
        let mut a = Array::from(b);
        match self {
            RefAes::A128(c) => c.encrypt_block(&mut a),
            RefAes::A192(c) => c.encrypt_block(&mut a),
            RefAes::A256(c) => c.encrypt_block(&mut a),
        }
        a.into()
    }
}

fn xor(a: [u8; 16], b: &[u8]) -> [u8; 16] {
    let mut out = a;
    for (o, x) in out.iter_mut().zip(b) {
        *o ^= x;
    }
    out
}

/// RFC 4493 section 2.3, with the branches as written there.
fn dbl(b: [u8; 16]) -> [u8; 16] {
    let msb = b[0] & 0x80 != 0;
    let mut out = [0u8; 16];
    for i in 0..16 {
        out[i] = b[i] << 1 | if i < 15 { b[i + 1] >> 7 } else { 0 };
    }
    if msb {
        out[15] ^= 0x87;
    }
    out
}

/// RFC 4493 section 2.4.
fn ref_cmac(aes: &RefAes, m: &[u8]) -> [u8; 16] {
    let l = aes.enc([0; 16]);
    let k1 = dbl(l);
    let k2 = dbl(k1);
    let n = m.len().div_ceil(16).max(1);
    let complete = !m.is_empty() && m.len() % 16 == 0;
    let last_start = (n - 1) * 16;
    let m_last = if complete {
        xor(m[last_start..].try_into().unwrap(), &k1)
    } else {
        let mut padded = [0u8; 16];
        let rem = &m[last_start..];
        padded[..rem.len()].copy_from_slice(rem);
        padded[rem.len()] = 0x80;
        xor(padded, &k2)
    };
    let mut x = [0u8; 16];
    for i in 0..n - 1 {
        x = aes.enc(xor(x, &m[16 * i..16 * i + 16]));
    }
    aes.enc(xor(x, &m_last))
}

fn ref_ctr(aes: &RefAes, counter: [u8; 16], m: &[u8]) -> Vec<u8> {
    let mut ctr = u128::from_be_bytes(counter);
    let mut out = Vec::with_capacity(m.len());
    for chunk in m.chunks(16) {
        let ks = aes.enc(ctr.to_be_bytes());
        out.extend(chunk.iter().zip(ks.iter()).map(|(a, b)| a ^ b));
        ctr = ctr.wrapping_add(1);
    }
    out
}

fn ref_cbc_mac(aes: &RefAes, m: &[u8]) -> [u8; 16] {
    let mut x = [0u8; 16];
    for block in m.chunks(16) {
        x = aes.enc(xor(x, block));
    }
    x
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let key_len = [16usize, 24, 32][usize::from(r.u8() % 3)];
    let key_bytes = r.array::<32>();
    let key = &key_bytes[..key_len];
    let counter = r.array::<16>();
    let cuts = r.array::<3>();
    let trunc = usize::from(r.u8() % 20);
    let flip = usize::from(r.u16());
    let msg = r.rest();

    let reference = RefAes::new(key);
    let parts = split_parts(msg, cuts);

    // CMAC.
    let want = ref_cmac(&reference, msg);
    let mut cmac = SoftCmac::new(SoftAes::new(key).unwrap());
    assert_eq!(cmac.compute(&parts).unwrap(), want, "CMAC differs");
    assert_eq!(cmac.compute(&[msg]).unwrap(), want);
    // A tag of `trunc` bytes (0..=19): the full tag's prefix, padded past 16 with junk.
    let mut tag = want.to_vec();
    tag.resize(trunc.max(16), 0xA5);
    tag.truncate(trunc);
    let verdict = cmac.verify(&parts, &tag);
    if (8..=16).contains(&trunc) {
        verdict.unwrap();
        let mut bad = want;
        bad[flip % trunc] ^= 1 << (flip % 8);
        assert_eq!(cmac.verify(&parts, &bad[..trunc]), Err(Error::Verification));
    } else {
        assert_eq!(verdict, Err(Error::InvalidInput), "tag length {trunc}");
    }
    if !msg.is_empty() {
        // A changed message does not verify.
        let mut m2 = msg.to_vec();
        m2[flip % msg.len()] ^= 0x01;
        assert_eq!(cmac.verify(&[&m2], &want), Err(Error::Verification));
    }

    // CTR with a 128-bit big-endian counter that wraps.
    let mut ctr = SoftCtr::new(SoftAes::new(key).unwrap());
    let want = ref_ctr(&reference, counter, msg);
    let mut buf = msg.to_vec();
    ctr.apply_keystream(&counter, &mut buf).unwrap();
    assert_eq!(buf, want, "CTR differs");
    // Resuming at a block boundary gives the same stream.
    let split = (flip % (msg.len() + 1)) / 16 * 16;
    let mut buf2 = msg.to_vec();
    ctr.apply_keystream(&counter, &mut buf2[..split]).unwrap();
    let next = u128::from_be_bytes(counter)
        .wrapping_add((split / 16) as u128)
        .to_be_bytes();
    ctr.apply_keystream(&next, &mut buf2[split..]).unwrap();
    assert_eq!(buf2, want);
    // Decrypting is the same operation.
    ctr.apply_keystream(&counter, &mut buf).unwrap();
    assert_eq!(buf, msg);

    // Raw CBC-MAC: whole non-empty blocks only.
    let mut cbc = SoftCbcMac::new(SoftAes::new(key).unwrap());
    let got = cbc.cbc_mac(msg);
    if !msg.is_empty() && msg.len() % 16 == 0 {
        assert_eq!(got.unwrap(), ref_cbc_mac(&reference, msg));
    } else {
        assert_eq!(got, Err(Error::InvalidInput));
    }
});
