//! Trait glue for backends: [`impl_key_agreement!`](crate::impl_key_agreement),
//! [`impl_verify!`](crate::impl_verify) and [`impl_sign!`](crate::impl_sign) write a
//! backend's [`KeyAgreement`](crate::kex::KeyAgreement), [`Verify`](crate::sig::Verify) /
//! [`VerifyPrehash`](crate::sig::VerifyPrehash) and [`Sign`](crate::sig::Sign) impls from
//! one expression per operation, so the trait signatures (and the ephemeral/static pairs of
//! [`KeyAgreement`](crate::kex::KeyAgreement), which differ only in the secret's wrapper) are
//! stated once, here, instead of once per backend.
//!
//! Each operation is written `name(args) => expression;`: the arguments are names the
//! expression uses (bound to the trait method's parameters), the expression is the method's
//! body (a block where it needs statements). The expressions cannot use `self`: the backends
//! these macros serve are stateless unit types.

/// Implements [`KeyAgreement<Alg>`](crate::kex::KeyAgreement) for a backend whose ephemeral
/// and static secrets are both newtypes (`Wrapper(inner)`) around one inner secret type.
///
/// - `generate(rng)`: a new inner secret from `rng` (`Result<inner, Error>`); wrapped as an
///   ephemeral or a static secret by `generate_ephemeral` and `generate_static`.
/// - `import(secret)`: the inner secret from `SecretBytes<32>` (`Result<inner, Error>`).
/// - `public(secret)`: the public key of `&inner` (`Result<PublicKey, Error>`), for both
///   `ephemeral_public` and `static_public`.
/// - `agree(secret, peer)`: the agreement of `&inner` with `&PublicKey`
///   (`Result<SharedSecret, Error>`), for both `agree` (the ephemeral secret is consumed, and
///   dropped after) and `agree_static`.
/// - `import_public(bytes)` and `export_public(key)`: the trait's methods of those names.
///
/// ```ignore
/// bulwark_api::impl_key_agreement! {
///     X25519 for MyBackend: MyPublicKey, MyEphemeral, MyStatic;
///     generate(rng) => SecretBytes::random(rng);
///     import(secret) => Ok(secret);
///     public(secret) => Ok(public_of(secret));
///     agree(secret, peer) => dh(secret, peer);
///     import_public(bytes) => parse(bytes);
///     export_public(key) => key.0;
/// }
/// ```
#[macro_export]
macro_rules! impl_key_agreement {
    (
        $alg:ident for $backend:ty: $pk:ty, $eph:ident, $st:ident;
        generate($rng:ident) => $generate:expr;
        import($secret_bytes:ident) => $import:expr;
        public($public_secret:ident) => $public:expr;
        agree($agree_secret:ident, $peer:ident) => $agree:expr;
        import_public($bytes:ident) => $import_public:expr;
        export_public($key:ident) => $export_public:expr;
    ) => {
        impl $crate::kex::KeyAgreement<$alg> for $backend {
            type PublicKey = $pk;
            type EphemeralSecret = $eph;
            type StaticSecret = $st;

            fn generate_ephemeral<R: $crate::Rng + ?Sized>(
                &mut self,
                $rng: &mut R,
            ) -> Result<Self::EphemeralSecret, $crate::Error> {
                $generate.map($eph)
            }

            fn ephemeral_public(
                &mut self,
                secret: &Self::EphemeralSecret,
            ) -> Result<Self::PublicKey, $crate::Error> {
                let $public_secret = &secret.0;
                $public
            }

            fn agree(
                &mut self,
                secret: Self::EphemeralSecret,
                $peer: &Self::PublicKey,
            ) -> Result<$crate::kex::SharedSecret, $crate::Error> {
                let $agree_secret = &secret.0;
                $agree
            }

            fn generate_static<R: $crate::Rng + ?Sized>(
                &mut self,
                $rng: &mut R,
            ) -> Result<Self::StaticSecret, $crate::Error> {
                $generate.map($st)
            }

            fn import_static(
                &mut self,
                $secret_bytes: $crate::SecretBytes<32>,
            ) -> Result<Self::StaticSecret, $crate::Error> {
                $import.map($st)
            }

            fn static_public(
                &mut self,
                secret: &Self::StaticSecret,
            ) -> Result<Self::PublicKey, $crate::Error> {
                let $public_secret = &secret.0;
                $public
            }

            fn agree_static(
                &mut self,
                secret: &Self::StaticSecret,
                $peer: &Self::PublicKey,
            ) -> Result<$crate::kex::SharedSecret, $crate::Error> {
                let $agree_secret = &secret.0;
                $agree
            }

            fn import_public(&mut self, $bytes: &[u8]) -> Result<Self::PublicKey, $crate::Error> {
                $import_public
            }

            fn export_public(
                &mut self,
                $key: &Self::PublicKey,
            ) -> <$alg as $crate::kex::Algorithm>::PublicBytes {
                $export_public
            }
        }
    };
}

