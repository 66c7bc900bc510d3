//! `bulwark coap get|post|put|delete URI`: one CoAP request over UDP (RFC 7252), plain or
//! OSCORE-protected (RFC 8613), with Echo recovery (RFC 8613 Appendix B.1.2, RFC 9175).

use crate::args::{SecretArg, decode_hex, read_file, take_secret_hex, write_file};
use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark::{DefaultProvider, Provider, Rng};
use bulwark_oscore::message::{self, MessageType, UdpMessage, code, number};
use bulwark_oscore::{
    Context, OscoreError, ReplayWindow, RequestId, SenderSequence, SequenceStore,
};
use bulwark_psk::oscore::{MAX_ID_LEN, MIN_MASTER_SECRET_LEN, OscoreParams};
use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Text appended to `coap --help`: formats and exit codes.
pub const COAP_AFTER_HELP: &str = "\
Formats:
  HEX   hex digits, case-insensitive, no prefix or separators; '' (empty) is zero bytes
  KEY   a secret in the forms the other secret arguments take (HEX)
  FILE  a path; '-' is standard input (--payload-file)

Exit codes:
  0  a 2.xx response: its payload, raw, on stdout
  1  any other response code (e.g. 'error: 4.04 Not Found' on stderr, nothing on stdout), an
     unprotected error response to a protected request, or a protected response that does
     not verify
  2  timeout, unreachable host, a reset from the server, usage, format or I/O error (bad URI,
     bad hex, some OSCORE arguments without the others, an unreadable or unwritable
     --seq-file)";

/// The request methods.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    const fn code(self) -> u8 {
        match self {
            Method::Get => code::GET,
            Method::Post => code::POST,
            Method::Put => code::PUT,
            Method::Delete => code::DELETE,
        }
    }
}

/// Arguments of `coap`.
#[derive(clap::Args)]
pub struct CoapArgs {
    /// The request method
    #[arg(value_enum)]
    method: Method,

    /// coap://HOST[:PORT]/PATH[?QUERY] (UDP; default port 5683)
    uri: String,

    /// The request payload as HEX
    #[arg(long, value_name = "HEX", conflicts_with = "payload_file")]
    payload: Option<String>,

    /// Read the raw request payload from FILE ('-' for standard input)
    #[arg(long, value_name = "FILE")]
    payload_file: Option<PathBuf>,

    /// Give up after SECONDS (confirmable retransmissions included)
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    timeout: Duration,

    /// OSCORE Master Secret (HEX): protects the request with OSCORE; needs --oscore-salt,
    /// --sender-id, --recipient-id and --seq-file
    #[arg(long, value_name = "KEY")]
    oscore_secret: Option<SecretArg>,

    /// OSCORE Master Salt as HEX ('' for none)
    #[arg(long, value_name = "HEX")]
    oscore_salt: Option<String>,

    /// Our OSCORE Sender ID as HEX (0 to 7 bytes)
    #[arg(long, value_name = "HEX")]
    sender_id: Option<String>,

    /// The server's OSCORE Sender ID as HEX (0 to 7 bytes)
    #[arg(long, value_name = "HEX")]
    recipient_id: Option<String>,

    /// The OSCORE ID Context as HEX (default: none)
    #[arg(long, value_name = "HEX")]
    id_context: Option<String>,

    /// The next OSCORE sender sequence number, as decimal text (missing = 0); advanced and
    /// written before each request is sent
    #[arg(long, value_name = "FILE")]
    seq_file: Option<PathBuf>,
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| "expected a number of seconds".to_owned())?;
    if !(v > 0.0 && v <= 3600.0) {
        return Err("expected seconds in (0, 3600]".to_owned());
    }
    Ok(Duration::from_secs_f64(v))
}

/// The sequence number file: decimal text, replaced atomically (written, synced, renamed).
struct SeqFile {
    path: PathBuf,
}

