//! AES-CCM (NIST SP 800-38C, RFC 3610) and CCM* (IEEE 802.15.4).
//!
//! Three layers, one implementation underneath:
//! - [`Ccm`]: what a backend implements; nonce and tag lengths are checked at run time and a
//!   bad length is [`Error::InvalidInput`]. Use it where sizes arrive as data (a CLI, a test file).
//! - [`AesCcm`]: the everyday API, with the nonce and tag sizes in the type. Sizes outside the
//!   NIST parameter sets (nonce 7..=13 bytes, tag 4, 6, ..., 16 bytes) do not compile.
//! - [`CcmStar`]: IEEE 802.15.4 frames, driven by the frame's [`SecurityLevel`].
//!
//! Every type implementing [`Ccm`] gets [`AesCcm`] and [`CcmStar`] for free.

use crate::Error;

/// The CCM block size in bytes.
pub const BLOCK_LEN: usize = 16;

/// Marker for a nonce length `N`; only 7..=13 implement [`ValidNonceLen`].
pub struct NonceLen<const N: usize>;
/// Marker for a tag length `T`; only 4, 6, 8, 10, 12, 14, 16 implement [`ValidTagLen`].
pub struct TagLen<const T: usize>;

mod sealed {
    pub trait Sealed {}
}

/// Implemented exactly for the CCM nonce lengths NIST allows (7..=13 bytes).
pub trait ValidNonceLen: sealed::Sealed {}
/// Implemented exactly for the CCM tag lengths NIST allows (4, 6, ..., 16 bytes).
pub trait ValidTagLen: sealed::Sealed {}

macro_rules! valid_lengths {
    ($marker:ident, $valid:ident: $($n:literal),*) => {$(
        impl sealed::Sealed for $marker<$n> {}
        impl $valid for $marker<$n> {}
    )*};
}
valid_lengths!(NonceLen, ValidNonceLen: 7, 8, 9, 10, 11, 12, 13);
valid_lengths!(TagLen, ValidTagLen: 4, 6, 8, 10, 12, 14, 16);

/// Whether `nonce_len` is a CCM nonce length (7..=13).
pub const fn is_valid_nonce_len(nonce_len: usize) -> bool {
    7 <= nonce_len && nonce_len <= 13
}

/// Whether `tag_len` is a CCM tag length (4, 6, ..., 16).
pub const fn is_valid_tag_len(tag_len: usize) -> bool {
    4 <= tag_len && tag_len <= 16 && tag_len.is_multiple_of(2)
}

/// The longest message a nonce of `nonce_len` bytes can protect: the length field has
/// `15 - nonce_len` bytes, so the limit is `2^(8 * (15 - nonce_len)) - 1` (saturating at
/// `u64::MAX`). Returns 0 for invalid nonce lengths.
pub const fn max_message_len(nonce_len: usize) -> u64 {
    if !is_valid_nonce_len(nonce_len) {
        return 0;
    }
    let l = 15 - nonce_len;
    if l >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * l)) - 1
    }
}

/// AES-CCM with nonce and tag lengths checked at run time: the trait a backend implements.
///
/// The key is part of the implementing value (imported once when it was built). Associated data
/// is passed as a list of parts that are authenticated as their concatenation, so a frame
/// header and a payload can be authenticated together without copying (`&[aad]` for one part).
///
/// Security requirements for every method: a (key, nonce) pair must never encrypt two different
/// messages. CCM gives no protection at all against nonce reuse.
pub trait Ccm {
    /// Encrypts `buffer` in place and writes the authentication tag into `tag`.
    ///
    /// - `nonce`: 7..=13 bytes, unique per key.
    /// - `aad`: authenticated, not encrypted.
    /// - `buffer`: plaintext in, ciphertext out; at most [`max_message_len`] bytes.
    /// - `tag`: its length selects the tag length (4, 6, ..., 16 bytes).
    ///
    /// Returns [`Error::InvalidInput`] for a bad nonce, tag or message length (nothing is
    /// touched), or the engine's error (the buffer and tag are then zeroed: no partial output).
    fn seal_detached(
        &mut self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), Error>;

