//! The device side of bulwark's gateway demo, as a `no_std` library with no `unsafe`.
//!
//! [`run`] is everything the device does in one boot: it derives its keys from its
//! out-of-band code, seals sensor readings as IEEE 802.15.4 frames with CCM*, completes an
//! X25519 exchange with the gateway and proves it holds the session key, verifies a signed
//! MCUboot update streamed from flash (and refuses a tampered and a rolled-back one), and, for
//! its non-IP links (bulwark-links), resolves a BLE resolvable private address made from its
//! identity resolving key and derives a Zigbee link key from an install code. It
//! prints what it did to any [`core::fmt::Write`], with `@tag hex` lines the gateway reads (see [`protocol::tag`]).
//!
//! It links no test code: the PSK derivation vectors are checked on the same target by the
//! conformance binary `conformance-psk` of `examples/firmware`, not at boot.
//!
//! The same code runs in two places:
//! - `examples/firmware`, binary `device`: Cortex-M0 firmware (BBC micro:bit, nRF51) in QEMU
//!   or on hardware, output over semihosting, randomness from the nRF51 RNG;
//! - `examples/gateway` (`bulwark-gateway device-on-host`): on the host, when QEMU is not
//!   available.
//!
//! What a device is provisioned with (its label's code, its EUI-64, the gateway's public
//! key, the update key, the update images) comes from the gateway, as [`Provisioning`].

#![no_std]
#![forbid(unsafe_code)]

mod door;
mod links;
pub mod protocol;
mod provisioning;
mod stand_ins;
mod update;
mod vault;

pub use links::{INSTALL_CODE, INSTALL_CODE_LINK_KEY, IRK_PURPOSE, LinkEngines};
pub use provisioning::{CHUNK_LEN, Provisioning, TrustRecords};
pub use stand_ins::{NotATrng, RamCounter, TamperedFlash};
pub use vault::DemoFlash;

use bulwark::{
    DefaultProvider, Error, HazmatProvider, Provider, Rng, SecretBytes,
    ccm::{CcmStar, SecurityLevel, ieee802154_nonce},
    kex::{KeyAgreement, X25519},
};
use bulwark_psk::{DeviceRoot, parse_code_into};
use core::fmt::Write;
use protocol::{Hex, Reading, tag};

/// The tally of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Checks that gave the expected result.
    pub passed: usize,
    /// Checks that did not.
    pub failed: usize,
}

impl Outcome {
    /// Whether every check passed (and there was at least one).
    pub fn success(&self) -> bool {
        self.failed == 0 && self.passed > 0
    }

    /// Counts one check and prints it to `out` as `  [ok] WHAT` or `  [FAIL] WHAT`.
    pub fn check<W: Write + ?Sized>(
        &mut self,
        out: &mut W,
        ok: bool,
        what: &str,
    ) -> core::fmt::Result {
        if ok {
            self.passed += 1;
            writeln!(out, "  [ok] {what}")
        } else {
            self.failed += 1;
            writeln!(out, "  [FAIL] {what}")
        }
    }
}

struct Run<'w, W: Write, P: Provider> {
    out: &'w mut W,
    outcome: Outcome,
    provider: &'w mut P,
}

impl<W: Write, P: Provider> Run<'_, W, P> {
    fn check(&mut self, ok: bool, what: &str) -> core::fmt::Result {
        self.outcome.check(self.out, ok, what)
    }

    /// Records an unexpected error of a step as a failed check.
    fn error(&mut self, step: &str, e: impl core::fmt::Display) -> core::fmt::Result {
        self.outcome.failed += 1;
        writeln!(self.out, "  [FAIL] {step}: {e}")
    }
}

/// The keys the device derives from its code.
struct DeviceKeys {
    link: SecretBytes<16>,
    session_salt: SecretBytes<32>,
    irk: SecretBytes<16>,
    storage: SecretBytes<32>,
}

/// Everything the device does in one boot; see the crate documentation. `rng` provides the
/// ephemeral X25519 secret and `rng_name` says what it is (printed).
///
/// Every operation runs on the build's [`DefaultProvider`]; [`run_with`] takes any backend.
///
/// Returns the tally (the caller turns it into the exit status), or a write error of `out`.
pub fn run<W: Write, R: Rng + ?Sized>(
    p: &Provisioning<'_>,
    rng: &mut R,
    rng_name: &str,
    out: &mut W,
) -> Result<Outcome, core::fmt::Error> {
    run_with(&mut DefaultProvider::default(), p, rng, rng_name, out)
}

