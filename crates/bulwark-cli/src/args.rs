//! Parsing and I/O shared by every subcommand: hex and number arguments, fixed-length secrets,
//! message input (`--msg HEX` / `--in FILE`), output (hex or `NAME: HEX` lines on stdout, or raw
//! bytes to `--out FILE`) and AES keys.

use crate::error::{CliError, CliResult};
use bulwark::DefaultProvider;
use bulwark::SecretBytes;
use clap::Args;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use zeroize::{Zeroize, Zeroizing};

/// Text appended to every `--help`: argument formats and exit codes.
pub const AFTER_HELP: &str = "\
Formats:
  HEX   hex digits, case-insensitive, no prefix or separators; '' (empty) is zero bytes
  N     a decimal number, or hex with a 0x prefix (8 = 0x8)
  FILE  a path; '-' is standard input (--in) or raw standard output (--out)
  CODE  a pairing code, XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX (case, dashes and spaces ignored)
  @PATH every secret argument (--key, --secret, --code, --master-secret, --ikm) also takes
        @PATH: the value is read from the file PATH, in the same format, surrounding
        whitespace ignored; @- reads it from standard input. This keeps secrets out of the
        process list and shell history. A missing or unreadable file is exit code 2.

Output: lowercase hex and a newline on stdout ('NAME: HEX' lines where a command prints several
values), or with --out FILE (where offered) the raw bytes are written to FILE (via a temporary
file in the same directory, renamed on success; mode 0600 on Unix, also when it replaces a
file) and nothing is printed.

Exit codes:
  0  success
  1  the cryptography rejected the input (authentication failed; invalid or non-contributory
     public key; invalid signature; an image that 'image verify' refuses); 'error: ...' on
     stderr, nothing on stdout, and no --out file written
  2  usage, format or I/O error (bad hex, odd hex length, unsupported key/nonce/tag/output
     length, private key out of range, mistyped pairing code, missing or conflicting arguments,
     unknown subcommand, unreadable --in, unwritable --out, unreadable @PATH, unreadable or
     invalid key file,
     an existing keygen --out file, an image that cannot be built)";

/// The longest secret file `@PATH` reads (a secret argument is at most a few hundred bytes).
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// Which argument has read standard input, if one has: it can be read only once.
static STDIN_READER: Mutex<Option<String>> = Mutex::new(None);

/// Records that `arg` reads standard input; a usage error if another argument already did
/// (`--key @-` with `--in -`).
pub fn claim_stdin(arg: &str) -> CliResult {
    try_claim_stdin(arg).map_err(|e| CliError::arg(arg, e))
}

fn try_claim_stdin(arg: &str) -> Result<(), String> {
    let mut reader = STDIN_READER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match reader.as_deref() {
        Some(other) => Err(format!("standard input is already read by {other}")),
        None => {
            *reader = Some(arg.to_owned());
            Ok(())
        }
    }
}

/// The text of a secret argument (`--key`, `--secret`, `--code`, `--master-secret`, `--ikm`,
/// ...): given inline, or read from a file with `@PATH` or from standard input with `@-`
/// (surrounding whitespace ignored). Declare a secret argument with this type and clap reads
/// the file while parsing (an unreadable file is exit 2, naming the argument):
///
/// ```ignore
/// #[arg(long, value_name = "HEX")]
/// key: SecretArg,
/// ```
///
/// It dereferences to the text (`&mut String`), so it goes straight to [`take_secret_hex`],
/// [`take_secret_array`] or [`aes_key`], which wipe it. The text lives in a zeroizing buffer;
/// the value is never printed (no `Debug`).
#[derive(Clone)]
pub struct SecretArg(Zeroizing<String>);

impl SecretArg {
    /// Resolves a secret argument's raw value: `@PATH` reads the file, `@-` standard input,
    /// anything else is the value itself. `arg` names the argument in errors, which never echo
    /// a secret (only the path).
    pub fn resolve(arg: &str, value: &str) -> CliResult<Self> {
        let Some(source) = value.strip_prefix('@') else {
            let mut text = Zeroizing::new(String::with_capacity(value.len()));
            text.push_str(value);
            return Ok(Self(text));
        };
        if source.is_empty() {
            return Err(CliError::arg(
                arg,
                "'@' names no file (use @PATH, or @- for standard input)",
            ));
        }
        let path = Path::new(source);
        let raw = read_secret_source(arg, path)
            .map_err(|e| CliError::arg(arg, format_args!("{source}: {e}")))?;
        let text = std::str::from_utf8(&raw)
            .map_err(|_| CliError::arg(arg, format_args!("{source}: not a text file")))?
            .trim();
        let mut out = Zeroizing::new(String::with_capacity(text.len()));
        out.push_str(text);
        Ok(Self(out))
    }
}

