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
//! Everything here is a demonstration: the state directory holds secrets in plain text.

#![forbid(unsafe_code)]

use bulwark::{
    DefaultProvider, Error, Provider, Rng, SecretBytes,
    ccm::{CcmStar, ieee802154_nonce},
    kex::{KeyAgreement, X25519},
    sig::{Ed25519, Sign, Verify},
};
use bulwark_example_device::protocol::{
    self, FrameInfo, HEADER_LEN, Hex, Reading, decode_hex, lines, tag,
};
use bulwark_example_device::{Outcome, Provisioning, RamCounter};
use bulwark_firmware::{AlgorithmId, ImageBuilder, ImageVersion, Verifier};
use bulwark_psk::{DeviceIdentity, DeviceRoot, OobCode};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::{fmt, fs, io};

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

/// Step 1: commissions one device. Writes `dir/device/{provisioning.txt,update.img,old.img}`
/// (what the device is flashed with) and `dir/gateway/state.txt` (the gateway's secrets and
/// the codes it was given), printing what it did to `out`.
pub fn provision<R: Rng>(dir: &Path, rng: &mut R, out: &mut String) -> Result<(), Failure> {
    let device_dir = dir.join("device");
    let gateway_dir = dir.join("gateway");
    fs::create_dir_all(&device_dir)?;
    fs::create_dir_all(&gateway_dir)?;

    writeln!(out, "== gateway: commissioning one device")?;
    writeln!(out, "gateway backend: {}", backend())?;
    let code = OobCode::generate(rng)?;
    writeln!(
        out,
        "out-of-band code generated for the label of device {} (epoch {EPOCH}): {}",
        hex(&DEVICE_EUI64),
        code.expose_str()
    )?;

    let mut provider = DefaultProvider::default();
    let mut gateway_seed = SecretBytes::<32>::random(rng)?;
    let gateway_secret = KeyAgreement::<X25519>::import_static(
        &mut provider,
        SecretBytes::try_from_slice(gateway_seed.expose_secret())?,
    )?;
    let gateway_public = KeyAgreement::<X25519>::static_public(&mut provider, &gateway_secret)?;
    let gateway_public = KeyAgreement::<X25519>::export_public(&mut provider, &gateway_public);
    writeln!(
        out,
        "gateway X25519 key generated, public {}",
        hex(&gateway_public)
    )?;

    let signing_seed = SecretBytes::<32>::random(rng)?;
    let signing_key = Sign::<Ed25519>::import_signing_key(
        &mut provider,
        SecretBytes::try_from_slice(signing_seed.expose_secret())?,
    )?;
    let update_key = Sign::<Ed25519>::signing_public(&mut provider, &signing_key)?;
    let update_key = Verify::<Ed25519>::export_public(&mut provider, &update_key);
    writeln!(
        out,
        "Ed25519 update-signing key generated, public {}",
        hex(&update_key)
    )?;

    let update = sign_image(&signing_key, UPDATE_VERSION, UPDATE_COUNTER)?;
    let old = sign_image(&signing_key, OLD_VERSION, OLD_COUNTER)?;
    writeln!(
        out,
        "signed with bulwark_firmware::ImageBuilder: update {UPDATE_VERSION} (security counter \
         {UPDATE_COUNTER}, {} bytes) and the previous release {OLD_VERSION} (counter {OLD_COUNTER}, {} bytes)",
        update.len(),
        old.len()
    )?;

    let seed = SecretBytes::<32>::random(rng)?;
    fs::write(device_dir.join("update.img"), &update)?;
    fs::write(device_dir.join("old.img"), &old)?;
    fs::write(
        device_dir.join("provisioning.txt"),
        format!(
            "# bulwark demo: what the device is flashed with (generated by bulwark-gateway provision).\n\
             # seed: only for a device without a TRNG (the firmware says so if it uses it).\n\
             code={} eui64={} epoch={EPOCH} gateway_x25519={} update_key={} counter={OLD_COUNTER} seed={}\n",
            code.expose_str(),
            hex(&DEVICE_EUI64),
            hex(&gateway_public),
            hex(&update_key),
            hex(seed.expose_secret())
        ),
    )?;
    fs::write(
        gateway_dir.join("state.txt"),
        format!(
            "# bulwark demo gateway state: SECRET keys of this demo run, in plain text.\n\
             role=gateway x25519_secret={} update_signing_seed={}\n\
             role=device code={} eui64={} epoch={EPOCH}\n",
            hex(gateway_seed.expose_secret()),
            hex(signing_seed.expose_secret()),
            code.expose_str(),
            hex(&DEVICE_EUI64),
        ),
    )?;
    gateway_seed.expose_secret_mut().fill(0);
    writeln!(
        out,
        "wrote {} (for the device) and {} (gateway secrets)",
        device_dir.display(),
        gateway_dir.join("state.txt").display()
    )?;
    Ok(())
}

