//! The constant-time check on the target binary (`cargo xtask ct-target`).
//!
//! Every operation on secrets runs [`RUNS`] times, each time on a different secret from a fixed
//! PRNG, copied before the run into one static buffer ([`SLOT`]), so the secret's own address
//! is the same in every run; each run sits between [`bench_start`](crate::bench_start) and
//! [`bench_end`](crate::bench_end), and is called from the same frame, so its stack addresses
//! are the same too. The QEMU plugin `qemu-plugin/ct_trace.c` hashes each run's executed
//! instruction addresses and its data addresses; xtask requires equal hashes across the runs of
//! each operation, and unequal ones for the two deliberately leaking self-test operations
//! (`selftest-secret-branch`, `selftest-secret-index`), so the check cannot pass silently.
//!
//! Each run's result is checked too (success, and for most operations a result that differs
//! from the first run's: the secret really is used). The firmware prints one line per
//! operation, `ct NAME RUNS ok|FAIL`, after its runs; the k-th region the plugin records
//! belongs to the k-th run in that order.

use core::hint::black_box;
use core::sync::atomic::{AtomicU8, Ordering};

use bulwark_api::{
    Error, Rng, SecretBytes,
    ccm::Ccm,
    hazmat::{BlockEncrypt, expose_shared_secret},
    kdf::HkdfSha256,
    kex::{KeyAgreement, P256, X25519},
    sig::{EcdsaP256, Ed25519, Sign},
};
use bulwark_compact::{Compact, CompactCcm, aes::CompactAes};
use bulwark_soft::{CcmMode, Soft, SoftAes, SoftCcm};

use crate::{bench_end, bench_start};

/// Runs per operation (different secrets).
pub const RUNS: usize = 8;
/// The secret buffer's size: the largest secret input (a key, a message and a tag).
const SLOT_LEN: usize = 96;

/// The one static buffer every secret is copied into before its run.
static SLOT: [AtomicU8; SLOT_LEN] = [const { AtomicU8::new(0) }; SLOT_LEN];

/// The first `N` bytes of [`SLOT`] from `offset` (inside a run: a fixed address range).
#[inline(always)]
fn slot<const N: usize>(offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = SLOT[offset + i].load(Ordering::Relaxed);
    }
    out
}

/// Writes `bytes` into [`SLOT`] at `offset` (between runs).
fn set_slot(offset: usize, bytes: &[u8]) {
    for (i, b) in bytes.iter().enumerate() {
        SLOT[offset + i].store(*b, Ordering::Relaxed);
    }
}

/// A fixed PRNG (xorshift32) for the secrets: the same secrets in every run of the check.
struct Prng(u32);

impl Prng {
    fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            *b = (self.0 >> 24) as u8;
        }
    }
}

/// An [`Rng`] that hands out the secret in [`SLOT`] (the ephemeral key generation's input).
struct SlotRng;

impl Rng for SlotRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for (i, b) in dest.iter_mut().enumerate() {
            *b = SLOT[i % SLOT_LEN].load(Ordering::Relaxed);
        }
        Ok(())
    }
}

/// An operation's result, folded to 32 bytes for the comparison between runs.
type Digest = [u8; 32];

fn fold(bytes: &[u8]) -> Digest {
    let mut d = [0u8; 32];
    for (i, b) in bytes.iter().enumerate() {
        d[i % 32] ^= b.rotate_left((i / 32) as u32);
    }
    d
}

/// What the runs of one operation must give.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Success, and a result different from the first run's in every later run.
    Distinct,
    /// Success (the result may repeat: a refused tag gives the same verdict every time).
    Ok,
}

/// Runs `op` once per secret: `setup(i, prng)` writes run `i`'s secret into [`SLOT`] (outside
/// the markers), then `op()` reads it between the markers. Prints `ct NAME RUNS ok|FAIL`.
/// Returns whether every check passed.
#[inline(never)]
fn measure(
    name: &str,
    seed: u32,
    expect: Expect,
    setup: &mut dyn FnMut(&mut Prng),
    op: &mut dyn FnMut() -> Option<Digest>,
) -> bool {
    let mut prng = Prng(seed);
    let mut first = None;
    let mut ok = true;
    for i in 0..RUNS {
        setup(&mut prng);
        let id = i as u32;
        bench_start(id);
        let result = black_box(op());
        bench_end(id);
        ok &= crate::marked(id);
        match (result, first) {
            (None, _) => ok = false,
            (Some(d), None) => first = Some(d),
            (Some(d), Some(f)) => ok &= expect == Expect::Ok || d != f,
        }
    }
    crate::platform::print_ct(name, RUNS, ok);
    ok
}

