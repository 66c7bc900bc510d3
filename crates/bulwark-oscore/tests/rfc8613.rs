//! RFC 8613 Appendix C.4-C.8: protecting each unprotected message gives the RFC's protected
//! bytes exactly, and the peer unprotects them back to the unprotected bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_oscore::{Freshness, ReplayWindow, RequestId, SenderSequence, VolatileStore};
use bulwark_psk::oscore::OscoreParams;

const VECTORS: &str = include_str!("../../../test-vectors/oscore_messages_rfc8613.txt");
const REQUESTS: usize = 3;
const RESPONSES: usize = 2;

#[test]
fn rfc8613_appendix_c4_to_c8() {
    let (mut requests, mut responses) = (0, 0);
    for r in common::records(VECTORS) {
        let sec = r.text("section");
        let (secret, salt) = (r.bytes("master_secret"), r.bytes("master_salt"));
        let (sid, rid) = (r.bytes("sender_id"), r.bytes("recipient_id"));
        let ctx = r.field("id_context").map(common::hex);
        let ours = OscoreParams {
            master_secret: &secret,
            master_salt: &salt,
            sender_id: &sid,
            recipient_id: &rid,
            id_context: ctx.as_deref(),
        };
        let peer = OscoreParams {
            sender_id: &rid,
            recipient_id: &sid,
            ..ours
        };
        let (plain, protected) = (r.bytes("unprotected"), r.bytes("protected"));
        let request = RequestId::new(&r.bytes("request_kid"), &r.bytes("request_piv")).unwrap();
        let seq = r.number("sequence");
        let mut out = [0u8; 256];
        let mut back = [0u8; 256];
        let mut wire = protected.clone();
        match r.text("kind") {
            "request" => {
                let seq = seq.unwrap();
                let mut c = common::context(
                    &ours,
                    SenderSequence::resume(seq, 1, VolatileStore),
                    ReplayWindow::Empty,
                );
                let (n, id) = c.protect_request(&plain, None, &mut out).unwrap();
                assert_eq!(out[..n], protected[..], "{sec} protect");
                assert_eq!(id, request, "{sec} request id");
                assert_eq!(c.sequence().peek(), seq + 1, "{sec}");
                let mut s = common::context(
                    &peer,
                    SenderSequence::resume(0, 1, VolatileStore),
                    ReplayWindow::Empty,
                );
                let (m, id, fresh) = s.unprotect_request(&mut wire, &mut back).unwrap();
                assert_eq!(back[..m], plain[..], "{sec} unprotect");
                assert_eq!((id, fresh), (request, Freshness::Fresh), "{sec}");
                requests += 1;
            }
            "response" => {
                let mut s = common::context(
                    &ours,
                    SenderSequence::resume(seq.unwrap_or(0), 1, VolatileStore),
                    ReplayWindow::Empty,
                );
                let n = s
                    .protect_response(&request, &plain, seq.is_some(), &mut out)
                    .unwrap();
                assert_eq!(out[..n], protected[..], "{sec} protect");
                let mut c = common::context(
                    &peer,
                    SenderSequence::resume(0, 1, VolatileStore),
                    ReplayWindow::Empty,
                );
                let m = c
                    .unprotect_response(&request, &mut wire, &mut back)
                    .unwrap();
                assert_eq!(back[..m], plain[..], "{sec} unprotect");
                responses += 1;
            }
            other => panic!("{sec}: kind {other}"),
        }
    }
    assert_eq!(
        (requests, responses),
        (REQUESTS, RESPONSES),
        "record counts"
    );
}