/// Reads `dir/device/` as the device would see it after flashing.
pub struct DeviceData {
    text: String,
    update: Vec<u8>,
    old: Vec<u8>,
}

impl DeviceData {
    /// Loads the three files [`provision`] wrote.
    pub fn load(device_dir: &Path) -> Result<Self, Failure> {
        Ok(Self {
            text: fs::read_to_string(device_dir.join("provisioning.txt"))?,
            update: fs::read(device_dir.join("update.img"))?,
            old: fs::read(device_dir.join("old.img"))?,
        })
    }

    /// The parsed provisioning.
    pub fn provisioning(&self) -> Result<Provisioning<'_>, Failure> {
        Provisioning::parse(&self.text, &self.update, &self.old)
            .map_err(|field| Failure(format!("provisioning.txt: bad or missing field `{field}`")))
    }
}

/// Step 2 without QEMU: the device's code (the same `no_std` library the firmware runs) on
/// the host, with the OS random generator. Returns its output and tally.
pub fn device_on_host(device_dir: &Path) -> Result<(String, Outcome), Failure> {
    let data = DeviceData::load(device_dir)?;
    let p = data.provisioning()?;
    let mut out = String::new();
    writeln!(
        out,
        "device: bulwark demo device on the HOST (x86_64), not on a Cortex-M0"
    )?;
    let outcome = bulwark_example_device::run(
        &p,
        &mut OsRandom,
        "the host's OS generator (getrandom)",
        &mut out,
    )?;
    writeln!(
        out,
        "device: {} checks ok, {} failed; stack: not measured on the host",
        outcome.passed, outcome.failed
    )?;
    Ok((out, outcome))
}

/// What the device printed, as the gateway reads it.
#[derive(Debug, Default)]
pub struct DeviceReport {
    /// `@identity`.
    pub identity: Option<[u8; 16]>,
    /// `@frame`, in order.
    pub frames: Vec<Vec<u8>>,
    /// `@x25519`.
    pub x25519: Option<[u8; 32]>,
    /// `@confirm`.
    pub confirm: Option<[u8; 16]>,
    /// `@update`: the confirmed counter and the image digest.
    pub update: Option<(u32, Vec<u8>)>,
    /// `@result ok`.
    pub result_ok: bool,
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

impl DeviceReport {
    /// Reads the `@tag` lines of the device's output (anything else is ignored, so QEMU's
    /// and the firmware's other lines may be mixed in).
    pub fn parse(output: &str) -> Result<Self, Failure> {
        let mut r = Self::default();
        for line in output.lines() {
            let mut words = line.split_whitespace();
            let (Some(t), rest) = (words.next(), words.collect::<Vec<_>>()) else {
                continue;
            };
            let first = rest.first().copied().unwrap_or("");
            match t {
                tag::IDENTITY => r.identity = Some(fixed(first, "identity")?),
                tag::FRAME => r.frames.push(var_hex(first, "frame")?),
                tag::X25519 => r.x25519 = Some(fixed(first, "X25519 public key")?),
                tag::CONFIRM => r.confirm = Some(fixed(first, "confirmation tag")?),
                tag::UPDATE => {
                    let counter = first
                        .parse()
                        .map_err(|_| Failure(format!("device output: bad counter `{first}`")))?;
                    let digest = var_hex(rest.get(1).copied().unwrap_or(""), "digest")?;
                    r.update = Some((counter, digest));
                }
                tag::RESULT => r.result_ok = first == "ok",
                _ => {}
            }
        }
        Ok(r)
    }
}

/// One device as the gateway knows it, derived from its code.
struct DeviceEntry {
    eui64: [u8; 8],
    ccm: <DefaultProvider as Provider>::Ccm,
    session_salt: SecretBytes<32>,
    /// The highest frame counter accepted so far (the replay window).
    highest: Option<u32>,
}

/// Why the gateway dropped a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a frame of this demo.
    Malformed,
    /// From an address no joined device has.
    UnknownSender(u64),
    /// The frame counter is not above the highest one accepted from this sender.
    Replay {
        /// The frame's counter.
        counter: u32,
        /// The highest accepted so far.
        highest: u32,
    },
    /// The MIC did not verify (the one opaque bulwark error).
    Crypto(Error),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed => f.write_str("malformed frame"),
            Rejection::UnknownSender(a) => write!(f, "unknown sender {a:016x}"),
            Rejection::Replay { counter, highest } => write!(
                f,
                "replayed frame counter {counter} (highest accepted so far: {highest})"
            ),
            Rejection::Crypto(Error::Verification) => {
                f.write_str("MIC verification failed (Error::Verification)")
            }
            Rejection::Crypto(e) => write!(f, "crypto error: {e}"),
        }
    }
}