/// Fills `len` bytes of [`SLOT`] with fresh secret bytes.
fn fresh(prng: &mut Prng, len: usize) {
    let mut buf = [0u8; SLOT_LEN];
    prng.fill(&mut buf[..len]);
    set_slot(0, &buf[..len]);
}

// The public inputs.
const X25519_PEER: [u8; 32] =
    bulwark_bench_ops::h("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const P256_PEER: [u8; 65] = bulwark_bench_ops::h(concat!(
    "04",
    "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287",
    "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"
));
const MSG: &[u8] = b"constant-time check";
const NONCE: [u8; 13] = bulwark_bench_ops::h("00000003020100a0a1a2a3a4a5");
const AAD: [u8; 8] = bulwark_bench_ops::h("0001020304050607");
const HKDF_SALT: [u8; 13] = bulwark_bench_ops::h("000102030405060708090a0b0c");
const HKDF_INFO: [u8; 10] = bulwark_bench_ops::h("f0f1f2f3f4f5f6f7f8f9");
/// CCM's message length in the check (two blocks).
const CCM_LEN: usize = 32;

/// Counts a failed operation.
fn tally(fails: &mut u32, ok: bool) {
    if !ok {
        *fails += 1;
    }
}

/// The two deliberate leaks the check must catch.
pub fn selftests(fails: &mut u32) {
    // A branch on a secret bit: the runs with the bit set execute more instructions.
    let mut branch = || {
        let s: [u8; 1] = slot(0);
        let mut acc = black_box(1u32);
        if s[0] & 1 == 1 {
            acc = black_box(acc.wrapping_mul(3));
        }
        Some(fold(&acc.to_le_bytes()))
    };
    // A table read indexed by a secret byte: the same instructions, different data addresses.
    static TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = (i as u8).wrapping_mul(167) ^ 0x5a;
            i += 1;
        }
        t
    };
    let mut index = || {
        let s: [u8; 1] = slot(0);
        Some(fold(&[black_box(&TABLE)[s[0] as usize]]))
    };
    // Both leaks need runs that disagree: secrets with both low bits and distinct bytes.
    for (name, op) in [
        (
            "selftest-secret-branch",
            &mut branch as &mut dyn FnMut() -> Option<Digest>,
        ),
        ("selftest-secret-index", &mut index),
    ] {
        if !measure(name, 0x5eed_0001, Expect::Ok, &mut |p| fresh(p, 1), op) {
            *fails += 1;
        }
    }
}

