#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod format;
pub mod image;
mod rollback;

pub use format::MAX_NAME;
pub use rollback::{MonotonicCounter, NoCounter, RollbackPolicy};

use bulwark_api::Error;
use bulwark_api::ccm::Ccm;
use embedded_storage::nor_flash::NorFlash;
use format::{Fixed, Header, Kind, TAG, header_len, record_len};
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
            let mut off = 0;
            loop {
                match self.step(p, off)? {
                    Step::End => break,
                    Step::Bad { next } => off = next,
                    Step::Rec { header, next } => {
                        if header.kind == Kind::Put {
                            let mut name = [0u8; MAX_NAME];
                            let name = self.read_name(p, off, &header, &mut name)?;
                            if let Some(found) = self.resolve(name, scratch)?
                                && found.kind == Kind::Put
                                && found.loc == (Loc { page: p, off })
                            {
                                f(name);
                            }
                        }
                        off = next;
                    }
                }
            }
        }
        Ok(())
    }

    // ---- flash access ----

    fn addr(&self, page: u32, off: u32) -> u32 {
        self.config.geometry.offset + page * self.config.geometry.page_size + off
    }

    fn read(&mut self, page: u32, off: u32, buf: &mut [u8]) -> Result<(), Error> {
        let start = self.addr(page, off) as usize;
        let rs = F::READ_SIZE.max(1);
        if rs == 1 {
            return self.flash.read(start as u32, buf).map_err(hw);
        }
        let mut tmp = [0u8; CHUNK];
        let mut done = 0;
        while done < buf.len() {
            let a = start + done;
            let base = a - a % rs;
            let skip = a - base;
            let n = (CHUNK - skip).min(buf.len() - done);
            let span = format::align_up(skip + n, rs);
            self.flash.read(base as u32, &mut tmp[..span]).map_err(hw)?;
            buf[done..done + n].copy_from_slice(&tmp[skip..skip + n]);
            done += n;
        }
        Ok(())
    }

    fn is_erased(&mut self, page: u32, off: u32, len: u32) -> Result<bool, Error> {
        let mut buf = [0u8; CHUNK];
        let mut at = off;
        let end = off + len;
        while at < end {
            let n = (end - at).min(CHUNK as u32);
            self.read(page, at, &mut buf[..n as usize])?;
            if buf[..n as usize].iter().any(|&b| b != 0xff) {
                return Ok(false);
            }
            at += n;
        }
        Ok(true)
    }

    /// Programs the concatenation of `parts` at (page, off), padded with 0xff to the write
    /// size, in chunks of [`CHUNK`] bytes.
    fn program(&mut self, page: u32, off: u32, parts: &[&[u8]]) -> Result<(), Error> {
        let w = self.w as usize;
        let mut addr = self.addr(page, off);
        let mut buf = [0xffu8; CHUNK];
        let mut fill = 0;
        for part in parts {
            let mut rest = *part;
            while !rest.is_empty() {
                let n = (CHUNK - fill).min(rest.len());
                buf[fill..fill + n].copy_from_slice(&rest[..n]);
                fill += n;
                rest = &rest[n..];
                if fill == CHUNK {
                    self.flash.write(addr, &buf).map_err(hw)?;
                    addr += CHUNK as u32;
                    buf = [0xff; CHUNK];
                    fill = 0;
                }
            }
        }
        if fill > 0 {
            let len = format::align_up(fill, w);
            self.flash.write(addr, &buf[..len]).map_err(hw)?;
        }
        buf.zeroize();
        Ok(())
    }

    fn erase(&mut self, page: u32) -> Result<(), Error> {
        let from = self.addr(page, 0);
        let to = from + self.config.geometry.page_size;
        self.pages[page as usize] = Page::Dirty;
        self.flash.erase(from, to).map_err(hw)?;
        self.pages[page as usize] = Page::Free;
        Ok(())
    }

    // ---- records ----

    fn step(&mut self, page: u32, off: u32) -> Result<Step, Error> {
        let w = self.w as usize;
        let hl = header_len(w) as u32;
        let ps = self.config.geometry.page_size;
        if off + hl > ps {
            return Ok(Step::End);
        }
        let mut raw = [0u8; format::HEADER_RAW];
        self.read(page, off, &mut raw)?;
        if raw.iter().all(|&b| b == 0xff) && self.is_erased(page, off, hl)? {
            return Ok(Step::End);
        }
        match Header::decode(&raw) {
            Some(header) => {
                let len = record_len(w, header.name_len, header.value_len) as u32;
                if off + len > ps {
                    Ok(Step::Bad { next: off + hl })
                } else {
                    Ok(Step::Rec {
                        header,
                        next: off + len,
                    })
                }
            }
            None => Ok(Step::Bad { next: off + hl }),
        }
    }

    fn read_name<'n>(
        &mut self,
        page: u32,
        off: u32,
        h: &Header,
        buf: &'n mut [u8; MAX_NAME],
    ) -> Result<&'n [u8], Error> {
        let at = off + (header_len(self.w as usize) + format::FIXED) as u32;
        let name = &mut buf[..h.name_len];
        self.read(page, at, name)?;
        Ok(name)
    }

    /// Authenticates and decrypts the record at `loc` into `out[..value_len]`.
    fn open_record(
        &mut self,
        loc: Loc,
        h: &Header,
        out: &mut [u8; MAX_VALUE],
    ) -> Result<Fixed, Error> {
        if h.value_len > MAX_VALUE {
            return Err(Error::Verification);
        }
        let hl = header_len(self.w as usize) as u32;
        let mut fixed = [0u8; format::FIXED];
        self.read(loc.page, loc.off + hl, &mut fixed)?;
        let mut name = [0u8; MAX_NAME];
        let name_at = loc.off + hl + format::FIXED as u32;
        self.read(loc.page, name_at, &mut name[..h.name_len])?;
        let ct_at = name_at + h.name_len as u32;
        let value = &mut out[..h.value_len];
        self.read(loc.page, ct_at, value)?;
        let mut tag = [0u8; TAG];
        self.read(loc.page, ct_at + h.value_len as u32, &mut tag)?;
        let nonce = format::nonce(&self.config.id, h.seq);
        let hb = h.aad_bytes();
        let aad: [&[u8]; 5] = [
            format::DOMAIN,
            &self.config.id,
            &hb,
            &fixed,
            &name[..h.name_len],
        ];
        match self.ccm.open_detached(&nonce, &aad, value, &tag) {
            Ok(()) => Ok(Fixed::decode(&fixed)),
            Err(Error::Verification) => Err(Error::Verification),
            Err(Error::InvalidInput) => Err(Error::Verification),
            Err(e) => Err(e),
        }
    }

    /// Seals `value` in place and writes a record at (page, off): header first, then body.
    fn write_record(
        &mut self,
        page: u32,
        off: u32,
        header: &Header,
        fixed: &Fixed,
        name: &[u8],
        value: &mut [u8],
    ) -> Result<(), Error> {
        let nonce = format::nonce(&self.config.id, header.seq);
        let hb = header.aad_bytes();
        let fb = fixed.encode();
        let aad: [&[u8]; 5] = [format::DOMAIN, &self.config.id, &hb, &fb, name];
        let mut tag = [0u8; TAG];
        self.ccm.seal_detached(&nonce, &aad, value, &mut tag)?;
        let hraw = header.encode();
        self.program(page, off, &[&hraw])?;
        let hl = header_len(self.w as usize) as u32;
        self.program(page, off + hl, &[&fb, name, value, &tag])
    }

    /// Takes the next sequence number, raising the counter first where the window policy
    /// needs it.
    fn take_seq(&mut self) -> Result<u64, Error> {
        let mut seq = self.next;
        if let Some(n) = self.config.policy.window()? {
            let needs = self.window_end.is_none_or(|end| seq >= end);
            if needs {
                let m = u64::from(self.counter.read()?);
                let new_m = if self.window_end.is_none() {
                    (m + 1).max(seq / n)
                } else {
                    (seq / n).max(m)
                };
                let new_m32 = u32::try_from(new_m).map_err(|_| Error::InvalidInput)?;
                self.counter.advance_to(new_m32)?;
                if self.counter.read()? < new_m32 {
                    return Err(Error::Hardware);
                }
                seq = seq.max(new_m * n);
                self.window_end = Some((new_m + 1) * n);
            }
        } else if self.config.policy == RollbackPolicy::EveryCommit && seq > u64::from(u32::MAX) {
            return Err(Error::InvalidInput);
        }
        self.next = seq.checked_add(1).ok_or(Error::InvalidInput)?;
        Ok(seq)
    }

    fn after_commit(&mut self, seq: u64) -> Result<(), Error> {
        self.last = seq;
        if self.config.policy == RollbackPolicy::EveryCommit {
            let v = u32::try_from(seq).map_err(|_| Error::InvalidInput)?;
            self.counter.advance_to(v)?;
        }
        Ok(())
    }

    /// Appends a record at the head page's end (the caller made room).
    fn append(
        &mut self,
        kind: Kind,
        name: &[u8],
        generation: u32,
        log_start: Option<u64>,
        value: &mut [u8],
    ) -> Result<(), Error> {
        let head = self.head;
        let Page::Live { open, end } = self.pages[head as usize] else {
            return Err(Error::Hardware);
        };
        let len = record_len(self.w as usize, name.len(), value.len()) as u32;
        let seq = self.take_seq()?;
        let header = Header {
            kind,
            name_len: name.len(),
            value_len: value.len(),
            seq,
        };
        let fixed = Fixed {
            prev: self.last,
            log_start: log_start.unwrap_or(self.log_start),
            generation,
            aux: 0,
        };
        // Whatever happens, the space is used.
        self.pages[head as usize] = Page::Live {
            open,
            end: end + len,
        };
        self.write_record(head, end, &header, &fixed, name, value)?;
        if let Some(start) = log_start {
            self.log_start = start;
        }
        self.after_commit(seq)
    }

    /// Erases `page` if needed and makes it the head with an `Open` record.
    fn open_page(&mut self, page: u32, first: bool) -> Result<(), Error> {
        if self.pages[page as usize] != Page::Free {
            self.erase(page)?;
        }
        self.pages[page as usize] = Page::Dirty;
        let seq = self.take_seq()?;
        if first {
            self.log_start = seq;
        }
        let header = Header {
            kind: Kind::Open,
            name_len: 0,
            value_len: 0,
            seq,
        };
        let fixed = Fixed {
            prev: self.last,
            log_start: self.log_start,
            generation: 0,
            aux: page,
        };
        self.write_record(page, 0, &header, &fixed, &[], &mut [])?;
        let end = record_len(self.w as usize, 0, 0) as u32;
        self.pages[page as usize] = Page::Live { open: seq, end };
        self.head = page;
        self.after_commit(seq)
    }

    // ---- the log ----

    /// The live pages, oldest first.
    fn order(&self) -> ([u32; MAX_PAGES], usize) {
        let mut order = [0u32; MAX_PAGES];
        let mut count = 0;
        for p in 0..self.config.geometry.pages {
            if let Page::Live { open, .. } = self.pages[p as usize] {
                let mut i = count;
                while i > 0 && self.open_of(order[i - 1]) > open {
                    order[i] = order[i - 1];
                    i -= 1;
                }
                order[i] = p;
                count += 1;
            }
        }
        (order, count)
    }

    fn open_of(&self, page: u32) -> u64 {
        match self.pages[page as usize] {
            Page::Live { open, .. } => open,
            _ => 0,
        }
    }

    fn free_count(&self) -> u32 {
        (0..self.config.geometry.pages)
            .filter(|&p| !matches!(self.pages[p as usize], Page::Live { .. }))
            .count() as u32
    }

    /// The next non-live page after the head, in rotation (wear levelling).
    fn pick_free(&self) -> Option<u32> {
        let n = self.config.geometry.pages;
        (1..=n)
            .map(|i| (self.head + i) % n)
            .find(|&p| !matches!(self.pages[p as usize], Page::Live { .. }))
    }

    fn head_fits(&mut self, len: u32) -> Result<bool, Error> {
        let head = self.head;
        let Page::Live { open, end } = self.pages[head as usize] else {
            return Ok(false);
        };
        if end + len > self.config.geometry.page_size {
            return Ok(false);
        }
        if self.is_erased(head, end, len)? {
            return Ok(true);
        }
        // Not writable (left over from an interrupted write): close the page.
        self.pages[head as usize] = Page::Live {
            open,
            end: self.config.geometry.page_size,
        };
        Ok(false)
    }

    /// Makes room for a record of `len` bytes at the head, opening pages while more than one
    /// is free and compacting the oldest page otherwise.
    fn ensure_room(&mut self, len: u32, scratch: &mut [u8; MAX_VALUE]) -> Result<(), Error> {
        for _ in 0..2 * self.config.geometry.pages + 4 {
            if self.head_fits(len)? {
                return Ok(());
            }
            if self.free_count() >= 2 {
                let Some(p) = self.pick_free() else {
                    return Err(Error::InvalidInput);
                };
                self.open_page(p, false)?;
                continue;
            }
            self.compact(scratch)?;
        }
        Err(Error::InvalidInput)
    }

    /// Copies the oldest page's current records to the head, writes a `Drop` record that
    /// moves the log start past it, and erases it.
    fn compact(&mut self, scratch: &mut [u8; MAX_VALUE]) -> Result<(), Error> {
        let (order, count) = self.order();
        if count == 0 {
            return Err(Error::Hardware);
        }
        let oldest = order[0];
        let w = self.w as usize;
        let small = record_len(w, 0, 0) as u32;
        let ps = self.config.geometry.page_size;
        // Pass 1: how much of the oldest page is current.
        let mut live = 0u32;
        let mut off = 0;
        loop {
            match self.step(oldest, off)? {
                Step::End => break,
                Step::Bad { next } => off = next,
                Step::Rec { header, next } => {
                    if self.is_current(oldest, off, &header, scratch)? {
                        live += next - off;
                    }
                    off = next;
                }
            }
        }
        if !(self.head != oldest && self.head_fits(live + small)?) {
            // A page that is all current data moves whole (no gain, but the rotation goes on
            // to pages with stale records; `ensure_room` bounds the rounds).
            if small + live + small > ps {
                return Err(Error::InvalidInput);
            }
            let Some(p) = self.pick_free() else {
                return Err(Error::InvalidInput);
            };
            self.open_page(p, false)?;
        }
        // Pass 2: copy.
        let mut off = 0;
        loop {
            match self.step(oldest, off)? {
                Step::End => break,
                Step::Bad { next } => off = next,
                Step::Rec { header, next } => {
                    if self.is_current(oldest, off, &header, scratch)? {
                        let mut name = [0u8; MAX_NAME];
                        let name = self.read_name(oldest, off, &header, &mut name)?;
                        let Some(found) = self.resolve(name, scratch)? else {
                            return Err(Error::Hardware);
                        };
                        let len = record_len(w, name.len(), found.len) as u32;
                        if !self.head_fits(len)? {
                            return Err(Error::InvalidInput);
                        }
                        self.append(
                            Kind::Put,
                            name,
                            found.generation,
                            None,
                            &mut scratch[..found.len],
                        )?;
                    }
                    off = next;
                }
            }
        }
        let (order, count) = self.order();
        let new_start = if count > 1 {
            self.open_of(order[1])
        } else {
            self.open_of(self.head)
        };
        if !self.head_fits(small)? {
            return Err(Error::InvalidInput);
        }
        self.append(Kind::Drop, &[], 0, Some(new_start), &mut [])?;
        self.erase(oldest)
    }

    /// Whether the record at (page, off) is the authentic current value of its name.
    fn is_current(
        &mut self,
        page: u32,
        off: u32,
        h: &Header,
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<bool, Error> {
        if h.kind != Kind::Put {
            return Ok(false);
        }
        let mut name = [0u8; MAX_NAME];
        let name = self.read_name(page, off, h, &mut name)?;
        Ok(self
            .resolve(name, scratch)?
            .is_some_and(|f| f.loc == Loc { page, off }))
    }

    /// The newest authentic record of `name` (value decrypted into `scratch`), or `None`.
    /// A newest copy that fails authentication is skipped only if a full check of the log
    /// shows it is an interrupted write; otherwise the store is reported as changed.
    fn resolve(
        &mut self,
        name: &[u8],
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<Option<Found>, Error> {
        let mut bound = u64::MAX;
        loop {
            let mut best: Option<(Loc, Header)> = None;
            let (order, count) = self.order();
            for &p in &order[..count] {
                let mut off = 0;
                loop {
                    match self.step(p, off)? {
                        Step::End => break,
                        Step::Bad { next } => off = next,
                        Step::Rec { header, next } => {
                            if matches!(header.kind, Kind::Put | Kind::Delete)
                                && header.name_len == name.len()
                                && header.seq < bound
                                && best.is_none_or(|(_, b)| header.seq > b.seq)
                            {
                                let mut nb = [0u8; MAX_NAME];
                                if self.read_name(p, off, &header, &mut nb)? == name {
                                    best = Some((Loc { page: p, off }, header));
                                }
                            }
                            off = next;
                        }
                    }
                }
            }
            let Some((loc, header)) = best else {
                return Ok(None);
            };
            match self.open_record(loc, &header, scratch) {
                Ok(fixed) => {
                    return Ok(Some(Found {
                        loc,
                        kind: header.kind,
                        generation: fixed.generation,
                        len: header.value_len,
                    }));
                }
                Err(Error::Verification) => {
                    if !self.scan(Some(loc))? {
                        return Err(Error::Verification);
                    }
                    bound = header.seq;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads and checks the whole log, rebuilding the page table. Returns whether `probe` is
    /// a record that failed authentication (an interrupted write the log explains).
    ///
    /// The rules: every page in use starts with an authentic `Open` record carrying its index;
    /// pages ordered by that record's sequence number form the log; the newest record's
    /// `log start` names the oldest page still in the log (older ones were compacted and are
    /// dropped); along the log, authentic records have increasing sequence numbers and each
    /// names the authentic record before it (`prev`), and the first is the `Open` record the
    /// log start names. Records that fail authentication may sit anywhere the chain allows
    /// (interrupted writes): a removed, altered, moved or replayed record breaks the chain.
    fn scan(&mut self, probe: Option<Loc>) -> Result<bool, Error> {
        let mut scratch = [0u8; MAX_VALUE];
        let result = self.scan_inner(probe, &mut scratch);
        scratch.zeroize();
        result
    }

    fn scan_inner(
        &mut self,
        probe: Option<Loc>,
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<bool, Error> {
        let g = self.config.geometry;
        let w = self.w as usize;
        let hl = header_len(w) as u32;
        let mut dirty = 0u64;
        // 1. Classify the pages.
        for p in 0..g.pages {
            self.pages[p as usize] = match self.step(p, 0)? {
                Step::End => {
                    if self.is_erased(p, 0, g.page_size)? {
                        Page::Free
                    } else {
                        Page::Dirty
                    }
                }
                Step::Rec { header, .. }
                    if header.kind == Kind::Open
                        && header.name_len == 0
                        && header.value_len == 0 =>
                {
                    match self.open_record(Loc { page: p, off: 0 }, &header, scratch) {
                        Ok(fixed) if fixed.aux == p => Page::Live {
                            open: header.seq,
                            end: 0,
                        },
                        Ok(_) | Err(Error::Verification) => Page::Dirty,
                        Err(e) => return Err(e),
                    }
                }
                _ => Page::Dirty,
            };
        }
        let (order, count) = self.order();
        if count == 0 {
            return Err(Error::Verification);
        }
        // 2. The log start, from the newest authentic record (in the newest page).
        let head = order[count - 1];
        let mut start = None;
        let mut off = 0;
        loop {
            match self.step(head, off)? {
                Step::End => break,
                Step::Bad { next } => off = next,
                Step::Rec { header, next } => {
                    match self.open_record(Loc { page: head, off }, &header, scratch) {
                        Ok(fixed) => start = Some(fixed.log_start),
                        Err(Error::Verification) => {}
                        Err(e) => return Err(e),
                    }
                    off = next;
                }
            }
        }
        let start = start.ok_or(Error::Verification)?;
        for p in 0..g.pages {
            if let Page::Live { open, .. } = self.pages[p as usize]
                && open < start
            {
                self.pages[p as usize] = Page::Dirty;
            }
        }
        // 3. The chain.
        let mut last: Option<u64> = None;
        let mut last_start = start;
        let mut max_seen = 0u64;
        let mut margin = 0u64;
        let mut probe_failed = false;
        for &p in &order[..count] {
            let Page::Live { open, .. } = self.pages[p as usize] else {
                continue;
            };
            let mut off = 0;
            loop {
                match self.step(p, off)? {
                    Step::End => break,
                    Step::Bad { next } => {
                        margin += 1;
                        probe_failed |= probe == Some(Loc { page: p, off });
                        off = next;
                    }
                    Step::Rec { header, next } => {
                        max_seen = max_seen.max(header.seq);
                        match self.open_record(Loc { page: p, off }, &header, scratch) {
                            Ok(fixed) => {
                                let linked = match last {
                                    None => {
                                        header.kind == Kind::Open && off == 0 && header.seq == start
                                    }
                                    Some(l) => header.seq > l && fixed.prev == l,
                                };
                                let placed = (header.kind == Kind::Open) == (off == 0)
                                    && (header.kind != Kind::Open || fixed.aux == p);
                                if !linked || !placed || fixed.log_start > header.seq {
                                    return Err(Error::Verification);
                                }
                                last = Some(header.seq);
                                last_start = fixed.log_start;
                            }
                            Err(Error::Verification) => {
                                probe_failed |= probe == Some(Loc { page: p, off });
                            }
                            Err(e) => return Err(e),
                        }
                        off = next;
                    }
                }
            }
            self.pages[p as usize] = Page::Live { open, end: off };
        }
        let last = last.ok_or(Error::Verification)?;
        if last_start != start {
            return Err(Error::Verification);
        }
        for p in 0..g.pages {
            if self.pages[p as usize] == Page::Dirty {
                dirty += 1;
            }
        }
        // Sequence numbers a damaged header may hide are skipped, so no nonce repeats.
        let min_record = u64::from(hl) + format::align_up(format::FIXED + TAG, w) as u64;
        margin += dirty * (u64::from(g.page_size) / min_record + 1);
        self.head = head;
        self.last = last;
        self.log_start = start;
        let next = last
            .max(max_seen)
            .checked_add(1 + margin)
            .ok_or(Error::InvalidInput)?;
        self.next = self.next.max(next);
        Ok(probe_failed)
    }
}

fn check_name(name: &[u8]) -> Result<(), Error> {
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(Error::InvalidInput);
    }
    Ok(())
}
