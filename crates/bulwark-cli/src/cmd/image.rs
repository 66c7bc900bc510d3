//! `bulwark image sign|verify`: MCUboot images, imgtool-compatible (bulwark-firmware's
//! `ImageBuilder` and `Verifier`).

use crate::args::{
    AFTER_HELP, parse_number, parse_u32, print_text, push_hex, read_file, write_file,
};
use crate::error::{CliError, CliResult};
use crate::keys::{self, KeyFile, PublicKey};
use bulwark::DefaultProvider;
use bulwark::sig::{AlgorithmId, EcdsaP256, Ed25519, Sign};
use bulwark_firmware::{
    BuildError, ImageBuilder, ImageError, ImageVersion, MonotonicCounter, PublicKeyFormat,
    VALID_ALIGNMENTS, VerifiedImage, Verifier, VerifyAlgorithms,
};
use clap::Subcommand;
use std::fmt::Write as _;
use std::path::PathBuf;

/// MCUboot images.
#[derive(clap::Args)]
pub struct ImageArgs {
    #[command(subcommand)]
    op: ImageOp,
}

#[derive(Subcommand)]
enum ImageOp {
    /// Build and sign an MCUboot image from a firmware binary, as 'imgtool sign' does
    ///
    /// Writes OUT: the 32-byte header (padded with 0xFF to --header-size with --pad-header;
    /// without it the first --header-size bytes of IN must be zero and are replaced by the
    /// header), the body, the protected TLV area (the security counter, if any) and the
    /// unprotected TLVs: SHA256, KEYHASH (or PUBKEY with --public-key-format full), and the
    /// ED25519 or ECDSASIG signature. The key type picks the scheme. Ed25519 images are byte
    /// for byte what imgtool 2.5 writes with the same options. Prints nothing.
    ///
    /// Example:
    ///   bulwark image sign --key key.pem --version 1.2.3+4 --header-size 0x200 --pad-header \
    ///       --slot-size 0x20000 --align 4 --security-counter auto zephyr.bin signed.bin
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Sign(SignOpts),

    /// Verify an MCUboot image against a key, and print what was verified
    ///
    /// Reads the whole image into memory (so pure Ed25519 images verify too) and checks it
    /// strictly with bulwark-firmware: layout, key (the KEYHASH or PUBKEY must name KEY),
    /// hash, signature, and security counter >= --min-security-counter (default 0; an image
    /// without a security counter counts as 0). Prints, in this order:
    ///   version: MAJ.MIN.REV+BUILD
    ///   security-counter: N          (decimal, or 'none')
    ///   digest: HEX                  (the image hash: SHA-256, or SHA-512 for --sha 512 images)
    ///   key-hash: HEX                (SHA-256 of the key's SubjectPublicKeyInfo DER)
    /// A rejected image exits with code 1 and the reason.
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Verify(VerifyOpts),
}

/// `--security-counter N|auto`.
#[derive(Clone, Copy, Debug)]
enum SecurityCounter {
    Value(u32),
    Auto,
}

/// `--public-key-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum KeyFormatArg {
    /// KEYHASH TLV: SHA-256 of the key's SubjectPublicKeyInfo DER
    Hash,
    /// PUBKEY TLV: the SubjectPublicKeyInfo DER
    Full,
}

/// Options of `image sign`.
#[derive(clap::Args)]
struct SignOpts {
    /// The private key (PKCS#8 PEM; SEC1 'EC PRIVATE KEY' for P-256); its type picks the
    /// signature scheme
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,

    /// The image version, MAJ.MIN.REV+BUILD with later parts optional (imgtool's syntax: 1,
    /// 1.2, 1.2.3, 1.2.3+4; no leading zeros); MAJ, MIN <= 255, REV <= 65535
    #[arg(long, value_name = "MAJ.MIN.REV[+BUILD]", value_parser = parse_version)]
    version: ImageVersion,

    /// The header size N (32 to 65535): the body starts at offset N. Usually the linker's
    /// offset, e.g. 0x200 (Zephyr's ROM_START_OFFSET)
    #[arg(long, value_name = "N", value_parser = parse_header_size, default_value = "32")]
    header_size: u16,

    /// Put the header (and 0xFF padding up to --header-size) in front of IN; without it, IN
    /// must start with --header-size zero bytes of room for the header
    #[arg(long)]
    pad_header: bool,

    /// The slot size N: the image plus MCUboot's swap trailer (sized by --align) must fit;
    /// absent or 0 checks nothing
    #[arg(long, value_name = "N", value_parser = parse_u32)]
    slot_size: Option<u32>,

