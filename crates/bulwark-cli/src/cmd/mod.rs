//! One module per subcommand family. To add a family: write `cmd/NAME.rs` with an `Args`
//! struct and a `run` method, then add one variant to [`Command`] and one arm to
//! [`Command::run`].

use crate::args::AFTER_HELP;
use crate::error::CliResult;
use clap::Subcommand;

pub mod ccm;
pub mod cmac;
pub mod ctr;

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// AES-CCM / CCM* authenticated encryption (RFC 3610, NIST SP 800-38C, IEEE 802.15.4)
    #[command(after_help = AFTER_HELP)]
    Ccm(ccm::CcmArgs),
    /// AES-CMAC (RFC 4493, NIST SP 800-38B): print the 16-byte tag
    ///
    /// Computes the AES-CMAC of the message and prints the 16-byte tag as hex.
    /// The key length picks AES-128/192/256.
    ///
    /// Example (RFC 4493, example 2):
    ///   bulwark cmac --key 2b7e151628aed2a6abf7158809cf4f3c --msg 6bc1bee22e409f96e93d7e117393172a
    ///   070a16b46b4d4144f79bdd9dd04a287c
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Cmac(cmac::CmacArgs),
    /// AES-CTR (NIST SP 800-38A) keystream XOR; no integrity
    ///
    /// XORs the message with the AES-CTR keystream E(iv), E(iv+1), ...: encrypting and
    /// decrypting are the same operation. The 16-byte --iv is the initial counter block, one
    /// big-endian 128-bit counter that wraps from ff..ff to 00..00. The key length picks
    /// AES-128/192/256.
    ///
    /// CTR provides NO integrity, and a counter block must never repeat under one key.
    ///
    /// Example (NIST SP 800-38A F.5.1, first block):
    ///   bulwark ctr --key 2b7e151628aed2a6abf7158809cf4f3c \
    ///       --iv f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff --msg 6bc1bee22e409f96e93d7e117393172a
    ///   874d6191b620e3261bef6864990db6ce
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Ctr(ctr::CtrArgs),
}

impl Command {
    /// Runs the subcommand.
    pub fn run(self) -> CliResult {
        match self {
            Command::Ccm(args) => args.run(),
            Command::Cmac(args) => args.run(),
            Command::Ctr(args) => args.run(),
        }
    }
}
