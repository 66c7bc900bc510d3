//! `bulwark ble`: the LE Secure Connections toolbox functions and resolvable private addresses
//! (Bluetooth Core Specification Vol 3 Part H 2.2), on bulwark-links.

use crate::args::{
    AFTER_HELP, decode_hex, print_hex, print_named_hex, print_text, take_secret_array,
};
use crate::error::{CliError, CliResult};
use bulwark::hazmat::Ctr;
use bulwark::{DefaultProvider, HazmatProvider, Provider, SecretBytes};
use bulwark_links::ble::{rpa, toolbox};
use clap::Subcommand;

/// The AES engines bulwark-links takes, over the default backend: CMAC and CCM from the
/// provider, the block function as one AES-CTR block over zeros (`E(k, x)`).
pub struct LinkEngines(pub DefaultProvider);

impl bulwark_links::CmacEngines for LinkEngines {
    type Cmac = <DefaultProvider as Provider>::Cmac;
    fn cmac(&mut self, key: &[u8; 16]) -> Result<Self::Cmac, bulwark::Error> {
        self.0.cmac(key)
    }
}

impl bulwark_links::CcmEngines for LinkEngines {
    type Ccm = <DefaultProvider as Provider>::Ccm;
    fn ccm(&mut self, key: &[u8; 16]) -> Result<Self::Ccm, bulwark::Error> {
        self.0.ccm(key)
    }
}

impl bulwark_links::BlockEngines for LinkEngines {
    fn encrypt_block(
        &mut self,
        key: &[u8; 16],
        block: &mut [u8; 16],
    ) -> Result<(), bulwark::Error> {
        let counter = *block;
        block.fill(0);
        let result = self
            .0
            .ctr(key)
            .and_then(|mut ctr| ctr.apply_keystream(&counter, block));
        if result.is_err() {
            block.fill(0);
        }
        result
    }
}

fn engines() -> LinkEngines {
    LinkEngines(DefaultProvider::default())
}

/// `bulwark ble`.
#[derive(clap::Args)]
pub struct BleArgs {
    #[command(subcommand)]
    op: BleOp,
}

