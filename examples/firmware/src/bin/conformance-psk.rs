//! The PSK derivation vectors (`test-vectors/psk_derivation.txt`) on a Cortex-M0 (micro:bit)
//! with the software backend: the code, device root, identity, link and storage keys of
//! `bulwark-psk` for each record, as the demo device derives them. The device checks them
//! here, in a test binary, not at boot.

#![no_std]
#![no_main]

use bulwark_api::{
    Error, SecretBytes,
    kdf::{HkdfSha256, Prk},
};
use bulwark_conformance::{
    Failure, Report,
    vectors::{Record, records},
};
use bulwark_firmware_examples::{MICROBIT, Tally};
use bulwark_psk::{DeviceRoot, OobCode, parse_code_into};
use bulwark_soft::Soft;
use cortex_m_rt::entry;

/// The vector file, compiled in.
const PSK_VECTORS: &str = include_str!("../../../../test-vectors/psk_derivation.txt");
/// How many records it must hold (a drop fails the check).
const PSK_VECTOR_COUNT: usize = 7;
/// The set's name in the report.
const SET: &str = "psk_derivation.txt";

#[entry]
fn main() -> ! {
    let mut t = Tally::new("conformance-psk", MICROBIT);
    t.check("soft (bulwark-psk)", psk_derivation());
    t.finish()
}

/// Every record must match; the count must be exact.
fn psk_derivation() -> Result<Report, Failure> {
    let mut checked = 0usize;
    for record in records(PSK_VECTORS) {
        checked += 1;
        if !record_matches(&record) {
            return Err(Failure::Mismatch {
                set: SET,
                line: record.line,
                what: "code, device root, identity, link or storage key",
            });
        }
    }
    if checked != PSK_VECTOR_COUNT {
        return Err(Failure::Count {
            set: SET,
            expected: PSK_VECTOR_COUNT,
            found: checked,
        });
    }
    Ok(Report {
        set: SET,
        checked,
        valid: checked,
        rejected: 0,
        skipped: 0,
    })
}

fn record_matches(record: &Record<'_>) -> bool {
    let mut expected = [0u8; 32];
    let mut device_id = [0u8; 255];
    let Some(code) = record.field("code") else {
        return false;
    };
    let Some(epoch) = record.number("epoch").and_then(|n| u32::try_from(n).ok()) else {
        return false;
    };
    let Some(device_id) = record.hex("device_id", &mut device_id) else {
        return false;
    };
    let mut secret = SecretBytes::<16>::zeroed();
    if parse_code_into(code, &mut secret).is_err() {
        return false;
    }
    let mut ok = record
        .hex("secret", &mut expected)
        .is_some_and(|e| *e == secret.expose_secret()[..]);
    ok &= OobCode::from_secret(&secret).expose_str() == code;
    let Ok(root) = DeviceRoot::from_code_secret(&mut Soft, &secret, device_id, epoch) else {
        return false;
    };
    ok &= root.epoch() == epoch;
    ok &= root.identity(&mut Soft).is_ok_and(|id| {
        record
            .hex("identity", &mut expected)
            .is_some_and(|e| *e == id.0[..])
    });
    let mut link = SecretBytes::<16>::zeroed();
    ok &= root.link_key(&mut Soft, &mut link).is_ok()
        && record
            .hex("link_key", &mut expected)
            .is_some_and(|e| *e == link.expose_secret()[..]);
    let mut storage = SecretBytes::<32>::zeroed();
    ok &= root.storage_key(&mut Soft, &mut storage).is_ok()
        && record
            .hex("storage_key", &mut expected)
            .is_some_and(|e| *e == storage.expose_secret()[..]);
    // The device root itself: expanding the vector's device_root as a PRK gives the link key.
    let mut root_bytes = SecretBytes::<32>::zeroed();
    ok &= record
        .hex("device_root", root_bytes.expose_secret_mut())
        .is_some();
    let prk = Prk::from_secret(root_bytes);
    let again: Result<SecretBytes<16>, Error> = Soft.expand_secret(
        &prk,
        &[b"\x00\x0ebulwark-psk v1", b"\x00\x04link", b"\x00\x10"],
    );
    ok &= again.is_ok_and(|k| k.ct_eq(&link));
    ok
}
