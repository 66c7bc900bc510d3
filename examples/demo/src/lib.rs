// The workspace README is this crate's documentation, so its Rust examples are doctests that
// `cargo test --workspace` runs. The demonstration itself is the `bulwark-demo` binary
// (`src/main.rs`, run it with `cargo xtask demo`).
#![doc = include_str!("../../../README.md")]
#![forbid(unsafe_code)]
