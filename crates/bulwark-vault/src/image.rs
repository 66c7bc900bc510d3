//! Vaults outside a device: the image file format `bulwark vault` and the gateway use, and a
//! flash region held in RAM.
//!
//! An image is a 64-byte header, then the flash region exactly as a device holds it:
//!
//! | bytes | field |
//! |---|---|
//! | 0..8 | magic `BWVAULT1` |
//! | 8..12, 12..16, 16..20 | page size, pages, write size (`u32`, little-endian) |
//! | 20..36 | the store id ([`Config::id`](crate::Config)) |
//! | 36..64 | zero |
//!
//! The header is not authenticated by itself: every record binds the store id and the
//! geometry it was written under, so a changed header makes the records fail to open.

use crate::Geometry;
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

/// The magic at the start of every image.
pub const IMAGE_MAGIC: &[u8; 8] = b"BWVAULT1";
/// The header's length; the region follows it.
pub const IMAGE_HEADER_LEN: usize = 64;

/// Why bytes are not a vault image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Shorter than a header, a wrong magic, or non-zero padding.
    BadHeader,
    /// A zero page size or page count.
    BadGeometry,
    /// The region is not exactly `page size x pages` bytes (truncated or extended).
    Length,
}

impl core::fmt::Display for ImageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ImageError::BadHeader => "bad header",
            ImageError::BadGeometry => "bad geometry",
            ImageError::Length => "truncated or extended",
        })
    }
}

/// An image's header: the region's geometry (at offset 0) and the store id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageHeader {
    /// The region's geometry; `offset` is always 0 in an image.
    pub geometry: Geometry,
    /// The store id.
    pub id: [u8; 16],
}

impl ImageHeader {
    /// The 64 header bytes.
    pub fn encode(&self) -> [u8; IMAGE_HEADER_LEN] {
        let mut out = [0u8; IMAGE_HEADER_LEN];
        out[..8].copy_from_slice(IMAGE_MAGIC);
        out[8..12].copy_from_slice(&self.geometry.page_size.to_le_bytes());
        out[12..16].copy_from_slice(&self.geometry.pages.to_le_bytes());
        out[16..20].copy_from_slice(&self.geometry.write_size.to_le_bytes());
        out[20..36].copy_from_slice(&self.id);
        out
    }

    /// Splits an image into its header and its region, checking the magic, the padding and
    /// that the region has exactly the size the geometry names.
    pub fn decode(image: &[u8]) -> Result<(ImageHeader, &[u8]), ImageError> {
        let (head, region) = image
            .split_at_checked(IMAGE_HEADER_LEN)
            .ok_or(ImageError::BadHeader)?;
        if &head[..8] != IMAGE_MAGIC || head[36..].iter().any(|&b| b != 0) {
            return Err(ImageError::BadHeader);
        }
        let word =
            |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        let geometry = Geometry {
            offset: 0,
            page_size: word(8),
            pages: word(12),
            write_size: word(16),
        };
        let size = u64::from(geometry.page_size) * u64::from(geometry.pages);
        if size == 0 {
            return Err(ImageError::BadGeometry);
        }
        if region.len() as u64 != size {
            return Err(ImageError::Length);
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&head[20..36]);
        Ok((ImageHeader { geometry, id }, region))
    }
}

/// A flash region in RAM with NOR flash semantics: erasing sets bytes to 0xff, programming
/// can only clear bits. `WRITE` and `ERASE` are the sizes it reports (1 and 1 for a file
/// image; a device simulation may report its part's sizes).
#[derive(Clone, Debug)]
pub struct RamFlash<B, const WRITE: usize = 1, const ERASE: usize = 1>(pub B);

/// [`RamFlash`]'s one error: an access outside the region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfBounds;

impl NorFlashError for OutOfBounds {
    fn kind(&self) -> NorFlashErrorKind {
        NorFlashErrorKind::OutOfBounds
    }
}

