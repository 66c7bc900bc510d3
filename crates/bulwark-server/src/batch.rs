//! Ed25519 verification of many signatures in one call, with exactly the verdicts of strict
//! single verification.
//!
//! # Why batch verification needs care
//!
//! ed25519-dalek's `verify_batch` checks one random linear combination of the cofactorless
//! equations: `sum z_i (S_i B - R_i - k_i A_i) = 0` with 128-bit `z_i` derived from a
//! transcript of the inputs. It does not check what dalek's `verify_strict` checks outside
//! the equation (a canonical `R`, an `R` not of small order), and a combination can vanish
//! although one residual `S_i B - R_i - k_i A_i` does not, when that residual lies in the
//! torsion subgroup: it is then killed by any `z_i` that is a multiple of its order (2, 4 or
//! 8), which whoever holds the signing key can arrange by grinding the message. So the batch
//! equation alone would accept signatures that `Server::verify` (and `Soft`) refuse.
//!
//! # How the verdicts are kept strict
//!
//! Before the equation, every item is pre-checked:
//! - refused outright (as strict verification refuses them): a length other than 64, `S >= L`,
//!   an `R` that does not decode or is not canonically encoded, an `R` of small order;
//! - set aside and verified one by one (strict, on AWS-LC): items whose `R` or public key has
//!   a torsion component (a mixed-order key is accepted by policy, see
//!   `bulwark_conformance::sig`). Honest signatures never have one: `R = [r]B`.
//!
//! The remaining items have residuals in the prime-order subgroup, where the combination
//! vanishes for a wrong item only with probability about 2^-128: for them the batch verdict
//! equals the strict one. If the batch equation fails, every one of those items is verified
//! one by one to name the failures.
//!
//! The torsion check of each `R` is a scalar multiplication by the group order: it is the
//! price of strict verdicts, and it makes the batch-equation path slower than one-by-one
//! AWS-LC verification on our machines (64 signatures: 64.8 against 59.3 µs per signature;
//! the unchecked batch equation alone is 22.5 µs: `benches/REPORT.md`, "gateway-pk"). So
//! [`Server::verify_batch`] verifies one by one; [`Server::verify_batch_dalek`] is the strict
//! batch-equation path, kept for measurement and for CPUs where the balance differs.

use bulwark_api::{Error, sig::Ed25519Signature};

use crate::{Ed25519PublicKey, Server};

/// One signature to verify: the key, the message and the signature, as
/// [`Verify::verify`](bulwark_api::sig::Verify::verify) takes them.
#[derive(Clone, Copy, Debug)]
pub struct BatchItem<'a> {
    /// The signer's validated public key.
    pub key: &'a Ed25519PublicKey,
    /// The signed message.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a Ed25519Signature,
}

/// Which items of a batch did not verify (indices into the batch, ascending). Converts into
/// [`Error::Verification`] for `?` in code that only needs the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchVerdict {
    /// The indices of the items that failed strict verification.
    pub failed: Vec<usize>,
}

impl core::fmt::Display for BatchVerdict {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} signature(s) did not verify", self.failed.len())
    }
}

impl core::error::Error for BatchVerdict {}

impl From<BatchVerdict> for Error {
    fn from(_: BatchVerdict) -> Self {
        Error::Verification
    }
}

/// The group order `L`, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// `s < L` for a little-endian 32-byte `s` (public data).
fn scalar_is_canonical(s: &[u8]) -> bool {
    for (a, b) in s.iter().rev().zip(L.iter().rev()) {
        if a != b {
            return a < b;
        }
    }
    false
}

/// What the pre-check decided about one item.
enum Pre {
    /// Strict verification refuses it; no need to compute anything.
    Refuse,
    /// A torsion component somewhere: verify it alone.
    Alone,
    /// Safe for the batch equation.
    Batch(ed25519_dalek::Signature),
}

fn precheck(item: &BatchItem<'_>) -> Pre {
    let bytes = item.signature.to_bytes();
    let (r, s) = bytes.split_at(32);
    if !scalar_is_canonical(s) || crate::sig::is_small_order_encoding(r) {
        return Pre::Refuse;
    }
    let Ok(r_bytes) = <&[u8; 32]>::try_from(r) else {
        return Pre::Refuse;
    };
    // dalek decodes like ZIP-215 (reduces y >= p): re-encode to insist on canonical bytes.
    let Ok(point) = ed25519_dalek::VerifyingKey::from_bytes(r_bytes) else {
        return Pre::Refuse;
    };
    let point = point.to_edwards();
    if point.compress().to_bytes() != *r_bytes {
        return Pre::Refuse;
    }
    if !item.key.is_torsion_free() || !point.is_torsion_free() {
        return Pre::Alone;
    }
    Pre::Batch(ed25519_dalek::Signature::from_bytes(&bytes))
}

fn verdict(failed: Vec<usize>) -> Result<(), BatchVerdict> {
    if failed.is_empty() {
        Ok(())
    } else {
        Err(BatchVerdict { failed })
    }
}

impl Server {
    /// Verifies every item strictly (exactly [`Verify::verify`](bulwark_api::sig::Verify)'s
    /// verdict for each) and names the failures.
    ///
    /// The default path: one AWS-LC verification per item, which measured faster than the
    /// strict batch equation ([`Server::verify_batch_dalek`]) at every batch size we tried
    /// (see [`batch`](crate::batch) and `benches/REPORT.md`).
    ///
    /// Returns `Ok(())` if every item verified, else [`BatchVerdict`] with the indices of the
    /// items that did not (converts into [`Error::Verification`]).
    pub fn verify_batch(&mut self, items: &[BatchItem<'_>]) -> Result<(), BatchVerdict> {
        let failed = items
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                item.key
                    .verify_strict(item.message, item.signature)
                    .is_err()
            })
            .map(|(i, _)| i)
            .collect();
        verdict(failed)
    }

    /// The same verdicts as [`Server::verify_batch`], through ed25519-dalek's batch equation
    /// for the items that are safe for it (see [`batch`](crate::batch): pre-checks refuse
    /// what strict verification refuses, and items with a torsion component are verified
    /// alone). On a batch failure every batched item is verified alone to name the failures.
    ///
    /// Each item's public key gets a one-time torsion check, cached in the key.
    pub fn verify_batch_dalek(&mut self, items: &[BatchItem<'_>]) -> Result<(), BatchVerdict> {
        let mut failed = Vec::new();
        let mut batched: Vec<usize> = Vec::with_capacity(items.len());
        let mut messages: Vec<&[u8]> = Vec::with_capacity(items.len());
        let mut signatures = Vec::with_capacity(items.len());
        let mut keys = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match precheck(item) {
                Pre::Refuse => failed.push(i),
                Pre::Alone => {
                    if item
                        .key
                        .verify_strict(item.message, item.signature)
                        .is_err()
                    {
                        failed.push(i);
                    }
                }
                Pre::Batch(signature) => {
                    batched.push(i);
                    messages.push(item.message);
                    signatures.push(signature);
                    keys.push(item.key.dalek);
                }
            }
        }
        if !batched.is_empty()
            && ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_err()
        {
            for &i in &batched {
                let item = items.get(i).ok_or(BatchVerdict { failed: vec![i] })?;
                if item
                    .key
                    .verify_strict(item.message, item.signature)
                    .is_err()
                {
                    failed.push(i);
                }
            }
        }
        failed.sort_unstable();
        verdict(failed)
    }
}