/// Reads at most [`MAX_SECRET_FILE`] bytes from `path` (`-`: standard input).
fn read_secret_source(arg: &str, path: &Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut data = Zeroizing::new(Vec::with_capacity(MAX_SECRET_FILE as usize + 1));
    let read = if path == Path::new("-") {
        try_claim_stdin(arg)?;
        io::stdin()
            .lock()
            .take(MAX_SECRET_FILE + 1)
            .read_to_end(&mut data)
    } else {
        fs::File::open(path).and_then(|f| f.take(MAX_SECRET_FILE + 1).read_to_end(&mut data))
    };
    let n = read.map_err(|e| e.to_string())?;
    if n as u64 > MAX_SECRET_FILE {
        return Err("larger than 64 KiB: not a secret value".to_owned());
    }
    Ok(data)
}

impl std::ops::Deref for SecretArg {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

impl std::ops::DerefMut for SecretArg {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.0
    }
}

/// The clap value parser of [`SecretArg`] (picked up by `#[arg]` through
/// [`clap::builder::ValueParserFactory`]).
#[derive(Clone, Copy)]
pub struct SecretArgParser;

impl clap::builder::TypedValueParser for SecretArgParser {
    type Value = SecretArg;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<SecretArg, clap::Error> {
        let name = arg
            .and_then(clap::Arg::get_long)
            .map_or_else(|| "secret".to_owned(), |l| format!("--{l}"));
        let value = value.to_str().ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidUtf8,
                format!("{name}: not valid UTF-8\n"),
            )
        })?;
        SecretArg::resolve(&name, value).map_err(|e| {
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{e}\n"))
        })
    }
}

impl clap::builder::ValueParserFactory for SecretArg {
    type Parser = SecretArgParser;
    fn value_parser() -> SecretArgParser {
        SecretArgParser
    }
}

/// Decodes hex (either case; empty is zero bytes). `arg` names the argument in errors. The
/// digits themselves are never echoed: they may be key material.
pub fn decode_hex(arg: &str, hex: &str) -> CliResult<Zeroizing<Vec<u8>>> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(CliError::arg(
            arg,
            format_args!("odd number of hex digits ({})", digits.len()),
        ));
    }
    let mut out = Zeroizing::new(vec![0u8; digits.len() / 2]);
    if base16ct::mixed::decode(digits, &mut out).is_err() {
        let at = digits
            .iter()
            .position(|d| !d.is_ascii_hexdigit())
            .unwrap_or(0);
        return Err(CliError::arg(
            arg,
            format_args!("invalid hex: character {} is not a hex digit", at + 1),
        ));
    }
    Ok(out)
}

/// The `--secret` and `--peer` of a key-agreement command's agreement form (`CMD --secret HEX
/// --peer HEX`), both required when the `pub` subcommand is not given.
pub fn agreement_args<S>(
    cmd: &str,
    secret: Option<S>,
    peer: Option<String>,
) -> CliResult<(S, String)> {
    match (secret, peer) {
        (Some(secret), Some(peer)) => Ok((secret, peer)),
        _ => Err(CliError::Usage(format!(
            "{cmd}: --secret and --peer are required (or use '{cmd} pub')"
        ))),
    }
}

/// Decodes a hex argument holding secret material and wipes the argument string afterwards
/// (whether or not it decoded).
pub fn take_secret_hex(arg: &str, hex: &mut String) -> CliResult<Zeroizing<Vec<u8>>> {
    let result = decode_hex(arg, hex);
    hex.zeroize();
    result
}

/// Appends the lowercase hex of `bytes` to `out`. Reserve the room first when `out` will hold
/// secrets, so that no reallocation leaves an unwiped copy behind.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    let mut buf = Zeroizing::new(vec![0u8; bytes.len() * 2]);
    if let Ok(hex) = base16ct::lower::encode_str(bytes, &mut buf) {
        out.push_str(hex);
    }
}

/// Parses a number: decimal, or hex with a `0x`/`0X` prefix. Used as a clap value parser,
/// so a bad number is a clap usage error (exit 2) naming the argument.
pub fn parse_number(s: &str) -> Result<usize, String> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
    if !valid {
        return Err("expected a decimal number or 0x-prefixed hex".to_owned());
    }
    usize::from_str_radix(digits, radix).map_err(|_| "number too large".to_owned())
}

