//! Key files: PEM armor (RFC 7468, `pem-rfc7468`) around PKCS#8 private keys (RFC 5208/5958
//! with RFC 8410 Ed25519 and RFC 5915 EC keys), SEC1 `EC PRIVATE KEY` files and
//! SubjectPublicKeyInfo public keys (RFC 5280/5480/8410), for Ed25519 and P-256 only.
//!
//! The DER structures are parsed by hand and strictly (definite minimal lengths, exact
//! algorithm identifiers, no trailing bytes, no attributes): these are small fixed structures,
//! and a strict parser cannot be talked into reading a key the wrong way. Every copy of secret
//! material (file text, DER, seed or scalar) lives in a zeroizing buffer.

use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark_api::SecretBytes;
use bulwark_api::sig::{EcdsaP256, Ed25519, Sign, Verify};
use bulwark_firmware::{ECDSA_P256_SPKI_PREFIX, ED25519_SPKI_PREFIX};
use bulwark_soft::Soft;
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use zeroize::Zeroizing;

/// `id-Ed25519` (1.3.101.112), content octets.
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
/// `id-ecPublicKey` (1.2.840.10045.2.1).
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `prime256v1` / `secp256r1` (1.2.840.10045.3.1.7).
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// PKCS#8 v1 of an Ed25519 key, up to the 32-byte seed (RFC 8410 section 7; what OpenSSL and
/// Python `cryptography`, hence imgtool, write).
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// PKCS#8 v1 of a P-256 key up to the scalar: the ECPrivateKey inside carries the public key
/// (`[1]`) but no parameters (they are in the AlgorithmIdentifier), as OpenSSL writes it.
const P256_PKCS8_PREFIX: [u8; 36] = [
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
    0x01, 0x01, 0x04, 0x20,
];
/// Between the scalar and the uncompressed point in [`P256_PKCS8_PREFIX`]'s structure.
const P256_PKCS8_PUBLIC: [u8; 5] = [0xa1, 0x44, 0x03, 0x42, 0x00];

/// Key files larger than this are refused before parsing (real ones are under 300 bytes).
const MAX_KEY_FILE: u64 = 16 * 1024;
/// Room for the DER inside the PEM armor.
const MAX_DER: usize = 1024;

/// The two key types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyType {
    /// Ed25519 (RFC 8032)
    Ed25519,
    /// ECDSA on NIST P-256 with SHA-256
    #[value(name = "ecdsa-p256")]
    EcdsaP256,
}

impl KeyType {
    /// The name used in messages and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "ed25519",
            KeyType::EcdsaP256 => "ecdsa-p256",
        }
    }
}

/// A validated public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// The 32-byte Ed25519 key.
    Ed25519([u8; 32]),
    /// The 65-byte uncompressed SEC1 P-256 point.
    EcdsaP256([u8; 65]),
}

impl PublicKey {
    /// The raw key: 32 bytes (Ed25519) or the 65-byte uncompressed SEC1 point (P-256).
    pub fn raw(&self) -> &[u8] {
        match self {
            PublicKey::Ed25519(k) => k,
            PublicKey::EcdsaP256(k) => k,
        }
    }

    /// The SubjectPublicKeyInfo DER (44 or 91 bytes), as imgtool's `get_public_bytes()`.
    pub fn spki_der(&self) -> Vec<u8> {
        let prefix: &[u8] = match self {
            PublicKey::Ed25519(_) => &ED25519_SPKI_PREFIX,
            PublicKey::EcdsaP256(_) => &ECDSA_P256_SPKI_PREFIX,
        };
        let mut der = prefix.to_vec();
        der.extend_from_slice(self.raw());
        der
    }

    /// The SubjectPublicKeyInfo as PEM (`BEGIN PUBLIC KEY`), with a final newline.
    pub fn spki_pem(&self) -> CliResult<String> {
        let der = self.spki_der();
        let mut buf = vec![0u8; MAX_DER * 2];
        let pem = pem_rfc7468::encode("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &der, &mut buf)
            .map_err(|e| CliError::Usage(format!("PEM encoding failed: {e}")))?;
        Ok(pem.to_owned())
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            PublicKey::EcdsaP256(_) => KeyType::EcdsaP256,
        }
    }
}

/// A private key: the Ed25519 seed or the P-256 scalar (validated: in `[1, n-1]`), with its
/// public key.
pub struct PrivateKey {
    /// The 32-byte Ed25519 seed or big-endian P-256 scalar.
    pub secret: SecretBytes<32>,
    /// The public key derived from `secret`.
    pub public: PublicKey,
}

