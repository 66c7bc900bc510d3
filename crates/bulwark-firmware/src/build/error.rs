//! Why an image could not be built.

use core::fmt;

use bulwark_api::Error;

/// Why an image could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuildError {
    /// The header size is below 32 bytes.
    HeaderTooSmall,
    /// Without header padding, the payload must start with `header_size` bytes of room for
    /// the header, and it is shorter than that.
    PayloadTooShort,
    /// Without header padding, the payload's first `header_size` bytes must be zero (imgtool:
    /// "Header padding was not requested and image does not start with zeros").
    HeaderNotErased,
    /// The alignment is not 1, 2, 4, 8, 16 or 32.
    InvalidAlignment,
    /// The image does not fit the format's 32-bit sizes.
    TooLarge,
    /// The output buffer is too small; `needed` bytes are required.
    BufferTooSmall {
        /// The image length in bytes.
        needed: usize,
    },
    /// Image plus trailer exceed the slot size (imgtool's `--slot-size` check).
    SlotTooSmall {
        /// The image length in bytes.
        image: usize,
        /// The trailer MCUboot reserves at the end of the slot.
        trailer: usize,
        /// The slot size.
        slot: u32,
    },
    /// The hash algorithm is not available with this signature algorithm (imgtool signs ECDSA
    /// P-256 images with SHA-256 only).
    UnsupportedHash,
    /// The signature just made did not verify with the key's own public key: the backend is
    /// faulty (or was glitched). Nothing usable was written.
    SelfCheck,
    /// The crypto backend failed.
    Backend(Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::HeaderTooSmall => f.write_str("header size below 32 bytes"),
            BuildError::PayloadTooShort => f.write_str(
                "the input is shorter than the header size (without header padding the input \
                 must start with room for the header)",
            ),
            BuildError::HeaderNotErased => f.write_str(
                "header padding was not requested and the input does not start with \
                 header-size zero bytes",
            ),
            BuildError::InvalidAlignment => f.write_str("alignment must be 1, 2, 4, 8, 16 or 32"),
            BuildError::TooLarge => f.write_str("image too large for the MCUboot format"),
            BuildError::BufferTooSmall { needed } => {
                write!(f, "output buffer too small ({needed} bytes needed)")
            }
            BuildError::SlotTooSmall {
                image,
                trailer,
                slot,
            } => write!(
                f,
                "image size ({image:#x}) + trailer ({trailer:#x}) exceeds the slot size ({slot:#x})"
            ),
            BuildError::UnsupportedHash => {
                f.write_str("hash algorithm not available with this signature scheme")
            }
            BuildError::SelfCheck => {
                f.write_str("the new signature did not verify (faulty crypto backend)")
            }
            BuildError::Backend(e) => write!(f, "crypto backend failure: {e}"),
        }
    }
}

impl core::error::Error for BuildError {}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Backend(e) => e,
            BuildError::SelfCheck => Error::Hardware,
            BuildError::UnsupportedHash => Error::Unsupported,
            _ => Error::InvalidInput,
        }
    }
}
