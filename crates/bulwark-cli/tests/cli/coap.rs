//! `bulwark coap`: usage, transport failures and the sequence-number file everywhere; against an
//! aiocoap OSCORE server (PyPI `aiocoap[oscore]`, `aiocoap_server.py` beside this file) when
//! aiocoap is installed (skipped otherwise, a failure when BULWARK_REQUIRE_IMGTOOL is set).

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::Child;

const SECRET: &str = "0102030405060708090a0b0c0d0e0f10";
const SALT: &str = "9e7ca92223786340";

/// Whether `python3` can import aiocoap's OSCORE support; tells why a test is skipped.
#[allow(clippy::panic)] // a missing tool in CI fails the test run
fn have_aiocoap(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiocoap.oscore, aiocoap.oscore_sitewrapper"])
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

/// A running aiocoap server, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `aiocoap_server.py` with a fresh security context in `dir` (server Sender ID
    /// 01, client Sender ID empty, RFC 8613 C.1's secret and salt). `lost_replay_window`
    /// starts it as after a reboot that lost its replay window (Echo recovery).
    fn start(dir: &std::path::Path, lost_replay_window: bool) -> Result<Server, Box<dyn Error>> {
        Self::start_with(dir, lost_replay_window, None)
    }

    /// As [`Server::start`], with an ID Context (hex) if given.
    fn start_with(
        dir: &std::path::Path,
        lost_replay_window: bool,
        id_context: Option<&str>,
    ) -> Result<Server, Box<dyn Error>> {
        let ctx = dir.join("server-context");
        fs::create_dir_all(&ctx)?;
        let id_context = id_context
            .map(|c| format!(r#", "id-context_hex": "{c}""#))
            .unwrap_or_default();
        fs::write(
            ctx.join("settings.json"),
            format!(
                r#"{{"sender-id_hex": "01", "recipient-id_hex": "", "secret_hex": "{SECRET}", "salt_hex": "{SALT}"{id_context}}}"#
            ),
        )?;
        if lost_replay_window {
            fs::write(
                ctx.join("sequence.json"),
                r#"{"next-to-send": 100, "received": "unknown"}"#,
            )?;
        }
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cli/aiocoap_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&ctx)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        // Wait for `ready PORT` at most 30 s (a hung interpreter fails the test, never hangs it).
        let (tx, rx) = std::sync::mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(out).read_line(&mut line);
                let _ = tx.send(line);
            });
        }
        let mut server = Server { child, port: 0 };
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_default();
        let port = line
            .strip_prefix("ready ")
            .and_then(|p| p.trim().parse().ok());
        server.port = port.ok_or_else(|| format!("aiocoap server did not start: {line:?}"))?;
        Ok(server)
    }

    fn uri(&self, path: &str) -> String {
        format!("coap://127.0.0.1:{}/{path}", self.port)
    }
}

/// The OSCORE arguments of the client (Sender ID empty, Recipient ID 01).
fn oscore_args<'a>(secret: &'a str, seq: &'a str) -> Vec<&'a str> {
    vec![
        "--oscore-secret",
        secret,
        "--oscore-salt",
        SALT,
        "--sender-id",
        "",
        "--recipient-id",
        "01",
        "--seq-file",
        seq,
    ]
}

fn coap(method: &str, uri: &str, extra: &[&str]) -> Result<Run, Box<dyn Error>> {
    let mut args = vec!["coap", method, uri, "--timeout", "10"];
    args.extend_from_slice(extra);
    bulwark(&args)
}

fn assert_payload(run: &Run, expected: &[u8]) {
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, expected);
    assert_eq!(run.stderr, "");
}

fn assert_code(run: &Run, exit: i32, needle: &str) {
    assert_eq!(run.code, Some(exit), "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout: {:?}", run.stdout);
    assert!(
        run.stderr.contains(needle),
        "stderr {:?} lacks {needle:?}",
        run.stderr
    );
}

