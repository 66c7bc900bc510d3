//! The MCUboot image format: header, TLV types, versions, and the one TLV reader and writer
//! (the verifier parses images with `parse`; the builder writes TLV areas with
//! `TlvWriter` and parses its own output again as a self-check).
//!
//! All multi-byte fields are little-endian (imgtool's default, and what MCUboot on every
//! supported target reads).

use core::{fmt, str::FromStr};

use crate::ImageError;

/// The header magic (`IMAGE_MAGIC`).
pub const IMAGE_MAGIC: u32 = 0x96F3_B83D;
/// The fixed part of the header, in bytes. `hdr_size` may be larger (the header is then padded,
/// and the padding is hashed).
pub const HEADER_LEN: usize = 32;
/// Magic of the unprotected TLV area (`IMAGE_TLV_INFO_MAGIC`).
pub const TLV_INFO_MAGIC: u16 = 0x6907;
/// Magic of the protected TLV area (`IMAGE_TLV_PROT_INFO_MAGIC`).
pub const TLV_PROT_INFO_MAGIC: u16 = 0x6908;
/// The most dependency TLVs an image may carry here.
pub const MAX_DEPENDENCIES: usize = 4;

/// TLV types, as imgtool 2.5 `image.py` `TLV_VALUES` defines them (each entry is
/// `u16 type, u16 len`; imgtool writes the type as a byte followed by a zero byte).
pub mod tlv {
    /// Hash of the signing key's SubjectPublicKeyInfo DER, with the image's hash algorithm.
    pub const KEYHASH: u16 = 0x01;
    /// The signing key's SubjectPublicKeyInfo DER.
    pub const PUBKEY: u16 = 0x02;
    /// SHA-256 of the hashed region.
    pub const SHA256: u16 = 0x10;
    /// SHA-384 of the hashed region (not supported here).
    pub const SHA384: u16 = 0x11;
    /// SHA-512 of the hashed region.
    pub const SHA512: u16 = 0x12;
    /// RSA-2048 PSS signature (not supported here).
    pub const RSA2048: u16 = 0x20;
    /// ECDSA signature, ASN.1 DER (`ECDSASIG`; P-256 or P-384 by key).
    pub const ECDSA_SIG: u16 = 0x22;
    /// RSA-3072 PSS signature (not supported here).
    pub const RSA3072: u16 = 0x23;
    /// Ed25519 signature, 64 bytes.
    pub const ED25519: u16 = 0x24;
    /// Marks a "pure" signature: over the whole hashed region instead of its digest. One byte,
    /// `0x01`.
    pub const SIG_PURE: u16 = 0x25;
    /// First key-encapsulation TLV of encrypted images (RSA-2048).
    pub const ENC_RSA2048: u16 = 0x30;
    /// Last key-encapsulation TLV of encrypted images (X25519 with SHA-512).
    pub const ENC_X25519_SHA512: u16 = 0x34;
    /// Dependency on another image: `u8 image_id, 3 pad, u8 major, u8 minor, u16 revision,
    /// u32 build` (12 bytes).
    pub const DEPENDENCY: u16 = 0x40;
    /// Security counter, `u32`.
    pub const SEC_CNT: u16 = 0x50;
    /// CBOR boot record for measured boot.
    pub const BOOT_RECORD: u16 = 0x60;
    /// First decompression TLV (`DECOMP_SIZE`).
    pub const DECOMP_SIZE: u16 = 0x70;
    /// Vendor UUID.
    pub const UUID_VID: u16 = 0x74;
    /// Class UUID (the last protected-only type).
    pub const UUID_CID: u16 = 0x75;
    /// First vendor-reserved type.
    pub const VENDOR_MIN: u16 = 0x00A0;
    /// Last vendor-reserved type.
    pub const VENDOR_MAX: u16 = 0xFFFE;
}

