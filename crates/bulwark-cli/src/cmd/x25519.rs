//! `bulwark x25519 [pub]`: X25519 (RFC 7748) public keys and raw shared secrets.

use super::agreement::{self, CliAgreement, agreement_args_struct, pub_opts_struct};
use crate::args::{AFTER_HELP, print_hex};
use crate::error::{CliError, CliResult};
use bulwark::kex::X25519;
use clap::Subcommand;

agreement_args_struct! {
    /// Arguments of `bulwark x25519`: either the `pub` subcommand, or `--secret` and `--peer`
    /// for an agreement (the help text is on [`super::Command`]).
    X25519Args,
    X25519Op,
    secret: "Our private key as HEX: 32 bytes, any value (clamped as RFC 7748 says)",
    peer: "The peer's public key (u-coordinate) as HEX: 32 bytes",
}

#[derive(Subcommand)]
enum X25519Op {
    /// Print the 32-byte public key of a private key
    ///
    /// Prints X25519(secret, 9), the public key to send to the peer, as hex.
    ///
    /// Example (RFC 7748 section 6.1, Alice):
    ///   bulwark x25519 pub --secret 77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a
    ///   8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Pub(PubOpts),
}

pub_opts_struct! {
    secret: "The private key as HEX: 32 bytes, any value (clamped as RFC 7748 says)",
}

impl CliAgreement for X25519 {
    const CMD: &'static str = "x25519";
    const CMD_PUB: &'static str = "x25519 pub";
    const SECRET_KEYS: &'static str = "X25519 private keys";

    fn check_peer(peer: &[u8]) -> CliResult {
        if peer.len() != 32 {
            return Err(CliError::arg(
                "--peer",
                format_args!("{} bytes; X25519 public keys are 32 bytes", peer.len()),
            ));
        }
        Ok(())
    }

    fn peer_error(error: bulwark::Error) -> CliError {
        CliError::from_api("--peer", error)
    }

    fn agree_error(error: bulwark::Error) -> CliError {
        match error {
            bulwark::Error::Verification => CliError::Rejected(
                "x25519: --peer: non-contributory public key (a small-order point): \
                 the shared secret would be all zeros"
                    .to_owned(),
            ),
            other => CliError::from_api("x25519", other),
        }
    }
}

impl X25519Args {
    /// Runs `x25519 pub` or the agreement.
    pub fn run(self) -> CliResult {
        match self.op {
            Some(X25519Op::Pub(opts)) => print_hex(&agreement::public_key::<X25519>(opts.secret)?),
            None => agreement::agree::<X25519>(self.secret, self.peer),
        }
    }
}
