//! Mounting a sealed vault (`bulwark_vault::Vault`) from flash bytes the attacker changed.
//!
//! Once per process a store of 3 pages of 512 bytes (write size 4, no rollback counter) is
//! formatted and written by a fixed history: 24 puts of 5 names with values of 0 to 60 bytes,
//! a delete, enough to rotate pages and compact. The image after each step is kept.
//!
//! Input: snapshot (u8, which step's image), start offset (u16), then a mask (rest) XORed
//! into the image from that offset (wrapping around).
//!
//! Asserts, besides never panicking: mount succeeds or fails with `Verification` only; every
//! name it lists was written; `get` of every name either fails with `Verification` (output
//! zeroed) or returns `None` or a value that was put under that name at or before the
//! snapshot, never anything else; when every read succeeds, the whole store reads as the
//! state after some prefix of the history (a tail can look cut off by a power failure, nothing
//! else). Then a `put` that succeeds reads back exactly.
#![no_main]

use bulwark_api::Error;
use bulwark_fuzz::Reader;
use bulwark_soft::{SoftAes, SoftCcm};
use bulwark_vault::{Config, Geometry, NoCounter, RollbackPolicy, Vault};
use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const PAGES: u32 = 3;
const PAGE: u32 = 512;
const WORD: usize = 4;
const ERASE: usize = 128;
const MAX_VALUE: usize = 64;
const KEY: [u8; 16] = *b"vault fuzz key!!";
const NAMES: [&[u8]; 5] = [
    b"link-key",
    b"frame-counter",
    b"t",
    b"trust-anchor-0001",
    b"gone",
];

#[derive(Debug)]
struct FlashError(NorFlashErrorKind);

impl NorFlashError for FlashError {
    fn kind(&self) -> NorFlashErrorKind {
        self.0
    }
}

/// NOR flash in RAM: erased is 0xff, a word is programmed once between erases (a write to a
/// word that is not erased is refused, as on flash with ECC), so a write either lands exactly
/// or fails.
#[derive(Clone)]
struct Ram(Vec<u8>);

impl ErrorType for Ram {
    type Error = FlashError;
}

impl ReadNorFlash for Ram {
    const READ_SIZE: usize = 1;
    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), FlashError> {
        let o = offset as usize;
        let src = self
            .0
            .get(o..o + bytes.len())
            .ok_or(FlashError(NorFlashErrorKind::OutOfBounds))?;
        bytes.copy_from_slice(src);
        Ok(())
    }
    fn capacity(&self) -> usize {
        self.0.len()
    }
}

impl NorFlash for Ram {
    const WRITE_SIZE: usize = WORD;
    const ERASE_SIZE: usize = ERASE;
    fn erase(&mut self, from: u32, to: u32) -> Result<(), FlashError> {
        let (from, to) = (from as usize, to as usize);
        if !from.is_multiple_of(ERASE)
            || !to.is_multiple_of(ERASE)
            || from > to
            || to > self.0.len()
        {
            return Err(FlashError(NorFlashErrorKind::NotAligned));
        }
        self.0[from..to].fill(0xff);
        Ok(())
    }
    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), FlashError> {
        let o = offset as usize;
        if !o.is_multiple_of(WORD)
            || !bytes.len().is_multiple_of(WORD)
            || o + bytes.len() > self.0.len()
        {
            return Err(FlashError(NorFlashErrorKind::NotAligned));
        }
        for (i, chunk) in bytes.chunks(WORD).enumerate() {
            let at = o + i * WORD;
            let erased = self.0[at..at + WORD].iter().all(|&b| b == 0xff);
            if !erased && chunk.iter().any(|&b| b != 0xff) {
                return Err(FlashError(NorFlashErrorKind::Other));
            }
        }
        for (d, s) in self.0[o..o + bytes.len()].iter_mut().zip(bytes) {
            *d &= s;
        }
        Ok(())
    }
}

type Model = BTreeMap<&'static [u8], Vec<u8>>;
type V<'a> = Vault<&'a mut Ram, SoftCcm, NoCounter, MAX_VALUE>;

fn config() -> Config {
    Config {
        id: *b"fuzz/vault/0001!",
        geometry: Geometry {
            offset: 0,
            page_size: PAGE,
            pages: PAGES,
            write_size: WORD as u32,
        },
        policy: RollbackPolicy::None,
    }
}