/// Header flags (`IMAGE_F_*`).
pub mod flags {
    /// Position-independent code.
    pub const PIC: u32 = 0x0000_0001;
    /// Encrypted with AES-128 (refused: the hash covers the plaintext).
    pub const ENCRYPTED_AES128: u32 = 0x0000_0004;
    /// Encrypted with AES-256 (refused).
    pub const ENCRYPTED_AES256: u32 = 0x0000_0008;
    /// Not bootable (e.g. a data image).
    pub const NON_BOOTABLE: u32 = 0x0000_0010;
    /// Loaded to RAM at `load_addr` before running.
    pub const RAM_LOAD: u32 = 0x0000_0020;
    /// Linked to run from a fixed flash address.
    pub const ROM_FIXED: u32 = 0x0000_0100;
    /// The flags this verifier accepts: they change where an image runs, not what is hashed.
    pub const ACCEPTED: u32 = PIC | NON_BOOTABLE | RAM_LOAD | ROM_FIXED;
}

/// An image version: `major.minor.revision+build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageVersion {
    /// Major.
    pub major: u8,
    /// Minor.
    pub minor: u8,
    /// Revision.
    pub revision: u16,
    /// Build number.
    pub build: u32,
}

impl ImageVersion {
    /// A version.
    pub const fn new(major: u8, minor: u8, revision: u16, build: u32) -> Self {
        Self {
            major,
            minor,
            revision,
            build,
        }
    }

    /// `major.minor.revision` packed as `major << 24 | minor << 16 | revision`: the value
    /// imgtool's `--security-counter auto` writes, and the order used for downgrade checks
    /// (the build number is ignored, as MCUboot does by default).
    pub const fn packed(&self) -> u32 {
        ((self.major as u32) << 24) | ((self.minor as u32) << 16) | (self.revision as u32)
    }

    pub(crate) fn from_le(b: &[u8; 8]) -> Self {
        Self {
            major: b[0],
            minor: b[1],
            revision: u16::from_le_bytes([b[2], b[3]]),
            build: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }
}

impl fmt::Display for ImageVersion {
    /// `major.minor.revision+build`, as imgtool writes it (`1.2.3+4`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}+{}",
            self.major, self.minor, self.revision, self.build
        )
    }
}

/// Why a version string was refused by [`ImageVersion`]'s [`FromStr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseVersionError {
    /// Not `MAJ[.MIN[.REV[+BUILD]]]` (too many parts, a build without all three parts).
    Syntax,
    /// A part is empty, not decimal, or has a leading zero; the part's name.
    NotDecimal(&'static str),
    /// A part is above its field's range; the part's name and the maximum.
    TooLarge(&'static str, u32),
}

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseVersionError::Syntax => f.write_str(
                "expected MAJ.MIN.REV+BUILD with later parts optional (e.g. 1.2.3+4, 1.2.3, 1.2, 1)",
            ),
            ParseVersionError::NotDecimal(name) => {
                write!(f, "{name}: expected a decimal number without leading zeros")
            }
            ParseVersionError::TooLarge(name, max) => write!(f, "{name} is above {max}"),
        }
    }
}

impl core::error::Error for ParseVersionError {}

/// One version part: `0` or digits without a leading zero, at most `max`.
fn version_part(text: &str, name: &'static str, max: u32) -> Result<u32, ParseVersionError> {
    let decimal = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !decimal {
        return Err(ParseVersionError::NotDecimal(name));
    }
    match text.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(ParseVersionError::TooLarge(name, max)),
    }
}

impl FromStr for ImageVersion {
    type Err = ParseVersionError;

    /// Parses `MAJ[.MIN[.REV[+BUILD]]]` as imgtool's `decode_version` does (missing parts are
    /// 0; `1.2.3+4`, `1.2.3`, `1.2`, `1`), within the header's ranges (255, 255, 65535,
    /// 2^32 - 1). Leading zeros, signs, spaces and empty parts are refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (main, build) = match s.split_once('+') {
            Some((main, build)) => (main, Some(build)),
            None => (s, None),
        };
        let mut parts = main.split('.');
        let major = version_part(parts.next().unwrap_or(""), "major", 255)?;
        let minor = parts.next().map(|p| version_part(p, "minor", 255));
        let revision = parts.next().map(|p| version_part(p, "revision", 65535));
        if parts.next().is_some() || (build.is_some() && revision.is_none()) {
            return Err(ParseVersionError::Syntax);
        }
        let build = build.map_or(Ok(0), |b| version_part(b, "build", u32::MAX))?;
        let narrow = |n: u32| u8::try_from(n).map_err(|_| ParseVersionError::Syntax);
        Ok(Self::new(
            narrow(major)?,
            narrow(minor.unwrap_or(Ok(0))?)?,
            u16::try_from(revision.unwrap_or(Ok(0))?).map_err(|_| ParseVersionError::Syntax)?,
            build,
        ))
    }
}

