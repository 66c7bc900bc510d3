//! `bulwark trust grant|revoke|check|show`: trust chains of CWT grants in COSE_Sign1, with
//! cascading revocation (the `bulwark-trust` crate).

use crate::args::{AFTER_HELP, decode_hex, print_text, push_hex, write_file};
use crate::error::{CliError, CliResult};
use crate::keys::{self, KeyFile, PrivateKey};
use crate::rng::OsRng;
use bulwark::DefaultProvider;
use bulwark::Rng;
use bulwark::sig::{AlgorithmId, EcdsaP256, Ed25519, Sign};
use bulwark_trust::encode::{
    GrantClaims, IssuerKey, grant_payload, revocation_payload, sign_record,
};
use bulwark_trust::{
    CTI_LEN, CheckError, Cti, Envelope, Grant, MAX_RECORD, Method, PublicKey, Request, Revocation,
    check_chain, check_link, cose_alg_name,
};
use clap::Subcommand;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Trust chains.
#[derive(clap::Args)]
pub struct TrustArgs {
    #[command(subcommand)]
    op: TrustOp,
}

#[derive(Subcommand)]
enum TrustOp {
    /// Issue a grant: vouch for SUBJECT_PUB with a scope, depth and level, signed by --key
    ///
    /// Writes a COSE_Sign1 grant (CWT claims, ACE-style) to --out. --key is the issuer's
    /// private key (as 'keygen' writes it), --subject the subject's public key (as
    /// 'getpub --format pem' writes it; a private key file works too), Ed25519 or P-256.
    /// Each --scope is TOID=METHODS: the resource path (everything before the first '=') and
    /// a comma list of CoAP methods, case-insensitive (GET, POST, PUT, DELETE, FETCH, PATCH,
    /// iPATCH).
    ///
    /// --depth (default 0) is how many further levels the subject may delegate. --level
    /// (0-255) defaults to the parent's, or 255 without a parent. --not-before and --expires
    /// are times in seconds since the Unix epoch.
    ///
    /// Without --parent the grant is issued by the root (the device trusts --key's public
    /// key). With --parent GRANT, --key must be the parent's subject key and the new grant
    /// must satisfy every chain rule against the parent (scope within the parent's, depth
    /// below, level not above, validity window within); otherwise nothing is written (exit 2).
    ///
    /// Example:
    ///   bulwark trust grant --key owner.pem --subject family.pub.pem \
    ///       --scope /door/lock=GET,PUT --depth 1 --level 200 --out family.grant
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Grant(GrantArgs),

    /// Revoke grants: a COSE_Sign1 revocation listing their ids, signed by --key
    ///
    /// Each --grant GRANT names a grant file, each --cti HEX a grant id (16 bytes); at least
    /// one. A revocation takes effect on a chain only when --key issued the revoked grant or
    /// is above it in that chain (the root included); everything below a revoked grant falls
    /// with it. --seq N is the issuer's sequence number (default 0).
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Revoke(RevokeArgs),

    /// Check a chain: prints 'allow' (exit 0) or 'deny: REASON' (exit 1)
    ///
    /// Checks that the chain ROOT_PUB -> GRANT -> GRANT ... (in order from the root, at most 8)
    /// grants the request TOID=METHOD at --now (seconds since the Unix epoch; default: the
    /// system clock), given the revocations. REASON is one of: malformed, signature, parent,
    /// depth, level, scope, validity, expired, revoked, too-long, not-allowed. A revocation
    /// file that cannot be parsed is exit 2: a damaged revocation list never lets a chain pass.
    ///
    /// Example:
    ///   bulwark trust check --root owner.pub.pem --chain family.grant guest.grant \
    ///       --revocations r1.rev --request /door/lock=PUT
    ///   allow
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Check(CheckArgs),

    /// Print a grant or revocation as one JSON object
    ///
    /// Decodes the record (without checking its signature) and prints its fields: for a grant
    /// type, alg, kid, cti, parent, depth, level, scope, nbf, exp and subject; for a
    /// revocation type, alg, kid, cti, revokes and seq. A file that is neither is exit 2.
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Show(ShowArgs),
}

