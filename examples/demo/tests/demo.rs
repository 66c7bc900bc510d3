//! Runs the `bulwark-demo` binary and checks that every expected outcome happened.

use std::process::Command;

#[test]
fn demo_exits_zero_and_shows_every_outcome() {
    let output = Command::new(env!("CARGO_BIN_EXE_bulwark-demo"))
        .output()
        .expect("the demo binary runs");
    let stdout = String::from_utf8(output.stdout).expect("the demo prints UTF-8");
    assert!(
        output.status.success(),
        "demo exited with {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );

    // Each expected text must begin a line of the output.
    let expected = [
        // The nonce is address | counter | level, for both levels.
        "  nonce       00124b0012345678 00000001 05",
        "  nonce       00124b0012345678 00000002 06",
        // Known ciphertext and MIC (checked against an independent AES-CCM implementation).
        "  ciphertext  9e40be57",
        "  MIC         c9bb8186",
        "  ciphertext  116b3592",
        "  MIC         7f7ca8fce82fa927",
        "coordinator: accepted frame counter 1 from 00:12:4b:00:12:34:56:78 (level 5, ENC-MIC-32): \
         temperature 21.50 C, humidity 40.00 %RH",
        "coordinator: accepted frame counter 2 from 00:12:4b:00:12:34:56:78 (level 6, ENC-MIC-64): \
         temperature 21.50 C, humidity 40.00 %RH",
        "coordinator: rejected: MIC verification failed (Error::Verification)",
        "  payload after the failed open: 00000000",
        "coordinator: accepted frame counter 3 from 00:12:4b:00:12:34:56:78 (level 6, ENC-MIC-64): \
         temperature 21.50 C, humidity 40.00 %RH",
        "coordinator: rejected: replayed frame counter 2 (highest accepted so far: 3)",
        "  [ok] AesCcm<13, 8> and CcmStar at level 6 produce identical bytes",
        "demo: all 12 checks passed",
    ];
    for line in expected {
        assert!(
            stdout.lines().any(|l| l.starts_with(line)),
            "missing line {line:?} in demo output:\n{stdout}"
        );
    }
    assert!(!stdout.contains("[FAIL]"), "a check failed:\n{stdout}");
    assert_eq!(
        stdout
            .matches("coordinator: rejected: MIC verification failed")
            .count(),
        2,
        "both tampered frames are rejected"
    );
}
