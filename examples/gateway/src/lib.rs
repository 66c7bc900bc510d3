//! The gateway side of bulwark's end-to-end demo (`cargo xtask demo`).
//!
//! 1. [`provision`]: like a factory and a gateway commissioning one device, it generates the
//!    device's out-of-band code (the label), the gateway's X25519 key and an Ed25519 update
//!    key, signs two MCUboot images with `bulwark_firmware::ImageBuilder` (the update and an
//!    older release), and writes what the device is flashed with into `DIR/device/` and its
//!    own secret state into `DIR/gateway/`.
//! 2. The device runs: as Cortex-M0 firmware in QEMU (`examples/firmware`, binary `device`,
//!    built with `BULWARK_DEVICE_DATA=DIR/device`), or, without QEMU, the same `no_std` code
//!    on the host ([`device_on_host`]). Its output is saved.
//! 3. [`complete`]: the gateway reads the device's output, looks the device up by its PSK
//!    identity in its database (derived from the codes it knows), opens the sealed readings
//!    with the link key (refusing a tampered frame and a replay), completes the X25519
//!    exchange and checks the device's key-confirmation tag, and checks that the device
//!    installed the update it signed.
//!
//! Everything here is a demonstration: the gateway's secrets and the device codes are sealed
//! in a vault file (`bulwark-vault`), but its key sits beside it in `DIR/gateway/vault.key`
//! (a real gateway keeps that key in a TPM or HSM); the device directory holds its secrets in
//! plain text (what a factory flashes).

#![forbid(unsafe_code)]

use bulwark::{
    DefaultProvider, Error, Provider, Rng, SecretBytes,
    ccm::{CcmStar, ieee802154_nonce},
    kex::{KeyAgreement, X25519},
    sig::{EcdsaP256, Ed25519, Sign, Verify},
};
use bulwark_example_device::protocol::{
    self, FrameInfo, HEADER_LEN, Hex, Reading, decode_hex, tag,
};
use bulwark_example_device::{Outcome, Provisioning, RamCounter};
use bulwark_firmware::{AlgorithmId, ImageBuilder, ImageVersion, Verifier};
use bulwark_psk::{DeviceIdentity, DeviceRoot, OobCode};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::{fmt, fs, io};
use zeroize::Zeroizing;

/// The demo device's EUI-64 (its 802.15.4 extended address and PSK device id).
pub const DEVICE_EUI64: [u8; 8] = [0x00, 0x12, 0x4b, 0x00, 0x12, 0x34, 0x56, 0x78];
/// The key epoch the demo provisions.
pub const EPOCH: u32 = 0;
/// The update's version and security counter.
pub const UPDATE_VERSION: ImageVersion = ImageVersion::new(1, 3, 0, 7);
/// The update's security counter.
pub const UPDATE_COUNTER: u32 = 3;
/// The older release's version.
pub const OLD_VERSION: ImageVersion = ImageVersion::new(1, 2, 0, 4);
/// The older release's security counter, which is also the device's counter before the
/// update (it runs that release).
pub const OLD_COUNTER: u32 = 2;
/// The size of the demo firmware bodies.
pub const BODY_LEN: usize = 2048;

/// The backend the gateway runs on: the facade's [`DefaultProvider`] of this build
/// (`bulwark_server::Server` with the `server` feature, `bulwark_soft::Soft` without).
pub fn backend() -> &'static str {
    core::any::type_name::<DefaultProvider>()
}

/// The operating system's random generator (`getrandom`).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandom;

impl Rng for OsRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|_| Error::Hardware)
    }
}

/// Any failure of the gateway: a message for the person running the demo.
#[derive(Debug)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(format!("crypto error: {e}"))
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("I/O error: {e}"))
    }
}

impl From<fmt::Error> for Failure {
    fn from(_: fmt::Error) -> Self {
        Failure("formatting error".to_owned())
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure(message.into()))
}

fn hex(bytes: &[u8]) -> String {
    Hex(bytes).to_string()
}

fn fixed<const N: usize>(text: &str, what: &str) -> Result<[u8; N], Failure> {
    let mut out = [0u8; N];
    decode_hex(text, &mut out)
        .ok_or_else(|| Failure(format!("device output: bad {what} `{text}`")))?;
    Ok(out)
}

fn var_hex(text: &str, what: &str) -> Result<Vec<u8>, Failure> {
    let mut out = vec![0u8; text.len() / 2];
    decode_hex(text, &mut out)
        .ok_or_else(|| Failure(format!("device output: bad {what} `{text}`")))?;
    Ok(out)
}

/// A demo firmware body: a recognisable text, then a counting pattern.
fn firmware_body(version: ImageVersion) -> Vec<u8> {
    let mut body = format!("bulwark demo firmware {version}\n").into_bytes();
    let mut i = 0u8;
    while body.len() < BODY_LEN {
        body.push(i);
        i = i.wrapping_add(1);
    }
    body
}

/// Signs a body as MCUboot image `version` with `counter` in the protected area.
fn sign_image(
    key: &<DefaultProvider as Sign<Ed25519>>::SigningKey,
    version: ImageVersion,
    counter: u32,
) -> Result<Vec<u8>, Failure> {
    let builder = ImageBuilder::new(version)
        .pad_header(true)
        .security_counter(Some(counter));
    let body = firmware_body(version);
    let max = builder
        .max_image_len(AlgorithmId::Ed25519, body.len())
        .map_err(|e| Failure(format!("image size: {e:?}")))?;
    let mut out = vec![0u8; max];
    let len = builder
        .sign_ed25519(&mut DefaultProvider::default(), key, &body, &mut out)
        .map_err(|e| Failure(format!("signing the image: {e:?}")))?;
    out.truncate(len);
    Ok(out)
}

/// Where the demo's data goes by default: `target/bulwark-demo` of the workspace.
pub fn default_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("target")
        .join("bulwark-demo")
}

mod commission;
mod complete;
mod database;
mod vault_file;
pub use vault_file::commissioned_codes;
mod device;

pub use commission::*;
pub use complete::*;
pub use database::*;
pub use device::*;
