//! The batch engine: eight packets' CBC-MAC chains in lockstep (see the parent module).

use super::fused::{AesNiCcm, Header, ctr_pass};
use super::key_schedule::{Keys, RoundKeys, load_keys};
use super::{load, load_payload, store, vaes_available};
use bulwark_api::hazmat::Block;
use core::arch::x86_64::{
    __m128i, _mm_aesenc_si128, _mm_aesenclast_si128, _mm_setzero_si128, _mm_xor_si128,
};
use zeroize::Zeroize;

/// How many CBC-MAC chains the batch engine keeps in flight.
pub(super) const LANES: usize = 8;

/// The most full payload blocks the batch engine's fast path runs per step.
pub(super) const FAST_MAX_STEPS: usize = 64;

/// What idle lanes "read" on the fast path.
pub(super) static ZERO_BLOCKS: [u8; 16 * FAST_MAX_STEPS] = [0; 16 * FAST_MAX_STEPS];

/// A packet as the batch engine sees it (implemented in `crate::batch` for the API's packet
/// types). `'k` is the lifetime of the borrowed key, nonce and AAD.
pub(crate) trait BatchPacket<'k> {
    /// The fused key schedule, if this packet is valid and goes through the fused engine
    /// (the caller has already given every other packet its result).
    fn fused_key(&self) -> Option<&'k AesNiCcm>;
    fn nonce(&self) -> &'k [u8];
    fn aad(&self) -> &'k [&'k [u8]];
    fn tag_len(&self) -> usize;
    fn buffer(&self) -> &[u8];
    fn buffer_mut(&mut self) -> &mut [u8];
    /// Receives `T XOR E(A_0)` once the payload is encrypted (seal) or decrypted (open):
    /// writes the tag, or compares it in constant time and zeroes the buffer on mismatch;
    /// sets the packet's result.
    fn finish(&mut self, full_tag: &mut Block);
}

/// One lane of the batch engine: the packet it works on and where its chain stands.
pub(super) struct Lane<'k> {
    pub(super) packet: usize,
    pub(super) key: &'k RoundKeys,
    pub(super) x: __m128i,
    pub(super) base: __m128i,
    pub(super) s0: __m128i,
    pub(super) b0: __m128i,
    /// The next MAC input block: 0 is `B_0`, then `aad_blocks` AAD blocks, then the payload.
    pub(super) next: usize,
    pub(super) aad_blocks: usize,
    pub(super) total: usize,
    /// Payload length in bytes.
    pub(super) len: usize,
    pub(super) prefix: [u8; 10],
    pub(super) prefix_len: usize,
    pub(super) aad: &'k [&'k [u8]],
}

/// Formatted-AAD block `index`: bytes `16 * index ..` of `prefix || parts`, zero-padded.
pub(super) fn aad_block(prefix: &[u8], parts: &[&[u8]], index: usize) -> Block {
    let mut out = [0u8; 16];
    let mut skip = 16 * index;
    let mut filled = 0;
    for part in core::iter::once(prefix).chain(parts.iter().copied()) {
        if skip >= part.len() {
            skip -= part.len();
            continue;
        }
        let avail = &part[skip..];
        skip = 0;
        let take = avail.len().min(16 - filled);
        out[filled..filled + take].copy_from_slice(&avail[..take]);
        filled += take;
        if filled == 16 {
            break;
        }
    }
    out
}

/// Finds the next packet (from `*cursor` on) that the engine for `NR` rounds should take.
pub(super) fn next_packet<'k, P: BatchPacket<'k>>(
    packets: &[P],
    cursor: &mut usize,
    rounds: usize,
) -> Option<(usize, &'k AesNiCcm)> {
    while let Some(p) = packets.get(*cursor) {
        let i = *cursor;
        *cursor += 1;
        if let Some(key) = p.fused_key().filter(|k| k.rk.rounds == rounds) {
            return Some((i, key));
        }
    }
    None
}

