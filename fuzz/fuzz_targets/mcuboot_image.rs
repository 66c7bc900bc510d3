//! MCUboot image verification, structure-aware.
//!
//! Starts from a valid signed image: one of the imgtool images in `test-vectors/mcuboot`, or
//! an Ed25519 image built and signed here from fuzz-chosen parts (header size, body, version,
//! flags, security counter, dependencies, vendor TLVs, key-hash or full-key TLV, SHA-256 or
//! SHA-512, hash or pure signature). The unmutated image must verify. Then fuzz-chosen
//! mutations are applied (header fields, TLV types and lengths, TLV-area totals, truncation,
//! byte flips and writes, insertions, deletions, optionally followed by recomputing the hash
//! TLV so the signature check is reached) and the result goes through `verify_slice` and a
//! streaming `verify_flash` with a small buffer. Neither may panic, they must agree, and an
//! image may only be accepted if its signed region (header, body, protected TLVs) is
//! byte-identical to the original's: the unprotected TLV area and slot padding are not
//! covered by the signature in MCUboot's format, so changes there may legitimately pass.
#![no_main]

use arbitrary::Arbitrary;
use bulwark_firmware::{
    ImageError, MonotonicCounter, SliceStorage, Slot, Verifier, format::flags,
};
use bulwark_fuzz::SigBackend;
use libfuzzer_sys::fuzz_target;
use sha2::Digest;

const IMAGES: &[&[u8]] = &[
    include_bytes!("../../test-vectors/mcuboot/ed25519-hash-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-full.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-full-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-hash.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-sha512-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-sha512-full.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-pure-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-deps-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ed25519-small-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ecdsa-p256-hash-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ecdsa-p256-full.img"),
    include_bytes!("../../test-vectors/mcuboot/ecdsa-p256-full-sc.img"),
    include_bytes!("../../test-vectors/mcuboot/ecdsa-p256-small-sc.img"),
];

/// The imgtool test keys (test-vectors/mcuboot/manifest.txt) and the synthetic key.
const IMGTOOL_ED25519: [u8; 32] =
    hex32("127d7405634da62ac35459e392716e0296941403d4790f0d22631e77328d7fdc");
const IMGTOOL_P256: &str = "040717cfd48f9976b7eb5d5d49c4f32c7c5ffb0c79b32b218e5511d39acb5c5dbb6a9d426764be86ce917c4ee069348be5df0e8afc42f087f2646e6594b36fc93b";
const SYNTH_SEED: [u8; 32] = [0x42; 32];

