//! The `coap://` URI of `bulwark coap`: the destination address and the request's Uri-*
//! options.

use crate::error::{CliError, CliResult};
use bulwark_oscore::message::number;
use std::net::{SocketAddr, ToSocketAddrs};

/// The parsed URI.
pub(super) struct Target {
    pub(super) addr: SocketAddr,
    /// `(number, value)` in ascending order: Uri-Host, Uri-Port, Uri-Path, Uri-Query.
    pub(super) options: Vec<(u16, Vec<u8>)>,
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

pub(super) fn parse_uri(uri: &str) -> CliResult<Target> {
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
