//! Key files: PEM armor (RFC 7468, `pem-rfc7468`) around PKCS#8 private keys (RFC 5208/5958
//! with RFC 8410 Ed25519 and RFC 5915 EC keys), SEC1 `EC PRIVATE KEY` files and
//! SubjectPublicKeyInfo public keys (RFC 5280/5480/8410), for Ed25519 and P-256 only.
//!
//! The DER structures are read and written by `bulwark::encoding` (RustCrypto's `der`,
//! `spki`, `pkcs8` and `sec1`), strictly: an input is accepted only if it re-encodes to the
//! same bytes (definite minimal lengths, exact algorithm identifiers, no trailing bytes, no
//! attributes). Every copy of secret material (file text, DER, seed or scalar) lives in a
//! zeroizing buffer.

use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark::DefaultProvider;
use bulwark::SecretBytes;
use bulwark::encoding::{self, EncodingError, PrivateKeyParts};
use bulwark::sig::{AlgorithmId, EcdsaP256, Ed25519, Sign, Verify};
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use zeroize::Zeroizing;

/// Key files larger than this are refused before parsing (real ones are under 300 bytes).
const MAX_KEY_FILE: u64 = 16 * 1024;
/// Room for the DER inside the PEM armor.
const MAX_DER: usize = 1024;

/// The `--type` values of `keygen`: the algorithms' command-line names, with their help.
pub fn algorithm_parser() -> impl clap::builder::TypedValueParser<Value = AlgorithmId> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("ed25519").help("Ed25519 (RFC 8032)"),
        PossibleValue::new("ecdsa-p256").help("ECDSA on NIST P-256 with SHA-256"),
    ])
    .map(|name| {
        if name == "ed25519" {
            AlgorithmId::Ed25519
        } else {
            AlgorithmId::EcdsaP256
        }
    })
}

