//! The record of an image that passed every check.

use bulwark_api::sig::AlgorithmId;

use crate::{
    ImageDigest,
    fih::Verdict,
    format::{Dependency, ImageVersion, Layout, MAX_DEPENDENCIES},
};

/// An image that passed every check. Only [`crate::Verifier::verify_flash`] and
/// [`crate::Verifier::verify_slice`] can make one (the fields are private and the only
/// constructor is the verifier's own), so code that takes a `&VerifiedImage` cannot act on an unverified image.
#[derive(Debug)]
pub struct VerifiedImage {
    version: ImageVersion,
    flags: u32,
    load_addr: u32,
    hdr_size: u16,
    img_size: u32,
    pub(crate) security_counter: Option<u32>,
    digest: ImageDigest,
    key_id: [u8; 32],
    algorithm: AlgorithmId,
    pure: bool,
    dependencies: [Dependency; MAX_DEPENDENCIES],
    dependency_count: u8,
    pub(crate) seal: Verdict,
}

impl VerifiedImage {
    /// The image version from the header.
    pub fn version(&self) -> ImageVersion {
        self.version
    }

    /// The security counter from the protected TLV area, if the image has one.
    pub fn security_counter(&self) -> Option<u32> {
        self.security_counter
    }

    /// The image digest (what the hash TLV held and the verifier recomputed).
    pub fn digest(&self) -> &ImageDigest {
        &self.digest
    }

    /// SHA-256 of the signing key's SubjectPublicKeyInfo DER: which trusted key signed it
    /// (MCUboot's key hash with SHA-256, whatever the image's own hash algorithm).
    pub fn key_id(&self) -> &[u8; 32] {
        &self.key_id
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> AlgorithmId {
        self.algorithm
    }

    /// Whether the signature is a pure Ed25519 one (over the whole hashed region).
    pub fn is_pure(&self) -> bool {
        self.pure
    }

    /// The header flags (only [`crate::format::flags::ACCEPTED`] bits can be set).
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The header's load address (meaningful with `RAM_LOAD` or `ROM_FIXED`). Checking it is
    /// the caller's job: a `ROM_FIXED` image runs only from the slot it was linked for (MCUboot
    /// compares this address with the slot's before booting it), and a `RAM_LOAD` image's
    /// destination must lie in RAM the caller allows.
    pub fn load_addr(&self) -> u32 {
        self.load_addr
    }

    /// The header size: the executable starts this many bytes into the slot.
    pub fn header_size(&self) -> u16 {
        self.hdr_size
    }

    /// The body size in bytes.
    pub fn image_size(&self) -> u32 {
        self.img_size
    }

    /// The dependencies from the protected TLV area, in image order. Checking them against
    /// the other images' versions is the caller's job.
    pub fn dependencies(&self) -> &[Dependency] {
        self.dependencies
            .get(..usize::from(self.dependency_count))
            .unwrap_or(&[])
    }

    /// The verified image's record, from the layout its checks passed on: only the verifier
    /// makes one, after every check and the redundant ones (`seal` is their verdict).
    pub(super) fn new(
        layout: &Layout,
        digest: ImageDigest,
        key_id: [u8; 32],
        seal: Verdict,
    ) -> Self {
        Self {
            version: layout.header.version,
            flags: layout.header.flags,
            load_addr: layout.header.load_addr,
            hdr_size: layout.header.hdr_size,
            img_size: layout.header.img_size,
            security_counter: layout.security_counter,
            digest,
            key_id,
            algorithm: layout.algorithm,
            pure: layout.pure,
            dependencies: layout.dependencies,
            dependency_count: layout.dependency_count,
            seal,
        }
    }
}
