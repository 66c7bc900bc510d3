//! `bulwark vault init|put|get|delete|list`: sealed key-value stores in image files (a flash
//! region with a geometry header), for factory provisioning and gateways.
//!
//! Image file: a 64-byte header, then the region (`pages` x `page_size` bytes, as it would sit
//! in flash):
//!
//! ```text
//! 0..8 "BWVAULT1" | 8..12 page size | 12..16 pages | 16..20 write size (u32 little-endian)
//! 20..36 store id (random at init) | 36..64 zero
//! ```

use crate::args::{
    AFTER_HELP, OutputArgs, SecretArg, print_text, push_hex, read_file, take_secret_hex, write_file,
};
use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark::{DefaultProvider, Error, Provider, Rng};
use bulwark_vault::image::{IMAGE_HEADER_LEN, ImageHeader, RamFlash};
use bulwark_vault::{Config, Geometry, MAX_NAME, NoCounter, RollbackPolicy, Vault};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The longest value the CLI stores.
const MAX_VALUE: usize = 1024;
/// The largest region an image may hold (64 MiB).
const MAX_REGION: u64 = 64 << 20;

/// Sealed key-value stores in image files.
#[derive(clap::Args)]
pub struct VaultArgs {
    #[command(subcommand)]
    op: VaultOp,
}

#[derive(Subcommand)]
enum VaultOp {
    /// Create an empty vault image (a new random store id)
    ///
    /// Writes FILE: a 64-byte header and PAGES pages of PAGE-SIZE bytes, erased, with the
    /// store's first page opened under KEY. An existing FILE is replaced (atomically).
    /// PAGES is 2 to 32; PAGE-SIZE a multiple of WRITE-SIZE large enough for a 1024-byte value
    /// (at least 1248 bytes with the default write size 4); WRITE-SIZE a power of two, 1 to 64.
    ///
    /// Example:
    ///   bulwark vault init --image keys.vault --pages 4 --page-size 4096 --key 000102030405060708090a0b0c0d0e0f
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Init(InitOpts),

    /// Store a value under a name (replacing any earlier value)
    ///
    /// NAME is 1 to 32 bytes; the value at most 1024 bytes (--value HEX or the raw bytes of
    /// --value-file FILE). The image is rewritten atomically (temporary file, renamed).
    /// A full store, a name or value too long: exit 2. An image that does not authenticate
    /// under KEY (wrong key, changed bytes, a replayed record): exit 1, image unchanged.
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Put(PutOpts),

    /// Print the value of a name as hex (or write it raw to --out FILE)
    ///
    /// Exit 1, with nothing on stdout, when the name has no valid value: never stored,
    /// deleted, or the store does not authenticate under KEY (a wrong key, a changed byte).
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Get(GetOpts),

    /// Delete a name
    ///
    /// The image is rewritten atomically. Exit 1 (image unchanged) when the name has no value
    /// or the store does not authenticate under KEY.
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Delete(NameOpts),

    /// Print the names that have a value, one per line, in no particular order
    ///
    /// Exit 1, with nothing on stdout, when the store does not authenticate under KEY.
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    List(ImageKey),
}

/// `--image FILE --key KEY`, shared by every operation.
#[derive(clap::Args)]
struct ImageKey {
    /// The vault image file
    #[arg(long, value_name = "FILE")]
    image: PathBuf,

    /// The storage key as HEX: 16 or 32 bytes (AES-128 or AES-256)
    #[arg(long, value_name = "KEY")]
    key: SecretArg,
}

#[derive(clap::Args)]
struct InitOpts {
    #[command(flatten)]
    target: ImageKey,

    /// Number of pages (2 to 32)
    #[arg(long, value_name = "N", value_parser = crate::args::parse_u32)]
    pages: u32,

    /// Page (erase unit) size in bytes
    #[arg(long, value_name = "BYTES", value_parser = crate::args::parse_u32)]
    page_size: u32,

    /// Program unit in bytes (a power of two, 1 to 64)
    #[arg(long, value_name = "BYTES", default_value = "4", value_parser = crate::args::parse_u32)]
    write_size: u32,
}

#[derive(clap::Args)]
struct NameOpts {
    #[command(flatten)]
    target: ImageKey,