impl SeqFile {
    /// The stored number; a missing file is 0.
    fn load(&self) -> CliResult<u64> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => text.trim().parse::<u64>().map_err(|_| {
                CliError::arg(
                    "--seq-file",
                    format_args!("{}: not a decimal number", self.path.display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(CliError::arg(
                "--seq-file",
                format_args!("{}: {e}", self.path.display()),
            )),
        }
    }
}

impl SequenceStore for SeqFile {
    fn persist(&mut self, limit: u64) -> Result<(), bulwark::Error> {
        // Temporary file, fsync, rename over the old one; then fsync the directory so the
        // rename itself survives a power loss.
        write_file("--seq-file", &self.path, format!("{limit}\n").as_bytes())
            .map_err(|_| bulwark::Error::Hardware)?;
        #[cfg(unix)]
        {
            let dir = match self.path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|_| bulwark::Error::Hardware)?;
        }
        Ok(())
    }
}

type Oscore = Context<<DefaultProvider as Provider>::Ccm, SeqFile>;

/// The parsed URI.
struct Target {
    addr: SocketAddr,
    /// `(number, value)` in ascending order: Uri-Host, Uri-Port, Uri-Path, Uri-Query.
    options: Vec<(u16, Vec<u8>)>,
}

fn percent_decode(s: &str) -> CliResult<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| CliError::arg("URI", "invalid percent-encoding"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn parse_uri(uri: &str) -> CliResult<Target> {
    let rest = uri
        .strip_prefix("coap://")
        .ok_or_else(|| CliError::arg("URI", "must start with coap://"))?;
    let (authority, path_query) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| CliError::arg("URI", "unclosed [ in the host"))?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(CliError::arg("URI", "no host"));
    }
    let port: u16 = match port {
        None => 5683,
        Some(p) => p
            .parse()
            .map_err(|_| CliError::arg("URI", format_args!("invalid port {p:?}")))?,
    };
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| CliError::Usage(format!("{host}: {e}")))?
        .next()
        .ok_or_else(|| CliError::Usage(format!("{host}: no address")))?;
    let mut options = Vec::new();
    // RFC 7252 section 6.4: Uri-Host only for a name, Uri-Port only if it differs from the
    // destination port (never here).
    if host.parse::<std::net::IpAddr>().is_err() {
        options.push((number::URI_HOST, host.as_bytes().to_vec()));
    }
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_query, None),
    };
    let path = path.strip_prefix('/').unwrap_or(path);
    if !path.is_empty() {
        for segment in path.split('/') {
            options.push((number::URI_PATH, percent_decode(segment)?));
        }
    }
    if let Some(q) = query {
        for arg in q.split('&') {
            options.push((number::URI_QUERY, percent_decode(arg)?));
        }
    }
    Ok(Target { addr, options })
}

/// The name of a response code, e.g. `4.04 Not Found` (RFC 7252 section 12.1.2 and later
/// registrations).
fn code_name(c: u8) -> String {
    let name = match c {
        0x41 => "Created",
        0x42 => "Deleted",
        0x43 => "Valid",
        0x44 => "Changed",
        0x45 => "Content",
        0x5f => "Continue",
        0x80 => "Bad Request",
        0x81 => "Unauthorized",
        0x82 => "Bad Option",
        0x83 => "Forbidden",
        0x84 => "Not Found",
        0x85 => "Method Not Allowed",
        0x86 => "Not Acceptable",
        0x88 => "Request Entity Incomplete",
        0x89 => "Conflict",
        0x8c => "Precondition Failed",
        0x8d => "Request Entity Too Large",
        0x8f => "Unsupported Content-Format",
        0x96 => "Unprocessable Entity",
        0x9d => "Too Many Requests",
        0xa0 => "Internal Server Error",
        0xa1 => "Not Implemented",
        0xa2 => "Bad Gateway",
        0xa3 => "Service Unavailable",
        0xa4 => "Gateway Timeout",
        0xa5 => "Proxying Not Supported",
        _ => "",
    };
    let num = format!("{}.{:02}", c >> 5, c & 0x1f);
    if name.is_empty() {
        num
    } else {
        format!("{num} {name}")
    }
}

