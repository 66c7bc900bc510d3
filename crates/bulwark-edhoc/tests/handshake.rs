//! lakers' full EDHOC handshake (method 3, cipher suite 2) with bulwark's crypto on one side and
//! lakers' RustCrypto crypto on the other, in both directions and with both credential
//! transfers; then the OSCORE context (RFC 9528 Appendix A.1) derived on both sides with
//! bulwark-psk from the EDHOC exporter, and one OSCORE-protected request and response
//! exchanged with bulwark-oscore over it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_api::ccm::AesCcm;
use bulwark_edhoc::{
    EXPORTER_LABEL_MASTER_SALT, EXPORTER_LABEL_MASTER_SECRET, OSCORE_MASTER_SALT_LEN,
    OSCORE_MASTER_SECRET_LEN, Role, oscore_ids,
};
use bulwark_oscore::message::{self, MessageType, code, number};
use bulwark_oscore::{Context, Freshness, ReplayWindow, SenderSequence, VolatileStore};
use bulwark_psk::oscore::{self, OscoreKeys, OscoreParams};
use bulwark_soft::{Soft, SoftAes, SoftCcm};
use common::{Trace, ours, theirs};
use lakers::{
    ConnId, CredentialTransfer, CryptoTrait, EDHOCMethod, EDHOCSuite, EdhocInitiator,
    EdhocResponder, credential_check_or_fetch, generate_connection_identifier_cbor,
};
use lakers_shared::Credential;

/// What each side ends with.
struct Outcome {
    prk_out: ([u8; 32], [u8; 32]),
    master_secret: ([u8; 16], [u8; 16]),
    master_salt: ([u8; 8], [u8; 8]),
    c_i: ConnId,
    c_r: ConnId,
}

/// One full handshake: initiator crypto `ci`, responder crypto `cr`; connection identifiers
/// drawn from the respective side's generator (`gen_i`, `gen_r`).
fn handshake<I: CryptoTrait, R: CryptoTrait>(
    c_i: ConnId,
    c_r: ConnId,
    ci: I,
    cr: R,
    transfer: CredentialTransfer,
) -> Outcome {
    let t = Trace::load();
    let cred_i = Credential::parse_ccs(&t.get("cred_i")).unwrap();
    let cred_r = Credential::parse_ccs(&t.get("cred_r")).unwrap();

    let initiator = EdhocInitiator::new(ci, EDHOCMethod::StatStat, EDHOCSuite::CipherSuite2);
    let responder = EdhocResponder::new(cr, EDHOCMethod::StatStat, t.array("sk_r"), cred_r);

    let (initiator, message_1) = initiator.prepare_message_1(Some(c_i), &None).unwrap();
    let (responder, got_c_i, ead_1) = responder.process_message_1(&message_1).unwrap();
    assert_eq!(got_c_i, c_i);
    assert!(ead_1.is_none());
    let (responder, message_2) = responder
        .prepare_message_2(transfer, Some(c_r), &None)
        .unwrap();

    let (mut initiator, got_c_r, id_cred_r, _ead_2) =
        initiator.parse_message_2(&message_2).unwrap();
    assert_eq!(got_c_r, c_r);
    let valid_cred_r = credential_check_or_fetch(Some(cred_r), id_cred_r).unwrap();
    initiator.set_identity(t.array("sk_i"), cred_i).unwrap();
    let initiator = initiator.verify_message_2(valid_cred_r).unwrap();
    let (initiator, message_3, i_prk_out) = initiator.prepare_message_3(transfer, &None).unwrap();

    let (responder, id_cred_i, _ead_3) = responder.parse_message_3(&message_3).unwrap();
    let valid_cred_i = credential_check_or_fetch(Some(cred_i), id_cred_i).unwrap();
    let (responder, r_prk_out) = responder.verify_message_3(valid_cred_i).unwrap();
    let (mut responder, message_4) = responder.prepare_message_4(&None).unwrap();
    let (mut initiator, _ead_4) = initiator.process_message_4(&message_4).unwrap();

    let secret = |e: [u8; lakers::MAX_BUFFER_LEN]| -> [u8; 16] { e[..16].try_into().unwrap() };
    let salt = |e: [u8; lakers::MAX_BUFFER_LEN]| -> [u8; 8] { e[..8].try_into().unwrap() };
    let (l0, l1) = (EXPORTER_LABEL_MASTER_SECRET, EXPORTER_LABEL_MASTER_SALT);
    let (ns, nl) = (OSCORE_MASTER_SECRET_LEN, OSCORE_MASTER_SALT_LEN);
    Outcome {
        prk_out: (i_prk_out, r_prk_out),
        master_secret: (
            secret(initiator.edhoc_exporter(l0, &[], ns)),
            secret(responder.edhoc_exporter(l0, &[], ns)),
        ),
        master_salt: (
            salt(initiator.edhoc_exporter(l1, &[], nl)),
            salt(responder.edhoc_exporter(l1, &[], nl)),
        ),
        c_i,
        c_r,
    }
}

