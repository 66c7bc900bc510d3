//! Secret byte containers.

use core::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// `N` secret bytes: zeroized on drop, never printed, compared in constant time.
///
/// There is no `Clone` or `Copy`: a secret exists in one place. Every read goes through
/// [`SecretBytes::expose_secret`] and every write through [`SecretBytes::expose_secret_mut`], so
/// each exposure is easy to find with `grep`.
///
/// Honest limits: moving a `SecretBytes` moves its bytes with `memcpy`, and the old stack
/// location is not wiped; keep secrets in one place (write derived keys in place) and
/// they are wiped where they live.
pub struct SecretBytes<const N: usize>([u8; N]);

impl<const N: usize> SecretBytes<N> {
    /// All-zero secret storage, to be filled in place by a KDF or a generator.
    pub const fn zeroed() -> Self {
        Self([0; N])
    }

    /// Copies `bytes` into a new secret.
    ///
    /// Returns [`crate::Error::InvalidInput`] unless `bytes.len() == N`. The caller still owns and
    /// must wipe the source.
    pub fn try_from_slice(bytes: &[u8]) -> Result<Self, crate::Error> {
        let mut out = Self::zeroed();
        if bytes.len() != N {
            return Err(crate::Error::InvalidInput);
        }
        out.0.copy_from_slice(bytes);
        Ok(out)
    }

    /// Takes ownership of `bytes` and wipes the caller's array.
    pub fn take_from(bytes: &mut [u8; N]) -> Self {
        let out = Self(*bytes);
        bytes.zeroize();
        out
    }

    /// Fills a new secret from `rng`.
    ///
    /// Returns the generator's error if it fails; no partially filled secret escapes.
    pub fn random<R: crate::Rng + ?Sized>(rng: &mut R) -> Result<Self, crate::Error> {
        let mut out = Self::zeroed();
        rng.fill_bytes(&mut out.0)?;
        Ok(out)
    }

    /// Reads the secret bytes. Every call site is an exposure: keep the borrow short.
    pub fn expose_secret(&self) -> &[u8; N] {
        &self.0
    }

    /// Writes the secret bytes in place (e.g. as a KDF's output buffer).
    pub fn expose_secret_mut(&mut self) -> &mut [u8; N] {
        &mut self.0
    }

    /// Constant-time equality: the time taken does not depend on where the bytes differ.
    pub fn ct_eq(&self, other: &Self) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }

    /// The length in bytes (`N`).
    pub const fn len(&self) -> usize {
        N
    }

    /// Whether `N == 0`.
    pub const fn is_empty(&self) -> bool {
        N == 0
    }
}

impl<const N: usize> Drop for SecretBytes<N> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<const N: usize> ZeroizeOnDrop for SecretBytes<N> {}

impl<const N: usize> fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretBytes").finish_non_exhaustive()
    }
}

/// Constant-time comparison of two byte strings of possibly different lengths.
///
/// The length is treated as public; the contents are compared without an early exit: the
/// differences of all bytes are OR-ed together, and only that one byte goes through `subtle`'s
/// optimisation barrier (comparing byte by byte through `subtle` costs a barrier per byte, a
/// measurable share of opening a short message).
pub fn ct_eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    bool::from(diff.ct_eq(&0))
}

/// Implements `Debug` for types that hold secrets as their name only (`Name { .. }`), so that
/// no key material is ever printed.
#[macro_export]
macro_rules! redacted_debug {
    ($($name:ident),+ $(,)?) => {$(
        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::ct_eq_bytes;

    #[test]
    fn ct_eq_bytes_verdicts() {
        let a = [0x5a_u8; 16];
        assert!(ct_eq_bytes(&a, &a));
        assert!(ct_eq_bytes(&[], &[]));
        assert!(!ct_eq_bytes(&a, &a[..15]));
        for i in 0..16 {
            for bit in 0..8 {
                let mut b = a;
                b[i] ^= 1 << bit;
                assert!(!ct_eq_bytes(&a, &b), "byte {i} bit {bit}");
            }
        }
    }
}
