#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod args;
mod cmd;
mod error;
mod keys;
mod rng;
mod stream;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// bulwark: AES-CCM/CCM*, AES-CMAC, AES-CTR, X25519, P-256 ECDH, HKDF-SHA256, pairing codes,
/// OSCORE contexts, Ed25519/ECDSA P-256 keys and signatures, and MCUboot images from the
/// command line.
///
/// Every subcommand takes byte strings as HEX and prints its result as lowercase hex and a
/// newline ('NAME: HEX' lines where it prints several values), or writes raw bytes to
/// --out FILE where offered. Run 'bulwark SUBCOMMAND --help' for the details of each.
#[derive(Parser)]
#[command(name = "bulwark", version, after_help = args::AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            e.exit_code()
        }
    }
}
