//! OSCORE security context derivation (RFC 8613 section 3.2) and AEAD nonces (section 5.2) for
//! the default algorithms: AES-CCM-16-64-128 (COSE alg 10) and HKDF-SHA256 (COSE alg -10).
//!
//! ```text
//! PRK  = HKDF-Extract(salt = Master Salt (empty allowed), IKM = Master Secret)
//! info = [ id : bstr, id_context : bstr / nil, alg_aead : int (10), type : tstr, L : uint ]
//! Sender Key    = HKDF-Expand(PRK, info(Sender ID,    "Key", 16), 16)
//! Recipient Key = HKDF-Expand(PRK, info(Recipient ID, "Key", 16), 16)
//! Common IV     = HKDF-Expand(PRK, info(empty bstr,   "IV",  13), 13)
//! ```
//!
//! The CBOR `info` is written as a handful of fixed byte parts fed to the multi-part HKDF
//! `info`: no buffer, no heap.

use bulwark_api::kdf::HkdfSha256;
use bulwark_api::{Error, SecretBytes};
use core::fmt;

/// COSE algorithm identifier of AES-CCM-16-64-128.
pub const ALG_AES_CCM_16_64_128: i8 = 10;
/// COSE algorithm identifier of HKDF-SHA256 (the OSCORE default KDF, used here).
pub const ALG_HKDF_SHA256: i8 = -10;
/// Sender and recipient key length for AES-CCM-16-64-128.
pub const KEY_LEN: usize = 16;
/// AEAD nonce (and Common IV) length for AES-CCM-16-64-128.
pub const NONCE_LEN: usize = 13;
/// Longest Sender/Recipient ID: the nonce length minus 6 (RFC 8613 section 3.3).
pub const MAX_ID_LEN: usize = NONCE_LEN - 6;
/// Longest Partial IV (RFC 8613 section 6.1: at most 5 bytes, i.e. sequence numbers < 2^40).
pub const MAX_PARTIAL_IV_LEN: usize = 5;
/// Shortest Master Secret this crate accepts (our policy: 128 bits; the RFC sets no minimum).
pub const MIN_MASTER_SECRET_LEN: usize = 16;
/// Longest ID Context accepted (its CBOR header is written with at most 3 bytes).
pub const MAX_ID_CONTEXT_LEN: usize = u16::MAX as usize;

/// The inputs of an OSCORE security context (RFC 8613 section 3.1).
#[derive(Clone, Copy)]
pub struct OscoreParams<'a> {
    /// Master Secret: at least [`MIN_MASTER_SECRET_LEN`] random bytes, shared by both
    /// endpoints and no one else.
    pub master_secret: &'a [u8],
    /// Master Salt: may be empty (the RFC default).
    pub master_salt: &'a [u8],
    /// This endpoint's Sender ID (0 to [`MAX_ID_LEN`] bytes), unique among the endpoints
    /// sharing the Master Secret.
    pub sender_id: &'a [u8],
    /// The peer's Sender ID (0 to [`MAX_ID_LEN`] bytes), different from `sender_id`.
    pub recipient_id: &'a [u8],
    /// ID Context: `None` encodes CBOR `nil` (absent); `Some(&[])` is an empty byte string,
    /// which derives different keys.
    pub id_context: Option<&'a [u8]>,
}

impl fmt::Debug for OscoreParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OscoreParams")
            .field("sender_id", &self.sender_id)
            .field("recipient_id", &self.recipient_id)
            .field("id_context", &self.id_context)
            .finish_non_exhaustive()
    }
}

/// The derived context: two keys (zeroized on drop, never printed) and the Common IV.
///
/// The Common IV is not a key: every nonce is the Common IV XOR public values, so it is public
/// to anyone who sees traffic.
pub struct OscoreKeys {
    /// Key protecting what this endpoint sends.
    pub sender_key: SecretBytes<KEY_LEN>,
    /// Key verifying what the peer sends.
    pub recipient_key: SecretBytes<KEY_LEN>,
    /// Common IV, XORed into every nonce.
    pub common_iv: [u8; NONCE_LEN],
}

