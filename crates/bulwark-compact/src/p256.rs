//! The P-256 base and scalar fields, ECDH and ECDSA.
