//! The log: page order, room for a new record (opening and compacting pages), and the
//! newest authentic record of a name.

use bulwark_api::Error;
use bulwark_api::ccm::Ccm;
use embedded_storage::nor_flash::NorFlash;

use crate::format::{Header, Kind, MAX_NAME, record_len};
use crate::{Found, Loc, MAX_PAGES, MonotonicCounter, Page, Vault};

impl<F: NorFlash, C: Ccm, M: MonotonicCounter, const MAX_VALUE: usize> Vault<F, C, M, MAX_VALUE> {
    /// The live pages, oldest first.
    pub(crate) fn order(&self) -> ([u32; MAX_PAGES], usize) {
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

    pub(crate) fn open_of(&self, page: u32) -> u64 {
        match self.pages[page as usize] {
            Page::Live { open, .. } => open,
            _ => 0,
        }
    }

    pub(crate) fn free_count(&self) -> u32 {
        (0..self.config.geometry.pages)
            .filter(|&p| !matches!(self.pages[p as usize], Page::Live { .. }))
            .count() as u32
    }

    /// The next non-live page after the head, in rotation (wear levelling).
    pub(crate) fn pick_free(&self) -> Option<u32> {
        let n = self.config.geometry.pages;
        (1..=n)
            .map(|i| (self.head + i) % n)
            .find(|&p| !matches!(self.pages[p as usize], Page::Live { .. }))
    }

    pub(crate) fn head_fits(&mut self, len: u32) -> Result<bool, Error> {
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
    pub(crate) fn ensure_room(
        &mut self,
        len: u32,
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<(), Error> {
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
    pub(crate) fn compact(&mut self, scratch: &mut [u8; MAX_VALUE]) -> Result<(), Error> {
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
        let mut cursor = 0;
        while let Some((off, header)) = self.next_record(oldest, &mut cursor)? {
            if self.is_current(oldest, off, &header, scratch)? {
                live += cursor - off;
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
        let mut cursor = 0;
        while let Some((off, header)) = self.next_record(oldest, &mut cursor)? {
            if !self.is_current(oldest, off, &header, scratch)? {
                continue;
            }
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
    pub(crate) fn is_current(
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
    pub(crate) fn resolve(
        &mut self,
        name: &[u8],
        scratch: &mut [u8; MAX_VALUE],
    ) -> Result<Option<Found>, Error> {
        let mut bound = u64::MAX;
        loop {
            let mut best: Option<(Loc, Header)> = None;
            let (order, count) = self.order();
            for &p in &order[..count] {
                let mut cursor = 0;
                while let Some((off, header)) = self.next_record(p, &mut cursor)? {
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
}