/// What a key file holds.
pub enum KeyFile {
    /// A private key (PKCS#8, or SEC1 for P-256).
    Private(PrivateKey),
    /// A public key (SubjectPublicKeyInfo).
    Public(PublicKey),
}

impl KeyFile {
    /// The public key, whichever the file holds.
    pub fn public(&self) -> PublicKey {
        match self {
            KeyFile::Private(k) => k.public,
            KeyFile::Public(k) => *k,
        }
    }
}

/// The public key of a seed or scalar; `None` if the backend refuses it (a P-256 scalar of
/// zero or at least n).
pub fn derive_public(key_type: KeyType, secret: &SecretBytes<32>) -> Option<PublicKey> {
    let mut soft = Soft;
    let copy = SecretBytes::<32>::try_from_slice(secret.expose_secret()).ok()?;
    match key_type {
        KeyType::Ed25519 => {
            let key = Sign::<Ed25519>::import_signing_key(&mut soft, copy).ok()?;
            let public = Sign::<Ed25519>::signing_public(&mut soft, &key).ok()?;
            Some(PublicKey::Ed25519(Verify::<Ed25519>::export_public(
                &mut soft, &public,
            )))
        }
        KeyType::EcdsaP256 => {
            let key = Sign::<EcdsaP256>::import_signing_key(&mut soft, copy).ok()?;
            let public = Sign::<EcdsaP256>::signing_public(&mut soft, &key).ok()?;
            Some(PublicKey::EcdsaP256(Verify::<EcdsaP256>::export_public(
                &mut soft, &public,
            )))
        }
    }
}

/// Validates a raw public key (Ed25519: canonical, not of small order; P-256: SEC1
/// uncompressed or compressed, on the curve). `None` if invalid.
pub fn import_public(key_type: KeyType, raw: &[u8]) -> Option<PublicKey> {
    let mut soft = Soft;
    match key_type {
        KeyType::Ed25519 => {
            let key = Verify::<Ed25519>::import_public(&mut soft, raw).ok()?;
            Some(PublicKey::Ed25519(Verify::<Ed25519>::export_public(
                &mut soft, &key,
            )))
        }
        KeyType::EcdsaP256 => {
            let key = Verify::<EcdsaP256>::import_public(&mut soft, raw).ok()?;
            Some(PublicKey::EcdsaP256(Verify::<EcdsaP256>::export_public(
                &mut soft, &key,
            )))
        }
    }
}

/// Generates a key from the OS generator. P-256 scalars are drawn by rejection sampling (a
/// 32-byte string is used only if it is in `[1, n-1]`; a retry happens with probability
/// about 2^-32).
pub fn generate(key_type: KeyType) -> CliResult<PrivateKey> {
    for _ in 0..64 {
        let secret = SecretBytes::<32>::random(&mut OsRng).map_err(|e| {
            CliError::Usage(format!(
                "keygen: the operating system's random generator failed: {e}"
            ))
        })?;
        if let Some(public) = derive_public(key_type, &secret) {
            return Ok(PrivateKey { secret, public });
        }
    }
    Err(CliError::Usage(
        "keygen: could not draw a valid P-256 scalar (random generator failure?)".to_owned(),
    ))
}

/// The PKCS#8 PEM (`BEGIN PRIVATE KEY`) of a private key, as OpenSSL and imgtool write it.
pub fn private_pkcs8_pem(key: &PrivateKey) -> CliResult<Zeroizing<String>> {
    let mut der = Zeroizing::new(Vec::with_capacity(160));
    match key.public {
        PublicKey::Ed25519(_) => {
            der.extend_from_slice(&ED25519_PKCS8_PREFIX);
            der.extend_from_slice(key.secret.expose_secret());
        }
        PublicKey::EcdsaP256(point) => {
            der.extend_from_slice(&P256_PKCS8_PREFIX);
            der.extend_from_slice(key.secret.expose_secret());
            der.extend_from_slice(&P256_PKCS8_PUBLIC);
            der.extend_from_slice(&point);
        }
    }
    let mut buf = Zeroizing::new(vec![0u8; MAX_DER * 2]);
    let len = pem_rfc7468::encode("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &der, &mut buf)
        .map_err(|e| CliError::Usage(format!("PEM encoding failed: {e}")))?
        .len();
    let mut text = Zeroizing::new(String::with_capacity(len));
    for &b in buf.iter().take(len) {
        text.push(char::from(b));
    }
    Ok(text)
}

/// Reads and parses the key file `path` (named `arg` in errors; `-` is standard input).
/// Every problem is a usage error (exit 2).
pub fn read_key_file(arg: &str, path: &Path) -> CliResult<KeyFile> {
    let text = read_limited(path)
        .map_err(|e| CliError::arg(arg, format_args!("{}: {e}", path.display())))?;
    parse_key_file(&text).map_err(|e| CliError::arg(arg, format_args!("{}: {e}", path.display())))
}

fn read_limited(path: &Path) -> io::Result<Zeroizing<Vec<u8>>> {
    let mut data = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE as usize + 1));
    let n = if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(MAX_KEY_FILE + 1)
            .read_to_end(&mut data)?
    } else {
        fs::File::open(path)?
            .take(MAX_KEY_FILE + 1)
            .read_to_end(&mut data)?
    };
    if n as u64 > MAX_KEY_FILE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than 16 KiB: not a key file",
        ));
    }
    Ok(data)
}

