//! The peripheral-shaped engine's failure modes reach the caller as `Busy` / `Hardware`, and
//! no partial output is left behind.

#![allow(clippy::unwrap_used)] // tests

use bulwark_api::{Error, ccm::Ccm, hazmat::Ctr, mac::Cmac};
use bulwark_modes::{CcmMode, CmacMode, CtrMode};
use bulwark_testkit::peripheral::{PeripheralAes, SimulatedAesPeripheral};

fn engine() -> PeripheralAes {
    PeripheralAes::new(SimulatedAesPeripheral::new(&[0x55; 16], 2).unwrap())
}

#[test]
fn a_held_peripheral_reports_busy_and_outputs_nothing() {
    let mut ccm = CcmMode::new(engine());
    let mut buf = *b"reading";
    let mut tag = [0xaa; 8];
    let nonce = [1u8; 13];
    // Seal once while free, then open while another bus master holds the peripheral.
    ccm.seal_detached(&nonce, &[], &mut buf, &mut tag).unwrap();
    let mut engine = ccm.into_engine();
    engine.peripheral_mut().set_held_by_other(true);
    let mut ccm = CcmMode::new(engine);
    let sealed = buf;
    assert_eq!(
        ccm.open_detached(&nonce, &[], &mut buf, &tag),
        Err(Error::Busy)
    );
    assert_eq!(buf, [0; 7]);
    let mut out_tag = [0xaa; 8];
    buf = *b"reading";
    assert_eq!(
        ccm.seal_detached(&nonce, &[], &mut buf, &mut out_tag),
        Err(Error::Busy)
    );
    assert_eq!((buf, out_tag), ([0; 7], [0; 8]));

    let mut engine = ccm.into_engine();
    engine.peripheral_mut().set_held_by_other(false);
    let mut ccm = CcmMode::new(engine);
    buf = sealed;
    ccm.open_detached(&nonce, &[], &mut buf, &tag).unwrap();
    assert_eq!(&buf, b"reading");
}

#[test]
fn a_faulting_peripheral_reports_hardware_and_zeroes_output() {
    let mut e = engine();
    e.peripheral_mut().inject_fault();
    let mut ctr = CtrMode::new(e);
    let mut buf = [0x33u8; 40];
    assert_eq!(
        ctr.apply_keystream(&[0; 16], &mut buf),
        Err(Error::Hardware)
    );
    assert_eq!(buf, [0; 40]);

    let mut e = engine();
    e.peripheral_mut().inject_fault();
    assert_eq!(CmacMode::new(e).compute(&[b"x"]), Err(Error::Hardware));
}
