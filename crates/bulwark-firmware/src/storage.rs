//! Where the image comes from: a flash slot read in chunks, or a slice in memory.

use crate::{
    ImageError,
    hash::{HashSupport, ImageDigest},
};
use embedded_storage::ReadStorage;

/// A slot: the flash region an image may occupy (MCUboot's primary or secondary slot), and the
/// trailer MCUboot keeps at its end. The image and its TLVs must lie in the first
/// `size - trailer` bytes ([`Slot::image_limit`]), so that later trailer writes (swap status,
/// `image_ok`, magic) can never overlap verified bytes; every offset and length in the image
/// is checked against that limit, and the trailer is never read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot {
    /// The slot's first byte, as a `ReadStorage` offset.
    pub offset: u32,
    /// The slot's length in bytes, trailer included.
    pub size: u32,
    /// The flash write size in bytes (MCUboot's `flash_area_align`, imgtool's `--align`): 1,
    /// 2, 4, 8, 16 or 32. It sizes the default trailer.
    pub align: u8,
    /// The bytes at the end of the slot kept for MCUboot's image trailer. `None`: MCUboot's
    /// swap trailer for `align`, [`crate::trailer_size`] (see the crate README, "Slots and
    /// trailers"); `Some(0)`: no trailer (an image in a RAM buffer, a slot nothing writes a
    /// trailer into).
    pub trailer_size: Option<u32>,
}

impl Slot {
    /// A slot of `size` bytes at `offset` on flash with write size `align`, with MCUboot's
    /// swap trailer for that write size.
    pub const fn new(offset: u32, size: u32, align: u8) -> Self {
        Self {
            offset,
            size,
            align,
            trailer_size: None,
        }
    }

    /// The same slot with an explicit trailer of `bytes` (0: none). For MCUboot builds whose
    /// trailer differs from the default: overwrite-only, more than 128 sectors, encrypted
    /// images, a larger `BOOT_MAX_ALIGN`, swap-move's extra sector.
    pub const fn with_trailer_size(mut self, bytes: u32) -> Self {
        self.trailer_size = Some(bytes);
        self
    }

    /// The bytes an image and its TLVs may occupy: `size` minus the trailer.
    /// [`ImageError::SlotTrailer`] if the trailer is undefined (no `trailer_size` and an
    /// `align` MCUboot does not support) or larger than the slot.
    pub const fn image_limit(&self) -> Result<u32, ImageError> {
        let trailer = match self.trailer_size {
            Some(bytes) => bytes,
            None => match crate::build::trailer_size(self.align) {
                // At most 12,448 bytes (align 32).
                Some(bytes) => bytes as u32,
                None => return Err(ImageError::SlotTrailer),
            },
        };
        match self.size.checked_sub(trailer) {
            Some(limit) => Ok(limit),
            None => Err(ImageError::SlotTrailer),
        }
    }
}

/// A byte slice as read-only storage, e.g. an image received into RAM, or memory-mapped flash
/// seen as a slice. Reads outside the slice fail with [`OutOfBounds`].
#[derive(Clone, Copy, Debug)]
pub struct SliceStorage<'a> {
    data: &'a [u8],
}

impl<'a> SliceStorage<'a> {
    /// Wraps `data`.
    pub const fn new(data: &'a [u8]) -> Self {
        Self { data }
    }
}

/// A [`SliceStorage`] read beyond the end of its slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfBounds;

impl ReadStorage for SliceStorage<'_> {
    type Error = OutOfBounds;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        let start = usize::try_from(offset).map_err(|_| OutOfBounds)?;
        let end = start.checked_add(bytes.len()).ok_or(OutOfBounds)?;
        let src = self.data.get(start..end).ok_or(OutOfBounds)?;
        bytes.copy_from_slice(src);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.data.len()
    }
}

/// What [`Source::pieces`] hands each piece of a range to.
pub(crate) type Piece<'f> = dyn FnMut(&[u8]) -> Result<(), ImageError> + 'f;

