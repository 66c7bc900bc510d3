//! Helpers shared by the fuzz targets: a byte reader for the hand-written input formats (so
//! the seed corpus can be generated from known-answer vectors by `corpus/gen_seeds.py`), and
//! a reference backend for the signature traits and SHA-512.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::{
    Error, Rng, SecretBytes,
    hash::{Sha256, Sha512},
    sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Sign, Verify, VerifyPrehash},
};
use sha2::Digest;

/// Reads a fuzz input front to back. Running out of data never fails: missing bytes read as
/// zero and missing byte strings as empty, so every input is a valid test case.
///
/// Formats used by the targets (and written by `corpus/gen_seeds.py`):
/// - `u8()`: one byte; `u16()`/`u32()`/`u64()`: little-endian.
/// - `bytes(n)`: exactly `n` bytes (zero-padded at the end of the input).
/// - `lv()`: a one-byte length, then that many bytes.
/// - `lv2()`: a two-byte little-endian length, then that many bytes.
/// - `rest()`: everything left.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.array())
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.array())
    }

    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        out
    }

    /// Up to `n` bytes (fewer only at the end of the input).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        head
    }

    pub fn lv(&mut self) -> &'a [u8] {
        let n = usize::from(self.u8());
        self.take(n)
    }

    pub fn lv2(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16());
        self.take(n)
    }

    /// Whether the input is used up.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn rest(&mut self) -> &'a [u8] {
        self.take(self.data.len())
    }
}

/// Splits `data` into at most 4 parts at fuzz-chosen cut points (for the `&[&[u8]]` APIs).
pub fn split_parts<'a>(data: &'a [u8], cuts: [u8; 3]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|&c| {
            if data.is_empty() {
                0
            } else {
                usize::from(c) % (data.len() + 1)
            }
        })
        .collect();
    points.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for p in points {
        parts.push(&data[start..p]);
        start = p;
    }
    parts.push(&data[start..]);
    parts
}

/// A reference backend on ed25519-dalek, p256 and sha2: `Verify`/`Sign` for both schemes,
/// `VerifyPrehash<EcdsaP256>`, `Sha256` and `Sha512` (what `bulwark-firmware` needs).
///
/// The signature targets are written against the traits and exercise [`SigBackend`]
/// (`bulwark_soft::Soft`); this one is the independent reference they are compared with where
/// a reference is needed. Point `SigBackend` here to fuzz the harness itself.
#[derive(Default)]
pub struct RefBackend;

/// The backend the signature and firmware targets exercise.
pub type SigBackend = bulwark_soft::Soft;

impl Sha256 for RefBackend {
    type State = sha2::Sha256;
    fn start(&mut self) -> Result<Self::State, Error> {
        Ok(sha2::Sha256::new())
    }
    fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
        Digest::update(state, data);
        Ok(())
    }
    fn finish(&mut self, state: Self::State) -> Result<[u8; 32], Error> {
        Ok(state.finalize().into())
    }
}

impl Sha512 for RefBackend {
    type State = sha2::Sha512;
    fn start(&mut self) -> Result<Self::State, Error> {
        Ok(sha2::Sha512::new())
    }
    fn update(&mut self, state: &mut Self::State, data: &[u8]) -> Result<(), Error> {
        Digest::update(state, data);
        Ok(())
    }
    fn finish(&mut self, state: Self::State) -> Result<[u8; 64], Error> {
        Ok(state.finalize().into())
    }
}

impl Verify<Ed25519> for RefBackend {
    type PublicKey = ed25519_dalek::VerifyingKey;
    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        let b: &[u8; 32] = bytes.try_into().map_err(|_| Error::InvalidInput)?;
        let k = ed25519_dalek::VerifyingKey::from_bytes(b).map_err(|_| Error::InvalidInput)?;
        if k.is_weak() {
            return Err(Error::InvalidInput);
        }
        Ok(k)
    }
    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 32] {
        key.to_bytes()
    }
    fn verify(
        &mut self,
        key: &Self::PublicKey,
        msg: &[u8],
        sig: &Ed25519Signature,
    ) -> Result<(), Error> {
        let sig = ed25519_dalek::Signature::from_bytes(&sig.to_bytes());
        key.verify_strict(msg, &sig)
            .map_err(|_| Error::Verification)
    }
}

