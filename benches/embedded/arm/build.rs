//! Links each binary for its machine and makes the benchmark inputs with the host crates:
//!
//! - thumbv6m (Cortex-M0): QEMU `microbit` (256 KiB flash, 16 KiB RAM);
//!   thumbv7em (Cortex-M4): QEMU `mps2-an386`; riscv32: QEMU `virt`.
//! - `OUT_DIR/image.bin`: a signed MCUboot image (Ed25519, SHA-256, security counter 1) of a
//!   64 KiB body, made with `bulwark_firmware::ImageBuilder` and `bulwark_soft::Soft` on the
//!   host, and `OUT_DIR/inputs.rs`: its public key and lengths.

use std::{env, fmt::Write as _, fs, path::PathBuf};

use bulwark_api::{
    SecretBytes,
    sig::{Ed25519, Sign, Verify},
};
use bulwark_bench_ops::pattern;
use bulwark_firmware::{ImageBuilder, ImageVersion};
use bulwark_soft::Soft;

/// Body length of the benchmark image.
const IMAGE_BODY: usize = 64 * 1024;

fn hex_array(bytes: &[u8]) -> String {
    let mut s = String::from("[");
    for b in bytes {
        let _ = write!(s, "0x{b:02x},");
    }
    s.push(']');
    s
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let target = env::var("TARGET")?;
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=memory");

    let machine = if target.starts_with("thumbv6m") {
        Some("microbit")
    } else if target.starts_with("thumbv7") {
        Some("mps2-an386")
    } else if target.starts_with("riscv32") {
        Some("riscv-virt")
    } else {
        None
    };
    if let Some(machine) = machine {
        println!(
            "cargo:rustc-link-search={}",
            root.join("memory").join(machine).display()
        );
        if target.starts_with("riscv") {
            println!("cargo:rustc-link-arg=-Tmemory.x");
        }
        println!("cargo:rustc-link-arg=-Tlink.x");
    }

    // The signed image.
    let mut soft = Soft;
    let seed = SecretBytes::<32>::try_from_slice(&[0x42; 32]).map_err(|e| format!("{e:?}"))?;
    let key = Sign::<Ed25519>::import_signing_key(&mut soft, seed).map_err(|e| format!("{e:?}"))?;
    let public = Sign::<Ed25519>::signing_public(&mut soft, &key).map_err(|e| format!("{e:?}"))?;
    let public = Verify::<Ed25519>::export_public(&mut soft, &public);
    let body: Vec<u8> = (0..IMAGE_BODY).map(pattern).collect();
    let builder = ImageBuilder::new(ImageVersion::new(1, 2, 3, 4))
        .pad_header(true)
        .security_counter(Some(1));
    let mut image = vec![0u8; IMAGE_BODY + 4096];
    let len = builder
        .sign_ed25519(&mut soft, &key, &body, &mut image)
        .map_err(|e| format!("{e:?}"))?;
    image.truncate(len);
    fs::write(out.join("image.bin"), &image)?;

    let mut rs = String::new();
    writeln!(
        rs,
        "/// Length of the signed benchmark image (header, 64 KiB body, TLVs)."
    )?;
    writeln!(rs, "pub const IMAGE_LEN: usize = {len};")?;
    writeln!(rs, "/// Body length of the signed benchmark image.")?;
    writeln!(rs, "pub const IMAGE_BODY: usize = {IMAGE_BODY};")?;
    writeln!(rs, "/// The Ed25519 public key that signed the image.")?;
    writeln!(
        rs,
        "pub const IMAGE_PUBKEY: [u8; 32] = {};",
        hex_array(&public)
    )?;
    fs::write(out.join("inputs.rs"), rs)?;
    Ok(())
}
