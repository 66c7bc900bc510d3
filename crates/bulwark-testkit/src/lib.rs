#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

pub mod hex;
pub mod peripheral;
pub mod rng;
pub mod small_order;
pub mod vectors;

pub use rng::{CyclingTestRng, DeterministicTestRng, FailingTestRng, StuckTestRng};
