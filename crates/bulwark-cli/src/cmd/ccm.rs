//! `bulwark ccm seal|open`: AES-CCM and CCM*.

use crate::args::{
    AFTER_HELP, InputArgs, OutputArgs, SecretArg, aes_key, decode_hex, parse_number,
};
use crate::error::{CliError, CliResult};
use crate::stream::{self, InputFile};
use bulwark::ccm::{Ccm, SecurityLevel, is_valid_nonce_len, is_valid_tag_len, max_message_len};
use bulwark::{HazmatProvider, Provider};
use clap::Subcommand;
use zeroize::Zeroizing;

/// AES-CCM / CCM* authenticated encryption.
#[derive(clap::Args)]
pub struct CcmArgs {
    #[command(subcommand)]
    op: CcmOp,
}

#[derive(Subcommand)]
enum CcmOp {
    /// Encrypt and authenticate: prints ciphertext||tag
    ///
    /// Encrypts the message and appends the tag: prints hex of ciphertext||tag (or writes the
    /// raw bytes to --out).
    ///
    /// The key length picks AES-128/192/256. Without --star: a CCM nonce of 7..=13 bytes and a
    /// tag of 4, 6, 8, 10, 12, 14 or 16 bytes. With --star (CCM*, IEEE 802.15.4): a 13-byte
    /// nonce and a tag of 0, 4, 8 or 16 bytes; tags 4/8/16 are plain CCM with a 13-byte
    /// nonce whose last byte is the security level (5, 6, 7: ENC-MIC-32/64/128), and tag 0
    /// is encryption WITHOUT authentication (no --aad allowed).
    ///
    /// NEVER encrypt two messages with the same key and nonce.
    ///
    /// Example (RFC 3610 packet vector #1):
    ///   bulwark ccm seal --key c0c1c2c3c4c5c6c7c8c9cacbcccdcecf \
    ///       --nonce 00000003020100a0a1a2a3a4a5 --tag-len 8 --aad 0001020304050607 \
    ///       --msg 08090a0b0c0d0e0f101112131415161718191a1b1c1d1e
    ///   588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Seal(CcmOpts),

    /// Verify and decrypt ciphertext||tag: prints the plaintext
    ///
    /// Takes ciphertext||tag (the output of 'ccm seal') and prints the plaintext as hex (or
    /// writes the raw bytes to --out) only if the tag verifies. If it does not (or the input
    /// is shorter than the tag), nothing is printed or written and the exit code is 1.
    /// With --star --tag-len 0 there is no tag and every input "verifies".
    ///
    /// Options and length rules are the same as for 'ccm seal'.
    ///
    /// Example (RFC 3610 packet vector #1):
    ///   bulwark ccm open --key c0c1c2c3c4c5c6c7c8c9cacbcccdcecf \
    ///       --nonce 00000003020100a0a1a2a3a4a5 --tag-len 8 --aad 0001020304050607 \
    ///       --msg 588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0
    ///   08090a0b0c0d0e0f101112131415161718191a1b1c1d1e
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Open(CcmOpts),
}

/// Options shared by `seal` and `open`.
#[derive(clap::Args)]
struct CcmOpts {
    /// The AES key as HEX: 16, 24 or 32 bytes (AES-128/192/256)
    #[arg(long, value_name = "HEX")]
    key: SecretArg,

    /// The nonce as HEX: 7..=13 bytes (exactly 13 with --star); unique per key
    #[arg(long, value_name = "HEX")]
    nonce: String,

    /// The tag length N in bytes: 4, 6, 8, 10, 12, 14 or 16 (with --star: 0, 4, 8 or 16)
    #[arg(long, value_name = "N", value_parser = parse_number)]
    tag_len: usize,

    /// Associated data as HEX: authenticated, not encrypted (default: none)
    #[arg(long, value_name = "HEX")]
    aad: Option<String>,

    /// CCM* (IEEE 802.15.4): 13-byte nonce, tag length 0, 4, 8 or 16; 0 = encryption only;
    /// with a tag the nonce's last byte is the level 5, 6 or 7 (ENC-MIC-32/64/128)
    #[arg(long)]
    star: bool,

    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    output: OutputArgs,
}

