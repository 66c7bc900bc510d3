#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use bulwark_api::{
    Error, Rng, SecretBytes,
    ccm::Ccm,
    hash::Sha256,
    hazmat::expose_shared_secret,
    kdf::{HkdfSha256, Prk},
    kex::{KeyAgreement, P256},
};
use core::fmt;
use lakers_shared::{
    AES_CCM_TAG_LEN, BufferCiphertext3, BufferPlaintext3, BytesCcmIvLen, BytesCcmKeyLen,
    BytesHashLen, BytesMaxBuffer, BytesMaxInfoBuffer, BytesP256ElemLen, ConnId, Crypto, EDHOCError,
    MAX_BUFFER_LEN,
};
use zeroize::Zeroize;

pub use lakers_shared;

/// How many 32-byte candidates [`EdhocCrypto`] draws for one P-256 private key before it gives
/// up: a healthy generator yields a scalar outside `1..n` with probability below 2^-32.
pub const KEYGEN_ATTEMPTS: usize = 4;

/// The backend capabilities EDHOC cipher suite 2 needs besides AES-CCM: P-256 key agreement,
/// HKDF-SHA256 and SHA-256. Implemented for every type that has them (every bulwark backend).
pub trait EdhocBackend: KeyAgreement<P256> + HkdfSha256 + Sha256 {}

impl<T: KeyAgreement<P256> + HkdfSha256 + Sha256 + ?Sized> EdhocBackend for T {}

/// Makes an AES-128-CCM engine for one key. EDHOC derives a fresh key for messages 3 and 4, so
/// the adapter needs a key-to-engine step, which the API leaves to the backend or facade.
///
/// Implemented for every closure `FnMut(&[u8; 16]) -> Result<C, Error>` with `C: Ccm`, e.g.
/// `|key: &[u8; 16]| provider.ccm(key)` with the facade's `bulwark::Provider`.
pub trait CcmKeys {
    /// The keyed engine.
    type Ccm: Ccm;

    /// An engine for `key` (used for one EDHOC message only; the engine wipes its copy on
    /// drop). Returns the backend's error.
    fn ccm(&mut self, key: &[u8; 16]) -> Result<Self::Ccm, Error>;
}

impl<F, C> CcmKeys for F
where
    F: FnMut(&[u8; 16]) -> Result<C, Error>,
    C: Ccm,
{
    type Ccm = C;

    fn ccm(&mut self, key: &[u8; 16]) -> Result<C, Error> {
        self(key)
    }
}

/// lakers' [`Crypto`] trait (EDHOC cipher suite 2: P-256, SHA-256, HKDF-SHA256,
/// AES-CCM-16-64-128) on a bulwark backend `B`, AES-CCM engines from `K` and randomness from
/// `R`.
///
/// lakers' trait has no error path except for decryption. This adapter never panics: an
/// operation whose backend or generator fails records the error (see
/// [`EdhocCrypto::failure`], which stays set) and returns a stand-in value taken from a random
/// secret drawn when the adapter was made, so nothing an attacker can predict (never all
/// zeros) flows into the handshake, and the handshake fails at the peer's MAC check. Callers
/// check [`EdhocCrypto::check`] after each lakers step and before sending a message. An
/// invalid peer public key (an x-coordinate that is not on P-256) is such a failure
/// ([`Error::InvalidInput`]).
///
/// Pass `&mut EdhocCrypto` to lakers to keep access to the adapter (lakers' state machines do
/// not give their crypto back).
pub struct EdhocCrypto<B, K, R> {
    backend: B,
    ccm_keys: K,
    rng: R,
    failure: Option<Error>,
    fallback: SecretBytes<32>,
}

impl<B: EdhocBackend, K: CcmKeys, R: Rng> EdhocCrypto<B, K, R> {
    /// An adapter over `backend`, `ccm_keys` and `rng` (a TRNG or the OS; never a fixed seed
    /// outside tests).
    ///
    /// Draws the 32-byte stand-in secret from `rng`; returns the generator's error if it fails.
    pub fn new(backend: B, ccm_keys: K, mut rng: R) -> Result<Self, Error> {
        let fallback = SecretBytes::random(&mut rng)?;
        Ok(Self {
            backend,
            ccm_keys,
            rng,
            failure: None,
            fallback,
        })
    }

