//! The VAES batch engine: the eight lanes' CBC-MAC states and counter blocks in four 512-bit
//! registers (see the parent module).
//!
//! Lane `j` sits in 128-bit position `j % 4` of group `j / 4`. One step advances every lane by
//! one CBC-MAC block and one counter block: per round, one `vaesenc` on each group's MAC
//! states and one on its counter blocks, under the group's round-key vector (each position
//! holds its own lane's round key, so every lane has its own key). The MAC chain of a step is
//! as long as one block's rounds, as in the single-packet path, but eight packets advance in
//! it instead of one.
//!
//! Each lane runs its own packet through the same block sequence as the single-packet path:
//! step `s` absorbs `B_0` (`s == 0`), formatted-AAD block `s` (`1 <= s <= A`) or payload
//! block `s - 1 - A`. Its counter side computes counter `s - A` (seal: `E(A_0)` while the
//! last header block is absorbed, then the keystream of the payload block absorbed in the
//! same step) or `s - A + 1` (open: one block ahead, because the MAC absorbs the plaintext; a
//! packet without AAD gets `E(A_0)` when it enters its lane). Packets of unequal lengths finish
//! at different steps; a lane whose packet finishes takes the next pending packet at once, so
//! lanes are refilled independently.
//!
//! Steps where every busy lane is inside its payload with a full block run in a tight loop
//! straight over the buffers (counters kept in registers); the others (`B_0`, AAD, a
//! partial last block, a lane joining) prepare each lane's blocks one by one.

use super::batch::{BatchPacket, LANES};
use super::key_schedule::{RoundKeys, encrypt1, load_keys};
use super::{ctr_block, decrypt_payload, header_blocks, load, load_payload, store, store_payload};
use bulwark_modes::ccm_format::{aad_len_prefix, check_sizes, total_aad_len};
use core::arch::x86_64::{
    __m128i, __m512i, __mmask16, _mm_set_epi64x, _mm_setzero_si128, _mm_xor_si128,
    _mm512_add_epi64, _mm512_aesenc_epi128, _mm512_aesenclast_epi128, _mm512_castsi128_si512,
    _mm512_extracti32x4_epi32, _mm512_inserti32x4, _mm512_mask_broadcast_i32x4, _mm512_set_epi64,
    _mm512_setzero_si512, _mm512_shuffle_epi8, _mm512_xor_si512,
};
use zeroize::Zeroize;

/// How many formatted-AAD blocks a lane stages when its packet joins (into its row of the
/// engine's `heads`, so that the steps load them whole, long after they were written); the
/// rest of a longer AAD is formatted block by block as the steps reach it. Public data (AAD
/// and its length): not wiped.
const HEAD_BLOCKS: usize = 3;

/// Lanes per 512-bit register.
const PER_GROUP: usize = 4;

/// Registers per kind of block (MAC states, counter blocks).
const GROUPS: usize = LANES / PER_GROUP;

/// Every lane's round keys, interleaved as the group registers take them: `regs[g][r]` holds
/// round key `r` of lane `4 g + q` in its 128-bit position `q`. Wiped on drop.
struct LaneKeys {
    regs: [[__m512i; 15]; GROUPS],
}

impl Drop for LaneKeys {
    fn drop(&mut self) {
        self.regs.zeroize();
    }
}

impl LaneKeys {
    /// All-zero keys (for lanes that never get a packet: their results are ignored).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn new() -> Self {
        Self {
            regs: [[_mm512_setzero_si512(); 15]; GROUPS],
        }
    }

    /// Puts `rk`'s round keys into lane `lane`'s positions.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn set_lane(&mut self, lane: usize, rk: &RoundKeys) {
        let (g, q) = (lane / PER_GROUP, lane % PER_GROUP);
        // The four 32-bit elements of 128-bit position `q`.
        let mask: __mmask16 = 0xf << (4 * q);
        if let Some(group) = self.regs.get_mut(g) {
            for (dst, src) in group.iter_mut().zip(rk.bytes.iter()) {
                *dst = _mm512_mask_broadcast_i32x4(*dst, mask, load(src));
            }
        }
    }
}

/// Four 128-bit blocks into one register (block `q` at position `q`).
#[inline]
#[target_feature(enable = "avx512f")]
fn gather(v: [__m128i; PER_GROUP]) -> __m512i {
    let [a, b, c, d] = v;
    let z = _mm512_castsi128_si512(a);
    let z = _mm512_inserti32x4::<1>(z, b);
    let z = _mm512_inserti32x4::<2>(z, c);
    _mm512_inserti32x4::<3>(z, d)
}

