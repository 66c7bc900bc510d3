//! `bulwark coap get|post|put|delete URI`: one CoAP request over UDP (RFC 7252), plain or
//! OSCORE-protected (RFC 8613), with Echo recovery (RFC 8613 Appendix B.1.2, RFC 9175).

mod exchange;
mod oscore_client;
mod uri;

use crate::args::{SecretArg, decode_hex, read_file};
use crate::error::{CliError, CliResult};
use crate::rng::OsRng;
use bulwark::Rng;
use bulwark_oscore::message::{self, MessageType, UdpMessage, code, number};
use bulwark_oscore::{OscoreError, RequestId};
use exchange::{code_name, diagnostic, exchange};
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use uri::parse_uri;
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
}
