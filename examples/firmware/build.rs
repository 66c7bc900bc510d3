//! Links each firmware binary for its machine: binaries named `*-mps2` get the MPS2 AN385
//! memory map (4 MiB), every other binary the micro:bit's (256 KiB flash, 16 KiB RAM).
//!
//! cortex-m-rt's `link.x` includes `memory.x` from the linker search path, so each binary gets
//! `-L` for exactly one of `memory/microbit/` and `memory/mps2-an385/`.

use std::{env, fs, path::PathBuf};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let bins = root.join("src").join("bin");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=memory");
    println!("cargo:rerun-if-changed={}", bins.display());
    let Ok(entries) = fs::read_dir(&bins) else {
        println!("cargo:warning=no src/bin directory at {}", bins.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let machine = if name.ends_with("-mps2") {
            "mps2-an385"
        } else {
            "microbit"
        };
        let dir = root.join("memory").join(machine);
        println!("cargo:rustc-link-arg-bin={name}=-L{}", dir.display());
        println!("cargo:rustc-link-arg-bin={name}=-Tlink.x");
    }
}