impl CcmArgs {
    /// Runs `ccm seal` or `ccm open`.
    pub fn run(self) -> CliResult {
        match self.op {
            CcmOp::Seal(opts) => opts.run(Direction::Seal),
            CcmOp::Open(opts) => opts.run(Direction::Open),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Seal,
    Open,
}

/// Checks the nonce and tag lengths against CCM or (with `star`) CCM*.
fn check_lengths(star: bool, nonce_len: usize, tag_len: usize) -> CliResult {
    if star {
        if nonce_len != 13 {
            return Err(CliError::arg(
                "--nonce",
                format_args!("{nonce_len} bytes; CCM* (--star) nonces are 13 bytes"),
            ));
        }
        if !matches!(tag_len, 0 | 4 | 8 | 16) {
            return Err(CliError::arg(
                "--tag-len",
                format_args!("{tag_len}; CCM* (--star) tags are 0, 4, 8 or 16 bytes"),
            ));
        }
    } else {
        if !is_valid_nonce_len(nonce_len) {
            return Err(CliError::arg(
                "--nonce",
                format_args!("{nonce_len} bytes; CCM nonces are 7..=13 bytes"),
            ));
        }
        if tag_len == 0 {
            return Err(CliError::arg(
                "--tag-len",
                "0 requires --star (CCM* encryption without authentication)",
            ));
        }
        if !is_valid_tag_len(tag_len) {
            return Err(CliError::arg(
                "--tag-len",
                format_args!("{tag_len}; CCM tags are 4, 6, 8, 10, 12, 14 or 16 bytes"),
            ));
        }
    }
    Ok(())
}

/// CCM* with a MIC: the nonce's last byte must be the IEEE 802.15.4 security level that
/// encrypts with a MIC of `tag_len` bytes (ENC-MIC-32/64/128 = 5/6/7), as
/// [`bulwark::ccm::CcmStar`] checks for a frame. Level 4 (no MIC) is not checked.
fn check_star_level(nonce: &[u8], tag_len: usize) -> CliResult {
    let Some(level) = [
        SecurityLevel::EncMic32,
        SecurityLevel::EncMic64,
        SecurityLevel::EncMic128,
    ]
    .into_iter()
    .find(|l| l.mic_len() == tag_len) else {
        return Ok(());
    };
    let last = nonce.last().copied().unwrap_or(0);
    if last != level.as_u8() {
        return Err(CliError::arg(
            "--nonce",
            format_args!(
                "last byte {last:#04x}; with --star and a {tag_len}-byte tag the nonce must end \
                 in the security level {} (ENC-MIC-{}, IEEE 802.15.4)",
                level.as_u8(),
                tag_len * 8
            ),
        ));
    }
    Ok(())
}

impl CcmOpts {
    fn run(mut self, direction: Direction) -> CliResult {
        let (mut ccm, mut cbc_mac, mut ctr) = aes_key("--key", &mut self.key, |p, key| {
            Ok((p.ccm(key)?, p.cbc_mac(key)?, p.ctr(key)?))
        })?;
        let nonce = decode_hex("--nonce", &self.nonce)?;
        check_lengths(self.star, nonce.len(), self.tag_len)?;
        if self.star {
            check_star_level(&nonce, self.tag_len)?;
        }
        let aad = match self.aad.as_deref() {
            Some(hex) => decode_hex("--aad", hex)?,
            None => Zeroizing::new(Vec::new()),
        };
        if self.tag_len == 0 && !aad.is_empty() {
            return Err(CliError::arg(
                "--aad",
                "CCM* with --tag-len 0 authenticates nothing, so it takes no associated data",
            ));
        }
        if let Some(path) = self.input.file_path()
            && let Some(file) = InputFile::open(path)?
        {
            let job = stream::CcmJob {
                nonce: &nonce,
                aad: &aad,
                tag_len: self.tag_len,
                open: direction == Direction::Open,
            };
            return stream::ccm(&mut cbc_mac, &mut ctr, &job, file, self.output.path());
        }
        let input_name = self.input.name();
        let input = self.input.read()?;

        let payload_len = match direction {
            Direction::Seal => input.len(),
            Direction::Open => input.len().checked_sub(self.tag_len).ok_or_else(|| {
                CliError::Rejected(format!(
                    "ccm open: verification failed: {input_name}: {} bytes, shorter than the {}-byte tag",
                    input.len(),
                    self.tag_len
                ))
            })?,
        };
        let max = max_message_len(nonce.len());
        if payload_len as u64 > max {
            return Err(CliError::arg(
                input_name,
                format_args!(
                    "{payload_len}-byte payload; a {}-byte nonce allows at most {max} bytes",
                    nonce.len()
                ),
            ));
        }

        let what = match direction {
            Direction::Seal => "ccm seal",
            Direction::Open => "ccm open",
        };
        let api_err = |e| CliError::from_api(what, e);
        match direction {
            Direction::Seal => {
                // One allocation for ciphertext||tag, so no plaintext copy is left unwiped.
                let mut out = Zeroizing::new(Vec::with_capacity(payload_len + self.tag_len));
                out.extend_from_slice(&input);
                drop(input);
                out.resize(payload_len + self.tag_len, 0);
                let (body, tag) = out.split_at_mut(payload_len);
                if self.tag_len == 0 {
                    ccm.crypt_unauthenticated(&nonce, body).map_err(api_err)?;
                } else {
                    ccm.seal_detached(&nonce, &[&aad], body, tag)
                        .map_err(api_err)?;
                }
                self.output.emit(&out)
            }
            Direction::Open => {
                let mut buf = input;
                let (body, tag) = buf.split_at_mut(payload_len);
                if self.tag_len == 0 {
                    ccm.crypt_unauthenticated(&nonce, body).map_err(api_err)?;
                } else {
                    ccm.open_detached(&nonce, &[&aad], body, tag)
                        .map_err(api_err)?;
                }
                self.output.emit(body)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_lengths;

    #[test]
    fn length_rules() {
        assert!(check_lengths(false, 13, 8).is_ok());
        assert!(check_lengths(false, 7, 16).is_ok());
        assert!(check_lengths(false, 14, 8).is_err());
        assert!(check_lengths(false, 6, 8).is_err());
        assert!(check_lengths(false, 13, 5).is_err());
        assert!(check_lengths(false, 13, 0).is_err());
        assert!(check_lengths(false, 13, 18).is_err());
        assert!(check_lengths(true, 13, 0).is_ok());
        assert!(check_lengths(true, 13, 4).is_ok());
        assert!(check_lengths(true, 13, 16).is_ok());
        assert!(check_lengths(true, 13, 6).is_err());
        assert!(check_lengths(true, 12, 8).is_err());
    }
}
