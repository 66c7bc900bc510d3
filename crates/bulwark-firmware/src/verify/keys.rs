//! The trusted keys: building a verifier over them and finding the one an image names.

use core::marker::PhantomData;

use bulwark_api::{
    hash::{Sha256, Sha512},
    sig::{AlgorithmId, EcdsaP256, Ed25519, Verify, VerifyPrehash},
};

use super::{MAX_TRUSTED_KEYS, Verifier};
use crate::{
    HashAlg, ImageDigest, ImageError,
    algorithm::{AnyAlgorithm, AnyKey, TrustedKey, VerifyAlgorithms, spki_hash, trusted},
    fih,
    format::{KeyTlv, Layout},
    hash::{HashSupport, Sha256Only, Sha256OrSha512},
    storage::{Source, hash_range},
};

/// A verifier over the keys `import` yields, with the default policy.
fn new_verifier<'a, P: ?Sized, S: VerifyAlgorithms<P>>(
    keys: impl Iterator<Item = Result<TrustedKey<S::Key>, ImageError>>,
) -> Result<Verifier<'a, P, S, Sha256Only>, ImageError> {
    let mut slots: [Option<TrustedKey<S::Key>>; MAX_TRUSTED_KEYS] =
        [const { None }; MAX_TRUSTED_KEYS];
    for (i, key) in keys.enumerate() {
        let slot = slots.get_mut(i).ok_or(ImageError::TooManyTrustedKeys)?;
        *slot = Some(key?);
    }
    Ok(Verifier {
        keys: slots,
        revoked: &[],
        min_version: None,
        require_security_counter: true,
        _marker: PhantomData,
    })
}

impl<'a, P: Verify<Ed25519> + Sha256 + ?Sized> Verifier<'a, P, Ed25519> {
    /// A verifier for Ed25519 images signed by one of `trusted` (raw 32-byte public keys, at
    /// most [`MAX_TRUSTED_KEYS`]), imported by `backend` ([`ImageError::InvalidTrustedKey`]
    /// if one is refused). The backend needs `Sha256 + Verify<Ed25519>`
    /// ([`crate::Ed25519Suite`]).
    pub fn ed25519(backend: &mut P, trusted_keys: &[[u8; 32]]) -> Result<Self, ImageError> {
        new_verifier(trusted_keys.iter().map(|raw| {
            trusted::<P, Sha256Only, _>(backend, AlgorithmId::Ed25519, raw, |p, raw| {
                <P as Verify<Ed25519>>::import_public(p, raw)
            })
        }))
    }
}

impl<'a, P: VerifyPrehash<EcdsaP256> + Sha256 + ?Sized> Verifier<'a, P, EcdsaP256> {
    /// A verifier for ECDSA P-256 images signed by one of `trusted` (65-byte uncompressed SEC1
    /// public keys, at most [`MAX_TRUSTED_KEYS`]). The backend needs
    /// `Sha256 + VerifyPrehash<EcdsaP256>` ([`crate::EcdsaP256Suite`]).
    pub fn ecdsa_p256(backend: &mut P, trusted_keys: &[[u8; 65]]) -> Result<Self, ImageError> {
        new_verifier(trusted_keys.iter().map(|raw| {
            trusted::<P, Sha256Only, _>(backend, AlgorithmId::EcdsaP256, raw, |p, raw| {
                <P as Verify<EcdsaP256>>::import_public(p, raw)
            })
        }))
    }
}

