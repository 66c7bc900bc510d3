//! The ELF32 little-endian section headers of linked firmware (Cortex-M, RISC-V and AVR
//! files all are): flash, RAM and per-section sizes without binutils.

use std::fs;
use std::path::Path;

fn le_u16(b: &[u8], at: usize) -> Option<u64> {
    let bytes = b.get(at..at + 2)?;
    Some(u64::from(u16::from_le_bytes(bytes.try_into().ok()?)))
}

fn le_u32(b: &[u8], at: usize) -> Option<u64> {
    let bytes = b.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes(bytes.try_into().ok()?)))
}

/// One section header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The section's name (`.text`, ...).
    pub name: Vec<u8>,
    /// `sh_type` (8: `SHT_NOBITS`, no contents in the file).
    pub kind: u64,
    /// `sh_flags` (2: `SHF_ALLOC`, occupies memory at run time).
    pub flags: u64,
    /// `sh_addr`.
    pub addr: u64,
    /// `sh_size`.
    pub size: u64,
}

/// Every section header of a 32-bit little-endian ELF file, or `None` if it is not one.
pub fn sections(elf: &[u8]) -> Option<Vec<Section>> {
    if elf.get(..6)? != b"\x7fELF\x01\x01" {
        return None;
    }
    let shoff = usize::try_from(le_u32(elf, 0x20)?).ok()?;
    let shentsize = usize::try_from(le_u16(elf, 0x2e)?).ok()?;
    let shnum = usize::try_from(le_u16(elf, 0x30)?).ok()?;
    let shstrndx = usize::try_from(le_u16(elf, 0x32)?).ok()?;
    let header = |i: usize| shoff.checked_add(i.checked_mul(shentsize)?);
    let strtab = usize::try_from(le_u32(elf, header(shstrndx)? + 0x10)?).ok()?;
    (0..shnum)
        .map(|i| {
            let h = header(i)?;
            let name_off = usize::try_from(le_u32(elf, h)?).ok()?;
            let name = elf.get(strtab.checked_add(name_off)?..)?;
            Some(Section {
                name: name.split(|&c| c == 0).next()?.to_vec(),
                kind: le_u32(elf, h + 0x04)?,
                flags: le_u32(elf, h + 0x08)?,
                addr: le_u32(elf, h + 0x0c)?,
                size: le_u32(elf, h + 0x14)?,
            })
        })
        .collect()
}

/// The section headers of the ELF file at `path`.
pub fn read_sections(path: &Path) -> Result<Vec<Section>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    sections(&bytes).ok_or_else(|| format!("{} is not an ELF32 LE file", path.display()))
}

/// The size of the section called `name` (0 if there is none).
pub fn size_of(sections: &[Section], name: &str) -> u64 {
    sections
        .iter()
        .find(|s| s.name == name.as_bytes())
        .map_or(0, |s| s.size)
}

/// Flash and static RAM of one linked firmware, from its ELF section headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Bytes stored in flash: every allocated section with contents (`.vector_table`,
    /// `.text`, `.rodata`, and `.data`'s initial values).
    pub flash: u64,
    /// Bytes of RAM taken before the stack: allocated sections placed at or above
    /// `0x2000_0000` (`.data`, `.bss`, `.uninit`).
    pub ram: u64,
    /// `.text` alone (code).
    pub text: u64,
    /// `.rodata` alone (constants: the compiled-in vector files).
    pub rodata: u64,
}

/// The [`Footprint`] of a Cortex-M ELF file, from its section headers.
pub fn footprint(elf: &[u8]) -> Option<Footprint> {
    Some(footprint_of(&sections(elf)?))
}

/// The [`Footprint`] of the Cortex-M or RISC-V ELF file at `path`.
pub fn read_footprint(path: &Path) -> Result<Footprint, String> {
    read_sections(path).map(|s| footprint_of(&s))
}

fn footprint_of(sections: &[Section]) -> Footprint {
    const SHF_ALLOC: u64 = 0x2;
    const SHT_NOBITS: u64 = 8;
    const RAM_START: u64 = 0x2000_0000;
    let mut fp = Footprint::default();
    for s in sections.iter().filter(|s| s.flags & SHF_ALLOC != 0) {
        if s.kind != SHT_NOBITS {
            fp.flash += s.size;
        }
        if s.addr >= RAM_START {
            fp.ram += s.size;
        }
    }
    fp.text = size_of(sections, ".text");
    fp.rodata = size_of(sections, ".rodata");
    fp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footprint_of_a_minimal_elf() {
        // ELF32 LE header, then three section headers: null, .text (alloc, 100 bytes at 0x0),
        // .bss (alloc, nobits, 8 bytes at 0x2000_0000), .shstrtab (names).
        let names = b"\0.text\0.bss\0.shstrtab\0";
        let mut elf = vec![0u8; 0x34];
        elf[..6].copy_from_slice(b"\x7fELF\x01\x01");
        let strtab_off = elf.len();
        elf.extend_from_slice(names);
        let shoff = elf.len();
        elf[0x20..0x24].copy_from_slice(&(shoff as u32).to_le_bytes());
        elf[0x2e..0x30].copy_from_slice(&40u16.to_le_bytes());
        elf[0x30..0x32].copy_from_slice(&4u16.to_le_bytes());
        elf[0x32..0x34].copy_from_slice(&3u16.to_le_bytes());
        let mut section = |name: u32, kind: u32, flags: u32, addr: u32, off: u32, size: u32| {
            let mut h = [0u8; 40];
            for (i, v) in [name, kind, flags, addr, off, size].iter().enumerate() {
                h[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            elf.extend_from_slice(&h);
        };
        section(0, 0, 0, 0, 0, 0);
        section(1, 1, 6, 0, 0, 100);
        section(7, 8, 3, 0x2000_0000, 0, 8);
        section(12, 3, 0, 0, strtab_off as u32, names.len() as u32);
        let fp = footprint(&elf).unwrap();
        assert_eq!(
            fp,
            Footprint {
                flash: 100,
                ram: 8,
                text: 100,
                rodata: 0
            }
        );
        assert_eq!(footprint(b"not an elf"), None);
    }
}
