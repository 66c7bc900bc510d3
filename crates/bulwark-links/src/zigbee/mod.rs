//! Zigbee: install codes, the AES-MMO hash, NWK and APS frame security, frame counters, and
//! IEEE 802.15.4 MAC frame security.
//!
//! - [`mmo`]: the Matyas-Meyer-Oseas hash on AES-128 (Zigbee specification Annex B.6) and the
//!   keyed hash built on it (B.1.4), which derives the key-transport and key-load keys.
//! - [`install_code`]: install codes (6, 8, 12 or 16 octets plus a CRC-16) to link keys.
//! - [`security`]: NWK and APS frame security with CCM* and the Zigbee nonce, and frame
//!   counters that refuse replays.
//! - [`ieee802154`]: IEEE 802.15.4-2006 MAC data frames with an auxiliary security header.
//!
//! Multi-octet fields are sent least significant octet first, as on the air; EUI-64s and frame
//! counters are `u64` and `u32` numbers here.

pub mod ieee802154;
pub mod install_code;
pub mod mmo;
pub mod security;