    /// The first error any operation met since the adapter was made, if any. Once set, every
    /// later output of this adapter is suspect: abandon the handshake.
    pub fn failure(&self) -> Option<Error> {
        self.failure
    }

    /// `Ok(())` if no operation has failed, else the first error ([`EdhocCrypto::failure`]).
    pub fn check(&self) -> Result<(), Error> {
        match self.failure {
            None => Ok(()),
            Some(error) => Err(error),
        }
    }

    /// The backend, e.g. to derive the OSCORE context with the same engine afterwards.
    pub fn backend(&mut self) -> &mut B {
        &mut self.backend
    }

    fn fail(&mut self, error: Error) {
        if self.failure.is_none() {
            self.failure = Some(error);
        }
    }

    fn stand_in(&self) -> [u8; 32] {
        *self.fallback.expose_secret()
    }

    /// The value of `result`, or on error the error recorded ([`EdhocCrypto::failure`]) and
    /// `stand_in`'s value returned instead.
    fn or_stand_in<T>(&mut self, result: Result<T, Error>, stand_in: impl FnOnce(&Self) -> T) -> T {
        match result {
            Ok(value) => value,
            Err(error) => {
                self.fail(error);
                stand_in(self)
            }
        }
    }

    fn digest(&mut self, message: &BytesMaxBuffer, len: usize) -> Result<BytesHashLen, Error> {
        let message = message.get(..len).ok_or(Error::InvalidInput)?;
        self.backend.digest(&[message])
    }

    fn expand(
        &mut self,
        prk: &BytesHashLen,
        info: &BytesMaxInfoBuffer,
        info_len: usize,
        length: usize,
    ) -> Result<BytesMaxBuffer, Error> {
        let info = info.get(..info_len).ok_or(Error::InvalidInput)?;
        let mut prk_bytes = *prk;
        let prk = Prk::from_secret(SecretBytes::take_from(&mut prk_bytes));
        let mut out = [0u8; MAX_BUFFER_LEN];
        let okm = out.get_mut(..length).ok_or(Error::InvalidInput)?;
        self.backend.expand(&prk, &[info], okm)?;
        Ok(out)
    }

    fn extract(
        &mut self,
        salt: &BytesHashLen,
        ikm: &BytesP256ElemLen,
    ) -> Result<BytesHashLen, Error> {
        let prk = self.backend.extract(salt, &[ikm])?;
        Ok(*prk.expose_secret())
    }

    fn seal(
        &mut self,
        key: &BytesCcmKeyLen,
        iv: &BytesCcmIvLen,
        ad: &[u8],
        plaintext: &BufferPlaintext3,
    ) -> Result<BufferCiphertext3, Error> {
        let len = plaintext.len;
        let mut out = BufferCiphertext3::new();
        let (body, rest) = out
            .content
            .split_at_mut_checked(len)
            .ok_or(Error::InvalidInput)?;
        let tag = rest.get_mut(..AES_CCM_TAG_LEN).ok_or(Error::InvalidInput)?;
        body.copy_from_slice(plaintext.as_slice());
        self.ccm_keys
            .ccm(key)?
            .seal_detached(iv, &[ad], body, tag)?;
        out.len = len + AES_CCM_TAG_LEN;
        Ok(out)
    }

    fn open(
        &mut self,
        key: &BytesCcmKeyLen,
        iv: &BytesCcmIvLen,
        ad: &[u8],
        ciphertext: &BufferCiphertext3,
    ) -> Result<BufferPlaintext3, Error> {
        let len = ciphertext
            .len
            .checked_sub(AES_CCM_TAG_LEN)
            .ok_or(Error::Verification)?;
        let (body, tag) = ciphertext
            .content
            .get(..ciphertext.len)
            .and_then(|c| c.split_at_checked(len))
            .ok_or(Error::Verification)?;
        let mut out = BufferPlaintext3::new_from_slice(body).map_err(|_| Error::Verification)?;
        let plain = out.content.get_mut(..len).ok_or(Error::Verification)?;
        self.ccm_keys
            .ccm(key)?
            .open_detached(iv, &[ad], plain, tag)?;
        Ok(out)
    }

