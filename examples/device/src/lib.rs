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

pub mod protocol;
mod vault;

pub use vault::DemoFlash;

use bulwark::{
    DefaultProvider, Error, HazmatProvider, Provider, Rng, SecretBytes,
    ccm::{CcmStar, SecurityLevel, ieee802154_nonce},
    kdf::{HkdfSha256, Prk},
    kex::{KeyAgreement, X25519},
};
use bulwark_firmware::{ImageError, MonotonicCounter, SliceStorage, Slot, Verifier};
use bulwark_psk::{DeviceRoot, parse_code_into};
use core::fmt::Write;
use embedded_storage::ReadStorage;
use protocol::{Hex, Reading, decode_hex, lines, tag};

/// The purpose label of the device's BLE identity resolving key (bulwark-psk purpose key).
pub const IRK_PURPOSE: &[u8] = b"demo ble irk";

/// The Zigbee install code on the device's label (the Zigbee specification's example: 16
/// octets and their CRC-16) and the link key it gives.
pub const INSTALL_CODE: [u8; 18] = [
    0x83, 0xfe, 0xd3, 0x40, 0x7a, 0x93, 0x97, 0x23, 0xa5, 0xc6, 0x39, 0xb2, 0x69, 0x16, 0xd5, 0x05,
    0xc3, 0xb5,
];
/// The link key of [`INSTALL_CODE`].
pub const INSTALL_CODE_LINK_KEY: [u8; 16] = [
    0x66, 0xb6, 0x90, 0x09, 0x81, 0xe1, 0xee, 0x3c, 0xa4, 0x20, 0x6b, 0x6b, 0x86, 0x1c, 0x02, 0xbb,
];

/// The AES engines bulwark-links takes, over a backend: CMAC and CCM from the provider, the
/// block function as one AES-CTR block over zeros.
pub struct LinkEngines<'p, P>(pub &'p mut P);

impl<P: HazmatProvider> bulwark_links::CmacEngines for LinkEngines<'_, P> {
    type Cmac = P::Cmac;
    fn cmac(&mut self, key: &[u8; 16]) -> Result<P::Cmac, Error> {
        self.0.cmac(key)
    }
}

impl<P: HazmatProvider> bulwark_links::CcmEngines for LinkEngines<'_, P> {
    type Ccm = P::Ccm;
    fn ccm(&mut self, key: &[u8; 16]) -> Result<P::Ccm, Error> {
        self.0.ccm(key)
    }
}

impl<P: HazmatProvider> bulwark_links::BlockEngines for LinkEngines<'_, P> {
    fn encrypt_block(&mut self, key: &[u8; 16], block: &mut [u8; 16]) -> Result<(), Error> {
        use bulwark::hazmat::Ctr;
        let counter = *block;
        block.fill(0);
        let result = self
            .0
            .ctr(key)
            .and_then(|mut ctr| ctr.apply_keystream(&counter, block));
        if result.is_err() {
            block.fill(0);
        }
        result
    }
}

/// The chunk buffer the update is streamed through.
pub const CHUNK_LEN: usize = 64;

/// What the gateway provisioned the device with.
#[derive(Clone, Copy, Debug)]
pub struct Provisioning<'a> {
    /// The out-of-band code printed on the device's label (its long-term secret).
    pub code: &'a str,
    /// The device's EUI-64 (its 802.15.4 extended address and its PSK device id).
    pub eui64: [u8; 8],
    /// The key epoch.
    pub epoch: u32,
    /// The gateway's long-term X25519 public key.
    pub gateway_x25519: [u8; 32],
    /// The Ed25519 public key updates must be signed with.
    pub update_key: [u8; 32],
    /// The device's anti-rollback counter before the update (it lives in RAM here; a real
    /// device keeps it in OTP or an increase-only flash record).
    pub counter: u32,
    /// A per-run seed for [`NotATrng`], used only if the device has no working TRNG.
    pub seed: [u8; 32],
    /// The signed update, in flash.
    pub update: &'a [u8],
    /// An older signed image (a lower security counter), in flash: must be refused once the
    /// update is confirmed.
    pub old_image: &'a [u8],
    /// The door lock's trust records (bulwark-trust), as hex.
    pub trust: TrustRecords<'a>,
}

