#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod flash;
mod format;
pub mod image;
mod log;
mod record;
mod rollback;
mod scan;

pub use format::MAX_NAME;
pub use rollback::{MonotonicCounter, NoCounter, RollbackPolicy};

use bulwark_api::Error;
use bulwark_api::ccm::Ccm;
use embedded_storage::nor_flash::NorFlash;
use format::{Header, Kind, record_len};
use zeroize::Zeroize;

/// The most pages a vault can have.
pub const MAX_PAGES: usize = 32;
/// The largest write (and read) size the vault supports, in bytes.
pub const MAX_WRITE_SIZE: usize = 64;
/// Bytes per flash program call (a multiple of every supported write size).
const CHUNK: usize = 64;
/// Length of the store id.
pub const ID_LEN: usize = 16;

/// Where the vault lives in the flash and how it is cut into pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// Byte offset of the region in the flash (a multiple of the erase size).
    pub offset: u32,
    /// Page size in bytes: a multiple of the flash's erase size and of `write_size`.
    pub page_size: u32,
    /// Number of pages, 2..=[`MAX_PAGES`] (at least 3 recommended: one is kept free).
    pub pages: u32,
    /// The program granularity the vault pads records to: a power of two, a multiple of the
    /// flash's `WRITE_SIZE`, at most [`MAX_WRITE_SIZE`].
    pub write_size: u32,
}

