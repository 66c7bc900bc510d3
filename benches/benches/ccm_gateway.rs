//! Gateway speed, side by side in one run: AES-128-CCM (13-byte nonce, 21-byte AAD) seal and
//! open at 16 B, 64 B, 1 KiB and 16 KiB with 8- and 16-byte tags, for
//! - `fused`: `SoftCcm` as users get it (CTR and CBC-MAC interleaved over AES-NI),
//! - `portable`: the same type forced onto the generic mode (`SoftAes::new_portable`),
//! - `ccm-crate`: RustCrypto `ccm` over `aes` (AES-NI autodetected),
//! - `openssl`: the system OpenSSL through `CipherCtx` (key set once, tag length set before it);
//!
//! plus the CPU's CBC-MAC latency bound (a chain of N dependent AES-128 block encryptions, no
//! CTR) and batch throughput (`CcmBatch` for `Soft`, 8 and 32 packets under 8 keys) against the
//! same packets sealed or opened one call at a time.
//!
//! Every implementation's output is checked against ours before it is timed. Run with
//! `cargo bench -p bulwark-benches --bench ccm_gateway`; the ratios are in `benches/REPORT.md`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a bench must stop loudly if an operation it measures fails; it is not library code"
)]
// The latency-bound chain calls a `#[target_feature(enable = "aes")]` function: that call is the
// only `unsafe` here, guarded by run-time detection.
#![allow(unsafe_code)]

use bulwark::ccm::{Ccm, CcmBatch, OpenPacket, SealPacket};
use bulwark_benches::{BENCH_AAD, BENCH_KEY, BENCH_NONCE, CCM_MESSAGE_SIZES};
// Backend-specific: the software backend's fused and portable CCM and its batch API.
use bulwark::backends::soft::{Soft, SoftAes, SoftCcm};
use ccm::aead::{AeadInOut, KeyInit, array::Array};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use openssl::cipher::Cipher;
use openssl::cipher_ctx::CipherCtx;
use std::hint::black_box;
use std::time::Duration;

/// The RustCrypto `ccm` crate, for one tag length.
trait Reference {
    fn seal(&self, buf: &mut [u8], tag: &mut [u8]);
    fn open(&self, buf: &mut [u8], tag: &[u8]) -> bool;
}

macro_rules! reference {
    ($name:ident, $tag:ty) => {
        type $name = ccm::Ccm<aes::Aes128, $tag, ccm::consts::U13>;
        impl Reference for $name {
            fn seal(&self, buf: &mut [u8], tag: &mut [u8]) {
                let n = Array::from(BENCH_NONCE);
                let t = self
                    .encrypt_inout_detached(&n, &BENCH_AAD, buf.into())
                    .expect("ccm crate seals");
                tag.copy_from_slice(&t);
            }
            fn open(&self, buf: &mut [u8], tag: &[u8]) -> bool {
                let n = Array::from(BENCH_NONCE);
                let t = Array::try_from(tag).expect("tag length");
                self.decrypt_inout_detached(&n, &BENCH_AAD, buf.into(), &t)
                    .is_ok()
            }
        }
    };
}
reference!(RefCcm8, ccm::consts::U8);
reference!(RefCcm16, ccm::consts::U16);

/// OpenSSL AES-128-CCM contexts for one tag length, keyed once.
struct Openssl {
    enc: CipherCtx,
    dec: CipherCtx,
}

impl Openssl {
    fn new(tag_len: usize) -> Self {
        let cipher = Cipher::aes_128_ccm();
        let mut enc = CipherCtx::new().unwrap();
        enc.encrypt_init(Some(cipher), None, None).unwrap();
        enc.set_iv_length(BENCH_NONCE.len()).unwrap();
        enc.set_tag_length(tag_len).unwrap(); // before the key: CCM fixes M at key setup
        enc.encrypt_init(None, Some(&BENCH_KEY), None).unwrap();
        let mut dec = CipherCtx::new().unwrap();
        dec.decrypt_init(Some(cipher), None, None).unwrap();
        dec.set_iv_length(BENCH_NONCE.len()).unwrap();
        dec.set_tag_length(tag_len).unwrap();
        dec.decrypt_init(None, Some(&BENCH_KEY), None).unwrap();
        Self { enc, dec }
    }