impl OscoreKeys {
    /// Zeroed storage, to be filled in place by [`derive_context`].
    pub const fn zeroed() -> Self {
        Self {
            sender_key: SecretBytes::zeroed(),
            recipient_key: SecretBytes::zeroed(),
            common_iv: [0; NONCE_LEN],
        }
    }
}

impl Default for OscoreKeys {
    fn default() -> Self {
        Self::zeroed()
    }
}

impl fmt::Debug for OscoreKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OscoreKeys")
            .field("common_iv", &self.common_iv)
            .finish_non_exhaustive()
    }
}

/// The CBOR header of a byte string of `len` bytes (major type 2), and its length.
fn bstr_header(len: usize) -> Result<([u8; 3], usize), Error> {
    match len {
        0..=23 => Ok(([0x40 | len as u8, 0, 0], 1)),
        24..=0xff => Ok(([0x58, len as u8, 0], 2)),
        0x100..=0xffff => {
            let [hi, lo] = (len as u16).to_be_bytes();
            Ok(([0x59, hi, lo], 3))
        }
        _ => Err(Error::InvalidInput),
    }
}

/// `type` and `L` of the `info` array, as CBOR.
enum Item {
    Key,
    Iv,
}

impl Item {
    const fn type_and_len(&self) -> &'static [u8] {
        match self {
            // tstr "Key" (0x63 'K' 'e' 'y'), uint 16 (0x10)
            Item::Key => b"\x63Key\x10",
            // tstr "IV" (0x62 'I' 'V'), uint 13 (0x0d)
            Item::Iv => b"\x62IV\x0d",
        }
    }
}

fn expand_item<H: HkdfSha256 + ?Sized>(
    hkdf: &mut H,
    prk: &bulwark_api::kdf::Prk,
    id: &[u8],
    id_context: Option<&[u8]>,
    item: Item,
    out: &mut [u8],
) -> Result<(), Error> {
    if id.len() > MAX_ID_LEN {
        return Err(Error::InvalidInput);
    }
    let (id_hdr, id_hdr_len) = bstr_header(id.len())?;
    let (ctx_hdr, ctx_hdr_len, ctx): ([u8; 3], usize, &[u8]) = match id_context {
        None => ([0xf6, 0, 0], 1, &[]), // CBOR nil
        Some(c) => {
            let (h, n) = bstr_header(c.len())?;
            (h, n, c)
        }
    };
    hkdf.expand(
        prk,
        &[
            &[0x85], // array of 5 items
            id_hdr.get(..id_hdr_len).ok_or(Error::InvalidInput)?,
            id,
            ctx_hdr.get(..ctx_hdr_len).ok_or(Error::InvalidInput)?,
            ctx,
            &[ALG_AES_CCM_16_64_128 as u8], // uint 10 encodes as the single byte 0x0a
            item.type_and_len(),
        ],
        out,
    )
}

/// Derives an OSCORE context for AES-CCM-16-64-128 / HKDF-SHA256 (RFC 8613 section 3.2) into
/// `out`, in place.
///
/// - `hkdf`: the HKDF-SHA256 backend.
/// - `params`: see [`OscoreParams`] for each field's requirement.
/// - `out`: receives the sender key, recipient key and Common IV; zeroed on error.
///
/// Returns [`Error::InvalidInput`] if an ID is longer than [`MAX_ID_LEN`] bytes, the two IDs
/// are equal, the ID Context is longer than [`MAX_ID_CONTEXT_LEN`] bytes or the Master Secret
/// is shorter than [`MIN_MASTER_SECRET_LEN`] bytes; or the backend's error.
pub fn derive_context<H: HkdfSha256 + ?Sized>(
    hkdf: &mut H,
    params: &OscoreParams<'_>,
    out: &mut OscoreKeys,
) -> Result<(), Error> {
    let result = derive_inner(hkdf, params, out);
    if result.is_err() {
        *out.sender_key.expose_secret_mut() = [0; KEY_LEN];
        *out.recipient_key.expose_secret_mut() = [0; KEY_LEN];
        out.common_iv = [0; NONCE_LEN];
    }
    result
}

