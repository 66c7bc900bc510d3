//! Declares the `aes_backend` cfg (set through RUSTFLAGS for the forced-software AES run), so
//! `cfg!(aes_backend = "soft")` in the harness is an expected cfg.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(aes_backend, values(\"soft\"))");
}