    /// Decrypts `buffer` in place if `tag` authenticates nonce, `aad` and ciphertext.
    ///
    /// Returns `Ok(())` with the plaintext in `buffer`, or [`Error::Verification`] with `buffer`
    /// zeroed (no unauthenticated plaintext is ever left behind), or [`Error::InvalidInput`] for
    /// a bad nonce, tag or message length (the buffer is then untouched), or the engine's error
    /// (buffer zeroed). The tag is compared in constant time.
    fn open_detached(
        &mut self,
        nonce: &[u8],
        aad: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error>;

    /// CCM* with tag length 0: encryption **without any authentication** (IEEE 802.15.4
    /// security level 4). Encrypting and decrypting are the same operation.
    ///
    /// An attacker can flip any plaintext bit undetected. Use it only where a protocol requires
    /// it; prefer a level with a MIC. Same nonce and length rules as [`Ccm::seal_detached`].
    fn crypt_unauthenticated(&mut self, nonce: &[u8], buffer: &mut [u8]) -> Result<(), Error>;
}

crate::impl_ccm! {
    impl[C: Ccm + ?Sized] for &mut C;
    seal(self, nonce, aad, buffer, tag) => C::seal_detached(self, nonce, aad, buffer, tag);
    open(self, nonce, aad, buffer, tag) => C::open_detached(self, nonce, aad, buffer, tag);
    crypt(self, nonce, buffer) => C::crypt_unauthenticated(self, nonce, buffer);
}

/// AES-CCM with the nonce length `NONCE` and tag length `TAG` fixed in the type.
///
/// Only the NIST parameter sets compile:
///
/// ```
/// # use bulwark_api::ccm::AesCcm;
/// fn seal<C: AesCcm<13, 8>>(c: &mut C, nonce: &[u8; 13], reading: &mut [u8]) -> [u8; 8] {
/// #   let _ = (c, nonce, reading); [0; 8]
/// }
/// ```
///
/// ```compile_fail
/// # use bulwark_api::ccm::AesCcm;
/// fn seal<C: AesCcm<13, 5>>(c: &mut C) {} // a 5-byte tag is not a CCM tag length
/// ```
///
/// Implemented for every [`Ccm`].
pub trait AesCcm<const NONCE: usize, const TAG: usize>: Ccm
where
    NonceLen<NONCE>: ValidNonceLen,
    TagLen<TAG>: ValidTagLen,
{
    /// Encrypts `buffer` in place and returns the tag. See [`Ccm::seal_detached`] for the
    /// requirements (unique nonce per key) and errors (message too long for the nonce).
    fn seal_in_place(
        &mut self,
        nonce: &[u8; NONCE],
        aad: &[u8],
        buffer: &mut [u8],
    ) -> Result<[u8; TAG], Error> {
        let mut tag = [0u8; TAG];
        self.seal_detached(nonce, &[aad], buffer, &mut tag)?;
        Ok(tag)
    }

    /// Decrypts `buffer` in place if `tag` verifies; on [`Error::Verification`] the buffer is
    /// zeroed. See [`Ccm::open_detached`].
    fn open_in_place(
        &mut self,
        nonce: &[u8; NONCE],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8; TAG],
    ) -> Result<(), Error> {
        self.open_detached(nonce, &[aad], buffer, tag)
    }
}

impl<C: Ccm + ?Sized, const NONCE: usize, const TAG: usize> AesCcm<NONCE, TAG> for C
where
    NonceLen<NONCE>: ValidNonceLen,
    TagLen<TAG>: ValidTagLen,
{
}