/// The gateway: its X25519 key, the update it signed, and its device database
/// (PSK identity -> link key, session salt, replay window).
pub struct Gateway {
    x25519: <DefaultProvider as KeyAgreement<X25519>>::StaticSecret,
    x25519_public: [u8; 32],
    update_key: [u8; 32],
    update: Vec<u8>,
    database: HashMap<DeviceIdentity, DeviceEntry>,
    joined: HashMap<u64, DeviceIdentity>,
}

impl Gateway {
    /// Loads `dir/gateway/state.txt` and derives the database from the device codes in it;
    /// `dir/device/update.img` is the update it signed.
    pub fn load(dir: &Path) -> Result<Self, Failure> {
        let state = fs::read_to_string(dir.join("gateway").join("state.txt"))?;
        let update = fs::read(dir.join("device").join("update.img"))?;
        let mut provider = DefaultProvider::default();
        let mut gateway = None;
        let mut database = HashMap::new();
        for record in lines(&state) {
            match record.field("role") {
                Some("gateway") => {
                    let secret: [u8; 32] =
                        fixed(record.field("x25519_secret").unwrap_or(""), "x25519_secret")?;
                    let mut secret = secret;
                    let x25519 = KeyAgreement::<X25519>::import_static(
                        &mut provider,
                        SecretBytes::take_from(&mut secret),
                    )?;
                    let mut seed: [u8; 32] = fixed(
                        record.field("update_signing_seed").unwrap_or(""),
                        "update_signing_seed",
                    )?;
                    let signing = Sign::<Ed25519>::import_signing_key(
                        &mut provider,
                        SecretBytes::take_from(&mut seed),
                    )?;
                    let public = Sign::<Ed25519>::signing_public(&mut provider, &signing)?;
                    let update_key = Verify::<Ed25519>::export_public(&mut provider, &public);
                    gateway = Some((x25519, update_key));
                }
                Some("device") => {
                    let code = OobCode::parse(record.field("code").unwrap_or(""))
                        .map_err(|e| Failure(format!("state.txt: {e}")))?;
                    let eui64: [u8; 8] = fixed(record.field("eui64").unwrap_or(""), "eui64")?;
                    let epoch = record
                        .number("epoch")
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| Failure("state.txt: bad epoch".to_owned()))?;
                    let root = DeviceRoot::from_code(&mut provider, &code, &eui64, epoch)
                        .map_err(|e| Failure(format!("state.txt: {e}")))?;
                    let identity = root.identity(&mut provider).map_err(Error::from)?;
                    let mut link = SecretBytes::<16>::zeroed();
                    root.link_key(&mut provider, &mut link)
                        .map_err(Error::from)?;
                    let mut session_salt = SecretBytes::<32>::zeroed();
                    root.purpose_key(
                        &mut provider,
                        protocol::SESSION_SALT_PURPOSE,
                        &mut session_salt,
                    )
                    .map_err(Error::from)?;
                    database.insert(
                        identity,
                        DeviceEntry {
                            eui64,
                            ccm: provider.ccm(link.expose_secret())?,
                            session_salt,
                            highest: None,
                        },
                    );
                }
                _ => {}
            }
        }
        let Some((x25519, update_key)) = gateway else {
            return fail("state.txt has no gateway record");
        };
        let public = KeyAgreement::<X25519>::static_public(&mut provider, &x25519)?;
        let x25519_public = KeyAgreement::<X25519>::export_public(&mut provider, &public);
        Ok(Self {
            x25519,
            x25519_public,
            update_key,
            update,
            database,
            joined: HashMap::new(),
        })
    }

    /// How many devices the database holds.
    pub fn devices(&self) -> usize {
        self.database.len()
    }

    /// A device announces its PSK identity: look it up. Returns its EUI-64.
    pub fn join(&mut self, identity: [u8; 16]) -> Option<[u8; 8]> {
        let identity = DeviceIdentity(identity);
        let entry = self.database.get(&identity)?;
        let eui64 = entry.eui64;
        self.joined.insert(u64::from_be_bytes(eui64), identity);
        Some(eui64)
    }

    /// Checks and decrypts a frame in place; a replay is refused before any decryption and
    /// only an authenticated frame advances the window.
    pub fn receive(&mut self, frame: &mut [u8]) -> Result<(FrameInfo, Reading), Rejection> {
        let info = protocol::parse_header(frame).ok_or(Rejection::Malformed)?;
        let identity = self
            .joined
            .get(&info.source)
            .ok_or(Rejection::UnknownSender(info.source))?;
        let entry = self
            .database
            .get_mut(identity)
            .ok_or(Rejection::UnknownSender(info.source))?;
        if let Some(highest) = entry.highest
            && info.frame_counter <= highest
        {
            return Err(Rejection::Replay {
                counter: info.frame_counter,
                highest,
            });
        }
        let mic_start = frame.len() - info.level.mic_len();
        let (rest, mic) = frame.split_at_mut(mic_start);
        let (header, payload) = rest.split_at_mut(HEADER_LEN);
        let nonce = ieee802154_nonce(info.source, info.frame_counter, info.level);
        entry
            .ccm
            .open_frame(info.level, &nonce, header, payload, mic)
            .map_err(Rejection::Crypto)?;
        entry.highest = Some(info.frame_counter);
        let reading = Reading::decode(payload).ok_or(Rejection::Malformed)?;
        Ok((info, reading))
    }

    /// Completes the X25519 exchange with a joined device's ephemeral public key and checks
    /// its confirmation tag: `Ok` only if both sides derived the same session key.
    pub fn confirm_session(
        &mut self,
        identity: [u8; 16],
        device_public: &[u8; 32],
        tag: &[u8; 16],
    ) -> Result<(), Error> {
        let entry = self
            .database
            .get(&DeviceIdentity(identity))
            .ok_or(Error::InvalidInput)?;
        let mut provider = DefaultProvider::default();
        let peer = KeyAgreement::<X25519>::import_public(&mut provider, device_public)?;
        let shared = KeyAgreement::<X25519>::agree_static(&mut provider, &self.x25519, &peer)?;
        let session = protocol::session_key(
            &mut provider,
            &entry.session_salt,
            shared,
            device_public,
            &self.x25519_public,
        )?;
        protocol::check_confirmation(
            &mut provider,
            &session,
            device_public,
            &self.x25519_public,
            tag,
        )
    }

    /// The digest and security counter of the update this gateway signed (by verifying it
    /// itself).
    pub fn update_digest(&self) -> Result<(u32, Vec<u8>), Failure> {
        let trusted = [self.update_key];
        let mut provider = DefaultProvider::default();
        let image = Verifier::ed25519(&mut provider, &trusted)
            .and_then(|v| v.verify_slice(&mut provider, &self.update, &mut RamCounter(0)))
            .map_err(|e| Failure(format!("the gateway's own update does not verify: {e}")))?;
        Ok((
            image.security_counter().unwrap_or(0),
            image.digest().as_bytes().to_vec(),
        ))
    }
}

