#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod context;
pub mod error;
pub mod message;
pub mod option;
pub mod replay;
pub mod sequence;

mod aad;

pub use context::{Context, Freshness, RequestId};
pub use error::OscoreError;
pub use replay::ReplayWindow;
pub use sequence::{SenderSequence, SequenceStore, VolatileStore};

/// AES-CCM-16-64-128 tag length: 8 bytes.
pub const TAG_LEN: usize = 8;
/// Longest ID Context a [`Context`] holds (the OSCORE option allows 255; contexts seen in
/// practice use 8).
pub const MAX_ID_CONTEXT_LEN: usize = 32;
/// Length of the Echo values a server draws (RFC 9175 asks for enough entropy to be
/// unpredictable; 8 bytes is what aiocoap uses).
pub const ECHO_LEN: usize = 8;