/// Parses the text of a key file: exactly one PEM block of type `PRIVATE KEY`,
/// `EC PRIVATE KEY` or `PUBLIC KEY` (an `EC PARAMETERS` block, which `openssl ecparam -genkey`
/// writes first, is skipped), and nothing but whitespace around the blocks.
pub fn parse_key_file(text: &[u8]) -> Result<KeyFile, String> {
    let text = std::str::from_utf8(text).map_err(|_| "not a PEM file (not text)".to_owned())?;
    let mut key_block: Option<&str> = None;
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            break;
        }
        let Some(after_begin) = trimmed.strip_prefix("-----BEGIN ") else {
            return Err("not a PEM file (text outside a -----BEGIN/-----END block)".to_owned());
        };
        let label_end = after_begin
            .find("-----")
            .ok_or_else(|| "malformed PEM BEGIN line".to_owned())?;
        let label = &after_begin[..label_end];
        let end_line = format!("-----END {label}-----");
        let end = trimmed
            .find(&end_line)
            .ok_or_else(|| format!("PEM block {label:?} has no END line"))?;
        let block = &trimmed[..end + end_line.len()];
        rest = &trimmed[end + end_line.len()..];
        match label {
            "EC PARAMETERS" => {}
            "PRIVATE KEY" | "EC PRIVATE KEY" | "PUBLIC KEY" => {
                if key_block.is_some() {
                    return Err("more than one key in the file".to_owned());
                }
                key_block = Some(block);
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(
                    "encrypted private keys are not supported (decrypt it first, e.g. \
                            'openssl pkey -in KEY -out PLAIN')"
                        .to_owned(),
                );
            }
            other => {
                return Err(format!(
                    "unsupported PEM type {other:?} (expected PRIVATE KEY, EC PRIVATE KEY or \
                     PUBLIC KEY)"
                ));
            }
        }
    }
    let block = key_block.ok_or_else(|| "no key in the file".to_owned())?;
    let mut buf = Zeroizing::new([0u8; MAX_DER]);
    let (label, der) = pem_rfc7468::decode(block.as_bytes(), &mut buf[..])
        .map_err(|e| format!("invalid PEM: {e}"))?;
    match label {
        "PRIVATE KEY" => parse_pkcs8(der).map(KeyFile::Private),
        "EC PRIVATE KEY" => parse_sec1(der).map(KeyFile::Private),
        _ => parse_spki(der).map(KeyFile::Public),
    }
}

/// A strict DER reader over one level of a structure.
struct Der<'a> {
    data: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    fn peek(&self) -> Option<u8> {
        self.data.first().copied()
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Takes one element with tag `tag`; returns its content. Lengths must be in the
    /// minimal definite form (short below 128, `81 xx` up to 255, `82 xxxx` beyond).
    fn take(&mut self, tag: u8) -> Result<&'a [u8], String> {
        let bad = || format!("malformed DER (expected tag {tag:#04x})");
        let (&t, rest) = self.data.split_first().ok_or_else(bad)?;
        if t != tag {
            return Err(bad());
        }
        let (&first, rest) = rest.split_first().ok_or_else(bad)?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81 => match rest {
                [l, tail @ ..] if *l >= 0x80 => (usize::from(*l), tail),
                _ => return Err(bad()),
            },
            0x82 => match rest {
                [h, l, tail @ ..] if *h != 0 => ((usize::from(*h) << 8) | usize::from(*l), tail),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        let (content, rest) = rest.split_at_checked(len).ok_or_else(bad)?;
        self.data = rest;
        Ok(content)
    }

    /// Takes a SEQUENCE and returns a reader over its content.
    fn seq(&mut self) -> Result<Der<'a>, String> {
        self.take(0x30).map(Der::new)
    }

    fn end(&self) -> Result<(), String> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err("malformed DER (unexpected trailing data)".to_owned())
        }
    }
}

