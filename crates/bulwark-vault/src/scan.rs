//! The full check of the log at mount (and when a newest record fails authentication).

use bulwark_api::Error;
use bulwark_api::ccm::Ccm;
use embedded_storage::nor_flash::NorFlash;
use zeroize::Zeroize;

use crate::format::{self, Kind, TAG, header_len};
use crate::{Loc, MonotonicCounter, Page, Step, Vault};

impl<F: NorFlash, C: Ccm, M: MonotonicCounter, const MAX_VALUE: usize> Vault<F, C, M, MAX_VALUE> {
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
    pub(crate) fn scan(&mut self, probe: Option<Loc>) -> Result<bool, Error> {
        let mut scratch = [0u8; MAX_VALUE];
        let result = self.scan_inner(probe, &mut scratch);
        scratch.zeroize();
        result
    }

    pub(crate) fn scan_inner(
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
        let mut cursor = 0;
        while let Some((off, header)) = self.next_record(head, &mut cursor)? {
            match self.open_record(Loc { page: head, off }, &header, scratch) {
                Ok(fixed) => start = Some(fixed.log_start),
                Err(Error::Verification) => {}
                Err(e) => return Err(e),
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
