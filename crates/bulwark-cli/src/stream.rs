//! Large inputs in constant memory: `ccm seal|open`, `ctr` and `cmac` over `--in FILE` (a
//! regular file) read and process the file in chunks of [`CHUNK`] bytes, and write the result
//! through a [`Spool`] that releases it only when the whole operation succeeded.
//!
//! CCM needs the message length before the first block (it is in `B_0`): it comes from the
//! file's metadata, and the file must still have exactly that length when it has been read
//! (otherwise exit 2). The modes are composed from the backend's raw AES-CTR and CBC-MAC
//! engines ([`bulwark::HazmatProvider`]) with the CCM formatting of SP 800-38C
//! ([`bulwark::backends::modes::ccm_format`], the code every backend formats with):
//!
//! - CBC-MAC over several chunks is one chain: the chaining value is XORed into the next
//!   chunk's first block before the (zero-IV) CBC-MAC of that chunk.
//! - CTR over several chunks continues the counter: chunk `j` starts at the counter block
//!   `A_1 + (bytes before it) / 16`.
//!
//! `ccm seal` MACs each plaintext chunk, then encrypts it and writes it; the tag goes last.
//! `ccm open` decrypts each chunk, MACs the plaintext and writes it to the spool, and compares
//! the tag (in constant time) only at the end: **unverified plaintext never leaves the
//! spool**, a temporary file that is removed (or an anonymous one that is closed) when the tag
//! does not verify. A crash in the middle can leave the `--out` temporary file
//! (`.NAME.XXXXXX.tmp`, mode 0600) behind.

use crate::args::private_temp_file;
use crate::error::{CliError, CliResult};
use bulwark::backends::modes::ccm_format::{
    aad_len_prefix, b0_block, check_lengths, counter_block,
};
use bulwark::hazmat::{Block, CbcMac, Ctr};
use bulwark::secret::ct_eq_bytes;
use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Bytes read and processed at a time: a multiple of the AES block size.
pub const CHUNK: usize = 1 << 20;

/// Results up to this size bound for standard output are held in memory; longer ones go to
/// an anonymous temporary file first.
const SPILL: u64 = 1 << 20;

/// A regular file given as `--in`, with the length its metadata reported.
pub struct InputFile {
    file: fs::File,
    len: u64,
    path: PathBuf,
}

impl InputFile {
    /// Opens `path` if it is a regular file; `Ok(None)` for anything else (a pipe, a device),
    /// which the caller reads whole instead, since its length is not known up front.
    pub fn open(path: &Path) -> CliResult<Option<Self>> {
        let io_err = |e: io::Error| CliError::arg("--in", format_args!("{}: {e}", path.display()));
        let file = fs::File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if !meta.is_file() {
            return Ok(None);
        }
        Ok(Some(Self {
            file,
            len: meta.len(),
            path: path.to_owned(),
        }))
    }

    /// The length from the file's metadata.
    pub fn len(&self) -> u64 {
        self.len
    }

    fn error(&self, msg: impl std::fmt::Display) -> CliError {
        CliError::arg("--in", format_args!("{}: {msg}", self.path.display()))
    }