impl Sign<Ed25519> for RefBackend {
    type SigningKey = ed25519_dalek::SigningKey;
    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error> {
        let s = SecretBytes::<32>::random(rng)?;
        <Self as Sign<Ed25519>>::import_signing_key(self, s)
    }
    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error> {
        Ok(ed25519_dalek::SigningKey::from_bytes(
            secret.expose_secret(),
        ))
    }
    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error> {
        Ok(key.verifying_key())
    }
    fn sign(&mut self, key: &Self::SigningKey, message: &[u8]) -> Result<Ed25519Signature, Error> {
        use ed25519_dalek::Signer;
        Ok(Ed25519Signature::from_bytes(&key.sign(message).to_bytes()))
    }
}

/// The `p256` form of a signature: `p256` checks `r` and `s` in `1..n`.
fn ecdsa_sig(sig: &EcdsaP256Signature) -> Result<p256::ecdsa::Signature, Error> {
    p256::ecdsa::Signature::from_slice(&sig.to_fixed()).map_err(|_| Error::Verification)
}

impl Verify<EcdsaP256> for RefBackend {
    type PublicKey = p256::ecdsa::VerifyingKey;
    fn import_public(&mut self, bytes: &[u8]) -> Result<Self::PublicKey, Error> {
        match (bytes.len(), bytes.first()) {
            (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => {}
            _ => return Err(Error::InvalidInput),
        }
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes).map_err(|_| Error::InvalidInput)
    }
    fn export_public(&mut self, key: &Self::PublicKey) -> [u8; 65] {
        let mut out = [0u8; 65];
        out.copy_from_slice(key.to_sec1_point(false).as_bytes());
        out
    }
    fn verify(
        &mut self,
        key: &Self::PublicKey,
        msg: &[u8],
        sig: &EcdsaP256Signature,
    ) -> Result<(), Error> {
        use p256::ecdsa::signature::Verifier;
        key.verify(msg, &ecdsa_sig(sig)?)
            .map_err(|_| Error::Verification)
    }
}

impl VerifyPrehash<EcdsaP256> for RefBackend {
    fn verify_prehash(
        &mut self,
        key: &Self::PublicKey,
        digest: &[u8],
        sig: &EcdsaP256Signature,
    ) -> Result<(), Error> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        if digest.len() < 32 {
            return Err(Error::InvalidInput);
        }
        key.verify_prehash(digest, &ecdsa_sig(sig)?)
            .map_err(|_| Error::Verification)
    }
}

impl Sign<EcdsaP256> for RefBackend {
    type SigningKey = p256::ecdsa::SigningKey;
    fn generate_signing_key<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<Self::SigningKey, Error> {
        let s = SecretBytes::<32>::random(rng)?;
        <Self as Sign<EcdsaP256>>::import_signing_key(self, s)
    }
    fn import_signing_key(&mut self, secret: SecretBytes<32>) -> Result<Self::SigningKey, Error> {
        p256::ecdsa::SigningKey::from_slice(secret.expose_secret()).map_err(|_| Error::InvalidInput)
    }
    fn signing_public(&mut self, key: &Self::SigningKey) -> Result<Self::PublicKey, Error> {
        Ok(*key.verifying_key())
    }
    fn sign(&mut self, key: &Self::SigningKey, message: &[u8]) -> Result<EcdsaP256Signature, Error> {
        use p256::ecdsa::signature::Signer;
        let sig: p256::ecdsa::Signature = key.sign(message);
        let mut out = [0u8; 64];
        out.copy_from_slice(&sig.to_bytes());
        Ok(EcdsaP256Signature::from_fixed(&out))
    }
}

/// DER encoding of a 64-byte `r || s` ECDSA signature.
pub fn ecdsa_der(raw: &[u8; 64]) -> Vec<u8> {
    let sig = p256::ecdsa::Signature::from_slice(raw).expect("valid r||s");
    sig.to_der().as_bytes().to_vec()
}
