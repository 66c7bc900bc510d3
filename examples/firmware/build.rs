//! Links each firmware binary for its machine: binaries named `*-mps2` get the MPS2 AN385
//! memory map (4 MiB), every other binary the micro:bit's (256 KiB flash, 16 KiB RAM).
//!
//! cortex-m-rt's `link.x` includes `memory.x` from the linker search path, so each binary gets
//! `-L` for exactly one of `memory/microbit/` and `memory/mps2-an385/`.
//!
//! The `device` binary embeds what the gateway provisioned it with (`provisioning.txt`,
//! `update.img`, `old.img`) from the directory `BULWARK_DEVICE_DATA` names (`cargo xtask demo`
//! sets it to a freshly generated one), or, when it is unset, from the committed demo data in
//! `device-data/`. The directory reaches the code as `BULWARK_DEVICE_DATA_DIR`.
//!
//! The `compact-diff-*` binaries include the on-target differential's cases, which this script
//! generates into `OUT_DIR` with the software backend on the host (`build/diffgen.rs`).

#[allow(dead_code)]
#[path = "src/diff_ops.rs"]
mod diff_ops;
#[path = "build/diffgen.rs"]
mod diffgen;

use std::{env, fs, path::PathBuf};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let bins = root.join("src").join("bin");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=memory");
    println!("cargo:rerun-if-changed={}", bins.display());
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=src/diff_ops.rs");
    device_data(&root);
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = diffgen::generate(&out) {
        println!("cargo:warning=cannot generate the differential cases: {e}");
        std::process::exit(1);
    }
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

/// Points `BULWARK_DEVICE_DATA_DIR` at the device's provisioning data.
fn device_data(root: &std::path::Path) {
    println!("cargo:rerun-if-env-changed=BULWARK_DEVICE_DATA");
    let (dir, origin) = match env::var_os("BULWARK_DEVICE_DATA") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            let shown = format!("BULWARK_DEVICE_DATA={}", dir.display());
            (dir, shown)
        }
        _ => (
            root.join("device-data"),
            "the committed demo data in examples/firmware/device-data".to_owned(),
        ),
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    for file in ["provisioning.txt", "update.img", "old.img"] {
        let path = dir.join(file);
        if !path.exists() {
            println!(
                "cargo:warning=the device binary needs {} (run `cargo xtask demo`, or unset \
                 BULWARK_DEVICE_DATA to use device-data/)",
                path.display()
            );
        }
    }
    // No rerun-if-changed for the files: rustc's dep-info tracks `include_bytes!`, so new data
    // rebuilds only the `device` binary, not the whole package.
    println!("cargo:rustc-env=BULWARK_DEVICE_DATA_DIR={}", dir.display());
    println!("cargo:rustc-env=BULWARK_DEVICE_DATA_ORIGIN={origin}");
}