    /// Fills `buf` from the file; a file shorter than its metadata said is an error.
    fn read_exact(&mut self, buf: &mut [u8]) -> CliResult {
        self.file.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                self.error("the file shrank while it was read")
            } else {
                self.error(e)
            }
        })
    }

    /// Checks that the whole file has been read (it did not grow).
    fn finish(&mut self) -> CliResult {
        let mut probe = [0u8; 1];
        match self.file.read(&mut probe) {
            Ok(0) => Ok(()),
            Ok(_) => Err(self.error("the file grew while it was read")),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Reads the next `len` bytes (at most [`CHUNK`]) into the start of `buf`, a [`CHUNK`]-byte
    /// buffer, and zero-pads them to a whole number of blocks. Returns the padded length.
    fn read_chunk(&mut self, buf: &mut [u8], len: usize) -> CliResult<usize> {
        let padded = len.div_ceil(16) * 16;
        let (data, pad) = buf
            .get_mut(..padded)
            .ok_or_else(|| self.error("internal chunk size error"))?
            .split_at_mut(len);
        self.read_exact(data)?;
        pad.fill(0);
        Ok(padded)
    }
}

/// Where a streamed result goes until it is released by [`Spool::commit`]: a private
/// temporary file next to `--out FILE` (persisted over FILE), or, for standard output, memory
/// or an anonymous temporary file (copied to standard output as raw bytes or hex). Dropping
/// an uncommitted spool releases nothing: the temporary file is removed, memory wiped.
pub struct Spool {
    sink: Sink,
    target: Target,
}

enum Sink {
    Memory(Zeroizing<Vec<u8>>),
    File(fs::File),
    Named(tempfile::NamedTempFile),
}

enum Target {
    Path(PathBuf),
    StdoutRaw,
    StdoutHex,
}

impl Spool {
    /// A spool for `total` bytes bound for `out` (`None`: hex on standard output; `-`: raw
    /// bytes on standard output; else the file).
    pub fn new(out: Option<&Path>, total: u64) -> CliResult<Self> {
        let out_err = |path: &Path, e: io::Error| {
            CliError::arg("--out", format_args!("{}: {e}", path.display()))
        };
        let target = match out {
            None => Target::StdoutHex,
            Some(p) if p == Path::new("-") => Target::StdoutRaw,
            Some(p) => Target::Path(p.to_owned()),
        };
        let sink = match &target {
            Target::Path(p) => Sink::Named(private_temp_file(p).map_err(|e| out_err(p, e))?),
            _ if total <= SPILL => Sink::Memory(Zeroizing::new(Vec::with_capacity(
                usize::try_from(total).unwrap_or(0),
            ))),
            _ => Sink::File(
                tempfile::tempfile().map_err(|e| out_err(Path::new("temporary file"), e))?,
            ),
        };
        Ok(Self { sink, target })
    }

    fn error(&self, e: io::Error) -> CliError {
        match &self.target {
            Target::Path(p) => CliError::arg("--out", format_args!("{}: {e}", p.display())),
            _ => CliError::Usage(format!("temporary file: {e}")),
        }
    }

    /// Appends `data`.
    pub fn write(&mut self, data: &[u8]) -> CliResult {
        let result = match &mut self.sink {
            Sink::Memory(v) => {
                if v.len() + data.len() > v.capacity() {
                    // Never reallocate (an unwiped copy would stay behind).
                    Err(io::Error::other("more output than expected"))
                } else {
                    v.extend_from_slice(data);
                    Ok(())
                }
            }
            Sink::File(f) => f.write_all(data),
            Sink::Named(f) => f.write_all(data),
        };
        result.map_err(|e| self.error(e))
    }

    /// Releases the result: renames the temporary file over `--out FILE`, or copies it to
    /// standard output. Call only when the whole operation has succeeded.
    pub fn commit(self) -> CliResult {
        let Spool { sink, target } = self;
        match (sink, target) {
            (Sink::Named(file), Target::Path(path)) => {
                let err =
                    |e: io::Error| CliError::arg("--out", format_args!("{}: {e}", path.display()));
                file.as_file().sync_all().map_err(err)?;
                file.persist(&path).map(drop).map_err(|e| err(e.error))
            }
            (Sink::Memory(data), target) => copy_to_stdout(&mut &data[..], &target),
            (Sink::File(mut file), target) => {
                file.rewind()
                    .map_err(|e| CliError::Usage(format!("temporary file: {e}")))?;
                copy_to_stdout(&mut file, &target)
            }
            (Sink::Named(_), _) => Err(CliError::Usage("internal output error".to_owned())),
        }
    }
}

/// Copies `from` to standard output, raw or as hex and a newline.
fn copy_to_stdout(from: &mut dyn Read, target: &Target) -> CliResult {
    let err = |e: io::Error| CliError::Usage(format!("stdout: {e}"));
    let mut out = io::stdout().lock();
    let mut buf = Zeroizing::new(vec![0u8; 64 * 1024]);
    let mut hex = Zeroizing::new(vec![0u8; 2 * 64 * 1024]);
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CliError::Usage(format!("temporary file: {e}"))),
        };
        let data = buf.get(..n).unwrap_or(&[]);
        match target {
            Target::StdoutHex => {
                let text = base16ct::lower::encode(data, &mut hex)
                    .map_err(|_| CliError::Usage("hex encoding failed".to_owned()))?;
                out.write_all(text).map_err(err)?;
            }
            _ => out.write_all(data).map_err(err)?,
        }
    }
    if matches!(target, Target::StdoutHex) {
        out.write_all(b"\n").map_err(err)?;
    }
    out.flush().map_err(err)
}