/// The four 128-bit blocks of a register.
#[inline]
#[target_feature(enable = "avx512f")]
fn scatter(z: __m512i) -> [__m128i; PER_GROUP] {
    [
        _mm512_extracti32x4_epi32::<0>(z),
        _mm512_extracti32x4_epi32::<1>(z),
        _mm512_extracti32x4_epi32::<2>(z),
        _mm512_extracti32x4_epi32::<3>(z),
    ]
}

/// Lanes `4 g ..` of a per-lane array, as a register.
#[inline]
#[target_feature(enable = "avx512f")]
fn gather_group(v: &[__m128i; LANES], g: usize) -> __m512i {
    let mut four = [_mm_setzero_si128(); PER_GROUP];
    for (f, x) in four.iter_mut().zip(v.iter().skip(PER_GROUP * g)) {
        *f = *x;
    }
    gather(four)
}

/// Writes a register back into lanes `4 g ..` of a per-lane array.
#[inline]
#[target_feature(enable = "avx512f")]
fn scatter_group(v: &mut [__m128i; LANES], g: usize, z: __m512i) {
    for (x, f) in v.iter_mut().skip(PER_GROUP * g).zip(scatter(z)) {
        *x = f;
    }
}

/// One step's AES over both kinds of block: `mac` and `ctr` are the inputs (before the
/// whitening key), the results are their encryptions under each lane's key.
#[inline]
#[target_feature(enable = "vaes,avx512f")]
fn encrypt_groups<const NR: usize>(
    keys: &LaneKeys,
    mut mac: [__m512i; GROUPS],
    mut ctr: [__m512i; GROUPS],
) -> ([__m512i; GROUPS], [__m512i; GROUPS]) {
    for ((m, c), k) in mac.iter_mut().zip(ctr.iter_mut()).zip(keys.regs.iter()) {
        *m = _mm512_xor_si512(*m, k[0]);
        *c = _mm512_xor_si512(*c, k[0]);
    }
    for r in 1..NR {
        for ((m, c), k) in mac.iter_mut().zip(ctr.iter_mut()).zip(keys.regs.iter()) {
            *m = _mm512_aesenc_epi128(*m, k[r]);
            *c = _mm512_aesenc_epi128(*c, k[r]);
        }
    }
    for ((m, c), k) in mac.iter_mut().zip(ctr.iter_mut()).zip(keys.regs.iter()) {
        *m = _mm512_aesenclast_epi128(*m, k[NR]);
        *c = _mm512_aesenclast_epi128(*c, k[NR]);
    }
    (mac, ctr)
}

/// One lane: the packet it works on and where its chain stands.
struct Lane<'p, 'k, P> {
    packet: &'p mut P,
    /// The CBC-MAC value after blocks `0 .. next`.
    x: __m128i,
    /// Open: the keystream for the next payload block.
    ks: __m128i,
    /// `A_0`.
    base: __m128i,
    /// `E(A_0)`.
    s0: __m128i,
    b0: __m128i,
    /// The next MAC input block: 0 is `B_0`, then `aad_blocks` AAD blocks, then the payload.
    next: usize,
    aad_blocks: usize,
    total: usize,
    /// Payload length in bytes.
    len: usize,
    prefix: [u8; 10],
    prefix_len: usize,
    aad: &'k [&'k [u8]],
}

impl<P> Lane<'_, '_, P> {
    /// The counter the lane's counter side computes in its next step, if any.
    fn counter<const OPEN: bool>(&self) -> Option<usize> {
        (self.next + usize::from(OPEN)).checked_sub(self.aad_blocks)
    }

    /// How many full payload blocks the lane can run from its next step on (0 if its next
    /// block is a header block).
    fn full_blocks_left(&self) -> usize {
        let first_payload = 1 + self.aad_blocks;
        match self.next.checked_sub(first_payload) {
            Some(done) => (self.len / 16).saturating_sub(done),
            None => 0,
        }
    }
}