impl<'a, P: Verify<Ed25519> + VerifyPrehash<EcdsaP256> + Sha256 + ?Sized>
    Verifier<'a, P, AnyAlgorithm>
{
    /// A verifier for images of either algorithm (at most [`MAX_TRUSTED_KEYS`] keys in all).
    /// The backend needs both ([`crate::FirmwareSuite`]).
    pub fn any(
        backend: &mut P,
        ed25519: &[[u8; 32]],
        ecdsa_p256: &[[u8; 65]],
    ) -> Result<Self, ImageError> {
        let ed = ed25519.iter().map(|raw| (AlgorithmId::Ed25519, &raw[..]));
        let ec = ecdsa_p256
            .iter()
            .map(|raw| (AlgorithmId::EcdsaP256, &raw[..]));
        new_verifier(ed.chain(ec).map(|(algorithm, raw)| {
            trusted::<P, Sha256Only, _>(backend, algorithm, raw, |p, raw| match algorithm {
                AlgorithmId::Ed25519 => {
                    <P as Verify<Ed25519>>::import_public(p, raw).map(AnyKey::Ed25519)
                }
                AlgorithmId::EcdsaP256 => {
                    <P as Verify<EcdsaP256>>::import_public(p, raw).map(AnyKey::EcdsaP256)
                }
            })
        }))
    }
}

impl<'a, P: ?Sized, S: VerifyAlgorithms<P>> Verifier<'a, P, S, Sha256Only> {
    /// The same verifier, also accepting SHA-512 images (`imgtool sign --sha 512`, and pure
    /// Ed25519 images): hashes each trusted key's SubjectPublicKeyInfo with SHA-512 too, so
    /// the backend also needs the [`crate::Sha512`] trait.
    pub fn with_sha512(
        self,
        backend: &mut P,
    ) -> Result<Verifier<'a, P, S, Sha256OrSha512>, ImageError>
    where
        P: Sha256 + Sha512,
    {
        let mut keys = self.keys;
        for key in keys.iter_mut().flatten() {
            let mut raw = [0u8; 65];
            let (algorithm, len) = S::export(backend, &key.key, &mut raw);
            let raw = raw.get(..len).ok_or(ImageError::InvalidTrustedKey)?;
            key.id512 =
                match spki_hash::<P, Sha256OrSha512>(backend, HashAlg::Sha512, algorithm, raw)? {
                    ImageDigest::Sha512(d) => Some(d),
                    ImageDigest::Sha256(_) => return Err(ImageError::FaultDetected),
                };
        }
        Ok(Verifier {
            keys,
            revoked: self.revoked,
            min_version: self.min_version,
            require_security_counter: self.require_security_counter,
            _marker: PhantomData,
        })
    }
}

impl<P: ?Sized, S: VerifyAlgorithms<P>, H> Verifier<'_, P, S, H> {
    /// The trusted key the image names (KEYHASH: compared with each key's hash computed when
    /// the verifier was built; PUBKEY: its SHA-256 computed once and compared with each key's
    /// id). Every candidate is compared (no early exit).
    pub(super) fn find_key<Src: Source>(
        &self,
        p: &mut P,
        src: &mut Src,
        layout: &Layout,
    ) -> Result<&TrustedKey<S::Key>, ImageError>
    where
        H: HashSupport<P>,
    {
        let pubkey_id;
        let wanted: &[u8] = match layout.key {
            KeyTlv::Hash { ref bytes, len } => bytes.get(..len).ok_or(ImageError::BadTlvLength)?,
            KeyTlv::Full { offset, len } => {
                pubkey_id = hash_range::<P, H, Src>(p, src, HashAlg::Sha256, offset, len)?;
                pubkey_id.as_bytes()
            }
        };
        let by_id = matches!(layout.key, KeyTlv::Full { .. }) || layout.hash_alg == HashAlg::Sha256;
        let mut found = None;
        for key in self.keys.iter().flatten() {
            if key.algorithm != layout.algorithm {
                continue;
            }
            let hash: &[u8] = if by_id {
                &key.id
            } else {
                key.id512.as_ref().map_or(&[][..], |h| &h[..])
            };
            if fih::ct_equal(hash, wanted).is_pass() && found.is_none() {
                found = Some(key);
            }
        }
        found.ok_or(ImageError::UnknownKey)
    }
}
