#![no_std]
//! tmp
