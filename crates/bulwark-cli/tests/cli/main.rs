//! End-to-end tests of the `bulwark` binary: exact stdout bytes and exit codes, one module
//! per command family.

mod common;

mod ccm;
mod cmac_ctr;
mod coap;
mod derive;
mod files;
mod help;
mod image;
mod interop;
mod kex;
mod keys;
mod links;
mod psk;
mod secrets;
mod trust;
mod trust_deny;
mod trust_errors;
mod trust_interop;
mod vault;
mod verify;