fn ccm() -> SoftCcm {
    SoftCcm::new(SoftAes::new(&KEY).unwrap())
}

/// The images after each step and the model after each step (`states[0]` is the empty
/// store, `states[i + 1]` the one of `images[i]`).
struct History {
    images: Vec<Vec<u8>>,
    states: Vec<Model>,
}

fn history() -> &'static History {
    static H: OnceLock<History> = OnceLock::new();
    H.get_or_init(|| {
        let mut flash = Ram(vec![0xff; (PAGES * PAGE) as usize]);
        let mut images = Vec::new();
        let mut states = vec![Model::new()];
        let mut model = Model::new();
        let mut x: u32 = 0x1234_5678;
        let v: V<'_> = Vault::format(&mut flash, ccm(), NoCounter, &config()).unwrap();
        drop(v);
        images.push(flash.0.clone());
        states.push(model.clone());
        for step in 0..24usize {
            let mut v: V<'_> = Vault::mount(&mut flash, ccm(), NoCounter, &config()).unwrap();
            if step == 9 {
                assert!(v.delete(b"gone").unwrap());
                model.remove(&b"gone"[..]);
            } else {
                let name = NAMES[step % NAMES.len()];
                let len = (step * 13) % 61;
                let value: Vec<u8> = (0..len)
                    .map(|_| {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        (x >> 16) as u8
                    })
                    .collect();
                v.put(name, &value).unwrap();
                model.insert(name, value);
            }
            drop(v);
            images.push(flash.0.clone());
            states.push(model.clone());
        }
        // The state of `images[i]` is `states[i + 1]`; `states[0]` is before the format.
        History { images, states }
    })
}

fuzz_target!(|data: &[u8]| {
    let h = history();
    let mut r = Reader::new(data);
    let snap = usize::from(r.u8()) % h.images.len();
    let start = usize::from(r.u16());
    let mask = r.rest();
    let mut flash = Ram(h.images[snap].clone());
    let n = flash.0.len();
    for (i, m) in mask.iter().enumerate().take(n) {
        flash.0[(start + i) % n] ^= m;
    }
    // Prefix states reachable from this snapshot: the format itself up to the snapshot.
    let reachable = &h.states[1..=snap + 1];

    let cfg = config();
    let mut v: V<'_> = match Vault::mount(&mut flash, ccm(), NoCounter, &cfg) {
        Ok(v) => v,
        Err(e) => {
            assert_eq!(e, Error::Verification, "mount: unexpected error");
            return;
        }
    };
    let mut listed = Vec::new();
    match v.for_each_name(|n| listed.push(n.to_vec())) {
        Ok(()) => {
            for n in &listed {
                assert!(
                    NAMES.contains(&n.as_slice()),
                    "listed a name never written: {n:?}"
                );
            }
        }
        Err(e) => assert_eq!(e, Error::Verification, "list: unexpected error"),
    }
    let mut read = Model::new();
    let mut all_read = true;
    let mut out = [0x5au8; MAX_VALUE + 8];
    for name in NAMES.iter().copied().chain([&b"never-written"[..]]) {
        out.fill(0x5a);
        match v.get(name, &mut out) {
            Ok(Some(len)) => {
                let got = &out[..len];
                assert!(
                    reachable
                        .iter()
                        .any(|s| s.get(name).is_some_and(|w| w == got)),
                    "{name:?}: a value never put under this name: {got:02x?}"
                );
                read.insert(name, got.to_vec());
            }
            Ok(None) => {}
            Err(e) => {
                assert_eq!(e, Error::Verification, "get: unexpected error");
                assert!(out.iter().all(|&b| b == 0), "output not zeroed on error");
                all_read = false;
            }
        }
    }
    if all_read {
        assert!(
            reachable.iter().any(|s| *s == read),
            "the store reads as no state of its history: {read:02x?}"
        );
        let listed_ok = listed.iter().all(|n| read.contains_key(n.as_slice()));
        assert!(listed_ok, "listed a name that has no value");
    }
    // Writing after a mount: a put that succeeds reads back exactly.
    let value = [0xc3u8; 21];
    if v.put(b"t", &value).is_ok() {
        let got = v.get(b"t", &mut out);
        assert_eq!(got, Ok(Some(value.len())), "put then get");
        assert_eq!(out[..value.len()], value);
    }
});