    fn seal(&mut self, buf: &mut [u8], tag: &mut [u8]) {
        let c = &mut self.enc;
        c.encrypt_init(None, None, Some(&BENCH_NONCE)).unwrap();
        c.set_data_len(buf.len()).unwrap();
        c.cipher_update(&BENCH_AAD, None).unwrap();
        let n = buf.len();
        c.cipher_update_inplace(buf, n).unwrap();
        c.cipher_final(&mut []).unwrap();
        c.tag(tag).unwrap();
    }

    fn open(&mut self, buf: &mut [u8], tag: &[u8]) -> bool {
        let c = &mut self.dec;
        c.decrypt_init(None, None, Some(&BENCH_NONCE)).unwrap();
        c.set_tag(tag).unwrap();
        c.set_data_len(buf.len()).unwrap();
        c.cipher_update(&BENCH_AAD, None).unwrap();
        let n = buf.len();
        c.cipher_update_inplace(buf, n).is_ok()
    }
}

fn ours(fused: bool) -> SoftCcm {
    let engine = if fused {
        SoftAes::new(&BENCH_KEY).unwrap()
    } else {
        SoftAes::new_portable(&BENCH_KEY).unwrap()
    };
    assert_eq!(
        engine.is_fused(),
        fused,
        "AES-NI expected on the bench host"
    );
    SoftCcm::new(engine)
}

fn bench_tag<const T: usize, R: Reference + KeyInit>(c: &mut Criterion) {
    let reference = R::new_from_slice(&BENCH_KEY).unwrap();
    let mut ossl = Openssl::new(T);
    let mut fused = ours(true);
    let mut portable = ours(false);
    for op in ["seal", "open"] {
        let mut group = c.benchmark_group(format!("gateway-ccm/{op}-tag{T}"));
        for size in CCM_MESSAGE_SIZES {
            group.throughput(Throughput::Bytes(size as u64));
            let plain = vec![0x5a_u8; size];
            // Reference output, and every implementation checked against it.
            let mut ct = plain.clone();
            let mut tag = [0u8; T];
            fused
                .seal_detached(&BENCH_NONCE, &[&BENCH_AAD], &mut ct, &mut tag)
                .unwrap();
            for who in 0..3 {
                let (mut b, mut t) = (plain.clone(), [0u8; T]);
                match who {
                    0 => portable
                        .seal_detached(&BENCH_NONCE, &[&BENCH_AAD], &mut b, &mut t)
                        .unwrap(),
                    1 => reference.seal(&mut b, &mut t),
                    _ => ossl.seal(&mut b, &mut t),
                }
                assert_eq!((&b, &t), (&ct, &tag), "implementation {who} disagrees");
                let mut o = ct.clone();
                let ok = match who {
                    0 => portable
                        .open_detached(&BENCH_NONCE, &[&BENCH_AAD], &mut o, &tag)
                        .is_ok(),
                    1 => reference.open(&mut o, &tag),
                    _ => ossl.open(&mut o, &tag),
                };
                assert!(ok && o == plain, "implementation {who} fails to open");
            }

            let names = ["fused", "portable", "ccm-crate", "openssl"];
            for name in names {
                let id = BenchmarkId::new(name, size);
                if op == "seal" {
                    let mut buf = plain.clone();
                    let mut t = [0u8; T];
                    group.bench_function(id, |b| match name {
                        "fused" | "portable" => {
                            let m = if name == "fused" {
                                &mut fused
                            } else {
                                &mut portable
                            };
                            b.iter(|| {
                                m.seal_detached(
                                    black_box(&BENCH_NONCE),
                                    &[black_box(&BENCH_AAD)],
                                    black_box(&mut buf),
                                    &mut t,
                                )
                                .unwrap();
                                black_box(&t);
                            })
                        }
                        "ccm-crate" => b.iter(|| {
                            reference.seal(black_box(&mut buf), &mut t);
                            black_box(&t);
                        }),
                        _ => b.iter(|| {
                            ossl.seal(black_box(&mut buf), &mut t);
                            black_box(&t);
                        }),
                    });
                } else {
                    group.bench_function(id, |b| {
                        let mut run = |buf: &mut Vec<u8>| -> bool {
                            match name {
                                "fused" => fused
                                    .open_detached(&BENCH_NONCE, &[&BENCH_AAD], buf, &tag)
                                    .is_ok(),
                                "portable" => portable
                                    .open_detached(&BENCH_NONCE, &[&BENCH_AAD], buf, &tag)
                                    .is_ok(),
                                "ccm-crate" => reference.open(buf, &tag),
                                _ => ossl.open(buf, &tag),
                            }
                        };
                        b.iter_batched_ref(
                            || ct.clone(),
                            |buf| assert!(run(black_box(buf))),
                            BatchSize::SmallInput,
                        )
                    });
                }
            }
        }
        group.finish();
    }
}

