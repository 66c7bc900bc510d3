//! Checking a trust chain (`bulwark-trust`): a 3-grant chain under a root key, with 2
//! revocations the device holds (of other grants: the chain is allowed, so every grant's
//! signature is verified and every revocation parsed and searched).

use bulwark_api::sig::AlgorithmId;
use bulwark_trust::{Method, PublicKey, Request, TrustSuite, check_chain};

use crate::Bench;

/// The records of one measured check, made at build time on the host.
pub struct TrustInputs {
    /// The root key's algorithm.
    pub alg: AlgorithmId,
    /// The root key (32 or 65 bytes).
    pub root: &'static [u8],
    /// The grants, root side first.
    pub chain: [&'static [u8]; 3],
    /// The revocations.
    pub revocations: [&'static [u8]; 2],
}

/// `check_chain` of `inputs` for `PUT /door/lock` on the backend `P`, expecting the chain to
/// be allowed with the last grant's level, 100.
pub fn trust_chain<R: Bench, P: TrustSuite + Default>(r: &mut R, name: &str, inputs: &TrustInputs) {
    // The root key is provisioned, outside the measurement.
    let Ok(root) = PublicKey::from_raw(inputs.alg, inputs.root) else {
        return r.fail(name);
    };
    let request = Request {
        toid: "/door/lock",
        method: Method::Put,
    };
    r.run(
        name,
        (root, &inputs.chain, &inputs.revocations),
        |(root, chain, revocations)| {
            check_chain(&mut P::default(), &root, chain, revocations, &request, None)
                .map(|v| v.level())
                .ok()
        },
        |level| level == Some(100),
    );
}