#[derive(clap::Args)]
struct GrantArgs {
    /// The issuer's private key (PEM)
    #[arg(long, value_name = "ISSUER_KEY")]
    key: PathBuf,
    /// The subject's public key (PEM)
    #[arg(long, value_name = "SUBJECT_PUB")]
    subject: PathBuf,
    /// The grant the issuer holds and issues under
    #[arg(long, value_name = "GRANT")]
    parent: Option<PathBuf>,
    /// A resource and its methods, e.g. /door/lock=GET,PUT (repeatable)
    #[arg(long, value_name = "TOID=METHODS", required = true)]
    scope: Vec<String>,
    /// How many further levels the subject may delegate
    #[arg(long, value_name = "N", default_value = "0", value_parser = parse_u64)]
    depth: u64,
    /// The access level, 0-255 (default: the parent's, or 255)
    #[arg(long, value_name = "N", value_parser = parse_level)]
    level: Option<u8>,
    /// Valid from (seconds since the Unix epoch)
    #[arg(long = "not-before", value_name = "T", value_parser = parse_u64)]
    not_before: Option<u64>,
    /// Valid until, exclusive (seconds since the Unix epoch)
    #[arg(long, value_name = "T", value_parser = parse_u64)]
    expires: Option<u64>,
    /// Where to write the grant
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("revoked").required(true).multiple(true).args(["grant", "cti"])))]
struct RevokeArgs {
    /// The issuer's private key (PEM)
    #[arg(long, value_name = "ISSUER_KEY")]
    key: PathBuf,
    /// A grant file to revoke (repeatable)
    #[arg(long, value_name = "GRANT")]
    grant: Vec<PathBuf>,
    /// A grant id to revoke, 16 bytes as HEX (repeatable)
    #[arg(long, value_name = "HEX")]
    cti: Vec<String>,
    /// The issuer's sequence number
    #[arg(long, value_name = "N", default_value = "0", value_parser = parse_u64)]
    seq: u64,
    /// Where to write the revocation
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The root public key the device trusts (PEM)
    #[arg(long, value_name = "ROOT_PUB")]
    root: PathBuf,
    /// The grants, from the root down
    #[arg(long, value_name = "GRANT", num_args = 1.., required = true)]
    chain: Vec<PathBuf>,
    /// Revocation files
    #[arg(long, value_name = "FILE", num_args = 1..)]
    revocations: Vec<PathBuf>,
    /// The request: a resource and one method, e.g. /door/lock=PUT
    #[arg(long, value_name = "TOID=METHOD")]
    request: String,
    /// The time to check at (seconds since the Unix epoch; default: now)
    #[arg(long, value_name = "T", value_parser = parse_u64)]
    now: Option<u64>,
}

#[derive(clap::Args)]
struct ShowArgs {
    /// The grant or revocation file
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

impl TrustArgs {
    /// Runs the subcommand.
    pub fn run(self) -> CliResult {
        match self.op {
            TrustOp::Grant(a) => a.run(),
            TrustOp::Revoke(a) => a.run(),
            TrustOp::Check(a) => a.run(),
            TrustOp::Show(a) => a.run(),
        }
    }
}

/// A decimal number, or hex with 0x, up to 2^64 - 1.
fn parse_u64(s: &str) -> Result<u64, String> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err("expected a decimal number or 0x-prefixed hex".to_owned());
    }
    u64::from_str_radix(digits, radix).map_err(|_| "number too large".to_owned())
}

fn parse_level(s: &str) -> Result<u8, String> {
    let n = parse_u64(s)?;
    u8::try_from(n).map_err(|_| "levels are 0 to 255".to_owned())
}

/// The trust crate's form of a CLI public key.
fn trust_key(arg: &str, key: &keys::PublicKey) -> CliResult<PublicKey> {
    PublicKey::from_raw(key.algorithm(), key.raw())
        .map_err(|_| CliError::arg(arg, "unsupported public key"))
}

