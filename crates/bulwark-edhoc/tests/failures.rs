//! The adapter never panics: failures are recorded, stand-in outputs are not predictable, and a
//! handshake with a failure is reported by `check`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::{Error, Rng};
use bulwark_edhoc::{EdhocCrypto, KEYGEN_ATTEMPTS};
use bulwark_soft::{Soft, SoftAes, SoftCcm};
use bulwark_testkit::rng::{DeterministicTestRng, FailingTestRng, StuckTestRng};
use common::{Trace, ours};
use lakers::{CryptoTrait, EDHOCError, EDHOCMethod, EdhocMessageBuffer, EdhocResponder};
use lakers_shared::{ConnId, Credential, CredentialTransfer};

fn soft_ccm(key: &[u8; 16]) -> Result<SoftCcm, Error> {
    Ok(SoftCcm::new(SoftAes::new(key)?))
}

/// x = 1 is not the x-coordinate of a P-256 point (1 - 3 + b is not a square mod p).
const OFF_CURVE_X: [u8; 32] = {
    let mut x = [0u8; 32];
    x[31] = 1;
    x
};

#[test]
fn off_curve_peer_key_is_recorded_not_zero() {
    let t = Trace::load();
    let mut crypto = ours(1);
    let shared = crypto.p256_ecdh(&t.array("x"), &OFF_CURVE_X);
    assert_eq!(crypto.failure(), Some(Error::InvalidInput));
    assert_eq!(crypto.check(), Err(Error::InvalidInput));
    assert_ne!(shared, [0; 32]);
    // The stand-in is the adapter's own random secret: another adapter's differs.
    let mut other = ours(2);
    assert_ne!(other.p256_ecdh(&t.array("x"), &OFF_CURVE_X), shared);
    // The first failure stays, later successes do not clear it.
    assert_eq!(
        crypto.p256_ecdh(&t.array("x"), &t.array("g_y")),
        t.array("g_xy")
    );
    assert_eq!(crypto.failure(), Some(Error::InvalidInput));
}

/// A message_1 whose G_X is not on the curve: lakers goes on (its trait cannot fail), our
/// adapter records the failure before message_2 would be sent.
#[test]
fn responder_notices_an_off_curve_g_x() {
    let t = Trace::load();
    let mut crypto = ours(3);
    let mut message_1 = t.get("message_1");
    let at = message_1
        .windows(32)
        .position(|w| w == t.get("g_x"))
        .unwrap();
    message_1[at..at + 32].copy_from_slice(&OFF_CURVE_X);
    let message_1 = EdhocMessageBuffer::new_from_slice(&message_1).unwrap();
    let cred_r = Credential::parse_ccs(&t.get("cred_r")).unwrap();
    let responder =
        EdhocResponder::new(&mut crypto, EDHOCMethod::StatStat, t.array("sk_r"), cred_r);
    let (responder, _, _) = responder.process_message_1(&message_1).unwrap();
    let c_r = ConnId::from_slice(&[0x27]).unwrap();
    let _ = responder.prepare_message_2(CredentialTransfer::ByReference, Some(c_r), &None);
    assert_eq!(crypto.check(), Err(Error::InvalidInput));
}

#[test]
fn failing_generator_at_construction() {
    let made = EdhocCrypto::new(Soft, soft_ccm, FailingTestRng(Error::Hardware));
    assert_eq!(made.err(), Some(Error::Hardware));
}

/// A generator that works for `budget` bytes, then fails.
struct Dying(DeterministicTestRng, usize);

impl Rng for Dying {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        if dest.len() > self.1 {
            return Err(Error::Hardware);
        }
        self.1 -= dest.len();
        self.0.fill_bytes(dest)
    }
}

