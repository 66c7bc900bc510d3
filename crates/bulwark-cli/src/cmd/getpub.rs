//! `bulwark getpub`: the public key of a key file, as PEM, DER, raw or the MCUboot key hash.

use crate::args::{print_hex, print_text};
use crate::error::CliResult;
use crate::keys;
use bulwark::DefaultProvider;
use bulwark::hash::Sha256;
use std::path::PathBuf;

/// Arguments of `bulwark getpub` (the help text is on [`super::Command`]).
#[derive(clap::Args)]
pub struct GetpubArgs {
    /// The key file: a private key (PKCS#8 'PRIVATE KEY', or SEC1 'EC PRIVATE KEY' for
    /// P-256) or a public key ('PUBLIC KEY'), PEM
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,

    /// What to print
    #[arg(long, value_enum, default_value = "pem")]
    format: Format,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// SubjectPublicKeyInfo PEM ('BEGIN PUBLIC KEY')
    Pem,
    /// SubjectPublicKeyInfo DER, as hex
    Der,
    /// The raw public key as hex: Ed25519 32 bytes, P-256 65-byte uncompressed SEC1
    Raw,
    /// SHA-256 of the SubjectPublicKeyInfo DER, as hex: MCUboot's key hash
    Hash,
}

impl GetpubArgs {
    /// Prints the public key.
    pub fn run(self) -> CliResult {
        let public = keys::read_key_file("--key", &self.key)?.public();
        match self.format {
            Format::Pem => print_text(&public.spki_pem()?),
            Format::Der => print_hex(&public.spki_der()?),
            Format::Raw => print_hex(public.raw()),
            Format::Hash => print_hex(&key_hash(&public)?),
        }
    }
}

/// SHA-256 of the SubjectPublicKeyInfo DER.
pub fn key_hash(public: &keys::PublicKey) -> CliResult<[u8; 32]> {
    Sha256::digest(&mut DefaultProvider::default(), &[&public.spki_der()?])
        .map_err(|e| crate::error::CliError::from_api("sha256", e))
}