/// [`run`] on the backend `provider`.
pub fn run_with<P: HazmatProvider, W: Write, R: Rng + ?Sized>(
    provider: &mut P,
    p: &Provisioning<'_>,
    rng: &mut R,
    rng_name: &str,
    out: &mut W,
) -> Result<Outcome, core::fmt::Error> {
    let mut r = Run {
        out,
        outcome: Outcome::default(),
        provider,
    };
    let address = u64::from_be_bytes(p.eui64);

    writeln!(
        r.out,
        "\n== device: keys from the out-of-band code (bulwark-psk)"
    )?;
    let keys = match derive_keys(&mut r, p)? {
        Some(keys) => keys,
        None => return finish(r),
    };

    writeln!(
        r.out,
        "\n== device: keys and frame counter kept in a sealed vault in flash (bulwark-vault)"
    )?;
    // The frames below use counters 1 and 2: persisted before sending.
    vault::keep_in_vault(&mut r, &keys, &p.eui64, 2)?;

    writeln!(
        r.out,
        "\n== device: sensor readings sealed with CCM* under the link key"
    )?;
    let reading = Reading {
        centi_celsius: 2150,
        centi_percent_rh: 4000,
    };
    writeln!(
        r.out,
        "reading (fixed demo value, no sensor in QEMU): {reading}"
    )?;
    let mut ccm = match r.provider.ccm(keys.link.expose_secret()) {
        Ok(ccm) => ccm,
        Err(e) => {
            r.error("link key engine", e)?;
            return finish(r);
        }
    };
    for (counter, level) in [
        (1u32, SecurityLevel::EncMic64),
        (2, SecurityLevel::EncMic32),
    ] {
        seal_frame(&mut r, &mut ccm, address, counter, level, reading)?;
    }

    writeln!(
        r.out,
        "\n== device: X25519 exchange with the gateway, session key by HKDF"
    )?;
    exchange(&mut r, p, &keys, rng, rng_name)?;

    writeln!(
        r.out,
        "\n== device: signed update in flash (bulwark-firmware)"
    )?;
    update::update(&mut r, p)?;

    writeln!(
        r.out,
        "\n== device: non-IP links (bulwark-links): BLE private address, Zigbee install code"
    )?;
    links::links(&mut r, &keys, rng)?;
    writeln!(
        r.out,
        "\n== device: the door lock's trust chains (bulwark-trust)"
    )?;
    door::door_lock(&mut r, &p.trust)?;

    finish(r)
}

fn finish<W: Write, P: HazmatProvider>(r: Run<'_, W, P>) -> Result<Outcome, core::fmt::Error> {
    let o = r.outcome;
    let verdict = if o.success() { "ok" } else { "failed" };
    writeln!(
        r.out,
        "{} {verdict} passed={} failed={}",
        tag::RESULT,
        o.passed,
        o.failed
    )?;
    Ok(o)
}

fn derive_keys<W: Write, P: Provider>(
    r: &mut Run<'_, W, P>,
    p: &Provisioning<'_>,
) -> Result<Option<DeviceKeys>, core::fmt::Error> {
    let mut secret = SecretBytes::<16>::zeroed();
    if let Err(e) = parse_code_into(p.code, &mut secret) {
        r.error("the label's code", e)?;
        return Ok(None);
    }
    let root = match DeviceRoot::from_code_secret(r.provider, &secret, &p.eui64, p.epoch) {
        Ok(root) => root,
        Err(e) => {
            r.error("device root", e)?;
            return Ok(None);
        }
    };
    let mut keys = DeviceKeys {
        link: SecretBytes::zeroed(),
        session_salt: SecretBytes::zeroed(),
        irk: SecretBytes::zeroed(),
        storage: SecretBytes::zeroed(),
    };
    let identity = root.identity(r.provider);
    let link = root.link_key(r.provider, &mut keys.link);
    let salt = root
        .purpose_key(
            r.provider,
            protocol::SESSION_SALT_PURPOSE,
            &mut keys.session_salt,
        )
        .and_then(|()| root.storage_key(r.provider, &mut keys.storage));
    writeln!(
        r.out,
        "code from the label (28 symbols, not printed), EUI-64 {}, epoch {}",
        Hex(&p.eui64),
        p.epoch
    )?;
    let irk = root.purpose_key(r.provider, IRK_PURPOSE, &mut keys.irk);
    match (identity, link, salt, irk) {
        (Ok(identity), Ok(()), Ok(()), Ok(())) => {
            writeln!(
                r.out,
                "derived: device root -> identity, link key (AES-128), session salt, BLE IRK, storage key"
            )?;
            writeln!(r.out, "{} {}", tag::IDENTITY, Hex(identity.as_bytes()))?;
            r.check(
                true,
                "identity, link key and session salt derived from the code",
            )?;
            Ok(Some(keys))
        }
        _ => {
            r.error("purpose keys", "HKDF failed")?;
            Ok(None)
        }
    }
}