#[test]
fn coap_oscore_against_aiocoap() -> TestResult {
    if !have_aiocoap("coap_oscore_against_aiocoap") {
        return Ok(());
    }
    let dir = scratch_dir("coap-aiocoap")?;
    let server = Server::start(&dir, false)?;
    let seq = dir.join("seq");
    let seq_s = path_str(&seq)?;
    let o = oscore_args(SECRET, seq_s);

    // Three successive runs sharing one --seq-file (missing: starts at 0).
    assert_payload(&coap("get", &server.uri("hello"), &o)?, b"Hello World!");
    assert_eq!(fs::read_to_string(&seq)?, "1\n");
    let mut post = o.clone();
    post.extend_from_slice(&["--payload", "00ff61"]);
    assert_payload(&coap("post", &server.uri("echo"), &post)?, b"got:\x00\xffa");
    assert_eq!(fs::read_to_string(&seq)?, "2\n");
    let body = dir.join("body.bin");
    fs::write(&body, b"file body")?;
    let mut put = o.clone();
    put.extend_from_slice(&["--payload-file", path_str(&body)?]);
    assert_payload(&coap("put", &server.uri("echo"), &put)?, b"put:file body");
    assert_eq!(fs::read_to_string(&seq)?, "3\n");

    assert_payload(&coap("delete", &server.uri("echo"), &o)?, b"");
    // Another response code inside the protection: exit 1, the code on stderr.
    assert_code(
        &coap("get", &server.uri("missing"), &o)?,
        1,
        "4.04 Not Found",
    );
    assert_eq!(fs::read_to_string(&seq)?, "5\n");

    // A wrong secret: the server cannot decrypt and says so unprotected.
    let wrong = "0102030405060708090a0b0c0d0e0f11";
    assert_code(
        &coap("get", &server.uri("hello"), &oscore_args(wrong, seq_s))?,
        1,
        "4.00 Bad Request",
    );
    // An unprotected request to a protected resource.
    assert_code(
        &coap("get", &server.uri("hello"), &[])?,
        1,
        "4.01 Unauthorized",
    );
    // Plain CoAP to an open resource.
    assert_payload(&coap("get", &server.uri("plain"), &[])?, b"plain");

    // A replayed sequence number (the file set back) is refused by the server.
    fs::write(&seq, "2\n")?;
    assert_code(
        &coap("get", &server.uri("hello"), &o)?,
        1,
        "4.01 Unauthorized",
    );
    Ok(())
}

#[test]
fn coap_oscore_echo_recovery_against_aiocoap() -> TestResult {
    if !have_aiocoap("coap_oscore_echo_recovery_against_aiocoap") {
        return Ok(());
    }
    let dir = scratch_dir("coap-aiocoap-echo")?;
    let server = Server::start(&dir, true)?;
    let seq = dir.join("seq");
    fs::write(&seq, "40\n")?;
    let o = oscore_args(SECRET, path_str(&seq)?);
    // The first request is answered with a protected 4.01 + Echo; the CLI repeats it once
    // with the Echo value (and a new sequence number).
    assert_payload(&coap("get", &server.uri("hello"), &o)?, b"Hello World!");
    assert_eq!(fs::read_to_string(&seq)?, "42\n");
    // The window is now known: one request, one number.
    let mut post = o.clone();
    post.extend_from_slice(&["--payload", "6869"]);
    assert_payload(&coap("post", &server.uri("echo"), &post)?, b"got:hi");
    assert_eq!(fs::read_to_string(&seq)?, "43\n");
    Ok(())
}

#[test]
fn coap_oscore_id_context_against_aiocoap() -> TestResult {
    if !have_aiocoap("coap_oscore_id_context_against_aiocoap") {
        return Ok(());
    }
    let dir = scratch_dir("coap-aiocoap-idctx")?;
    let server = Server::start_with(&dir, false, Some("37cbf3210017a2d3"))?;
    let seq = dir.join("seq");
    let mut o = oscore_args(SECRET, path_str(&seq)?);
    o.extend_from_slice(&["--id-context", "37cbf3210017a2d3"]);
    assert_payload(&coap("get", &server.uri("hello"), &o)?, b"Hello World!");
    // Another ID Context derives other keys: the server finds no context for it.
    let mut other = oscore_args(SECRET, path_str(&seq)?);
    other.extend_from_slice(&["--id-context", "37cbf3210017a2d4"]);
    let run = coap("get", &server.uri("hello"), &other)?;
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("4.01 Unauthorized"),
        "stderr: {}",
        run.stderr
    );
    Ok(())
}

#[test]
fn coap_timeout_is_exit_2_and_the_sequence_number_is_spent_before_sending() -> TestResult {
    let dir = scratch_dir("coap-timeout")?;
    // A socket that never answers.
    let silent = UdpSocket::bind("127.0.0.1:0")?;
    let uri = format!("coap://127.0.0.1:{}/hello", silent.local_addr()?.port());
    let seq = dir.join("seq");
    let mut args = vec!["coap", "get", &uri, "--timeout", "0.5"];
    let o = oscore_args(SECRET, path_str(&seq)?);
    args.extend_from_slice(&o);
    let run = bulwark(&args)?;
    assert_code(&run, 2, "timeout");
    assert_eq!(fs::read_to_string(&seq)?, "1\n");
    // The request did reach the socket, protected (outer code POST, OSCORE option).
    let mut buf = [0u8; 1500];
    silent.set_read_timeout(Some(std::time::Duration::from_secs(1)))?;
    let n = silent.recv(&mut buf)?;
    assert_eq!(buf[0] >> 4, 0x4, "CON, version 1");
    assert_eq!(buf[1], 0x02, "outer code POST");
    assert!(n > 4 + 4 + 8);
    Ok(())
}

#[test]
fn coap_unreachable_is_exit_2() -> TestResult {
    // Bind and release a port: nothing listens there, the kernel answers ICMP unreachable.
    let port = UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port();
    let uri = format!("coap://127.0.0.1:{port}/hello");
    let run = bulwark(&["coap", "get", &uri, "--timeout", "3"])?;
    assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty());
    Ok(())
}