/// `blocks` dependent AES-128 encryptions (`x = E(x)`), the whitening XOR folded into the last
/// round key as the fused CCM does: exactly 10 dependent AES rounds per block, nothing else.
/// The round-key values do not affect timing, so fixed constants serve.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "aes")]
fn dependent_chain(blocks: usize, seed: i64) -> i64 {
    use core::arch::x86_64::{
        _mm_aesenc_si128, _mm_aesenclast_si128, _mm_cvtsi128_si64, _mm_set_epi64x, _mm_xor_si128,
    };
    let mut k = [_mm_set_epi64x(0, 0); 11];
    for (i, ki) in k.iter_mut().enumerate() {
        *ki = _mm_set_epi64x(0x0123_4567 * i as i64, 0x89ab_cdef ^ i as i64);
    }
    let last = _mm_xor_si128(k[10], k[0]);
    let mut x = _mm_xor_si128(_mm_set_epi64x(seed, seed), k[0]);
    for _ in 0..blocks {
        for kr in &k[1..10] {
            x = _mm_aesenc_si128(x, *kr);
        }
        x = _mm_aesenclast_si128(x, last);
    }
    _mm_cvtsi128_si64(x)
}

/// CBC-MAC as usually written (`x = E(x ^ m_i)`, message XOR and whitening on the chain): the
/// shape of OpenSSL's CCM loop, for reference.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "aes")]
fn naive_cbc_mac(msg: &[u8]) -> i64 {
    use core::arch::x86_64::{
        _mm_aesenc_si128, _mm_aesenclast_si128, _mm_cvtsi128_si64, _mm_set_epi64x, _mm_xor_si128,
    };
    let mut k = [_mm_set_epi64x(0, 0); 11];
    for (i, ki) in k.iter_mut().enumerate() {
        *ki = _mm_set_epi64x(0x0123_4567 * i as i64, 0x89ab_cdef ^ i as i64);
    }
    let mut x = _mm_set_epi64x(0, 0);
    for block in msg.chunks_exact(16) {
        let lo = i64::from_le_bytes(block[..8].try_into().unwrap());
        let hi = i64::from_le_bytes(block[8..].try_into().unwrap());
        x = _mm_xor_si128(_mm_xor_si128(x, _mm_set_epi64x(hi, lo)), k[0]);
        for kr in &k[1..10] {
            x = _mm_aesenc_si128(x, *kr);
        }
        x = _mm_aesenclast_si128(x, k[10]);
    }
    _mm_cvtsi128_si64(x)
}

#[cfg(target_arch = "x86_64")]
fn latency_bound(c: &mut Criterion) {
    assert!(
        std::is_x86_feature_detected!("aes"),
        "AES-NI expected on the bench host"
    );
    let mut group = c.benchmark_group("gateway-ccm/latency-bound");
    for blocks in [1usize, 4, 64, 1024] {
        group.throughput(Throughput::Bytes(16 * blocks as u64));
        group.bench_with_input(
            BenchmarkId::new("aesenc-chain", blocks),
            &blocks,
            |b, &n| {
                // SAFETY: AES-NI presence was asserted above.
                b.iter(|| black_box(unsafe { dependent_chain(black_box(n), 7) }))
            },
        );
        let msg = vec![0x5a_u8; 16 * blocks];
        group.bench_with_input(BenchmarkId::new("cbc-mac-naive", blocks), &msg, |b, m| {
            // SAFETY: AES-NI presence was asserted above.
            b.iter(|| black_box(unsafe { naive_cbc_mac(black_box(m)) }))
        });
    }
    group.finish();
}