/// The door lock's trust material: the owner's gateway key is the device's root of trust; it
/// granted the owner and a family member the lock, the family member granted a guest, and
/// the gateway revoked the family member's grant. Each record is hex (COSE_Sign1 bytes).
#[derive(Clone, Copy, Debug)]
pub struct TrustRecords<'a> {
    /// The root key: the owner's gateway's Ed25519 public key (32 bytes).
    pub root: [u8; 32],
    /// Gateway -> owner.
    pub owner: &'a str,
    /// Gateway -> family member (may delegate one level).
    pub family: &'a str,
    /// Family member -> guest (`PUT /door/lock` only).
    pub guest: &'a str,
    /// The gateway's revocation of the family member's grant.
    pub revoke_family: &'a str,
}

impl<'a> Provisioning<'a> {
    /// Reads `provisioning.txt` (one `name=value` record: `code`, `eui64`, `epoch`,
    /// `gateway_x25519`, `update_key`, `counter`, `seed`) and takes the two images.
    ///
    /// Returns the name of the first missing or malformed field.
    pub fn parse(
        text: &'a str,
        update: &'a [u8],
        old_image: &'a [u8],
    ) -> Result<Self, &'static str> {
        let record = lines(text).next().ok_or("no record")?;
        let mut eui64 = [0u8; 8];
        let mut gateway_x25519 = [0u8; 32];
        let mut update_key = [0u8; 32];
        let mut seed = [0u8; 32];
        let mut trust_root = [0u8; 32];
        for (name, out) in [
            ("trust_root", &mut trust_root[..]),
            ("eui64", &mut eui64[..]),
            ("gateway_x25519", &mut gateway_x25519[..]),
            ("update_key", &mut update_key[..]),
            ("seed", &mut seed[..]),
        ] {
            decode_hex(record.field(name).ok_or(name)?, out).ok_or(name)?;
        }
        let number = |name: &'static str| -> Result<u32, &'static str> {
            record
                .number(name)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(name)
        };
        Ok(Self {
            code: record.field("code").ok_or("code")?,
            eui64,
            epoch: number("epoch")?,
            gateway_x25519,
            update_key,
            counter: number("counter")?,
            seed,
            update,
            old_image,
            trust: TrustRecords {
                root: trust_root,
                owner: record.field("trust_owner").ok_or("trust_owner")?,
                family: record.field("trust_family").ok_or("trust_family")?,
                guest: record.field("trust_guest").ok_or("trust_guest")?,
                revoke_family: record.field("trust_revoke").ok_or("trust_revoke")?,
            },
        })
    }
}

/// **NOT A TRNG.** A deterministic generator (SHA-256 in counter mode over a seed compiled
/// into the firmware) for a device without a working hardware random generator, so the demo
/// can still run. Anyone who has the firmware image can predict every byte it produces: a
/// real device must use its TRNG.
pub struct NotATrng {
    seed: SecretBytes<32>,
    block: u32,
}

impl NotATrng {
    /// A generator over `seed` (a per-run value from the gateway).
    pub fn new(seed: &[u8; 32]) -> Self {
        let mut s = SecretBytes::zeroed();
        s.expose_secret_mut().copy_from_slice(seed);
        Self { seed: s, block: 0 }
    }
}

impl core::fmt::Debug for NotATrng {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NotATrng").finish_non_exhaustive()
    }
}

impl Rng for NotATrng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        let prk = Prk::from_secret(SecretBytes::try_from_slice(self.seed.expose_secret())?);
        for chunk in dest.chunks_mut(32) {
            self.block = self.block.checked_add(1).ok_or(Error::Hardware)?;
            DefaultProvider::default().expand(
                &prk,
                &[b"bulwark demo NOT A TRNG", &self.block.to_be_bytes()],
                chunk,
            )?;
        }
        Ok(())
    }
}

