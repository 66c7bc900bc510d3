//! RustCrypto's traits on bulwark (feature `interop`), each driven through generic code written
//! only against the RustCrypto trait, with exact expected bytes: RFC 3610 and RustCrypto's
//! `ccm` for the AEAD, RFC 8032, RFC 6979 and ed25519-dalek for signatures, FIPS 180-4 and
//! `sha2` for the hashes, and the generator's own byte sequence for `rand_core`.
#![cfg(feature = "interop")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests report failures by panicking

use aead::array::Array;
use aead::consts::{U8, U13};
use aead::inout::InOutBuf;
use aead::{Aead, AeadInOut, KeyInit, Nonce};
use bulwark::backends::{compact::Compact, soft::Soft};
use bulwark::interop::{
    AesCcm16_64_128, AsRandCore, CcmAead, RandCoreRng, Sha256Digest, Sha512Digest, SigningKey,
    VerifyingKey,
};
use bulwark::sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature};
use bulwark::{Error, Provider, Rng, SecretBytes};
use bulwark_testkit::hex::decode;
use bulwark_testkit::rng::DeterministicTestRng;
use bulwark_testkit::vectors::records;
use signature::{Signer, Verifier};

const RFC3610: &str = include_str!("../../../test-vectors/ccm_rfc3610.txt");
const ED25519: &str = include_str!("../../../test-vectors/ed25519_sign_input.txt");
const RFC6979: &str = include_str!("../../../test-vectors/ecdsa_p256_rfc6979.txt");

// ---- aead ----

/// Seals and opens through `AeadInOut` only: in place (`Vec` as `aead::Buffer`), detached with
/// separate input and output buffers, and the `Aead` convenience (alloc). Returns ciphertext ||
/// tag; checks every other form gives the same bytes and that a flipped bit fails.
fn seal_and_open<A: AeadInOut>(aead: &A, nonce: &Nonce<A>, aad: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut in_place = msg.to_vec();
    aead.encrypt_in_place(nonce, aad, &mut in_place).unwrap();

    let mut out = vec![0u8; msg.len()];
    let tag = aead
        .encrypt_inout_detached(nonce, aad, InOutBuf::new(msg, &mut out).unwrap())
        .unwrap();
    assert_eq!(in_place[..msg.len()], out[..]);
    assert_eq!(in_place[msg.len()..], tag[..]);

    let mut back = in_place.clone();
    aead.decrypt_in_place(nonce, aad, &mut back).unwrap();
    assert_eq!(back, msg);
    for bit in 0..in_place.len() * 8 {
        let mut forged = in_place.clone();
        forged[bit / 8] ^= 1 << (bit % 8);
        assert!(
            aead.decrypt_in_place(nonce, aad, &mut forged).is_err(),
            "bit {bit}"
        );
    }
    in_place
}

/// `Aead` (the alloc convenience, blanket over `AeadInOut`).
fn aead_vec<A: Aead>(aead: &A, nonce: &Nonce<A>, msg: &[u8]) -> Vec<u8> {
    let sealed = aead.encrypt(nonce, msg).unwrap();
    assert_eq!(aead.decrypt(nonce, sealed.as_slice()).unwrap(), msg);
    sealed
}

#[test]
fn aead_rfc3610_packets_with_8_byte_tags() {
    let mut checked = 0;
    for r in records(RFC3610) {
        let (key, nonce, tag) = (r.bytes("key"), r.bytes("nonce"), r.bytes("tag"));
        if tag.len() != 8 {
            continue;
        }
        let mut expected = r.bytes("ct");
        expected.extend_from_slice(&tag);
        // RFC 3610's nonces are 13 bytes.
        let nonce = Array::<u8, U13>::try_from(nonce.as_slice()).unwrap();
        let ours = CcmAead::<_, U13, U8>::new(Soft.ccm(&key).unwrap());
        let got = seal_and_open(&ours, &nonce, &r.bytes("aad"), &r.bytes("pt"));
        assert_eq!(got, expected, "line {}", r.line);
        let compact = CcmAead::<_, U13, U8>::new(Compact.ccm(&key).unwrap());
        let got = seal_and_open(&compact, &nonce, &r.bytes("aad"), &r.bytes("pt"));
        assert_eq!(got, expected, "line {}", r.line);
        let theirs = ccm::Ccm::<aes::Aes128, U8, U13>::new_from_slice(&key).unwrap();
        assert_eq!(
            seal_and_open(&theirs, &nonce, &r.bytes("aad"), &r.bytes("pt")),
            expected
        );
        checked += 1;
    }
    assert_eq!(checked, 12);
}

