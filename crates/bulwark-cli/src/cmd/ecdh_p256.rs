//! `bulwark ecdh-p256 [pub]`: ECDH on NIST P-256 (SP 800-56A): SEC1 public keys and the raw
//! shared x-coordinate.

use super::agreement::{self, CliAgreement, agreement_args_struct, pub_opts_struct};
use crate::args::{AFTER_HELP, print_hex};
use crate::error::{CliError, CliResult};
use bulwark::kex::P256;
use clap::Subcommand;

agreement_args_struct! {
    /// Arguments of `bulwark ecdh-p256`: either the `pub` subcommand, or `--secret` and `--peer`
    /// for an agreement (the help text is on [`super::Command`]).
    EcdhP256Args,
    EcdhP256Op,
    secret: "Our private key as HEX: a 32-byte big-endian scalar in [1, n-1]",
    peer: "The peer's public key as HEX: SEC1 uncompressed (65 bytes, 04||x||y) or compressed\n\
           (33 bytes, 02/03||x)",
}

#[derive(Subcommand)]
enum EcdhP256Op {
    /// Print the SEC1 public key of a private key
    ///
    /// Prints the public key d·G as SEC1 hex: uncompressed 04||x||y (65 bytes), or with
    /// --compressed 02||x or 03||x (33 bytes; 03 when y is odd).
    ///
    /// Example (NIST CAVP ECC CDH, P-256, first record: d -> 04||qx_iut||qy_iut):
    ///   bulwark ecdh-p256 pub \
    ///       --secret 7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534
    ///   04ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b23028af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Pub(PubOpts),
}

pub_opts_struct! {
    secret: "The private key as HEX: a 32-byte big-endian scalar in [1, n-1]",
    /// Print the 33-byte compressed form (02/03||x) instead of 04||x||y
    #[arg(long)]
    compressed: bool,
}

/// The SEC1 compressed form (`02`/`03` by the parity of y, then x) of an uncompressed
/// `04 || x || y` point.
fn compress(uncompressed: &[u8; 65]) -> [u8; 33] {
    let mut out = [0u8; 33];
    out[0] = 0x02 | (uncompressed[64] & 1);
    out[1..].copy_from_slice(&uncompressed[1..33]);
    out
}

impl CliAgreement for P256 {
    const CMD: &'static str = "ecdh-p256";
    const CMD_PUB: &'static str = "ecdh-p256 pub";
    const SECRET_KEYS: &'static str = "P-256 private keys";

    /// Out of range is a usage error.
    fn secret_error(error: bulwark::Error) -> CliError {
        match error {
            bulwark::Error::InvalidInput => CliError::arg(
                "--secret",
                "not a P-256 private key: the big-endian scalar must be in [1, n-1] \
                 (not zero, not at or above the group order n)",
            ),
            other => CliError::from_api("--secret", other),
        }
    }

    /// Checks the SEC1 framing of a peer key (public information, so the reason can be told)
    /// before the point itself is validated. Every failure is a rejected public key (exit 1).
    fn check_peer(peer: &[u8]) -> CliResult {
        let reason = match (peer.len(), peer.first()) {
            (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => return Ok(()),
            (1, Some(0x00)) => "00 is the point at infinity (the identity)".to_owned(),
            (65, Some(p)) => format!("a 65-byte SEC1 key starts with 04, not {p:02x}"),
            (33, Some(p)) => format!("a 33-byte SEC1 key starts with 02 or 03, not {p:02x}"),
            (len, _) => format!(
                "{len} bytes; a SEC1 P-256 public key is 65 bytes (04||x||y) or 33 bytes (02/03||x)"
            ),
        };
        Err(CliError::Rejected(format!(
            "ecdh-p256: --peer: invalid public key: {reason}"
        )))
    }

    fn peer_error(_: bulwark::Error) -> CliError {
        CliError::Rejected(
            "ecdh-p256: --peer: invalid public key: not a point on P-256 \
             (a coordinate is not below p, the point is off the curve, or a \
             compressed x has no matching y)"
                .to_owned(),
        )
    }

    fn agree_error(error: bulwark::Error) -> CliError {
        CliError::from_api("ecdh-p256", error)
    }
}

impl EcdhP256Args {
    /// Runs `ecdh-p256 pub` or the agreement.
    pub fn run(self) -> CliResult {
        match self.op {
            Some(EcdhP256Op::Pub(opts)) => {
                let uncompressed = agreement::public_key::<P256>(opts.secret)?;
                if opts.compressed {
                    print_hex(&compress(&uncompressed))
                } else {
                    print_hex(&uncompressed)
                }
            }
            None => agreement::agree::<P256>(self.secret, self.peer),
        }
    }
}