const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nib(b[2 * i]) << 4) | nib(b[2 * i + 1]);
        i += 1;
    }
    out
}
const fn nib(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

#[derive(Arbitrary, Debug)]
struct Synthetic {
    hdr_extra: u8,
    body: Vec<u8>,
    version: (u8, u8, u16, u32),
    flags: u8,
    security_counter: Option<u32>,
    dependencies: Vec<[u8; 12]>,
    vendor: Vec<(u8, Vec<u8>)>,
    full_key: bool,
    sha512: bool,
    pure: bool,
}

#[derive(Arbitrary, Debug)]
enum Mutation {
    Flip { pos: u16, xor: u8 },
    Write { pos: u16, val: u8 },
    HeaderU16 { field: u8, value: u16 },
    HeaderU32 { field: u8, value: u32 },
    TlvType { index: u8, kind: u16 },
    TlvLen { index: u8, len: u16 },
    TlvLenDelta { index: u8, delta: i8 },
    AreaTotal { protected: bool, total: u16 },
    Truncate { len: u16 },
    Insert { pos: u16, bytes: Vec<u8> },
    Delete { pos: u16, len: u8 },
    Append { bytes: Vec<u8> },
}

#[derive(Arbitrary, Debug)]
struct Input {
    base: u8,
    synthetic: Option<Synthetic>,
    mutations: Vec<Mutation>,
    fix_hash: bool,
    chunk: u8,
    slot_pad: u8,
}

fn le16(img: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes([*img.get(at)?, *img.get(at + 1)?]) as usize)
}
fn le32(img: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(img.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// (protected area offset, unprotected area offset) from the header, if in range.
fn areas(img: &[u8]) -> Option<(usize, usize)> {
    let prot = le16(img, 8)?.checked_add(le32(img, 12)?)?;
    Some((prot, prot.checked_add(le16(img, 10)?)?))
}

/// Offsets of the TLV entries of both areas, walked leniently.
fn tlv_entries(img: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let Some((prot, unprot)) = areas(img) else {
        return out;
    };
    for area in [prot, unprot] {
        let (Some(_), Some(total)) = (le16(img, area), le16(img, area + 2)) else {
            continue;
        };
        let end = (area + total).min(img.len());
        let mut at = area + 4;
        while at + 4 <= end && out.len() < 64 {
            out.push(at);
            at += 4 + le16(img, at + 2).unwrap_or(0);
        }
    }
    out
}

fn tlv_area(magic: u16, entries: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (t, v) in entries {
        body.extend_from_slice(&t.to_le_bytes());
        body.extend_from_slice(&(v.len() as u16).to_le_bytes());
        body.extend_from_slice(v);
    }
    let mut out = magic.to_le_bytes().to_vec();
    out.extend_from_slice(&((body.len() + 4) as u16).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn synth_public() -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(&SYNTH_SEED)
        .verifying_key()
        .to_bytes()
}

fn digest(sha512: bool, parts: &[&[u8]]) -> Vec<u8> {
    if sha512 {
        let mut h = sha2::Sha512::new();
        parts.iter().for_each(|p| h.update(p));
        h.finalize().to_vec()
    } else {
        let mut h = sha2::Sha256::new();
        parts.iter().for_each(|p| h.update(p));
        h.finalize().to_vec()
    }
}

fn build(s: &Synthetic) -> Vec<u8> {
    let hdr_size = 32 + usize::from(s.hdr_extra);
    let body = &s.body[..s.body.len().min(1024)];
    let mut prot_entries = Vec::new();
    if let Some(c) = s.security_counter {
        prot_entries.push((0x50u16, c.to_le_bytes().to_vec()));
    }
    for d in s.dependencies.iter().take(4) {
        prot_entries.push((0x40, d.to_vec()));
    }
    let prot = if prot_entries.is_empty() {
        Vec::new()
    } else {
        tlv_area(0x6908, &prot_entries)
    };
    let mut img = Vec::new();
    img.extend_from_slice(&0x96F3_B83Du32.to_le_bytes());
    img.extend_from_slice(&0x2000_0000u32.to_le_bytes());
    img.extend_from_slice(&(hdr_size as u16).to_le_bytes());
    img.extend_from_slice(&(prot.len() as u16).to_le_bytes());
    img.extend_from_slice(&(body.len() as u32).to_le_bytes());
    img.extend_from_slice(&(u32::from(s.flags) & flags::ACCEPTED).to_le_bytes());
    img.push(s.version.0);
    img.push(s.version.1);
    img.extend_from_slice(&s.version.2.to_le_bytes());
    img.extend_from_slice(&s.version.3.to_le_bytes());
    img.extend_from_slice(&0u32.to_le_bytes());
    img.resize(hdr_size, 0xFF);
    img.extend_from_slice(body);
    img.extend_from_slice(&prot);
    let d = digest(s.sha512, &[&img]);
    let pk = synth_public();
    let sk = ed25519_dalek::SigningKey::from_bytes(&SYNTH_SEED);
    use ed25519_dalek::Signer;
    let sig = if s.pure { sk.sign(&img) } else { sk.sign(&d) }
        .to_bytes()
        .to_vec();
    let mut entries = vec![(if s.sha512 { 0x12u16 } else { 0x10 }, d)];
    let spki = bulwark_api::encoding::spki_der(bulwark_api::sig::AlgorithmId::Ed25519, &pk)
        .unwrap();
    if s.full_key {
        entries.push((0x02, spki.as_ref().to_vec()));
    } else {
        entries.push((0x01, digest(s.sha512, &[spki.as_ref()])));
    }
    entries.push((0x24, sig));
    if s.pure {
        entries.push((0x25, vec![1]));
    }
    for (t, v) in s.vendor.iter().take(3) {
        entries.push((0xA0 + u16::from(*t), v[..v.len().min(64)].to_vec()));
    }
    img.extend_from_slice(&tlv_area(0x6907, &entries));
    img
}

fn apply(img: &mut Vec<u8>, m: &Mutation) {
    let n = img.len();
    let at = |p: u16| if n == 0 { 0 } else { usize::from(p) % n };
    let header_fields_16 = [8usize, 10, 2, 22];
    let header_fields_32 = [4usize, 12, 16, 20, 24, 28, 0];
    match m {
        Mutation::Flip { pos, xor } if n > 0 => img[at(*pos)] ^= xor,
        Mutation::Write { pos, val } if n > 0 => img[at(*pos)] = *val,
        Mutation::HeaderU16 { field, value } => {
            let o = header_fields_16[usize::from(*field) % header_fields_16.len()];
            if let Some(s) = img.get_mut(o..o + 2) {
                s.copy_from_slice(&value.to_le_bytes());
            }
        }
        Mutation::HeaderU32 { field, value } => {
            let o = header_fields_32[usize::from(*field) % header_fields_32.len()];
            if let Some(s) = img.get_mut(o..o + 4) {
                s.copy_from_slice(&value.to_le_bytes());
            }
        }
        Mutation::TlvType { index, kind } => {
            let e = tlv_entries(img);
            if let Some(&o) = e.get(usize::from(*index) % e.len().max(1)) {
                img[o..o + 2].copy_from_slice(&kind.to_le_bytes());
            }
        }
        Mutation::TlvLen { index, len } => {
            let e = tlv_entries(img);
            if let Some(&o) = e.get(usize::from(*index) % e.len().max(1)) {
                img[o + 2..o + 4].copy_from_slice(&len.to_le_bytes());
            }
        }
        Mutation::TlvLenDelta { index, delta } => {
            let e = tlv_entries(img);
            if let Some(&o) = e.get(usize::from(*index) % e.len().max(1)) {
                let l =
                    u16::from_le_bytes([img[o + 2], img[o + 3]]).wrapping_add(*delta as i16 as u16);
                img[o + 2..o + 4].copy_from_slice(&l.to_le_bytes());
            }
        }
        Mutation::AreaTotal { protected, total } => {
            if let Some((p, u)) = areas(img) {
                let o = if *protected { p } else { u } + 2;
                if let Some(s) = img.get_mut(o..o + 2) {
                    s.copy_from_slice(&total.to_le_bytes());
                }
            }
        }
        Mutation::Truncate { len } => img.truncate(usize::from(*len) % (n + 1)),
        Mutation::Insert { pos, bytes } => {
            let p = usize::from(*pos) % (n + 1);
            img.splice(p..p, bytes.iter().take(64).copied());
        }
        Mutation::Delete { pos, len } => {
            let p = usize::from(*pos) % (n + 1);
            let e = (p + usize::from(*len)).min(n);
            img.drain(p..e);
        }
        Mutation::Append { bytes } => img.extend(bytes.iter().take(64)),
        _ => {}
    }
}

/// Rewrites the hash TLV to match the (mutated) hashed region, so the signature is reached.
fn fix_hash(img: &mut [u8]) {
    let Some((_, unprot)) = areas(img) else {
        return;
    };
    if unprot > img.len() {
        return;
    }
    for o in tlv_entries(img) {
        if o < unprot {
            continue;
        }
        let kind = le16(img, o).unwrap_or(0);
        let len = le16(img, o + 2).unwrap_or(0);
        let sha512 = match (kind, len) {
            (0x10, 32) => false,
            (0x12, 64) => true,
            _ => continue,
        };
        let d = digest(sha512, &[&img[..unprot]]);
        if let Some(s) = img.get_mut(o + 4..o + 4 + len) {
            s.copy_from_slice(&d);
        }
        return;
    }
}

struct Counter;
impl MonotonicCounter for Counter {
    fn read(&mut self) -> Result<u32, bulwark_api::Error> {
        Ok(0)
    }
    fn advance_to(&mut self, _: u32) -> Result<(), bulwark_api::Error> {
        panic!("verification must not write the counter");
    }
}

fuzz_target!(|input: Input| {
    let original = match &input.synthetic {
        Some(s) => build(s),
        None => IMAGES[usize::from(input.base) % IMAGES.len()].to_vec(),
    };
    let p256_key: [u8; 65] = {
        let mut k = [0u8; 65];
        for (i, o) in k.iter_mut().enumerate() {
            *o = (nib(IMGTOOL_P256.as_bytes()[2 * i]) << 4)
                | nib(IMGTOOL_P256.as_bytes()[2 * i + 1]);
        }
        k
    };
    let ed = [IMGTOOL_ED25519, synth_public()];
    let ec = [p256_key];
    let mut backend = SigBackend::default();
    let verifier = Verifier::any(&mut backend, &ed, &ec)
        .and_then(|v| v.with_sha512(&mut backend))
        .unwrap()
        .allow_missing_security_counter();
    let chunk = 1 + usize::from(input.chunk % 64);
    let pad = usize::from(input.slot_pad % 32);

    let run = |img: &[u8]| {
        let mut slot_bytes = img.to_vec();
        slot_bytes.resize(img.len() + pad, 0xFF);
        let slice = verifier.verify_slice(&mut SigBackend::default(), &slot_bytes, &mut Counter);
        let mut flash_bytes = vec![0xA5u8; 16];
        flash_bytes.extend_from_slice(&slot_bytes);
        let mut flash = SliceStorage::new(&flash_bytes);
        let slot = Slot::new(16, slot_bytes.len() as u32, 1).with_trailer_size(0);
        let mut buf = vec![0u8; chunk];
        let flash_result = verifier.verify_flash(
            &mut SigBackend::default(),
            &mut flash,
            slot,
            &mut buf,
            &mut Counter,
        );
        match (&slice, &flash_result) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.digest(), b.digest());
                assert_eq!(a.version(), b.version());
                assert_eq!(a.security_counter(), b.security_counter());
            }
            (Ok(a), Err(ImageError::PureNeedsSlice)) => assert!(a.is_pure()),
            (Err(a), Err(b)) => assert!(
                a == b || *b == ImageError::PureNeedsSlice,
                "slice {a:?} flash {b:?}"
            ),
            (a, b) => panic!(
                "slice and flash disagree: {:?} / {:?}",
                a.as_ref().err(),
                b.as_ref().err()
            ),
        }
        slice
    };

    let base = run(&original);
    let base = match base {
        Ok(v) => v,
        Err(e) => panic!(
            "unmutated image rejected: {e:?} (synthetic: {})",
            input.synthetic.is_some()
        ),
    };
    let signed_len = usize::from(base.header_size()) + base.image_size() as usize;
    let (_, signed_end) = areas(&original).unwrap();
    assert!(signed_end >= signed_len);
    if let Some(s) = &input.synthetic {
        assert_eq!(base.version().major, s.version.0);
        assert_eq!(base.security_counter(), s.security_counter);
        assert_eq!(base.dependencies().len(), s.dependencies.len().min(4));
        assert_eq!(base.is_pure(), s.pure);
    }

    if input.mutations.is_empty() {
        return;
    }
    let mut img = original.clone();
    for m in input.mutations.iter().take(8) {
        apply(&mut img, m);
    }
    if input.fix_hash {
        fix_hash(&mut img);
    }
    if let Ok(v) = run(&img) {
        assert_eq!(
            img.get(..signed_end),
            Some(&original[..signed_end]),
            "a mutated image was accepted: {:?}",
            input.mutations
        );
        assert_eq!(v.digest(), base.digest());
        assert_eq!(v.version(), base.version());
        assert_eq!(v.security_counter(), base.security_counter());
        assert_eq!(v.dependencies(), base.dependencies());
        assert_eq!(v.key_id(), base.key_id());
    }
});
