//! Test helpers: the backend (`bulwark_soft::Soft`, re-exported as `TestBackend`), a counter,
//! vector loading and a Rust image signer for synthetic images (Ed25519 through `Soft`'s
//! `Sign<Ed25519>`).
#![allow(
    dead_code,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use bulwark_api::{
    Error, SecretBytes,
    hash::Sha256,
    sig::{Ed25519, Sign, Verify},
};
use bulwark_firmware::{
    HashSupport, ImageError, MonotonicCounter, SliceStorage, Slot, VerifiedImage, Verifier,
    VerifyAlgorithms,
};
use std::{collections::HashMap, path::PathBuf, vec::Vec};

/// The backend the tests verify with: the software backend (streaming SHA-256/512, Ed25519
/// and ECDSA P-256 verification).
pub use bulwark_soft::Soft as TestBackend;
pub use bulwark_testkit::hex::decode as hex;

/// Streams `slot` of `flash` through `v`, with `buf` as the chunk buffer and a fresh counter
/// (0): the common call of [`Verifier::verify_flash`].
pub fn stream_slot<S, H>(
    v: &Verifier<'_, TestBackend, S, H>,
    flash: &[u8],
    slot: Slot,
    buf: &mut [u8],
) -> Result<VerifiedImage, ImageError>
where
    S: VerifyAlgorithms<TestBackend>,
    H: HashSupport<TestBackend>,
{
    v.verify_flash(
        &mut TestBackend,
        &mut SliceStorage::new(flash),
        slot,
        buf,
        &mut TestCounter::default(),
    )
}

/// A RAM counter that records writes.
#[derive(Default)]
pub struct TestCounter {
    pub value: u32,
    pub writes: usize,
}

impl MonotonicCounter for TestCounter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(self.value)
    }
    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        self.writes += 1;
        self.value = self.value.max(value);
        Ok(())
    }
}

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/mcuboot")
}

/// One manifest line.
pub struct Entry {
    pub fields: HashMap<String, String>,
    pub image: Vec<u8>,
}

impl Entry {
    pub fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
    pub fn pubkey(&self) -> Vec<u8> {
        hex(self.get("pubkey"))
    }
    pub fn keyid(&self) -> [u8; 32] {
        hex(self.get("keyid")).try_into().unwrap()
    }
}

pub fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(vectors_dir().join("manifest.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let fields: HashMap<String, String> = l
                .split(' ')
                .map(|f| {
                    let (k, v) = f.split_once('=').unwrap();
                    (k.to_string(), v.to_string())
                })
                .collect();
            let image = std::fs::read(vectors_dir().join(&fields["file"])).unwrap();
            Entry { fields, image }
        })
        .collect()
}

pub fn entry(file: &str) -> Entry {
    manifest()
        .into_iter()
        .find(|e| e.get("file") == file)
        .unwrap()
}

/// Parses "1.2.3+4".
pub fn parse_version(v: &str) -> (u8, u8, u16, u32) {
    let (main, build) = v.split_once('+').unwrap_or((v, "0"));
    let mut it = main.split('.');
    let a = it.next().unwrap().parse().unwrap();
    let b = it.next().unwrap_or("0").parse().unwrap();
    let c = it.next().unwrap_or("0").parse().unwrap();
    (a, b, c, build.parse().unwrap())
}

/// Byte offsets of the TLV boundaries of an image: (start of each area, start of each entry,
/// end).
pub fn tlv_boundaries(img: &[u8]) -> Vec<usize> {
    let le16 = |o: usize| u16::from_le_bytes([img[o], img[o + 1]]) as usize;
    let hdr = le16(8);
    let isz = u32::from_le_bytes(img[12..16].try_into().unwrap()) as usize;
    let mut off = hdr + isz;
    let mut out = vec![off];
    while off < img.len() {
        let total = le16(off + 2);
        let end = off + total;
        let mut o = off + 4;
        out.push(o);
        while o < end {
            o += 4 + le16(o + 2);
            out.push(o);
        }
        off = end;
    }
    out.dedup();
    out
}

// ---- A Rust signer for synthetic images (Ed25519, imgtool layout) ----

pub const TEST_SEED: [u8; 32] = [0x42; 32];

pub fn signing_key() -> bulwark_soft::Ed25519SigningKey {
    let mut seed = TEST_SEED;
    Sign::<Ed25519>::import_signing_key(&mut TestBackend, SecretBytes::take_from(&mut seed))
        .unwrap()
}

pub fn synthetic_public() -> [u8; 32] {
    let public = Sign::<Ed25519>::signing_public(&mut TestBackend, &signing_key()).unwrap();
    Verify::<Ed25519>::export_public(&mut TestBackend, &public)
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    TestBackend.digest(&[data]).unwrap()
}

pub fn spki(pk: &[u8; 32]) -> Vec<u8> {
    bulwark_api::encoding::spki_der(bulwark_api::sig::AlgorithmId::Ed25519, pk)
        .unwrap()
        .as_ref()
        .to_vec()
}

pub fn tlv_area(magic: u16, entries: &[(u16, Vec<u8>)]) -> Vec<u8> {
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

/// How to build a synthetic image; `unprotected` edits the unprotected entries (hash, key
/// hash, signature, in imgtool's order) before they are written.
pub struct Build {
    pub hdr_size: u16,
    pub body: Vec<u8>,
    pub version: (u8, u8, u16, u32),
    pub flags: u32,
    pub protected: Vec<(u16, Vec<u8>)>,
    pub prot_size_override: Option<u16>,
}

impl Build {
    pub fn new(body: Vec<u8>, security_counter: Option<u32>) -> Self {
        Self {
            hdr_size: 0x200,
            body,
            version: (1, 0, 0, 0),
            flags: 0,
            protected: security_counter
                .map(|c| vec![(0x50, c.to_le_bytes().to_vec())])
                .unwrap_or_default(),
            prot_size_override: None,
        }
    }

    pub fn build(&self, unprotected: impl FnOnce(&mut Vec<(u16, Vec<u8>)>)) -> Vec<u8> {
        let prot = if self.protected.is_empty() {
            Vec::new()
        } else {
            tlv_area(0x6908, &self.protected)
        };
        let prot_size = self.prot_size_override.unwrap_or(prot.len() as u16);
        let mut img = Vec::new();
        img.extend_from_slice(&0x96F3_B83Du32.to_le_bytes());
        img.extend_from_slice(&0u32.to_le_bytes());
        img.extend_from_slice(&self.hdr_size.to_le_bytes());
        img.extend_from_slice(&prot_size.to_le_bytes());
        img.extend_from_slice(&(self.body.len() as u32).to_le_bytes());
        img.extend_from_slice(&self.flags.to_le_bytes());
        img.push(self.version.0);
        img.push(self.version.1);
        img.extend_from_slice(&self.version.2.to_le_bytes());
        img.extend_from_slice(&self.version.3.to_le_bytes());
        img.extend_from_slice(&0u32.to_le_bytes());
        img.resize(self.hdr_size as usize, 0xFF);
        img.extend_from_slice(&self.body);
        img.extend_from_slice(&prot);
        let digest = sha256(&img);
        let sig = Sign::<Ed25519>::sign(&mut TestBackend, &signing_key(), &digest)
            .unwrap()
            .to_bytes()
            .to_vec();
        let keyhash = sha256(&spki(&synthetic_public()));
        let mut entries = vec![
            (0x10, digest.to_vec()),
            (0x01, keyhash.to_vec()),
            (0x24, sig),
        ];
        unprotected(&mut entries);
        img.extend_from_slice(&tlv_area(0x6907, &entries));
        img
    }
}