fn derive_inner<H: HkdfSha256 + ?Sized>(
    hkdf: &mut H,
    p: &OscoreParams<'_>,
    out: &mut OscoreKeys,
) -> Result<(), Error> {
    if p.sender_id.len() > MAX_ID_LEN
        || p.recipient_id.len() > MAX_ID_LEN
        || p.sender_id == p.recipient_id
        || p.master_secret.len() < MIN_MASTER_SECRET_LEN
        || p.id_context.is_some_and(|c| c.len() > MAX_ID_CONTEXT_LEN)
    {
        return Err(Error::InvalidInput);
    }
    let prk = hkdf.extract(p.master_salt, &[p.master_secret])?;
    expand_item(
        hkdf,
        &prk,
        p.sender_id,
        p.id_context,
        Item::Key,
        out.sender_key.expose_secret_mut(),
    )?;
    expand_item(
        hkdf,
        &prk,
        p.recipient_id,
        p.id_context,
        Item::Key,
        out.recipient_key.expose_secret_mut(),
    )?;
    expand_item(hkdf, &prk, &[], p.id_context, Item::Iv, &mut out.common_iv)
}

/// The AEAD nonce of RFC 8613 section 5.2.
///
/// `nonce = common_iv XOR (len(id) || id left-padded to 7 bytes || partial_iv left-padded to
/// 5 bytes)`.
///
/// - `id`: the Sender ID of the endpoint that generated the Partial IV (for a response without
///   its own Partial IV: the request's sender), at most [`MAX_ID_LEN`] bytes.
/// - `partial_iv`: big-endian sequence number as sent (e.g. `[0x14]` for 20), at most
///   [`MAX_PARTIAL_IV_LEN`] bytes. Never reuse one under the same sender key.
///
/// Returns [`Error::InvalidInput`] if `id` or `partial_iv` is too long.
pub fn nonce(
    common_iv: &[u8; NONCE_LEN],
    id: &[u8],
    partial_iv: &[u8],
) -> Result<[u8; NONCE_LEN], Error> {
    if id.len() > MAX_ID_LEN || partial_iv.len() > MAX_PARTIAL_IV_LEN {
        return Err(Error::InvalidInput);
    }
    let mut n = [0u8; NONCE_LEN];
    n[0] = id.len() as u8;
    n.get_mut(1 + MAX_ID_LEN - id.len()..1 + MAX_ID_LEN)
        .ok_or(Error::InvalidInput)?
        .copy_from_slice(id);
    n.get_mut(NONCE_LEN - partial_iv.len()..)
        .ok_or(Error::InvalidInput)?
        .copy_from_slice(partial_iv);
    for (b, iv) in n.iter_mut().zip(common_iv) {
        *b ^= iv;
    }
    Ok(n)
}

/// The Partial IV for a sequence number: its big-endian bytes without leading zeros, `[0x00]`
/// for 0 (RFC 8613 section 6.1). Returns the 5-byte buffer and the length used at its front.
///
/// Returns [`Error::InvalidInput`] for sequence numbers of 2^40 or more: the sender must rekey.
pub fn partial_iv(sequence_number: u64) -> Result<([u8; MAX_PARTIAL_IV_LEN], usize), Error> {
    if sequence_number >= 1 << 40 {
        return Err(Error::InvalidInput);
    }
    let bytes = sequence_number.to_be_bytes();
    let skip = bytes.iter().take(7).take_while(|&&b| b == 0).count().max(3);
    let used = 8 - skip;
    let mut out = [0u8; MAX_PARTIAL_IV_LEN];
    out.get_mut(..used)
        .ok_or(Error::InvalidInput)?
        .copy_from_slice(bytes.get(skip..).ok_or(Error::InvalidInput)?);
    Ok((out, used))
}
