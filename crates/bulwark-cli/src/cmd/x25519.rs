//! `bulwark x25519 [pub]`: X25519 (RFC 7748) public keys and raw shared secrets.

use crate::args::{
    AFTER_HELP, SecretArg, agreement_args, decode_hex, print_hex, take_secret_array,
};
use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark::hazmat::expose_shared_secret;
use bulwark::kex::{KeyAgreement, X25519};
use clap::Subcommand;

/// The default backend's X25519 private key.
type StaticSecret = <DefaultProvider as KeyAgreement<X25519>>::StaticSecret;

/// Arguments of `bulwark x25519`: either the `pub` subcommand, or `--secret` and `--peer` for
/// an agreement (the help text is on [`super::Command`]).
///
/// `args_conflicts_with_subcommands` makes the two forms exclusive (`x25519 --secret K pub` is
/// a usage error) and `subcommand_negates_reqs` lets `x25519 pub` go without `--peer`. The
/// required options are `Option`s so that the derived parser accepts their absence when the
/// subcommand is given.
#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    subcommand_required = false
)]
pub struct X25519Args {
    #[command(subcommand)]
    op: Option<X25519Op>,

    /// Our private key as HEX: 32 bytes, any value (clamped as RFC 7748 says)
    #[arg(long, value_name = "HEX", required = true)]
    secret: Option<SecretArg>,

    /// The peer's public key (u-coordinate) as HEX: 32 bytes
    #[arg(long, value_name = "HEX", required = true)]
    peer: Option<String>,
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

#[derive(clap::Args)]
struct PubOpts {
    /// The private key as HEX: 32 bytes, any value (clamped as RFC 7748 says)
    #[arg(long, value_name = "HEX")]
    secret: SecretArg,
}

/// Imports a 32-byte X25519 private key from `hex` (wiped).
fn import_secret(provider: &mut DefaultProvider, hex: &mut String) -> CliResult<StaticSecret> {
    let bytes = take_secret_array::<32>("--secret", hex, "X25519 private keys")?;
    KeyAgreement::<X25519>::import_static(provider, bytes)
        .map_err(|e| CliError::from_api("--secret", e))
}

impl X25519Args {
    /// Runs `x25519 pub` or the agreement.
    pub fn run(self) -> CliResult {
        let mut provider = DefaultProvider::default();
        match self.op {
            Some(X25519Op::Pub(mut opts)) => {
                let secret = import_secret(&mut provider, &mut opts.secret)?;
                let public = KeyAgreement::<X25519>::static_public(&mut provider, &secret)
                    .map_err(|e| CliError::from_api("x25519 pub", e))?;
                print_hex(&KeyAgreement::<X25519>::export_public(
                    &mut provider,
                    &public,
                ))
            }
            None => {
                let (mut secret_hex, peer_hex) = agreement_args("x25519", self.secret, self.peer)?;
                let secret = import_secret(&mut provider, &mut secret_hex)?;
                let peer = decode_hex("--peer", &peer_hex)?;
                if peer.len() != 32 {
                    return Err(CliError::arg(
                        "--peer",
                        format_args!("{} bytes; X25519 public keys are 32 bytes", peer.len()),
                    ));
                }
                let peer = KeyAgreement::<X25519>::import_public(&mut provider, &peer)
                    .map_err(|e| CliError::from_api("--peer", e))?;
                let shared = KeyAgreement::<X25519>::agree_static(&mut provider, &secret, &peer)
                    .map_err(|e| match e {
                        bulwark::Error::Verification => CliError::Rejected(
                            "x25519: --peer: non-contributory public key (a small-order point): \
                             the shared secret would be all zeros"
                                .to_owned(),
                        ),
                        other => CliError::from_api("x25519", other),
                    })?;
                print_hex(expose_shared_secret(&shared))
            }
        }
    }
}
