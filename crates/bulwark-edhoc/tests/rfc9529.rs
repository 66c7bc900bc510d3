//! The RFC 9529 section 3 trace (method 3, cipher suite 2) through lakers' state machine on
//! bulwark's crypto: the whole Initiator side byte-exact (message_1 from X, message_2
//! processed, message_3 and PRK_out produced, message_4 processed, the OSCORE Master Secret and
//! Salt exported), and the Responder steps that do not need its ephemeral private key Y (which
//! lakers' tests do not carry): message_1 parsed, message_3 decrypted, message_4 produced.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::kex::KeyAgreement;
use bulwark_api::{SecretBytes, kex::P256};
use bulwark_edhoc::{
    EXPORTER_LABEL_MASTER_SALT, EXPORTER_LABEL_MASTER_SECRET, OSCORE_MASTER_SALT_LEN,
    OSCORE_MASTER_SECRET_LEN,
};
use bulwark_soft::Soft;
use common::{Trace, ours};
use lakers::{
    ConnId, CredentialTransfer, CryptoTrait, EdhocBuffer, EdhocMessageBuffer, InitiatorStart,
    MAX_KDF_CONTEXT_LEN, ProcessedM3, ResponderStart, WaitM3, edhoc_exporter, i_parse_message_2,
    i_prepare_message_1, i_prepare_message_3, i_process_message_4, i_verify_message_2,
    r_parse_message_3, r_prepare_message_4, r_process_message_1,
};
use lakers_shared::Credential;

fn buffer(bytes: &[u8]) -> EdhocMessageBuffer {
    EdhocMessageBuffer::new_from_slice(bytes).unwrap()
}

/// Our backend's public keys for the trace's private keys are the trace's G_X, G_R and G_I.
#[test]
fn public_keys() {
    let t = Trace::load();
    let mut soft = Soft;
    for (private, public_x) in [("x", "g_x"), ("sk_r", "g_r")] {
        let secret = KeyAgreement::<P256>::import_static(
            &mut soft,
            SecretBytes::take_from(&mut t.array(private)),
        )
        .unwrap();
        let public = KeyAgreement::<P256>::static_public(&mut soft, &secret).unwrap();
        let encoded = KeyAgreement::<P256>::export_public(&mut soft, &public);
        assert_eq!(encoded[1..33], t.get(public_x)[..], "{public_x}");
    }
    // G_I: CRED_I holds x at bytes 41..73 (after `215820`).
    let secret = KeyAgreement::<P256>::import_static(
        &mut soft,
        SecretBytes::take_from(&mut t.array("sk_i")),
    )
    .unwrap();
    let public = KeyAgreement::<P256>::static_public(&mut soft, &secret).unwrap();
    let encoded = KeyAgreement::<P256>::export_public(&mut soft, &public);
    let cred_i = t.get("cred_i");
    let at = cred_i
        .windows(3)
        .position(|w| w == [0x21, 0x58, 0x20])
        .unwrap()
        + 3;
    assert_eq!(encoded[1..33], cred_i[at..at + 32]);
    assert_eq!(encoded[33..65], cred_i[at + 35..at + 67]);
}

/// G_XY = ECDH(X, G_Y), lakers' `test_ecdh`, on our crypto.
#[test]
fn ecdh() {
    let t = Trace::load();
    let mut crypto = ours(1);
    assert_eq!(
        crypto.p256_ecdh(&t.array("x"), &t.array("g_y")),
        t.array("g_xy")
    );
    crypto.check().unwrap();
}

#[test]
fn initiator_side() {
    initiator_side_on(ours(2));
    initiator_side_on(common::ours_compact(2));
}

fn initiator_side_on<
    B: bulwark_edhoc::EdhocBackend,
    K: bulwark_edhoc::CcmKeys,
    R: bulwark_api::Rng,