/// The anti-rollback counter, in RAM for the demo. A real device implements
/// [`MonotonicCounter`] over OTP fuses, a secure element or an increase-only flash record.
#[derive(Debug)]
pub struct RamCounter(pub u32);

impl MonotonicCounter for RamCounter {
    fn read(&mut self) -> Result<u32, Error> {
        Ok(self.0)
    }

    fn advance_to(&mut self, value: u32) -> Result<(), Error> {
        self.0 = self.0.max(value);
        Ok(())
    }
}

/// A flash region whose contents differ from `data` in one bit (at byte `at`, bit 0), as a
/// corrupted or maliciously modified download would: reads return the modified bytes.
#[derive(Debug)]
pub struct TamperedFlash<'a> {
    data: SliceStorage<'a>,
    at: usize,
}

impl<'a> TamperedFlash<'a> {
    /// `data` with bit 0 of byte `at` flipped.
    pub const fn new(data: &'a [u8], at: usize) -> Self {
        Self {
            data: SliceStorage::new(data),
            at,
        }
    }
}

impl ReadStorage for TamperedFlash<'_> {
    type Error = bulwark_firmware::OutOfBounds;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.data.read(offset, bytes)?;
        let start = usize::try_from(offset).map_err(|_| bulwark_firmware::OutOfBounds)?;
        if let Some(b) = self.at.checked_sub(start).and_then(|i| bytes.get_mut(i)) {
            *b ^= 0x01;
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.data.capacity()
    }
}

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
}

struct Run<'w, W: Write, P: Provider> {
    out: &'w mut W,
    outcome: Outcome,
    provider: &'w mut P,
}

impl<W: Write, P: Provider> Run<'_, W, P> {
    fn check(&mut self, ok: bool, what: &str) -> core::fmt::Result {
        if ok {
            self.outcome.passed += 1;
            writeln!(self.out, "  [ok] {what}")
        } else {
            self.outcome.failed += 1;
            writeln!(self.out, "  [FAIL] {what}")
        }
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
    update(&mut r, p)?;

    writeln!(
        r.out,
        "\n== device: non-IP links (bulwark-links): BLE private address, Zigbee install code"
    )?;
    links(&mut r, &keys, rng)?;
    writeln!(
        r.out,
        "\n== device: the door lock's trust chains (bulwark-trust)"
    )?;
    door_lock(&mut r, &p.trust)?;

    finish(r)
}

fn links<W: Write, P: HazmatProvider, R: Rng + ?Sized>(
    r: &mut Run<'_, W, P>,
    keys: &DeviceKeys,
    rng: &mut R,
) -> core::fmt::Result {
    use bulwark_links::ble::rpa;
    use bulwark_links::zigbee::install_code::{self, InstallCodeError};
    let mut e = LinkEngines(&mut *r.provider);
    let address = rpa::generate(&mut e, rng, &keys.irk);
    let resolved = address.and_then(|a| Ok((a, rpa::resolve(&mut e, &keys.irk, &a)?)));
    let mut foreign = [0u8; 16];
    foreign[0] = 1;
    let other = SecretBytes::take_from(&mut foreign);
    match resolved {
        Ok((a, resolves)) => {
            let by_other = rpa::resolve(&mut e, &other, &a);
            writeln!(
                r.out,
                "BLE resolvable private address {} (prand {}, hash {}) from the IRK (a purpose key of the code)",
                Hex(&a),
                Hex(&a[..3]),
                Hex(&a[3..])
            )?;
            r.check(
                resolves && by_other == Ok(false),
                "the private address resolves under the device's IRK, and not under another",
            )?;
        }
        Err(err) => r.error("resolvable private address", err)?,
    }
    let mut e = LinkEngines(&mut *r.provider);
    let key = install_code::link_key(&mut e, &INSTALL_CODE);
    let mut typo = INSTALL_CODE;
    typo[3] ^= 0x10;
    let refused = install_code::link_key(&mut e, &typo).err() == Some(InstallCodeError::Crc);
    match key {
        Ok(key) => {
            writeln!(
                r.out,
                "Zigbee install code {} -> link key by AES-MMO (not printed)",
                Hex(&INSTALL_CODE)
            )?;
            r.check(
                key.expose_secret() == &INSTALL_CODE_LINK_KEY && refused,
                "Zigbee link key from the install code matches the specification's example; a typo fails the CRC",
            )
        }
        Err(err) => r.error("install code", err),
    }
}