#[test]
fn generator_failing_later() {
    let mut crypto =
        EdhocCrypto::new(Soft, soft_ccm, Dying(DeterministicTestRng::new(4), 32)).unwrap();
    // A connection identifier: 0 (a valid one, so lakers' draw loop ends), failure recorded.
    assert_eq!(crypto.get_random_byte(), 0);
    assert_eq!(crypto.failure(), Some(Error::Hardware));
    let (private, public) = crypto.p256_generate_key_pair();
    assert_ne!(private, [0; 32]);
    assert_eq!(public, [0; 32]);
}

/// A generator stuck at 0x00 or 0xff gives scalars outside 1..n: key generation gives up after
/// `KEYGEN_ATTEMPTS` draws and records a hardware failure.
#[test]
fn stuck_generator_is_noticed() {
    for byte in [0x00, 0xff] {
        let mut crypto = EdhocCrypto::new(Soft, soft_ccm, StuckTestRng(byte)).unwrap();
        let _ = crypto.p256_generate_key_pair();
        assert_eq!(crypto.failure(), Some(Error::Hardware), "{byte:#04x}");
    }
    assert_eq!(KEYGEN_ATTEMPTS, 4);
}

#[test]
fn short_or_forged_ciphertexts_are_mac_failures() {
    let t = Trace::load();
    let mut crypto = ours(5);
    let key = [7u8; 16];
    let iv = [9u8; 13];
    let short = EdhocMessageBuffer::new_from_slice(&[1, 2, 3]).unwrap();
    assert_eq!(
        crypto.aes_ccm_decrypt_tag_8(&key, &iv, b"ad", &short),
        Err(EDHOCError::MacVerificationFailed)
    );
    let plain = EdhocMessageBuffer::new_from_slice(&t.get("plaintext_3")).unwrap();
    let sealed = crypto.aes_ccm_encrypt_tag_8(&key, &iv, b"ad", &plain);
    assert_eq!(sealed.len, plain.len + 8);
    let opened = crypto
        .aes_ccm_decrypt_tag_8(&key, &iv, b"ad", &sealed)
        .unwrap();
    assert_eq!(opened.as_slice(), plain.as_slice());
    for bit in 0..sealed.len * 8 {
        let mut forged = sealed;
        forged.content[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            crypto.aes_ccm_decrypt_tag_8(&key, &iv, b"ad", &forged),
            Err(EDHOCError::MacVerificationFailed),
            "bit {bit}"
        );
    }
    // Authentication failures are verdicts, not adapter failures.
    crypto.check().unwrap();
}

/// The CCM results equal RustCrypto's (lakers' own crypto) for every plaintext length lakers
/// can pass.
#[test]
fn ccm_matches_rustcrypto() {
    let mut crypto = ours(6);
    let mut theirs = common::theirs(7);
    let key = [0x42u8; 16];
    let iv = [0x24u8; 13];
    for len in [0usize, 1, 10, 16, 17, 64] {
        let data: Vec<u8> = (0..len as u8).collect();
        let plain = EdhocMessageBuffer::new_from_slice(&data).unwrap();
        let a = crypto.aes_ccm_encrypt_tag_8(&key, &iv, b"ad", &plain);
        let b = theirs.aes_ccm_encrypt_tag_8(&key, &iv, b"ad", &plain);
        assert_eq!(a.as_slice(), b.as_slice(), "len {len}");
    }
    crypto.check().unwrap();
}

/// lakers' own RustCrypto backend (lakers-crypto-rustcrypto 0.8.0) panics on the same
/// off-curve G_X (`expect("Public key is not a good point")`): a responder built on it can be
/// stopped by one message_1. Ours records the failure instead (above). Kept as a record of the
/// peer's behaviour in the pinned version.
#[test]
fn rustcrypto_backend_panics_on_an_off_curve_g_x() {
    let t = Trace::load();
    let result = std::panic::catch_unwind(|| {
        let mut theirs = common::theirs(9);
        theirs.p256_ecdh(&t.array("x"), &OFF_CURVE_X)
    });
    assert!(result.is_err());
}
