//! One record: reading its header, name and sealed body, writing a new one, and the
//! sequence numbers (with the rollback counter) that order them.

use bulwark_api::Error;
use bulwark_api::ccm::Ccm;
use embedded_storage::nor_flash::NorFlash;

use crate::format::{self, Fixed, Header, Kind, MAX_NAME, TAG, header_len, record_len};
use crate::{Loc, MonotonicCounter, Page, RollbackPolicy, Step, Vault};

impl<F: NorFlash, C: Ccm, M: MonotonicCounter, const MAX_VALUE: usize> Vault<F, C, M, MAX_VALUE> {
    pub(crate) fn step(&mut self, page: u32, off: u32) -> Result<Step, Error> {
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

    /// The next record of `page` whose header reads, at or after `*cursor`: its offset and
    /// header. Advances `*cursor` past it (past unreadable headers on the way); `None` at the
    /// end of the page's records, with `*cursor` where the next record may be written.
    pub(crate) fn next_record(
        &mut self,
        page: u32,
        cursor: &mut u32,
    ) -> Result<Option<(u32, Header)>, Error> {
        loop {
            match self.step(page, *cursor)? {
                Step::End => return Ok(None),
                Step::Bad { next } => *cursor = next,
                Step::Rec { header, next } => {
                    let off = *cursor;
                    *cursor = next;
                    return Ok(Some((off, header)));
                }
            }
        }
    }

    pub(crate) fn read_name<'n>(
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
    pub(crate) fn open_record(
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
    pub(crate) fn write_record(
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
    pub(crate) fn take_seq(&mut self) -> Result<u64, Error> {
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

    pub(crate) fn after_commit(&mut self, seq: u64) -> Result<(), Error> {
        self.last = seq;
        if self.config.policy == RollbackPolicy::EveryCommit {
            let v = u32::try_from(seq).map_err(|_| Error::InvalidInput)?;
            self.counter.advance_to(v)?;
        }
        Ok(())
    }

    /// Appends a record at the head page's end (the caller made room).
    pub(crate) fn append(
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
    pub(crate) fn open_page(&mut self, page: u32, first: bool) -> Result<(), Error> {
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
}
