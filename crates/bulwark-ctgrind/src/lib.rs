#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]

pub mod cases;
pub mod memcheck;

use std::io::Write;

/// One constant-time check: a named operation whose secret inputs are marked undefined.
pub struct Case {
    /// The name printed in the report (one line per case).
    pub name: &'static str,
    /// What is secret in this case (for the report).
    pub secret: &'static str,
    /// Runs the operation once. Returns an error if the operation itself misbehaved (wrong
    /// result), which is a harness failure, not a timing finding.
    pub run: fn() -> Result<(), String>,
}

/// The outcome of one case.
#[derive(Debug)]
pub struct Outcome {
    /// The case's name.
    pub name: &'static str,
    /// Unsuppressed valgrind reports raised while the case ran (0 outside valgrind).
    pub reports: u64,
    /// A functional failure, if any.
    pub failure: Option<String>,
}

/// Runs `cases` in order, printing one line per case and a summary to stdout, and a marker
/// line to stderr before each case so valgrind's reports (also on stderr) can be attributed.
///
/// Returns the outcomes; the run passed if every case has no report and no failure.
pub fn run_cases(cases: &[Case]) -> Vec<Outcome> {
    let on_valgrind = memcheck::running_on_valgrind();
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        eprintln!("[ctgrind] --- case {} (secret: {})", case.name, case.secret);
        let _ = std::io::stderr().flush();
        let before = memcheck::count_errors();
        let failure = (case.run)().err();
        let reports = memcheck::count_errors().saturating_sub(before);
        let verdict = match (&failure, reports, on_valgrind) {
            (Some(e), _, _) => format!("FAILED ({e})"),
            (None, 0, true) => "clean".to_owned(),
            (None, 0, false) => "ran (not under valgrind: unchecked)".to_owned(),
            (None, n, _) => format!("LEAK: {n} valgrind report(s), see stderr"),
        };
        println!("{:<28} {verdict}", case.name);
        let _ = std::io::stdout().flush();
        outcomes.push(Outcome {
            name: case.name,
            reports,
            failure,
        });
    }
    let leaky = outcomes.iter().filter(|o| o.reports > 0).count();
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    let clean = outcomes
        .iter()
        .filter(|o| o.reports == 0 && o.failure.is_none())
        .count();
    println!(
        "ctgrind: {} cases, {clean} clean, {leaky} with reports, {failed} failed{}",
        outcomes.len(),
        if on_valgrind {
            ""
        } else {
            " (NOT under valgrind: nothing was checked)"
        }
    );
    outcomes
}
