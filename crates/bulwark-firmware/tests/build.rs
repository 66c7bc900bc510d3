//! The image builder against imgtool: Ed25519 images are reproduced bit for bit from the
//! committed imgtool images in `test-vectors/mcuboot`; ECDSA images share every byte but the
//! signature's; every built image passes the verifier; the size checks match imgtool's.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::{
    Error, SecretBytes,
    sig::{EcdsaP256, Ed25519, Sign},
};
use bulwark_firmware::{
    AlgorithmId, BuildError, HashAlg, ImageBuilder, ImageError, ImageVersion, MonotonicCounter,
    PublicKeyFormat, Verifier, trailer_size,
};
use bulwark_soft::Soft;
use bulwark_testkit::hex::decode as hex;
use std::{collections::HashMap, path::PathBuf};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/mcuboot")
}

/// Standard base64 (the PEM body), whitespace ignored.
fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The DER inside the committed test key's PEM.
fn key_der(file: &str) -> Vec<u8> {
    let pem = std::fs::read_to_string(vectors_dir().join(file)).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64(&body)
}

/// The Ed25519 test key: PKCS#8 v1 `30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 || seed`.
fn ed25519_key(soft: &mut Soft) -> <Soft as Sign<Ed25519>>::SigningKey {
    let der = key_der("test-key-ed25519.pem");
    assert_eq!(der.len(), 48);
    assert_eq!(der[..16], hex("302e020100300506032b657004220420")[..]);
    let seed = SecretBytes::<32>::try_from_slice(&der[16..]).unwrap();
    Sign::<Ed25519>::import_signing_key(soft, seed).unwrap()
}

/// The P-256 test key: PKCS#8 with an inner ECPrivateKey; the scalar follows `04 20` at 36.
fn p256_key(soft: &mut Soft) -> <Soft as Sign<EcdsaP256>>::SigningKey {
    let der = key_der("test-key-ecdsa-p256.pem");
    assert_eq!(
        der[..36],
        hex("308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420")[..]
    );
    let scalar = SecretBytes::<32>::try_from_slice(&der[36..68]).unwrap();
    Sign::<EcdsaP256>::import_signing_key(soft, scalar).unwrap()
}

/// make_images.py's payloads: byte i = i mod 256.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 256) as u8).collect()
}

struct Entry {
    fields: HashMap<String, String>,
}

impl Entry {
    fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }

    fn image(&self) -> Vec<u8> {
        std::fs::read(vectors_dir().join(self.get("file"))).unwrap()
    }

    fn version(&self) -> ImageVersion {
        let v = self.get("version");
        let (main, build) = v.split_once('+').unwrap_or((v, "0"));
        let parts: Vec<&str> = main.split('.').collect();
        ImageVersion::new(
            parts[0].parse().unwrap(),
            parts[1].parse().unwrap(),
            parts[2].parse().unwrap(),
            build.parse().unwrap(),
        )
    }

    fn builder(&self) -> (ImageBuilder, Vec<u8>) {
        let small = self.get("file").contains("small");
        let counter = match self.get("security_counter") {
            "" => None,
            n => Some(n.parse().unwrap()),
        };
        let format = match self.get("key_tlv") {
            "hash" => PublicKeyFormat::Hash,
            _ => PublicKeyFormat::Full,
        };
        // make_images.py: --header-size 0x200 (0x20 for the small images) --pad-header
        // --slot-size 0x20000 --align 4.
        let builder = ImageBuilder::new(self.version())
            .header_size(if small { 0x20 } else { 0x200 })
            .pad_header(true)
            .slot_size(0x20000)
            .align(4)
            .security_counter(counter)
            .public_key_format(format);
        (builder, payload(if small { 256 } else { 4096 }))
    }
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(vectors_dir().join("manifest.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| Entry {
            fields: l
                .split(' ')
                .map(|f| {
                    let (k, v) = f.split_once('=').unwrap();
                    (k.to_string(), v.to_string())
                })
                .collect(),
        })
        .collect()
}

/// The images the builder can reproduce: no --pure, no dependencies.
fn buildable(e: &Entry) -> bool {
    !e.get("file").contains("pure") && !e.get("file").contains("deps")
}

struct Counter(u32);

impl MonotonicCounter for Counter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(self.0)
    }
    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        self.0 = value;
        Ok(())
    }
}