/// IEEE 802.15.4 security levels 1..=7 (level 0, no security, is not a cryptographic
/// operation and has no value here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SecurityLevel {
    /// Authentication only, 4-byte MIC.
    Mic32 = 1,
    /// Authentication only, 8-byte MIC.
    Mic64 = 2,
    /// Authentication only, 16-byte MIC.
    Mic128 = 3,
    /// Encryption only, no MIC. **No integrity**: see [`Ccm::crypt_unauthenticated`].
    Enc = 4,
    /// Encryption and a 4-byte MIC.
    EncMic32 = 5,
    /// Encryption and an 8-byte MIC.
    EncMic64 = 6,
    /// Encryption and a 16-byte MIC.
    EncMic128 = 7,
}

impl SecurityLevel {
    /// All seven levels, in order.
    pub const ALL: [SecurityLevel; 7] = [
        SecurityLevel::Mic32,
        SecurityLevel::Mic64,
        SecurityLevel::Mic128,
        SecurityLevel::Enc,
        SecurityLevel::EncMic32,
        SecurityLevel::EncMic64,
        SecurityLevel::EncMic128,
    ];

    /// Parses the 3-bit level from a frame's security control field. Returns
    /// [`Error::InvalidInput`] for 0 (no security) and anything above 7.
    pub const fn from_u8(level: u8) -> Result<Self, Error> {
        match level {
            1 => Ok(SecurityLevel::Mic32),
            2 => Ok(SecurityLevel::Mic64),
            3 => Ok(SecurityLevel::Mic128),
            4 => Ok(SecurityLevel::Enc),
            5 => Ok(SecurityLevel::EncMic32),
            6 => Ok(SecurityLevel::EncMic64),
            7 => Ok(SecurityLevel::EncMic128),
            _ => Err(Error::InvalidInput),
        }
    }

    /// The level's number as it appears in the frame and the nonce.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The MIC length in bytes: 0, 4, 8 or 16.
    pub const fn mic_len(self) -> usize {
        match self {
            SecurityLevel::Enc => 0,
            SecurityLevel::Mic32 | SecurityLevel::EncMic32 => 4,
            SecurityLevel::Mic64 | SecurityLevel::EncMic64 => 8,
            SecurityLevel::Mic128 | SecurityLevel::EncMic128 => 16,
        }
    }

    /// Whether the payload is encrypted (levels 4..=7).
    pub const fn encrypts(self) -> bool {
        (self as u8) >= 4
    }
}

/// The 13-byte CCM* nonce of IEEE 802.15.4: the sender's extended (64-bit) address, the frame
/// counter, and the security level, each most significant byte first.
///
/// Requirement: a sender must never reuse a frame counter under the same key; persist the
/// counter across resets and rekey before it wraps.
pub const fn ieee802154_nonce(
    source_address: u64,
    frame_counter: u32,
    level: SecurityLevel,
) -> [u8; 13] {
    let a = source_address.to_be_bytes();
    let c = frame_counter.to_be_bytes();
    [
        a[0],
        a[1],
        a[2],
        a[3],
        a[4],
        a[5],
        a[6],
        a[7],
        c[0],
        c[1],
        c[2],
        c[3],
        level.as_u8(),
    ]
}

/// CCM* for IEEE 802.15.4 frames, driven by the security level. Implemented for every [`Ccm`].
///
/// - Levels 1..=3 (MIC only): `header` and `payload` are authenticated, the payload stays clear.
/// - Level 4 (ENC): the payload is encrypted, **nothing is authenticated**.
/// - Levels 5..=7 (ENC-MIC): `header` is authenticated, the payload encrypted and authenticated.
pub trait CcmStar: Ccm {
    /// Secures an outgoing frame in place and writes its MIC.
    ///
    /// - `nonce`: from [`ieee802154_nonce`]; its last byte must equal `level`.
    /// - `mic`: exactly `level.mic_len()` bytes (empty for [`SecurityLevel::Enc`]).
    ///
    /// Returns [`Error::InvalidInput`] on a length or level mismatch (nothing touched).
    fn seal_frame(
        &mut self,
        level: SecurityLevel,
        nonce: &[u8; 13],
        header: &[u8],
        payload: &mut [u8],
        mic: &mut [u8],
    ) -> Result<(), Error> {
        check_frame(level, nonce, mic.len())?;
        match level {
            SecurityLevel::Enc => self.crypt_unauthenticated(nonce, payload),
            SecurityLevel::Mic32 | SecurityLevel::Mic64 | SecurityLevel::Mic128 => {
                self.seal_detached(nonce, &[header, payload], &mut [], mic)
            }
            _ => self.seal_detached(nonce, &[header], payload, mic),
        }
    }