/// AES-CCM-16-64-128 against RustCrypto's `ccm` for every message length 0..=64.
#[test]
fn aead_matches_rustcrypto_ccm() {
    let key = [0x5au8; 16];
    let ours: AesCcm16_64_128<_> = CcmAead::new(Soft.ccm(&key).unwrap());
    let theirs = ccm::Ccm::<aes::Aes128, U8, U13>::new_from_slice(&key).unwrap();
    let nonce = Array::from([7u8; 13]);
    for len in 0..=64u8 {
        let msg: Vec<u8> = (0..len).collect();
        assert_eq!(
            aead_vec(&ours, &nonce, &msg),
            aead_vec(&theirs, &nonce, &msg),
            "{len}"
        );
    }
}

/// Other CCM sizes: a 7-byte nonce and a 16-byte tag (SP 800-38C example C.1 has a 4-byte
/// tag; RustCrypto's `ccm` gives the reference bytes here).
#[test]
fn aead_other_sizes() {
    use aead::consts::{U7, U16};
    let key = [0x40u8; 16];
    let ours = CcmAead::<_, U7, U16>::new(Compact.ccm(&key).unwrap());
    let theirs = ccm::Ccm::<aes::Aes128, U16, U7>::new_from_slice(&key).unwrap();
    let nonce = Array::from([1u8, 2, 3, 4, 5, 6, 7]);
    let msg = b"a longer message than one block";
    assert_eq!(
        seal_and_open(&ours, &nonce, b"hdr", msg),
        seal_and_open(&theirs, &nonce, b"hdr", msg)
    );
}

// ---- signature ----

fn sign_generic<S: Signer<Sig>, Sig>(signer: &S, msg: &[u8]) -> Sig {
    signer.try_sign(msg).unwrap()
}

fn verifies<V: Verifier<Sig>, Sig>(verifier: &V, msg: &[u8], sig: &Sig) -> bool {
    verifier.verify(msg, sig).is_ok()
}

fn secret(bytes: &[u8]) -> SecretBytes<32> {
    SecretBytes::try_from_slice(bytes).unwrap()
}

/// RFC 8032 TEST 1-3 and the next 29 lines of `sign.input` (messages of 0..=31 bytes): our
/// keys through `Signer`/`Verifier` give the file's signatures, ed25519-dalek gives the same
/// bytes, and each side verifies the other's.
#[test]
fn ed25519_signer_and_verifier() {
    let mut n = 0;
    for r in records(ED25519).take(32) {
        let (seed, public, msg, sig) = (
            r.bytes("secret"),
            r.bytes("public"),
            r.bytes("msg"),
            r.bytes("sig"),
        );
        let signer = SigningKey::<Soft, Ed25519>::new(Soft, secret(&seed)).unwrap();
        assert_eq!(signer.public_bytes()[..], public[..]);
        let ours: Ed25519Signature = sign_generic(&signer, &msg);
        assert_eq!(ours.to_bytes()[..], sig[..], "line {}", r.line);

        let dalek = ed25519_dalek::SigningKey::from_bytes(&seed.clone().try_into().unwrap());
        let theirs: ed25519_dalek::Signature = sign_generic(&dalek, &msg);
        assert_eq!(theirs.to_bytes(), ours.to_bytes());

        let verifier = VerifyingKey::<Compact, Ed25519>::new(Compact, &public).unwrap();
        let from_dalek = Ed25519Signature::from_bytes(&theirs.to_bytes());
        assert!(verifies(&verifier, &msg, &from_dalek));
        let dalek_vk = dalek.verifying_key();
        assert!(verifies(
            &dalek_vk,
            &msg,
            &ed25519_dalek::Signature::from_bytes(&ours.to_bytes())
        ));
        let mut bad = ours.to_bytes();
        bad[0] ^= 1;
        assert!(!verifies(
            &verifier,
            &msg,
            &Ed25519Signature::from_bytes(&bad)
        ));
        n += 1;
    }
    assert_eq!(n, 32);
}

/// RFC 6979 A.2.5 (P-256, SHA-256, "sample" and "test"): our deterministic ECDSA through
/// `Signer` gives the RFC's `r || s`; through `Verifier` the valid records verify and the
/// altered ones do not.
#[test]
fn ecdsa_p256_signer_and_verifier() {
    let (mut valid, mut invalid) = (0, 0);
    for r in records(RFC6979) {
        let verifier = VerifyingKey::<Soft, EcdsaP256>::new(Soft, &r.bytes("public")).unwrap();
        let msg = r.bytes("msg");
        let sig = EcdsaP256Signature::from_der(&r.bytes("der"));
        match r.text("result") {
            "valid" => {
                let signer =
                    SigningKey::<Compact, EcdsaP256>::new(Compact, secret(&r.bytes("d"))).unwrap();
                assert_eq!(signer.public_bytes()[..], r.bytes("public")[..]);
                let ours: EcdsaP256Signature = sign_generic(&signer, &msg);
                let mut rs = r.bytes("r");
                rs.extend_from_slice(&r.bytes("s"));
                assert_eq!(ours.to_fixed()[..], rs[..], "line {}", r.line);
                assert!(verifies(&verifier, &msg, &ours));
                assert_eq!(sig.unwrap(), ours);
                valid += 1;
            }
            "invalid" => {
                if let Ok(sig) = sig {
                    assert!(!verifies(&verifier, &msg, &sig), "line {}", r.line);
                }
                invalid += 1;
            }
            other => panic!("line {}: result {other}", r.line),
        }
    }
    assert_eq!((valid, invalid), (2, 2));
}