/// What the verifier reads from. Offsets are relative to the image start.
pub(crate) trait Source {
    /// The slot length.
    fn len(&self) -> u32;
    /// Fills `out` from `offset`. Callers bounds-check first; this checks again.
    fn read(&mut self, offset: u32, out: &mut [u8]) -> Result<(), ImageError>;
    /// Hands `[start, start + len)` to `f`, in one piece or in consecutive chunks.
    fn pieces(&mut self, start: u32, len: u32, f: &mut Piece<'_>) -> Result<(), ImageError>;
    /// The whole range as a slice, where the image is addressable.
    fn region(&self, start: u32, len: u32) -> Option<&[u8]>;
}

fn end_of(start: u32, len: u32, slot: u32) -> Result<u32, ImageError> {
    match start.checked_add(len) {
        Some(end) if end <= slot => Ok(end),
        _ => Err(ImageError::ImageOutOfBounds),
    }
}

/// Reads `out.len()` bytes at `offset` into `slot`, a range the caller has checked against the
/// slot's size.
fn read_slot<F: ReadStorage + ?Sized>(
    flash: &mut F,
    slot: &Slot,
    offset: u32,
    out: &mut [u8],
) -> Result<(), ImageError> {
    // Cannot overflow: offset + len <= slot.size and slot.offset + slot.size was checked.
    let at = slot
        .offset
        .checked_add(offset)
        .ok_or(ImageError::SlotOutOfRange)?;
    flash.read(at, out).map_err(|_| ImageError::Flash)
}

pub(crate) struct FlashSource<'a, F: ?Sized> {
    flash: &'a mut F,
    slot: Slot,
    /// The slot's size minus its trailer: the source's length.
    limit: u32,
    buf: &'a mut [u8],
}

impl<'a, F: ReadStorage + ?Sized> FlashSource<'a, F> {
    pub(crate) fn new(flash: &'a mut F, slot: Slot, buf: &'a mut [u8]) -> Result<Self, ImageError> {
        if buf.is_empty() {
            return Err(ImageError::BufferTooSmall);
        }
        let end = slot
            .offset
            .checked_add(slot.size)
            .ok_or(ImageError::SlotOutOfRange)?;
        let end = usize::try_from(end).map_err(|_| ImageError::SlotOutOfRange)?;
        if end > flash.capacity() {
            return Err(ImageError::SlotOutOfRange);
        }
        let limit = slot.image_limit()?;
        Ok(Self {
            flash,
            slot,
            limit,
            buf,
        })
    }
}

impl<F: ReadStorage + ?Sized> Source for FlashSource<'_, F> {
    fn len(&self) -> u32 {
        self.limit
    }

    fn read(&mut self, offset: u32, out: &mut [u8]) -> Result<(), ImageError> {
        let len = u32::try_from(out.len()).map_err(|_| ImageError::ImageOutOfBounds)?;
        end_of(offset, len, self.limit)?;
        read_slot(self.flash, &self.slot, offset, out)
    }

    fn pieces(&mut self, start: u32, len: u32, f: &mut Piece<'_>) -> Result<(), ImageError> {
        let end = end_of(start, len, self.limit)?;
        let mut at = start;
        while at < end {
            let left = usize::try_from(end - at).unwrap_or(usize::MAX);
            let n = left.min(self.buf.len());
            let chunk = self.buf.get_mut(..n).ok_or(ImageError::BufferTooSmall)?;
            read_slot(self.flash, &self.slot, at, chunk)?;
            f(chunk)?;
            // n <= end - at, which fits in u32.
            at += u32::try_from(n).map_err(|_| ImageError::ImageOutOfBounds)?;
        }
        Ok(())
    }

    fn region(&self, _start: u32, _len: u32) -> Option<&[u8]> {
        None
    }
}

pub(crate) struct SliceSource<'a> {
    data: &'a [u8],
    len: u32,
}

impl<'a> SliceSource<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Result<Self, ImageError> {
        let len = u32::try_from(data.len()).map_err(|_| ImageError::SlotOutOfRange)?;
        Ok(Self { data, len })
    }

    fn range(&self, start: u32, len: u32) -> Result<&'a [u8], ImageError> {
        let end = end_of(start, len, self.len)?;
        let s = usize::try_from(start).map_err(|_| ImageError::ImageOutOfBounds)?;
        let e = usize::try_from(end).map_err(|_| ImageError::ImageOutOfBounds)?;
        self.data.get(s..e).ok_or(ImageError::ImageOutOfBounds)
    }
}

impl Source for SliceSource<'_> {
    fn len(&self) -> u32 {
        self.len
    }

    fn read(&mut self, offset: u32, out: &mut [u8]) -> Result<(), ImageError> {
        let len = u32::try_from(out.len()).map_err(|_| ImageError::ImageOutOfBounds)?;
        out.copy_from_slice(self.range(offset, len)?);
        Ok(())
    }

    fn pieces(&mut self, start: u32, len: u32, f: &mut Piece<'_>) -> Result<(), ImageError> {
        f(self.range(start, len)?)
    }

    fn region(&self, start: u32, len: u32) -> Option<&[u8]> {
        self.range(start, len).ok()
    }
}

/// Digest of `[start, start + len)` of `src`.
pub(crate) fn hash_range<P: ?Sized, H: HashSupport<P>, S: Source>(
    p: &mut P,
    src: &mut S,
    alg: crate::HashAlg,
    start: u32,
    len: u32,
) -> Result<ImageDigest, ImageError> {
    let mut state = H::start(p, alg)?;
    src.pieces(start, len, &mut |piece| H::update(p, &mut state, piece))?;
    H::finish(p, state)
}
