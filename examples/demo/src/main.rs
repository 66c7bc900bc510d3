//! bulwark's demonstration: an IEEE 802.15.4 sensor node and its coordinator.
//!
//! The node seals a sensor reading with CCM* (security levels 5 and 6) using the bulwark API on
//! the software backend, the coordinator opens it, and the demo shows that a frame with one
//! flipped bit is rejected and a replayed frame is refused. Every expected outcome is checked:
//! the process exits 0 only if all of them happened, so the demo doubles as a test.
//!
//! Run it with `cargo xtask demo` (or `cargo run --release -p bulwark-demo`).

use bulwark_api::ccm::{AesCcm, CcmStar, SecurityLevel, ieee802154_nonce};
use bulwark_api::{Error, SecretBytes};
use bulwark_soft::{SoftAes, SoftCcm};
use std::collections::HashMap;
use std::fmt;
use std::process::ExitCode;

/// **DEMO KEY, PUBLISHED IN THIS SOURCE FILE: NEVER USE IT IN A REAL NETWORK.**
/// The 128-bit network key shared by the node and the coordinator (the bytes 0xC0..=0xCF).
const DEMO_NETWORK_KEY: [u8; 16] = [
    0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF,
];

/// The sensor node's IEEE extended (EUI-64) address.
const NODE_ADDRESS: u64 = 0x0012_4b00_1234_5678;
/// The PAN the node and coordinator belong to.
const PAN_ID: u16 = 0x1a2b;
/// The coordinator's short address.
const COORDINATOR_SHORT: u16 = 0x0000;
/// The key index carried in the auxiliary security header (key identifier mode 1).
const KEY_INDEX: u8 = 1;

/// Frame control: data frame, security enabled, PAN ID compression, short destination
/// address, frame version 1 (IEEE 802.15.4-2006), extended source address.
const FRAME_CONTROL: u16 = 0b001 | (1 << 3) | (1 << 6) | (0b10 << 10) | (0b01 << 12) | (0b11 << 14);

/// Offsets in the MAC header this demo builds (all multi-byte fields little-endian on air).
const OFFSET_SEQUENCE: usize = 2;
const OFFSET_SOURCE: usize = 7;
const OFFSET_SECURITY_CONTROL: usize = 15;
const OFFSET_FRAME_COUNTER: usize = 16;
/// MHR length: frame control 2, sequence 1, PAN 2, destination 2, source 8, then the
/// auxiliary security header: security control 1, frame counter 4, key index 1.
const HEADER_LEN: usize = 21;

/// A sensor reading as the node encodes it: temperature in 0.01 degC (i16) and relative
/// humidity in 0.01 % (u16), big-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reading {
    centi_celsius: i16,
    centi_percent_rh: u16,
}

impl Reading {
    const LEN: usize = 4;

