//! `bulwark psk new|derive`: out-of-band pairing codes and the bulwark-psk v1 key hierarchy.

use crate::args::{
    AFTER_HELP, SecretArg, decode_hex, parse_u32, print_named_hex, print_text, take_secret_hex,
};
use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark::DefaultProvider;
use bulwark::SecretBytes;
use bulwark_psk::hierarchy::{LINK_KEY_LEN, STORAGE_KEY_LEN};
use bulwark_psk::{CodeError, DeviceRoot, OobCode, PskError, parse_code_into};
use clap::Subcommand;
use zeroize::{Zeroize, Zeroizing};

/// Pre-shared keys from out-of-band pairing codes.
#[derive(clap::Args)]
pub struct PskArgs {
    #[command(subcommand)]
    op: PskOp,
}

#[derive(Subcommand)]
enum PskOp {
    /// Generate a fresh pairing code from the operating system's random generator
    ///
    /// Prints a new code carrying a 128-bit secret, XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX, and a
    /// newline. The code IS the device's secret: print it on the label, give it to the
    /// installer, never log it. 'psk derive --code CODE' turns it into the device's keys.
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    New,

    /// Derive a device's identity and keys from a pairing code (or raw secret)
    ///
    /// Prints, in this order:
    ///   identity: HEX      16 bytes, public: the handle a gateway looks the device up by
    ///   link-key: HEX      16 bytes, AES-128 key for AES-CCM on the link
    ///   storage-key: HEX   32 bytes, key for data at rest
    /// following the bulwark-psk v1 specification (HKDF-SHA256; see the bulwark-psk README).
    ///
    /// A mistyped code (a wrong or swapped character) is refused with exit code 2, never turned
    /// into wrong keys. A raw --secret must be at least 16 bytes, not all ASCII digits and not
    /// one repeated byte: PINs and passphrases are refused (use a PAKE for those).
    ///
    /// Example (test-vectors/psk_derivation.txt):
    ///   bulwark psk derive --code 4P3W-SV2H-FX1K-ZC5G-K754-ZWX3-0XZG --device-id 70b3d57ed0001234
    ///   identity: b4aa21a89e590b026c7a846a47737c46
    ///   link-key: 2fe76408f5c4fbde0f04c222b5927f23
    ///   storage-key: 35cc13aa1d5292549d7413a762ac823d9c7ecb984bf894d1d90ab79815d4afa6
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Derive(DeriveOpts),
}

/// Options of `psk derive`.
#[derive(clap::Args)]
struct DeriveOpts {
    #[command(flatten)]
    source: SecretSource,

    /// The device's public identity as HEX (e.g. its EUI-64): 1 to 255 bytes
    #[arg(long, value_name = "HEX")]
    device_id: String,

    /// The key generation N: 0 to 4294967295; changing it changes every key and the identity
    #[arg(long, value_name = "N", value_parser = parse_u32, default_value = "0")]
    epoch: u32,
}

/// Where the secret comes from: exactly one of `--code` and `--secret`.
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct SecretSource {
    /// The pairing code, as printed by 'psk new' (case, dashes and spaces ignored; I and L
    /// read as 1, O as 0)
    #[arg(long, value_name = "CODE")]
    code: Option<SecretArg>,

    /// Instead of a code: the raw secret as HEX, at least 16 random bytes (NFC tag, factory
    /// database)
    #[arg(long, value_name = "HEX")]
    secret: Option<SecretArg>,
}

impl PskArgs {
    /// Runs `psk new` or `psk derive`.
    pub fn run(self) -> CliResult {
        match self.op {
            PskOp::New => new_code(),
            PskOp::Derive(opts) => opts.run(),
        }
    }
}

fn new_code() -> CliResult {
    let code = OobCode::generate(&mut OsRng).map_err(|e| {
        CliError::Usage(format!(
            "psk new: the operating system's random generator failed: {e}"
        ))
    })?;
    let text = code.expose_str();
    let mut line = Zeroizing::new(String::with_capacity(text.len() + 1));
    line.push_str(text);
    line.push('\n');
    print_text(&line)
}

/// A code that did not parse, named `--code`. The library's messages explain each case (a
/// checksum failure says the code was mistyped).
fn code_error(e: CodeError) -> CliError {
    CliError::arg("--code", e)
}

/// The message for a refused derivation, naming the argument at fault.
fn psk_error(secret_arg: &str, e: PskError) -> CliError {
    match e {
        PskError::SecretTooShort { .. } | PskError::SecretIsDigits | PskError::SecretIsConstant => {
            CliError::arg(secret_arg, e)
        }
        PskError::DeviceIdLength { .. } => CliError::arg("--device-id", e),
        PskError::Code(c) => code_error(c),
        PskError::Backend(b) => CliError::from_api("psk derive", b),
        other => CliError::Usage(format!("psk derive: {other}")),
    }
}

impl DeriveOpts {
    fn run(mut self) -> CliResult {
        let mut hkdf = DefaultProvider::default();
        let device_id = decode_hex("--device-id", &self.device_id)?;
        let (root, secret_arg) = if let Some(code) = self.source.code.as_mut() {
            let mut secret = SecretBytes::zeroed();
            let parsed = parse_code_into(code, &mut secret);
            code.zeroize();
            parsed.map_err(code_error)?;
            let root = DeviceRoot::from_code_secret(&mut hkdf, &secret, &device_id, self.epoch);
            (root, "--code")
        } else if let Some(hex) = self.source.secret.as_mut() {
            let secret = take_secret_hex("--secret", hex)?;
            let root = DeviceRoot::derive(&mut hkdf, &secret, &device_id, self.epoch);
            (root, "--secret")
        } else {
            return Err(CliError::Usage(
                "psk derive: one of --code or --secret is required".to_owned(),
            ));
        };
        let root = root.map_err(|e| psk_error(secret_arg, e))?;

        let identity = root
            .identity(&mut hkdf)
            .map_err(|e| psk_error(secret_arg, e))?;
        let mut link = SecretBytes::<LINK_KEY_LEN>::zeroed();
        root.link_key(&mut hkdf, &mut link)
            .map_err(|e| psk_error(secret_arg, e))?;
        let mut storage = SecretBytes::<STORAGE_KEY_LEN>::zeroed();
        root.storage_key(&mut hkdf, &mut storage)
            .map_err(|e| psk_error(secret_arg, e))?;
        print_named_hex(&[
            ("identity", identity.as_bytes()),
            ("link-key", link.expose_secret()),
            ("storage-key", storage.expose_secret()),
        ])
    }
}