const MAX_DATAGRAM: usize = 65_535;
/// RFC 7252 section 4.8: ACK_TIMEOUT 2 s, ACK_RANDOM_FACTOR 1.5.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);

/// One UDP exchange: sends `request` (confirmable) and returns the matching response,
/// retransmitting with exponential back-off until `deadline`.
fn exchange(
    sock: &UdpSocket,
    request: &[u8],
    message_id: u16,
    token: &[u8],
    deadline: Instant,
) -> CliResult<Vec<u8>> {
    let transport = |e: io::Error| CliError::Usage(format!("coap: {e}"));
    let mut jitter = [0u8; 1];
    OsRng
        .fill_bytes(&mut jitter)
        .map_err(|e| CliError::from_api("coap", e))?;
    // Initial timeout between ACK_TIMEOUT and ACK_TIMEOUT * 1.5.
    let mut rto = ACK_TIMEOUT + ACK_TIMEOUT.mul_f64(f64::from(jitter[0]) / 510.0);
    let mut acked = false;
    sock.send(request).map_err(transport)?;
    let mut next_send = Instant::now() + rto;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(CliError::Usage("coap: timeout, no response".to_owned()));
        }
        if !acked && now >= next_send {
            sock.send(request).map_err(transport)?;
            rto *= 2;
            next_send = now + rto;
        }
        let wait = if acked {
            deadline - now
        } else {
            next_send.min(deadline) - now
        };
        sock.set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .map_err(transport)?;
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(transport(e)),
        };
        let Ok(msg) = UdpMessage::parse(&buf[..n]) else {
            continue;
        };
        match msg.kind {
            MessageType::Acknowledgement | MessageType::Reset if msg.message_id != message_id => {
                continue;
            }
            MessageType::Reset => {
                return Err(CliError::Usage(
                    "coap: the server reset the exchange".to_owned(),
                ));
            }
            MessageType::Acknowledgement if msg.code == code::EMPTY => {
                // A separate response follows (RFC 7252 section 5.2.2).
                acked = true;
                continue;
            }
            _ => {}
        }
        if msg.token != token {
            continue;
        }
        if msg.kind == MessageType::Confirmable {
            let mut ack = [0u8; 4];
            message::write_header(
                &mut ack,
                MessageType::Acknowledgement,
                0,
                msg.message_id,
                &[],
            )
            .map_err(|e| CliError::Usage(format!("coap: {e}")))?;
            sock.send(&ack).map_err(transport)?;
        }
        buf.truncate(n);
        return Ok(buf);
    }
}

impl CoapArgs {
    /// Runs `coap METHOD URI`.
    pub fn run(mut self) -> CliResult {
        let target = parse_uri(&self.uri)?;
        let payload = self.read_payload()?;
        let mut oscore = self.oscore_context()?;
        let deadline = Instant::now() + self.timeout;
        let bind: SocketAddr = if target.addr.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        }
        .parse()
        .map_err(|_| CliError::Usage("coap: bind address".to_owned()))?;
        let sock = UdpSocket::bind(bind).map_err(|e| CliError::Usage(format!("coap: {e}")))?;
        sock.connect(target.addr)
            .map_err(|e| CliError::Usage(format!("coap: {}: {e}", target.addr)))?;

