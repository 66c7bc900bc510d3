//! What `bulwark x25519` and `bulwark ecdh-p256` share: the two-form argument structure
//! (`NAME pub --secret K` or `NAME --secret K --peer P`) and the steps of each form. Each
//! algorithm's module says only what differs ([`CliAgreement`]): key checks and messages.

use crate::args::{SecretArg, agreement_args, decode_hex, take_secret_array};
use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark::hazmat::expose_shared_secret;
use bulwark::kex::{Algorithm, KeyAgreement};

/// Defines the arguments struct of a key-agreement subcommand: either the `pub` subcommand
/// (`$op`), or `--secret` and `--peer` for an agreement, with the given help lines.
///
/// `args_conflicts_with_subcommands` makes the two forms exclusive (`x25519 --secret K pub` is
/// a usage error) and `subcommand_negates_reqs` lets `x25519 pub` go without `--peer`. The
/// required options are `Option`s so that the derived parser accepts their absence when the
/// subcommand is given; [`agree`] reports their absence otherwise.
macro_rules! agreement_args_struct {
    (
        $(#[$attr:meta])*
        $name:ident, $op:ty, secret: $secret_doc:tt, peer: $peer_doc:tt $(,)?
    ) => {
        $(#[$attr])*
        #[derive(clap::Args)]
        #[command(
            args_conflicts_with_subcommands = true,
            subcommand_negates_reqs = true,
            subcommand_required = false
        )]
        pub struct $name {
            #[command(subcommand)]
            op: Option<$op>,

            #[doc = $secret_doc]
            #[arg(long, value_name = "HEX", required = true)]
            secret: Option<$crate::args::SecretArg>,

            #[doc = $peer_doc]
            #[arg(long, value_name = "HEX", required = true)]
            peer: Option<String>,
        }
    };
}
pub(crate) use agreement_args_struct;

/// Defines `PubOpts`, the options of a key-agreement subcommand's `pub` form: `--secret`, with
/// the given help line, then any further fields as written.
macro_rules! pub_opts_struct {
    (secret: $secret_doc:tt $(, $(#[$field_attr:meta])* $field:ident: $ty:ty)* $(,)?) => {
        #[derive(clap::Args)]
        struct PubOpts {
            #[doc = $secret_doc]
            #[arg(long, value_name = "HEX")]
            secret: $crate::args::SecretArg,
            $(
                $(#[$field_attr])*
                $field: $ty,
            )*
        }
    };
}
pub(crate) use pub_opts_struct;

/// What differs between the key agreements the CLI offers.
pub trait CliAgreement: Algorithm + Sized {
    /// The subcommand, as the user types it (`x25519`).
    const CMD: &'static str;
    /// The subcommand's `pub` form, for API errors (`x25519 pub`).
    const CMD_PUB: &'static str;
    /// What the private keys are called in a length error (`X25519 private keys`).
    const SECRET_KEYS: &'static str;

    /// The error for a 32-byte private key the backend refused.
    fn secret_error(error: bulwark::Error) -> CliError {
        CliError::from_api("--secret", error)
    }

    /// Checks the encoding of the peer's public key before the backend parses it.
    fn check_peer(peer: &[u8]) -> CliResult;

    /// The error for a peer key the backend refused.
    fn peer_error(error: bulwark::Error) -> CliError;

    /// The error for an agreement the backend refused.
    fn agree_error(error: bulwark::Error) -> CliError;
}

/// The default backend's private key for `A`.
pub type StaticSecret<A> = <DefaultProvider as KeyAgreement<A>>::StaticSecret;

/// Imports a 32-byte private key from `hex` (wiped).
fn import_secret<A: CliAgreement>(
    provider: &mut DefaultProvider,
    hex: &mut String,
) -> CliResult<StaticSecret<A>>
where
    DefaultProvider: KeyAgreement<A>,
{
    let bytes = take_secret_array::<32>("--secret", hex, A::SECRET_KEYS)?;
    KeyAgreement::<A>::import_static(provider, bytes).map_err(A::secret_error)
}

/// The `pub` form: the encoded public key of the private key in `secret` (wiped).
pub fn public_key<A: CliAgreement>(mut secret: SecretArg) -> CliResult<A::PublicBytes>
where
    DefaultProvider: KeyAgreement<A>,
{
    let mut provider = DefaultProvider::default();
    let secret = import_secret::<A>(&mut provider, &mut secret)?;
    let public = KeyAgreement::<A>::static_public(&mut provider, &secret)
        .map_err(|e| CliError::from_api(A::CMD_PUB, e))?;
    Ok(KeyAgreement::<A>::export_public(&mut provider, &public))
}

/// The agreement form: checks that both options were given, then prints the raw shared
/// secret of `secret` (wiped) and `peer`.
pub fn agree<A: CliAgreement>(secret: Option<SecretArg>, peer: Option<String>) -> CliResult
where
    DefaultProvider: KeyAgreement<A>,
{
    let mut provider = DefaultProvider::default();
    let (mut secret_hex, peer_hex) = agreement_args(A::CMD, secret, peer)?;
    let secret = import_secret::<A>(&mut provider, &mut secret_hex)?;
    let peer = decode_hex("--peer", &peer_hex)?;
    A::check_peer(&peer)?;
    let peer = KeyAgreement::<A>::import_public(&mut provider, &peer).map_err(A::peer_error)?;
    let shared =
        KeyAgreement::<A>::agree_static(&mut provider, &secret, &peer).map_err(A::agree_error)?;
    crate::args::print_hex(expose_shared_secret(&shared))
}