/// The compact backend's operations on secrets.
pub fn compact(fails: &mut u32) {
    let Ok(x_peer) = KeyAgreement::<X25519>::import_public(&mut Compact, &X25519_PEER) else {
        return tally(fails, false);
    };
    tally(
        fails,
        measure(
            "x25519-compact",
            1,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut c = Compact;
                let secret = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let secret = KeyAgreement::<X25519>::import_static(&mut c, secret).ok()?;
                let shared = KeyAgreement::<X25519>::agree_static(&mut c, &secret, &x_peer).ok()?;
                Some(*expose_shared_secret(&shared))
            },
        ),
    );
    let Ok(p_peer) = KeyAgreement::<P256>::import_public(&mut Compact, &P256_PEER) else {
        return tally(fails, false);
    };
    tally(
        fails,
        measure(
            "p256-ecdh-static-compact",
            2,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut c = Compact;
                let secret = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let secret = KeyAgreement::<P256>::import_static(&mut c, secret).ok()?;
                let shared = KeyAgreement::<P256>::agree_static(&mut c, &secret, &p_peer).ok()?;
                Some(*expose_shared_secret(&shared))
            },
        ),
    );
    tally(
        fails,
        measure(
            "p256-ecdh-ephemeral-compact",
            3,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut c = Compact;
                let secret = KeyAgreement::<P256>::generate_ephemeral(&mut c, &mut SlotRng).ok()?;
                let public = KeyAgreement::<P256>::ephemeral_public(&mut c, &secret).ok()?;
                let shared = KeyAgreement::<P256>::agree(&mut c, secret, &p_peer).ok()?;
                let public = KeyAgreement::<P256>::export_public(&mut c, &public);
                let mut d = *expose_shared_secret(&shared);
                for (x, y) in d.iter_mut().zip(fold(public.as_ref()).iter()) {
                    *x ^= y;
                }
                Some(d)
            },
        ),
    );
    tally(
        fails,
        measure(
            "ed25519-sign-compact",
            4,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut c = Compact;
                let seed = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let key = Sign::<Ed25519>::import_signing_key(&mut c, seed).ok()?;
                let sig = Sign::<Ed25519>::sign(&mut c, &key, MSG).ok()?;
                Some(fold(sig.as_ref()))
            },
        ),
    );
    tally(
        fails,
        measure(
            "ecdsa-p256-sign-compact",
            5,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut c = Compact;
                let secret = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let key = Sign::<EcdsaP256>::import_signing_key(&mut c, secret).ok()?;
                let sig = Sign::<EcdsaP256>::sign(&mut c, &key, MSG).ok()?;
                Some(fold(&sig.to_fixed()))
            },
        ),
    );
    // AES: the key and the block are both secret.
    tally(
        fails,
        measure(
            "aes128-block+key-compact",
            6,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut block = slot::<16>(16);
                let mut aes = CompactAes::new(&slot::<16>(0)).ok()?;
                aes.encrypt_block(&mut block).ok()?;
                Some(fold(&block))
            },
        ),
    );
    // HKDF on the compact backend's own SHA-256 and HMAC: the input keying material is
    // secret (salt and info public).
    tally(
        fails,
        measure(
            "hkdf-sha256-compact",
            7,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || hkdf_okm(&mut Compact),
        ),
    );
    ccm_ops("compact", 10, fails, &|key: &[u8; 16]| {
        CompactAes::new(key).ok().map(CcmMode::new)
    });
    ccm_ops("compact-paired", 20, fails, &|key: &[u8; 16]| {
        CompactCcm::from_key(key).ok()
    });
}

/// HKDF-SHA256 of the secret in slot 0 (salt and info public) on `kdf`: the 32-byte OKM.
fn hkdf_okm(kdf: &mut impl HkdfSha256) -> Option<Digest> {
    let mut okm = [0u8; 32];
    let prk = kdf.extract(&HKDF_SALT, &[&slot::<32>(0)]).ok()?;
    kdf.expand(&prk, &[&HKDF_INFO], &mut okm).ok()?;
    Some(okm)
}