/// Everything a vault needs besides the flash, the key and the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The store's identity: bound into every record's nonce (bytes 0..5) and associated data,
    /// so records cannot be moved between stores. Keep it fixed for the life of the store.
    pub id: [u8; ID_LEN],
    /// The flash region.
    pub geometry: Geometry,
    /// When the monotonic counter is raised (see the README's "Rollback").
    pub policy: RollbackPolicy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    /// Fully erased.
    Free,
    /// Holds something that is not part of the log (a dropped page, an interrupted erase or
    /// page opening): erased before reuse.
    Dirty,
    /// In the log: `open` is its `Open` record's sequence number, `end` where the next record
    /// may be written.
    Live { open: u64, end: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Loc {
    page: u32,
    off: u32,
}

enum Step {
    End,
    Bad { next: u32 },
    Rec { header: Header, next: u32 },
}

struct Found {
    loc: Loc,
    kind: Kind,
    generation: u32,
    len: usize,
}

/// A sealed key-value store on NOR flash (see the crate documentation).
///
/// - `F`: the flash ([`NorFlash`]; `&mut F` works too).
/// - `C`: AES-CCM under the storage key ([`Ccm`]).
/// - `M`: the monotonic counter for rollback detection ([`NoCounter`] for none).
/// - `MAX_VALUE`: the longest value in bytes (default 1024); the stack holds one buffer of it.
pub struct Vault<F, C, M = NoCounter, const MAX_VALUE: usize = 1024> {
    flash: F,
    ccm: C,
    counter: M,
    config: Config,
    w: u32,
    pages: [Page; MAX_PAGES],
    head: u32,
    last: u64,
    log_start: u64,
    next: u64,
    window_end: Option<u64>,
}

impl<F, C, M, const MAX_VALUE: usize> core::fmt::Debug for Vault<F, C, M, MAX_VALUE> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vault")
            .field("geometry", &self.config.geometry)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

fn hw<E>(_: E) -> Error {
    Error::Hardware
}

impl<F: NorFlash, C: Ccm, M: MonotonicCounter, const MAX_VALUE: usize> Vault<F, C, M, MAX_VALUE> {
    fn new(flash: F, ccm: C, counter: M, config: &Config) -> Result<Self, Error> {
        let g = config.geometry;
        config.policy.window()?;
        let w = g.write_size.max(F::WRITE_SIZE as u32);
        let ok = w.is_power_of_two()
            && (w as usize) <= MAX_WRITE_SIZE
            && (w as usize).is_multiple_of(F::WRITE_SIZE.max(1))
            && F::READ_SIZE.max(1).is_power_of_two()
            && F::READ_SIZE <= MAX_WRITE_SIZE
            && (2..=MAX_PAGES as u32).contains(&g.pages)
            && g.page_size > 0
            && (g.page_size as usize).is_multiple_of(F::ERASE_SIZE.max(1))
            && g.page_size.is_multiple_of(w)
            && (g.offset as usize).is_multiple_of(F::ERASE_SIZE.max(1))
            && MAX_VALUE <= usize::from(u16::MAX)
            && u64::from(g.offset) + u64::from(g.pages) * u64::from(g.page_size)
                <= (flash.capacity() as u64).min(u64::from(u32::MAX));
        let wz = w as usize;
        let overhead = 2 * record_len(wz, 0, 0) + record_len(wz, MAX_NAME, MAX_VALUE);
        if !ok || (g.page_size as usize) < overhead {
            return Err(Error::InvalidInput);
        }
        Ok(Vault {
            flash,
            ccm,
            counter,
            config: *config,
            w,
            pages: [Page::Free; MAX_PAGES],
            head: 0,
            last: 0,
            log_start: 0,
            next: 1,
            window_end: None,
        })
    }

    /// Erases the region and starts an empty store.
    ///
    /// - `flash`, `ccm` (keyed with the storage key), `counter`: see [`Vault`].
    /// - `config`: the store id, region and rollback policy; later mounts must pass the same.
    ///
    /// Errors: [`Error::InvalidInput`] for a geometry the flash or `MAX_VALUE` does not allow
    /// (each page must hold a record of `MAX_VALUE` bytes plus two small records),
    /// [`Error::Hardware`] for a flash or counter failure. A format interrupted by a power cut
    /// leaves a region that does not mount: format again.
    pub fn format(flash: F, ccm: C, counter: M, config: &Config) -> Result<Self, Error> {
        let mut v = Self::new(flash, ccm, counter, config)?;
        for p in 0..v.config.geometry.pages {
            v.erase(p)?;
        }
        let m = u64::from(v.counter.read()?);
        v.next = m + 1;
        v.last = 0;
        v.log_start = 0;
        v.open_page(0, true)?;
        Ok(v)
    }

    /// Mounts an existing store: checks every record, the order of the log and the rollback
    /// counter. Read-only: nothing is written until the first `put` or `delete`.
    ///
    /// Errors: [`Error::Verification`] (the one opaque authentication failure) if the store
    /// does not authenticate under this key and id, was changed (a record altered, moved,
    /// swapped, replayed or removed from the middle of the log), or is older than the counter
    /// allows (a restored image); [`Error::InvalidInput`] for a bad geometry;
    /// [`Error::Hardware`] for a flash or counter failure. A store interrupted by a power cut
    /// at any point mounts.
    pub fn mount(flash: F, ccm: C, counter: M, config: &Config) -> Result<Self, Error> {
        let mut v = Self::new(flash, ccm, counter, config)?;
        v.scan(None)?;
        let m = u64::from(v.counter.read()?);
        let fresh = match config.policy.window()? {
            None if config.policy == RollbackPolicy::EveryCommit => v.last >= m,
            None => true,
            Some(n) => v.last / n + 1 >= m,
        };
        if !fresh {
            return Err(Error::Verification);
        }
        Ok(v)
    }

    /// Gives back the flash, the CCM engine and the counter.
    pub fn release(self) -> (F, C, M) {
        (self.flash, self.ccm, self.counter)
    }

    /// The longest value this vault stores (`MAX_VALUE`).
    pub const fn max_value(&self) -> usize {
        MAX_VALUE
    }

    /// Reads the current value of `name` into `out` and returns its length, or `None` if the
    /// name has no value (never written, or deleted).
    ///
    /// - `name`: 1..=[`MAX_NAME`] bytes.
    /// - `out`: receives the value; at least as long as the value.
    ///
    /// Errors: [`Error::Verification`] if the value or the store fails authentication (out is
    /// zeroed); [`Error::InvalidInput`] for a bad name or an `out` too short (out zeroed);
    /// [`Error::Hardware`] for a flash failure.
    pub fn get(&mut self, name: &[u8], out: &mut [u8]) -> Result<Option<usize>, Error> {
        let mut scratch = [0u8; MAX_VALUE];
        let result = self.get_into(name, out, &mut scratch);
        scratch.zeroize();
        if result.is_err() {
            out.zeroize();
        }
        result
    }

    fn get_into(
        &mut self,
        name: &[u8],
        out: &mut [u8],
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<Option<usize>, Error> {
        check_name(name)?;
        match self.resolve(name, scratch)? {
            Some(f) if f.kind == Kind::Put => {
                let dst = out.get_mut(..f.len).ok_or(Error::InvalidInput)?;
                dst.copy_from_slice(&scratch[..f.len]);
                Ok(Some(f.len))
            }
            _ => Ok(None),
        }
    }

    /// Stores `value` under `name`, replacing any earlier value. Once it returns `Ok`, the
    /// value survives power loss; a power cut during the call leaves the old or the new value.
    ///
    /// - `name`: 1..=[`MAX_NAME`] bytes. `value`: at most `MAX_VALUE` bytes.
    ///
    /// Errors: [`Error::InvalidInput`] for a bad name or value length, or a full store
    /// (compaction cannot free enough room); [`Error::Verification`] if the store fails
    /// authentication; [`Error::Hardware`] for a flash or counter failure.
    pub fn put(&mut self, name: &[u8], value: &[u8]) -> Result<(), Error> {
        check_name(name)?;
        if value.len() > MAX_VALUE {
            return Err(Error::InvalidInput);
        }
        let mut scratch = [0u8; MAX_VALUE];
        let result = self.put_inner(name, Some(value), &mut scratch);
        scratch.zeroize();
        result.map(|_| ())
    }

    /// Deletes `name`. Returns whether it had a value. Power cuts and errors as for
    /// [`Vault::put`].
    pub fn delete(&mut self, name: &[u8]) -> Result<bool, Error> {
        check_name(name)?;
        let mut scratch = [0u8; MAX_VALUE];
        let result = self.put_inner(name, None, &mut scratch);
        scratch.zeroize();
        result
    }

    fn put_inner(
        &mut self,
        name: &[u8],
        value: Option<&[u8]>,
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<bool, Error> {
        let current = self.resolve(name, scratch)?;
        let had = matches!(
            current,
            Some(Found {
                kind: Kind::Put,
                ..
            })
        );
        if value.is_none() && !had {
            return Ok(false);
        }
        let generation = current.map_or(1, |f| f.generation.wrapping_add(1));
        let len = value.map_or(0, <[u8]>::len);
        let need = record_len(self.w as usize, name.len(), len) as u32;
        self.ensure_room(need, scratch)?;
        let kind = match value {
            Some(v) => {
                scratch[..v.len()].copy_from_slice(v);
                Kind::Put
            }
            None => Kind::Delete,
        };
        self.append(kind, name, generation, None, &mut scratch[..len])?;
        Ok(had)
    }

    /// Calls `f` with each name that has a value, in no particular order.
    ///
    /// Errors as for [`Vault::get`].
    pub fn for_each_name(&mut self, mut f: impl FnMut(&[u8])) -> Result<(), Error> {
        let mut scratch = [0u8; MAX_VALUE];
        let result = self.for_each_inner(&mut f, &mut scratch);
        scratch.zeroize();
        result
    }

    fn for_each_inner(
        &mut self,
        f: &mut impl FnMut(&[u8]),
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<(), Error> {
        let (order, count) = self.order();
        for &p in &order[..count] {
            let mut cursor = 0;
            while let Some((off, header)) = self.next_record(p, &mut cursor)? {
                if header.kind != Kind::Put {
                    continue;
                }
                let mut name = [0u8; MAX_NAME];
                let name = self.read_name(p, off, &header, &mut name)?;
                if let Some(found) = self.resolve(name, scratch)?
                    && found.kind == Kind::Put
                    && found.loc == (Loc { page: p, off })
                {
                    f(name);
                }
            }
        }
        Ok(())
    }
}

fn check_name(name: &[u8]) -> Result<(), Error> {
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(Error::InvalidInput);
    }
    Ok(())
}
