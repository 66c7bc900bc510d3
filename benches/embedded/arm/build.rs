//! Links each binary for its machine and makes the benchmark inputs with the host crates:
//!
//! - thumbv6m (Cortex-M0): QEMU `microbit` (256 KiB flash, 16 KiB RAM);
//!   thumbv7em (Cortex-M4): QEMU `mps2-an386`; riscv32: QEMU `virt`.
//! - `OUT_DIR/image.bin`: a signed MCUboot image (Ed25519, SHA-256, security counter 1) of a
//!   64 KiB body, made with `bulwark_firmware::ImageBuilder` and `bulwark_soft::Soft` on the
//!   host, and `OUT_DIR/inputs.rs`: its public key and lengths.

use std::{env, fmt::Write as _, fs, path::PathBuf};

use bulwark_api::{
    SecretBytes,
    sig::{AlgorithmId, EcdsaP256, Ed25519, Sign, Verify},
};
use bulwark_bench_ops::pattern;
use bulwark_firmware::{ImageBuilder, ImageVersion};
use bulwark_soft::Soft;
use bulwark_trust::encode::{
    GrantClaims, IssuerKey, grant_payload, revocation_payload, sign_record,
};

/// Body length of the benchmark image.
const IMAGE_BODY: usize = 64 * 1024;

fn hex_array(bytes: &[u8]) -> String {
    let mut s = String::from("[");
    for b in bytes {
        let _ = write!(s, "0x{b:02x},");
    }
    s.push(']');
    s
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let target = env::var("TARGET")?;
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=memory");

    let machine = if target.starts_with("thumbv6m") {
        Some("microbit")
    } else if target.starts_with("thumbv7") {
        Some("mps2-an386")
    } else if target.starts_with("riscv32") {
        Some("riscv-virt")
    } else {
        None
    };
    if let Some(machine) = machine {
        println!(
            "cargo:rustc-link-search={}",
            root.join("memory").join(machine).display()
        );
        if target.starts_with("riscv") {
            println!("cargo:rustc-link-arg=-Tmemory.x");
        }
        println!("cargo:rustc-link-arg=-Tlink.x");
    }

    // The signed image.
    let mut soft = Soft;
    let seed = SecretBytes::<32>::try_from_slice(&[0x42; 32]).map_err(|e| format!("{e:?}"))?;
    let key = Sign::<Ed25519>::import_signing_key(&mut soft, seed).map_err(|e| format!("{e:?}"))?;
    let public = Sign::<Ed25519>::signing_public(&mut soft, &key).map_err(|e| format!("{e:?}"))?;
    let public = Verify::<Ed25519>::export_public(&mut soft, &public);
    let body: Vec<u8> = (0..IMAGE_BODY).map(pattern).collect();
    let builder = ImageBuilder::new(ImageVersion::new(1, 2, 3, 4))
        .pad_header(true)
        .security_counter(Some(1));
    let mut image = vec![0u8; IMAGE_BODY + 4096];
    let len = builder
        .sign_ed25519(&mut soft, &key, &body, &mut image)
        .map_err(|e| format!("{e:?}"))?;
    image.truncate(len);
    fs::write(out.join("image.bin"), &image)?;

    let mut rs = String::new();
    writeln!(
        rs,
        "/// Length of the signed benchmark image (header, 64 KiB body, TLVs)."
    )?;
    writeln!(rs, "pub const IMAGE_LEN: usize = {len};")?;
    writeln!(rs, "/// Body length of the signed benchmark image.")?;
    writeln!(rs, "pub const IMAGE_BODY: usize = {IMAGE_BODY};")?;
    writeln!(rs, "/// The Ed25519 public key that signed the image.")?;
    writeln!(
        rs,
        "pub const IMAGE_PUBKEY: [u8; 32] = {};",
        hex_array(&public)
    )?;
    for (name, alg) in [
        ("TRUST_ED25519", AlgorithmId::Ed25519),
        ("TRUST_ES256", AlgorithmId::EcdsaP256),
    ] {
        trust_inputs(&mut rs, name, alg)?;
    }
    fs::write(out.join("inputs.rs"), rs)?;
    Ok(())
}