    fn encode(self) -> [u8; Self::LEN] {
        let t = self.centi_celsius.to_be_bytes();
        let h = self.centi_percent_rh.to_be_bytes();
        [t[0], t[1], h[0], h[1]]
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [t0, t1, h0, h1] => Some(Self {
                centi_celsius: i16::from_be_bytes([*t0, *t1]),
                centi_percent_rh: u16::from_be_bytes([*h0, *h1]),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = i32::from(self.centi_celsius);
        let sign = if t < 0 { "-" } else { "" };
        let h = self.centi_percent_rh;
        write!(
            f,
            "temperature {sign}{}.{:02} C, humidity {}.{:02} %RH",
            t.abs() / 100,
            t.abs() % 100,
            h / 100,
            h % 100
        )
    }
}

fn level_name(level: SecurityLevel) -> &'static str {
    match level {
        SecurityLevel::Mic32 => "MIC-32",
        SecurityLevel::Mic64 => "MIC-64",
        SecurityLevel::Mic128 => "MIC-128",
        SecurityLevel::Enc => "ENC",
        SecurityLevel::EncMic32 => "ENC-MIC-32",
        SecurityLevel::EncMic64 => "ENC-MIC-64",
        SecurityLevel::EncMic128 => "ENC-MIC-128",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn eui64(address: u64) -> String {
    let bytes = address.to_be_bytes();
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(":")
}

/// The sensor node: its address, its outgoing frame counter and its CCM* engine.
struct Node {
    address: u64,
    sequence: u8,
    frame_counter: u32,
    ccm: SoftCcm,
}

/// What the node put on air, kept apart for printing and for the typed-API comparison.
struct Sent {
    nonce: [u8; 13],
    frame: Vec<u8>,
}

impl Sent {
    fn header(&self) -> &[u8] {
        self.frame.get(..HEADER_LEN).unwrap_or_default()
    }
}

impl Node {
    /// Builds the MAC header with the auxiliary security header for this frame.
    fn header(&self, level: SecurityLevel, frame_counter: u32) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        let fields: [&[u8]; 8] = [
            &FRAME_CONTROL.to_le_bytes(),
            &[self.sequence],
            &PAN_ID.to_le_bytes(),
            &COORDINATOR_SHORT.to_le_bytes(),
            &self.address.to_le_bytes(),
            &[level.as_u8() | (1 << 3)], // security level, key identifier mode 1
            &frame_counter.to_le_bytes(),
            &[KEY_INDEX],
        ];
        let mut at = 0;
        for field in fields {
            if let Some(dst) = h.get_mut(at..at + field.len()) {
                dst.copy_from_slice(field);
            }
            at += field.len();
        }
        h
    }

    /// Seals `reading` into a new frame at `level`, consuming one frame counter value.
    fn send(&mut self, level: SecurityLevel, reading: Reading) -> Result<Sent, Error> {
        // A real node persists the counter before transmitting and rekeys before it wraps:
        // a (key, nonce) pair must never protect two different frames.
        self.frame_counter = self
            .frame_counter
            .checked_add(1)
            .ok_or(Error::InvalidInput)?;
        self.sequence = self.sequence.wrapping_add(1);
        let counter = self.frame_counter;
        let header = self.header(level, counter);
        let nonce = ieee802154_nonce(self.address, counter, level);
        let mut payload = reading.encode();
        let mut mic = vec![0u8; level.mic_len()];
        self.ccm
            .seal_frame(level, &nonce, &header, &mut payload, &mut mic)?;

        println!(
            "node: frame counter {counter}, level {} ({}), reading: {reading}",
            level.as_u8(),
            level_name(level)
        );
        println!("  plaintext   {}", hex(&reading.encode()));
        println!(
            "  nonce       {} {} {}  (source address | frame counter | level)",
            hex(nonce.get(..8).unwrap_or_default()),
            hex(nonce.get(8..12).unwrap_or_default()),
            hex(nonce.get(12..).unwrap_or_default())
        );
        println!("  header/AAD  {}", hex(&header));
        println!("  ciphertext  {}", hex(&payload));
        println!("  MIC         {}", hex(&mic));

        let mut frame = Vec::with_capacity(HEADER_LEN + payload.len() + mic.len());
        frame.extend_from_slice(&header);
        frame.extend_from_slice(&payload);
        frame.extend_from_slice(&mic);
        println!("  on air      {}  (FCS omitted)", hex(&frame));
        Ok(Sent { nonce, frame })
    }
}

/// Why the coordinator dropped a frame.
#[derive(Debug, PartialEq, Eq)]
enum Rejection {
    /// Not a frame this demo understands.
    Malformed(&'static str),
    /// The frame counter is not above the highest one already accepted from this sender.
    Replay { counter: u32, highest: u32 },
    /// The cryptographic check failed (the one opaque bulwark error).
    Crypto(Error),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed(why) => write!(f, "malformed frame: {why}"),
            Rejection::Replay { counter, highest } => write!(
                f,
                "replayed frame counter {counter} (highest accepted so far: {highest})"
            ),
            Rejection::Crypto(Error::Verification) => {
                write!(f, "MIC verification failed (Error::Verification)")
            }
            Rejection::Crypto(e) => write!(f, "crypto error: {e}"),
        }
    }
}

/// What the coordinator accepted.
struct Accepted {
    source: u64,
    counter: u32,
    level: SecurityLevel,
    reading: Reading,
}

/// The coordinator: its CCM* engine and a replay window (the highest frame counter accepted
/// from each sender).
struct Coordinator {
    ccm: SoftCcm,
    highest_counter: HashMap<u64, u32>,
}

fn field<const N: usize>(frame: &[u8], at: usize) -> Result<[u8; N], Rejection> {
    frame
        .get(at..at + N)
        .and_then(|s| s.try_into().ok())
        .ok_or(Rejection::Malformed("truncated header"))
}

impl Coordinator {
    /// Checks and decrypts a received frame in place (the payload bytes of `frame` become the
    /// plaintext, or zeros if the MIC does not verify).
    fn receive(&mut self, frame: &mut [u8]) -> Result<Accepted, Rejection> {
        if u16::from_le_bytes(field(frame, 0)?) != FRAME_CONTROL {
            return Err(Rejection::Malformed("unexpected frame control"));
        }
        let source = u64::from_le_bytes(field(frame, OFFSET_SOURCE)?);
        let [security_control] = field(frame, OFFSET_SECURITY_CONTROL)?;
        let level = SecurityLevel::from_u8(security_control & 0b111)
            .map_err(|_| Rejection::Malformed("no security"))?;
        let counter = u32::from_le_bytes(field(frame, OFFSET_FRAME_COUNTER)?);

        // Replay window first: a stale frame is dropped before any decryption.
        let highest = self.highest_counter.get(&source).copied();
        if let Some(highest) = highest
            && counter <= highest
        {
            return Err(Rejection::Replay { counter, highest });
        }

        let mic_start = frame
            .len()
            .checked_sub(level.mic_len())
            .filter(|&m| m >= HEADER_LEN)
            .ok_or(Rejection::Malformed("too short for its MIC"))?;
        let (rest, mic) = frame.split_at_mut(mic_start);
        let (header, payload) = rest.split_at_mut(HEADER_LEN);
        let nonce = ieee802154_nonce(source, counter, level);
        self.ccm
            .open_frame(level, &nonce, header, payload, mic)
            .map_err(Rejection::Crypto)?;

        // Only an authenticated frame may advance the window, or a forgery could block the
        // sender's genuine frames.
        self.highest_counter.insert(source, counter);
        let reading = Reading::decode(payload).ok_or(Rejection::Malformed("payload length"))?;
        Ok(Accepted {
            source,
            counter,
            level,
            reading,
        })
    }