/// Reads a record file: at most [`MAX_RECORD`] + 1 bytes are read (a longer file is not a
/// record, and the parser refuses it).
fn read_record(arg: &str, path: &Path) -> CliResult<Vec<u8>> {
    let mut data = Vec::new();
    let limit = MAX_RECORD as u64 + 1;
    let result = if path == Path::new("-") {
        std::io::stdin().lock().take(limit).read_to_end(&mut data)
    } else {
        fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut data))
    };
    result.map_err(|e| CliError::arg(arg, format_args!("{}: {e}", path.display())))?;
    Ok(data)
}

/// Splits `TOID=REST` at the first `=`.
fn split_toid<'a>(arg: &str, s: &'a str) -> CliResult<(&'a str, &'a str)> {
    match s.split_once('=') {
        Some((toid, rest)) if !toid.is_empty() => Ok((toid, rest)),
        _ => Err(CliError::arg(
            arg,
            format_args!("{s:?}: expected TOID=METHODS with a non-empty TOID"),
        )),
    }
}

fn method(arg: &str, name: &str) -> CliResult<Method> {
    Method::from_name(name).ok_or_else(|| {
        CliError::arg(
            arg,
            format_args!("unknown method {name:?} (GET, POST, PUT, DELETE, FETCH, PATCH, iPATCH)"),
        )
    })
}

/// The `--scope` arguments as (toid, mask) pairs.
fn parse_scope(scopes: &[String]) -> CliResult<Vec<(String, u8)>> {
    let mut out: Vec<(String, u8)> = Vec::new();
    for s in scopes {
        let (toid, methods) = split_toid("--scope", s)?;
        let mut mask = 0u8;
        for name in methods.split(',') {
            mask |= method("--scope", name)?.bit();
        }
        if out.iter().any(|(t, _)| t == toid) {
            return Err(CliError::arg(
                "--scope",
                format_args!("{toid:?} is given twice (list its methods once: TOID=GET,PUT)"),
            ));
        }
        out.push((toid.to_owned(), mask));
    }
    Ok(out)
}

/// The issuer's private key from `--key`.
fn private_key(path: &Path) -> CliResult<PrivateKey> {
    match keys::read_key_file("--key", path)? {
        KeyFile::Private(k) => Ok(k),
        KeyFile::Public(_) => Err(CliError::arg(
            "--key",
            format_args!(
                "{}: a public key; signing needs the private key",
                path.display()
            ),
        )),
    }
}

/// Signs `payload` with the private key.
fn sign(key: PrivateKey, payload: &[u8]) -> CliResult<Vec<u8>> {
    let mut p = DefaultProvider::default();
    let mut out = [0u8; MAX_RECORD];
    let algorithm = key.public.algorithm();
    let len = match algorithm {
        AlgorithmId::Ed25519 => {
            let k = Sign::<Ed25519>::import_signing_key(&mut p, key.secret)
                .map_err(|e| CliError::from_api("--key", e))?;
            sign_record(&mut p, &IssuerKey::Ed25519(&k), payload, &mut out)
        }
        AlgorithmId::EcdsaP256 => {
            let k = Sign::<EcdsaP256>::import_signing_key(&mut p, key.secret)
                .map_err(|e| CliError::from_api("--key", e))?;
            sign_record(&mut p, &IssuerKey::EcdsaP256(&k), payload, &mut out)
        }
    }
    .map_err(|e| CliError::Usage(format!("cannot write the record: {e}")))?;
    Ok(out.get(..len).unwrap_or(&[]).to_vec())
}

fn random_cti() -> CliResult<Cti> {
    let mut cti = [0u8; CTI_LEN];
    OsRng.fill_bytes(&mut cti).map_err(|e| {
        CliError::Usage(format!(
            "the operating system's random generator failed: {e}"
        ))
    })?;
    Ok(cti)
}