#[derive(Subcommand)]
enum BleOp {
    /// f4, the confirm value: AES-CMAC_X(U || V || Z)
    ///
    /// U and V are 32 bytes (public-key x-coordinates), X 16 bytes, Z 1 byte. Values are hex,
    /// most significant octet first, as in the specification's sample data. Prints the 16-byte
    /// confirm value.
    ///
    /// Example (Core Specification Vol 3 Part H Appendix D):
    ///   bulwark ble f4 --u 20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6 \
    ///       --v 55188b3d32f6bb9a900afcfbeed4e72a59cb9ac2f19d7cfb6b4fdd49f47fc5fd \
    ///       --x d5cb8454d177733effffb2ec712baeab --z 00
    ///   f2c916f107a9bd1cf1eda1bea974872d
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    F4 {
        #[command(flatten)]
        uvx: Uvx,
        /// Z, 1 byte
        #[arg(long, value_name = "HEX")]
        z: String,
    },
    /// f5, the key generation function: prints 'mackey: HEX' and 'ltk: HEX'
    ///
    /// W is the 32-byte DHKey, N1 and N2 16 bytes, A1 and A2 7 bytes (address type octet, then
    /// the 6-byte address).
    ///
    /// Example (Appendix D):
    ///   bulwark ble f5 --w ec0234a357c8ad05341010a60a397d9b99796b13b4f866f1868d34f373bfa698 \
    ///       --n1 d5cb8454d177733effffb2ec712baeab --n2 a6e8e7cc25a75f6e216583f7ff3dc4cf \
    ///       --a1 0056123737bfce --a2 00a713702dcfc1
    ///   mackey: 2965f176a1084a02fd3f6a20ce636e20
    ///   ltk: 6986791169d7cd23980522b594750a38
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    F5 {
        /// W (the DHKey), 32 bytes
        #[arg(long, value_name = "HEX")]
        w: String,
        #[command(flatten)]
        nonces: Nonces,
        #[command(flatten)]
        addresses: Addresses,
    },
    /// f6, the DHKey check value: AES-CMAC_W(N1 || N2 || R || IOcap || A1 || A2)
    ///
    /// W (the MacKey), N1, N2 and R are 16 bytes, IOcap 3 bytes, A1 and A2 7 bytes. Prints the
    /// 16-byte check value.
    ///
    /// Example (Appendix D):
    ///   bulwark ble f6 --w 2965f176a1084a02fd3f6a20ce636e20 \
    ///       --n1 d5cb8454d177733effffb2ec712baeab --n2 a6e8e7cc25a75f6e216583f7ff3dc4cf \
    ///       --r 12a3343bb453bb5408da42d20c2d0fc8 --iocap 010102 \
    ///       --a1 0056123737bfce --a2 00a713702dcfc1
    ///   e3c473989cd0e8c5d26c0b09da958f61
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    F6 {
        /// W (the MacKey), 16 bytes
        #[arg(long, value_name = "HEX")]
        w: String,
        #[command(flatten)]
        nonces: Nonces,
        /// R, 16 bytes
        #[arg(long, value_name = "HEX")]
        r: String,
        /// IOcap (AuthReq, OOB flag, IO capability), 3 bytes
        #[arg(long, value_name = "HEX")]
        iocap: String,
        #[command(flatten)]
        addresses: Addresses,
    },
    /// g2, the numeric comparison value: prints the 6-digit number (zero-padded decimal)
    ///
    /// U and V are 32 bytes, X and Y 16 bytes. Prints g2 mod 1000000, the number both devices
    /// display.
    ///
    /// Example (Appendix D: g2 = 0x2f9ed5ba):
    ///   bulwark ble g2 --u 20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6 \
    ///       --v 55188b3d32f6bb9a900afcfbeed4e72a59cb9ac2f19d7cfb6b4fdd49f47fc5fd \
    ///       --x d5cb8454d177733effffb2ec712baeab --y a6e8e7cc25a75f6e216583f7ff3dc4cf
    ///   938554
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    G2 {
        #[command(flatten)]
        uvx: Uvx,
        /// Y, 16 bytes
        #[arg(long, value_name = "HEX")]
        y: String,
    },
    /// h6, the link key conversion function: AES-CMAC_W(keyID)
    ///
    /// W is 16 bytes, the key ID 4 bytes. Prints the 16-byte key.
    ///
    /// Example (Appendix D, keyID "lebr"):
    ///   bulwark ble h6 --w ec0234a357c8ad05341010a60a397d9b --key-id 6c656272
    ///   2d9ae102e76dc91ce8d3a9e280b16399
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    H6 {
        /// W, 16 bytes
        #[arg(long, value_name = "HEX")]
        w: String,
        /// The key ID, 4 bytes
        #[arg(long = "key-id", value_name = "HEX")]
        key_id: String,
    },
    /// h7, the link key conversion function with a salt: AES-CMAC_SALT(W)
    ///
    /// SALT and W are 16 bytes. Prints the 16-byte key.
    ///
    /// Example (Appendix D, SALT "tmp1"):
    ///   bulwark ble h7 --salt 000000000000000000000000746d7031 --w ec0234a357c8ad05341010a60a397d9b
    ///   fb173597c6a3c0ecd2998c2a75a57011
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    H7 {
        /// SALT, 16 bytes
        #[arg(long, value_name = "HEX")]
        salt: String,
        /// W, 16 bytes
        #[arg(long, value_name = "HEX")]
        w: String,
    },
    /// ah, the random address hash: e(IRK, 0^104 || prand) mod 2^24
    ///
    /// The IRK is 16 bytes, prand 3 bytes. Prints the 3-byte hash.
    ///
    /// Example (Appendix D):
    ///   bulwark ble ah --irk ec0234a357c8ad05341010a60a397d9b --prand 708194
    ///   0dfbaa
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Ah {
        /// The identity resolving key, 16 bytes
        #[arg(long, value_name = "HEX")]
        irk: String,
        /// prand, 3 bytes
        #[arg(long, value_name = "HEX")]
        prand: String,
    },
    /// Does a resolvable private address resolve under an IRK? Prints 'ok' and exits 0 if it
    /// does, exits 1 if not
    ///
    /// The IRK is 16 bytes, the address 6 bytes (prand then hash, most significant octet
    /// first). An address that is not a resolvable private address (top bits not 01, or an
    /// all-zero or all-one random part) does not resolve.
    ///
    /// Example (Appendix D):
    ///   bulwark ble rpa-resolve --irk ec0234a357c8ad05341010a60a397d9b --address 7081940dfbaa
    ///   ok
    #[command(name = "rpa-resolve", verbatim_doc_comment, after_help = AFTER_HELP)]
    RpaResolve {
        /// The identity resolving key, 16 bytes
        #[arg(long, value_name = "HEX")]
        irk: String,
        /// The 6-byte address
        #[arg(long, value_name = "HEX")]
        address: String,
    },
}

/// U and V (32-byte public-key x-coordinates) and X (16 bytes), the inputs f4 and g2 share.
#[derive(clap::Args)]
struct Uvx {
    /// U, 32 bytes
    #[arg(long, value_name = "HEX")]
    u: String,
    /// V, 32 bytes
    #[arg(long, value_name = "HEX")]
    v: String,
    /// X, 16 bytes
    #[arg(long, value_name = "HEX")]
    x: String,
}

impl Uvx {
    fn decode(&self) -> CliResult<([u8; 32], [u8; 32], [u8; 16])> {
        let (u, v) = (fixed::<32>("--u", &self.u)?, fixed::<32>("--v", &self.v)?);
        Ok((u, v, fixed::<16>("--x", &self.x)?))
    }
}