struct Tally<'a> {
    out: &'a mut String,
    outcome: Outcome,
}

impl Tally<'_> {
    fn check(&mut self, ok: bool, what: &str) -> fmt::Result {
        if ok {
            self.outcome.passed += 1;
            writeln!(self.out, "  [ok] {what}")
        } else {
            self.outcome.failed += 1;
            writeln!(self.out, "  [FAIL] {what}")
        }
    }
}

fn eui(bytes: &[u8; 8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Step 3: the gateway's side of the run, from the device's output. `mode` says where the
/// device ran (printed). Returns the gateway's tally.
pub fn complete(
    dir: &Path,
    device_output: &str,
    mode: &str,
    out: &mut String,
) -> Result<Outcome, Failure> {
    let mut gateway = Gateway::load(dir)?;
    let report = DeviceReport::parse(device_output)?;
    let mut t = Tally {
        out,
        outcome: Outcome::default(),
    };
    writeln!(t.out, "\n== gateway: the device ran {mode}")?;
    writeln!(t.out, "gateway backend: {}", backend())?;
    writeln!(
        t.out,
        "database: {} device(s), keys derived from their out-of-band codes",
        gateway.devices()
    )?;
    t.check(
        report.result_ok,
        "the device reported all of its own checks passed",
    )?;

    // Join: look the device up by its PSK identity.
    let Some(identity) = report.identity else {
        t.check(false, "the device announced its PSK identity")?;
        return Ok(t.outcome);
    };
    let joined = gateway.join(identity);
    writeln!(
        t.out,
        "device announced identity {}: {}",
        hex(&identity),
        match &joined {
            Some(e) => format!("found, EUI-64 {}", eui(e)),
            None => "NOT in the database".to_owned(),
        }
    )?;
    t.check(
        joined.is_some(),
        "the identity is in the gateway's database",
    )?;

    // Frames: open both, refuse a tampered copy and a replay.
    writeln!(
        t.out,
        "\n== gateway: sealed readings (CCM*, link key from the code)"
    )?;
    let [first, second] = report.frames.as_slice() else {
        t.check(false, "the device sent two frames")?;
        return Ok(t.outcome);
    };
    let mut receive = |t: &mut Tally<'_>, label: &str, frame: &[u8]| -> Result<_, Failure> {
        let mut buf = frame.to_vec();
        let outcome = gateway.receive(&mut buf);
        match &outcome {
            Ok((info, reading)) => writeln!(
                t.out,
                "{label}: accepted frame counter {} from {} (level {}, {}): {reading}",
                info.frame_counter,
                eui(&info.source.to_be_bytes()),
                info.level.as_u8(),
                protocol::level_name(info.level)
            )?,
            Err(r) => writeln!(t.out, "{label}: rejected: {r}")?,
        }
        Ok(outcome)
    };
    let expected = Reading {
        centi_celsius: 2150,
        centi_percent_rh: 4000,
    };
    let r1 = receive(&mut t, "frame 1", first)?;
    t.check(
        matches!(&r1, Ok((i, r)) if *r == expected && i.frame_counter == 1),
        "frame 1 opened with the link key: the device's reading",
    )?;
    let mut tampered = second.clone();
    if let Some(b) = tampered.get_mut(HEADER_LEN) {
        *b ^= 0x01;
    }
    let rt = receive(&mut t, "frame 2 with one flipped ciphertext bit", &tampered)?;
    t.check(
        matches!(rt, Err(Rejection::Crypto(Error::Verification))),
        "the tampered frame is refused (Error::Verification)",
    )?;
    let r2 = receive(&mut t, "frame 2", second)?;
    t.check(
        matches!(&r2, Ok((i, r)) if *r == expected && i.frame_counter == 2),
        "frame 2 opened: the forgery did not advance the replay window",
    )?;
    let rr = receive(&mut t, "frame 1 again (replay)", first)?;
    t.check(
        matches!(
            rr,
            Err(Rejection::Replay {
                counter: 1,
                highest: 2
            })
        ),
        "the replayed frame is refused by the replay window",
    )?;

    // The exchange.
    writeln!(t.out, "\n== gateway: X25519 exchange and key confirmation")?;
    match (report.x25519, report.confirm) {
        (Some(public), Some(confirm)) => {
            writeln!(t.out, "device ephemeral public key {}", hex(&public))?;
            writeln!(
                t.out,
                "gateway public key          {}",
                hex(&gateway.x25519_public)
            )?;
            let verdict = gateway.confirm_session(identity, &public, &confirm);
            writeln!(
                t.out,
                "device's confirmation tag {}: {}",
                hex(&confirm),
                match verdict {
                    Ok(()) => "matches the gateway's session key".to_owned(),
                    Err(e) => format!("does NOT match ({e})"),
                }
            )?;
            t.check(
                verdict.is_ok(),
                "both sides derived the same session key (confirmed by CMAC, key never sent)",
            )?;
        }
        _ => t.check(false, "the device sent its public key and confirmation tag")?,
    }

    // The update.
    writeln!(t.out, "\n== gateway: the signed update")?;
    let (counter, digest) = gateway.update_digest()?;
    match &report.update {
        Some((c, d)) => {
            writeln!(
                t.out,
                "device confirmed image {} with counter {c}; the gateway signed {} with counter {counter}",
                hex(d),
                hex(&digest)
            )?;
            t.check(
                *c == counter && *d == digest,
                "the device installed exactly the update the gateway signed",
            )?;
        }
        None => t.check(false, "the device reported the update it confirmed")?,
    }
    Ok(t.outcome)
}

/// Where the demo's data goes by default: `target/bulwark-demo` of the workspace.
pub fn default_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("target")
        .join("bulwark-demo")
}