impl GrantArgs {
    fn run(self) -> CliResult {
        let key = private_key(&self.key)?;
        let issuer = trust_key("--key", &key.public)?;
        let subject = keys::read_key_file("--subject", &self.subject)?.public();
        let subject = trust_key("--subject", &subject)?;
        let scope = parse_scope(&self.scope)?;
        let parent_record = match &self.parent {
            Some(path) => Some(read_record("--parent", path)?),
            None => None,
        };
        let parent = match (&parent_record, &self.parent) {
            (Some(record), Some(path)) => Some(Grant::parse(record).map_err(|_| {
                CliError::arg(
                    "--parent",
                    format_args!("{}: not a valid grant", path.display()),
                )
            })?),
            _ => None,
        };
        if let Some(parent) = &parent
            && parent.subject != issuer
        {
            return Err(CliError::arg(
                "--key",
                "not the parent grant's subject key: only the subject of a grant may issue under it",
            ));
        }
        if let (Some(nbf), Some(exp)) = (self.not_before, self.expires)
            && nbf >= exp
        {
            return Err(CliError::arg(
                "--not-before",
                "not before --expires: the grant would never be valid",
            ));
        }
        let level = self.level.or(parent.map(|p| p.level)).unwrap_or(255);
        let scope_refs: Vec<(&str, u8)> = scope.iter().map(|(t, m)| (t.as_str(), *m)).collect();
        let claims = GrantClaims {
            cti: random_cti()?,
            subject,
            scope: &scope_refs,
            depth: self.depth,
            level,
            parent: parent.map(|p| p.cti),
            nbf: self.not_before,
            exp: self.expires,
        };
        let mut payload = [0u8; MAX_RECORD];
        let len = grant_payload(&claims, &mut payload)
            .map_err(|e| CliError::arg("--scope", format_args!("cannot write the grant: {e}")))?;
        let record = sign(key, payload.get(..len).unwrap_or(&[]))?;
        // Never issue a grant that cannot verify: parse it back and check it against the
        // parent (its signature under the issuer's key is checked by the chain rules on use).
        let grant = Grant::parse(&record)
            .map_err(|_| CliError::Usage("the grant does not parse back".to_owned()))?;
        if let Some(parent) = &parent {
            check_link(parent, &grant).map_err(|reason| {
                CliError::Usage(format!(
                    "the grant would not verify under its parent ({reason}): nothing written"
                ))
            })?;
        }
        write_file("--out", &self.out, &record)
    }
}

impl RevokeArgs {
    fn run(self) -> CliResult {
        let key = private_key(&self.key)?;
        let mut revokes: Vec<Cti> = Vec::new();
        for path in &self.grant {
            let record = read_record("--grant", path)?;
            let grant = Grant::parse(&record).map_err(|_| {
                CliError::arg(
                    "--grant",
                    format_args!("{}: not a valid grant", path.display()),
                )
            })?;
            revokes.push(grant.cti);
        }
        for hex in &self.cti {
            let bytes = decode_hex("--cti", hex)?;
            let cti: Cti = bytes.as_slice().try_into().map_err(|_| {
                CliError::arg(
                    "--cti",
                    format_args!("{} bytes; grant ids are 16", bytes.len()),
                )
            })?;
            revokes.push(cti);
        }
        let mut unique: Vec<Cti> = Vec::new();
        for cti in revokes {
            if !unique.contains(&cti) {
                unique.push(cti);
            }
        }
        let mut payload = [0u8; MAX_RECORD];
        let len = revocation_payload(&random_cti()?, &unique, self.seq, &mut payload)
            .map_err(|e| CliError::Usage(format!("cannot write the revocation: {e}")))?;
        let record = sign(key, payload.get(..len).unwrap_or(&[]))?;
        write_file("--out", &self.out, &record)
    }
}

