//! `bulwark cmac`: AES-CMAC.

use crate::args::{InputArgs, SecretArg, aes_key, print_hex};
use crate::error::{CliError, CliResult};
use crate::stream::{self, InputFile};
use bulwark::mac::Cmac;
use bulwark::{HazmatProvider, Provider};

/// Arguments of `bulwark cmac` (the help text is on [`super::Command`]).
#[derive(clap::Args)]
pub struct CmacArgs {
    /// The AES key as HEX: 16, 24 or 32 bytes (AES-128/192/256)
    #[arg(long, value_name = "HEX")]
    key: SecretArg,

    #[command(flatten)]
    input: InputArgs,
}

impl CmacArgs {
    /// Runs `cmac`.
    pub fn run(mut self) -> CliResult {
        let (mut cmac, mut cbc_mac) = aes_key("--key", &mut self.key, |p, key| {
            Ok((p.cmac(key)?, p.cbc_mac(key)?))
        })?;
        if let Some(path) = self.input.file_path()
            && let Some(file) = InputFile::open(path)?
        {
            return print_hex(&stream::cmac(&mut cbc_mac, file)?);
        }
        let msg = self.input.read()?;
        let tag = cmac
            .compute(&[&msg])
            .map_err(|e| CliError::from_api("cmac", e))?;
        print_hex(&tag)
    }
}