/// CCM seal, open with the right tag and open with a wrong tag (up to the verdict) over the
/// engine `make` builds from a key, 32-byte messages. The key and the message are secret.
fn ccm_ops<C: Ccm>(
    backend: &str,
    seed: u32,
    fails: &mut u32,
    make: &dyn Fn(&[u8; 16]) -> Option<C>,
) {
    let mut names = [[0u8; 48]; 3];
    let mut lens = [0usize; 3];
    for (k, what) in ["ccm-seal-", "ccm-open-", "ccm-open-bad-tag-"]
        .iter()
        .enumerate()
    {
        let mut n = 0;
        for b in what.bytes().chain(backend.bytes()) {
            if n < names[k].len() {
                names[k][n] = b;
                n += 1;
            }
        }
        lens[k] = n;
    }
    let name = |k: usize| core::str::from_utf8(&names[k][..lens[k]]).unwrap_or("ccm");
    // Seal: key at 0, message at 16.
    tally(
        fails,
        measure(
            name(0),
            seed,
            Expect::Distinct,
            &mut |p| fresh(p, 16 + CCM_LEN),
            &mut || {
                let mut ccm = make(&slot::<16>(0))?;
                let mut buf = slot::<CCM_LEN>(16);
                let mut tag = [0u8; 8];
                ccm.seal_detached(&NONCE, &[&AAD], &mut buf, &mut tag)
                    .ok()?;
                let mut d = fold(&buf);
                d[..8].iter_mut().zip(tag).for_each(|(x, t)| *x ^= t);
                Some(d)
            },
        ),
    );
    // Open: key at 0, ciphertext at 16, tag at 16 + CCM_LEN, sealed between the runs.
    for (k, bad) in [(1, false), (2, true)] {
        let mut setup = |p: &mut Prng| {
            fresh(p, 16 + CCM_LEN);
            let key = slot::<16>(0);
            let mut buf = slot::<CCM_LEN>(16);
            let mut tag = [0u8; 8];
            let sealed = make(&key).map(|mut ccm| {
                ccm.seal_detached(&NONCE, &[&AAD], &mut buf, &mut tag)
                    .is_ok()
            });
            if sealed != Some(true) {
                // An unsealed message makes every open fail: the run's check catches it.
                tag = [0; 8];
            }
            if bad {
                tag[3] ^= 0x10;
            }
            set_slot(16, &buf);
            set_slot(16 + CCM_LEN, &tag);
        };
        let expect = if bad { Expect::Ok } else { Expect::Distinct };
        tally(
            fails,
            measure(name(k), seed + k as u32, expect, &mut setup, &mut || {
                let mut ccm = make(&slot::<16>(0))?;
                let mut buf = slot::<CCM_LEN>(16);
                let tag = slot::<8>(16 + CCM_LEN);
                let verdict = ccm.open_detached(&NONCE, &[&AAD], &mut buf, &tag);
                // The verdict is public: only its expected value counts as success.
                match (verdict.is_ok(), bad) {
                    (true, false) => Some(fold(&buf)),
                    (false, true) => Some([0; 32]),
                    _ => None,
                }
            }),
        );
    }
}

/// The software backend's affordable operations on secrets: AES, CCM, HKDF, X25519, Ed25519
/// signing, P-256 ECDH with a static key (ECDSA signing needs p256's basepoint tables, built in
/// RAM: more than the micro:bit has).
pub fn soft(fails: &mut u32) {
    tally(
        fails,
        measure(
            "aes128-block+key-soft",
            30,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let mut block = slot::<16>(16);
                let mut aes = SoftAes::new(&slot::<16>(0)).ok()?;
                aes.encrypt_block(&mut block).ok()?;
                Some(fold(&block))
            },
        ),
    );
    ccm_ops("soft", 40, fails, &|key: &[u8; 16]| {
        SoftAes::new(key).ok().map(SoftCcm::new)
    });
    // HKDF: the input keying material is secret (salt and info public).
    tally(
        fails,
        measure(
            "hkdf-sha256-soft",
            50,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || hkdf_okm(&mut Soft),
        ),
    );
    let Ok(x_peer) = KeyAgreement::<X25519>::import_public(&mut Soft, &X25519_PEER) else {
        return tally(fails, false);
    };
    tally(
        fails,
        measure(
            "x25519-soft",
            60,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let secret = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let secret = KeyAgreement::<X25519>::import_static(&mut Soft, secret).ok()?;
                let shared =
                    KeyAgreement::<X25519>::agree_static(&mut Soft, &secret, &x_peer).ok()?;
                Some(*expose_shared_secret(&shared))
            },
        ),
    );
    tally(
        fails,
        measure(
            "ed25519-sign-soft",
            61,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let seed = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let key = Sign::<Ed25519>::import_signing_key(&mut Soft, seed).ok()?;
                let sig = Sign::<Ed25519>::sign(&mut Soft, &key, MSG).ok()?;
                Some(fold(sig.as_ref()))
            },
        ),
    );
    let Ok(p_peer) = KeyAgreement::<P256>::import_public(&mut Soft, &P256_PEER) else {
        return tally(fails, false);
    };
    tally(
        fails,
        measure(
            "p256-ecdh-static-soft",
            62,
            Expect::Distinct,
            &mut |p| fresh(p, 32),
            &mut || {
                let secret = SecretBytes::try_from_slice(&slot::<32>(0)).ok()?;
                let secret = KeyAgreement::<P256>::import_static(&mut Soft, secret).ok()?;
                let shared =
                    KeyAgreement::<P256>::agree_static(&mut Soft, &secret, &p_peer).ok()?;
                Some(*expose_shared_secret(&shared))
            },
        ),
    );
}
