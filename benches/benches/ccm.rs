//! AES-128-CCM seal and open as users get it (`Provider::ccm` of the facade's
//! `DefaultProvider`: the software backend's `SoftCcm` in this build), 13-byte nonce,
//! tags of 8 and 16 bytes, for 16 B to 16 KiB messages.
#![allow(
    clippy::expect_used,
    reason = "a bench must stop loudly if an operation it measures fails; it is not library code"
)]

use bulwark::ccm::AesCcm;
use bulwark_benches::{BENCH_AAD, BENCH_NONCE, CCM_MESSAGE_SIZES, default_ccm};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Benchmarks seal and open for one tag length.
fn bench_tag<const TAG: usize>(c: &mut Criterion)
where
    bulwark::ccm::TagLen<TAG>: bulwark::ccm::ValidTagLen,
{
    let mut group = c.benchmark_group(format!("aes128-ccm/nonce13-tag{TAG}"));
    let mut ccm = default_ccm().expect("a 16-byte key is accepted");
    for size in CCM_MESSAGE_SIZES {
        group.throughput(Throughput::Bytes(size as u64));

        let mut buffer = vec![0x5a_u8; size];
        group.bench_with_input(BenchmarkId::new("seal", size), &size, |b, _| {
            b.iter(|| {
                let tag: [u8; TAG] = AesCcm::<13, TAG>::seal_in_place(
                    &mut ccm,
                    black_box(&BENCH_NONCE),
                    black_box(&BENCH_AAD),
                    black_box(&mut buffer),
                )
                .expect("seal succeeds");
                black_box(tag)
            });
        });

        let mut ciphertext = vec![0x5a_u8; size];
        let tag: [u8; TAG] =
            AesCcm::<13, TAG>::seal_in_place(&mut ccm, &BENCH_NONCE, &BENCH_AAD, &mut ciphertext)
                .expect("seal succeeds");
        group.bench_with_input(BenchmarkId::new("open", size), &size, |b, _| {
            // Opening decrypts in place, so each iteration gets a fresh copy of the ciphertext
            // (made outside the timed region).
            b.iter_batched_ref(
                || ciphertext.clone(),
                |buffer| {
                    AesCcm::<13, TAG>::open_in_place(
                        &mut ccm,
                        black_box(&BENCH_NONCE),
                        black_box(&BENCH_AAD),
                        black_box(buffer),
                        black_box(&tag),
                    )
                    .expect("the tag verifies")
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

fn ccm(c: &mut Criterion) {
    bench_tag::<8>(c);
    bench_tag::<16>(c);
}

criterion_group!(benches, ccm);
criterion_main!(benches);