/// The nonces N1 and N2 of f5 and f6.
#[derive(clap::Args)]
struct Nonces {
    /// N1, 16 bytes
    #[arg(long, value_name = "HEX")]
    n1: String,
    /// N2, 16 bytes
    #[arg(long, value_name = "HEX")]
    n2: String,
}

impl Nonces {
    fn decode(&self) -> CliResult<([u8; 16], [u8; 16])> {
        Ok((fixed("--n1", &self.n1)?, fixed("--n2", &self.n2)?))
    }
}

/// The device addresses A1 and A2 of f5 and f6 (address type octet, then the 6-byte address).
#[derive(clap::Args)]
struct Addresses {
    /// A1, 7 bytes
    #[arg(long, value_name = "HEX")]
    a1: String,
    /// A2, 7 bytes
    #[arg(long, value_name = "HEX")]
    a2: String,
}

impl Addresses {
    fn decode(&self) -> CliResult<([u8; 7], [u8; 7])> {
        Ok((fixed("--a1", &self.a1)?, fixed("--a2", &self.a2)?))
    }
}

/// Decodes a public hex argument of exactly `N` bytes.
pub fn fixed<const N: usize>(arg: &str, hex: &str) -> CliResult<[u8; N]> {
    let bytes = decode_hex(arg, hex)?;
    <[u8; N]>::try_from(&bytes[..])
        .map_err(|_| CliError::arg(arg, format_args!("{} bytes; it is {N} bytes", bytes.len())))
}

fn secret<const N: usize>(arg: &str, hex: &mut String) -> CliResult<SecretBytes<N>> {
    take_secret_array::<N>(arg, hex, &format!("{} values", arg.trim_start_matches('-')))
}

fn api(what: &str) -> impl Fn(bulwark::Error) -> CliError + '_ {
    move |e| CliError::from_api(what, e)
}

impl BleArgs {
    /// Runs the subcommand.
    pub fn run(self) -> CliResult {
        let mut e = engines();
        match self.op {
            BleOp::F4 { uvx, z } => {
                let (u, v, x) = uvx.decode()?;
                let z = fixed::<1>("--z", &z)?;
                print_hex(&toolbox::f4(&mut e, &u, &v, &x, z[0]).map_err(api("f4"))?)
            }
            BleOp::F5 {
                mut w,
                nonces,
                addresses,
            } => {
                let w = secret::<32>("--w", &mut w)?;
                let (n1, n2) = nonces.decode()?;
                let (a1, a2) = addresses.decode()?;
                let keys = toolbox::f5(&mut e, &w, &n1, &n2, &a1, &a2).map_err(api("f5"))?;
                print_named_hex(&[
                    ("mackey", keys.mac_key.expose_secret()),
                    ("ltk", keys.ltk.expose_secret()),
                ])
            }
            BleOp::F6 {
                mut w,
                nonces,
                r,
                iocap,
                addresses,
            } => {
                let w = secret::<16>("--w", &mut w)?;
                let (n1, n2) = nonces.decode()?;
                let (r, iocap) = (fixed::<16>("--r", &r)?, fixed::<3>("--iocap", &iocap)?);
                let (a1, a2) = addresses.decode()?;
                print_hex(
                    &toolbox::f6(&mut e, &w, &n1, &n2, &r, &iocap, &a1, &a2).map_err(api("f6"))?,
                )
            }
            BleOp::G2 { uvx, y } => {
                let (u, v, x) = uvx.decode()?;
                let y = fixed::<16>("--y", &y)?;
                let value = toolbox::g2(&mut e, &u, &v, &x, &y).map_err(api("g2"))?;
                print_text(&format!(
                    "{:06}\n",
                    toolbox::numeric_comparison_value(value)
                ))
            }
            BleOp::H6 { mut w, key_id } => {
                let w = secret::<16>("--w", &mut w)?;
                let key_id = fixed::<4>("--key-id", &key_id)?;
                let out = toolbox::h6(&mut e, &w, &key_id).map_err(api("h6"))?;
                print_hex(out.expose_secret())
            }
            BleOp::H7 { salt, mut w } => {
                let salt = fixed::<16>("--salt", &salt)?;
                let w = secret::<16>("--w", &mut w)?;
                let out = toolbox::h7(&mut e, &salt, &w).map_err(api("h7"))?;
                print_hex(out.expose_secret())
            }
            BleOp::Ah { mut irk, prand } => {
                let irk = secret::<16>("--irk", &mut irk)?;
                let prand = fixed::<3>("--prand", &prand)?;
                print_hex(&toolbox::ah(&mut e, &irk, &prand).map_err(api("ah"))?)
            }
            BleOp::RpaResolve { mut irk, address } => {
                let irk = secret::<16>("--irk", &mut irk)?;
                let address = fixed::<6>("--address", &address)?;
                if rpa::resolve(&mut e, &irk, &address).map_err(api("rpa-resolve"))? {
                    print_text("ok\n")
                } else {
                    Err(CliError::Rejected(
                        "rpa-resolve: the address does not resolve under this IRK".to_owned(),
                    ))
                }
            }
        }
    }
}