/// The AlgorithmIdentifier of a key: Ed25519 (no parameters) or id-ecPublicKey with the
/// named curve prime256v1.
fn parse_algorithm(mut alg: Der<'_>) -> Result<KeyType, String> {
    let oid = alg.take(0x06)?;
    let key_type = if oid == OID_ED25519 {
        KeyType::Ed25519
    } else if oid == OID_EC_PUBLIC_KEY {
        let curve = alg.take(0x06).map_err(|_| {
            "EC key without the named curve P-256 (explicit curve parameters are not supported)"
                .to_owned()
        })?;
        if curve != OID_P256 {
            return Err("unsupported elliptic curve (only P-256 / prime256v1)".to_owned());
        }
        KeyType::EcdsaP256
    } else {
        return Err("unsupported key algorithm (only Ed25519 and ECDSA P-256)".to_owned());
    };
    alg.end()?;
    Ok(key_type)
}

/// The raw key in a `BIT STRING` (no unused bits).
fn bit_string_key(content: &[u8]) -> Result<&[u8], String> {
    match content.split_first() {
        Some((0, key)) => Ok(key),
        _ => Err("malformed public key BIT STRING".to_owned()),
    }
}

fn parse_spki(der: &[u8]) -> Result<PublicKey, String> {
    let mut outer = Der::new(der);
    let mut spki = outer.seq()?;
    outer.end()?;
    let key_type = parse_algorithm(spki.seq()?)?;
    let key = bit_string_key(spki.take(0x03)?)?;
    spki.end()?;
    import_public(key_type, key).ok_or_else(|| format!("invalid {} public key", key_type.name()))
}

fn secret_from(bytes: &[u8], what: &str) -> Result<SecretBytes<32>, String> {
    SecretBytes::try_from_slice(bytes)
        .map_err(|_| format!("{what}: {} bytes, expected 32", bytes.len()))
}

/// Checks an embedded public key against the one derived from the secret.
fn check_embedded(derived: &PublicKey, embedded: Option<&[u8]>) -> Result<(), String> {
    match embedded {
        None => Ok(()),
        Some(raw) => match import_public(derived.key_type(), raw) {
            Some(k) if k == *derived => Ok(()),
            _ => Err("the public key in the file does not match its private key".to_owned()),
        },
    }
}

fn private_key(
    key_type: KeyType,
    secret: SecretBytes<32>,
    embedded: Option<&[u8]>,
) -> Result<PrivateKey, String> {
    let public = derive_public(key_type, &secret)
        .ok_or_else(|| "invalid P-256 private key (the scalar must be in [1, n-1])".to_owned())?;
    check_embedded(&public, embedded)?;
    Ok(PrivateKey { secret, public })
}

/// PKCS#8 `PrivateKeyInfo` (v1) or `OneAsymmetricKey` (v2, with the public key).
fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    let mut outer = Der::new(der);
    let mut info = outer.seq()?;
    outer.end()?;
    let version = info.take(0x02)?;
    let v2 = match version {
        [0] => false,
        [1] => true,
        _ => return Err("unsupported PKCS#8 version".to_owned()),
    };
    let key_type = parse_algorithm(info.seq()?)?;
    let private = info.take(0x04)?;
    if info.peek() == Some(0xa0) {
        return Err("PKCS#8 attributes are not supported".to_owned());
    }
    let embedded = if info.peek() == Some(0x81) && v2 {
        Some(bit_string_key(info.take(0x81)?)?)
    } else {
        None
    };
    info.end()?;
    match key_type {
        KeyType::Ed25519 => {
            // CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
            let mut inner = Der::new(private);
            let seed = inner.take(0x04)?;
            inner.end()?;
            private_key(
                key_type,
                secret_from(seed, "Ed25519 private key")?,
                embedded,
            )
        }
        KeyType::EcdsaP256 => {
            let key = parse_ec_private_key(private, false)?;
            if embedded.is_some() && key.public.is_some() && embedded != key.public {
                return Err("the file holds two different public keys".to_owned());
            }
            let public = key.public.or(embedded);
            private_key(
                key_type,
                secret_from(key.scalar, "P-256 private key")?,
                public,
            )
        }
    }
}