/// Takes the next pending packet (from `pending`) that the engine for `NR` rounds should run,
/// loads its key into lane `slot` and stages its first formatted-AAD blocks in `head`.
#[target_feature(enable = "aes,vaes,avx512f,avx512bw,avx512vl")]
fn start_lane<'p, 'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(
    pending: &mut core::slice::IterMut<'p, P>,
    keys: &mut LaneKeys,
    slot: usize,
    head: &mut [[u8; 16]; HEAD_BLOCKS],
) -> Option<Lane<'p, 'k, P>> {
    for p in pending.by_ref() {
        let Some(key) = p.fused_key().filter(|k| k.rk.rounds == NR) else {
            continue;
        };
        let (nonce, aad, len, tag_len) = (p.nonce(), p.aad(), p.buffer().len(), p.tag_len());
        // The caller validated the packet; a failure here would be a bug, so skip it.
        let (Ok(l), Ok(aad_len)) = (check_sizes(nonce, tag_len, len), total_aad_len(aad)) else {
            continue;
        };
        let mut prefix = [0u8; 10];
        let prefix_len = if aad_len > 0 {
            aad_len_prefix(aad_len, &mut prefix)
        } else {
            0
        };
        let Ok(aad_blocks) =
            usize::try_from(aad_len.saturating_add(prefix_len as u64).div_ceil(16))
        else {
            continue;
        };
        keys.set_lane(slot, &key.rk);
        let (base, b0) = header_blocks(nonce, l, tag_len, aad_len, len);
        // Open without AAD: the counter side starts at counter 1 in step 0, so `E(A_0)` is
        // computed here.
        let s0 = if OPEN && aad_blocks == 0 {
            encrypt1::<NR>(&load_keys(&key.rk), base)
        } else {
            _mm_setzero_si128()
        };
        *head = [[0; 16]; HEAD_BLOCKS];
        let mut free = head.as_flattened_mut();
        for part in core::iter::once(&prefix[..prefix_len]).chain(aad.iter().copied()) {
            let take = part.len().min(free.len());
            let (dst, tail) = free.split_at_mut(take);
            dst.copy_from_slice(&part[..take]);
            free = tail;
            if free.is_empty() {
                break;
            }
        }
        return Some(Lane {
            packet: p,
            x: _mm_setzero_si128(),
            ks: _mm_setzero_si128(),
            base,
            s0,
            b0,
            next: 0,
            aad_blocks,
            total: 1 + aad_blocks + len.div_ceil(16),
            len,
            prefix,
            prefix_len,
            aad,
        });
    }
    None
}

/// Byte shuffle turning a little-endian counter in the high half of each 128-bit position
/// into its big-endian counter field (low half zero).
#[inline]
#[target_feature(enable = "avx512f")]
fn bswap_counter_mask() -> __m512i {
    // Per position: bytes 0..8 zero (index with the top bit set), byte 8 + k from 15 - k.
    let lo = i64::from_le_bytes([0x80; 8]);
    let hi = i64::from_le_bytes([15, 14, 13, 12, 11, 10, 9, 8]);
    _mm512_set_epi64(hi, lo, hi, lo, hi, lo, hi, lo)
}