/// Implements [`Verify<Alg>`](crate::sig::Verify) for a backend, and
/// [`VerifyPrehash<Alg>`](crate::sig::VerifyPrehash) too if a `verify_prehash` line is given.
/// Each line is the body of the trait method of that name.
///
/// ```ignore
/// bulwark_api::impl_verify! {
///     EcdsaP256 for MyBackend: MyPublicKey;
///     import_public(bytes) => MyPublicKey::from_sec1(bytes);
///     export_public(key) => key.to_sec1_uncompressed();
///     verify(key, message, signature) => verify_digest(key, &sha256(message), signature);
///     verify_prehash(key, digest, signature) => verify_digest(key, digest, signature);
/// }
/// ```
#[macro_export]
macro_rules! impl_verify {
    (
        $alg:ident for $backend:ty: $pk:ty;
        import_public($bytes:ident) => $import_public:expr;
        export_public($key:ident) => $export_public:expr;
        verify($vkey:ident, $message:ident, $signature:ident) => $verify:expr;
        $(verify_prehash($pkey:ident, $digest:ident, $psignature:ident) => $prehash:expr;)?
    ) => {
        impl $crate::sig::Verify<$alg> for $backend {
            type PublicKey = $pk;

            fn import_public(&mut self, $bytes: &[u8]) -> Result<Self::PublicKey, $crate::Error> {
                $import_public
            }

            fn export_public(
                &mut self,
                $key: &Self::PublicKey,
            ) -> <$alg as $crate::sig::Algorithm>::PublicBytes {
                $export_public
            }

            fn verify(
                &mut self,
                $vkey: &Self::PublicKey,
                $message: &[u8],
                $signature: &<$alg as $crate::sig::Algorithm>::Signature,
            ) -> Result<(), $crate::Error> {
                $verify
            }
        }

        $(
            impl $crate::sig::VerifyPrehash<$alg> for $backend {
                fn verify_prehash(
                    &mut self,
                    $pkey: &Self::PublicKey,
                    $digest: &[u8],
                    $psignature: &<$alg as $crate::sig::Algorithm>::Signature,
                ) -> Result<(), $crate::Error> {
                    $prehash
                }
            }
        )?
    };
}

/// Implements [`Sign<Alg>`](crate::sig::Sign) for a backend (which implements
/// [`Verify<Alg>`](crate::sig::Verify) already). Each line is the body of the trait method of
/// that name (`generate` for `generate_signing_key`, `import` for `import_signing_key`,
/// `public` for `signing_public`).
///
/// ```ignore
/// bulwark_api::impl_sign! {
///     Ed25519 for MyBackend: MySigningKey;
///     generate(rng) => SecretBytes::random(rng).and_then(import_seed);
///     import(secret) => import_seed(secret);
///     public(key) => Ok(key.public());
///     sign(key, message) => Ok(key.sign(message));
/// }
/// ```
#[macro_export]
macro_rules! impl_sign {
    (
        $alg:ident for $backend:ty: $sk:ty;
        generate($rng:ident) => $generate:expr;
        import($secret:ident) => $import:expr;
        public($pkey:ident) => $public:expr;
        sign($skey:ident, $message:ident) => $sign:expr;
    ) => {
        impl $crate::sig::Sign<$alg> for $backend {
            type SigningKey = $sk;

            fn generate_signing_key<R: $crate::Rng + ?Sized>(
                &mut self,
                $rng: &mut R,
            ) -> Result<Self::SigningKey, $crate::Error> {
                $generate
            }

            fn import_signing_key(
                &mut self,
                $secret: $crate::SecretBytes<32>,
            ) -> Result<Self::SigningKey, $crate::Error> {
                $import
            }

            fn signing_public(
                &mut self,
                $pkey: &Self::SigningKey,
            ) -> Result<Self::PublicKey, $crate::Error> {
                $public
            }

            fn sign(
                &mut self,
                $skey: &Self::SigningKey,
                $message: &[u8],
            ) -> Result<<$alg as $crate::sig::Algorithm>::Signature, $crate::Error> {
                $sign
            }
        }
    };
}

/// Implements [`Ccm`](crate::ccm::Ccm) for a type, `impl[generics] for Type;`, from one
/// expression per method: `seal` for `seal_detached`, `open` for `open_detached`, `crypt`
/// for `crypt_unauthenticated`. The first argument of each line names the receiver (write
/// `self`); the others name the method's parameters in order (`nonce, aad, buffer, tag`;
/// `nonce, buffer`).
///
/// ```ignore
/// bulwark_api::impl_ccm! {
///     impl[] for MyCcm;
///     seal(self, nonce, aad, buffer, tag) => self.with(|c| c.seal_detached(nonce, aad, buffer, tag));
///     open(self, nonce, aad, buffer, tag) => self.with(|c| c.open_detached(nonce, aad, buffer, tag));
///     crypt(self, nonce, buffer) => self.with(|c| c.crypt_unauthenticated(nonce, buffer));
/// }
/// ```
#[macro_export]
macro_rules! impl_ccm {
    (
        impl[$($generics:tt)*] for $t:ty;
        seal($s:ident, $sn:ident, $sa:ident, $sb:ident, $st:ident) => $seal:expr;
        open($o:ident, $on:ident, $oa:ident, $ob:ident, $ot:ident) => $open:expr;
        crypt($c:ident, $cn:ident, $cb:ident) => $crypt:expr;
    ) => {
        impl<$($generics)*> $crate::ccm::Ccm for $t {
            fn seal_detached(
                &mut $s,
                $sn: &[u8],
                $sa: &[&[u8]],
                $sb: &mut [u8],
                $st: &mut [u8],
            ) -> Result<(), $crate::Error> {
                $seal
            }

            fn open_detached(
                &mut $o,
                $on: &[u8],
                $oa: &[&[u8]],
                $ob: &mut [u8],
                $ot: &[u8],
            ) -> Result<(), $crate::Error> {
                $open
            }

            fn crypt_unauthenticated(
                &mut $c,
                $cn: &[u8],
                $cb: &mut [u8],
            ) -> Result<(), $crate::Error> {
                $crypt
            }
        }
    };
}
