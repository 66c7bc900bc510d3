//! End-to-end tests of the `bulwark` binary: exact stdout bytes and exit codes, one module
//! per command family.

mod common;

mod ccm;
mod cmac_ctr;
mod derive;
mod help;
mod image;
mod interop;
mod kex;
mod keys;
mod psk;
mod trust;
mod verify;