/// `base` plus `n` as one big-endian 128-bit counter (wrapping, as CTR's counter does).
fn counter_add(base: &Block, n: u64) -> Block {
    u128::from_be_bytes(*base)
        .wrapping_add(u128::from(n))
        .to_be_bytes()
}

/// Continues the CBC-MAC chain `x` over `blocks` (a non-zero multiple of 16 bytes): the raw
/// CBC-MAC has a zero IV, so the chaining value is XORed into the first block for the call
/// and taken out again, leaving `blocks` as it was.
fn mac_chain(
    mac: &mut impl CbcMac,
    x: &mut Block,
    blocks: &mut [u8],
) -> Result<(), bulwark::Error> {
    let first = blocks.get_mut(..16).ok_or(bulwark::Error::InvalidInput)?;
    for (b, c) in first.iter_mut().zip(x.iter()) {
        *b ^= *c;
    }
    let result = mac.cbc_mac(blocks);
    if let Some(first) = blocks.get_mut(..16) {
        for (b, c) in first.iter_mut().zip(x.iter()) {
            *b ^= *c;
        }
    }
    *x = result?;
    Ok(())
}

/// The parameters of one streamed CCM operation.
pub struct CcmJob<'a> {
    /// 7..=13 bytes (checked by the caller).
    pub nonce: &'a [u8],
    /// The associated data (empty for none).
    pub aad: &'a [u8],
    /// 0 (CCM* without a MIC) or a valid CCM tag length.
    pub tag_len: usize,
    /// `ccm open` (true) or `ccm seal`.
    pub open: bool,
}

/// Streams `ccm seal` or `ccm open` from `input` to `out`.
pub fn ccm(
    mac: &mut impl CbcMac,
    ctr: &mut impl Ctr,
    job: &CcmJob<'_>,
    mut input: InputFile,
    out: Option<&Path>,
) -> CliResult {
    let what = if job.open { "ccm open" } else { "ccm seal" };
    let api_err = |e| CliError::from_api(what, e);
    let payload_len = if job.open {
        input.len().checked_sub(job.tag_len as u64).ok_or_else(|| {
            CliError::Rejected(format!(
                "ccm open: verification failed: --in: {} bytes, shorter than the {}-byte tag",
                input.len(),
                job.tag_len
            ))
        })?
    } else {
        input.len()
    };
    let max = bulwark::ccm::max_message_len(job.nonce.len());
    if payload_len > max {
        return Err(CliError::arg(
            "--in",
            format_args!(
                "{payload_len}-byte payload; a {}-byte nonce allows at most {max} bytes",
                job.nonce.len()
            ),
        ));
    }
    let msg_len = usize::try_from(payload_len)
        .map_err(|_| CliError::arg("--in", "too large for this platform"))?;
    let l = check_lengths(job.nonce, msg_len).map_err(api_err)?;
    let a0 = counter_block(job.nonce, l);
    let out_len = if job.open {
        payload_len
    } else {
        payload_len + job.tag_len as u64
    };
    let mut spool = Spool::new(out, out_len)?;

    // The MAC of B_0 and the formatted associated data.
    let mac_on = job.tag_len > 0;
    let mut x: Zeroizing<Block> = Zeroizing::new([0; 16]);
    if mac_on {
        let aad_len = job.aad.len() as u64;
        let mut header = Zeroizing::new(Vec::with_capacity(16 + 10 + job.aad.len() + 16));
        header.extend_from_slice(&b0_block(job.nonce, l, job.tag_len, aad_len, msg_len));
        if aad_len > 0 {
            let mut prefix = [0u8; 10];
            let n = aad_len_prefix(aad_len, &mut prefix);
            header.extend_from_slice(prefix.get(..n).unwrap_or(&[]));
            header.extend_from_slice(job.aad);
            let padded = header.len().div_ceil(16) * 16;
            header.resize(padded, 0);
        }
        *x = mac.cbc_mac(&header).map_err(api_err)?;
    }

    let mut buf = Zeroizing::new(vec![0u8; CHUNK]);
    let mut done: u64 = 0;
    while done < payload_len {
        let n = usize::try_from((payload_len - done).min(CHUNK as u64)).unwrap_or(CHUNK);
        let padded = input.read_chunk(&mut buf, n)?;
        let counter = counter_add(&a0, 1 + done / 16);
        let chunk = buf.get_mut(..padded).unwrap_or(&mut []);
        if job.open {
            // The padding after the data stays zero for the MAC.
            ctr.apply_keystream(&counter, chunk.get_mut(..n).unwrap_or(&mut []))
                .map_err(api_err)?;
            if mac_on {
                mac_chain(mac, &mut x, chunk).map_err(api_err)?;
            }
        } else {
            if mac_on {
                mac_chain(mac, &mut x, chunk).map_err(api_err)?;
            }
            ctr.apply_keystream(&counter, chunk.get_mut(..n).unwrap_or(&mut []))
                .map_err(api_err)?;
        }
        spool.write(buf.get(..n).unwrap_or(&[]))?;
        done += n as u64;
    }

    // The tag: T XOR the first tag_len bytes of E(A_0).
    let mut tag = Zeroizing::new([0u8; 16]);
    if mac_on {
        ctr.apply_keystream(&a0, &mut x[..]).map_err(api_err)?;
        tag.copy_from_slice(&x[..]);
    }
    let tag = tag.get(..job.tag_len).unwrap_or(&[]);
    if job.open {
        let mut received = [0u8; 16];
        let received = received.get_mut(..job.tag_len).unwrap_or(&mut []);
        input.read_exact(received)?;
        input.finish()?;
        if !ct_eq_bytes(tag, received) {
            // The spool (holding unverified plaintext) is dropped: removed or wiped.
            return Err(api_err(bulwark::Error::Verification));
        }
    } else {
        input.finish()?;
        spool.write(tag)?;
    }
    spool.commit()
}

