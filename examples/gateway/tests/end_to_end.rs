//! The demo's round trip on the host: provision, the device's no_std code, the gateway's
//! checks; and the gateway refusing what it must refuse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark::DefaultProvider;
use bulwark_example_device::{Provisioning, RamCounter};
use bulwark_firmware::Verifier;
use bulwark_gateway::{
    DeviceReport, OsRandom, commissioned_codes, complete, device_on_host, provision,
};
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bulwark-gateway-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn provisioned(name: &str) -> (PathBuf, String) {
    let dir = temp_dir(name);
    let mut out = String::new();
    provision(&dir, &mut OsRandom, &mut out).unwrap();
    let (device_output, outcome) = device_on_host(&dir.join("device")).unwrap();
    assert!(outcome.success(), "device:\n{device_output}");
    // 8 checks of keys, frames, exchange and update; 2 of the sealed vault; 2 of the non-IP
    // links (private address, install code); 4 of the door lock's trust chains.
    assert_eq!(outcome.passed, 16, "device:\n{device_output}");
    for line in [
        "  [ok] after a remount the vault returns the link key, the session salt and the frame counter",
        "  [ok] a vault with one changed bit is refused (Error::Verification)",
        "  [ok] the private address resolves under the device's IRK, and not under another",
        "  [ok] Zigbee link key from the install code matches the specification's example; a typo fails the CRC",
        "guest (gateway -> family -> guest): allow (the door opens)",
        "guest, after the gateway revoked the family member's grant: deny: revoked",
        "family member, after the revocation: deny: revoked",
        "owner, after the revocation: allow (the door opens)",
    ] {
        assert!(
            device_output.lines().any(|l| l == line),
            "missing {line:?} in:\n{device_output}"
        );
    }
    (dir, device_output)
}

#[test]
fn device_and_gateway_agree() {
    let (dir, device_output) = provisioned("agree");
    let mut out = String::new();
    let outcome = complete(&dir, &device_output, "on the host (test)", &mut out).unwrap();
    assert!(outcome.success(), "gateway:\n{out}");
    assert_eq!(outcome.passed, 8, "gateway:\n{out}");
    for line in [
        "frame 1: accepted frame counter 1 from 00:12:4b:00:12:34:56:78 (level 6, ENC-MIC-64): \
         temperature 21.50 C, humidity 40.00 %RH",
        "frame 2 with one flipped ciphertext bit: rejected: MIC verification failed",
        "frame 1 again (replay): rejected: replayed frame counter 1 (highest accepted so far: 2)",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(line)),
            "missing {line:?} in:\n{out}"
        );
    }
    // The code is on the label and sealed in the gateway's vault, never in the device's
    // output, and never in plain text in the gateway's files.
    let codes = commissioned_codes(&dir).unwrap();
    assert_eq!(codes.len(), 1);
    let code = codes[0].as_str();
    assert!(!device_output.contains(code));
    for file in ["devices.vault", "vault.key"] {
        let bytes = std::fs::read(dir.join("gateway").join(file)).unwrap();
        assert!(
            !bytes.windows(code.len()).any(|w| w == code.as_bytes()),
            "{file}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gateway_refuses_a_wrong_confirmation_and_an_unknown_device() {
    let (dir, device_output) = provisioned("refuse");
    let report = DeviceReport::parse(&device_output).unwrap();
    let confirm = bulwark_example_device::protocol::Hex(&report.confirm.unwrap()).to_string();
    let mut forged = confirm.clone().into_bytes();
    forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
    let forged = device_output.replace(&confirm, std::str::from_utf8(&forged).unwrap());
    let mut out = String::new();
    let outcome = complete(&dir, &forged, "test", &mut out).unwrap();
    assert_eq!(outcome.failed, 1, "{out}");
    assert!(out.contains("does NOT match (verification failed"), "{out}");

    // Another gateway (another commissioning) does not know this device.
    let other = temp_dir("other");
    let mut sink = String::new();
    provision(&other, &mut OsRandom, &mut sink).unwrap();
    let mut out = String::new();
    let outcome = complete(&other, &device_output, "test", &mut out).unwrap();
    assert!(!outcome.success());
    assert!(out.contains("NOT in the database"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&other).unwrap();
}

/// `examples/firmware/device-data/` (what `cargo run --bin device` embeds without
/// `BULWARK_DEVICE_DATA`) must stay a consistent provisioning: it parses and its update
/// verifies against its update key.
#[test]
fn committed_device_data_is_consistent() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware/device-data");
    let text = std::fs::read_to_string(dir.join("provisioning.txt")).unwrap();
    let update = std::fs::read(dir.join("update.img")).unwrap();
    let old = std::fs::read(dir.join("old.img")).unwrap();
    let p = Provisioning::parse(&text, &update, &old).unwrap();
    let trusted = [p.update_key];
    let mut provider = DefaultProvider::default();
    let image = Verifier::ed25519(&mut provider, &trusted)
        .unwrap()
        .verify_slice(&mut provider, p.update, &mut RamCounter(p.counter))
        .unwrap();
    assert!(image.security_counter().unwrap() > p.counter);
    let (output, outcome) = device_on_host(&dir).unwrap();
    assert!(outcome.success(), "{output}");
}
