//! What the compact backend's conformance tests share.

use bulwark_conformance::{Failure, Report};

/// Prints a conformance check's report and requires that it skipped no record; a failed check
/// fails the test with its reason.
pub fn show(r: Result<Report, Failure>) -> Report {
    match r {
        Ok(report) => {
            println!("[compact] {report}");
            assert_eq!(report.skipped, 0, "compact: {report}");
            report
        }
        Err(failure) => panic!("[compact] {failure}"),
    }
}