/// Connection identifiers from each side's generator (the responder's differs from C_I).
fn connection_ids<I: CryptoTrait, R: CryptoTrait>(ci: &mut I, cr: &mut R) -> (ConnId, ConnId) {
    let c_i = generate_connection_identifier_cbor(ci);
    let mut c_r = generate_connection_identifier_cbor(cr);
    while c_r == c_i {
        c_r = generate_connection_identifier_cbor(cr);
    }
    (c_i, c_r)
}

/// Both sides agree on PRK_out and the exporter outputs; then each derives its OSCORE context
/// with bulwark-psk and the two contexts mirror each other, and a message sealed with the
/// Initiator's sender key and nonce opens with the Responder's recipient key and nonce.
fn check_agreement(o: &Outcome) {
    assert_eq!(o.prk_out.0, o.prk_out.1);
    assert_ne!(o.prk_out.0, [0; 32]);
    assert_eq!(o.master_secret.0, o.master_secret.1);
    assert_eq!(o.master_salt.0, o.master_salt.1);

    let derive = |role| {
        let mut keys = OscoreKeys::zeroed();
        oscore::derive_context(&mut Soft, &oscore_params(o, role), &mut keys).unwrap();
        keys
    };
    let i = derive(Role::Initiator);
    let r = derive(Role::Responder);
    assert!(i.sender_key.ct_eq(&r.recipient_key));
    assert!(i.recipient_key.ct_eq(&r.sender_key));
    assert!(!i.sender_key.ct_eq(&i.recipient_key));
    assert_eq!(i.common_iv, r.common_iv);

    // Initiator's request, Partial IV 5: its Sender ID is C_R, the Responder's Recipient ID.
    let (i_sender, _) = oscore_ids(Role::Initiator, &o.c_i, &o.c_r);
    let (_, r_recipient) = oscore_ids(Role::Responder, &o.c_i, &o.c_r);
    assert_eq!(i_sender, o.c_r.as_slice());
    assert_eq!(r_recipient, o.c_r.as_slice());
    let n_i = oscore::nonce(&i.common_iv, i_sender, &[5]).unwrap();
    let n_r = oscore::nonce(&r.common_iv, r_recipient, &[5]).unwrap();
    assert_eq!(n_i, n_r);

    let mut sealer = SoftCcm::new(SoftAes::new(i.sender_key.expose_secret()).unwrap());
    let mut opener = SoftCcm::new(SoftAes::new(r.recipient_key.expose_secret()).unwrap());
    let mut message = *b"GET /temperature";
    let tag = AesCcm::<13, 8>::seal_in_place(&mut sealer, &n_i, b"aad", &mut message).unwrap();
    assert_ne!(&message, b"GET /temperature");
    AesCcm::<13, 8>::open_in_place(&mut opener, &n_r, b"aad", &mut message, &tag).unwrap();
    assert_eq!(&message, b"GET /temperature");

    exchange_oscore(o);
}

/// The OSCORE parameters of `role` from its EDHOC exporter outputs and the connection
/// identifiers.
fn oscore_params(o: &Outcome, role: Role) -> OscoreParams<'_> {
    let (secret, salt) = match role {
        Role::Initiator => (&o.master_secret.0, &o.master_salt.0),
        Role::Responder => (&o.master_secret.1, &o.master_salt.1),
    };
    let (sender_id, recipient_id) = oscore_ids(role, &o.c_i, &o.c_r);
    OscoreParams {
        master_secret: secret,
        master_salt: salt,
        sender_id,
        recipient_id,
        id_context: None,
    }
}

/// An OSCORE context (bulwark-oscore) for `role` from the EDHOC exporter outputs.
fn oscore_context(o: &Outcome, role: Role) -> Context<SoftCcm, VolatileStore> {
    Context::new(
        &mut Soft,
        &oscore_params(o, role),
        |k| Ok(SoftCcm::new(SoftAes::new(k)?)),
        SenderSequence::resume(0, 1, VolatileStore),
        ReplayWindow::Empty,
    )
    .unwrap()
}