fn seal_frame<W: Write, P: Provider>(
    r: &mut Run<'_, W, P>,
    ccm: &mut P::Ccm,
    address: u64,
    counter: u32,
    level: SecurityLevel,
    reading: Reading,
) -> core::fmt::Result {
    // A real node persists the frame counter before sending: a (key, nonce) pair must never
    // protect two frames.
    let sequence = counter as u8;
    let header = protocol::frame_header(address, sequence, level, counter);
    let nonce = ieee802154_nonce(address, counter, level);
    let mut payload = reading.encode();
    let mut mic = [0u8; 16];
    let Some(mic) = mic.get_mut(..level.mic_len()) else {
        return r.error("MIC length", "too long");
    };
    if let Err(e) = ccm.seal_frame(level, &nonce, &header, &mut payload, mic) {
        return r.error("seal", e);
    }
    writeln!(
        r.out,
        "frame counter {counter}, level {} ({}): nonce {} (address | counter | level)",
        level.as_u8(),
        protocol::level_name(level),
        Hex(&nonce)
    )?;
    writeln!(
        r.out,
        "{} {}{}{}",
        tag::FRAME,
        Hex(&header),
        Hex(&payload),
        Hex(mic)
    )?;
    r.check(
        payload != reading.encode(),
        "frame sealed: the payload on air is not the plaintext",
    )
}

fn exchange<W: Write, P: Provider, R: Rng + ?Sized>(
    r: &mut Run<'_, W, P>,
    p: &Provisioning<'_>,
    keys: &DeviceKeys,
    rng: &mut R,
    rng_name: &str,
) -> core::fmt::Result {
    writeln!(r.out, "ephemeral secret from: {rng_name}")?;
    let provider = &mut *r.provider;
    let result = (|| -> Result<([u8; 32], [u8; 16]), Error> {
        let secret = KeyAgreement::<X25519>::generate_ephemeral(provider, rng)?;
        let public = KeyAgreement::<X25519>::ephemeral_public(provider, &secret)?;
        let device_public = KeyAgreement::<X25519>::export_public(provider, &public);
        let gateway = KeyAgreement::<X25519>::import_public(provider, &p.gateway_x25519)?;
        let shared = KeyAgreement::<X25519>::agree(provider, secret, &gateway)?;
        let session = protocol::session_key(
            provider,
            &keys.session_salt,
            shared,
            &device_public,
            &p.gateway_x25519,
        )?;
        let confirm =
            protocol::confirmation_tag(provider, &session, &device_public, &p.gateway_x25519)?;
        Ok((device_public, confirm))
    })();
    match result {
        Ok((public, confirm)) => {
            writeln!(
                r.out,
                "gateway public key (provisioned) {}",
                Hex(&p.gateway_x25519)
            )?;
            writeln!(r.out, "{} {}", tag::X25519, Hex(&public))?;
            writeln!(
                r.out,
                "session key = HKDF(salt from the code, X25519 result, both public keys); not printed"
            )?;
            writeln!(r.out, "{} {}", tag::CONFIRM, Hex(&confirm))?;
            r.check(
                true,
                "X25519 agreement completed, session key derived, confirmation tag sent",
            )
        }
        Err(e) => r.error("X25519 exchange", e),
    }
}
