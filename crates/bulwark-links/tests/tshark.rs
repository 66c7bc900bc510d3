//! Wireshark's own dissectors decrypt what bulwark seals: Zigbee NWK frames (some carrying APS
//! frames secured with a link key or the key-transport key derived from it) and IEEE 802.15.4
//! MAC frames are written to pcap files, and `tshark`, given the keys in its preferences,
//! must decode every frame to the payload we sealed and report every frame with a flipped bit
//! as failing its MIC.
//!
//! `tshark` is a Debian package (`apt-get install tshark`; CI installs it before the tests).
//! Without it the test is skipped with a message, unless `BULWARK_REQUIRE_IMGTOOL` is set
//! (as in CI), which makes a missing tool a failure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::{SecretBytes, ccm::SecurityLevel};
use bulwark_links::zigbee::ieee802154::{self, FrameInfo};
use bulwark_links::zigbee::mmo;
use bulwark_links::zigbee::security::{self, AuxHeader, KeyId};
use common::engines;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const NETWORK_KEY: [u8; 16] = [
    0x01, 0x03, 0x05, 0x07, 0x09, 0x0b, 0x0d, 0x0f, 0x00, 0x02, 0x04, 0x06, 0x08, 0x0a, 0x0c, 0x0d,
];
const MAC_KEY: [u8; 16] = [
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
];
const SOURCE: u64 = 0x00_0d_6f_00_0a_bc_de_f1;
const PAN: u16 = 0x1a62;
/// Zigbee frames sealed, and as many with a flipped bit.
const ZIGBEE_FRAMES: usize = 40;
/// IEEE 802.15.4 frames per security level with a MIC (levels 1, 2, 3, 5, 6, 7).
const MAC_FRAMES_PER_LEVEL: usize = 8;

fn tshark_available() -> bool {
    let found = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("BULWARK_REQUIRE_IMGTOOL").is_none(),
            "tshark is required (BULWARK_REQUIRE_IMGTOOL is set) but was not found; \
             install it with `apt-get install tshark`"
        );
        // Straight to the process's stderr, so the note shows though the harness captures output.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: tshark not found (install the Debian package `tshark`); set BULWARK_REQUIRE_IMGTOOL to make this a failure"
        );
    }
    found
}