    /// The flash write size: 1, 2, 4, 8, 16 or 32 (sizes the trailer for --slot-size)
    #[arg(long, value_name = "N", value_parser = parse_align, default_value = "1")]
    align: u8,

    /// The security counter for the protected TLV area: N (0 to 0xffffffff), or 'auto' =
    /// MAJ << 24 | MIN << 16 | REV; absent writes none
    #[arg(long, value_name = "N|auto", value_parser = parse_security_counter)]
    security_counter: Option<SecurityCounter>,

    /// How the image names the key
    #[arg(long, value_enum, default_value = "hash")]
    public_key_format: KeyFormatArg,

    /// The firmware binary ('-' is standard input)
    #[arg(value_name = "IN")]
    input: PathBuf,

    /// The signed image, written only on success ('-' is standard output)
    #[arg(value_name = "OUT")]
    output: PathBuf,
}

/// Options of `image verify`.
#[derive(clap::Args)]
struct VerifyOpts {
    /// The key (public 'PUBLIC KEY', or private) the image must be signed with
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,

    /// Refuse images whose security counter is below N (the device's anti-rollback counter)
    #[arg(long, value_name = "N", value_parser = parse_u32, default_value = "0")]
    min_security_counter: u32,

    /// The image file ('-' is standard input)
    #[arg(value_name = "IMAGE")]
    image: PathBuf,
}

impl ImageArgs {
    /// Runs `image sign` or `image verify`.
    pub fn run(self) -> CliResult {
        match self.op {
            ImageOp::Sign(opts) => opts.run(),
            ImageOp::Verify(opts) => opts.run(),
        }
    }
}

/// `MAJ[.MIN[.REV[+BUILD]]]`, as imgtool's `decode_version` reads it ([`ImageVersion`]'s
/// `FromStr`).
fn parse_version(s: &str) -> Result<ImageVersion, String> {
    s.parse()
        .map_err(|e: bulwark_firmware::ParseVersionError| e.to_string())
}

fn parse_header_size(s: &str) -> Result<u16, String> {
    let n = parse_number(s)?;
    if n < 32 {
        return Err("the header size is at least 32 bytes".to_owned());
    }
    u16::try_from(n).map_err(|_| "the header size is at most 65535 (0xffff)".to_owned())
}

fn parse_align(s: &str) -> Result<u8, String> {
    let n = parse_number(s)?;
    VALID_ALIGNMENTS
        .iter()
        .copied()
        .find(|&a| usize::from(a) == n)
        .ok_or_else(|| "expected 1, 2, 4, 8, 16 or 32".to_owned())
}

fn parse_security_counter(s: &str) -> Result<SecurityCounter, String> {
    if s == "auto" {
        Ok(SecurityCounter::Auto)
    } else {
        parse_u32(s).map(SecurityCounter::Value)
    }
}

fn build_error(e: BuildError) -> CliError {
    let hint = match e {
        BuildError::HeaderNotErased | BuildError::PayloadTooShort => {
            " (--pad-header puts the header in front of the input instead)"
        }
        _ => "",
    };
    CliError::Usage(format!("image sign: {e}{hint}"))
}

impl SignOpts {
    fn run(self) -> CliResult {
        let key = match keys::read_key_file("--key", &self.key)? {
            KeyFile::Private(key) => key,
            KeyFile::Public(_) => {
                return Err(CliError::arg(
                    "--key",
                    format_args!(
                        "{}: a public key cannot sign; give the private key",
                        self.key.display()
                    ),
                ));
            }
        };
        let payload = read_file("IN", &self.input)?;
        let counter = self.security_counter.map(|c| match c {
            SecurityCounter::Value(n) => n,
            SecurityCounter::Auto => self.version.packed(),
        });
        let format = match self.public_key_format {
            KeyFormatArg::Hash => PublicKeyFormat::Hash,
            KeyFormatArg::Full => PublicKeyFormat::Full,
        };
        let builder = ImageBuilder::new(self.version)
            .header_size(self.header_size)
            .pad_header(self.pad_header)
            .slot_size(self.slot_size.unwrap_or(0))
            .align(self.align)
            .security_counter(counter)
            .public_key_format(format);
        let mut provider = DefaultProvider::default();
        let algorithm = key.public.algorithm();
        let max = builder
            .max_image_len(algorithm, payload.len())
            .map_err(build_error)?;
        let mut out = vec![0u8; max];
        let len = match algorithm {
            AlgorithmId::Ed25519 => {
                let signing = Sign::<Ed25519>::import_signing_key(&mut provider, key.secret)
                    .map_err(|e| CliError::from_api("--key", e))?;
                builder.sign_ed25519(&mut provider, &signing, &payload, &mut out)
            }
            AlgorithmId::EcdsaP256 => {
                let signing = Sign::<EcdsaP256>::import_signing_key(&mut provider, key.secret)
                    .map_err(|e| CliError::from_api("--key", e))?;
                builder.sign_ecdsa_p256(&mut provider, &signing, &payload, &mut out)
            }
        }
        .map_err(build_error)?;
        let image = out
            .get(..len)
            .ok_or_else(|| CliError::Usage("image sign: internal length error".to_owned()))?;
        write_file("OUT", &self.output, image)
    }
}

