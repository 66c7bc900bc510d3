//! `bulwark keygen`: a new Ed25519 or ECDSA P-256 private key as a PKCS#8 PEM file.

use crate::args::print_text;
use crate::error::{CliError, CliResult};
use crate::keys;
use bulwark::sig::AlgorithmId;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Arguments of `bulwark keygen` (the help text is on [`super::Command`]).
#[derive(clap::Args)]
pub struct KeygenArgs {
    /// The key type
    #[arg(long = "type", value_name = "TYPE", value_parser = keys::algorithm_parser())]
    algorithm: AlgorithmId,

    /// The new key file (PKCS#8 PEM, mode 0600); an existing file is never overwritten
    /// ('-' prints the key on standard output)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

impl KeygenArgs {
    /// Generates the key and writes it.
    pub fn run(self) -> CliResult {
        let key = keys::generate(self.algorithm)?;
        let pem = keys::private_pkcs8_pem(&key)?;
        if self.out == Path::new("-") {
            return print_text(&pem);
        }
        write_new_private(&self.out, pem.as_bytes()).map_err(|e| {
            let reason = if e.kind() == io::ErrorKind::AlreadyExists {
                "the file exists; refusing to overwrite a key (remove it first)".to_owned()
            } else {
                e.to_string()
            };
            CliError::arg("--out", format_args!("{}: {reason}", self.out.display()))
        })
    }
}

/// Creates `path` (failing if it exists), readable and writable by its owner only, and writes
/// `data`. A partly written file is removed.
fn write_new_private(path: &Path, data: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let result = file.write_all(data).and_then(|()| file.sync_all());
    if result.is_err() {
        drop(file);
        let _ = fs::remove_file(path);
    }
    result
}