/// SEC1 `EC PRIVATE KEY` (RFC 5915): must name the curve P-256.
fn parse_sec1(der: &[u8]) -> Result<PrivateKey, String> {
    let key = parse_ec_private_key(der, true)?;
    private_key(
        KeyType::EcdsaP256,
        secret_from(key.scalar, "P-256 private key")?,
        key.public,
    )
}

struct EcPrivateKey<'a> {
    scalar: &'a [u8],
    public: Option<&'a [u8]>,
}

/// `ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL,
/// [1] publicKey OPTIONAL }`. Parameters, when present, must be the named curve P-256; a
/// standalone SEC1 file must have them.
fn parse_ec_private_key(der: &[u8], need_curve: bool) -> Result<EcPrivateKey<'_>, String> {
    let mut outer = Der::new(der);
    let mut key = outer.seq()?;
    outer.end()?;
    if key.take(0x02)? != [1] {
        return Err("unsupported ECPrivateKey version".to_owned());
    }
    let scalar = key.take(0x04)?;
    let mut has_curve = false;
    if key.peek() == Some(0xa0) {
        let mut params = Der::new(key.take(0xa0)?);
        let curve = params.take(0x06).map_err(|_| {
            "EC key with explicit curve parameters (only the named curve P-256 is supported)"
                .to_owned()
        })?;
        params.end()?;
        if curve != OID_P256 {
            return Err("unsupported elliptic curve (only P-256 / prime256v1)".to_owned());
        }
        has_curve = true;
    }
    if need_curve && !has_curve {
        return Err("EC PRIVATE KEY without the curve name".to_owned());
    }
    let public = if key.peek() == Some(0xa1) {
        let mut wrapper = Der::new(key.take(0xa1)?);
        let public = bit_string_key(wrapper.take(0x03)?)?;
        wrapper.end()?;
        Some(public)
    } else {
        None
    };
    if !key.is_empty() {
        return Err("malformed ECPrivateKey (unexpected trailing data)".to_owned());
    }
    Ok(EcPrivateKey { scalar, public })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem(label: &str, der: &[u8]) -> String {
        let mut buf = vec![0u8; 4096];
        pem_rfc7468::encode(label, pem_rfc7468::LineEnding::LF, der, &mut buf)
            .map(str::to_owned)
            .unwrap_or_default()
    }

    #[test]
    fn round_trips_and_refusals() -> Result<(), String> {
        for key_type in [KeyType::Ed25519, KeyType::EcdsaP256] {
            let key = generate(key_type).map_err(|e| e.to_string())?;
            let text = private_pkcs8_pem(&key).map_err(|e| e.to_string())?;
            let KeyFile::Private(back) = parse_key_file(text.as_bytes())? else {
                return Err("not private".into());
            };
            assert_eq!(back.public, key.public);
            assert!(back.secret.ct_eq(&key.secret));
            let spki = key.public.spki_pem().map_err(|e| e.to_string())?;
            let KeyFile::Public(p) = parse_key_file(spki.as_bytes())? else {
                return Err("not public".into());
            };
            assert_eq!(p, key.public);
            // Trailing garbage in the DER, and text outside the block, are refused.
            let mut der = key.public.spki_der();
            der.push(0);
            assert!(parse_key_file(pem("PUBLIC KEY", &der).as_bytes()).is_err());
            assert!(parse_key_file(format!("x\n{spki}").as_bytes()).is_err());
            assert!(parse_key_file(format!("{spki}{spki}").as_bytes()).is_err());
        }
        // A P-256 PKCS#8 key whose embedded public key is another key's.
        let a = generate(KeyType::EcdsaP256).map_err(|e| e.to_string())?;
        let b = generate(KeyType::EcdsaP256).map_err(|e| e.to_string())?;
        let mut der = P256_PKCS8_PREFIX.to_vec();
        der.extend_from_slice(a.secret.expose_secret());
        der.extend_from_slice(&P256_PKCS8_PUBLIC);
        der.extend_from_slice(b.public.raw());
        assert!(parse_key_file(pem("PRIVATE KEY", &der).as_bytes()).is_err());
        // Scalar zero.
        let mut der = P256_PKCS8_PREFIX.to_vec();
        der.extend_from_slice(&[0u8; 32]);
        der.extend_from_slice(&P256_PKCS8_PUBLIC);
        der.extend_from_slice(a.public.raw());
        assert!(parse_key_file(pem("PRIVATE KEY", &der).as_bytes()).is_err());
        Ok(())
    }
}