/// The device counter stand-in: `--min-security-counter`, read only.
struct MinCounter(u32);

impl MonotonicCounter for MinCounter {
    fn read(&mut self) -> Result<u32, bulwark::Error> {
        Ok(self.0)
    }

    fn advance_to(&mut self, _value: u32) -> Result<(), bulwark::Error> {
        Err(bulwark::Error::Unsupported)
    }
}

/// Verifies `image` with `verifier` (one trusted key of either algorithm), accepting SHA-256
/// and SHA-512 images and images without a security counter.
fn verify_slice<S: VerifyAlgorithms<DefaultProvider>>(
    provider: &mut DefaultProvider,
    verifier: Verifier<'_, DefaultProvider, S>,
    image: &[u8],
    counter: &mut MinCounter,
) -> Result<VerifiedImage, ImageError> {
    verifier
        .with_sha512(provider)?
        .allow_missing_security_counter()
        .verify_slice(provider, image, counter)
}

fn image_error(e: ImageError, min: u32) -> CliError {
    match e {
        ImageError::Backend(_) | ImageError::InvalidTrustedKey | ImageError::TooManyTrustedKeys => {
            CliError::Usage(format!("image verify: {e}"))
        }
        ImageError::Rollback => {
            CliError::Rejected(format!("image verify: {e} (--min-security-counter {min})"))
        }
        ImageError::UnknownKey => CliError::Rejected(format!(
            "image verify: {e} (the image is not signed with --key, or names another key)"
        )),
        ImageError::AlgorithmNotAccepted => CliError::Rejected(format!(
            "image verify: {e} (the image's signature scheme is not --key's type)"
        )),
        other => CliError::Rejected(format!("image verify: {other}")),
    }
}

impl VerifyOpts {
    fn run(self) -> CliResult {
        let public = keys::read_key_file("--key", &self.key)?.public();
        let image = read_file("IMAGE", &self.image)?;
        let mut provider = DefaultProvider::default();
        let mut counter = MinCounter(self.min_security_counter);
        let verified = match public {
            PublicKey::Ed25519(k) => Verifier::ed25519(&mut provider, &[k])
                .and_then(|v| verify_slice(&mut provider, v, &image, &mut counter)),
            PublicKey::EcdsaP256(k) => Verifier::ecdsa_p256(&mut provider, &[k])
                .and_then(|v| verify_slice(&mut provider, v, &image, &mut counter)),
        }
        .map_err(|e| image_error(e, self.min_security_counter))?;
        print_text(&report(&verified))
    }
}

/// The `name: value` lines `image verify` prints.
fn report(v: &VerifiedImage) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "version: {}", v.version());
    match v.security_counter() {
        Some(n) => {
            let _ = writeln!(text, "security-counter: {n}");
        }
        None => text.push_str("security-counter: none\n"),
    }
    text.push_str("digest: ");
    push_hex(&mut text, v.digest().as_bytes());
    text.push_str("\nkey-hash: ");
    push_hex(&mut text, v.key_id());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_imgtool() {
        // The full syntax table is `ImageVersion`'s own test; the argument parser passes
        // values and messages through.
        assert_eq!(parse_version("1.2"), Ok(ImageVersion::new(1, 2, 0, 0)));
        assert_eq!(
            parse_version("256").err().as_deref(),
            Some("major is above 255")
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_header_size("0x200"), Ok(0x200));
        assert_eq!(parse_header_size("32"), Ok(32));
        assert!(parse_header_size("31").is_err());
        assert!(parse_header_size("0x10000").is_err());
        assert_eq!(parse_align("4"), Ok(4));
        assert_eq!(parse_align("0x20"), Ok(32));
        assert!(parse_align("3").is_err());
        assert!(parse_align("64").is_err());
        assert!(matches!(
            parse_security_counter("auto"),
            Ok(SecurityCounter::Auto)
        ));
        assert!(matches!(
            parse_security_counter("0x10"),
            Ok(SecurityCounter::Value(16))
        ));
        assert!(parse_security_counter("AUTO").is_err());
        assert!(parse_security_counter("0x100000000").is_err());
    }
}