impl CheckArgs {
    fn run(self) -> CliResult {
        let root = keys::read_key_file("--root", &self.root)?.public();
        let root = trust_key("--root", &root)?;
        let (toid, name) = split_toid("--request", &self.request)?;
        let request = Request {
            toid,
            method: method("--request", name)?,
        };
        let chain = self
            .chain
            .iter()
            .map(|path| read_record("--chain", path))
            .collect::<CliResult<Vec<_>>>()?;
        let revocations = self
            .revocations
            .iter()
            .map(|path| read_record("--revocations", path))
            .collect::<CliResult<Vec<_>>>()?;
        let now = match self.now {
            Some(now) => now,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| CliError::Usage("the system clock is before 1970".to_owned()))?
                .as_secs(),
        };
        let chain_refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
        let rev_refs: Vec<&[u8]> = revocations.iter().map(Vec::as_slice).collect();
        let mut p = DefaultProvider::default();
        match check_chain(&mut p, &root, &chain_refs, &rev_refs, &request, Some(now)) {
            Ok(_) => print_text("allow\n"),
            Err(CheckError::Deny(reason)) => {
                print_text(&format!("deny: {reason}\n"))?;
                Err(CliError::Rejected(format!("trust check: deny: {reason}")))
            }
            Err(CheckError::Revocation(i)) => {
                let path = self.revocations.get(i).map(|p| p.display().to_string());
                Err(CliError::arg(
                    "--revocations",
                    format_args!(
                        "{}: not a valid revocation (or too many: at most {})",
                        path.unwrap_or_default(),
                        bulwark_trust::MAX_REVOCATIONS
                    ),
                ))
            }
            Err(CheckError::Backend(e)) => Err(CliError::from_api("trust check", e)),
        }
    }
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_hex(out: &mut String, bytes: &[u8]) {
    out.push('"');
    push_hex(out, bytes);
    out.push('"');
}

/// Opens a record's JSON object: `{"type":KIND,"alg":..,"kid":..,"cti":..`.
fn json_head(out: &mut String, kind: &str, envelope: &Envelope<'_>, cti: &[u8]) {
    out.push_str("{\"type\":");
    json_str(out, kind);
    out.push_str(",\"alg\":");
    json_str(out, cose_alg_name(envelope.alg));
    out.push_str(",\"kid\":");
    json_hex(out, &envelope.kid);
    out.push_str(",\"cti\":");
    json_hex(out, cti);
}

fn json_opt(out: &mut String, v: Option<u64>) {
    match v {
        Some(v) => out.push_str(&v.to_string()),
        None => out.push_str("null"),
    }
}

impl ShowArgs {
    fn run(self) -> CliResult {
        let record = read_record("FILE", &self.file)?;
        let mut out = String::new();
        if let Ok(g) = Grant::parse(&record) {
            json_head(&mut out, "grant", &g.envelope, &g.cti);
            out.push_str(",\"parent\":");
            match g.parent {
                Some(p) => json_hex(&mut out, &p),
                None => out.push_str("null"),
            }
            out.push_str(&format!(",\"depth\":{},\"level\":{}", g.depth, g.level));
            out.push_str(",\"scope\":[");
            for (i, (toid, mask)) in g.scope.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"toid\":");
                json_str(&mut out, toid);
                out.push_str(",\"methods\":[");
                let names: Vec<String> = Method::ALL
                    .iter()
                    .filter(|m| mask & m.bit() != 0)
                    .map(|m| format!("\"{}\"", m.name()))
                    .collect();
                out.push_str(&names.join(","));
                out.push_str("]}");
            }
            out.push_str("],\"nbf\":");
            json_opt(&mut out, g.nbf);
            out.push_str(",\"exp\":");
            json_opt(&mut out, g.exp);
            out.push_str(",\"subject\":{\"type\":");
            json_str(&mut out, keys::cli_name(g.subject.algorithm()));
            out.push_str(",\"key\":");
            json_hex(&mut out, g.subject.raw());
            out.push_str("}}\n");
        } else if let Ok(r) = Revocation::parse(&record) {
            json_head(&mut out, "revocation", &r.envelope, &r.cti);
            out.push_str(",\"revokes\":[");
            for (i, cti) in r.revokes.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_hex(&mut out, &cti);
            }
            out.push_str(&format!("],\"seq\":{}}}\n", r.seq));
        } else {
            return Err(CliError::Usage(format!(
                "{}: not a grant or a revocation (malformed)",
                self.file.display()
            )));
        }
        print_text(&out)
    }
}
