//! The reference side: each primitive computed by the system OpenSSL through the `openssl`
//! crate, with byte-slice inputs and outputs so the tests compare plain bytes.
//!
//! Every function returns OpenSSL's error stack on failure; for the "reject" paths (a bad tag,
//! a bad signature, an invalid point) the tests expect exactly that.

use openssl::bn::{BigNum, BigNumContext};
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::ecdsa::EcdsaSig;
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::md::Md;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::pkey_ctx::{HkdfMode, PkeyCtx};
use openssl::sign::{Signer, Verifier};
use openssl::symm::Cipher;

/// The OpenSSL version string, for the test log.
pub fn openssl_version() -> &'static str {
    openssl::version::version()
}

fn aes_ctr(key_len: usize) -> Cipher {
    match key_len {
        16 => Cipher::aes_128_ctr(),
        24 => Cipher::aes_192_ctr(),
        _ => Cipher::aes_256_ctr(),
    }
}

fn ccm_cipher(key_len: usize) -> &'static openssl::cipher::CipherRef {
    use openssl::cipher::Cipher as C;
    match key_len {
        16 => C::aes_128_ccm(),
        24 => C::aes_192_ccm(),
        _ => C::aes_256_ccm(),
    }
}

fn aes_cbc(key_len: usize) -> Cipher {
    match key_len {
        16 => Cipher::aes_128_cbc(),
        24 => Cipher::aes_192_cbc(),
        _ => Cipher::aes_256_cbc(),
    }
}

/// The tag step of a CCM context: the tag length to produce, or the tag to check.
enum Tag<'t> {
    Seal(usize),
    Open(&'t [u8]),
}

/// A CCM context keyed with `key` and `nonce`, told the message length and fed the AAD.
fn ccm_ctx(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    msg_len: usize,
    tag: Tag<'_>,
) -> Result<openssl::cipher_ctx::CipherCtx, ErrorStack> {
    let cipher = ccm_cipher(key.len());
    let mut ctx = openssl::cipher_ctx::CipherCtx::new()?;
    let seal = matches!(tag, Tag::Seal(_));
    if seal {
        ctx.encrypt_init(Some(cipher), None, None)?;
    } else {
        ctx.decrypt_init(Some(cipher), None, None)?;
    }
    ctx.set_iv_length(nonce.len())?;
    match tag {
        Tag::Seal(len) => ctx.set_tag_length(len)?,
        // Setting the expected tag also sets the tag length; both before the key.
        Tag::Open(expected) => ctx.set_tag(expected)?,
    }
    if seal {
        ctx.encrypt_init(None, Some(key), Some(nonce))?;
    } else {
        ctx.decrypt_init(None, Some(key), Some(nonce))?;
    }
    ctx.set_data_len(msg_len)?;
    if !aad.is_empty() {
        ctx.cipher_update(aad, None)?;
    }
    Ok(ctx)
}

/// AES-CCM encryption (key 16/24/32 bytes, any nonce 7..=13, tag 4..=16 even). Returns
/// `(ciphertext, tag)`.
///
/// Uses `CipherCtx` and sets the nonce and tag lengths *before* the key: OpenSSL 3's
/// `symm::encrypt_aead` sets the tag length too late and only works for 12-byte tags.
pub fn ccm_seal(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    tag_len: usize,
) -> Result<(Vec<u8>, Vec<u8>), ErrorStack> {
    let mut ctx = ccm_ctx(key, nonce, aad, plaintext.len(), Tag::Seal(tag_len))?;
    let mut out = vec![0u8; plaintext.len()];
    let n = ctx.cipher_update(plaintext, Some(&mut out))?;
    out.truncate(n);
    let mut rest = [0u8; 32];
    let m = ctx.cipher_final(&mut rest)?;
    out.extend_from_slice(rest.get(..m).unwrap_or(&[]));
    let mut tag = vec![0u8; tag_len];
    ctx.tag(&mut tag)?;
    Ok((out, tag))
}

