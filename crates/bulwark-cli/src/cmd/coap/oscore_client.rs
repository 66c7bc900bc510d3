//! The OSCORE side of `bulwark coap`: the security context from the arguments, and the file
//! that persists its sender sequence number.

use super::CoapArgs;
use crate::args::{decode_hex, take_secret_hex, write_file};
use crate::cmd::oscore::{check_distinct_ids, check_id, check_master_secret, decode_id_context};
use crate::error::{CliError, CliResult};
use bulwark::{DefaultProvider, Provider};
use bulwark_oscore::{Context, ReplayWindow, SenderSequence, SequenceStore};
use bulwark_psk::oscore::OscoreParams;
use std::io;
use std::path::PathBuf;

/// The sequence number file: decimal text, replaced atomically (written, synced, renamed).
pub(super) struct SeqFile {
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

pub(super) type Oscore = Context<<DefaultProvider as Provider>::Ccm, SeqFile>;

impl CoapArgs {
    /// The OSCORE context, if the OSCORE arguments are given (all of them, or none).
    pub(super) fn oscore_context(&mut self) -> CliResult<Option<Oscore>> {
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
        check_master_secret("--oscore-secret", &secret, "")?;
        let salt = decode_hex("--oscore-salt", salt)?;
        let sid = decode_hex("--sender-id", sid)?;
        let rid = decode_hex("--recipient-id", rid)?;
        check_id("--sender-id", &sid, "")?;
        check_id("--recipient-id", &rid, "")?;
        check_distinct_ids(&sid, &rid)?;
        let id_context = decode_id_context(
            self.id_context.as_deref(),
            bulwark_oscore::MAX_ID_CONTEXT_LEN,
        )?;
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
        // The gateway backend's `ccm` takes `&self`, the software backend's `&mut self`.
        #[cfg_attr(feature = "server", allow(unused_mut))]
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