/// Runs every pending packet whose key has `NR` rounds through `LANES` interleaved chains.
#[target_feature(enable = "aes")]
pub(super) fn batch_lanes<'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(
    packets: &mut [P],
) {
    let mut cursor = 0;
    let mut lanes: [Option<Lane<'_>>; LANES] = [const { None }; LANES];
    // Each lane's round keys, loaded once per packet (idle lanes compute on stale keys and
    // their output is ignored).
    let mut lane_keys: [Keys; LANES] = [[_mm_setzero_si128(); 15]; LANES];
    let mut state = [_mm_setzero_si128(); LANES];
    loop {
        // Fill idle lanes.
        let mut active = 0;
        for (slot, lk) in lanes.iter_mut().zip(lane_keys.iter_mut()) {
            if slot.is_none() {
                *slot = start_lane::<NR, OPEN, P>(packets, &mut cursor);
                if let Some(lane) = slot {
                    *lk = load_keys(lane.key);
                }
            }
            active += usize::from(slot.is_some());
        }
        if active == 0 {
            return;
        }

        // Fast path: every active lane is inside its payload with full blocks left; run that
        // many steps straight from the buffers.
        let mut steps = FAST_MAX_STEPS;
        for lane in lanes.iter().flatten() {
            let first_payload = 1 + lane.aad_blocks;
            let done = lane.next.saturating_sub(first_payload);
            let left = if lane.next < first_payload {
                0
            } else {
                (lane.len / 16).saturating_sub(done)
            };
            steps = steps.min(left);
        }
        if steps > 0 {
            let shared: &[P] = packets;
            let mut data: [&[u8]; LANES] = [&ZERO_BLOCKS[..16 * steps]; LANES];
            for (d, slot) in data.iter_mut().zip(lanes.iter()) {
                if let Some(lane) = slot {
                    let off = 16 * (lane.next - 1 - lane.aad_blocks);
                    if let Some(b) = shared
                        .get(lane.packet)
                        .and_then(|p| p.buffer().get(off..off + 16 * steps))
                    {
                        *d = b;
                    }
                }
            }
            for (x, slot) in state.iter_mut().zip(lanes.iter()) {
                if let Some(lane) = slot {
                    *x = lane.x;
                }
            }
            for t in 0..steps {
                let mut s = [_mm_setzero_si128(); LANES];
                for ((sj, (d, x)), lk) in s
                    .iter_mut()
                    .zip(data.iter().zip(state.iter()))
                    .zip(lane_keys.iter())
                {
                    let block = d
                        .get(16 * t..16 * t + 16)
                        .and_then(|b| <&[u8; 16]>::try_from(b).ok())
                        .map_or(_mm_setzero_si128(), load);
                    *sj = _mm_xor_si128(_mm_xor_si128(*x, block), lk[0]);
                }
                for r in 1..NR {
                    for (sj, lk) in s.iter_mut().zip(lane_keys.iter()) {
                        *sj = _mm_aesenc_si128(*sj, lk[r]);
                    }
                }
                for ((x, sj), lk) in state.iter_mut().zip(s.iter()).zip(lane_keys.iter()) {
                    *x = _mm_aesenclast_si128(*sj, lk[NR]);
                }
            }
            for (x, slot) in state.iter().zip(lanes.iter_mut()) {
                if let Some(lane) = slot {
                    lane.x = *x;
                    lane.next += steps;
                }
            }
            // Fall through to the general step below, which also retires finished lanes.
        }

        // General step: feed every active lane its next block (B_0, AAD, partial block).
        let mut any = false;
        for ((slot, s), lk) in lanes.iter_mut().zip(state.iter_mut()).zip(lane_keys.iter()) {
            let Some(lane) = slot else { continue };
            if lane.next == lane.total {
                *s = lane.x;
                continue;
            }
            any = true;
            let block = if lane.next == 0 {
                lane.b0
            } else if lane.next <= lane.aad_blocks {
                let mut b = aad_block(&lane.prefix[..lane.prefix_len], lane.aad, lane.next - 1);
                let v = load(&b);
                b.zeroize();
                v
            } else {
                let i = lane.next - 1 - lane.aad_blocks;
                packets
                    .get(lane.packet)
                    .map_or(_mm_setzero_si128(), |p| load_payload(p.buffer(), i))
            };
            *s = _mm_xor_si128(_mm_xor_si128(lane.x, block), lk[0]);
        }
        if any {
            for r in 1..NR {
                for (s, lk) in state.iter_mut().zip(lane_keys.iter()) {
                    *s = _mm_aesenc_si128(*s, lk[r]);
                }
            }
            for (s, lk) in state.iter_mut().zip(lane_keys.iter()) {
                *s = _mm_aesenclast_si128(*s, lk[NR]);
            }
        }
        // Retire finished packets.
        for (slot, s) in lanes.iter_mut().zip(state.iter()) {
            let Some(lane) = slot else { continue };
            if lane.next < lane.total {
                lane.x = *s;
                lane.next += 1;
            }
            if lane.next == lane.total {
                if let Some(p) = packets.get_mut(lane.packet) {
                    let k = load_keys(lane.key);
                    let s0 = if OPEN {
                        lane.s0
                    } else {
                        ctr_pass::<NR>(&k, lane.base, p.buffer_mut())
                    };
                    let mut full = [0u8; 16];
                    store(&mut full, _mm_xor_si128(lane.x, s0));
                    p.finish(&mut full);
                    full.zeroize();
                }
                *slot = None;
            }
        }
    }
}

/// Takes the next pending packet into a lane; for open, decrypts it first (the MAC is over
/// the plaintext).
#[target_feature(enable = "aes")]
pub(super) fn start_lane<'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(
    packets: &mut [P],
    cursor: &mut usize,
) -> Option<Lane<'k>> {
    loop {
        let (index, key) = next_packet(packets, cursor, NR)?;
        let p = packets.get_mut(index)?;
        let (nonce, aad) = (p.nonce(), p.aad());
        // The caller validated the packet; a failure here would be a bug, so skip it.
        let Ok(h) = Header::new(nonce, aad, p.buffer().len(), p.tag_len()) else {
            continue;
        };
        let base = h.a0;
        let s0 = if OPEN {
            ctr_pass::<NR>(&load_keys(&key.rk), base, p.buffer_mut())
        } else {
            _mm_setzero_si128()
        };
        return Some(Lane {
            packet: index,
            key: &key.rk,
            x: _mm_setzero_si128(),
            base,
            s0,
            b0: h.b0,
            next: 0,
            aad_blocks: h.aad_blocks,
            total: 1 + h.aad_blocks + p.buffer().len().div_ceil(16),
            len: p.buffer().len(),
            prefix: h.prefix,
            prefix_len: h.prefix_len,
            aad,
        });
    }
}

