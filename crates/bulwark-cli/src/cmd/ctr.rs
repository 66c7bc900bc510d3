//! `bulwark ctr`: AES-CTR keystream XOR.

use crate::args::{InputArgs, OutputArgs, SecretArg, aes_key, take_secret_hex};
use crate::error::{CliError, CliResult};
use crate::stream::{self, InputFile};
use bulwark::HazmatProvider;
use bulwark::hazmat::{Block, Ctr};

/// Arguments of `bulwark ctr` (the help text is on [`super::Command`]).
#[derive(clap::Args)]
pub struct CtrArgs {
    /// The AES key as HEX: 16, 24 or 32 bytes (AES-128/192/256)
    #[arg(long, value_name = "HEX")]
    key: SecretArg,

    /// The initial counter block as HEX: exactly 16 bytes
    #[arg(long, value_name = "HEX")]
    iv: String,

    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    output: OutputArgs,
}

impl CtrArgs {
    /// Runs `ctr`.
    pub fn run(mut self) -> CliResult {
        let mut ctr = aes_key("--key", &mut self.key, HazmatProvider::ctr)?;
        let iv = take_secret_hex("--iv", &mut self.iv)?;
        let iv: Block = iv.as_slice().try_into().map_err(|_| {
            CliError::arg(
                "--iv",
                format_args!("{} bytes; the CTR counter block is 16 bytes", iv.len()),
            )
        })?;
        if let Some(path) = self.input.file_path()
            && let Some(file) = InputFile::open(path)?
        {
            return stream::ctr(&mut ctr, &iv, file, self.output.path());
        }
        let mut buf = self.input.read()?;
        ctr.apply_keystream(&iv, &mut buf)
            .map_err(|e| CliError::from_api("ctr", e))?;
        self.output.emit(&buf)
    }
}