/// The trust records decoded from hex, back to back in one buffer (they are about 200 bytes
/// each; the device's stack is small).
struct Records {
    bytes: [u8; 1024],
    ends: [usize; 4],
}

impl Records {
    fn decode(hex: [&str; 4]) -> Option<Records> {
        let mut r = Records {
            bytes: [0; 1024],
            ends: [0; 4],
        };
        let mut at = 0;
        for (text, end) in hex.iter().zip(r.ends.iter_mut()) {
            let len = text.len() / 2;
            decode_hex(text, r.bytes.get_mut(at..at + len)?)?;
            at += len;
            *end = at;
        }
        Some(r)
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = i
            .checked_sub(1)
            .and_then(|j| self.ends.get(j))
            .copied()
            .unwrap_or(0);
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.bytes.get(start..end).unwrap_or(&[])
    }
}

/// The door lock: the guest opens it through the family member's grant; once the gateway
/// revokes that grant the guest (and the family member) are refused, and the owner's own
/// chain still opens it.
fn door_lock<W: Write, P: Provider>(
    r: &mut Run<'_, W, P>,
    t: &TrustRecords<'_>,
) -> core::fmt::Result {
    use bulwark_trust::{CheckError, Deny, Method, PublicKey, Request, check_chain};
    let Some(records) = Records::decode([t.owner, t.family, t.guest, t.revoke_family]) else {
        return r.error("trust records", "not hex, or longer than 1 KiB together");
    };
    let (owner, family, guest, revoke) = (
        records.get(0),
        records.get(1),
        records.get(2),
        records.get(3),
    );
    let root = match PublicKey::from_raw(bulwark_trust::AlgorithmId::Ed25519, &t.root) {
        Ok(root) => root,
        Err(e) => return r.error("trust root", e),
    };
    let open = Request {
        toid: "/door/lock",
        method: Method::Put,
    };
    writeln!(
        r.out,
        "root of trust: the owner's gateway, Ed25519 {}; request PUT /door/lock",
        Hex(&t.root)
    )?;
    // (who, chain, revocations, expected verdict)
    type Case<'c> = (&'c str, &'c [&'c [u8]], &'c [&'c [u8]], Option<Deny>);
    let cases: [Case<'_>; 4] = [
        (
            "guest (gateway -> family -> guest)",
            &[family, guest],
            &[],
            None,
        ),
        (
            "guest, after the gateway revoked the family member's grant",
            &[family, guest],
            &[revoke],
            Some(Deny::Revoked),
        ),
        (
            "family member, after the revocation",
            &[family],
            &[revoke],
            Some(Deny::Revoked),
        ),
        ("owner, after the revocation", &[owner], &[revoke], None),
    ];
    for (who, chain, revocations, expected) in cases {
        let verdict = match check_chain(&mut *r.provider, &root, chain, revocations, &open, None) {
            Ok(_) => None,
            Err(CheckError::Deny(d)) => Some(d),
            Err(e) => return r.error("trust check", e),
        };
        match verdict {
            None => writeln!(r.out, "{who}: allow (the door opens)")?,
            Some(d) => writeln!(r.out, "{who}: deny: {d}")?,
        }
        r.check(
            verdict == expected,
            match expected {
                None => "allowed as expected",
                Some(_) => "refused as expected",
            },
        )?;
    }
    Ok(())
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

