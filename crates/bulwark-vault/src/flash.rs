//! Flash access: reads at any alignment, erased checks, padded programming, page erase.

use bulwark_api::Error;
use bulwark_api::ccm::Ccm;
use embedded_storage::nor_flash::NorFlash;
use zeroize::Zeroize;

use crate::{CHUNK, MonotonicCounter, Page, Vault, format, hw};

impl<F: NorFlash, C: Ccm, M: MonotonicCounter, const MAX_VALUE: usize> Vault<F, C, M, MAX_VALUE> {
    pub(crate) fn addr(&self, page: u32, off: u32) -> u32 {
        self.config.geometry.offset + page * self.config.geometry.page_size + off
    }

    pub(crate) fn read(&mut self, page: u32, off: u32, buf: &mut [u8]) -> Result<(), Error> {
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

    pub(crate) fn is_erased(&mut self, page: u32, off: u32, len: u32) -> Result<bool, Error> {
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
    pub(crate) fn program(&mut self, page: u32, off: u32, parts: &[&[u8]]) -> Result<(), Error> {
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

    pub(crate) fn erase(&mut self, page: u32) -> Result<(), Error> {
        let from = self.addr(page, 0);
        let to = from + self.config.geometry.page_size;
        self.pages[page as usize] = Page::Dirty;
        self.flash.erase(from, to).map_err(hw)?;
        self.pages[page as usize] = Page::Free;
        Ok(())
    }
}