/// An algorithm's name in messages and on the command line.
pub fn cli_name(algorithm: AlgorithmId) -> &'static str {
    match algorithm {
        AlgorithmId::Ed25519 => "ed25519",
        AlgorithmId::EcdsaP256 => "ecdsa-p256",
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
    pub fn spki_der(&self) -> CliResult<Vec<u8>> {
        encoding::spki_der(self.algorithm(), self.raw())
            .map(|der| der.as_ref().to_vec())
            .map_err(|e| CliError::Usage(format!("SubjectPublicKeyInfo encoding failed: {e}")))
    }

    /// The SubjectPublicKeyInfo as PEM (`BEGIN PUBLIC KEY`), with a final newline.
    pub fn spki_pem(&self) -> CliResult<String> {
        let der = self.spki_der()?;
        let mut buf = vec![0u8; MAX_DER * 2];
        let pem = pem_rfc7468::encode("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &der, &mut buf)
            .map_err(|e| CliError::Usage(format!("PEM encoding failed: {e}")))?;
        Ok(pem.to_owned())
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> AlgorithmId {
        match self {
            PublicKey::Ed25519(_) => AlgorithmId::Ed25519,
            PublicKey::EcdsaP256(_) => AlgorithmId::EcdsaP256,
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
pub fn derive_public(algorithm: AlgorithmId, secret: &SecretBytes<32>) -> Option<PublicKey> {
    let mut provider = DefaultProvider::default();
    let copy = SecretBytes::<32>::try_from_slice(secret.expose_secret()).ok()?;
    match algorithm {
        AlgorithmId::Ed25519 => {
            let key = Sign::<Ed25519>::import_signing_key(&mut provider, copy).ok()?;
            let public = Sign::<Ed25519>::signing_public(&mut provider, &key).ok()?;
            Some(PublicKey::Ed25519(Verify::<Ed25519>::export_public(
                &mut provider,
                &public,
            )))
        }
        AlgorithmId::EcdsaP256 => {
            let key = Sign::<EcdsaP256>::import_signing_key(&mut provider, copy).ok()?;
            let public = Sign::<EcdsaP256>::signing_public(&mut provider, &key).ok()?;
            Some(PublicKey::EcdsaP256(Verify::<EcdsaP256>::export_public(
                &mut provider,
                &public,
            )))
        }
    }
}

/// Validates a raw public key (Ed25519: canonical, not of small order; P-256: SEC1
/// uncompressed or compressed, on the curve). `None` if invalid.
pub fn import_public(algorithm: AlgorithmId, raw: &[u8]) -> Option<PublicKey> {
    let mut provider = DefaultProvider::default();
    match algorithm {
        AlgorithmId::Ed25519 => {
            let key = Verify::<Ed25519>::import_public(&mut provider, raw).ok()?;
            Some(PublicKey::Ed25519(Verify::<Ed25519>::export_public(
                &mut provider,
                &key,
            )))
        }
        AlgorithmId::EcdsaP256 => {
            let key = Verify::<EcdsaP256>::import_public(&mut provider, raw).ok()?;
            Some(PublicKey::EcdsaP256(Verify::<EcdsaP256>::export_public(
                &mut provider,
                &key,
            )))
        }
    }
}

/// Generates a key from the OS generator. P-256 scalars are drawn by rejection sampling (a
/// 32-byte string is used only if it is in `[1, n-1]`; a retry happens with probability
/// about 2^-32).
pub fn generate(algorithm: AlgorithmId) -> CliResult<PrivateKey> {
    for _ in 0..64 {
        let secret = SecretBytes::<32>::random(&mut OsRng).map_err(|e| {
            CliError::Usage(format!(
                "keygen: the operating system's random generator failed: {e}"
            ))
        })?;
        if let Some(public) = derive_public(algorithm, &secret) {
            return Ok(PrivateKey { secret, public });
        }
    }
    Err(CliError::Usage(
        "keygen: could not draw a valid P-256 scalar (random generator failure?)".to_owned(),
    ))
}

/// The PKCS#8 PEM (`BEGIN PRIVATE KEY`) of a private key, as OpenSSL and imgtool write it.
pub fn private_pkcs8_pem(key: &PrivateKey) -> CliResult<Zeroizing<String>> {
    // The DER buffer zeroizes itself on drop.
    let der = encoding::pkcs8_der(
        key.public.algorithm(),
        key.secret.expose_secret(),
        key.public.raw(),
    )
    .map_err(|e| CliError::Usage(format!("PKCS#8 encoding failed: {e}")))?;
    let der = der.as_ref();
    let mut buf = Zeroizing::new(vec![0u8; MAX_DER * 2]);
    let len = pem_rfc7468::encode("PRIVATE KEY", pem_rfc7468::LineEnding::LF, der, &mut buf)
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
    if path == Path::new("-") {
        crate::args::claim_stdin(arg)?;
    }
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
    let refused = |e: EncodingError| e.to_string();
    match label {
        "PRIVATE KEY" => {
            private_key(encoding::parse_pkcs8(der).map_err(refused)?).map(KeyFile::Private)
        }
        "EC PRIVATE KEY" => {
            private_key(encoding::parse_sec1(der).map_err(refused)?).map(KeyFile::Private)
        }
        _ => {
            let (algorithm, raw) = encoding::parse_spki(der).map_err(refused)?;
            import_public(algorithm, raw)
                .map(KeyFile::Public)
                .ok_or_else(|| format!("invalid {} public key", cli_name(algorithm)))
        }
    }
}

/// A private key from a parsed file: the secret must be 32 bytes and valid (a P-256 scalar in
/// `[1, n-1]`), and an embedded public key must be the secret's own.
fn private_key(parts: PrivateKeyParts<'_>) -> Result<PrivateKey, String> {
    let what = match parts.algorithm {
        AlgorithmId::Ed25519 => "Ed25519 private key",
        AlgorithmId::EcdsaP256 => "P-256 private key",
    };
    let secret = SecretBytes::try_from_slice(parts.secret)
        .map_err(|_| format!("{what}: {} bytes, expected 32", parts.secret.len()))?;
    let public = derive_public(parts.algorithm, &secret)
        .ok_or_else(|| "invalid P-256 private key (the scalar must be in [1, n-1])".to_owned())?;
    if let Some(raw) = parts.public {
        match import_public(parts.algorithm, raw) {
            Some(k) if k == public => {}
            _ => return Err("the public key in the file does not match its private key".to_owned()),
        }
    }
    Ok(PrivateKey { secret, public })
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
        for algorithm in AlgorithmId::ALL {
            let key = generate(algorithm).map_err(|e| e.to_string())?;
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
            let mut der = key.public.spki_der().map_err(|e| e.to_string())?;
            der.push(0);
            assert!(parse_key_file(pem("PUBLIC KEY", &der).as_bytes()).is_err());
            assert!(parse_key_file(format!("x\n{spki}").as_bytes()).is_err());
            assert!(parse_key_file(format!("{spki}{spki}").as_bytes()).is_err());
        }
        // A P-256 PKCS#8 key whose embedded public key is another key's.
        let a = generate(AlgorithmId::EcdsaP256).map_err(|e| e.to_string())?;
        let b = generate(AlgorithmId::EcdsaP256).map_err(|e| e.to_string())?;
        let secret: [u8; 32] = *a.secret.expose_secret();
        let der = encoding::pkcs8_der(AlgorithmId::EcdsaP256, &secret, b.public.raw())
            .map_err(|e| e.to_string())?;
        assert!(parse_key_file(pem("PRIVATE KEY", der.as_ref()).as_bytes()).is_err());
        // Scalar zero.
        let der = encoding::pkcs8_der(AlgorithmId::EcdsaP256, &[0; 32], a.public.raw())
            .map_err(|e| e.to_string())?;
        assert!(parse_key_file(pem("PRIVATE KEY", der.as_ref()).as_bytes()).is_err());
        Ok(())
    }
}
