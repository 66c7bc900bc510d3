#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod code;
pub mod hierarchy;
pub mod oscore;

pub use code::{CodeError, OobCode, parse_code, parse_code_into};
pub use hierarchy::{DeviceIdentity, DeviceRoot, PskError, check_secret};
