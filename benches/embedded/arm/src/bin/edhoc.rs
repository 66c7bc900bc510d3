//! A full EDHOC initiator (RFC 9528 method 3, cipher suite 2) on the compact backend through
//! lakers and `bulwark-edhoc`: the RFC 9529 section 3 trace (`test-vectors/edhoc_rfc9529.txt`)
//! from the trace's ephemeral key X, so every message is a known answer: message_1 built,
//! message_2 parsed and verified (three P-256 agreements in all), message_3 and PRK_out built,
//! message_4 processed, the OSCORE Master Secret exported. A second operation measures the
//! ephemeral key generation the trace replaces.
//!
//! Run by `cargo xtask bench-target` and `cargo xtask bench` after `bench`, on the M0 and the M4
//! with the same counting plugin and markers (`PROTOCOL_BINS` in `xtask/src/bench/arm.rs`); the
//! report's "Protocols" table. The flash size of the whole binary is the EDHOC initiator's.
#![no_std]
#![no_main]

use bulwark_api::{Error, Rng};
use bulwark_bench_arm::{Runner, ops};
use bulwark_bench_ops::{Bench, h};
use bulwark_compact::{Compact, CompactCcm};
use bulwark_edhoc::EdhocCrypto;
use lakers::{
    ConnId, Credential, CredentialTransfer, CryptoTrait, EdhocBuffer, EdhocMessageBuffer,
    InitiatorStart, MAX_KDF_CONTEXT_LEN, edhoc_exporter, i_parse_message_2, i_prepare_message_1,
    i_prepare_message_3, i_process_message_4, i_verify_message_2,
};

// RFC 9529 section 3 (test-vectors/edhoc_rfc9529.txt).
const X: [u8; 32] = h("368ec1f69aeb659ba37d5a8d45b21bdc0299dceaa8ef235f3ca42ce3530f9525");
const G_X: [u8; 32] = h("8af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b6");
const SK_I: [u8; 32] = h("fb13adeb6518cee5f88417660841142e830a81fe334380a953406a1305e8706b");
const MESSAGE_1: [u8; 39] =
    h("0382060258208af6f430ebe18d34184017a9a11bf511c8dff8f834730b96c1b7c8dbca2fc3b637");
const MESSAGE_2: [u8; 45] =
    h("582b419701d7f00a26c2dc587a36dd752549f33763c893422c8ea0f955a13a4ff5d59862a1eef9e0e7e1886fcd");
const MESSAGE_3: [u8; 19] = h("52e562097bc417dd5919485ac7891ffd90a9fc");
const MESSAGE_4: [u8; 9] = h("4828c966b7ca304f83");
const PRK_OUT: [u8; 32] = h("2c71afc1a9338a940bb3529ca734b886f30d1aba0b4dc51beeaeabdfea9ecbf8");
const OSCORE_MASTER_SECRET: [u8; 16] = h("f9868f6a3aca78a05d1485b35030b162");
const CRED_I: [u8; 107] = h(
    "a2027734322d35302d33312d46462d45462d33372d33322d333908a101a5010202412b2001215820ac75e9ece3e50bfc8ed60399889522405c47bf16df96660a41298cb4307f7eb62258206e5de611388a4b8a8211334ac7d37ecb52a387d257e6db3c2a93df21ff3affc8",
);
const CRED_R: [u8; 95] = h(
    "a2026b6578616d706c652e65647508a101a501020241322001215820bbc34960526ea4d32e940cad2a234148ddc21791a12afbcbac93622046dd44f02258204519e257236b2a0ce2023f0931f1f386ca7afda64fcde0108c224c51eabf6072",
);

/// A fixed byte sequence standing in for the TRNG. **NOT a source of entropy** (benchmark only).
struct BenchRng(u32);

impl Rng for BenchRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for d in dest {
            // xorshift32
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            *d = self.0 as u8;
        }
        Ok(())
    }
}

type Crypto = EdhocCrypto<Compact, fn(&[u8; 16]) -> Result<CompactCcm, Error>, BenchRng>;

fn compact_ccm(key: &[u8; 16]) -> Result<CompactCcm, Error> {
    CompactCcm::from_key(key)
}

fn crypto(seed: u32) -> Option<Crypto> {
    EdhocCrypto::new(
        Compact,
        compact_ccm as fn(&[u8; 16]) -> Result<CompactCcm, Error>,
        BenchRng(seed),
    )
    .ok()
}

/// The whole initiator; `Some(true)` when every message and output matches the trace.
fn initiator(crypto: &mut Crypto) -> Option<bool> {
    let start = InitiatorStart {
        suites_i: EdhocBuffer::new_from_slice(&[6, 2]).ok()?,
        method: 3,
        x: X,
        g_x: G_X,
    };
    let c_i = ConnId::from_slice(&[0x37])?;
    let (wait_m2, message_1) = i_prepare_message_1(&start, &mut *crypto, c_i, &None).ok()?;
    let message_2 = EdhocMessageBuffer::new_from_slice(&MESSAGE_2).ok()?;
    let (processing, _c_r, _id_cred_r, _) =
        i_parse_message_2(&wait_m2, &mut *crypto, &message_2).ok()?;
    let cred_r = Credential::parse_ccs(&CRED_R).ok()?;
    let processed = i_verify_message_2(&processing, &mut *crypto, cred_r, &SK_I).ok()?;
    let cred_i = Credential::parse_ccs(&CRED_I).ok()?;
    let (mut wait_m4, message_3, prk_out) = i_prepare_message_3(
        &processed,
        &mut *crypto,
        cred_i,
        CredentialTransfer::ByReference,
        &None,
    )
    .ok()?;
    let message_4 = EdhocMessageBuffer::new_from_slice(&MESSAGE_4).ok()?;
    let (completed, _) = i_process_message_4(&mut wait_m4, &mut *crypto, &message_4).ok()?;
    let context = [0u8; MAX_KDF_CONTEXT_LEN];
    let secret = edhoc_exporter(&completed, &mut *crypto, 0, &context, 0, 16);
    Some(
        message_1.as_slice() == MESSAGE_1
            && message_3.as_slice() == MESSAGE_3
            && prk_out == PRK_OUT
            && secret.get(..16) == Some(&OSCORE_MASTER_SECRET[..])
            && crypto.check().is_ok(),
    )
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
/// The entry point: runs the operations, then exits over semihosting.
fn main() -> ! {
    let mut r = Runner::new();
    ops::empty(&mut r);
    ops::calibration(&mut r);
    match crypto(0x1234_5678) {
        Some(c) => r.run(
            "edhoc-initiator-rfc9529",
            c,
            |mut c| initiator(&mut c),
            |ok| ok == Some(true),
        ),
        None => r.fail("edhoc-initiator-rfc9529"),
    }
    match crypto(0x9abc_def0) {
        Some(c) => r.run(
            "edhoc-ephemeral-keygen",
            c,
            |mut c| {
                let (_x, g_x) = c.p256_generate_key_pair();
                (g_x, c.check().is_ok())
            },
            |(g_x, ok)| ok && g_x != [0; 32],
        ),
        None => r.fail("edhoc-ephemeral-keygen"),
    }
    r.finish()
}