    /// Checks and unsecures an incoming frame in place.
    ///
    /// Returns [`Error::Verification`] with `payload` zeroed if the MIC does not verify.
    /// At [`SecurityLevel::Enc`] there is no MIC and every frame "verifies".
    fn open_frame(
        &mut self,
        level: SecurityLevel,
        nonce: &[u8; 13],
        header: &[u8],
        payload: &mut [u8],
        mic: &[u8],
    ) -> Result<(), Error> {
        check_frame(level, nonce, mic.len())?;
        match level {
            SecurityLevel::Enc => self.crypt_unauthenticated(nonce, payload),
            SecurityLevel::Mic32 | SecurityLevel::Mic64 | SecurityLevel::Mic128 => {
                let verdict = self.open_detached(nonce, &[header, payload], &mut [], mic);
                if verdict.is_err() {
                    payload.fill(0);
                }
                verdict
            }
            _ => self.open_detached(nonce, &[header], payload, mic),
        }
    }
}

fn check_frame(level: SecurityLevel, nonce: &[u8; 13], mic_len: usize) -> Result<(), Error> {
    if nonce[12] != level.as_u8() || mic_len != level.mic_len() {
        return Err(Error::InvalidInput);
    }
    Ok(())
}

impl<C: Ccm + ?Sized> CcmStar for C {}