/// AES-CCM decryption and verification. Returns the plaintext, or OpenSSL's error if the tag
/// does not verify.
pub fn ccm_open(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, ErrorStack> {
    let mut ctx = ccm_ctx(key, nonce, aad, ciphertext.len(), Tag::Open(tag))?;
    let mut out = vec![0u8; ciphertext.len()];
    // In CCM the tag is checked by this (single) update call: a bad tag is an error here.
    let n = ctx.cipher_update(ciphertext, Some(&mut out))?;
    out.truncate(n);
    Ok(out)
}

/// AES-CMAC (full 16-byte tag) through `EVP_PKEY` CMAC and `EVP_DigestSign`.
pub fn cmac(key: &[u8], message: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    let pkey = PKey::cmac(&aes_cbc(key.len()), key)?;
    let mut signer = Signer::new_without_digest(&pkey)?;
    signer.update(message)?;
    signer.sign_to_vec()
}

/// AES-CTR with the 16-byte initial counter block `iv` (OpenSSL increments the whole block
/// as one 128-bit big-endian counter).
pub fn ctr(key: &[u8], iv: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    openssl::symm::encrypt(aes_ctr(key.len()), key, Some(iv), data)
}

fn hkdf_ctx(mode: HkdfMode) -> Result<PkeyCtx<()>, ErrorStack> {
    let mut ctx = PkeyCtx::new_id(Id::HKDF)?;
    ctx.derive_init()?;
    ctx.set_hkdf_md(Md::sha256())?;
    ctx.set_hkdf_mode(mode)?;
    Ok(ctx)
}

/// HKDF-SHA256 extract-then-expand (RFC 5869) through OpenSSL's `EVP_PKEY_HKDF`.
/// `info` may be at most 1024 bytes (an OpenSSL 3.0 limit).
pub fn hkdf_derive(
    salt: &[u8],
    ikm: &[u8],
    info: &[u8],
    okm_len: usize,
) -> Result<Vec<u8>, ErrorStack> {
    hkdf_run(
        HkdfMode::EXTRACT_THEN_EXPAND,
        Some(salt),
        ikm,
        Some(info),
        okm_len,
    )
}

/// One HKDF run in `mode`: the salt and info only where given, `len` bytes out.
fn hkdf_run(
    mode: HkdfMode,
    salt: Option<&[u8]>,
    key: &[u8],
    info: Option<&[u8]>,
    len: usize,
) -> Result<Vec<u8>, ErrorStack> {
    let mut ctx = hkdf_ctx(mode)?;
    if let Some(salt) = salt {
        ctx.set_hkdf_salt(salt)?;
    }
    ctx.set_hkdf_key(key)?;
    if let Some(info) = info {
        ctx.add_hkdf_info(info)?;
    }
    let mut out = vec![0u8; len];
    let n = ctx.derive(Some(&mut out))?;
    out.truncate(n);
    Ok(out)
}

/// HKDF-SHA256 extract only: the 32-byte PRK.
pub fn hkdf_extract(salt: &[u8], ikm: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    hkdf_run(HkdfMode::EXTRACT_ONLY, Some(salt), ikm, None, 32)
}

/// HKDF-SHA256 expand only, from a PRK.
pub fn hkdf_expand(prk: &[u8], info: &[u8], okm_len: usize) -> Result<Vec<u8>, ErrorStack> {
    hkdf_run(HkdfMode::EXPAND_ONLY, None, prk, Some(info), okm_len)
}

/// The X25519 public key of a 32-byte scalar (clamped by OpenSSL per RFC 7748).
pub fn x25519_public(scalar: &[u8; 32]) -> Result<Vec<u8>, ErrorStack> {
    PKey::private_key_from_raw_bytes(scalar, Id::X25519)?.raw_public_key()
}

/// X25519 `scalar * peer_u`. OpenSSL refuses an all-zero result (a small-order peer).
pub fn x25519_derive(scalar: &[u8; 32], peer_u: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    let ours = PKey::private_key_from_raw_bytes(scalar, Id::X25519)?;
    let peer = PKey::public_key_from_raw_bytes(peer_u, Id::X25519)?;
    let mut deriver = Deriver::new(&ours)?;
    deriver.set_peer(&peer)?;
    deriver.derive_to_vec()
}

/// The P-256 (prime256v1) group.
pub fn p256_group() -> Result<EcGroup, ErrorStack> {
    EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)
}

/// The P-256 group order `n`, big-endian, 32 bytes.
pub fn p256_order() -> Result<[u8; 32], ErrorStack> {
    let group = p256_group()?;
    let mut ctx = BigNumContext::new()?;
    let mut n = BigNum::new()?;
    group.order(&mut n, &mut ctx)?;
    let v = n.to_vec_padded(32)?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&v);
    Ok(out)
}