/// The Initiator (CoAP client) sends a protected GET /temperature; the Responder (server)
/// unprotects it, answers 2.05 "21.5 C" protected, and the Initiator unprotects the answer.
/// A replay of the request is refused.
fn exchange_oscore(o: &Outcome) {
    let mut client = oscore_context(o, Role::Initiator);
    let mut server = oscore_context(o, Role::Responder);
    let mut plain = [0u8; 64];
    let n = message::build(
        &mut plain,
        MessageType::Confirmable,
        code::GET,
        0x0101,
        &[0xe0],
        &[(number::URI_PATH, b"temperature")],
        b"",
    )
    .unwrap();
    let request = &plain[..n];
    let mut wire = [0u8; 128];
    let (len, id) = client.protect_request(request, None, &mut wire).unwrap();
    assert!(!wire[..len].windows(11).any(|w| w == b"temperature"));
    let mut received = wire[..len].to_vec();
    let mut inner = [0u8; 128];
    let (m, server_id, fresh) = server.unprotect_request(&mut received, &mut inner).unwrap();
    assert_eq!(&inner[..m], request);
    assert_eq!(fresh, Freshness::Fresh);
    let mut replay = wire[..len].to_vec();
    assert!(server.unprotect_request(&mut replay, &mut inner).is_err());

    let mut answer = [0u8; 64];
    let n = message::build(
        &mut answer,
        MessageType::Acknowledgement,
        code::CONTENT,
        0x0101,
        &[0xe0],
        &[],
        b"21.5 C",
    )
    .unwrap();
    let mut protected = [0u8; 128];
    let len = server
        .protect_response(&server_id, &answer[..n], false, &mut protected)
        .unwrap();
    let mut back = protected[..len].to_vec();
    let mut out = [0u8; 128];
    let m = client.unprotect_response(&id, &mut back, &mut out).unwrap();
    assert_eq!(&out[..m], &answer[..n]);
}

#[test]
fn bulwark_initiator_rustcrypto_responder() {
    for (seed, transfer) in [
        (1, CredentialTransfer::ByReference),
        (2, CredentialTransfer::ByValue),
    ] {
        let mut ours = ours(seed);
        let mut theirs = theirs(seed + 100);
        let (c_i, c_r) = connection_ids(&mut &mut ours, &mut theirs);
        let outcome = handshake(c_i, c_r, &mut ours, theirs, transfer);
        ours.check().unwrap();
        check_agreement(&outcome);
    }
}

#[test]
fn rustcrypto_initiator_bulwark_responder() {
    for (seed, transfer) in [
        (3, CredentialTransfer::ByReference),
        (4, CredentialTransfer::ByValue),
    ] {
        let mut theirs = theirs(seed + 100);
        let mut ours = ours(seed);
        let (c_i, c_r) = connection_ids(&mut theirs, &mut &mut ours);
        let outcome = handshake(c_i, c_r, theirs, &mut ours, transfer);
        ours.check().unwrap();
        check_agreement(&outcome);
    }
}

#[test]
fn bulwark_on_both_sides() {
    let (mut a, mut b) = (ours(5), ours(6));
    let (c_i, c_r) = connection_ids(&mut &mut a, &mut &mut b);
    let outcome = handshake(c_i, c_r, &mut a, &mut b, CredentialTransfer::ByReference);
    a.check().unwrap();
    b.check().unwrap();
    check_agreement(&outcome);
}

/// The microcontroller backend as initiator against RustCrypto, and as responder against the
/// software backend.
#[test]
fn compact_backend() {
    let mut compact = common::ours_compact(11);
    let mut theirs = theirs(111);
    let (c_i, c_r) = connection_ids(&mut &mut compact, &mut theirs);
    let outcome = handshake(c_i, c_r, &mut compact, theirs, CredentialTransfer::ByValue);
    compact.check().unwrap();
    check_agreement(&outcome);

    let (mut soft, mut compact) = (ours(12), common::ours_compact(13));
    let (c_i, c_r) = connection_ids(&mut &mut soft, &mut &mut compact);
    let outcome = handshake(
        c_i,
        c_r,
        &mut soft,
        &mut compact,
        CredentialTransfer::ByReference,
    );
    soft.check().unwrap();
    compact.check().unwrap();
    check_agreement(&outcome);
}

/// Our ephemeral keys are on the curve and agree with RustCrypto's ECDH in both roles.
#[test]
fn key_pairs_agree_with_rustcrypto() {
    let mut ours = ours(7);
    let mut theirs = theirs(8);
    for _ in 0..8 {
        let (x, g_x) = ours.p256_generate_key_pair();
        let (y, g_y) = theirs.p256_generate_key_pair();
        assert_eq!(ours.p256_ecdh(&x, &g_y), theirs.p256_ecdh(&y, &g_x));
        assert_eq!(ours.p256_ecdh(&y, &g_x), theirs.p256_ecdh(&x, &g_y));
    }
    ours.check().unwrap();
}