impl<B, const WRITE: usize, const ERASE: usize> ErrorType for RamFlash<B, WRITE, ERASE> {
    type Error = OutOfBounds;
}

impl<B: AsRef<[u8]> + AsMut<[u8]>, const WRITE: usize, const ERASE: usize> ReadNorFlash
    for RamFlash<B, WRITE, ERASE>
{
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), OutOfBounds> {
        let at = offset as usize;
        let end = at.checked_add(bytes.len()).ok_or(OutOfBounds)?;
        bytes.copy_from_slice(self.0.as_ref().get(at..end).ok_or(OutOfBounds)?);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.0.as_ref().len()
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>, const WRITE: usize, const ERASE: usize> NorFlash
    for RamFlash<B, WRITE, ERASE>
{
    const WRITE_SIZE: usize = WRITE;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), OutOfBounds> {
        self.0
            .as_mut()
            .get_mut(from as usize..to as usize)
            .ok_or(OutOfBounds)?
            .fill(0xff);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), OutOfBounds> {
        let at = offset as usize;
        let end = at.checked_add(bytes.len()).ok_or(OutOfBounds)?;
        let dst = self.0.as_mut().get_mut(at..end).ok_or(OutOfBounds)?;
        for (d, s) in dst.iter_mut().zip(bytes) {
            *d &= s;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GEOMETRY: Geometry = Geometry {
        offset: 0,
        page_size: 32,
        pages: 2,
        write_size: 4,
    };

    #[test]
    fn header_round_trip_and_refusals() {
        let header = ImageHeader {
            geometry: GEOMETRY,
            id: [7; 16],
        };
        let mut image = header.encode().to_vec();
        assert_eq!(&image[..20], b"BWVAULT1\x20\0\0\0\x02\0\0\0\x04\0\0\0");
        image.extend_from_slice(&[0xab; 64]);
        let (back, region) = ImageHeader::decode(&image).expect("a valid image");
        assert_eq!((back, region), (header, &[0xab; 64][..]));

        assert_eq!(
            ImageHeader::decode(&image[..63]),
            Err(ImageError::BadHeader)
        );
        assert_eq!(ImageHeader::decode(&image[..127]), Err(ImageError::Length));
        let mut longer = image.clone();
        longer.push(0);
        assert_eq!(ImageHeader::decode(&longer), Err(ImageError::Length));
        for at in [0, 7, 36, 63] {
            let mut bad = image.clone();
            bad[at] ^= 1;
            assert_eq!(
                ImageHeader::decode(&bad),
                Err(ImageError::BadHeader),
                "{at}"
            );
        }
        let mut empty = ImageHeader {
            geometry: Geometry {
                pages: 0,
                ..GEOMETRY
            },
            id: [0; 16],
        }
        .encode()
        .to_vec();
        assert_eq!(ImageHeader::decode(&empty), Err(ImageError::BadGeometry));
        empty.push(0);
        assert_eq!(ImageHeader::decode(&empty), Err(ImageError::BadGeometry));
    }

    #[test]
    fn ram_flash_is_nor_flash() {
        let mut flash: RamFlash<[u8; 8]> = RamFlash([0xff; 8]);
        flash.write(2, &[0x0f, 0xf0]).expect("in bounds");
        flash.write(2, &[0xff, 0x3c]).expect("in bounds");
        assert_eq!(flash.0, [0xff, 0xff, 0x0f, 0x30, 0xff, 0xff, 0xff, 0xff]);
        let mut out = [0u8; 2];
        flash.read(2, &mut out).expect("in bounds");
        assert_eq!(out, [0x0f, 0x30]);
        assert_eq!(flash.read(7, &mut out), Err(OutOfBounds));
        assert_eq!(flash.write(u32::MAX, &[0]), Err(OutOfBounds));
        flash.erase(0, 4).expect("in bounds");
        assert_eq!(flash.0[..4], [0xff; 4]);
        assert_eq!(flash.erase(4, 9), Err(OutOfBounds));
    }
}