/// Runs `steps` steps in which every busy lane absorbs a full payload block: `bufs[j]` is lane
/// `j`'s next `steps` blocks (empty for an idle lane), `x` the lanes' MAC values, `ks` (open)
/// the keystream for each lane's first block, `first_ctr` each lane's counter for the first
/// step's counter block and `base` each lane's `A_0`; `x` and `ks` are updated.
#[target_feature(enable = "aes,vaes,avx512f,avx512bw,avx512vl")]
fn fast_steps<const NR: usize, const OPEN: bool>(
    keys: &LaneKeys,
    bufs: &mut [&mut [[u8; 16]]; LANES],
    steps: usize,
    x: &mut [__m128i; LANES],
    ks: &mut [__m128i; LANES],
    first_ctr: &[u64; LANES],
    base: &[__m128i; LANES],
) {
    let bswap = bswap_counter_mask();
    let one = _mm512_set_epi64(1, 0, 1, 0, 1, 0, 1, 0);
    let mut xv = [_mm512_setzero_si512(); GROUPS];
    let mut ksv = [_mm512_setzero_si512(); GROUPS];
    let mut ctrv = [_mm512_setzero_si512(); GROUPS];
    let mut basev = [_mm512_setzero_si512(); GROUPS];
    let mut ctr_lanes = [_mm_setzero_si128(); LANES];
    for (c, &n) in ctr_lanes.iter_mut().zip(first_ctr.iter()) {
        *c = _mm_set_epi64x(n as i64, 0);
    }
    for g in 0..GROUPS {
        xv[g] = gather_group(x, g);
        ksv[g] = gather_group(ks, g);
        ctrv[g] = gather_group(&ctr_lanes, g);
        basev[g] = gather_group(base, g);
    }
    for t in 0..steps {
        // Each lane's payload block (ciphertext for open), zero for an idle lane.
        let mut data = [_mm512_setzero_si512(); GROUPS];
        for (d, lanes) in data.iter_mut().zip(bufs.chunks_exact(PER_GROUP)) {
            let mut four = [_mm_setzero_si128(); PER_GROUP];
            for (f, buf) in four.iter_mut().zip(lanes) {
                if let Some(b) = buf.get(t) {
                    *f = load(b);
                }
            }
            *d = gather(four);
        }
        let mut mac = [_mm512_setzero_si512(); GROUPS];
        let mut ctr = [_mm512_setzero_si512(); GROUPS];
        let mut plain = [_mm512_setzero_si512(); GROUPS];
        for g in 0..GROUPS {
            plain[g] = if OPEN {
                _mm512_xor_si512(data[g], ksv[g])
            } else {
                data[g]
            };
            mac[g] = _mm512_xor_si512(xv[g], plain[g]);
            ctr[g] = _mm512_xor_si512(basev[g], _mm512_shuffle_epi8(ctrv[g], bswap));
            ctrv[g] = _mm512_add_epi64(ctrv[g], one);
        }
        let (mac, stream) = encrypt_groups::<NR>(keys, mac, ctr);
        xv = mac;
        for (g, lanes) in bufs.chunks_exact_mut(PER_GROUP).enumerate() {
            // Seal writes the ciphertext, open the plaintext (its keystream was one step
            // ahead); open keeps the new keystream for the next step.
            let out = if OPEN {
                ksv[g] = stream[g];
                plain[g]
            } else {
                _mm512_xor_si512(plain[g], stream[g])
            };
            for (buf, o) in lanes.iter_mut().zip(scatter(out)) {
                if let Some(b) = buf.get_mut(t) {
                    store(b, o);
                }
            }
        }
    }
    for g in 0..GROUPS {
        scatter_group(x, g, xv[g]);
        scatter_group(ks, g, ksv[g]);
    }
}

/// Runs every pending packet whose key has `NR` rounds through the eight VAES lanes.
#[target_feature(enable = "aes,vaes,avx512f,avx512bw,avx512vl")]
fn vaes_lanes<'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(packets: &mut [P]) {
    let mut pending = packets.iter_mut();
    let mut keys = LaneKeys::new();
    let mut heads = [[[0u8; 16]; HEAD_BLOCKS]; LANES];
    let mut lanes: [Option<Lane<'_, 'k, P>>; LANES] = [const { None }; LANES];
    loop {
        // Fill idle lanes.
        let mut active = 0;
        for (j, (slot, head)) in lanes.iter_mut().zip(heads.iter_mut()).enumerate() {
            if slot.is_none() {
                *slot = start_lane::<NR, OPEN, P>(&mut pending, &mut keys, j, head);
            }
            active += usize::from(slot.is_some());
        }
        if active == 0 {
            return;
        }

        let steps = lanes
            .iter()
            .flatten()
            .map(Lane::full_blocks_left)
            .min()
            .unwrap_or(0);
        let mut x = [_mm_setzero_si128(); LANES];
        let mut ks = [_mm_setzero_si128(); LANES];
        let mut base = [_mm_setzero_si128(); LANES];
        for (j, lane) in lanes.iter().enumerate() {
            if let (Some(l), Some(xj), Some(kj), Some(bj)) =
                (lane, x.get_mut(j), ks.get_mut(j), base.get_mut(j))
            {
                (*xj, *kj, *bj) = (l.x, l.ks, l.base);
            }
        }
        if steps > 0 {
            // Every busy lane has `steps` full payload blocks ahead.
            let mut first_ctr = [0u64; LANES];
            let mut bufs: [&mut [[u8; 16]]; LANES] = Default::default();
            for ((slot, buf), c) in lanes.iter_mut().zip(bufs.iter_mut()).zip(&mut first_ctr) {
                let Some(lane) = slot else { continue };
                let done = lane.next - 1 - lane.aad_blocks;
                *c = lane.counter::<OPEN>().unwrap_or(0) as u64;
                if let Some(b) = lane
                    .packet
                    .buffer_mut()
                    .get_mut(16 * done..16 * (done + steps))
                {
                    *buf = b.as_chunks_mut::<16>().0;
                }
            }
            fast_steps::<NR, OPEN>(&keys, &mut bufs, steps, &mut x, &mut ks, &first_ctr, &base);
            for ((slot, xj), kj) in lanes.iter_mut().zip(x).zip(ks) {
                if let Some(lane) = slot {
                    (lane.x, lane.ks) = (xj, kj);
                    lane.next += steps;
                }
            }
        } else {
            general_step::<NR, OPEN, P>(&keys, &mut lanes, &heads, &x, &base);
        }

        // Retire finished packets.
        for slot in lanes.iter_mut() {
            if let Some(lane) = slot
                && lane.next == lane.total
            {
                let mut full = [0u8; 16];
                store(&mut full, _mm_xor_si128(lane.x, lane.s0));
                lane.packet.finish(&mut full);
                full.zeroize();
                *slot = None;
            }
        }
    }
}

