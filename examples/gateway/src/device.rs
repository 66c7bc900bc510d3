//! Step 2: the device's data and output, and the device run on the host.

use super::*;

/// Reads `dir/device/` as the device would see it after flashing.
pub struct DeviceData {
    text: String,
    update: Vec<u8>,
    old: Vec<u8>,
}

impl DeviceData {
    /// Loads the three files [`provision`] wrote.
    pub fn load(device_dir: &Path) -> Result<Self, Failure> {
        Ok(Self {
            text: fs::read_to_string(device_dir.join("provisioning.txt"))?,
            update: fs::read(device_dir.join("update.img"))?,
            old: fs::read(device_dir.join("old.img"))?,
        })
    }

    /// The parsed provisioning.
    pub fn provisioning(&self) -> Result<Provisioning<'_>, Failure> {
        Provisioning::parse(&self.text, &self.update, &self.old)
            .map_err(|field| Failure(format!("provisioning.txt: bad or missing field `{field}`")))
    }
}

/// Step 2 without QEMU: the device's code (the same `no_std` library the firmware runs) on
/// the host, with the OS random generator. Returns its output and tally.
pub fn device_on_host(device_dir: &Path) -> Result<(String, Outcome), Failure> {
    let data = DeviceData::load(device_dir)?;
    let p = data.provisioning()?;
    let mut out = String::new();
    writeln!(
        out,
        "device: bulwark demo device on the HOST (x86_64), not on a Cortex-M0"
    )?;
    let outcome = bulwark_example_device::run(
        &p,
        &mut OsRandom,
        "the host's OS generator (getrandom)",
        &mut out,
    )?;
    writeln!(
        out,
        "device: {} checks ok, {} failed; stack: not measured on the host",
        outcome.passed, outcome.failed
    )?;
    Ok((out, outcome))
}

/// What the device printed, as the gateway reads it.
#[derive(Debug, Default)]
pub struct DeviceReport {
    /// `@identity`.
    pub identity: Option<[u8; 16]>,
    /// `@frame`, in order.
    pub frames: Vec<Vec<u8>>,
    /// `@x25519`.
    pub x25519: Option<[u8; 32]>,
    /// `@confirm`.
    pub confirm: Option<[u8; 16]>,
    /// `@update`: the confirmed counter and the image digest.
    pub update: Option<(u32, Vec<u8>)>,
    /// `@result ok`.
    pub result_ok: bool,
}

impl DeviceReport {
    /// Reads the `@tag` lines of the device's output (anything else is ignored, so QEMU's
    /// and the firmware's other lines may be mixed in).
    pub fn parse(output: &str) -> Result<Self, Failure> {
        let mut r = Self::default();
        for line in output.lines() {
            let mut words = line.split_whitespace();
            let (Some(t), rest) = (words.next(), words.collect::<Vec<_>>()) else {
                continue;
            };
            let first = rest.first().copied().unwrap_or("");
            match t {
                tag::IDENTITY => r.identity = Some(fixed(first, "identity")?),
                tag::FRAME => r.frames.push(var_hex(first, "frame")?),
                tag::X25519 => r.x25519 = Some(fixed(first, "X25519 public key")?),
                tag::CONFIRM => r.confirm = Some(fixed(first, "confirmation tag")?),
                tag::UPDATE => {
                    let counter = first
                        .parse()
                        .map_err(|_| Failure(format!("device output: bad counter `{first}`")))?;
                    let digest = var_hex(rest.get(1).copied().unwrap_or(""), "digest")?;
                    r.update = Some((counter, digest));
                }
                tag::RESULT => r.result_ok = first == "ok",
                _ => {}
            }
        }
        Ok(r)
    }
}
