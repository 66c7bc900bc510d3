#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod aes;
pub mod curve25519;
pub mod p256;
