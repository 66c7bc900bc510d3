//! The generic modes on the simulated AES peripheral (`bulwark-testkit`) pass the
//! backend-generic conformance suite: the same checks the software engine passes in
//! `bulwark-soft`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::Error;
use bulwark_conformance::{FullScratch, Report, aes};
use bulwark_modes::{CcmMode, CmacMode, CtrMode};
use bulwark_testkit::peripheral::{PeripheralAes, SimulatedAesPeripheral};

fn peripheral(key: &[u8]) -> Result<PeripheralAes, Error> {
    SimulatedAesPeripheral::new(key, 3).map(PeripheralAes::new)
}

fn show(engine: &str, r: Result<Report, bulwark_conformance::Failure>) -> Report {
    match r {
        Ok(report) => {
            println!("[{engine}] {report}");
            assert_eq!(report.skipped, 0, "{engine}: {report}");
            report
        }
        Err(failure) => panic!("[{engine}] {failure}"),
    }
}

macro_rules! suite {
    ($name:ident, $engine:expr, $ccm:expr, $label:literal) => {
        #[test]
        fn $name() {
            let make = $engine;
            let mut s = Box::new(FullScratch::new());
            let ccm = |k: &[u8]| make(k).map($ccm);
            assert_eq!(show($label, aes::ccm_cavp(ccm, &mut s)).checked, 2_880);
            assert_eq!(show($label, aes::ccm_rfc3610(ccm, &mut s)).checked, 24);
            assert_eq!(show($label, aes::ccm_sp800_38c(ccm, &mut s)).checked, 4);
            assert_eq!(show($label, aes::ccm_wycheproof(ccm, &mut s)).checked, 552);
            show($label, aes::ccm_tamper(ccm, &mut s));
            show($label, aes::ccm_size_rules(ccm, &mut s));
            assert_eq!(show($label, aes::ccm_typed_sizes(ccm)).checked, 49);
            show($label, aes::ccm_star(ccm, &mut s));
            let cmac = |k: &[u8]| make(k).map(CmacMode::new);
            assert_eq!(show($label, aes::cmac_wycheproof(cmac)).checked, 311);
            assert_eq!(show($label, aes::cmac_sp800_38b(cmac)).checked, 12);
            show($label, aes::cmac_parts(cmac));
            assert_eq!(
                show(
                    $label,
                    aes::ctr_vectors(|k: &[u8]| make(k).map(CtrMode::new))
                )
                .checked,
                15
            );
        }
    };
}

suite!(
    peripheral_engine_passes_the_suite,
    peripheral,
    CcmMode::new,
    "peripheral AES"
);
