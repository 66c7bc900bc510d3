//! `bulwark verify ed25519|ecdsa-p256`: check one signature.

use crate::args::{AFTER_HELP, decode_hex, print_text};
use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark::sig::{EcdsaP256, EcdsaP256Signature, Ed25519, Ed25519Signature, Verify};
use clap::Subcommand;

/// Signature verification.
#[derive(clap::Args)]
pub struct VerifyArgs {
    #[command(subcommand)]
    op: VerifyOp,
}

#[derive(Subcommand)]
enum VerifyOp {
    /// Verify an Ed25519 signature (RFC 8032, strict)
    ///
    /// --key is the 32-byte public key, --sig the 64-byte signature. Prints 'ok' and exits 0
    /// if the signature verifies; exits 1 if it does not, or if the key is not a valid
    /// Ed25519 public key (wrong length, not a canonical point, small order).
    ///
    /// Example (RFC 8032 section 7.1, TEST 1):
    ///   bulwark verify ed25519 \
    ///       --key d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a --msg '' \
    ///       --sig e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b
    ///   ok
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Ed25519(SigOpts),

    /// Verify an ECDSA P-256 / SHA-256 signature (FIPS 186-5)
    ///
    /// --key is a SEC1 public key, uncompressed (65 bytes, 04||x||y) or compressed (33
    /// bytes, 02/03||x). --sig is 64 bytes raw r||s (IEEE P1363), or any other length as
    /// strict ASN.1 DER. The message is hashed with SHA-256. Prints 'ok' and exits 0 if the
    /// signature verifies; exits 1 if it does not, or if the key is not a valid P-256 point.
    #[command(name = "ecdsa-p256", verbatim_doc_comment, after_help = AFTER_HELP)]
    EcdsaP256(SigOpts),
}

/// The three inputs.
#[derive(clap::Args)]
struct SigOpts {
    /// The public key as HEX
    #[arg(long, value_name = "HEX")]
    key: String,

    /// The signature as HEX
    #[arg(long, value_name = "HEX")]
    sig: String,

    /// The signed message as HEX ('' for an empty message)
    #[arg(long, value_name = "HEX")]
    msg: String,
}

impl VerifyArgs {
    /// Runs the verification.
    pub fn run(self) -> CliResult {
        let mut provider = DefaultProvider::default();
        let (name, opts) = match &self.op {
            VerifyOp::Ed25519(o) => ("ed25519", o),
            VerifyOp::EcdsaP256(o) => ("ecdsa-p256", o),
        };
        let key = decode_hex("--key", &opts.key)?;
        let sig = decode_hex("--sig", &opts.sig)?;
        let msg = decode_hex("--msg", &opts.msg)?;
        let bad_key = |reason: &str| {
            CliError::Rejected(format!(
                "verify {name}: --key: invalid public key: {reason}"
            ))
        };
        let result = match self.op {
            VerifyOp::Ed25519(_) => {
                if key.len() != 32 {
                    return Err(bad_key(&format!(
                        "{} bytes; Ed25519 public keys are 32 bytes",
                        key.len()
                    )));
                }
                let public =
                    Verify::<Ed25519>::import_public(&mut provider, &key).map_err(|_| {
                        bad_key("not a canonical encoding of a point, or a point of small order")
                    })?;
                // A signature of any length but 64 is simply an invalid one.
                Ed25519Signature::from_slice(&sig)
                    .map_err(|_| bulwark::Error::Verification)
                    .and_then(|sig| Verify::<Ed25519>::verify(&mut provider, &public, &msg, &sig))
            }
            VerifyOp::EcdsaP256(_) => {
                match (key.len(), key.first()) {
                    (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => {}
                    (len @ (33 | 65), Some(p)) => {
                        return Err(bad_key(&format!(
                            "a {len}-byte SEC1 key cannot start with {p:02x}"
                        )));
                    }
                    (len, _) => {
                        return Err(bad_key(&format!(
                            "{len} bytes; a SEC1 P-256 public key is 65 bytes (04||x||y) or 33 \
                             bytes (02/03||x)"
                        )));
                    }
                }
                let public =
                    Verify::<EcdsaP256>::import_public(&mut provider, &key).map_err(|_| {
                        bad_key(
                            "not a point on P-256 (a coordinate is not below p, the point is off \
                         the curve, or a compressed x has no matching y)",
                        )
                    })?;
                // The documented contract: 64 bytes are r || s (IEEE P1363), any other length
                // is strict DER; an encoding that does not decode is an invalid signature.
                let sig = if sig.len() == EcdsaP256Signature::FIXED_LEN {
                    EcdsaP256Signature::from_fixed_slice(&sig)
                } else {
                    EcdsaP256Signature::from_der(&sig)
                };
                sig.map_err(|_| bulwark::Error::Verification)
                    .and_then(|sig| Verify::<EcdsaP256>::verify(&mut provider, &public, &msg, &sig))
            }
        };
        match result {
            Ok(()) => print_text("ok\n"),
            Err(bulwark::Error::Verification) => Err(CliError::Rejected(format!(
                "verify {name}: invalid signature"
            ))),
            Err(e) => Err(CliError::from_api(&format!("verify {name}"), e)),
        }
    }
}