/// One step in which each busy lane's blocks are prepared on their own: `B_0`, an AAD block,
/// or a payload block that may be partial.
#[target_feature(enable = "aes,vaes,avx512f,avx512bw,avx512vl")]
fn general_step<'k, const NR: usize, const OPEN: bool, P: BatchPacket<'k>>(
    keys: &LaneKeys,
    lanes: &mut [Option<Lane<'_, 'k, P>>; LANES],
    heads: &[[[u8; 16]; HEAD_BLOCKS]; LANES],
    x: &[__m128i; LANES],
    base: &[__m128i; LANES],
) {
    let mut m = [_mm_setzero_si128(); LANES];
    let mut c = *base;
    for (((slot, mj), cj), head) in lanes
        .iter_mut()
        .zip(m.iter_mut())
        .zip(c.iter_mut())
        .zip(heads.iter())
    {
        let Some(lane) = slot else { continue };
        let s = lane.next;
        *mj = if s == 0 {
            lane.b0
        } else if let Some(b) = head.get(s - 1).filter(|_| s <= lane.aad_blocks) {
            load(b)
        } else if s <= lane.aad_blocks {
            let mut b = super::batch::aad_block(&lane.prefix[..lane.prefix_len], lane.aad, s - 1);
            let v = load(&b);
            b.zeroize();
            v
        } else {
            let i = s - 1 - lane.aad_blocks;
            if OPEN {
                decrypt_payload(lane.packet.buffer_mut(), i, lane.ks)
            } else {
                load_payload(lane.packet.buffer(), i)
            }
        };
        if let Some(n) = lane.counter::<OPEN>() {
            *cj = ctr_block(lane.base, n as u64);
        }
    }
    let mut mac = [_mm512_setzero_si512(); GROUPS];
    let mut ctr = [_mm512_setzero_si512(); GROUPS];
    let mut xin = *x;
    for (xi, mj) in xin.iter_mut().zip(m.iter()) {
        *xi = _mm_xor_si128(*xi, *mj);
    }
    for g in 0..GROUPS {
        mac[g] = gather_group(&xin, g);
        ctr[g] = gather_group(&c, g);
    }
    let (mac, stream) = encrypt_groups::<NR>(keys, mac, ctr);
    let mut xout = [_mm_setzero_si128(); LANES];
    let mut ksout = [_mm_setzero_si128(); LANES];
    for g in 0..GROUPS {
        scatter_group(&mut xout, g, mac[g]);
        scatter_group(&mut ksout, g, stream[g]);
    }
    for (((slot, xo), ko), mj) in lanes.iter_mut().zip(xout).zip(ksout).zip(m) {
        let Some(lane) = slot else { continue };
        match lane.counter::<OPEN>() {
            Some(0) => lane.s0 = ko,
            Some(_) if OPEN => lane.ks = ko,
            Some(n) => store_payload(lane.packet.buffer_mut(), n - 1, _mm_xor_si128(ko, mj)),
            None => {}
        }
        lane.x = xo;
        lane.next += 1;
    }
}

/// Runs every packet whose `fused_key` is `Some` through the VAES engine, one round count at
/// a time (`r10`, `r12`, `r14`: whether any packet has that many rounds).
///
/// # Safety
///
/// The CPU must have AES-NI, VAES, AVX-512F, AVX-512BW and AVX-512VL
/// ([`super::vaes_available`]).
pub(super) unsafe fn run<'k, P: BatchPacket<'k>, const OPEN: bool>(
    packets: &mut [P],
    r10: bool,
    r12: bool,
    r14: bool,
) {
    // SAFETY (all three calls): the caller guarantees the CPU features.
    unsafe {
        if r10 {
            vaes_lanes::<10, OPEN, P>(packets);
        }
        if r12 {
            vaes_lanes::<12, OPEN, P>(packets);
        }
        if r14 {
            vaes_lanes::<14, OPEN, P>(packets);
        }
    }
}
