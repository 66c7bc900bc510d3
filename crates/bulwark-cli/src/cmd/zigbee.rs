//! `bulwark zigbee`: install codes to link keys (AES-MMO), on bulwark-links.

use crate::args::{AFTER_HELP, SecretArg, print_hex, take_secret_hex};
use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark_links::zigbee::install_code::{self, InstallCodeError};
use clap::Subcommand;

/// `bulwark zigbee`.
#[derive(clap::Args)]
pub struct ZigbeeArgs {
    #[command(subcommand)]
    op: ZigbeeOp,
}

#[derive(Subcommand)]
enum ZigbeeOp {
    /// The preconfigured link key of an install code: the AES-MMO hash of the code and its CRC
    ///
    /// --install-code is the code as printed on the device: 6, 8, 12 or 16 bytes followed by
    /// its 2-byte CRC-16 (least significant octet first), so 8, 10, 14 or 18 bytes. Prints the
    /// 16-byte link key. A wrong CRC or length is refused (exit 2): the code was mistyped.
    ///
    /// Example (the Zigbee specification's install-code example):
    ///   bulwark zigbee link-key --install-code 83fed3407a939723a5c639b26916d505c3b5
    ///   66b6900981e1ee3ca4206b6b861c02bb
    #[command(name = "link-key", verbatim_doc_comment, after_help = AFTER_HELP)]
    LinkKey {
        /// The install code with its CRC, as HEX (8, 10, 14 or 18 bytes)
        #[arg(long = "install-code", value_name = "HEX")]
        install_code: SecretArg,
    },
}

impl ZigbeeArgs {
    /// Runs the subcommand.
    pub fn run(self) -> CliResult {
        match self.op {
            ZigbeeOp::LinkKey { mut install_code } => {
                let code = take_secret_hex("--install-code", &mut install_code)?;
                let mut e = super::ble::LinkEngines(DefaultProvider::default());
                let key = install_code::link_key(&mut e, &code).map_err(|err| match err {
                    InstallCodeError::Engine(api) => CliError::from_api("zigbee link-key", api),
                    other => CliError::arg("--install-code", other),
                })?;
                print_hex(key.expose_secret())
            }
        }
    }
}
