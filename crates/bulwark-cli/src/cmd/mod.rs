//! One module per subcommand family. To add a family: write `cmd/NAME.rs` with an `Args`
//! struct and a `run` method, then add one variant to [`Command`] and one arm to
//! [`Command::run`]. [`agreement`] is not a family: it holds what `x25519` and `ecdh-p256`
//! share.

use crate::args::AFTER_HELP;
use crate::error::CliResult;
use clap::Subcommand;

pub mod agreement;
pub mod ble;
pub mod ccm;
pub mod cmac;
pub mod coap;
pub mod ctr;
pub mod ecdh_p256;
pub mod getpub;
pub mod hkdf;
pub mod image;
pub mod keygen;
pub mod oscore;
pub mod psk;
pub mod trust;
pub mod vault;
pub mod verify;
pub mod x25519;
pub mod zigbee;

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// AES-CCM / CCM* authenticated encryption (RFC 3610, NIST SP 800-38C, IEEE 802.15.4)
    #[command(after_help = AFTER_HELP)]
    Ccm(ccm::CcmArgs),
    /// AES-CMAC (RFC 4493, NIST SP 800-38B): print the 16-byte tag
    ///
    /// Computes the AES-CMAC of the message and prints the 16-byte tag as hex.
    /// The key length picks AES-128/192/256.
    ///
    /// Example (RFC 4493, example 2):
    ///   bulwark cmac --key 2b7e151628aed2a6abf7158809cf4f3c --msg 6bc1bee22e409f96e93d7e117393172a
    ///   070a16b46b4d4144f79bdd9dd04a287c
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Cmac(cmac::CmacArgs),
    /// AES-CTR (NIST SP 800-38A) keystream XOR; no integrity
    ///
    /// XORs the message with the AES-CTR keystream E(iv), E(iv+1), ...: encrypting and
    /// decrypting are the same operation. The 16-byte --iv is the initial counter block, one
    /// big-endian 128-bit counter that wraps from ff..ff to 00..00. The key length picks
    /// AES-128/192/256.
    ///
    /// CTR provides NO integrity, and a counter block must never repeat under one key.
    ///
    /// Example (NIST SP 800-38A F.5.1, first block):
    ///   bulwark ctr --key 2b7e151628aed2a6abf7158809cf4f3c \
    ///       --iv f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff --msg 6bc1bee22e409f96e93d7e117393172a
    ///   874d6191b620e3261bef6864990db6ce
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Ctr(ctr::CtrArgs),
    /// X25519 (RFC 7748): public key ('x25519 pub') or raw shared secret
    ///
    /// Two forms:
    ///   bulwark x25519 pub --secret HEX              prints our 32-byte public key
    ///   bulwark x25519 --secret HEX --peer HEX       prints the 32-byte shared secret
    ///
    /// Both keys are 32 bytes. Every 32-byte private key is valid (it is clamped as RFC 7748
    /// says). A peer key whose agreement gives all zeros (a small-order, non-contributory
    /// point) is rejected with exit code 1.
    ///
    /// The shared secret is printed raw, for test vectors and interoperability: use it as a
    /// key only through a KDF (e.g. 'bulwark hkdf --ikm SHARED ...').
    ///
    /// Example (RFC 7748 section 6.1, Alice's private key and Bob's public key):
    ///   bulwark x25519 --secret 77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a \
    ///       --peer de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f
    ///   4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    X25519(x25519::X25519Args),
    /// ECDH on NIST P-256: SEC1 public key ('ecdh-p256 pub') or raw shared x-coordinate
    ///
    /// Two forms:
    ///   bulwark ecdh-p256 pub --secret HEX [--compressed]   prints our SEC1 public key
    ///   bulwark ecdh-p256 --secret HEX --peer HEX           prints the 32-byte shared x
    ///
    /// The private key is a 32-byte big-endian scalar in [1, n-1]; any other value is a usage
    /// error (exit 2). The peer key is SEC1, uncompressed (65 bytes, 04||x||y) or compressed
    /// (33 bytes, 02/03||x). A peer key that is not a valid point -- wrong length or prefix
    /// (including the identity, 00), a coordinate not below p, off the curve -- is rejected
    /// with exit code 1; bad hex is exit code 2.
    ///
    /// The shared secret is printed raw, for test vectors and interoperability: use it as a
    /// key only through a KDF (e.g. 'bulwark hkdf --ikm SHARED ...').
    ///
    /// Example (NIST CAVP ECC CDH, P-256, first record: d with the CAVS key qx,qy -> z):
    ///   bulwark ecdh-p256 --secret 7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534 \
    ///       --peer 04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac
    ///   46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b
    #[command(name = "ecdh-p256", verbatim_doc_comment, after_help = AFTER_HELP)]
    EcdhP256(ecdh_p256::EcdhP256Args),
    /// HKDF-SHA256 (RFC 5869) extract-and-expand: print N bytes of output keying material
    ///
    /// Computes OKM = HKDF-Expand(HKDF-Extract(salt, ikm), info, N) and prints it as hex.
    /// N is 0 to 8160 (255 * 32); N = 0 prints an empty line. A missing or empty --salt is
    /// 32 zero bytes (RFC 5869); a missing --info is empty.
    ///
    /// Example (RFC 5869 test case 1):
    ///   bulwark hkdf --ikm 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b \
    ///       --salt 000102030405060708090a0b0c --info f0f1f2f3f4f5f6f7f8f9 --len 42
    ///   3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Hkdf(hkdf::HkdfArgs),
    /// Pre-shared keys from pairing codes: 'psk new' makes a code, 'psk derive' its keys
    ///
    /// 'psk new' prints a fresh 128-bit pairing code from the OS generator; 'psk derive'
    /// turns a code (or a raw secret) plus a device id and epoch into the device's identity,
    /// link key and storage key (bulwark-psk v1). Run 'bulwark psk new --help' or
    /// 'bulwark psk derive --help' for details.
    #[command(after_help = AFTER_HELP)]
    Psk(psk::PskArgs),
    /// OSCORE (RFC 8613): 'oscore context' derives a security context's keys and Common IV
    ///
    /// AES-CCM-16-64-128 with HKDF-SHA256. Run 'bulwark oscore context --help' for details.
    #[command(after_help = AFTER_HELP)]
    Oscore(oscore::OscoreArgs),
    /// A new Ed25519 or ECDSA P-256 private key, as a PKCS#8 PEM file
    ///
    /// Draws the key from the operating system's generator and writes it to --out as PKCS#8
    /// PEM ('BEGIN PRIVATE KEY'), as OpenSSL and imgtool write it (both read it). The file is
    /// created with mode 0600; an existing file is never overwritten (exit 2). Prints
    /// nothing ('--out -' prints the key instead).
    ///
    /// Example:
    ///   bulwark keygen --type ed25519 --out release-key.pem
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Keygen(keygen::KeygenArgs),
    /// Print the public key of a key file (PEM, DER, raw, or the MCUboot key hash)
    ///
    /// KEY.pem is a private key (PKCS#8 'PRIVATE KEY'; for P-256 also SEC1 'EC PRIVATE KEY')
    /// or a public key ('PUBLIC KEY', SubjectPublicKeyInfo). --format:
    ///   pem    SubjectPublicKeyInfo PEM (default)
    ///   der    SubjectPublicKeyInfo DER as hex
    ///   raw    the raw key as hex: Ed25519 32 bytes, P-256 65-byte uncompressed SEC1
    ///   hash   SHA-256 of the SubjectPublicKeyInfo DER as hex: MCUboot's KEYHASH
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Getpub(getpub::GetpubArgs),
    /// MCUboot images: 'image sign' builds and signs one (imgtool-compatible), 'image verify'
    /// checks one
    ///
    /// Run 'bulwark image sign --help' or 'bulwark image verify --help' for details.
    #[command(after_help = AFTER_HELP)]
    Image(image::ImageArgs),
    /// Verify an Ed25519 or ECDSA P-256 signature: prints 'ok', or exits 1
    ///
    /// Run 'bulwark verify ed25519 --help' or 'bulwark verify ecdsa-p256 --help' for details.
    #[command(after_help = AFTER_HELP)]
    Verify(verify::VerifyArgs),
    /// One CoAP request over UDP, plain or OSCORE-protected: prints the response payload
    ///
    /// Sends one confirmable request (retransmitted as RFC 7252 says, until --timeout) to
    /// coap://HOST[:PORT]/PATH[?QUERY]. With the OSCORE arguments (all of --oscore-secret,
    /// --oscore-salt, --sender-id, --recipient-id and --seq-file; --id-context optional) the
    /// request is protected with OSCORE (RFC 8613, AES-CCM-16-64-128) and the response must
    /// verify. --seq-file holds the next sender sequence number as decimal text (a missing
    /// file is 0); it is advanced and written (atomically) before the request is sent, so a
    /// crash can skip numbers but never reuse one. A 4.01 Unauthorized with an Echo option is
    /// answered by repeating the request once with that Echo value (RFC 9175).
    ///
    /// Example (OSCORE GET):
    ///   bulwark coap get coap://[2001:db8::1]/temp --oscore-secret 0102030405060708090a0b0c0d0e0f10 \
    ///       --oscore-salt 9e7ca92223786340 --sender-id '' --recipient-id 01 --seq-file temp.seq
    #[command(verbatim_doc_comment, after_help = coap::COAP_AFTER_HELP)]
    Coap(coap::CoapArgs),
    /// BLE LE Secure Connections: the toolbox functions (f4, f5, f6, g2, h6, h7, ah) and
    /// resolvable private addresses
    ///
    /// Run 'bulwark ble <function> --help' for each function's sizes and an example.
    #[command(after_help = AFTER_HELP)]
    Ble(ble::BleArgs),
    /// Zigbee: 'zigbee link-key' derives the link key of an install code
    #[command(after_help = AFTER_HELP)]
    Zigbee(zigbee::ZigbeeArgs),
    /// Sealed key-value stores in image files: 'vault init|put|get|delete|list'
    ///
    /// A vault image holds a flash region (its geometry in a header) with AES-CCM-sealed
    /// records, as bulwark-vault keeps them on a device. Run 'bulwark vault init --help' etc.
    #[command(after_help = AFTER_HELP)]
    Vault(vault::VaultArgs),
    /// Trust chains: 'trust grant', 'trust revoke', 'trust check', 'trust show'
    ///
    /// Grants (CWT claims in COSE_Sign1, Ed25519 or ES256) vouch for a subject's key with a
    /// scope, a delegation depth and an access level; revocations withdraw them, and everything
    /// issued under them. Run 'bulwark trust check --help' etc. for details.
    #[command(after_help = AFTER_HELP)]
    Trust(trust::TrustArgs),
}

impl Command {
    /// Runs the subcommand.
    pub fn run(self) -> CliResult {
        match self {
            Command::Ccm(args) => args.run(),
            Command::Cmac(args) => args.run(),
            Command::Ctr(args) => args.run(),
            Command::X25519(args) => args.run(),
            Command::EcdhP256(args) => args.run(),
            Command::Hkdf(args) => args.run(),
            Command::Psk(args) => args.run(),
            Command::Oscore(args) => args.run(),
            Command::Keygen(args) => args.run(),
            Command::Getpub(args) => args.run(),
            Command::Image(args) => args.run(),
            Command::Verify(args) => args.run(),
            Command::Coap(args) => args.run(),
            Command::Ble(args) => args.run(),
            Command::Zigbee(args) => args.run(),
            Command::Vault(args) => args.run(),
            Command::Trust(args) => args.run(),
        }
    }
}