/// A key of `alg` from a fixed seed, as the trust crate's issuer.
fn trust_key(alg: AlgorithmId, seed: u8) -> Result<TrustKey, String> {
    let secret = SecretBytes::<32>::try_from_slice(&[seed; 32]).map_err(|e| format!("{e:?}"))?;
    Ok(match alg {
        AlgorithmId::Ed25519 => TrustKey::Ed(
            Sign::<Ed25519>::import_signing_key(&mut Soft, secret).map_err(|e| format!("{e:?}"))?,
        ),
        AlgorithmId::EcdsaP256 => TrustKey::Ec(
            Sign::<EcdsaP256>::import_signing_key(&mut Soft, secret)
                .map_err(|e| format!("{e:?}"))?,
        ),
    })
}

enum TrustKey {
    Ed(<Soft as Sign<Ed25519>>::SigningKey),
    Ec(<Soft as Sign<EcdsaP256>>::SigningKey),
}

impl TrustKey {
    fn issuer(&self) -> IssuerKey<'_, Soft> {
        match self {
            TrustKey::Ed(k) => IssuerKey::Ed25519(k),
            TrustKey::Ec(k) => IssuerKey::EcdsaP256(k),
        }
    }
}

/// Writes `NAME: TrustInputs`: root -> a (depth 2, level 200) -> b (depth 1, level 150) -> c
/// (depth 0, level 100, `PUT /door/lock`), all keys of `alg`, and 2 revocations of other
/// grants (by the root and by a).
fn trust_inputs(
    rs: &mut String,
    name: &str,
    alg: AlgorithmId,
) -> Result<(), Box<dyn std::error::Error>> {
    let keys = [
        trust_key(alg, 0x71)?,
        trust_key(alg, 0x72)?,
        trust_key(alg, 0x73)?,
        trust_key(alg, 0x74)?,
    ];
    let public = |k: &TrustKey| k.issuer().public(&mut Soft).map_err(|e| format!("{e:?}"));
    let lock: &[(&str, u8)] = &[("/door/lock", 0x05), ("/rules", 0x02)];
    let mut records = Vec::new();
    let mut parent = None;
    for (i, (depth, level)) in [(2u64, 200u8), (1, 150), (0, 100)].into_iter().enumerate() {
        let cti = [0x10 + i as u8; 16];
        let claims = GrantClaims {
            cti,
            subject: public(&keys[i + 1])?,
            scope: if i == 2 {
                &[("/door/lock", 0x04)]
            } else {
                lock
            },
            depth,
            level,
            parent,
            nbf: None,
            exp: None,
        };
        let mut payload = [0u8; 512];
        let n = grant_payload(&claims, &mut payload).map_err(|e| format!("{e:?}"))?;
        let mut record = [0u8; 512];
        let n = sign_record(&mut Soft, &keys[i].issuer(), &payload[..n], &mut record)
            .map_err(|e| format!("{e:?}"))?;
        records.push(record[..n].to_vec());
        parent = Some(cti);
    }
    for (i, signer) in [0usize, 1].into_iter().enumerate() {
        let mut payload = [0u8; 512];
        let n = revocation_payload(
            &[0x20 + i as u8; 16],
            &[[0x30 + i as u8; 16]],
            1,
            &mut payload,
        )
        .map_err(|e| format!("{e:?}"))?;
        let mut record = [0u8; 512];
        let n = sign_record(
            &mut Soft,
            &keys[signer].issuer(),
            &payload[..n],
            &mut record,
        )
        .map_err(|e| format!("{e:?}"))?;
        records.push(record[..n].to_vec());
    }
    let root = public(&keys[0])?;
    let alg = match alg {
        AlgorithmId::Ed25519 => "Ed25519",
        AlgorithmId::EcdsaP256 => "EcdsaP256",
    };
    writeln!(
        rs,
        "/// A 3-grant chain with 2 revocations ({alg} keys), made by build.rs."
    )?;
    writeln!(
        rs,
        "pub static {name}: bulwark_bench_ops::TrustInputs = bulwark_bench_ops::TrustInputs {{"
    )?;
    writeln!(rs, "    alg: bulwark_api::sig::AlgorithmId::{alg},")?;
    writeln!(rs, "    root: &{},", hex_array(root.raw()))?;
    writeln!(
        rs,
        "    chain: [&{}, &{}, &{}],",
        hex_array(&records[0]),
        hex_array(&records[1]),
        hex_array(&records[2])
    )?;
    writeln!(
        rs,
        "    revocations: [&{}, &{}],",
        hex_array(&records[3]),
        hex_array(&records[4])
    )?;
    writeln!(rs, "}};")?;
    Ok(())
}