/// Which engine runs a batch's fused packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    /// Eight lanes in four 512-bit registers (VAES, AVX-512F, AVX-512BW, AVX-512VL), if the
    /// CPU has them; [`Engine::AesNi`] otherwise.
    Vaes,
    /// Eight lanes with 128-bit AES-NI.
    AesNi,
}

impl Engine {
    /// The fastest engine this CPU runs.
    pub(crate) fn best() -> Self {
        if vaes_available() {
            Self::Vaes
        } else {
            Self::AesNi
        }
    }
}

/// Seals every packet whose `fused_key` is `Some`, eight chains at a time.
pub(crate) fn seal_batch<'k, P: BatchPacket<'k>>(packets: &mut [P]) {
    run_batch::<P, false>(packets, Engine::best());
}

/// Opens every packet whose `fused_key` is `Some`, eight chains at a time.
pub(crate) fn open_batch<'k, P: BatchPacket<'k>>(packets: &mut [P]) {
    run_batch::<P, true>(packets, Engine::best());
}

/// [`seal_batch`] or [`open_batch`] (`OPEN`) through the given engine (tests force each).
pub(crate) fn run_batch<'k, P: BatchPacket<'k>, const OPEN: bool>(
    packets: &mut [P],
    engine: Engine,
) {
    // Packets only reach `fused_key() == Some` through an `AesNiCcm`, which exists only if
    // `new` saw AES-NI; with none of them there is nothing to do (and no instruction to run).
    // One scan finds the key sizes present, so that each round count's engine (which scans
    // the packets again) runs only if it has work.
    let (mut r10, mut r12, mut r14) = (false, false, false);
    for key in packets.iter().filter_map(BatchPacket::fused_key) {
        match key.rk.rounds {
            10 => r10 = true,
            12 => r12 = true,
            _ => r14 = true,
        }
    }
    if !(r10 || r12 || r14) {
        return;
    }
    if engine == Engine::Vaes && vaes_available() {
        // SAFETY: `vaes_available()` just confirmed AES-NI, VAES, AVX-512F, AVX-512BW and
        // AVX-512VL.
        unsafe { super::vaes::run::<P, OPEN>(packets, r10, r12, r14) };
        return;
    }
    // SAFETY (all three calls): each runs only if an `AesNiCcm` exists, so `AesNiCcm::new`
    // saw AES-NI on this CPU.
    unsafe {
        if r10 {
            batch_lanes::<10, OPEN, P>(packets);
        }
        if r12 {
            batch_lanes::<12, OPEN, P>(packets);
        }
        if r14 {
            batch_lanes::<14, OPEN, P>(packets);
        }
    }
}