/// Like [`parse_number`], for a 32-bit value (0 to 4294967295 = 0xffffffff).
pub fn parse_u32(s: &str) -> Result<u32, String> {
    let n = parse_number(s)?;
    u32::try_from(n).map_err(|_| "number too large (at most 4294967295 = 0xffffffff)".to_owned())
}

/// Decodes a hex argument holding secret material that must be exactly `N` bytes (`what` names
/// the key in the length error, e.g. "X25519 private keys"). The argument string is wiped.
pub fn take_secret_array<const N: usize>(
    arg: &str,
    hex: &mut String,
    what: &str,
) -> CliResult<SecretBytes<N>> {
    let bytes = take_secret_hex(arg, hex)?;
    SecretBytes::try_from_slice(&bytes).map_err(|_| {
        CliError::arg(
            arg,
            format_args!("{} bytes; {what} are {N} bytes", bytes.len()),
        )
    })
}

/// Decodes an optional hex argument; absent is zero bytes.
pub fn decode_optional_hex(arg: &str, hex: Option<&str>) -> CliResult<Zeroizing<Vec<u8>>> {
    match hex {
        Some(hex) => decode_hex(arg, hex),
        None => Ok(Zeroizing::new(Vec::new())),
    }
}

/// Builds an AES engine of the default backend (`build`: [`bulwark::Provider::ccm`],
/// [`bulwark::Provider::cmac`], ...) from the hex key in `hex` (wiped afterwards). The key
/// length picks AES-128, -192 or -256.
pub fn aes_key<T>(
    arg: &str,
    hex: &mut String,
    build: impl FnOnce(&mut DefaultProvider, &[u8]) -> Result<T, bulwark::Error>,
) -> CliResult<T> {
    let key = take_secret_hex(arg, hex)?;
    if !matches!(key.len(), 16 | 24 | 32) {
        return Err(CliError::arg(
            arg,
            format_args!("{} bytes; AES keys are 16, 24 or 32 bytes", key.len()),
        ));
    }
    build(&mut DefaultProvider::default(), &key).map_err(|e| CliError::from_api(arg, e))
}

/// The message input: exactly one of `--msg HEX` or `--in FILE`.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct InputArgs {
    /// The input message as HEX ('' for an empty message)
    #[arg(long, value_name = "HEX")]
    msg: Option<String>,

    /// Read the raw input bytes from FILE ('-' for standard input)
    #[arg(long = "in", value_name = "FILE")]
    input: Option<PathBuf>,
}

impl InputArgs {
    /// The name of the argument that supplied the input, for error messages.
    pub fn name(&self) -> &'static str {
        if self.msg.is_some() { "--msg" } else { "--in" }
    }

    /// The `--in` path when it names a file (not `-`): such input can be streamed.
    pub fn file_path(&self) -> Option<&Path> {
        self.input.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// Reads the input bytes (the `--msg` string is wiped after decoding).
    pub fn read(&mut self) -> CliResult<Zeroizing<Vec<u8>>> {
        if let Some(msg) = self.msg.as_mut() {
            return take_secret_hex("--msg", msg);
        }
        let Some(path) = self.input.as_deref() else {
            return Err(CliError::Usage(
                "one of --msg or --in is required".to_owned(),
            ));
        };
        read_file("--in", path)
    }
}

