#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cbor;
mod chain;
pub mod encode;
pub mod policy;
mod record;

pub use bulwark_api::sig::AlgorithmId;
pub use cbor::Malformed;
pub use chain::{
    CheckError, Deny, MAX_CHAIN, MAX_REVOCATIONS, Request, Verified, check_chain, check_link,
};
pub use policy::{Installed, Policy, PolicyError, Rule};
pub use record::{
    ALL_METHODS, CTI_LEN, Cti, CtiList, Envelope, Grant, KID_LEN, Kid, MAX_RECORD, Method,
    PublicKey, Revocation, Scope, ScopeIter, TrustSuite, cose_alg, cose_alg_name, sig_structure,
};