/// A batch packet type: the struct (the key, the arguments of one CCM call, a result slot),
/// `new` (result "not processed") and a `Debug` that shows lengths and the result only.
macro_rules! packet {
    (
        $(#[$doc:meta])*
        pub struct $name:ident {
            $(#[$key_doc:meta])* key,
            $(#[$nonce_doc:meta])* nonce,
            $(#[$buffer_doc:meta])* buffer,
            $(#[$tag_doc:meta])* tag: $tag:ty,
            $(#[$result_doc:meta])* result,
        }
    ) => {
        $(#[$doc])*
        pub struct $name<'a, K: ?Sized> {
            $(#[$key_doc])*
            pub key: &'a K,
            $(#[$nonce_doc])*
            pub nonce: &'a [u8],
            /// Associated data parts, authenticated as their concatenation.
            pub aad: &'a [&'a [u8]],
            $(#[$buffer_doc])*
            pub buffer: &'a mut [u8],
            $(#[$tag_doc])*
            pub tag: $tag,
            $(#[$result_doc])*
            pub result: Result<(), Error>,
        }

        impl<'a, K: ?Sized> $name<'a, K> {
            /// A packet not yet processed (`result` is `Err(Error::Unsupported)`).
            pub fn new(
                key: &'a K,
                nonce: &'a [u8],
                aad: &'a [&'a [u8]],
                buffer: &'a mut [u8],
                tag: $tag,
            ) -> Self {
                Self {
                    key,
                    nonce,
                    aad,
                    buffer,
                    tag,
                    result: Err(Error::Unsupported),
                }
            }
        }

        /// Shows lengths and the result only: never key material or buffer contents.
        impl<K: ?Sized> core::fmt::Debug for $name<'_, K> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("nonce_len", &self.nonce.len())
                    .field("aad_parts", &self.aad.len())
                    .field("buffer_len", &self.buffer.len())
                    .field("tag_len", &self.tag.len())
                    .field("result", &self.result)
                    .finish_non_exhaustive()
            }
        }
    };
}

packet! {
    /// One packet of a [`CcmBatch::seal_batch`] call: what [`Ccm::seal_detached`] takes, plus
    /// the key it is sealed under and a slot for its own result.
    ///
    /// Packets in one batch are independent: each has its own key, nonce, AAD, length and tag
    /// length, and the same key may appear in several packets.
    pub struct SealPacket {
        /// The key (a backend's imported key); the (key, nonce) pair must be unique.
        key,
        /// 7..=13 bytes, unique per key.
        nonce,
        /// Plaintext in, ciphertext out.
        buffer,
        /// Receives the tag; its length (4, 6, ..., 16) selects the tag length.
        tag: &'a mut [u8],
        /// This packet's outcome, as [`Ccm::seal_detached`] would return it. Starts as
        /// `Err(Error::Unsupported)` ("not processed") and is overwritten by the batch call.
        result,
    }
}

packet! {
    /// One packet of a [`CcmBatch::open_batch`] call: what [`Ccm::open_detached`] takes, plus
    /// the key and a slot for its own result.
    pub struct OpenPacket {
        /// The key the packet was sealed under.
        key,
        /// The packet's nonce (7..=13 bytes).
        nonce,
        /// Ciphertext in; plaintext out on success, zeros on [`Error::Verification`].
        buffer,
        /// The received tag (4, 6, ..., 16 bytes).
        tag: &'a [u8],
        /// This packet's outcome, as [`Ccm::open_detached`] would return it. Starts as
        /// `Err(Error::Unsupported)` ("not processed"): never act on a packet whose result is
        /// not `Ok(())`.
        result,
    }
}

/// AES-CCM over many independent packets in one call, for gateways: a backend can keep
/// several CBC-MAC chains in flight at once, so throughput is bounded by the AES unit's
/// throughput rather than by the latency of one chain.
///
/// Every packet gets exactly the result, output and guarantees that [`Ccm::seal_detached`] or
/// [`Ccm::open_detached`] would give it alone under the same key; one packet's failure (a bad
/// tag, a bad size) never affects another, and a packet that fails to open has its buffer
/// zeroed. Needs no heap: the caller owns the packet slice.
pub trait CcmBatch {
    /// The backend's imported key type; packets borrow keys, so one key can serve many.
    type Key: ?Sized;

    /// Seals every packet, writing each one's outcome into its `result`.
    ///
    /// Returns `Ok(())` if every packet was sealed, otherwise the first failing packet's
    /// error (see each `result` for which ones failed).
    fn seal_batch(&mut self, packets: &mut [SealPacket<'_, Self::Key>]) -> Result<(), Error>;

    /// Opens every packet, writing each one's outcome into its `result`.
    ///
    /// Returns `Ok(())` if every packet verified, otherwise the first failing packet's error.
    /// Only packets whose own `result` is `Ok(())` hold authenticated plaintext.
    #[must_use = "a packet's plaintext may be used only if its result is Ok"]
    fn open_batch(&mut self, packets: &mut [OpenPacket<'_, Self::Key>]) -> Result<(), Error>;
}

impl<B: CcmBatch + ?Sized> CcmBatch for &mut B {
    type Key = B::Key;

    fn seal_batch(&mut self, packets: &mut [SealPacket<'_, Self::Key>]) -> Result<(), Error> {
        B::seal_batch(self, packets)
    }

    fn open_batch(&mut self, packets: &mut [OpenPacket<'_, Self::Key>]) -> Result<(), Error> {
        B::open_batch(self, packets)
    }
}

/// Folds the packets' results into a batch result: `Ok(())` or the first error.
pub fn first_error<'r>(
    results: impl IntoIterator<Item = &'r Result<(), Error>>,
) -> Result<(), Error> {
    results
        .into_iter()
        .copied()
        .find(Result::is_err)
        .unwrap_or(Ok(()))
}