/// Where the result goes: hex on stdout, or raw bytes to `--out FILE`.
#[derive(Args)]
pub struct OutputArgs {
    /// Write the raw result to FILE (only on success) instead of printing hex
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl OutputArgs {
    /// The `--out` argument, if given (`-` is standard output).
    pub fn path(&self) -> Option<&Path> {
        self.out.as_deref()
    }

    /// Emits the result. Call only after the operation has fully succeeded.
    pub fn emit(&self, data: &[u8]) -> CliResult {
        match self.out.as_deref() {
            None => print_hex(data),
            Some(path) if path == Path::new("-") => {
                write_stdout(data).map_err(|e| CliError::arg("--out", format_args!("-: {e}")))
            }
            Some(path) => write_atomic(path, data)
                .map_err(|e| CliError::arg("--out", format_args!("{}: {e}", path.display()))),
        }
    }
}

/// Prints `data` as lowercase hex and a newline on stdout.
pub fn print_hex(data: &[u8]) -> CliResult {
    let mut line = Zeroizing::new(String::with_capacity(data.len() * 2 + 1));
    push_hex(&mut line, data);
    line.push('\n');
    print_text(&line)
}

/// Prints one `NAME: HEX` line per value, in the order given, as a single write.
pub fn print_named_hex(values: &[(&str, &[u8])]) -> CliResult {
    let len = values
        .iter()
        .map(|(name, bytes)| name.len() + 2 + bytes.len() * 2 + 1)
        .sum();
    let mut text = Zeroizing::new(String::with_capacity(len));
    for (name, bytes) in values {
        text.push_str(name);
        text.push_str(": ");
        push_hex(&mut text, bytes);
        text.push('\n');
    }
    print_text(&text)
}

/// Writes `text` (already complete, newline included) to stdout.
pub fn print_text(text: &str) -> CliResult {
    write_stdout(text.as_bytes()).map_err(|e| CliError::Usage(format!("stdout: {e}")))
}

fn write_stdout(data: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(data)?;
    out.flush()
}

/// Reads the whole file `path` (`-` is standard input); `arg` names the argument in errors.
pub fn read_file(arg: &str, path: &Path) -> CliResult<Zeroizing<Vec<u8>>> {
    let mut data = Zeroizing::new(Vec::new());
    let result = if path == Path::new("-") {
        claim_stdin(arg)?;
        io::stdin().lock().read_to_end(&mut data).map(|_| ())
    } else {
        fs::File::open(path).and_then(|mut f| {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            data.reserve(usize::try_from(len).unwrap_or(0));
            f.read_to_end(&mut data).map(|_| ())
        })
    };
    result.map_err(|e| CliError::arg(arg, format_args!("{}: {e}", path.display())))?;
    Ok(data)
}

/// Writes `data` to `path` through a temporary file renamed over it (`-` writes the raw bytes
/// to standard output); `arg` names the argument in errors. Call only after success.
pub fn write_file(arg: &str, path: &Path, data: &[u8]) -> CliResult {
    if path == Path::new("-") {
        write_stdout(data).map_err(|e| CliError::arg(arg, format_args!("-: {e}")))
    } else {
        write_atomic(path, data)
            .map_err(|e| CliError::arg(arg, format_args!("{}: {e}", path.display())))
    }
}

/// Writes `data` to a new temporary file next to `path` (`tempfile`, created with mode 0600 on
/// Unix), then renames it over `path`, so that `path` is never left empty or half-written and
/// is private (mode 0600) also when it replaces an existing file with wider permissions. The
/// temporary file is removed on failure.
fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let mut file = private_temp_file(path)?;
    file.write_all(data)?;
    file.as_file().sync_all()?;
    file.persist(path).map(drop).map_err(|e| e.error)
}

/// A new temporary file in the directory of `path`, named after it (`.NAME.XXXXXX.tmp`),
/// created with mode 0600 on Unix (`tempfile`'s default) and removed when dropped unless it
/// is persisted over `path`: how every `--out FILE` is written.
pub fn private_temp_file(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() -> CliResult {
        assert_eq!(decode_hex("--x", "00aAfF")?.as_slice(), &[0x00, 0xaa, 0xff]);
        assert!(decode_hex("--x", "")?.is_empty());
        let mut s = String::new();
        push_hex(&mut s, &[0x00, 0xaa, 0xff]);
        assert_eq!(s, "00aaff");
        assert!(decode_hex("--x", "abc").is_err());
        assert!(decode_hex("--x", "zz").is_err());
        assert!(decode_hex("--x", "+1").is_err());
        Ok(())
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("8"), Ok(8));
        assert_eq!(parse_number("0x8"), Ok(8));
        assert_eq!(parse_number("0X10"), Ok(16));
        assert_eq!(parse_number("010"), Ok(10));
        for bad in [
            "",
            "0x",
            "+8",
            "-1",
            "8 ",
            "0x+8",
            "0b1",
            "99999999999999999999999",
        ] {
            assert!(parse_number(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn u32_numbers() {
        assert_eq!(parse_u32("4294967295"), Ok(u32::MAX));
        assert_eq!(parse_u32("0xffffffff"), Ok(u32::MAX));
        assert!(parse_u32("4294967296").is_err());
        assert!(parse_u32("0x100000000").is_err());
    }

    #[test]
    fn secret_arrays_wipe_and_check_length() -> CliResult {
        let mut hex = "00112233".to_owned();
        let secret = take_secret_array::<4>("--k", &mut hex, "test keys")?;
        assert_eq!(secret.expose_secret(), &[0x00, 0x11, 0x22, 0x33]);
        assert!(hex.is_empty(), "argument string not wiped");
        let mut hex = "001122".to_owned();
        match take_secret_array::<4>("--k", &mut hex, "test keys") {
            Err(CliError::Usage(m)) => assert_eq!(m, "--k: 3 bytes; test keys are 4 bytes"),
            _ => return Err(CliError::Usage("expected a length error".to_owned())),
        }
        assert!(hex.is_empty());
        Ok(())
    }
}