fn update<W: Write, P: Provider>(r: &mut Run<'_, W, P>, p: &Provisioning<'_>) -> core::fmt::Result {
    let trusted = [p.update_key];
    // The trusted key is imported and hashed once, here; every check below reuses it.
    let verifier = match Verifier::ed25519(r.provider, &trusted) {
        Ok(v) => v,
        Err(e) => return r.error("trusted key", e),
    };
    let mut counter = RamCounter(p.counter);
    let mut chunk = [0u8; CHUNK_LEN];
    let Ok(size) = u32::try_from(p.update.len()) else {
        return r.error("update", "image larger than 4 GiB");
    };
    // The update sits in a RAM buffer sized to the image: no MCUboot trailer follows it.
    let slot = Slot::new(0, size, 1).with_trailer_size(0);
    writeln!(
        r.out,
        "update: {} bytes in flash, streamed in {CHUNK_LEN}-byte chunks; trusted key {}; \
         device counter {}",
        p.update.len(),
        Hex(&p.update_key),
        p.counter
    )?;
    let mut flash = SliceStorage::new(p.update);
    let verified = verifier.verify_flash(r.provider, &mut flash, slot, &mut chunk, &mut counter);
    let image = match verified {
        Ok(image) => image,
        Err(e) => return r.error("the genuine update was refused", e),
    };
    writeln!(
        r.out,
        "verified: version {}, security counter {}, SHA-256 {}",
        image.version(),
        image.security_counter().unwrap_or(0),
        Hex(image.digest().as_bytes())
    )?;
    r.check(true, "the signed update verifies against the trusted key")?;
    match bulwark_firmware::confirm(&image, &mut counter) {
        Ok(now) => {
            writeln!(
                r.out,
                "confirmed after a (simulated) successful boot: counter {} -> {now}",
                p.counter
            )?;
            writeln!(
                r.out,
                "{} {now} {}",
                tag::UPDATE,
                Hex(image.digest().as_bytes())
            )?;
            r.check(
                Some(now) == image.security_counter(),
                "anti-rollback counter raised to the image's",
            )?;
        }
        Err(e) => r.error("confirm", e)?,
    }

    // One flipped bit inside the signed body.
    let at = usize::from(image.header_size()) + 16;
    let mut tampered = TamperedFlash::new(p.update, at);
    let verdict = verifier.verify_flash(r.provider, &mut tampered, slot, &mut chunk, &mut counter);
    writeln!(
        r.out,
        "a copy with bit 0 of byte {at} flipped: {}",
        match &verdict {
            Ok(_) => "ACCEPTED",
            Err(e) => error_name(*e),
        }
    )?;
    r.check(
        matches!(verdict, Err(ImageError::HashMismatch)),
        "the tampered copy is refused (hash mismatch)",
    )?;

    // The previous release, correctly signed, after the counter moved past it.
    let Ok(old_size) = u32::try_from(p.old_image.len()) else {
        return r.error("old image", "too large");
    };
    let mut old = SliceStorage::new(p.old_image);
    let old_slot = Slot::new(0, old_size, 1).with_trailer_size(0);
    let verdict = verifier.verify_flash(r.provider, &mut old, old_slot, &mut chunk, &mut counter);
    writeln!(
        r.out,
        "the previous release (validly signed, lower security counter): {}",
        match &verdict {
            Ok(_) => "ACCEPTED",
            Err(e) => error_name(*e),
        }
    )?;
    r.check(
        matches!(verdict, Err(ImageError::Rollback)),
        "the older image is refused (rollback)",
    )
}

fn error_name(e: ImageError) -> &'static str {
    match e {
        ImageError::HashMismatch => "refused: HashMismatch",
        ImageError::Rollback => "refused: Rollback",
        ImageError::Signature => "refused: Signature",
        ImageError::UnknownKey => "refused: UnknownKey",
        _ => "refused (other error)",
    }
}