#[cfg(not(target_arch = "x86_64"))]
fn latency_bound(_: &mut Criterion) {}

const BATCH_KEYS: usize = 8;

fn batch_keys() -> Vec<SoftAes> {
    (0..BATCH_KEYS as u8)
        .map(|i| {
            let mut k = BENCH_KEY;
            k[0] ^= i;
            SoftAes::new(&k).unwrap()
        })
        .collect()
}

fn nonce(i: usize) -> [u8; 13] {
    let mut n = BENCH_NONCE;
    n[12] = i as u8;
    n
}

fn bench_batch<const N: usize>(c: &mut Criterion, size: usize) {
    let keys = batch_keys();
    let mut singles: Vec<SoftCcm> = (0..BATCH_KEYS as u8)
        .map(|i| {
            let mut k = BENCH_KEY;
            k[0] ^= i;
            SoftCcm::new(SoftAes::new(&k).unwrap())
        })
        .collect();
    let nonces: [[u8; 13]; N] = core::array::from_fn(nonce);
    let aad: [&[u8]; 1] = [&BENCH_AAD];
    let plain: [Vec<u8>; N] = core::array::from_fn(|i| vec![i as u8; size]);
    // Ciphertexts and tags for the open benches, from the single-packet API.
    let mut cts = plain.clone();
    let mut tags = [[0u8; 8]; N];
    for (i, (ct, tag)) in cts.iter_mut().zip(tags.iter_mut()).enumerate() {
        singles[i % BATCH_KEYS]
            .seal_detached(&nonces[i], &aad, ct, tag)
            .unwrap();
    }

    let mut group = c.benchmark_group(format!("gateway-ccm/batch-{N}x{size}"));
    group.throughput(Throughput::Bytes((N * size) as u64));

    let mut bufs = plain.clone();
    let mut out_tags = [[0u8; 8]; N];
    group.bench_function("seal/batch", |b| {
        b.iter(|| {
            let mut bi = bufs.iter_mut();
            let mut ti = out_tags.iter_mut();
            let mut packets: [SealPacket<'_, SoftAes>; N] = core::array::from_fn(|i| {
                SealPacket::new(
                    &keys[i % BATCH_KEYS],
                    &nonces[i],
                    &aad,
                    bi.next().unwrap(),
                    ti.next().unwrap(),
                )
            });
            Soft.seal_batch(black_box(&mut packets)).unwrap();
        })
    });
    group.bench_function("seal/sequential", |b| {
        b.iter(|| {
            for (i, (buf, tag)) in bufs.iter_mut().zip(out_tags.iter_mut()).enumerate() {
                singles[i % BATCH_KEYS]
                    .seal_detached(&nonces[i], &aad, black_box(buf), tag)
                    .unwrap();
            }
        })
    });
    group.bench_function("open/batch", |b| {
        b.iter_batched_ref(
            || cts.clone(),
            |bufs| {
                let mut bi = bufs.iter_mut();
                let mut packets: [OpenPacket<'_, SoftAes>; N] = core::array::from_fn(|i| {
                    OpenPacket::new(
                        &keys[i % BATCH_KEYS],
                        &nonces[i],
                        &aad,
                        bi.next().unwrap(),
                        &tags[i],
                    )
                });
                Soft.open_batch(black_box(&mut packets)).unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("open/sequential", |b| {
        b.iter_batched_ref(
            || cts.clone(),
            |bufs| {
                for (i, buf) in bufs.iter_mut().enumerate() {
                    singles[i % BATCH_KEYS]
                        .open_detached(&nonces[i], &aad, black_box(buf), &tags[i])
                        .unwrap();
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn gateway(c: &mut Criterion) {
    latency_bound(c);
    bench_tag::<8, RefCcm8>(c);
    bench_tag::<16, RefCcm16>(c);
    for size in [64, 1024] {
        bench_batch::<8>(c, size);
        bench_batch::<32>(c, size);
    }
}

criterion_group! {
    name = benches;
    // Short windows: ~100 benchmarks in one run of a few minutes; criterion's confidence
    // intervals in the output say how tight each figure is.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = gateway
}
criterion_main!(benches);