fn pubkey<const N: usize>(e: &Entry) -> [u8; N] {
    hex(e.get("pubkey")).try_into().unwrap()
}

#[test]
fn ed25519_images_are_byte_identical_to_imgtool() {
    let mut soft = Soft;
    let key = ed25519_key(&mut soft);
    let mut checked = 0;
    for e in manifest()
        .iter()
        .filter(|e| e.get("scheme") == "ed25519" && buildable(e))
    {
        let expected = e.image();
        let (builder, payload) = e.builder();
        let mut out = vec![0u8; 8192];
        let (len, max) = if e.get("hash") == "sha512" {
            let b = builder.with_sha512();
            (
                b.sign_ed25519(&mut soft, &key, &payload, &mut out),
                b.max_image_len(AlgorithmId::Ed25519, payload.len()),
            )
        } else {
            (
                builder.sign_ed25519(&mut soft, &key, &payload, &mut out),
                builder.max_image_len(AlgorithmId::Ed25519, payload.len()),
            )
        };
        let len = len.unwrap_or_else(|err| panic!("{}: {err}", e.get("file")));
        assert_eq!(max, Ok(len), "{}", e.get("file"));
        assert!(
            out[..len] == expected[..],
            "{}: the built image differs from imgtool's",
            e.get("file")
        );
        checked += 1;
    }
    assert_eq!(checked, 7, "every reproducible Ed25519 image was compared");
}