    fn ecdh(
        &mut self,
        private_key: &BytesP256ElemLen,
        public_x: &BytesP256ElemLen,
    ) -> Result<BytesP256ElemLen, Error> {
        let mut scalar = *private_key;
        let secret = self
            .backend
            .import_static(SecretBytes::take_from(&mut scalar))?;
        // EDHOC sends only x (RFC 9528 section 3.7); either y gives the same shared x.
        let mut sec1 = [0x02; 33];
        if let Some(x) = sec1.get_mut(1..) {
            x.copy_from_slice(public_x);
        }
        let peer = self.backend.import_public(&sec1)?;
        let shared = self.backend.agree_static(&secret, &peer)?;
        Ok(*expose_shared_secret(&shared))
    }

    fn key_pair(&mut self) -> Result<(BytesP256ElemLen, BytesP256ElemLen), Error> {
        for _ in 0..KEYGEN_ATTEMPTS {
            let candidate = SecretBytes::<32>::random(&mut self.rng)?;
            let mut private = *candidate.expose_secret();
            match self.backend.import_static(candidate) {
                Ok(secret) => {
                    let public = self.backend.static_public(&secret)?;
                    let encoded = self.backend.export_public(&public);
                    let mut x = [0u8; 32];
                    x.copy_from_slice(encoded.get(1..33).ok_or(Error::Hardware)?);
                    return Ok((private, x));
                }
                Err(Error::InvalidInput) => private.zeroize(),
                Err(error) => {
                    private.zeroize();
                    return Err(error);
                }
            }
        }
        // A generator that keeps producing scalars outside 1..n is broken.
        Err(Error::Hardware)
    }
}

impl<B, K, R> fmt::Debug for EdhocCrypto<B, K, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdhocCrypto")
            .field("failure", &self.failure)
            .finish_non_exhaustive()
    }
}

impl<B: EdhocBackend, K: CcmKeys, R: Rng> Crypto for EdhocCrypto<B, K, R> {
    fn sha256_digest(&mut self, message: &BytesMaxBuffer, message_len: usize) -> BytesHashLen {
        let result = self.digest(message, message_len);
        self.or_stand_in(result, Self::stand_in)
    }

    fn hkdf_expand(
        &mut self,
        prk: &BytesHashLen,
        info: &BytesMaxInfoBuffer,
        info_len: usize,
        length: usize,
    ) -> BytesMaxBuffer {
        let result = self.expand(prk, info, info_len, length);
        self.or_stand_in(result, |this| {
            let mut out = [0u8; MAX_BUFFER_LEN];
            for chunk in out.chunks_mut(32) {
                for (o, f) in chunk.iter_mut().zip(this.fallback.expose_secret()) {
                    *o = *f;
                }
            }
            out
        })
    }

    fn hkdf_extract(&mut self, salt: &BytesHashLen, ikm: &BytesP256ElemLen) -> BytesHashLen {
        let result = self.extract(salt, ikm);
        self.or_stand_in(result, Self::stand_in)
    }

    fn aes_ccm_encrypt_tag_8(
        &mut self,
        key: &BytesCcmKeyLen,
        iv: &BytesCcmIvLen,
        ad: &[u8],
        plaintext: &BufferPlaintext3,
    ) -> BufferCiphertext3 {
        let result = self.seal(key, iv, ad, plaintext);
        // Nothing of the plaintext leaves: an empty ciphertext.
        self.or_stand_in(result, |_| BufferCiphertext3::new())
    }

    fn aes_ccm_decrypt_tag_8(
        &mut self,
        key: &BytesCcmKeyLen,
        iv: &BytesCcmIvLen,
        ad: &[u8],
        ciphertext: &BufferCiphertext3,
    ) -> Result<BufferPlaintext3, EDHOCError> {
        match self.open(key, iv, ad, ciphertext) {
            Ok(plaintext) => Ok(plaintext),
            Err(Error::Verification) => Err(EDHOCError::MacVerificationFailed),
            Err(error) => {
                self.fail(error);
                Err(EDHOCError::MacVerificationFailed)
            }
        }
    }

    fn p256_ecdh(
        &mut self,
        private_key: &BytesP256ElemLen,
        public_key: &BytesP256ElemLen,
    ) -> BytesP256ElemLen {
        let result = self.ecdh(private_key, public_key);
        self.or_stand_in(result, Self::stand_in)
    }

    fn get_random_byte(&mut self) -> u8 {
        let mut byte = [0u8; 1];
        let result = self.rng.fill_bytes(&mut byte).map(|()| byte[0]);
        // 0 is a valid one-byte connection identifier: lakers draws bytes until one is in
        // -24..=23, so a constant outside that range would never end.
        self.or_stand_in(result, |_| 0)
    }