>(
    mut crypto: bulwark_edhoc::EdhocCrypto<B, K, R>,
) {
    let t = Trace::load();
    let start = InitiatorStart {
        suites_i: EdhocBuffer::new_from_slice(&t.get("suites_i")).unwrap(),
        method: t.get("method")[0],
        x: t.array("x"),
        g_x: t.array("g_x"),
    };
    let c_i = ConnId::from_slice(&t.get("c_i")).unwrap();

    let (wait_m2, message_1) = i_prepare_message_1(&start, &mut crypto, c_i, &None).unwrap();
    assert_eq!(message_1.as_slice(), t.get("message_1"));
    assert_eq!(wait_m2.h_message_1, t.array("h_message_1"));

    let message_2 = buffer(&t.get("message_2"));
    let (processing, c_r, id_cred_r, ead_2) =
        i_parse_message_2(&wait_m2, &mut crypto, &message_2).unwrap();
    assert_eq!(c_r.as_slice(), t.get("c_r"));
    assert_eq!(id_cred_r.as_full_value(), t.get("id_cred_r"));
    assert!(ead_2.is_none());
    assert_eq!(processing.th_2, t.array("th_2"));
    assert_eq!(processing.prk_2e, t.array("prk_2e"));
    assert_eq!(processing.plaintext_2.as_slice(), t.get("plaintext_2"));
    assert_eq!(processing.mac_2, t.array("mac_2"));

    let cred_r = Credential::parse_ccs(&t.get("cred_r")).unwrap();
    let processed = i_verify_message_2(&processing, &mut crypto, cred_r, &t.array("sk_i")).unwrap();
    assert_eq!(processed.prk_3e2m, t.array("prk_3e2m"));
    assert_eq!(processed.prk_4e3m, t.array("prk_4e3m"));
    assert_eq!(processed.th_3, t.array("th_3"));

    let cred_i = Credential::parse_ccs(&t.get("cred_i")).unwrap();
    let (wait_m4, message_3, prk_out) = i_prepare_message_3(
        &processed,
        &mut crypto,
        cred_i,
        CredentialTransfer::ByReference,
        &None,
    )
    .unwrap();
    assert_eq!(message_3.as_slice(), t.get("message_3"));
    assert_eq!(prk_out, t.array("prk_out"));
    assert_eq!(wait_m4.th_4, t.array("th_4"));
    assert_eq!(wait_m4.prk_exporter, t.array("prk_exporter"));

    let mut wait_m4 = wait_m4;
    let message_4 = buffer(&t.get("message_4"));
    let (completed, ead_4) = i_process_message_4(&mut wait_m4, &mut crypto, &message_4).unwrap();
    assert!(ead_4.is_none());
    assert_eq!(completed.prk_out, t.array("prk_out"));

    let empty = [0u8; MAX_KDF_CONTEXT_LEN];
    let secret = edhoc_exporter(
        &completed,
        &mut crypto,
        EXPORTER_LABEL_MASTER_SECRET,
        &empty,
        0,
        OSCORE_MASTER_SECRET_LEN,
    );
    let salt = edhoc_exporter(
        &completed,
        &mut crypto,
        EXPORTER_LABEL_MASTER_SALT,
        &empty,
        0,
        OSCORE_MASTER_SALT_LEN,
    );
    assert_eq!(secret[..16], t.get("oscore_master_secret")[..]);
    assert_eq!(salt[..8], t.get("oscore_master_salt")[..]);
    crypto.check().unwrap();
}

#[test]
fn responder_side_without_y() {
    let t = Trace::load();
    let mut crypto = ours(3);
    // Y is not in lakers' tests; parsing message_1 does not use it.
    let start = ResponderStart {
        method: t.get("method")[0],
        y: [0; 32],
        g_y: t.array("g_y"),
    };
    let message_1 = buffer(&t.get("message_1"));
    let (processing, c_i, ead_1) = r_process_message_1(&start, &mut crypto, &message_1).unwrap();
    assert_eq!(c_i.as_slice(), t.get("c_i"));
    assert!(ead_1.is_none());
    assert_eq!(processing.g_x, t.array("g_x"));
    assert_eq!(processing.h_message_1, t.array("h_message_1"));

    // message_3 decrypts (AES-CCM with K_3, IV_3 from PRK_3e2m and TH_3) to ID_CRED_I, MAC_3.
    let mut wait_m3 = WaitM3 {
        y: [0; 32],
        prk_3e2m: t.array("prk_3e2m"),
        th_3: t.array("th_3"),
    };
    let message_3 = buffer(&t.get("message_3"));
    let (processing_m3, id_cred_i, ead_3) =
        r_parse_message_3(&mut wait_m3, &mut crypto, &message_3).unwrap();
    assert_eq!(id_cred_i.as_full_value(), t.get("id_cred_i"));
    assert!(ead_3.is_none());
    assert_eq!(processing_m3.plaintext_3.as_slice(), t.get("plaintext_3"));
    assert_eq!(processing_m3.mac_3, t.array("mac_3"));

    // A flipped bit in message_3's tag fails.
    let mut bad = t.get("message_3");
    *bad.last_mut().unwrap() ^= 1;
    let mut wait_m3 = WaitM3 {
        y: [0; 32],
        prk_3e2m: t.array("prk_3e2m"),
        th_3: t.array("th_3"),
    };
    assert!(r_parse_message_3(&mut wait_m3, &mut crypto, &buffer(&bad)).is_err());

    // message_4 from PRK_4e3m and TH_4 (AES-CCM encryption of the empty plaintext).
    let processed_m3 = ProcessedM3 {
        prk_4e3m: t.array("prk_4e3m"),
        th_4: t.array("th_4"),
        prk_out: t.array("prk_out"),
        prk_exporter: t.array("prk_exporter"),
    };
    let (_, message_4) = r_prepare_message_4(&processed_m3, &mut crypto, &None).unwrap();
    assert_eq!(message_4.as_slice(), t.get("message_4"));
    crypto.check().unwrap();
}