#[test]
fn ecdsa_images_match_imgtool_but_for_the_signature_and_verify() {
    let mut soft = Soft;
    let key = p256_key(&mut soft);
    let mut checked = 0;
    for e in manifest()
        .iter()
        .filter(|e| e.get("scheme") == "ecdsa-p256" && buildable(e))
    {
        let expected = e.image();
        let (builder, payload) = e.builder();
        let mut out = vec![0u8; 8192];
        let len = builder
            .sign_ecdsa_p256(&mut soft, &key, &payload, &mut out)
            .unwrap();
        let image = &out[..len];
        // Everything up to the signature TLV's value is the same (the unprotected area's
        // total, at offset +2, depends on the DER signature's length).
        let tlv_off = {
            let hdr = u16::from_le_bytes([image[8], image[9]]) as usize;
            let prot = u16::from_le_bytes([image[10], image[11]]) as usize;
            let img = u32::from_le_bytes(image[12..16].try_into().unwrap()) as usize;
            hdr + img + prot
        };
        assert_eq!(image[..tlv_off], expected[..tlv_off], "{}", e.get("file"));
        let key_tlv_len = if e.get("key_tlv") == "hash" { 32 } else { 91 };
        let sig_tlv = tlv_off + 4 + 36 + 4 + key_tlv_len;
        assert_eq!(
            image[tlv_off + 4..sig_tlv],
            expected[tlv_off + 4..sig_tlv],
            "{}",
            e.get("file")
        );
        assert_eq!(image[sig_tlv..sig_tlv + 2], [0x22, 0x00]);

        let trusted = [pubkey::<65>(e)];
        let verified = Verifier::ecdsa_p256(&mut Soft, &trusted)
            .unwrap()
            .allow_missing_security_counter()
            .verify_slice(&mut soft, image, &mut Counter(0))
            .unwrap();
        assert_eq!(verified.version(), e.version());
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn built_images_verify() {
    let mut soft = Soft;
    let key = ed25519_key(&mut soft);
    let e = manifest()
        .into_iter()
        .find(|e| e.get("file") == "ed25519-hash-sc.img")
        .unwrap();
    let (builder, payload) = e.builder();
    let mut out = vec![0u8; 8192];
    let len = builder
        .sign_ed25519(&mut soft, &key, &payload, &mut out)
        .unwrap();
    let trusted = [pubkey::<32>(&e)];
    let v = Verifier::ed25519(&mut Soft, &trusted)
        .unwrap()
        .verify_slice(&mut soft, &out[..len], &mut Counter(0))
        .unwrap();
    assert_eq!(v.security_counter(), Some(0x0102_0003));
    assert_eq!(v.digest().alg(), HashAlg::Sha256);
    assert_eq!(v.key_id()[..], hex(e.get("keyid"))[..]);
    // One flipped body bit: refused.
    out[0x300] ^= 1;
    assert_eq!(
        Verifier::ed25519(&mut Soft, &trusted)
            .unwrap()
            .verify_slice(&mut soft, &out[..len], &mut Counter(0))
            .unwrap_err(),
        ImageError::HashMismatch
    );
}

#[test]
fn header_room_without_pad_header() {
    let mut soft = Soft;
    let key = ed25519_key(&mut soft);
    let version = ImageVersion::new(1, 0, 0, 0);
    let mut out = vec![0u8; 1024];

    // The first header-size bytes are the header's room: zero, overwritten by the header.
    let mut input = vec![0u8; 0x40];
    input.extend_from_slice(b"firmware");
    let builder = ImageBuilder::new(version).header_size(0x40);
    let len = builder
        .sign_ed25519(&mut soft, &key, &input, &mut out)
        .unwrap();
    assert_eq!(u32::from_le_bytes(out[12..16].try_into().unwrap()), 8);
    assert_eq!(out[32..0x40], [0u8; 32]);
    assert_eq!(&out[0x40..0x48], b"firmware");
    let public = Sign::<Ed25519>::signing_public(&mut soft, &key).unwrap();
    let public = bulwark_api::sig::Verify::<Ed25519>::export_public(&mut soft, &public);
    Verifier::ed25519(&mut Soft, &[public])
        .unwrap()
        .allow_missing_security_counter()
        .verify_slice(&mut soft, &out[..len], &mut Counter(0))
        .unwrap();

    // Not zero: refused, as imgtool does.
    input[0x3f] = 1;
    assert_eq!(
        builder.sign_ed25519(&mut soft, &key, &input, &mut out),
        Err(BuildError::HeaderNotErased)
    );
    // Shorter than the header.
    assert_eq!(
        builder.sign_ed25519(&mut soft, &key, &[0u8; 0x3f], &mut out),
        Err(BuildError::PayloadTooShort)
    );
    // The default header size is the 32-byte minimum.
    let len = ImageBuilder::new(version)
        .sign_ed25519(&mut soft, &key, &[0u8; 32], &mut out)
        .unwrap();
    assert_eq!(u16::from_le_bytes([out[8], out[9]]), 32);
    assert_eq!(len, 32 + 4 + 36 + 36 + 68);
}

#[test]
fn size_checks() {
    let mut soft = Soft;
    let key = ed25519_key(&mut soft);
    let p = payload(1000);
    let base = ImageBuilder::new(ImageVersion::new(1, 2, 3, 0))
        .header_size(0x100)
        .pad_header(true);
    let image_len = 0x100 + 1000 + 4 + 36 + 36 + 68;
    let mut out = vec![0u8; 4096];

    // Exactly image + trailer fits; one byte less does not (imgtool: padding < 0).
    for align in [1u8, 4, 32] {
        let trailer = trailer_size(align).unwrap();
        let slot = (image_len + trailer) as u32;
        let b = base.align(align).slot_size(slot);
        assert_eq!(b.sign_ed25519(&mut soft, &key, &p, &mut out), Ok(image_len));
        assert_eq!(
            base.align(align)
                .slot_size(slot - 1)
                .sign_ed25519(&mut soft, &key, &p, &mut out),
            Err(BuildError::SlotTooSmall {
                image: image_len,
                trailer,
                slot: slot - 1
            })
        );
    }
    assert_eq!(
        base.align(3).sign_ed25519(&mut soft, &key, &p, &mut out),
        Err(BuildError::InvalidAlignment)
    );
    assert_eq!(
        base.header_size(31)
            .sign_ed25519(&mut soft, &key, &p, &mut out),
        Err(BuildError::HeaderTooSmall)
    );
    assert_eq!(
        base.sign_ed25519(&mut soft, &key, &p, &mut out[..image_len - 1]),
        Err(BuildError::BufferTooSmall { needed: image_len })
    );
    assert_eq!(
        base.sign_ed25519(&mut soft, &key, &p, &mut out[..100]),
        Err(BuildError::BufferTooSmall { needed: image_len })
    );
    // imgtool signs ECDSA P-256 with SHA-256 only.
    let ecdsa = p256_key(&mut soft);
    assert_eq!(
        base.with_sha512()
            .sign_ecdsa_p256(&mut soft, &ecdsa, &p, &mut out),
        Err(BuildError::UnsupportedHash)
    );
}
