//! A bulwark OSCORE server (`common/server.rs`, on this crate and `std::net`) answering
//! aiocoap's OSCORE client (PyPI `aiocoap[oscore]`, `aiocoap_client.py` beside this file).
//! Skipped when python3 cannot import aiocoap, a failure when BULWARK_REQUIRE_IMGTOOL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bulwark_oscore::{ReplayWindow, SenderSequence, VolatileStore};
use bulwark_psk::oscore::OscoreParams;
use std::io::Write;
use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[path = "common/server.rs"]
mod server;

const SECRET: [u8; 16] = *b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10";
const SALT: [u8; 8] = [0x9e, 0x7c, 0xa9, 0x22, 0x23, 0x78, 0x63, 0x40];

fn have_aiocoap(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiocoap.oscore, aiocoap.transports.oscore"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var_os("BULWARK_REQUIRE_IMGTOOL").is_some() {
        panic!("{test}: python3 cannot import aiocoap[oscore] but BULWARK_REQUIRE_IMGTOOL is set");
    }
    if !ok {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: python3 cannot import aiocoap with OSCORE \
             (install it: `pip install 'aiocoap[oscore]==0.4.17'`)"
        );
    }
    ok
}

/// Runs aiocoap's client against a bulwark server whose replay window starts `replay`;
/// returns the client's output and the server's statistics.
fn run(name: &str, replay: ReplayWindow) -> (String, server::Stats) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bulwark-oscore-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("settings.json"),
        r#"{"sender-id_hex": "", "recipient-id_hex": "01", "secret_hex": "0102030405060708090a0b0c0d0e0f10", "salt_hex": "9e7ca92223786340"}"#,
    )
    .unwrap();
    let params = OscoreParams {
        master_secret: &SECRET,
        master_salt: &SALT,
        sender_id: b"\x01",
        recipient_id: b"",
        id_context: None,
    };
    let ctx = common::context(
        &params,
        SenderSequence::resume(0, 16, VolatileStore),
        replay,
    );
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || server::serve(socket, ctx, flag));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/aiocoap_client.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&dir)
        .arg(port.to_string())
        .output()
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    let stats = thread.join().unwrap();
    assert!(
        out.status.success(),
        "aiocoap client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8(out.stdout).unwrap(), stats)
}

const EXPECTED: &str = "2.05 Content b'Hello from bulwark'\n\
                        2.04 Changed b'got:abc'\n\
                        2.04 Changed b'put:'\n\
                        4.04 Not Found b''\n";

/// Runs the aiocoap `client` scenario against the bulwark server starting with `replay`, for
/// the test `test`: the four answers are [`EXPECTED`], all four requests are served and none
/// refused, after `echo_challenges` Echo challenges.
fn check_client(test: &str, client: &str, replay: ReplayWindow, echo_challenges: usize) {
    if !have_aiocoap(test) {
        return;
    }
    let (out, stats) = run(client, replay);
    assert_eq!(out, EXPECTED);
    assert_eq!(
        (stats.served, stats.echo_challenges, stats.refused),
        (4, echo_challenges, 0),
        "{stats:?}"
    );
}

#[test]
fn aiocoap_client_against_bulwark_server() {
    check_client(
        "aiocoap_client_against_bulwark_server",
        "aiocoap-client",
        ReplayWindow::Empty,
        0,
    );
}

#[test]
fn aiocoap_client_recovers_with_echo_from_bulwark_server() {
    // The server lost its replay window: the first request gets a protected 4.01 with Echo,
    // which aiocoap answers by repeating it with the Echo value.
    check_client(
        "aiocoap_client_recovers_with_echo_from_bulwark_server",
        "aiocoap-client-echo",
        ReplayWindow::Unknown,
        1,
    );
}
