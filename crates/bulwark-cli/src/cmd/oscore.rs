//! `bulwark oscore context`: OSCORE security context derivation (RFC 8613 section 3.2).

use crate::args::{
    AFTER_HELP, SecretArg, decode_hex, decode_optional_hex, print_named_hex, take_secret_hex,
};
use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark_psk::oscore::{
    MAX_ID_CONTEXT_LEN, MAX_ID_LEN, MIN_MASTER_SECRET_LEN, OscoreKeys, OscoreParams, derive_context,
};
use clap::Subcommand;
use zeroize::Zeroizing;

/// OSCORE (RFC 8613) for AES-CCM-16-64-128 and HKDF-SHA256.
#[derive(clap::Args)]
pub struct OscoreArgs {
    #[command(subcommand)]
    op: OscoreOp,
}

#[derive(Subcommand)]
enum OscoreOp {
    /// Derive the Sender Key, Recipient Key and Common IV of a security context
    ///
    /// Derives an OSCORE security context for AES-CCM-16-64-128 (COSE alg 10) with
    /// HKDF-SHA256 (RFC 8613 section 3.2) and prints, in this order:
    ///   sender-key: HEX      16 bytes, protects what this endpoint sends
    ///   recipient-key: HEX   16 bytes, verifies what the peer sends
    ///   common-iv: HEX       13 bytes, XORed into every nonce (not secret)
    ///
    /// IDs are 0 to 7 bytes; an empty ID is an empty argument (--sender-id ''). The two IDs
    /// must differ. Without --id-context the ID Context is absent (CBOR nil); --id-context ''
    /// is an empty byte string, which derives different keys. The Master Secret must be at
    /// least 16 bytes (bulwark's policy; the RFC sets no minimum).
    ///
    /// Example (RFC 8613 Appendix C.1.1, client):
    ///   bulwark oscore context --master-secret 0102030405060708090a0b0c0d0e0f10 \
    ///       --master-salt 9e7ca92223786340 --sender-id '' --recipient-id 01
    ///   sender-key: f0910ed7295e6ad4b54fc793154302ff
    ///   recipient-key: ffb14e093c94c9cac9471648b4f98710
    ///   common-iv: 4622d4dd6d944168eefb54987c
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Context(ContextOpts),
}

/// Options of `oscore context`.
#[derive(clap::Args)]
struct ContextOpts {
    /// The Master Secret as HEX: at least 16 bytes
    #[arg(long, value_name = "HEX")]
    master_secret: SecretArg,

    /// The Master Salt as HEX (default: empty)
    #[arg(long, value_name = "HEX")]
    master_salt: Option<String>,

    /// This endpoint's Sender ID as HEX: 0 to 7 bytes ('' for the empty ID)
    #[arg(long, value_name = "HEX")]
    sender_id: String,

    /// The peer's Sender ID as HEX: 0 to 7 bytes ('' for the empty ID), not equal to --sender-id
    #[arg(long, value_name = "HEX")]
    recipient_id: String,

    /// The ID Context as HEX (default: absent, CBOR nil; '' is an empty byte string)
    #[arg(long, value_name = "HEX")]
    id_context: Option<String>,
}

/// Checks an OSCORE Master Secret's length; `note` ends the message.
pub(super) fn check_master_secret(arg: &str, secret: &[u8], note: &str) -> CliResult {
    if secret.len() < MIN_MASTER_SECRET_LEN {
        return Err(CliError::arg(
            arg,
            format_args!(
                "{} bytes; at least {MIN_MASTER_SECRET_LEN} bytes are required{note}",
                secret.len()
            ),
        ));
    }
    Ok(())
}

/// Checks an OSCORE Sender/Recipient ID's length; `note` ends the message.
pub(super) fn check_id(arg: &str, id: &[u8], note: &str) -> CliResult {
    if id.len() > MAX_ID_LEN {
        return Err(CliError::arg(
            arg,
            format_args!(
                "{} bytes; OSCORE IDs are at most {MAX_ID_LEN} bytes{note}",
                id.len()
            ),
        ));
    }
    Ok(())
}

/// Checks that the Sender and Recipient IDs differ.
pub(super) fn check_distinct_ids(sender_id: &[u8], recipient_id: &[u8]) -> CliResult {
    if sender_id == recipient_id {
        return Err(CliError::Usage(
            "--sender-id, --recipient-id: the two IDs are equal; they must differ".to_owned(),
        ));
    }
    Ok(())
}

/// Decodes `--id-context` (absent: `None`) and checks it is at most `max` bytes (the limits
/// of the key derivation and of the message layer differ).
pub(super) fn decode_id_context(
    hex: Option<&str>,
    max: usize,
) -> CliResult<Option<Zeroizing<Vec<u8>>>> {
    let Some(hex) = hex else {
        return Ok(None);
    };
    let id_context = decode_hex("--id-context", hex)?;
    if id_context.len() > max {
        return Err(CliError::arg(
            "--id-context",
            format_args!("{} bytes; at most {max} bytes", id_context.len()),
        ));
    }
    Ok(Some(id_context))
}

impl OscoreArgs {
    /// Runs `oscore context`.
    pub fn run(self) -> CliResult {
        match self.op {
            OscoreOp::Context(opts) => opts.run(),
        }
    }
}

/// The end of this command's ID length message: the limit is that of its AEAD.
const WITH_AEAD: &str = " with AES-CCM-16-64-128";

impl ContextOpts {
    fn run(mut self) -> CliResult {
        let master_secret = take_secret_hex("--master-secret", &mut self.master_secret)?;
        check_master_secret(
            "--master-secret",
            &master_secret,
            " (bulwark's policy; RFC 8613 sets no minimum)",
        )?;
        let master_salt = decode_optional_hex("--master-salt", self.master_salt.as_deref())?;
        let sender_id = decode_hex("--sender-id", &self.sender_id)?;
        check_id("--sender-id", &sender_id, WITH_AEAD)?;
        let recipient_id = decode_hex("--recipient-id", &self.recipient_id)?;
        check_id("--recipient-id", &recipient_id, WITH_AEAD)?;
        check_distinct_ids(&sender_id, &recipient_id)?;
        let id_context = decode_id_context(self.id_context.as_deref(), MAX_ID_CONTEXT_LEN)?;
        let params = OscoreParams {
            master_secret: &master_secret,
            master_salt: &master_salt,
            sender_id: &sender_id,
            recipient_id: &recipient_id,
            id_context: id_context.as_ref().map(|c| c.as_slice()),
        };
        let mut keys = OscoreKeys::zeroed();
        derive_context(&mut DefaultProvider::default(), &params, &mut keys)
            .map_err(|e| CliError::from_api("oscore context", e))?;
        print_named_hex(&[
            ("sender-key", keys.sender_key.expose_secret()),
            ("recipient-key", keys.recipient_key.expose_secret()),
            ("common-iv", &keys.common_iv),
        ])
    }
}