#[test]
fn invalid_public_key_is_refused() {
    assert_eq!(
        VerifyingKey::<Soft, EcdsaP256>::new(Soft, &[4u8; 65]).err(),
        Some(Error::InvalidInput)
    );
}

// ---- rand_core ----

/// What generic RustCrypto code draws from a `TryCryptoRng`.
fn draw<R: rand_core::TryCryptoRng>(rng: &mut R) -> ([u8; 20], u32, u64) {
    let mut bytes = [0u8; 20];
    rng.try_fill_bytes(&mut bytes).unwrap();
    let a = rng.try_next_u32().unwrap();
    let b = rng.try_next_u64().unwrap();
    (bytes, a, b)
}

/// Our generator as a `rand_core` generator yields exactly its own byte stream (words little
/// endian).
#[test]
fn rng_as_rand_core() {
    let got = draw(&mut AsRandCore(DeterministicTestRng::new(42)));
    let mut reference = DeterministicTestRng::new(42);
    let mut bytes = [0u8; 20];
    reference.fill_bytes(&mut bytes).unwrap();
    let mut word = [0u8; 4];
    reference.fill_bytes(&mut word).unwrap();
    let mut long = [0u8; 8];
    reference.fill_bytes(&mut long).unwrap();
    assert_eq!(
        got,
        (bytes, u32::from_le_bytes(word), u64::from_le_bytes(long))
    );
    // A failing generator is an error, not a panic.
    let mut failing = AsRandCore(bulwark_testkit::rng::FailingTestRng(Error::Hardware));
    assert_eq!(
        rand_core::TryRng::try_next_u32(&mut failing),
        Err(Error::Hardware)
    );
}

/// A `rand_core` generator (a counter, for exact bytes) as bulwark's `Rng`: an Ed25519 key
/// generated from it has seed 00 01 .. 1f, so its public key is dalek's for that seed.
#[test]
fn rand_core_as_rng() {
    struct Counter(u8);
    impl rand_core::TryRng for Counter {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            let mut b = [0u8; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            let mut b = [0u8; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for d in dst {
                *d = self.0;
                self.0 = self.0.wrapping_add(1);
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for Counter {}

    let mut rng = RandCoreRng(Counter(0));
    let key = SigningKey::<Soft, Ed25519>::generate(Soft, &mut rng).unwrap();
    let seed: [u8; 32] = core::array::from_fn(|i| i as u8);
    let dalek = ed25519_dalek::SigningKey::from_bytes(&seed);
    assert_eq!(key.public_bytes(), dalek.verifying_key().to_bytes());
}

// ---- digest ----

fn hash<D: digest::Digest>(parts: &[&[u8]]) -> Vec<u8> {
    let mut d = D::new();
    for part in parts {
        d.update(part);
    }
    d.finalize().to_vec()
}

#[test]
fn digest_fips_180_abc() {
    assert_eq!(
        hash::<Sha256Digest<Soft>>(&[b"a", b"bc"]),
        decode("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        hash::<Sha512Digest<Compact>>(&[b"abc"]),
        decode(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
    );
}

/// Every length 0..=300 in two parts, against RustCrypto's `sha2`; and `Reset`.
#[test]
fn digest_matches_sha2() {
    let data: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
    for len in 0..=300 {
        let (a, b) = data[..len].split_at(len / 3);
        assert_eq!(
            hash::<Sha256Digest<Compact>>(&[a, b]),
            hash::<sha2::Sha256>(&[a, b])
        );
        assert_eq!(
            hash::<Sha512Digest<Soft>>(&[a, b]),
            hash::<sha2::Sha512>(&[a, b])
        );
    }
    let mut d = Sha256Digest::<Soft>::default();
    digest::Update::update(&mut d, b"garbage");
    digest::Reset::reset(&mut d);
    digest::Update::update(&mut d, b"abc");
    assert_eq!(d.failure(), None);
    assert_eq!(
        digest::FixedOutput::finalize_fixed(d).to_vec(),
        hash::<sha2::Sha256>(&[b"abc"])
    );
}