    fn p256_generate_key_pair(&mut self) -> (BytesP256ElemLen, BytesP256ElemLen) {
        let result = self.key_pair();
        self.or_stand_in(result, |this| (this.stand_in(), [0; 32]))
    }
}

/// Forwards to [`EdhocCrypto`], so lakers can borrow the adapter and the caller keeps it.
impl<B: EdhocBackend, K: CcmKeys, R: Rng> Crypto for &mut EdhocCrypto<B, K, R> {
    fn sha256_digest(&mut self, message: &BytesMaxBuffer, message_len: usize) -> BytesHashLen {
        (**self).sha256_digest(message, message_len)
    }

    fn hkdf_expand(
        &mut self,
        prk: &BytesHashLen,
        info: &BytesMaxInfoBuffer,
        info_len: usize,
        length: usize,
    ) -> BytesMaxBuffer {
        (**self).hkdf_expand(prk, info, info_len, length)
    }

    fn hkdf_extract(&mut self, salt: &BytesHashLen, ikm: &BytesP256ElemLen) -> BytesHashLen {
        (**self).hkdf_extract(salt, ikm)
    }

    fn aes_ccm_encrypt_tag_8(
        &mut self,
        key: &BytesCcmKeyLen,
        iv: &BytesCcmIvLen,
        ad: &[u8],
        plaintext: &BufferPlaintext3,
    ) -> BufferCiphertext3 {
        (**self).aes_ccm_encrypt_tag_8(key, iv, ad, plaintext)
    }

    fn aes_ccm_decrypt_tag_8(
        &mut self,
        key: &BytesCcmKeyLen,
        iv: &BytesCcmIvLen,
        ad: &[u8],
        ciphertext: &BufferCiphertext3,
    ) -> Result<BufferPlaintext3, EDHOCError> {
        (**self).aes_ccm_decrypt_tag_8(key, iv, ad, ciphertext)
    }

    fn p256_ecdh(
        &mut self,
        private_key: &BytesP256ElemLen,
        public_key: &BytesP256ElemLen,
    ) -> BytesP256ElemLen {
        (**self).p256_ecdh(private_key, public_key)
    }

    fn get_random_byte(&mut self) -> u8 {
        (**self).get_random_byte()
    }

    fn p256_generate_key_pair(&mut self) -> (BytesP256ElemLen, BytesP256ElemLen) {
        (**self).p256_generate_key_pair()
    }
}

/// Which end of the EDHOC session this endpoint was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sent message 1.
    Initiator,
    /// Answered message 1.
    Responder,
}

/// OSCORE Master Secret length for AES-CCM-16-64-128 (RFC 9528 Appendix A.1: the AEAD key
/// length), the `length` of `EDHOC_Exporter(0, h'', length)`.
pub const OSCORE_MASTER_SECRET_LEN: usize = 16;
/// OSCORE Master Salt length (RFC 9528 Appendix A.1: 8 bytes), the `length` of
/// `EDHOC_Exporter(1, h'', length)`.
pub const OSCORE_MASTER_SALT_LEN: usize = 8;
/// The exporter label of the OSCORE Master Secret (RFC 9528 Appendix A.1).
pub const EXPORTER_LABEL_MASTER_SECRET: u8 = 0;
/// The exporter label of the OSCORE Master Salt (RFC 9528 Appendix A.1).
pub const EXPORTER_LABEL_MASTER_SALT: u8 = 1;

/// The OSCORE Sender and Recipient IDs of this endpoint, `(sender, recipient)`, from the
/// EDHOC connection identifiers (RFC 9528 Appendix A.1): each endpoint's Recipient ID is the
/// connection identifier it chose, so the Initiator sends with `C_R` and receives with `C_I`,
/// and the Responder the other way round. The IDs are the identifiers' byte-string forms
/// (a one-byte CBOR integer such as -24 is the byte `0x37`).
pub fn oscore_ids<'a>(role: Role, c_i: &'a ConnId, c_r: &'a ConnId) -> (&'a [u8], &'a [u8]) {
    match role {
        Role::Initiator => (c_r.as_slice(), c_i.as_slice()),
        Role::Responder => (c_i.as_slice(), c_r.as_slice()),
    }
}