/// Streams `ctr` from `input` to `out`: the keystream from `iv` on.
pub fn ctr(ctr: &mut impl Ctr, iv: &Block, mut input: InputFile, out: Option<&Path>) -> CliResult {
    let len = input.len();
    let mut spool = Spool::new(out, len)?;
    let mut buf = Zeroizing::new(vec![0u8; CHUNK]);
    let mut done: u64 = 0;
    while done < len {
        let n = usize::try_from((len - done).min(CHUNK as u64)).unwrap_or(CHUNK);
        input.read_chunk(&mut buf, n)?;
        let data = buf.get_mut(..n).unwrap_or(&mut []);
        ctr.apply_keystream(&counter_add(iv, done / 16), data)
            .map_err(|e| CliError::from_api("ctr", e))?;
        spool.write(data)?;
        done += n as u64;
    }
    input.finish()?;
    spool.commit()
}

/// Doubling in GF(2^128) with the CMAC polynomial, without a secret-dependent branch.
fn dbl(b: &Block) -> Block {
    let v = u128::from_be_bytes(*b);
    let carry = (v >> 127) as u8;
    ((v << 1) ^ u128::from(0x87 * carry)).to_be_bytes()
}

/// AES-CMAC (SP 800-38B) of `input`, streamed: the CBC-MAC chain over every block but the
/// last, then the last block XOR the subkey `K1` (complete) or, padded with `10*`, `K2`.
pub fn cmac(mac: &mut impl CbcMac, mut input: InputFile) -> CliResult<Block> {
    let api_err = |e| CliError::from_api("cmac", e);
    let len = input.len();
    let k1 = Zeroizing::new(dbl(&mac.cbc_mac(&[0u8; 16]).map_err(api_err)?));
    let k2 = Zeroizing::new(dbl(&k1));
    let last_len = if len == 0 { 0 } else { (len - 1) % 16 + 1 };
    let body = len - last_len;
    let mut x: Zeroizing<Block> = Zeroizing::new([0; 16]);
    let mut buf = Zeroizing::new(vec![0u8; CHUNK]);
    let mut done: u64 = 0;
    while done < body {
        let n = usize::try_from((body - done).min(CHUNK as u64)).unwrap_or(CHUNK);
        input.read_chunk(&mut buf, n)?;
        mac_chain(mac, &mut x, buf.get_mut(..n).unwrap_or(&mut [])).map_err(api_err)?;
        done += n as u64;
    }
    let mut last = Zeroizing::new([0u8; 16]);
    let last_len = usize::try_from(last_len).unwrap_or(0);
    input.read_exact(last.get_mut(..last_len).unwrap_or(&mut []))?;
    input.finish()?;
    let subkey = if last_len == 16 {
        &k1
    } else {
        if let Some(b) = last.get_mut(last_len) {
            *b = 0x80;
        }
        &k2
    };
    for (b, k) in last.iter_mut().zip(subkey.iter()) {
        *b ^= *k;
    }
    mac_chain(mac, &mut x, &mut last[..]).map_err(api_err)?;
    Ok(*x)
}
