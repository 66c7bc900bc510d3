//! The ELF32 little-endian section headers of linked firmware (Cortex-M, RISC-V and AVR
//! files all are): flash, RAM and per-section sizes without binutils; and the function
//! symbols of the symbol table (addresses, sizes, demangled names) for the profiles.

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
    /// `sh_offset`: where the contents are in the file.
    pub offset: u64,
    /// `sh_link` (for a symbol table: its string table's index).
    pub link: u64,
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
                offset: le_u32(elf, h + 0x10)?,
                size: le_u32(elf, h + 0x14)?,
                link: le_u32(elf, h + 0x18)?,
            })
        })
        .collect()
}

/// The section headers of the ELF file at `path`.
pub fn read_sections(path: &Path) -> Result<Vec<Section>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    sections(&bytes).ok_or_else(|| format!("{} is not an ELF32 LE file", path.display()))
}

/// One function symbol (`STT_FUNC`) of the symbol table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name as linked (mangled).
    pub name: String,
    /// Its first instruction's address (the Thumb bit cleared).
    pub addr: u64,
    /// Its size in bytes (0 for assembly labels that declare none).
    pub size: u64,
}

/// Every function symbol of a 32-bit little-endian ELF file, sorted by address, or `None` if
/// it is not one (an empty list if it has no symbol table).
pub fn functions(elf: &[u8]) -> Option<Vec<Function>> {
    const SHT_SYMTAB: u64 = 2;
    const STT_FUNC: u8 = 2;
    const SYM_SIZE: usize = 16;
    let sections = sections(elf)?;
    let mut out = Vec::new();
    for symtab in sections.iter().filter(|s| s.kind == SHT_SYMTAB) {
        let strtab = sections.get(usize::try_from(symtab.link).ok()?)?;
        let names = elf.get(usize::try_from(strtab.offset).ok()?..)?;
        let start = usize::try_from(symtab.offset).ok()?;
        let count = usize::try_from(symtab.size).ok()? / SYM_SIZE;
        for i in 0..count {
            let at = start + i * SYM_SIZE;
            if elf.get(at + 12)? & 0xf != STT_FUNC {
                continue;
            }
            let name_off = usize::try_from(le_u32(elf, at)?).ok()?;
            let name = names.get(name_off..)?.split(|&c| c == 0).next()?;
            out.push(Function {
                name: String::from_utf8_lossy(name).into_owned(),
                addr: le_u32(elf, at + 4)? & !1,
                size: le_u32(elf, at + 8)?,
            });
        }
    }
    out.sort_by(|a, b| (a.addr, &a.name).cmp(&(b.addr, &b.name)));
    out.dedup_by(|b, a| a.addr == b.addr && a.size == b.size);
    Some(out)
}

/// The function symbols of the ELF file at `path` (see [`functions`]).
pub fn read_functions(path: &Path) -> Result<Vec<Function>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    functions(&bytes).ok_or_else(|| format!("{} is not an ELF32 LE file", path.display()))
}

/// A readable form of a Rust symbol name: the legacy scheme (`_ZN` length-prefixed path `E`,
/// the trailing `h<hash>` dropped, `$LT$`-style escapes decoded) and the paths of the v0
/// scheme (`_R`: the identifiers of the path joined by `::`, generic arguments and crate
/// disambiguators dropped). Other names (C, assembly) are returned unchanged.
pub fn demangle(name: &str) -> String {
    let legacy = name
        .strip_prefix("_ZN")
        .or_else(|| name.strip_prefix("__ZN"));
    let parts = match (legacy, name.strip_prefix("_R")) {
        (Some(rest), _) => legacy_parts(rest),
        (None, Some(rest)) => v0_idents(rest),
        (None, None) => None,
    };
    parts.map_or_else(|| name.to_owned(), |p| p.join("::"))
}

/// The path elements of a legacy-mangled name after `_ZN` (up to `E`), decoded.
fn legacy_parts(mut rest: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    while !rest.starts_with('E') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let len: usize = rest.get(..digits)?.parse().ok()?;
        let ident = rest.get(digits..digits + len)?;
        rest = &rest[digits + len..];
        parts.push(ident);
    }
    // The last element of a legacy name is its hash: `h` and 16 hex digits.
    if parts.len() > 1
        && parts.last().is_some_and(|h| {
            h.len() == 17 && h.starts_with('h') && h[1..].bytes().all(|c| c.is_ascii_hexdigit())
        })
    {
        parts.pop();
    }
    Some(parts.iter().map(|p| legacy_unescape(p)).collect())
}

/// Decodes the escapes of one legacy path element (`$LT$` -> `<`, `..` -> `::`, `$u20$` ->
/// ` `, ...).
fn legacy_unescape(s: &str) -> String {
    // An element starting with an escape gets a leading `_`.
    let s = if s.starts_with("_$") { &s[1..] } else { s };
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '$' {
            if let Some(end) = rest[1..].find('$') {
                let code = &rest[1..=end];
                let decoded = match code {
                    "SP" => Some('@'),
                    "BP" => Some('*'),
                    "RF" => Some('&'),
                    "LT" => Some('<'),
                    "GT" => Some('>'),
                    "LP" => Some('('),
                    "RP" => Some(')'),
                    "C" => Some(','),
                    _ => code
                        .strip_prefix('u')
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32),
                };
                if let Some(d) = decoded {
                    out.push(d);
                    rest = &rest[end + 2..];
                    continue;
                }
            }
        } else if rest.starts_with("..") {
            out.push_str("::");
            rest = &rest[2..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The identifiers of a v0-mangled path (after `_R`), in order: each `<decimal length>[_]
/// <ident>`, skipping crate disambiguators (`s<base62>_`) and the rest of the grammar.
fn v0_idents(rest: &str) -> Option<Vec<String>> {
    let b = rest.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b's' if i > 0 && b[i - 1] == b'C' => {
                // A crate root's disambiguator: `s<base62>_`.
                i += b[i..].iter().position(|&c| c == b'_')? + 1;
            }
            c if c.is_ascii_digit() => {
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                let len: usize = rest.get(i..i + digits)?.parse().ok()?;
                let mut at = i + digits;
                if b.get(at) == Some(&b'_') {
                    at += 1;
                }
                parts.push(rest.get(at..at + len)?.to_owned());
                i = at + len;
            }
            _ => i += 1,
        }
    }
    (!parts.is_empty()).then_some(parts)
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

    #[test]
    fn demangles_legacy_and_v0_names() {
        assert_eq!(
            demangle("_ZN15bulwark_compact10curve255198fe16_gen3mul17h977ece434486b17fE"),
            "bulwark_compact::curve25519::fe16_gen::mul"
        );
        assert_eq!(
            demangle(
                "_ZN70_$LT$bulwark_bench_arm..Runner$u20$as$u20$bulwark_bench_ops..Bench$GT$3run17h7753c09dc2073586E"
            ),
            "<bulwark_bench_arm::Runner as bulwark_bench_ops::Bench>::run"
        );
        assert_eq!(
            demangle("_ZN13bulwark_modes3ccm16CcmMode$LT$E$GT$5crypt17h8dab9bcad6d11ce0E"),
            "bulwark_modes::ccm::CcmMode<E>::crypt"
        );
        assert_eq!(
            demangle("_RNvNtCsjc7sn2q0iDy_17compiler_builtins3mem7memmove"),
            "compiler_builtins::mem::memmove"
        );
        assert_eq!(demangle("__aeabi_lmul"), "__aeabi_lmul");
    }
}
