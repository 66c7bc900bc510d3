//! The sealed store (`bulwark-vault`) over a flash region in RAM: mount of a store holding
//! six 64-byte values, then a get and a put (overwrite) of a 64-byte value, AES-128-CCM of
//! the software backend. Values up to 256 bytes (`MAX_VALUE`), 4 pages of 512 bytes, write size 4.

use bulwark_soft::{CcmMode, SoftAes};
use bulwark_vault::{Config, Geometry, NoCounter, RollbackPolicy, Vault};
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};

use crate::{Bench, fill};

const PAGE: usize = 512;
const PAGES: usize = 4;

/// NOR flash in RAM (erase to 0xff, programming clears bits).
pub struct RamFlash([u8; PAGE * PAGES]);

/// The RAM flash's (never returned) error.
#[derive(Debug)]
pub struct RamError;

impl NorFlashError for RamError {
    fn kind(&self) -> NorFlashErrorKind {
        NorFlashErrorKind::OutOfBounds
    }
}

impl ErrorType for RamFlash {
    type Error = RamError;
}

impl ReadNorFlash for RamFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), RamError> {
        let at = offset as usize;
        let src = self.0.get(at..at + bytes.len()).ok_or(RamError)?;
        bytes.copy_from_slice(src);
        Ok(())
    }

    fn capacity(&self) -> usize {
        PAGE * PAGES
    }
}

impl NorFlash for RamFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = PAGE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), RamError> {
        self.0
            .get_mut(from as usize..to as usize)
            .ok_or(RamError)?
            .fill(0xff);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), RamError> {
        let at = offset as usize;
        let dst = self.0.get_mut(at..at + bytes.len()).ok_or(RamError)?;
        for (d, s) in dst.iter_mut().zip(bytes) {
            *d &= s;
        }
        Ok(())
    }
}

type BenchVault<'f> = Vault<&'f mut RamFlash, CcmMode<SoftAes>, NoCounter, 256>;

const CONFIG: Config = Config {
    id: *b"bench-vault-0001",
    geometry: Geometry {
        offset: 0,
        page_size: PAGE as u32,
        pages: PAGES as u32,
        write_size: 4,
    },
    policy: RollbackPolicy::None,
};

const KEY: [u8; 16] = *b"vault-bench-key!";
const NAMES: [&[u8]; 6] = [
    b"link-key",
    b"storage-key",
    b"frame-counter",
    b"trust-0",
    b"trust-1",
    b"session",
];

fn engine() -> Option<CcmMode<SoftAes>> {
    SoftAes::new(&KEY).ok().map(CcmMode::new)
}

/// Mount, get and put of 64-byte values; `vault-mount` reads and authenticates a store of
/// six 64-byte values (two pages).
pub fn vault<R: Bench>(r: &mut R) {
    let mut flash = RamFlash([0xff; PAGE * PAGES]);
    let mut value = [0u8; 64];
    fill(&mut value);
    let prepared = engine().and_then(|ccm| {
        let mut v: BenchVault<'_> = Vault::format(&mut flash, ccm, NoCounter, &CONFIG).ok()?;
        for (i, name) in NAMES.iter().enumerate() {
            value[0] = i as u8;
            v.put(name, &value).ok()?;
        }
        Some(())
    });
    r.step("vault-setup", prepared.is_some());
    let Some(ccm) = engine() else {
        return r.fail("vault-mount");
    };
    r.run(
        "vault-mount",
        (&mut flash, ccm),
        |(f, c)| {
            BenchVault::mount(f, c, NoCounter, &CONFIG)
                .ok()
                .map(|v| v.release().1)
        },
        |c| c.is_some(),
    );
    let Some(ccm) = engine() else {
        return r.fail("vault-get-64");
    };
    let Ok(mut v) = BenchVault::mount(&mut flash, ccm, NoCounter, &CONFIG) else {
        return r.fail("vault-get-64");
    };
    value[0] = 2;
    let expected = value;
    r.run(
        "vault-get-64",
        &mut v,
        |v| {
            let mut out = [0u8; 64];
            let got = v.get(b"frame-counter", &mut out);
            (got, out)
        },
        |(got, out)| got == Ok(Some(64)) && out == expected,
    );
    value[0] = 0xee;
    let new = value;
    r.run(
        "vault-put-64",
        (&mut v, new),
        |(v, new)| v.put(b"frame-counter", &new).is_ok(),
        |ok| ok,
    );
    let mut out = [0u8; 64];
    r.step(
        "vault-put-64 read back",
        v.get(b"frame-counter", &mut out) == Ok(Some(64)) && out == new,
    );
}
