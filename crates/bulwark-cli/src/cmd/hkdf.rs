//! `bulwark hkdf`: HKDF-SHA256 (RFC 5869) extract-and-expand.

use crate::args::{SecretArg, decode_optional_hex, parse_number, print_hex, take_secret_hex};
use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark::kdf::{HKDF_SHA256_MAX_LEN, HkdfSha256};
use zeroize::Zeroizing;

/// Arguments of `bulwark hkdf` (the help text is on [`super::Command`]).
#[derive(clap::Args)]
pub struct HkdfArgs {
    /// The input keying material as HEX ('' for none)
    #[arg(long, value_name = "HEX")]
    ikm: SecretArg,

    /// The salt as HEX (default: none, which RFC 5869 defines as 32 zero bytes; '' is the same)
    #[arg(long, value_name = "HEX")]
    salt: Option<String>,

    /// The context and application specific info as HEX (default: none)
    #[arg(long, value_name = "HEX")]
    info: Option<String>,

    /// The output length N in bytes: 0 to 8160 (255 * 32)
    #[arg(long, value_name = "N", value_parser = parse_number)]
    len: usize,
}

impl HkdfArgs {
    /// Runs `hkdf`.
    pub fn run(mut self) -> CliResult {
        let ikm = take_secret_hex("--ikm", &mut self.ikm)?;
        let salt = decode_optional_hex("--salt", self.salt.as_deref())?;
        let info = decode_optional_hex("--info", self.info.as_deref())?;
        if self.len > HKDF_SHA256_MAX_LEN {
            return Err(CliError::arg(
                "--len",
                format_args!(
                    "{}; HKDF-SHA256 outputs at most {HKDF_SHA256_MAX_LEN} bytes (255 blocks of 32)",
                    self.len
                ),
            ));
        }
        let mut okm = Zeroizing::new(vec![0u8; self.len]);
        DefaultProvider::default()
            .derive(&salt, &[&ikm], &[&info], &mut okm)
            .map_err(|e| CliError::from_api("hkdf", e))?;
        print_hex(&okm)
    }
}
