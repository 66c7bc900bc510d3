//! The CCM formatting functions of SP 800-38C (appendix A), for backends that implement
//! [`Ccm`](bulwark_api::ccm::Ccm) themselves (a fused AES-NI CCM, a peripheral with a CCM
//! mode) and must format exactly as [`crate::CcmMode`] does.

use bulwark_api::{
    Error,
    ccm::{is_valid_nonce_len, is_valid_tag_len, max_message_len},
    hazmat::Block,
    secret::ct_eq_bytes,
};
use zeroize::Zeroize;

/// Checks every size of a seal or open: the tag length (4, 6, ..., 16), then as
/// [`check_lengths`]. Returns `L`.
pub fn check_sizes(nonce: &[u8], tag_len: usize, msg_len: usize) -> Result<usize, Error> {
    if !is_valid_tag_len(tag_len) {
        return Err(Error::InvalidInput);
    }
    check_lengths(nonce, msg_len)
}

/// The verdict of an open: the first `tag.len()` bytes of `expected` against the received
/// `tag`, compared in constant time; `expected` is zeroed either way. The one branch (in the
/// caller, on the result) is on this public verdict.
pub fn tag_verdict(expected: &mut [u8; 16], tag: &[u8]) -> Result<(), Error> {
    let verdict = match expected.get(..tag.len()) {
        Some(computed) => ct_eq_bytes(computed, tag),
        None => false,
    };
    expected.zeroize();
    if verdict {
        Ok(())
    } else {
        Err(Error::Verification)
    }
}

/// Zeroes `output` when `result` is an error, so a failed call leaves no partial output
/// (for an open: no unauthenticated plaintext).
pub fn wipe_on_error(result: Result<(), Error>, output: &mut [u8]) -> Result<(), Error> {
    if result.is_err() {
        output.zeroize();
    }
    result
}

/// Checks the nonce length and the message length against the nonce's length field.
/// Returns `L`, the length-field size in bytes.
pub fn check_lengths(nonce: &[u8], msg_len: usize) -> Result<usize, Error> {
    if !is_valid_nonce_len(nonce.len()) || msg_len as u64 > max_message_len(nonce.len()) {
        return Err(Error::InvalidInput);
    }
    Ok(15 - nonce.len())
}

/// The counter block `A_i`: flags `L - 1`, the nonce, then `i` in the last `L` bytes.
///
/// `nonce` must be 7 to 13 bytes and `l` must be `15 - nonce.len()` (as [`check_lengths`]
/// returns); other values panic.
pub fn counter_block(nonce: &[u8], l: usize) -> Block {
    let mut a = [0u8; 16];
    a[0] = (l - 1) as u8;
    a[1..1 + nonce.len()].copy_from_slice(nonce);
    a
}

/// The encoding of the associated-data length (SP 800-38C A.2.2): 2, 6 or 10 bytes.
pub fn aad_len_prefix(aad_len: u64, out: &mut [u8; 10]) -> usize {
    if aad_len < (1 << 16) - (1 << 8) {
        out[..2].copy_from_slice(&(aad_len as u16).to_be_bytes());
        2
    } else if aad_len <= u64::from(u32::MAX) {
        out[..2].copy_from_slice(&[0xff, 0xfe]);
        out[2..6].copy_from_slice(&(aad_len as u32).to_be_bytes());
        6
    } else {
        out[..2].copy_from_slice(&[0xff, 0xff]);
        out[2..10].copy_from_slice(&aad_len.to_be_bytes());
        10
    }
}

/// The total AAD length, or [`Error::InvalidInput`] if it overflows a `u64`.
pub fn total_aad_len(aad: &[&[u8]]) -> Result<u64, Error> {
    let mut aad_len: u64 = 0;
    for part in aad {
        aad_len = aad_len
            .checked_add(part.len() as u64)
            .ok_or(Error::InvalidInput)?;
    }
    Ok(aad_len)
}

/// `B_0` (the same preconditions as [`counter_block`]): flags (AAD present, tag length, `L - 1`), the nonce, and the message length in the
/// last `L` bytes.
pub fn b0_block(nonce: &[u8], l: usize, tag_len: usize, aad_len: u64, msg_len: usize) -> Block {
    let mut b0 = [0u8; 16];
    b0[0] = (u8::from(aad_len > 0) << 6)
        | ((((tag_len as u8).saturating_sub(2)) / 2) << 3)
        | (l as u8 - 1);
    b0[1..1 + nonce.len()].copy_from_slice(nonce);
    let len_bytes = (msg_len as u64).to_be_bytes();
    b0[16 - l..].copy_from_slice(&len_bytes[8 - l..]);
    b0
}

/// A nonce whose lengths [`check_sizes`] has checked, with its `L` (the length-field size,
/// `15 - nonce.len()`), as [`impl_ccm_checked!`](crate::impl_ccm_checked) hands it on.
#[derive(Clone, Copy, Debug)]
pub struct CheckedNonce<'a> {
    /// The nonce, 7 to 13 bytes.
    pub nonce: &'a [u8],
    /// `L`, as [`check_sizes`] returned it.
    pub l: usize,
}

/// Implements [`Ccm`](bulwark_api::ccm::Ccm) (`impl[generics] for Type`) for a CCM built on
/// three inherent methods called once the sizes are checked: `seal_inner(nonce, aad, buffer,
/// tag)` and `open_inner(nonce, aad, buffer, tag)` with a [`CheckedNonce`], and `crypt(nonce,
/// l, buffer)` with `L`, the length-field size. The sizes are checked with [`check_sizes`] or
/// [`check_lengths`] (a bad size touches nothing), and a failed call leaves no output
/// ([`wipe_on_error`]: the tag and the buffer of a seal, the buffer of an open or a crypt).
/// [`CcmMode`](crate::CcmMode) and the compact backend's CCM are written with it.
#[macro_export]
macro_rules! impl_ccm_checked {
    (impl[$($generics:tt)*] for $t:ty) => {
        $crate::__api::impl_ccm! {
            impl[$($generics)*] for $t;
            seal(self, nonce, aad, buffer, tag) => {
                let l = $crate::ccm_format::check_sizes(nonce, tag.len(), buffer.len())?;
                let nonce = $crate::ccm_format::CheckedNonce { nonce, l };
                let result = self.seal_inner(nonce, aad, buffer, tag);
                $crate::ccm_format::wipe_on_error(
                    $crate::ccm_format::wipe_on_error(result, tag),
                    buffer,
                )
            };
            open(self, nonce, aad, buffer, tag) => {
                let l = $crate::ccm_format::check_sizes(nonce, tag.len(), buffer.len())?;
                let nonce = $crate::ccm_format::CheckedNonce { nonce, l };
                let result = self.open_inner(nonce, aad, buffer, tag);
                $crate::ccm_format::wipe_on_error(result, buffer)
            };
            crypt(self, nonce, buffer) => {
                let l = $crate::ccm_format::check_lengths(nonce, buffer.len())?;
                let result = self.crypt(nonce, l, buffer);
                $crate::ccm_format::wipe_on_error(result, buffer)
            };
        }
    };
}