    /// The record's name (1 to 32 bytes)
    #[arg(long, value_name = "NAME")]
    name: String,
}

#[derive(clap::Args)]
#[group(id = "value_source", required = true, multiple = false, args = ["value", "value_file"])]
struct PutOpts {
    #[command(flatten)]
    name: NameOpts,

    /// The value as HEX ('' for an empty value)
    #[arg(long, value_name = "HEX")]
    value: Option<String>,

    /// Read the raw value from FILE ('-' for standard input)
    #[arg(long, value_name = "FILE")]
    value_file: Option<PathBuf>,
}

#[derive(clap::Args)]
struct GetOpts {
    #[command(flatten)]
    name: NameOpts,

    #[command(flatten)]
    output: OutputArgs,
}

impl VaultArgs {
    /// Runs `vault`.
    pub fn run(self) -> CliResult {
        match self.op {
            VaultOp::Init(o) => o.run(),
            VaultOp::Put(o) => o.run(),
            VaultOp::Get(o) => o.run(),
            VaultOp::Delete(o) => o.delete(),
            VaultOp::List(o) => o.list(),
        }
    }
}

/// The image's region in memory, as NOR flash.
type FileFlash = RamFlash<Vec<u8>>;

type Ccm = <DefaultProvider as Provider>::Ccm;
type CliVault = Vault<FileFlash, Ccm, NoCounter, MAX_VALUE>;

/// The storage key: 16 or 32 bytes (the argument string is wiped).
fn storage_key(key: &mut String) -> CliResult<Ccm> {
    let bytes = take_secret_hex("--key", key)?;
    if !matches!(bytes.len(), 16 | 32) {
        return Err(CliError::arg(
            "--key",
            format_args!("{} bytes; storage keys are 16 or 32 bytes", bytes.len()),
        ));
    }
    DefaultProvider::default()
        .ccm(&bytes)
        .map_err(|e| CliError::from_api("--key", e))
}

fn config(geometry: Geometry, id: [u8; 16]) -> Config {
    Config {
        id,
        geometry,
        policy: RollbackPolicy::None,
    }
}

fn not_a_vault(path: &Path, why: &str) -> CliError {
    CliError::arg(
        "--image",
        format_args!("{}: not a vault image ({why})", path.display()),
    )
}

/// Reads an image: its geometry, store id and region.
fn load(path: &Path) -> CliResult<(Geometry, [u8; 16], FileFlash)> {
    let data = read_file("--image", path)?;
    let (header, region) =
        ImageHeader::decode(&data).map_err(|e| not_a_vault(path, &e.to_string()))?;
    if region.len() as u64 > MAX_REGION {
        return Err(not_a_vault(path, "bad geometry"));
    }
    Ok((header.geometry, header.id, RamFlash(region.to_vec())))
}

/// Writes an image atomically.
fn store(path: &Path, geometry: &Geometry, id: &[u8; 16], flash: &FileFlash) -> CliResult {
    let header = ImageHeader {
        geometry: *geometry,
        id: *id,
    };
    let mut out = Vec::with_capacity(IMAGE_HEADER_LEN + flash.0.len());
    out.extend_from_slice(&header.encode());
    out.extend_from_slice(&flash.0);
    write_file("--image", path, &out)
}

/// Maps a vault error: authentication failures are exit 1, the rest exit 2.
fn vault_error(path: &Path, e: Error) -> CliError {
    match e {
        Error::Verification => CliError::Rejected(format!(
            "{}: the vault does not authenticate under this key (wrong key or changed image)",
            path.display()
        )),
        Error::InvalidInput => CliError::Usage(format!(
            "{}: the vault is full or its geometry is invalid",
            path.display()
        )),
        other => CliError::Usage(format!("{}: {other}", path.display())),
    }
}

fn mount(target: &mut ImageKey) -> CliResult<(Geometry, [u8; 16], CliVault)> {
    let ccm = storage_key(&mut target.key)?;
    let (geometry, id, flash) = load(&target.image)?;
    let vault =
        Vault::mount(flash, ccm, NoCounter, &config(geometry, id)).map_err(|e| match e {
            Error::InvalidInput => not_a_vault(&target.image, "bad geometry"),
            e => vault_error(&target.image, e),
        })?;
    Ok((geometry, id, vault))
}