#[test]
fn coap_usage_errors_are_exit_2() -> TestResult {
    let dir = scratch_dir("coap-usage")?;
    let seq = dir.join("seq");
    let seq_s = path_str(&seq)?;
    assert_fails(&["coap", "get", "http://127.0.0.1/x"], 2, "coap://")?;
    assert_fails(&["coap", "get", "coap://127.0.0.1:99999/x"], 2, "port")?;
    // Some OSCORE arguments without the others.
    assert_fails(
        &[
            "coap",
            "get",
            "coap://127.0.0.1/x",
            "--oscore-secret",
            SECRET,
        ],
        2,
        "--seq-file",
    )?;
    let mut short = vec!["coap", "get", "coap://127.0.0.1/x"];
    short.extend_from_slice(&oscore_args("0102", seq_s));
    assert_fails(&short, 2, "at least 16 bytes")?;
    // A sequence file that is not a number: nothing is sent, nothing written.
    fs::write(&seq, "twelve\n")?;
    let mut args = vec!["coap", "get", "coap://127.0.0.1:9/x"];
    args.extend_from_slice(&oscore_args(SECRET, seq_s));
    assert_fails(&args, 2, "--seq-file")?;
    assert_eq!(fs::read_to_string(&seq)?, "twelve\n");
    let run = bulwark(&["coap", "get", "coap://127.0.0.1/x", "--payload", "0"])?;
    assert_eq!(run.code, Some(2));
    let run = bulwark(&["coap", "fetch", "coap://127.0.0.1/x"])?;
    assert_eq!(run.code, Some(2));
    Ok(())
}

#[test]
fn coap_help_documents_the_contract() -> TestResult {
    let run = bulwark(&["coap", "--help"])?;
    assert_eq!(run.code, Some(0));
    let text = String::from_utf8(run.stdout)?;
    for needle in [
        "Exit codes:",
        "case-insensitive",
        "get, post, put, delete",
        "--payload",
        "--payload-file",
        "--timeout",
        "--oscore-secret",
        "--oscore-salt",
        "--sender-id",
        "--recipient-id",
        "--id-context",
        "--seq-file",
        "4.04 Not Found",
        "Echo",
    ] {
        assert!(text.contains(needle), "coap --help lacks {needle}");
    }
    Ok(())
}

#[test]
fn coap_retransmits_and_takes_a_separate_response() -> TestResult {
    use std::time::{Duration, Instant};
    let server = UdpSocket::bind("127.0.0.1:0")?;
    server.set_read_timeout(Some(Duration::from_secs(10)))?;
    let uri = format!(
        "coap://127.0.0.1:{}/a/b%20c?x=1",
        server.local_addr()?.port()
    );
    let peer = std::thread::spawn(move || -> Result<(Vec<u8>, Duration, Vec<u8>), String> {
        let e = |e: std::io::Error| e.to_string();
        let mut buf = [0u8; 1500];
        // Drop the first transmission; answer the retransmission with an empty ACK, then
        // send the response separately, confirmable.
        let (n, from) = server.recv_from(&mut buf).map_err(e)?;
        let first = buf[..n].to_vec();
        let t0 = Instant::now();
        let (m, _) = server.recv_from(&mut buf).map_err(e)?;
        let waited = t0.elapsed();
        if buf[..m] != first[..] {
            return Err("the retransmission differs".into());
        }
        let tkl = usize::from(first[0] & 0x0f);
        server
            .send_to(&[0x60, 0x00, first[2], first[3]], from)
            .map_err(e)?;
        let mut resp = vec![0x40 | first[0] & 0x0f, 0x45, 0xbe, 0xef];
        resp.extend_from_slice(&first[4..4 + tkl]);
        resp.extend_from_slice(b"\xffseparate");
        server.send_to(&resp, from).map_err(e)?;
        let (k, _) = server.recv_from(&mut buf).map_err(e)?;
        Ok((first, waited, buf[..k].to_vec()))
    });
    let run = bulwark(&["coap", "get", &uri, "--timeout", "8"])?;
    assert_payload(&run, b"separate");
    let (first, waited, ack) = peer.join().map_err(|_| "peer panicked")??;
    // CON GET, 2-byte message ID, 4-byte token; Uri-Path "a", "b c"; Uri-Query "x=1".
    assert_eq!(first[0], 0x44);
    assert_eq!(first[1], 0x01);
    assert_eq!(&first[8..], b"\xb1a\x03b c\x43x=1");
    // RFC 7252 section 4.8: the first retransmission after 2 to 3 seconds.
    assert!(
        waited >= Duration::from_millis(1900) && waited <= Duration::from_millis(3300),
        "{waited:?}"
    );
    // The separate response was acknowledged.
    assert_eq!(ack, [0x60, 0x00, 0xbe, 0xef]);
    Ok(())
}