/// A P-256 private key from a big-endian scalar in `1..n` (OpenSSL computes the public point).
pub fn p256_private(scalar: &[u8; 32]) -> Result<PKey<Private>, ErrorStack> {
    let group = p256_group()?;
    let mut ctx = BigNumContext::new()?;
    let d = BigNum::from_slice(scalar)?;
    let mut point = EcPoint::new(&group)?;
    point.mul_generator2(&group, &d, &mut ctx)?;
    let key = EcKey::from_private_components(&group, &d, &point)?;
    key.check_key()?;
    PKey::from_ec_key(key)
}

/// The SEC1 encoding of a P-256 key's public point, compressed (33 bytes) or uncompressed
/// (65 bytes).
pub fn p256_public_sec1<T: openssl::pkey::HasPublic>(
    key: &PKey<T>,
    compressed: bool,
) -> Result<Vec<u8>, ErrorStack> {
    let ec = key.ec_key()?;
    let mut ctx = BigNumContext::new()?;
    let form = if compressed {
        PointConversionForm::COMPRESSED
    } else {
        PointConversionForm::UNCOMPRESSED
    };
    ec.public_key().to_bytes(ec.group(), form, &mut ctx)
}

/// Parses a SEC1 P-256 public key (compressed or uncompressed; OpenSSL checks the point is on
/// the curve) and checks it as a key (not the identity).
pub fn p256_public_from_sec1(bytes: &[u8]) -> Result<PKey<Public>, ErrorStack> {
    let group = p256_group()?;
    let mut ctx = BigNumContext::new()?;
    let point = EcPoint::from_bytes(&group, bytes, &mut ctx)?;
    let key = EcKey::from_public_key(&group, &point)?;
    key.check_key()?;
    PKey::from_ec_key(key)
}

/// P-256 ECDH: the 32-byte x-coordinate of `scalar * peer`.
pub fn p256_ecdh(ours: &PKey<Private>, peer: &PKey<Public>) -> Result<Vec<u8>, ErrorStack> {
    let mut deriver = Deriver::new(ours)?;
    deriver.set_peer(peer)?;
    deriver.derive_to_vec()
}

/// An Ed25519 key from its 32-byte RFC 8032 seed.
pub fn ed25519_private(seed: &[u8; 32]) -> Result<PKey<Private>, ErrorStack> {
    PKey::private_key_from_raw_bytes(seed, Id::ED25519)
}

/// Ed25519 (pure) signature, 64 bytes.
pub fn ed25519_sign(key: &PKey<Private>, message: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    Signer::new_without_digest(key)?.sign_oneshot_to_vec(message)
}

/// Ed25519 verification with a raw 32-byte public key. `Ok(false)` or an error both mean
/// "rejected".
pub fn ed25519_verify(public: &[u8], message: &[u8], signature: &[u8]) -> Result<bool, ErrorStack> {
    let key = PKey::public_key_from_raw_bytes(public, Id::ED25519)?;
    Verifier::new_without_digest(&key)?.verify_oneshot(signature, message)
}

/// ECDSA-P256-SHA256 signature in DER (OpenSSL 3.0 picks a random nonce: the signature
/// itself is not reproducible from the seed, which is why mismatch reports print it).
pub fn ecdsa_sign_der(key: &PKey<Private>, message: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    let mut signer = Signer::new(MessageDigest::sha256(), key)?;
    signer.update(message)?;
    signer.sign_to_vec()
}

/// ECDSA-P256-SHA256 verification of a DER signature. `Ok(false)` or an error both mean
/// "rejected".
pub fn ecdsa_verify_der<T: openssl::pkey::HasPublic>(
    key: &PKey<T>,
    message: &[u8],
    der: &[u8],
) -> Result<bool, ErrorStack> {
    let mut verifier = Verifier::new(MessageDigest::sha256(), key)?;
    verifier.update(message)?;
    verifier.verify(der)
}

/// DER `ECDSA-Sig-Value` -> raw `r || s` (64 bytes), by OpenSSL's parser.
pub fn ecdsa_der_to_raw(der: &[u8]) -> Result<[u8; 64], ErrorStack> {
    let sig = EcdsaSig::from_der(der)?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&sig.r().to_vec_padded(32)?);
    out[32..].copy_from_slice(&sig.s().to_vec_padded(32)?);
    Ok(out)
}

/// Raw `r || s` -> DER `ECDSA-Sig-Value`, by OpenSSL's encoder.
pub fn ecdsa_raw_to_der(raw: &[u8; 64]) -> Result<Vec<u8>, ErrorStack> {
    let r = BigNum::from_slice(&raw[..32])?;
    let s = BigNum::from_slice(&raw[32..])?;
    EcdsaSig::from_private_components(r, s)?.to_der()
}