fn key(bytes: [u8; 16]) -> SecretBytes<16> {
    let mut b = bytes;
    SecretBytes::take_from(&mut b)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A pcap file with link type 230 (IEEE 802.15.4, no FCS).
fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&230u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend_from_slice(&(1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    std::fs::write(path, out).unwrap();
}

fn work_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "bulwark-links-tshark-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tshark(pcap: &Path, prefs: &[String], extra: &[&str]) -> String {
    let mut cmd = Command::new("tshark");
    // A private configuration directory: no user or system preferences interfere.
    cmd.env("WIRESHARK_CONFIG_DIR", pcap.parent().unwrap());
    cmd.arg("-n").arg("-r").arg(pcap);
    for p in prefs {
        cmd.arg("-o").arg(p);
    }
    cmd.args(extra);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A Zigbee NWK data frame inside an 802.15.4 data frame (no MAC security), secured with the
/// network key at level 5; the NWK payload is an APS data frame carrying `aps_payload`.
fn zigbee_frame(i: usize, aps_payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x41, 0x88, i as u8];
    frame.extend_from_slice(&PAN.to_le_bytes());
    frame.extend_from_slice(&0x0000u16.to_le_bytes());
    frame.extend_from_slice(&0x1234u16.to_le_bytes());
    let mac_len = frame.len();
    // NWK header: data, protocol version 2, security; destination, source, radius, sequence.
    let mut nwk = vec![0x08, 0x02, 0x00, 0x00, 0x34, 0x12, 0x1e, i as u8];
    let header_len = nwk.len();
    // APS data frame: unicast, endpoints, cluster, profile, counter; then the payload.
    let mut aps = vec![0x00, 0x0a, 0x06, 0x00, 0x04, 0x01, 0x0a, i as u8];
    aps.extend_from_slice(aps_payload);
    let payload_len = aps.len();
    nwk.extend_from_slice(&aps);
    nwk.resize(header_len + payload_len + 14 + 4, 0);
    let aux = AuxHeader {
        key_id: KeyId::Network,
        frame_counter: 1000 + i as u32,
        source: Some(SOURCE),
        key_sequence: Some(0),
    };
    let n = security::seal(
        &mut engines(),
        &key(NETWORK_KEY),
        SecurityLevel::EncMic32,
        SOURCE,
        &aux,
        &mut nwk,
        header_len,
        payload_len,
    )
    .unwrap();
    frame.extend_from_slice(&nwk[..n]);
    assert_eq!(frame.len(), mac_len + n);
    frame
}

fn payload(i: usize, len: usize) -> Vec<u8> {
    (0..len).map(|j| (i * 31 + j * 7 + 1) as u8).collect()
}

/// The frames of `tshark -V -x` output, in order.
/// tshark's full dissection (`-V -x`) of `pcap` with `prefs`, one block per frame; checks
/// that it read `frames` frames.
fn dissect(pcap: &Path, prefs: &[String], frames: usize) -> Vec<String> {
    let out = tshark(pcap, prefs, &["-V", "-x"]);
    let blocks: Vec<String> = frame_blocks(&out).into_iter().map(str::to_owned).collect();
    assert_eq!(blocks.len(), frames, "tshark read every frame");
    blocks
}

/// The preferences that give tshark the Zigbee keys `keys` (key, label) and the NWK security
/// level the frames use (encryption with a 32-bit MIC).
fn zigbee_prefs(keys: &[(&[u8; 16], &str)]) -> Vec<String> {
    let mut prefs: Vec<String> = keys
        .iter()
        .map(|(key, label)| {
            format!(
                "uat:zigbee_pc_keys:\"{}\",\"Normal\",\"{label}\"",
                hex(*key)
            )
        })
        .collect();
    prefs.push("zbee_nwk.seclevel:AES-128 Encryption, 32-bit Integrity Protection".to_string());
    prefs
}

fn frame_blocks(out: &str) -> Vec<&str> {
    // A frame starts with "Frame N: ..."; "Frame (N bytes):" heads a hex dump.
    let is_start = |rest: &str| {
        rest.strip_prefix("Frame ")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    let mut starts: Vec<usize> = out
        .match_indices("\nFrame ")
        .map(|(i, _)| i + 1)
        .filter(|&i| is_start(&out[i..]))
        .collect();
    if is_start(out) {
        starts.insert(0, 0);
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| &out[s..starts.get(k + 1).copied().unwrap_or(out.len())])
        .collect()
}

fn is_hex_line(line: &str) -> bool {
    line.len() > 6 && line.as_bytes()[..4].iter().all(u8::is_ascii_hexdigit) && &line[4..6] == "  "
}

/// One hex-dump line, "0000  41 88 62 ...   A.b": offset, up to 16 hex bytes, three spaces,
/// the bytes as text.
fn hex_line(line: &str, bytes: &mut Vec<u8>) {
    let cols = line[6..].split("   ").next().unwrap_or("");
    bytes.extend(
        cols.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap()),
    );
}

/// The bytes of the hex dump of data source `name` in a frame block (`-x` output).
fn data_source(block: &str, name: &str) -> Option<Vec<u8>> {
    let start = block.find(&format!("{name} ("))?;
    let mut bytes = Vec::new();
    for line in block[start..].lines().skip(1) {
        if !is_hex_line(line) {
            break;
        }
        hex_line(line, &mut bytes);
    }
    Some(bytes)
}

/// The frame's own hex dump (the only one when there is a single data source).
fn hex_dump(block: &str) -> Vec<u8> {
    let start = block.find("\n0000  ").map_or(block.len(), |i| i + 1);
    let mut bytes = Vec::new();
    for line in block[start..].lines() {
        if !is_hex_line(line) {
            break;
        }
        hex_line(line, &mut bytes);
    }
    bytes
}

#[test]
fn tshark_decrypts_zigbee_nwk_frames() {
    if !tshark_available() {
        return;
    }
    let dir = work_dir("zigbee");
    let mut frames = Vec::new();
    let mut sealed = Vec::new();
    for i in 0..ZIGBEE_FRAMES {
        let p = payload(i, 1 + (i * 5) % 60);
        let frame = zigbee_frame(i, &p);
        // What the NWK layer sealed: the APS frame (its header, then the payload).
        let mut aps = vec![0x00, 0x0a, 0x06, 0x00, 0x04, 0x01, 0x0a, i as u8];
        aps.extend_from_slice(&p);
        frames.push(frame);
        sealed.push(aps);
    }
    // The same frames with one bit flipped: in the MIC (the ciphertext intact) for even i,
    // in the ciphertext for odd i.
    for i in 0..ZIGBEE_FRAMES {
        let mut f = frames[i].clone();
        let at = if i % 2 == 0 {
            f.len() - 1 - (i / 2) % 4
        } else {
            f.len() - 5
        };
        f[at] ^= 1 << (i % 8);
        frames.push(f);
    }
    let pcap = dir.join("zigbee.pcap");
    write_pcap(&pcap, &frames);
    let prefs = zigbee_prefs(&[(&NETWORK_KEY, "bulwark")]);
    let blocks = dissect(&pcap, &prefs, 2 * ZIGBEE_FRAMES);
    for (i, block) in blocks.iter().enumerate() {
        assert!(
            block.contains("ZigBee Network Layer Data"),
            "frame {}: not dissected as Zigbee NWK:\n{block}",
            i + 1
        );
        assert!(block.contains("Frame Counter: "), "frame {}", i + 1);
        let decrypted = data_source(block, "Decrypted ZigBee Payload");
        if i < ZIGBEE_FRAMES {
            assert_eq!(
                decrypted.as_deref(),
                Some(&sealed[i][..]),
                "frame {}: tshark's plaintext:\n{block}",
                i + 1
            );
            assert!(block.contains("[Key Label: bulwark]"), "frame {}", i + 1);
        } else {
            // Wireshark tries each key and keeps none whose MIC fails: the payload stays
            // encrypted and is flagged.
            assert_eq!(
                decrypted,
                None,
                "frame {}: a flipped bit was accepted:\n{block}",
                i + 1
            );
            assert!(
                block.contains("[Expert Info (Warning/Undecoded): Encrypted Payload]"),
                "frame {}:\n{block}",
                i + 1
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tshark_decrypts_ieee802154_frames() {
    if !tshark_available() {
        return;
    }
    let dir = work_dir("mac");
    let levels = [
        SecurityLevel::Mic32,
        SecurityLevel::Mic64,
        SecurityLevel::Mic128,
        SecurityLevel::EncMic32,
        SecurityLevel::EncMic64,
        SecurityLevel::EncMic128,
    ];
    let mut frames = Vec::new();
    let mut expected = Vec::new();
    for (l, &level) in levels.iter().enumerate() {
        for i in 0..MAC_FRAMES_PER_LEVEL {
            let n = l * MAC_FRAMES_PER_LEVEL + i;
            let info = FrameInfo {
                sequence: n as u8,
                pan_id: PAN,
                destination: 0xffff,
                source: SOURCE,
                frame_counter: 100 + n as u32,
                key_index: 1,
            };
            let p = payload(n, 1 + (n * 3) % 70);
            let mut out = vec![0u8; 127];
            let len = ieee802154::seal_data_frame(
                &mut engines(),
                &key(MAC_KEY),
                level,
                &info,
                &p,
                &mut out,
            )
            .unwrap();
            out.truncate(len);
            frames.push(out);
            expected.push((level, p));
        }
    }
    let good = frames.len();
    for (n, f) in frames.clone().into_iter().enumerate() {
        let mut f = f;
        // Flip a MIC bit (even) or a payload bit (odd).
        let at = if n % 2 == 0 {
            f.len() - 1
        } else {
            ieee802154::HEADER_LEN + ieee802154::AUX_LEN
        };
        f[at] ^= 1 << (n % 8);
        frames.push(f);
    }
    let pcap = dir.join("mac.pcap");
    write_pcap(&pcap, &frames);
    let prefs = [format!(
        "uat:ieee802154_keys:\"{}\",\"1\",\"No hash\"",
        hex(&MAC_KEY)
    )];
    let blocks = dissect(&pcap, &prefs, 2 * good);
    for (n, block) in blocks.iter().enumerate() {
        let (level, p) = &expected[n % good];
        let header = format!(
            "Security Level: {}",
            match level.as_u8() {
                1 => "32-bit Message Integrity Code",
                2 => "64-bit Message Integrity Code",
                3 => "128-bit Message Integrity Code",
                5 => "Encryption with 32-bit Message Integrity Code",
                6 => "Encryption with 64-bit Message Integrity Code",
                _ => "Encryption with 128-bit Message Integrity Code",
            }
        );
        assert!(
            block.contains(&header),
            "frame {}: expected {header}:\n{block}",
            n + 1
        );
        let verified = block.contains("[Key Number: 0]");
        let refused = block.contains("No encryption key set - can't decrypt");
        if n < good {
            assert!(
                verified && !refused,
                "frame {}: tshark did not authenticate it:\n{block}",
                n + 1
            );
            let payload = if level.encrypts() {
                // The plaintext tshark decrypted.
                data_source(block, "Decrypted IEEE 802.15.4 payload")
            } else {
                // MIC only: the payload travels in clear after the auxiliary header, and tshark
                // authenticated it ([Key Number]).
                data_source(block, "Frame")
                    .or_else(|| Some(hex_dump(block)))
                    .map(|f| {
                        f[ieee802154::HEADER_LEN + ieee802154::AUX_LEN..f.len() - level.mic_len()]
                            .to_vec()
                    })
            };
            assert_eq!(
                payload.as_deref(),
                Some(&p[..]),
                "frame {}: payload differs:\n{block}",
                n + 1
            );
        } else {
            // No key's MIC verifies: tshark 4.0 reports that the frame cannot be decrypted.
            assert!(
                refused && !verified,
                "frame {}: a flipped bit was accepted:\n{block}",
                n + 1
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

const LINK_KEY: [u8; 16] = [
    0x5a, 0x69, 0x67, 0x42, 0x65, 0x65, 0x41, 0x6c, 0x6c, 0x69, 0x61, 0x6e, 0x63, 0x65, 0x30, 0x39,
];
/// APS-secured frames (inside NWK security), and as many with a flipped APS MIC bit.
const APS_FRAMES: usize = 12;

/// The bytes of every hex dump of data source `name` in a frame block, in order.
fn data_sources(block: &str, name: &str) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut rest = block;
    while let Some(at) = rest.find(&format!("{name} (")) {
        found.extend(data_source(&rest[at..], name));
        rest = &rest[at + name.len()..];
    }
    found
}

/// An APS data frame secured with the link key (even `i`) or the key-transport key derived
/// from it with AES-MMO's keyed hash (odd `i`), then a NWK frame carrying it secured with the
/// network key. With `flip_aps_mic`, one bit of the APS MIC is flipped before the NWK layer
/// seals the frame.
fn aps_secured_frame(i: usize, aps_payload: &[u8], flip_aps_mic: bool) -> (Vec<u8>, Vec<u8>) {
    let mut e = engines();
    let link = key(LINK_KEY);
    let (key_id, aps_key) = if i.is_multiple_of(2) {
        (KeyId::Data, key(LINK_KEY))
    } else {
        (
            KeyId::KeyTransport,
            mmo::key_transport_key(&mut e, &link).unwrap(),
        )
    };
    // APS header: data frame with the security bit; endpoints, cluster, profile, counter.
    let mut aps = vec![0x20, 0x0a, 0x06, 0x00, 0x04, 0x01, 0x0a, i as u8];
    let header_len = aps.len();
    aps.extend_from_slice(aps_payload);
    aps.resize(header_len + aps_payload.len() + 13 + 4, 0);
    let aux = AuxHeader {
        key_id,
        frame_counter: 500 + i as u32,
        source: Some(SOURCE),
        key_sequence: None,
    };
    let n = security::seal(
        &mut e,
        &aps_key,
        SecurityLevel::EncMic32,
        SOURCE,
        &aux,
        &mut aps,
        header_len,
        aps_payload.len(),
    )
    .unwrap();
    aps.truncate(n);
    if flip_aps_mic {
        aps[n - 1] ^= 0x80;
    }
    let mut frame = vec![0x41, 0x88, i as u8];
    frame.extend_from_slice(&PAN.to_le_bytes());
    frame.extend_from_slice(&0x0000u16.to_le_bytes());
    frame.extend_from_slice(&0x1234u16.to_le_bytes());
    let mut nwk = vec![0x08, 0x02, 0x00, 0x00, 0x34, 0x12, 0x1e, i as u8];
    let nwk_header = nwk.len();
    nwk.extend_from_slice(&aps);
    nwk.resize(nwk_header + aps.len() + 14 + 4, 0);
    let aux = AuxHeader {
        key_id: KeyId::Network,
        frame_counter: 2000 + i as u32,
        source: Some(SOURCE),
        key_sequence: Some(0),
    };
    let n = security::seal(
        &mut e,
        &key(NETWORK_KEY),
        SecurityLevel::EncMic32,
        SOURCE,
        &aux,
        &mut nwk,
        nwk_header,
        aps.len(),
    )
    .unwrap();
    frame.extend_from_slice(&nwk[..n]);
    (frame, aps)
}

#[test]
fn tshark_decrypts_zigbee_aps_frames() {
    if !tshark_available() {
        return;
    }
    let dir = work_dir("aps");
    let mut frames = Vec::new();
    let mut expected = Vec::new();
    for flip in [false, true] {
        for i in 0..APS_FRAMES {
            let p = payload(i + 100, 2 + (i * 7) % 40);
            let (frame, aps) = aps_secured_frame(i, &p, flip);
            frames.push(frame);
            expected.push((aps, p));
        }
    }
    let pcap = dir.join("aps.pcap");
    write_pcap(&pcap, &frames);
    // Both keys in the table; Wireshark derives the key-transport key from the link key itself.
    let prefs = zigbee_prefs(&[(&NETWORK_KEY, "network"), (&LINK_KEY, "link")]);
    let blocks = dissect(&pcap, &prefs, 2 * APS_FRAMES);
    for (n, block) in blocks.iter().enumerate() {
        let (aps, p) = &expected[n];
        let decrypted = data_sources(block, "Decrypted ZigBee Payload");
        assert!(
            block.contains("ZigBee Application Support Layer"),
            "frame {}:\n{block}",
            n + 1
        );
        // The NWK layer always authenticates: its plaintext is the secured APS frame.
        assert_eq!(
            decrypted.first(),
            Some(aps),
            "frame {}: NWK plaintext:\n{block}",
            n + 1
        );
        if n < APS_FRAMES {
            assert_eq!(
                decrypted.len(),
                2,
                "frame {}: APS not decrypted:\n{block}",
                n + 1
            );
            assert_eq!(&decrypted[1], p, "frame {}: APS plaintext:\n{block}", n + 1);
            let key_id = if n % 2 == 0 {
                "Key Id: Link Key (0x0)"
            } else {
                "Key Id: Key-Transport Key (0x2)"
            };
            assert!(
                block.contains(key_id),
                "frame {}: expected {key_id}:\n{block}",
                n + 1
            );
        } else {
            assert_eq!(
                decrypted.len(),
                1,
                "frame {}: a flipped APS MIC bit was accepted:\n{block}",
                n + 1
            );
            assert!(
                block.contains("[Expert Info (Warning/Undecoded): Encrypted Payload]"),
                "frame {}:\n{block}",
                n + 1
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