fn check_name(name: &str) -> CliResult<&[u8]> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME {
        return Err(CliError::arg(
            "--name",
            format_args!("{} bytes; names are 1 to {MAX_NAME} bytes", bytes.len()),
        ));
    }
    Ok(bytes)
}

impl InitOpts {
    fn run(mut self) -> CliResult {
        let ccm = storage_key(&mut self.target.key)?;
        let geometry = Geometry {
            offset: 0,
            page_size: self.page_size,
            pages: self.pages,
            write_size: self.write_size,
        };
        let region = u64::from(self.page_size) * u64::from(self.pages);
        if region > MAX_REGION {
            return Err(CliError::Usage(format!(
                "--pages x --page-size: {region} bytes; images hold at most {MAX_REGION} bytes"
            )));
        }
        let mut id = [0u8; 16];
        OsRng
            .fill_bytes(&mut id)
            .map_err(|e| CliError::from_api("random store id", e))?;
        let flash = RamFlash(vec![0xff; region as usize]);
        let vault: CliVault =
            Vault::format(flash, ccm, NoCounter, &config(geometry, id)).map_err(|e| match e {
                Error::InvalidInput => CliError::Usage(format!(
                    "invalid geometry: --pages 2 to 32, --write-size a power of two up to 64, \
                     --page-size a multiple of it holding a {MAX_VALUE}-byte value"
                )),
                e => vault_error(&self.target.image, e),
            })?;
        let (flash, _, _) = vault.release();
        store(&self.target.image, &geometry, &id, &flash)
    }
}

impl PutOpts {
    fn run(mut self) -> CliResult {
        let name = check_name(&self.name.name)?.to_vec();
        let value = match (self.value.as_mut(), self.value_file.as_deref()) {
            (Some(hex), _) => take_secret_hex("--value", hex)?,
            (None, Some(path)) => read_file("--value-file", path)?,
            (None, None) => {
                return Err(CliError::Usage(
                    "one of --value or --value-file is required".to_owned(),
                ));
            }
        };
        if value.len() > MAX_VALUE {
            return Err(CliError::Usage(format!(
                "value: {} bytes; values are at most {MAX_VALUE} bytes",
                value.len()
            )));
        }
        let (geometry, id, mut vault) = mount(&mut self.name.target)?;
        let path = self.name.target.image;
        vault
            .put(&name, &value)
            .map_err(|e| vault_error(&path, e))?;
        let (flash, _, _) = vault.release();
        store(&path, &geometry, &id, &flash)
    }
}

impl GetOpts {
    fn run(mut self) -> CliResult {
        let name = check_name(&self.name.name)?.to_vec();
        let (_, _, mut vault) = mount(&mut self.name.target)?;
        let path = &self.name.target.image;
        let mut buf = Zeroizing::new([0u8; MAX_VALUE]);
        match vault.get(&name, buf.as_mut()) {
            Ok(Some(len)) => self.output.emit(&buf[..len]),
            Ok(None) => Err(CliError::Rejected(format!(
                "--name: {}: no value",
                self.name.name
            ))),
            Err(e) => Err(vault_error(path, e)),
        }
    }
}

impl NameOpts {
    fn delete(mut self) -> CliResult {
        let name = check_name(&self.name)?.to_vec();
        let (geometry, id, mut vault) = mount(&mut self.target)?;
        let path = self.target.image;
        let had = vault.delete(&name).map_err(|e| vault_error(&path, e))?;
        if !had {
            return Err(CliError::Rejected(format!(
                "--name: {}: no value",
                self.name
            )));
        }
        let (flash, _, _) = vault.release();
        store(&path, &geometry, &id, &flash)
    }
}

impl ImageKey {
    fn list(mut self) -> CliResult {
        let (_, _, mut vault) = mount(&mut self)?;
        let mut text = String::new();
        vault
            .for_each_name(|name| match std::str::from_utf8(name) {
                Ok(s) => {
                    text.push_str(s);
                    text.push('\n');
                }
                Err(_) => {
                    // Names written by a device may be binary: print those as hex.
                    let mut hex = String::new();
                    push_hex(&mut hex, name);
                    text.push_str(&hex);
                    text.push('\n');
                }
            })
            .map_err(|e| vault_error(&self.image, e))?;
        print_text(&text)
    }
}
