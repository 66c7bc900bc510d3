//! Step 3: the gateway's side of the run.

use super::*;

struct Tally<'a> {
    out: &'a mut String,
    outcome: Outcome,
}

impl Tally<'_> {
    fn check(&mut self, ok: bool, what: &str) -> fmt::Result {
        self.outcome.check(self.out, ok, what)
    }
}

fn eui(bytes: &[u8; 8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Step 3: the gateway's side of the run, from the device's output. `mode` says where the
/// device ran (printed). Returns the gateway's tally.
pub fn complete(
    dir: &Path,
    device_output: &str,
    mode: &str,
    out: &mut String,
) -> Result<Outcome, Failure> {
    let mut gateway = Gateway::load(dir)?;
    let report = DeviceReport::parse(device_output)?;
    let mut t = Tally {
        out,
        outcome: Outcome::default(),
    };
    writeln!(t.out, "\n== gateway: the device ran {mode}")?;
    writeln!(t.out, "gateway backend: {}", backend())?;
    writeln!(
        t.out,
        "database: {} device(s), keys derived from their out-of-band codes",
        gateway.devices()
    )?;
    t.check(
        report.result_ok,
        "the device reported all of its own checks passed",
    )?;

    // Join: look the device up by its PSK identity.
    let Some(identity) = report.identity else {
        t.check(false, "the device announced its PSK identity")?;
        return Ok(t.outcome);
    };
    let joined = gateway.join(identity);
    writeln!(
        t.out,
        "device announced identity {}: {}",
        hex(&identity),
        match &joined {
            Some(e) => format!("found, EUI-64 {}", eui(e)),
            None => "NOT in the database".to_owned(),
        }
    )?;
    t.check(
        joined.is_some(),
        "the identity is in the gateway's database",
    )?;

    // Frames: open both, refuse a tampered copy and a replay.
    writeln!(
        t.out,
        "\n== gateway: sealed readings (CCM*, link key from the code)"
    )?;
    let [first, second] = report.frames.as_slice() else {
        t.check(false, "the device sent two frames")?;
        return Ok(t.outcome);
    };
    let mut receive = |t: &mut Tally<'_>, label: &str, frame: &[u8]| -> Result<_, Failure> {
        let mut buf = frame.to_vec();
        let outcome = gateway.receive(&mut buf);
        match &outcome {
            Ok((info, reading)) => writeln!(
                t.out,
                "{label}: accepted frame counter {} from {} (level {}, {}): {reading}",
                info.frame_counter,
                eui(&info.source.to_be_bytes()),
                info.level.as_u8(),
                protocol::level_name(info.level)
            )?,
            Err(r) => writeln!(t.out, "{label}: rejected: {r}")?,
        }
        Ok(outcome)
    };
    let expected = Reading {
        centi_celsius: 2150,
        centi_percent_rh: 4000,
    };
    let r1 = receive(&mut t, "frame 1", first)?;
    t.check(
        matches!(&r1, Ok((i, r)) if *r == expected && i.frame_counter == 1),
        "frame 1 opened with the link key: the device's reading",
    )?;
    let mut tampered = second.clone();
    if let Some(b) = tampered.get_mut(HEADER_LEN) {
        *b ^= 0x01;
    }
    let rt = receive(&mut t, "frame 2 with one flipped ciphertext bit", &tampered)?;
    t.check(
        matches!(rt, Err(Rejection::Crypto(Error::Verification))),
        "the tampered frame is refused (Error::Verification)",
    )?;
    let r2 = receive(&mut t, "frame 2", second)?;
    t.check(
        matches!(&r2, Ok((i, r)) if *r == expected && i.frame_counter == 2),
        "frame 2 opened: the forgery did not advance the replay window",
    )?;
    let rr = receive(&mut t, "frame 1 again (replay)", first)?;
    t.check(
        matches!(
            rr,
            Err(Rejection::Replay {
                counter: 1,
                highest: 2
            })
        ),
        "the replayed frame is refused by the replay window",
    )?;

    // The exchange.
    writeln!(t.out, "\n== gateway: X25519 exchange and key confirmation")?;
    match (report.x25519, report.confirm) {
        (Some(public), Some(confirm)) => {
            writeln!(t.out, "device ephemeral public key {}", hex(&public))?;
            writeln!(
                t.out,
                "gateway public key          {}",
                hex(&gateway.x25519_public)
            )?;
            let verdict = gateway.confirm_session(identity, &public, &confirm);
            writeln!(
                t.out,
                "device's confirmation tag {}: {}",
                hex(&confirm),
                match verdict {
                    Ok(()) => "matches the gateway's session key".to_owned(),
                    Err(e) => format!("does NOT match ({e})"),
                }
            )?;
            t.check(
                verdict.is_ok(),
                "both sides derived the same session key (confirmed by CMAC, key never sent)",
            )?;
        }
        _ => t.check(false, "the device sent its public key and confirmation tag")?,
    }

    // The update.
    writeln!(t.out, "\n== gateway: the signed update")?;
    let (counter, digest) = gateway.update_digest()?;
    match &report.update {
        Some((c, d)) => {
            writeln!(
                t.out,
                "device confirmed image {} with counter {c}; the gateway signed {} with counter {counter}",
                hex(d),
                hex(&digest)
            )?;
            t.check(
                *c == counter && *d == digest,
                "the device installed exactly the update the gateway signed",
            )?;
        }
        None => t.check(false, "the device reported the update it confirmed")?,
    }
    Ok(t.outcome)
}
