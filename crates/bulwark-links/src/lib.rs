#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod ble;
mod engines;
pub mod zigbee;

pub use engines::{BlockEngines, CcmEngines, CmacEngines, ModeEngines};