    /// Receives a frame and prints the outcome.
    fn receive_and_report(&mut self, frame: &mut [u8]) -> Result<Accepted, Rejection> {
        let outcome = self.receive(frame);
        match &outcome {
            Ok(a) => println!(
                "coordinator: accepted frame counter {} from {} (level {}, {}): {}",
                a.counter,
                eui64(a.source),
                a.level.as_u8(),
                level_name(a.level),
                a.reading
            ),
            Err(rejection) => println!("coordinator: rejected: {rejection}"),
        }
        outcome
    }
}

/// Tallies the demo's expected outcomes.
#[derive(Default)]
struct Checks {
    passed: usize,
    failed: usize,
}

impl Checks {
    fn check(&mut self, ok: bool, what: &str) {
        if ok {
            self.passed += 1;
            println!("  [ok] {what}");
        } else {
            self.failed += 1;
            println!("  [FAIL] {what}");
        }
    }
}

fn ccm_with_demo_key() -> Result<SoftCcm, Error> {
    let key = SecretBytes::<16>::try_from_slice(&DEMO_NETWORK_KEY)?;
    Ok(SoftCcm::new(SoftAes::new(key.expose_secret())?))
}

fn section(title: &str) {
    println!("\n== {title}");
}

fn run(checks: &mut Checks) -> Result<(), Error> {
    println!("bulwark demo: an IEEE 802.15.4 sensor node and its coordinator (CCM*, AES-128)");
    println!(
        "network key {} (DEMO KEY, public: never use it in a real network)",
        hex(&DEMO_NETWORK_KEY)
    );
    println!(
        "node {} -> coordinator 0x{COORDINATOR_SHORT:04x} on PAN 0x{PAN_ID:04x}",
        eui64(NODE_ADDRESS)
    );

    let mut node = Node {
        address: NODE_ADDRESS,
        sequence: 0,
        frame_counter: 0,
        ccm: ccm_with_demo_key()?,
    };
    let mut coordinator = Coordinator {
        ccm: ccm_with_demo_key()?,
        highest_counter: HashMap::new(),
    };
    let reading = Reading {
        centi_celsius: 2150,
        centi_percent_rh: 4000,
    };

    // 1 and 2: a reading at level 5 and at level 6, accepted.
    let mut accepted_frames = Vec::new();
    for level in [SecurityLevel::EncMic32, SecurityLevel::EncMic64] {
        section(&format!(
            "level {} ({}): seal and open",
            level.as_u8(),
            level_name(level)
        ));
        let sent = node.send(level, reading)?;
        let ciphertext = sent
            .frame
            .get(HEADER_LEN..HEADER_LEN + Reading::LEN)
            .unwrap_or_default();
        checks.check(
            ciphertext != reading.encode(),
            "the payload on air is not the plaintext",
        );
        let mut received = sent.frame.clone();
        let outcome = coordinator.receive_and_report(&mut received);
        checks.check(
            matches!(&outcome, Ok(a) if a.reading == reading && a.source == NODE_ADDRESS && a.level == level),
            "the coordinator recovered the reading from the right node at the right level",
        );
        accepted_frames.push(sent);
    }

    // 3: one flipped bit, in the ciphertext and in the authenticated header.
    section("tampering: one flipped bit");
    let genuine = node.send(SecurityLevel::EncMic64, reading)?;
    let mut tampered = genuine.frame.clone();
    if let Some(byte) = tampered.get_mut(HEADER_LEN) {
        *byte ^= 0x01;
    }
    println!("attacker flips bit 0 of the first ciphertext byte:");
    println!("  on air      {}", hex(&tampered));
    let outcome = coordinator.receive_and_report(&mut tampered);
    checks.check(
        outcome.as_ref().err() == Some(&Rejection::Crypto(Error::Verification)),
        "the tampered frame is rejected with Error::Verification",
    );
    let payload = tampered
        .get(HEADER_LEN..HEADER_LEN + Reading::LEN)
        .unwrap_or_default();
    println!("  payload after the failed open: {}", hex(payload));
    checks.check(
        payload.iter().all(|&b| b == 0),
        "no unauthenticated plaintext is released: the payload buffer is zeroed",
    );

    let mut tampered = genuine.frame.clone();
    if let Some(byte) = tampered.get_mut(OFFSET_SEQUENCE) {
        *byte ^= 0x80;
    }
    println!("attacker flips the top bit of the sequence number (header, authenticated as AAD):");
    let outcome = coordinator.receive_and_report(&mut tampered);
    checks.check(
        outcome.as_ref().err() == Some(&Rejection::Crypto(Error::Verification)),
        "a flipped header bit is rejected with Error::Verification",
    );

    println!("the genuine frame arrives after the forgeries:");
    let mut received = genuine.frame.clone();
    let outcome = coordinator.receive_and_report(&mut received);
    checks.check(
        matches!(&outcome, Ok(a) if a.reading == reading && a.counter == node.frame_counter),
        "forgeries did not advance the replay window: the genuine frame is accepted",
    );

    // 4: a verbatim replay of an authentic, earlier frame.
    section("replay: an authentic frame sent again");
    let replayed_counter = 2;
    let mut replayed = accepted_frames
        .get(1)
        .map(|s| s.frame.clone())
        .unwrap_or_default();
    println!("attacker re-sends the frame with counter {replayed_counter}, bit for bit:");
    println!("  on air      {}", hex(&replayed));
    let outcome = coordinator.receive_and_report(&mut replayed);
    checks.check(
        outcome.as_ref().err()
            == Some(&Rejection::Replay {
                counter: replayed_counter,
                highest: node.frame_counter,
            }),
        "the replayed frame counter is refused by the replay window",
    );

    // 5: the same level-6 frame through the typed API.
    section("typed API: AesCcm<13, 8>");
    println!("level 6 is CCM with a 13-byte nonce and an 8-byte tag over the header as AAD,");
    println!("so AesCcm::<13, 8> gives the same ciphertext and MIC as CcmStar::seal_frame:");
    let mut ccm = ccm_with_demo_key()?;
    let mut buffer = reading.encode();
    let tag: [u8; 8] =
        AesCcm::<13, 8>::seal_in_place(&mut ccm, &genuine.nonce, genuine.header(), &mut buffer)?;
    println!("  ciphertext  {}", hex(&buffer));
    println!("  tag         {}", hex(&tag));
    let on_air_payload = genuine
        .frame
        .get(HEADER_LEN..HEADER_LEN + Reading::LEN)
        .unwrap_or_default();
    let on_air_mic = genuine
        .frame
        .get(HEADER_LEN + Reading::LEN..)
        .unwrap_or_default();
    checks.check(
        buffer.as_slice() == on_air_payload && tag.as_slice() == on_air_mic,
        "AesCcm<13, 8> and CcmStar at level 6 produce identical bytes",
    );

    let ciphertext = buffer;
    let opened = AesCcm::<13, 8>::open_in_place(
        &mut ccm,
        &genuine.nonce,
        genuine.header(),
        &mut buffer,
        &tag,
    );
    checks.check(
        opened.is_ok() && Reading::decode(&buffer) == Some(reading),
        "AesCcm<13, 8> opens the ciphertext back to the reading",
    );

    let mut wrong_tag = tag;
    wrong_tag[7] ^= 0x01;
    let mut buffer = ciphertext;
    let opened = AesCcm::<13, 8>::open_in_place(
        &mut ccm,
        &genuine.nonce,
        genuine.header(),
        &mut buffer,
        &wrong_tag,
    );
    checks.check(
        opened == Err(Error::Verification) && buffer == [0; Reading::LEN],
        "AesCcm<13, 8> rejects a tag with one flipped bit and zeroes the buffer",
    );
    Ok(())
}

fn main() -> ExitCode {
    let mut checks = Checks::default();
    if let Err(error) = run(&mut checks) {
        println!("demo: unexpected error: {error}");
        return ExitCode::FAILURE;
    }
    let total = checks.passed + checks.failed;
    if checks.failed == 0 {
        println!("\ndemo: all {total} checks passed");
        ExitCode::SUCCESS
    } else {
        println!("\ndemo: {} of {total} checks FAILED", checks.failed);
        ExitCode::FAILURE
    }
}
