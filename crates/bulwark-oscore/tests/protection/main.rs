//! Protection round trips, every tampered byte, replays, Echo recovery, sequence persistence
//! and malformed input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;
mod freshness;
mod malformed;
mod round_trip;
mod sequence;

use bulwark_api::Error;
use bulwark_oscore::message::{self, MessageType, UdpMessage, code, number};
use bulwark_oscore::option::OscoreOption;
use bulwark_oscore::{
    Context, Freshness, OscoreError, ReplayWindow, RequestId, SenderSequence, SequenceStore,
    VolatileStore,
};
use bulwark_psk::oscore::OscoreParams;
use bulwark_soft::SoftCcm;

const SECRET: [u8; 16] = [7; 16];

fn params<'a>(sender: &'a [u8], recipient: &'a [u8], ctx: Option<&'a [u8]>) -> OscoreParams<'a> {
    OscoreParams {
        master_secret: &SECRET,
        master_salt: b"salt",
        sender_id: sender,
        recipient_id: recipient,
        id_context: ctx,
    }
}

type Ctx<S = VolatileStore> = Context<SoftCcm, S>;

fn pair(ctx: Option<&[u8]>) -> (Ctx, Ctx) {
    let client = common::context(
        &params(b"\xc1", b"\x5e", ctx),
        SenderSequence::resume(0, 1, VolatileStore),
        ReplayWindow::Empty,
    );
    let server = common::context(
        &params(b"\x5e", b"\xc1", ctx),
        SenderSequence::resume(0, 1, VolatileStore),
        ReplayWindow::Empty,
    );
    (client, server)
}

/// GET coap://sensor.example/secret-path?k=v with Hop-Limit, Content-Format and a payload.
fn request() -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = message::build(
        &mut buf,
        MessageType::Confirmable,
        code::POST,
        0x1234,
        &[1, 2, 3, 4],
        &[
            (number::URI_HOST, b"sensor.example"),
            (number::URI_PATH, b"secret-path"),
            (number::CONTENT_FORMAT, &[60]),
            (number::URI_QUERY, b"k=v"),
            (number::HOP_LIMIT, &[16]),
        ],
        b"confidential payload",
    )
    .unwrap();
    buf[..n].to_vec()
}

fn response(payload: &[u8]) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = message::build(
        &mut buf,
        MessageType::Acknowledgement,
        code::CONTENT,
        0x1234,
        &[1, 2, 3, 4],
        &[(number::CONTENT_FORMAT, &[0]), (number::MAX_AGE, &[60])],
        payload,
    )
    .unwrap();
    buf[..n].to_vec()
}

fn protect(c: &mut Ctx, plain: &[u8]) -> (Vec<u8>, RequestId) {
    let mut out = [0u8; 512];
    let (n, id) = c.protect_request(plain, None, &mut out).unwrap();
    (out[..n].to_vec(), id)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
