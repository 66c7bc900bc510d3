//! The software AES engine passes the backend-generic conformance suite twice, once on each
//! CCM path (fused AES-NI where the CPU has it, and forced portable). The generic modes on the
//! simulated peripheral pass the same suite in `bulwark-modes`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // tests report failures by panicking

use bulwark_api::Error;
use bulwark_conformance::{FullScratch, Report, aes};
use bulwark_soft::{CmacMode, CtrMode, SoftAes, SoftCcm};

/// Whether this host should take the fused path (x86-64 with AES-NI).
fn host_has_aesni() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("aes")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The engine users get: fused CCM where the CPU allows it.
fn soft(key: &[u8]) -> Result<SoftAes, Error> {
    let engine = SoftAes::new(key)?;
    assert_eq!(
        engine.is_fused(),
        host_has_aesni(),
        "fused path not selected as expected"
    );
    Ok(engine)
}

/// The same engine forced onto the portable generic CCM.
fn soft_portable(key: &[u8]) -> Result<SoftAes, Error> {
    let engine = SoftAes::new_portable(key)?;
    assert!(!engine.is_fused());
    Ok(engine)
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
    software_engine_passes_the_suite,
    soft,
    SoftCcm::new,
    "soft AES (fused CCM if AES-NI)"
);
suite!(
    software_engine_portable_path_passes_the_suite,
    soft_portable,
    SoftCcm::new,
    "soft AES (portable CCM)"
);