/// A dependency TLV: this image needs image `image_id` at version `min_version` or later.
///
/// The verifier reports dependencies (from the protected area only); checking them against the
/// other images is the caller's job, as in MCUboot's multi-image boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// The other image's number.
    pub image_id: u8,
    /// The oldest acceptable version of that image.
    pub min_version: ImageVersion,
}

impl Dependency {
    pub(crate) fn from_le(b: &[u8; 12]) -> Self {
        let mut v = [0u8; 8];
        v.copy_from_slice(&b[4..12]);
        Self {
            image_id: b[0],
            min_version: ImageVersion::from_le(&v),
        }
    }
}

/// The parsed fixed header.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub load_addr: u32,
    pub hdr_size: u16,
    pub prot_size: u16,
    pub img_size: u32,
    pub flags: u32,
    pub version: ImageVersion,
}

fn le16(b: &[u8; HEADER_LEN], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8; HEADER_LEN], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Header {
    /// Parses and checks the fields that need no other context.
    pub(crate) fn from_bytes(b: &[u8; HEADER_LEN]) -> Result<Self, ImageError> {
        if le32(b, 0) != IMAGE_MAGIC {
            return Err(ImageError::BadMagic);
        }
        let hdr_size = le16(b, 8);
        if usize::from(hdr_size) < HEADER_LEN {
            return Err(ImageError::HeaderTooSmall);
        }
        let flags = le32(b, 16);
        if flags & !flags::ACCEPTED != 0 {
            return Err(ImageError::UnsupportedFlags);
        }
        if le32(b, 28) != 0 {
            return Err(ImageError::ReservedNotZero);
        }
        let mut v = [0u8; 8];
        v.copy_from_slice(&b[20..28]);
        Ok(Self {
            load_addr: le32(b, 4),
            hdr_size,
            prot_size: le16(b, 10),
            img_size: le32(b, 12),
            flags,
            version: ImageVersion::from_le(&v),
        })
    }
}

mod parse;

pub use parse::spki_len;
pub(crate) use parse::{KeyTlv, Layout, MAX_SIG_LEN, TlvWriter, parse};

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::{String, ToString};

    #[test]
    fn versions_parse_and_print_as_imgtool() {
        let v = |s: &str| s.parse::<ImageVersion>().map(|v| v.to_string());
        let ok = |s: &str| Ok::<String, ParseVersionError>(s.to_string());
        assert_eq!(v("1.2.3+4"), ok("1.2.3+4"));
        assert_eq!(v("1.2.3"), ok("1.2.3+0"));
        assert_eq!(v("1.2"), ok("1.2.0+0"));
        assert_eq!(v("1"), ok("1.0.0+0"));
        assert_eq!(v("0.0.0+0"), ok("0.0.0+0"));
        assert_eq!(
            v("255.255.65535+4294967295"),
            ok("255.255.65535+4294967295")
        );
        assert_eq!(
            "1.2.3+4".parse::<ImageVersion>().unwrap(),
            ImageVersion::new(1, 2, 3, 4)
        );
        for bad in [
            "",
            "1.",
            ".1",
            "1.2.3.4",
            "1.2+3",
            "1+3",
            "01.2.3",
            "1.02.3",
            "1.2.3+04",
            "256.0.0",
            "1.256.0",
            "1.2.65536",
            "1.2.3+4294967296",
            "a.b.c",
            "1.2.3+",
            "+1",
            "-1.2.3",
            " 1.2.3",
            "1.2.3 ",
        ] {
            assert!(bad.parse::<ImageVersion>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "256".parse::<ImageVersion>(),
            Err(ParseVersionError::TooLarge("major", 255))
        );
        assert_eq!(
            "1.2.3.4".parse::<ImageVersion>(),
            Err(ParseVersionError::Syntax)
        );
    }
}