        let mut echo: Option<Vec<u8>> = None;
        let mut retried = false;
        loop {
            let mut ids = [0u8; 6];
            OsRng
                .fill_bytes(&mut ids)
                .map_err(|e| CliError::from_api("coap", e))?;
            let message_id = u16::from_be_bytes([ids[0], ids[1]]);
            let token = &ids[2..];
            let mut options: Vec<(u16, &[u8])> = target
                .options
                .iter()
                .map(|(n, v)| (*n, v.as_slice()))
                .collect();
            if oscore.is_none()
                && let Some(e) = echo.as_deref()
            {
                options.push((number::ECHO, e));
            }
            let mut plain = vec![
                0u8;
                64 + payload.len()
                    + options.iter().map(|o| 8 + o.1.len()).sum::<usize>()
            ];
            let plain_len = message::build(
                &mut plain,
                MessageType::Confirmable,
                self.method.code(),
                message_id,
                token,
                &options,
                &payload,
            )
            .map_err(|e| CliError::Usage(format!("coap: request: {e}")))?;
            plain.truncate(plain_len);

            let (wire, request_id): (Vec<u8>, Option<RequestId>) = match oscore.as_mut() {
                None => (plain, None),
                Some(ctx) => {
                    let mut out = vec![0u8; plain.len() + 64 + bulwark_oscore::MAX_ID_CONTEXT_LEN];
                    // Takes the sequence number and writes the next one to --seq-file first.
                    let (n, id) = ctx
                        .protect_request(&plain, echo.as_deref(), &mut out)
                        .map_err(|e| match e {
                            OscoreError::Store(_) => CliError::arg(
                                "--seq-file",
                                "could not write the next sequence number; nothing was sent",
                            ),
                            other => CliError::Usage(format!("coap: OSCORE: {other}")),
                        })?;
                    out.truncate(n);
                    (out, Some(id))
                }
            };

            let mut response = exchange(&sock, &wire, message_id, token, deadline)?;
            let plain_response = match (oscore.as_mut(), request_id) {
                (Some(ctx), Some(id)) => {
                    let mut out = vec![0u8; response.len()];
                    match ctx.unprotect_response(&id, &mut response, &mut out) {
                        Ok(n) => {
                            out.truncate(n);
                            out
                        }
                        Err(OscoreError::NotProtected) => {
                            // The server could not unprotect the request and said so in the
                            // clear: report its code, never act on its payload.
                            let msg = UdpMessage::parse(&response).map_err(|_| {
                                CliError::Rejected("coap: malformed response".to_owned())
                            })?;
                            return Err(CliError::Rejected(format!(
                                "{} (unprotected response to a protected request{})",
                                code_name(msg.code),
                                diagnostic(&msg)
                            )));
                        }
                        Err(e) => {
                            return Err(CliError::Rejected(format!(
                                "coap: the protected response does not verify ({e})"
                            )));
                        }
                    }
                }
                _ => response,
            };
            let msg = UdpMessage::parse(&plain_response)
                .map_err(|_| CliError::Rejected("coap: malformed response".to_owned()))?;
            let body = msg
                .payload()
                .map_err(|_| CliError::Rejected("coap: malformed response".to_owned()))?;
            if msg.code == code::UNAUTHORIZED
                && !retried
                && let Ok(Some(e)) = msg.option(number::ECHO)
            {
                // RFC 9175 / RFC 8613 Appendix B.1.2: repeat once with the Echo value.
                echo = Some(e.to_vec());
                retried = true;
                continue;
            }
            if code::is_response(msg.code) && msg.code >> 5 == 2 {
                let mut out = io::stdout().lock();
                out.write_all(body)
                    .and_then(|()| out.flush())
                    .map_err(|e| CliError::Usage(format!("stdout: {e}")))?;
                return Ok(());
            }
            return Err(CliError::Rejected(format!(
                "{}{}",
                code_name(msg.code),
                diagnostic(&msg)
            )));
        }
    }

    fn read_payload(&mut self) -> CliResult<Zeroizing<Vec<u8>>> {
        match (self.payload.as_deref(), self.payload_file.as_deref()) {
            (Some(hex), _) => decode_hex("--payload", hex),
            (None, Some(path)) => read_file("--payload-file", path),
            (None, None) => Ok(Zeroizing::new(Vec::new())),
        }
    }

    /// The OSCORE context, if the OSCORE arguments are given (all of them, or none).
    fn oscore_context(&mut self) -> CliResult<Option<Oscore>> {
        let given = [
            self.oscore_secret.is_some(),
            self.oscore_salt.is_some(),
            self.sender_id.is_some(),
            self.recipient_id.is_some(),
            self.seq_file.is_some(),
        ];
        if given.iter().all(|g| !g) {
            if self.id_context.is_some() {
                return Err(CliError::Usage(
                    "--id-context: needs the other OSCORE arguments".to_owned(),
                ));
            }
            return Ok(None);
        }
        let (Some(secret), Some(salt), Some(sid), Some(rid), Some(seq_path)) = (
            self.oscore_secret.as_mut(),
            self.oscore_salt.as_deref(),
            self.sender_id.as_deref(),
            self.recipient_id.as_deref(),
            self.seq_file.as_deref(),
        ) else {
            return Err(CliError::Usage(
                "OSCORE needs all of --oscore-secret, --oscore-salt, --sender-id, \
                 --recipient-id and --seq-file"
                    .to_owned(),
            ));
        };
        let secret = take_secret_hex("--oscore-secret", secret)?;
        if secret.len() < MIN_MASTER_SECRET_LEN {
            return Err(CliError::arg(
                "--oscore-secret",
                format_args!(
                    "{} bytes; at least {MIN_MASTER_SECRET_LEN} bytes are required",
                    secret.len()
                ),
            ));
        }
        let salt = decode_hex("--oscore-salt", salt)?;
        let sid = decode_hex("--sender-id", sid)?;
        let rid = decode_hex("--recipient-id", rid)?;
        for (arg, id) in [("--sender-id", &sid), ("--recipient-id", &rid)] {
            if id.len() > MAX_ID_LEN {
                return Err(CliError::arg(
                    arg,
                    format_args!(
                        "{} bytes; OSCORE IDs are at most {MAX_ID_LEN} bytes",
                        id.len()
                    ),
                ));
            }
        }
        if sid == rid {
            return Err(CliError::Usage(
                "--sender-id, --recipient-id: the two IDs are equal; they must differ".to_owned(),
            ));
        }
        let id_context = match self.id_context.as_deref() {
            Some(hex) => Some(decode_hex("--id-context", hex)?),
            None => None,
        };
        if let Some(c) = id_context.as_deref()
            && c.len() > bulwark_oscore::MAX_ID_CONTEXT_LEN
        {
            return Err(CliError::arg(
                "--id-context",
                format_args!(
                    "{} bytes; at most {} bytes",
                    c.len(),
                    bulwark_oscore::MAX_ID_CONTEXT_LEN
                ),
            ));
        }
        let store = SeqFile {
            path: seq_path.to_path_buf(),
        };
        let next = store.load()?;
        let params = OscoreParams {
            master_secret: &secret,
            master_salt: &salt,
            sender_id: &sid,
            recipient_id: &rid,
            id_context: id_context.as_ref().map(|c| c.as_slice()),
        };
        let mut provider = DefaultProvider::default();
        let mut engines = DefaultProvider::default();
        let ctx = Context::new(
            &mut provider,
            &params,
            |key| engines.ccm(key),
            // A window of 1: the file is rewritten before every request, so a crash can never
            // make a later run reuse a number.
            SenderSequence::resume(next, 1, store),
            ReplayWindow::Empty,
        )
        .map_err(|e| CliError::from_api("OSCORE context", e))?;
        Ok(Some(ctx))
    }
}

/// `: TEXT` for a diagnostic payload that is UTF-8 text, else nothing.
fn diagnostic(msg: &UdpMessage<'_>) -> String {
    match msg.payload().ok().map(std::str::from_utf8) {
        Some(Ok(text)) if !text.is_empty() && !text.chars().any(char::is_control) => {
            format!(": {text}")
        }
        _ => String::new(),
    }
}
