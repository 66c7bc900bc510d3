#!/usr/bin/env python3
"""Writes src/m0asm_gen.rs: the 256 x 256-bit product and square over 16-bit digits for
ARMv6-M (Cortex-M0/M0+: `MULS` gives only the low 32 bits of a product, and most instructions
reach only r0-r7), in Thumb-1 assembly: the 512-bit product and square (P-256's `mul_wide16`,
`sqr_wide16`) and both reduced mod 2^255 - 19 (`Fe16`'s `mul` and `square`).

The squares sum the 120 products off the diagonal (i < j) by the same scanning, then one pass
over 32-bit words adds 2 * S_w + a_w^2 (digit w squared is exactly word w) with a running
carry.

Algorithm: product scanning over sixteen 16-bit digits. Column k sums a[i] * b[k - i], each a
16 x 16 -> 32-bit `MULS`, into a 64-bit accumulator L:H (`ADDS`, `ADCS` with a zero register);
the column's low 16 bits are stored as digit k (`STRH`) and the accumulator moves down 16 bits
(a column sum stays below 2^37, so H's carries stay below 2^16; H itself is not cleared, its
old part is shifted out by the next column's `LSLS`). Registers: a, b
and output pointers, L, H, zero and the two digits: all eight low registers, so each block
saves r4-r7 itself. Every partial product costs `LDRH, LDRH, MULS, ADDS, ADCS` (7 cycles).

The reduction (2^256 = 38 mod p) runs over 32-bit words of the 32 digits (kept in a stack
frame the block makes itself): word k + 38 * word k + 8, with 38 * w as 38 * (w & 0xffff) +
(38 * (w >> 16)) << 16 (two `MULS`, each product below 2^22), and a 64-bit running carry;
then bits 255 and up times 19 are added back to word 0 with one carry chain, so the result is
below 2^256 (not canonical), the invariant of `Fe16`. Digits are written with `STRH`; the high
half of a word is taken with `REV` and `REV16`, which leave the carry flag alone.

The products (`mul_wide16`, `mul_25519`) are one level of subtractive Karatsuba over this
scanning (`kara_mul`, below); the scanning products are kept in `--check` for comparison.

Usage: python3 tools/gen_m0asm.py > src/m0asm_gen.rs
       python3 tools/gen_m0asm.py --check   (runs both blocks on a model of the registers,
       the carry flag and memory over random and extreme inputs, compares with Python's
       integers, and prints each block's instruction count and M0 cycle estimate)
"""

from asm_template import asm_body, asm_call

PA, PB, PO = "r0", "r1", "r2"
L, H, Z, X, Y = "r3", "r4", "r5", "r6", "r7"
# Stack frame of the reduced product: 32 digits (16 words), then the output pointer.
FRAME = 72
OUT_SLOT = 64


def scan(columns, pb):
    """Product scanning: for each (k, pairs) in columns, the sum of a[i] * (b or a)[j] over the
    pairs plus the carry into digit k at [PO]. Columns alternate direction (zigzag), so the
    last pair of a column and the first of the next share a digit: `MULS` overwrites the other
    operand and the shared digit stays loaded (one `LDRH` fewer per column)."""
    lines = []
    emit = lines.append
    seq = [(k, i, j) for k, pairs in columns for i, j in pairs]
    held = {X: None, Y: None}
    for n, (k, i, j) in enumerate(seq):
        want = [(PA, i), (pb, j)]
        keep = next((r for r in (X, Y) if held[r] in want), None)
        if keep is None:
            load = {X: want[0], Y: want[1]}
        else:
            other = Y if keep == X else X
            load = {other: want[1] if held[keep] == want[0] else want[0]}
        for r, (base, d) in load.items():
            emit(f"ldrh {r}, [{base}, #{2 * d}]")
            held[r] = (base, d)
        # The operand the next pair also needs survives the multiplication.
        nxt = [(PA, seq[n + 1][1]), (pb, seq[n + 1][2])] if n + 1 < len(seq) else []
        dest = Y if held[X] in nxt else X
        src = X if dest == Y else Y
        emit(f"muls {dest}, {src}, {dest}")
        held[dest] = None
        emit(f"adds {L}, {L}, {dest}")
        emit(f"adcs {H}, {Z}")
        if n + 1 == len(seq) or seq[n + 1][0] != k:
            emit(f"strh {L}, [{PO}, #{2 * k}]")
            emit(f"lsrs {L}, {L}, #16")
            emit(f"lsls {H}, {H}, #16")
            emit(f"orrs {L}, {H}")
            # H is not cleared: the next column's carries (below 2^16) add to H << 16, and the
            # next `LSLS H, H, #16` shifts that old part out.
    return lines


def zigzag(columns):
    return [(k, pairs if n % 2 == 0 else pairs[::-1]) for n, (k, pairs) in enumerate(columns)]


def product():
    """a * b into the 32 digits at [PO]: columns 0..31."""
    lines = [f"movs {L}, #0", f"movs {H}, #0", f"movs {Z}, #0"]
    columns = [(k, [(i, k - i) for i in range(max(0, k - 15), min(k, 15) + 1)]) for k in range(31)]
    lines += scan(zigzag(columns), PB)
    lines.append(f"strh {L}, [{PO}, #62]")
    return lines


def square_wide(base):
    """a^2 into the 32 digits at [base] (PO or sp; PO points there): the off-diagonal sum S
    (i < j, 120 products) by product scanning as in `product`, then one pass over words:
    word w = 2 * S_w + a_w^2 + carry (digit w squared is exactly word w)."""
    lines = [f"movs {L}, #0", f"movs {H}, #0", f"movs {Z}, #0", f"strh {L}, [{PO}, #0]"]
    columns = [(k, [(i, k - i) for i in range(max(0, k - 15), (k - 1) // 2 + 1)])
               for k in range(1, 30)]
    # r1 (b's pointer in the products) is free here: a third digit register.
    lines += scan3(zigzag(columns), 0, 0, PB, same=True)
    # Column 30 has no product: digits 30 and 31 are the last carry. S is below 2^496 (its
    # maximum, every digit 0xffff, has 496 bits), so digit 31 and then L are zero.
    lines += [f"strh {L}, [{PO}, #60]", f"lsrs {L}, {L}, #16", f"strh {L}, [{PO}, #62]",
              f"movs {H}, #0"]
    emit = lines.append
    # acc:cc += 2 * S_w + a_w^2; acc and cc swap roles each word (no move).
    acc, cc, t, u = L, H, X, Y
    for w in range(16):
        emit(f"ldr {t}, [{base}, #{4 * w}]")
        emit(f"ldrh {u}, [{PA}, #{2 * w}]")
        emit(f"muls {u}, {u}, {u}")
        for term in (t, t, u):
            emit(f"adds {acc}, {acc}, {term}")
            emit(f"adcs {cc}, {Z}")
        emit(f"str {acc}, [{base}, #{4 * w}]")
        if w < 15:
            emit(f"movs {acc}, #0")
            acc, cc = cc, acc
    return lines


def reduce_25519(aligned_out=True):
    """The 16 words at [sp] to 8 words below 2^256 at the output (pointer at [sp, #OUT_SLOT]): a
    word-aligned `Fe16` written with `STR`, or with `aligned_out` false two `STRH` per word
    (the high half by `REV`, `REV16`)."""
    lines = []
    emit = lines.append
    out, k38, zero, acc, cc, t, u, v = "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"
    emit(f"ldr {out}, [sp, #{OUT_SLOT}]")
    emit(f"movs {k38}, #38")
    emit(f"movs {zero}, #0")
    emit(f"movs {acc}, #0")
    for k in range(8):
        # acc:cc (cc starting as the high part of 38 * w) += lo word k + 38 * w.
        emit(f"ldr {t}, [sp, #{32 + 4 * k}]")
        emit(f"uxth {u}, {t}")
        emit(f"lsrs {t}, {t}, #16")
        emit(f"muls {u}, {k38}, {u}")
        emit(f"muls {t}, {k38}, {t}")
        emit(f"lsls {v}, {t}, #16")
        emit(f"lsrs {cc}, {t}, #16")
        emit(f"adds {acc}, {acc}, {u}")
        emit(f"adcs {cc}, {zero}")
        emit(f"adds {acc}, {acc}, {v}")
        emit(f"adcs {cc}, {zero}")
        emit(f"ldr {u}, [sp, #{4 * k}]")
        emit(f"adds {acc}, {acc}, {u}")
        emit(f"adcs {cc}, {zero}")
        if k < 7:
            emit(f"str {acc}, [sp, #{4 * k}]")
            acc, cc = cc, acc  # the carry is the next word's sum; cc is set afresh
    # acc is word 7, cc the carry above it: top = bits 255 and up, times 19, into word 0.
    emit(f"lsls {cc}, {cc}, #1")
    emit(f"lsrs {t}, {acc}, #31")
    emit(f"orrs {cc}, {t}")
    emit(f"lsls {acc}, {acc}, #1")
    emit(f"lsrs {acc}, {acc}, #1")
    emit(f"str {acc}, [sp, #28]")
    emit(f"movs {t}, #19")
    emit(f"muls {cc}, {t}, {cc}")
    for k in range(8):
        emit(f"ldr {acc}, [sp, #{4 * k}]")
        if k == 0:
            emit(f"adds {acc}, {acc}, {cc}")
        else:
            emit(f"adcs {acc}, {zero}")
        if aligned_out:
            emit(f"str {acc}, [{out}, #{4 * k}]")
            continue
        emit(f"strh {acc}, [{out}, #{4 * k}]")
        emit(f"rev {acc}, {acc}")
        emit(f"rev16 {acc}, {acc}")
        emit(f"strh {acc}, [{out}, #{4 * k + 2}]")
    return lines


def wide_block():
    return product()


def reduced_block(square=False):
    lines = [f"sub sp, #{FRAME}", f"str {PO}, [sp, #{OUT_SLOT}]", f"mov {PO}, sp"]
    lines += square_wide("sp") if square else product()
    lines += reduce_25519(aligned_out=square)
    lines.append(f"add sp, #{FRAME}")
    return lines



# --- One level of subtractive Karatsuba over the scanning leaf (measured, see `--check`) ---
#
# a * b = L + 2^128 (L + H - (a_lo - a_hi)(b_lo - b_hi)) + 2^256 H, with L = a_lo b_lo and
# H = a_hi b_hi by the product scanning above over 8 x 8 digits (written to the output's low
# and high halves), and the middle product M = |a_lo - a_hi| |b_lo - b_hi| into the frame.
# The differences' signs are borrow masks (`SBCS r, r`), the absolute values (d ^ m) + (m & 1)
# in a second carry pass; K = ~(ma ^ mb) says whether M is subtracted: the middle words are
# L + H + (M ^ K) + (K & 1) (one 64-bit column accumulator, four terms per word), and K (0 or
# -1) added at word 12 removes the 2^256 that the two's complement put there. No branch.

KF_DA, KF_DB, KF_M, KF_K, KF_SAVE, KF_COPY = 0, 16, 32, 64, 68, 80
KF_SIZE = 144


def kara_load_word(emit, dst, base, off, tmp, k16, aligned):
    """One 32-bit word of an operand; with 16-bit digits (2-byte alignment) two `LDRH` joined
    by a `MULS` by 2^16 and `ORRS`, which leave the carry flag alone."""
    if aligned:
        emit(f"ldr {dst}, [{base}, #{off}]")
    else:
        emit(f"ldrh {dst}, [{base}, #{off}]")
        emit(f"ldrh {tmp}, [{base}, #{off + 2}]")
        emit(f"muls {tmp}, {k16}, {tmp}")
        emit(f"orrs {dst}, {tmp}")


def kara_absdiff(emit, base, dst, fo, aligned, copy):
    """|x_lo - x_hi| (4 words) of the operand at [base] into [sp, #fo + dst], and a copy of its
    8 words at [sp, #fo + copy]; the mask (all ones when x_lo < x_hi) left in r7. Uses r3-r7."""
    x, y, t, k16, m = "r3", "r4", "r5", "r6", "r7"
    if not aligned:
        emit(f"movs {k16}, #1")
        emit(f"lsls {k16}, {k16}, #16")
    for w in range(4):
        kara_load_word(emit, x, base, 4 * w, t, k16, aligned)
        kara_load_word(emit, y, base, 4 * w + 16, t, k16, aligned)
        emit(f"str {x}, [sp, #{fo + copy + 4 * w}]")
        emit(f"str {y}, [sp, #{fo + copy + 16 + 4 * w}]")
        emit(f"{'subs' if w == 0 else 'sbcs'} {x}, {x}, {y}" if w == 0 else f"sbcs {x}, {y}")
        emit(f"str {x}, [sp, #{fo + dst + 4 * w}]")
    emit(f"sbcs {m}, {m}")
    # (d ^ m) + (m & 1): the carry flag set to bit 0 of m.
    emit(f"movs {y}, #0")
    emit(f"lsrs {t}, {m}, #1")
    for w in range(4):
        emit(f"ldr {x}, [sp, #{fo + dst + 4 * w}]")
        emit(f"eors {x}, {m}")
        emit(f"adcs {x}, {y}")
        emit(f"str {x}, [sp, #{fo + dst + 4 * w}]")


def kara_leaf(lo, pb):
    """Product scanning of the 8 x 8 digits lo..lo + 8 of [PA] and [pb] into digits 2 lo..2 lo + 16
    of [PO]."""
    lines = [f"movs {L}, #0", f"movs {H}, #0", f"movs {Z}, #0"]
    columns = [(k, [(i, k - i) for i in range(max(lo, k - lo - 7), min(k - lo, lo + 7) + 1)])
               for k in range(2 * lo, 2 * lo + 15)]
    lines += scan(zigzag(columns), pb)
    lines.append(f"strh {L}, [{PO}, #{4 * lo + 30}]")
    return lines


def scan3(columns, a_off, b_off, w, same=False, out_off=None):
    """Product scanning as `scan`, with both operands behind PA (digit i of a at
    [PA, #a_off + 2 i], of b at [PA, #b_off + 2 i]) so that PB is a third digit register w:
    the digits in registers are kept by furthest next use (the one `MULS` overwrites is the
    one needed last), which saves about one `LDRH` per column. With `same` (a square) both
    digits of a pair are a's. With `out_off` the column digits go to [PA, #out_off + 2 k]
    too, and PO is a fourth digit register."""
    lines = []
    emit = lines.append
    seq = [(k, ("a", i), ("a" if same else "b", j)) for k, pairs in columns for i, j in pairs]
    regs = [X, Y, w] + ([PO] if out_off is not None else [])
    held = {r: None for r in regs}

    def next_use(d, n):
        for m in range(n, len(seq)):
            if d in seq[m][1:]:
                return m
        return len(seq) + 1

    for n, (k, da, db) in enumerate(seq):
        for d in (da, db):
            if d in held.values():
                continue
            other = db if d == da else da
            free = [r for r in regs if held[r] is None]
            if free:
                r = free[0]
            else:
                cand = [r for r in regs if held[r] != other]
                r = max(cand, key=lambda r: next_use(held[r], n + 1))
            base_off = a_off if d[0] == "a" else b_off
            emit(f"ldrh {r}, [{PA}, #{base_off + 2 * d[1]}]")
            held[r] = d
        ra = next(r for r in regs if held[r] == da)
        rb = next(r for r in regs if held[r] == db)
        dest, src = (ra, rb) if next_use(da, n + 1) >= next_use(db, n + 1) else (rb, ra)
        emit(f"muls {dest}, {src}, {dest}")
        held[dest] = None
        emit(f"adds {L}, {L}, {dest}")
        emit(f"adcs {H}, {Z}")
        if n + 1 == len(seq) or seq[n + 1][0] != k:
            if out_off is None:
                emit(f"strh {L}, [{PO}, #{2 * k}]")
            else:
                emit(f"strh {L}, [{PA}, #{out_off + 2 * k}]")
            emit(f"lsrs {L}, {L}, #16")
            emit(f"lsls {H}, {H}, #16")
            emit(f"orrs {L}, {H}")
    return lines


def kara_leaf3(lo, a_off, b_off, out_off=None):
    """As `kara_leaf`, with both operands' digits lo..lo + 8 behind PA (see `scan3`)."""
    lines = [f"movs {L}, #0", f"movs {H}, #0", f"movs {Z}, #0"]
    columns = [(k, [(i, k - i) for i in range(max(lo, k - lo - 7), min(k - lo, lo + 7) + 1)])
               for k in range(2 * lo, 2 * lo + 15)]
    lines += scan3(zigzag(columns), a_off, b_off, PB, out_off=out_off)
    if out_off is None:
        lines.append(f"strh {L}, [{PO}, #{4 * lo + 30}]")
    else:
        lines.append(f"strh {L}, [{PA}, #{out_off + 4 * lo + 30}]")
    return lines


def kara_mul(aligned, fo, rbase):
    """a * b (r0 = a, r1 = b, r2 = the output, or the 16 words at [sp] when rbase is "sp")
    with one level of Karatsuba. The frame (KF_SIZE bytes at [sp, #fo]) is the caller's."""
    lines = []
    emit = lines.append
    emit(f"str {PO}, [sp, #{fo + KF_SAVE}]")
    kara_absdiff(emit, PA, KF_DA, fo, aligned, KF_COPY)
    emit(f"mov r2, r7")
    kara_absdiff(emit, PB, KF_DB, fo, aligned, KF_COPY + 32)
    emit(f"eors r7, r2")
    emit(f"mvns r7, r7")
    emit(f"str r7, [sp, #{fo + KF_K}]")
    # M into the frame (DB follows DA, M follows DB: PB and PO are free for a third and a
    # fourth digit).
    emit(f"add {PA}, sp, #{fo + KF_DA}")
    lines += kara_leaf3(0, 0, KF_DB - KF_DA, out_off=KF_M - KF_DA)
    # L and H into the result, from the copies of a and b (b's 32 bytes after a's).
    emit(f"add {PA}, sp, #{fo + KF_COPY}")
    if rbase == "sp":
        emit(f"mov {PO}, sp")
    else:
        emit(f"ldr {PO}, [sp, #{fo + KF_SAVE}]")
    lines += kara_leaf3(0, 0, 32)
    lines += kara_leaf3(8, 0, 32)
    # The middle words: R[i] += L[j] + H[j] + (M[j] ^ K) (+ K & 1 once), j = i - 4; L[4..8] is
    # saved in the frame (over the differences) before its words are overwritten.
    r, k, zero, lo, hi, x = PO, "r1", "r0", "r3", "r4", "r5"
    emit(f"ldr {k}, [sp, #{fo + KF_K}]")
    emit(f"movs {zero}, #0")
    emit(f"lsrs {lo}, {k}, #31")
    emit(f"movs {hi}, #0")
    for i in range(4, 12):
        j = i - 4
        emit(f"ldr {x}, [{r}, #{4 * i}]")
        if i < 8:
            emit(f"str {x}, [sp, #{fo + KF_DA + 4 * j}]")
        emit(f"adds {lo}, {lo}, {x}")
        emit(f"adcs {hi}, {zero}")
        if j < 4:
            emit(f"ldr {x}, [{r}, #{4 * j}]")
        else:
            emit(f"ldr {x}, [sp, #{fo + KF_DA + 4 * (j - 4)}]")
        emit(f"adds {lo}, {lo}, {x}")
        emit(f"adcs {hi}, {zero}")
        emit(f"ldr {x}, [{r}, #{4 * (8 + j)}]")
        emit(f"adds {lo}, {lo}, {x}")
        emit(f"adcs {hi}, {zero}")
        emit(f"ldr {x}, [sp, #{fo + KF_M + 4 * j}]")
        emit(f"eors {x}, {k}")
        emit(f"adds {lo}, {lo}, {x}")
        emit(f"adcs {hi}, {zero}")
        emit(f"str {lo}, [{r}, #{4 * i}]")
        lo, hi = hi, lo
        emit(f"movs {hi}, #0")
    # The carry into word 12, plus K, as a signed value in lo and its sign in hi.
    emit(f"adds {lo}, {lo}, {k}")
    emit(f"asrs {hi}, {lo}, #31")
    for i in range(12, 16):
        emit(f"ldr {x}, [{r}, #{4 * i}]")
        emit(f"adds {x}, {x}, {lo}" if i == 12 else f"adcs {x}, {hi}")
        emit(f"str {x}, [{r}, #{4 * i}]")
    return lines


def kara_wide_block():
    return [f"sub sp, #{KF_SIZE}"] + kara_mul(True, 0, PO) + [f"add sp, #{KF_SIZE}"]


def kara_reduced_block(aligned=True):
    lines = [f"sub sp, #{FRAME + KF_SIZE}", f"str {PO}, [sp, #{OUT_SLOT}]"]
    lines += kara_mul(aligned, FRAME, "sp")
    lines += reduce_25519()
    lines.append(f"add sp, #{FRAME + KF_SIZE}")
    return lines


HEADER = '''// Generated by tools/gen_m0asm.py: do not edit by hand.

//! The 256 x 256-bit product and square on ARMv6-M (Cortex-M0/M0+) over 16-bit digits, in
//! Thumb-1 assembly: [`mul_wide16`] and [`sqr_wide16`] (512 bits, the P-256 field) and
//! [`mul_25519`] and [`sqr_25519`] (reduced mod 2^255 - 19, below 2^256: `Fe16`'s product
//! and square).
//!
//! Why `unsafe`: the compiler's code for the same product scanning (`fe16_gen.rs`,
//! `p256/mul_gen.rs`) spends registers and instructions moving digits and 64-bit column sums
//! that an allocation by hand keeps in r0-r7 (the only registers most Thumb-1 instructions
//! reach), so the products are written with `core::arch::asm!`. Each block reads the two
//! operands and writes its whole result through pointers taken from references, touches no
//! other memory than its own stack frame and the stack slots of the registers it saves
//! itself, and branches nowhere: every instruction runs for every input and reads or writes
//! the same addresses (constant time; `MULS` has a fixed latency on a given core).
//!
//! Algorithm: the products are one level of subtractive Karatsuba over 128-bit halves
//! (`L + 2^128 (L + H - (a_lo - a_hi)(b_lo - b_hi)) + 2^256 H`, the middle product of the
//! absolute differences, its sign applied by masks); the three half products and the squares
//! are product scanning, one `MULS` per 16 x 16 -> 32-bit partial product, each
//! `LDRH, LDRH, MULS, ADDS, ADCS` into a 64-bit column accumulator, one `STRH` per column. The
//! reduction folds the high 256 bits times 38 over 32-bit words (two `MULS` per word), then
//! bits 255 and up times 19 into word 0 with one carry chain. The squares sum the 120
//! products off the diagonal once, then one pass over words adds `2 S_w + a_w^2`.
'''

FN = '''
{doc}
#[inline(never)]
pub fn {name}(a: &{ty}, b: &{ty}) -> {ret} {{
    let mut t = MaybeUninit::<{ret}>::uninit();
    // SAFETY: `a` and `b` are valid for reading their 32 bytes (references to `{ty}`, at
    // least 2-byte aligned, read with `LDRH` only) and `t` for writing its 32 or 64 bytes (its
    // own `MaybeUninit`, written with `STRH` only); the block reads only those bytes, writes
    // every byte of `t` ({writes}), and touches the stack only in
    // a frame it makes and frees itself below `sp` and to save and restore r4-r7 (r6 and r7
    // cannot be named as operands); r0-r3 and the flags are declared clobbered.
''' + asm_call(
    'r4-r7',
    [
        'inout("r0") a.as_ptr() => _',
        'inout("r1") b.as_ptr() => _',
        'inout("r2") t.as_mut_ptr().cast::<u16>() => _',
        'out("r3") _',
    ],
    'every byte',
)

KFN = '''
/// `a * b` as sixteen little-endian 32-bit words (P-256's 512-bit product): one level of
/// subtractive Karatsuba over 128-bit halves, each of the three products by product scanning.
#[inline(never)]
pub fn mul_wide16(a: &[u32; 8], b: &[u32; 8]) -> [u32; 16] {{
    let mut t = MaybeUninit::<[u32; 16]>::uninit();
    // SAFETY: `a` and `b` are valid for reading their 32 bytes and `t` for writing its 64 (word
    // aligned: references to `[u32; 8]` and a `MaybeUninit` of `[u32; 16]`, read with `LDR`
    // and `LDRH`, written with `STRH` and `STR`); the block reads only those bytes, reads a
    // byte of `t` only after writing it (the two half products write every digit of `t`
    // before the middle product is added in), and touches the stack only in a frame it makes
    // and frees itself below `sp` and to save and restore r4-r7 (r6 and r7 cannot be named as
    // operands); r0-r3 and the flags are declared clobbered.
''' + asm_call(
    'r4-r7',
    [
        'inout("r0") a.as_ptr() => _',
        'inout("r1") b.as_ptr() => _',
        'inout("r2") t.as_mut_ptr().cast::<u32>() => _',
        'out("r3") _',
    ],
    'every byte',
)

KFN25519 = '''
/// `a * b mod 2^255 - 19` over sixteen little-endian 16-bit digits, with a value below 2^256
/// (not canonical): the product of [`mul_wide16`] (one level of subtractive Karatsuba; `Fe16`
/// is word aligned, so its differences are taken over 32-bit words), then
/// `t[0..8] + 38 * t[8..16]` over words and one fold of bits 255 and up.
#[inline(never)]
pub fn mul_25519(a: &Fe16, b: &Fe16) -> Fe16 {{
    let mut t = MaybeUninit::<Fe16>::uninit();
    // SAFETY: `a` and `b` are valid for reading their 32 bytes (references to `Fe16`, a
    // `repr(C, align(4))` struct whose only field is its sixteen digits, read with `LDR` and
    // `LDRH`) and `t` for writing its 32 bytes (its own `MaybeUninit` of `Fe16`, word aligned,
    // written with `STR` only); the block reads only those bytes, writes every word of `t` in
    // its last pass, and
    // touches the stack only in a frame it makes and frees itself below `sp` and to save and
    // restore r4-r7 (r6 and r7 cannot be named as operands); r0-r3 and the flags are declared
    // clobbered.
''' + asm_call(
    'r4-r7',
    [
        'inout("r0") core::ptr::from_ref(a).cast::<u16>() => _',
        'inout("r1") core::ptr::from_ref(b).cast::<u16>() => _',
        'inout("r2") t.as_mut_ptr().cast::<u16>() => _',
        'out("r3") _',
    ],
    'every byte',
)

SQ = FN.replace("(a: &{ty}, b: &{ty})", "(a: &{ty})").replace(
    "`a` and `b` are valid for reading their 32 bytes (references to `{ty}`, at\n    // least",
    "`a` is valid for reading its 32 bytes (a reference to `{ty}`, at\n    // least").replace(
    "inout(\"r1\") b.as_ptr() => _,", "out(\"r1\") _,")




CYCLES = {"ldr": 2, "ldrh": 2, "str": 2, "strh": 2}


def simulate(lines, a, b, wide, aligned=None):
    """Runs the instructions on a model of r0-r7, sp, the carry flag and byte memory; returns
    the output's value and the cycle estimate (Cortex-M0 TRM: loads and stores 2, others 1)."""
    M = 0xFFFFFFFF
    mem = {}
    A, B, T, SP = 0x1000, 0x2000, 0x3000, 0x8000

    def store(addr, value, n):
        for i in range(n):
            mem[addr + i] = (value >> (8 * i)) & 0xFF

    def load(addr, n):
        return sum(mem[addr + i] << (8 * i) for i in range(n))

    if not (wide if aligned is None else aligned):
        # `[u16; 16]` operands are only 2-byte aligned: the blocks must not need more.
        A, B = A + 2, B + 2
    for k in range(16):
        store(A + 2 * k, a[k], 2)
        store(B + 2 * k, b[k], 2)
    # Registers not set up hold junk: a block must not depend on them.
    reg = {f"r{k}": 0xA5A5A5A5 ^ (k * 0x01010101) for k in range(8)}
    reg.update({"r0": A, "r1": B, "r2": T, "sp": SP})
    carry = 0
    cycles = 0

    def val(x):
        return int(x[1:]) if x.startswith("#") else reg[x]

    for line in lines:
        op, rest = line.split(" ", 1)
        args = [x.strip() for x in rest.replace("[", "").replace("]", "").split(",")]
        cycles += CYCLES.get(op, 1)
        if op == "movs":
            reg[args[0]] = val(args[1])  # N, Z only: the carry stays
        elif op == "mov":
            reg[args[0]] = reg[args[1]]
        elif op in ("ldr", "ldrh"):
            n = 4 if op == "ldr" else 2
            addr = reg[args[1]] + int(args[2][1:])
            assert addr % n == 0, line
            reg[args[0]] = load(addr, n)
        elif op in ("str", "strh"):
            n = 4 if op == "str" else 2
            addr = reg[args[1]] + int(args[2][1:])
            assert addr % n == 0, line
            store(addr, reg[args[0]], n)
        elif op == "muls":
            d, n, m = args
            assert d == m, line
            reg[d] = (reg[n] * reg[m]) & M  # N, Z only on ARMv6-M
        elif op in ("adds", "adcs"):
            if len(args) == 2:
                args = [args[0]] + args
            r = reg[args[1]] + val(args[2]) + (carry if op == "adcs" else 0)
            reg[args[0]] = r & M
            carry = r >> 32
        elif op in ("subs", "sbcs"):
            if len(args) == 2:
                args = [args[0]] + args
            r = reg[args[1]] + (~val(args[2]) & M) + (carry if op == "sbcs" else 1)
            reg[args[0]] = r & M
            carry = r >> 32
        elif op == "eors":
            reg[args[0]] ^= reg[args[1]]  # N, Z only
        elif op == "mvns":
            reg[args[0]] = ~reg[args[1]] & M
        elif op == "asrs":
            x, s = reg[args[1]], int(args[2][1:])
            carry = (x >> (s - 1)) & 1
            reg[args[0]] = ((x - (1 << 32) if x >> 31 else x) >> s) & M
        elif op in ("lsls", "lsrs"):
            s = int(args[2][1:])
            x = reg[args[1]]
            if op == "lsls":
                carry = (x >> (32 - s)) & 1
                reg[args[0]] = (x << s) & M
            else:
                carry = (x >> (s - 1)) & 1
                reg[args[0]] = x >> s
        elif op == "orrs":
            reg[args[0]] |= reg[args[1]]
        elif op == "uxth":
            reg[args[0]] = reg[args[1]] & 0xFFFF
        elif op == "rev":
            x = reg[args[1]]
            reg[args[0]] = int.from_bytes(x.to_bytes(4, "little"), "big")
        elif op == "rev16":
            x = reg[args[1]]
            reg[args[0]] = ((x & 0x00FF00FF) << 8) | ((x >> 8) & 0x00FF00FF)
        elif op == "sub" and args[0] == "sp":
            reg["sp"] -= int(args[1][1:])
        elif op == "add" and len(args) == 3 and args[1] == "sp":
            reg[args[0]] = reg["sp"] + int(args[2][1:])
        elif op == "add" and args[0] == "sp":
            reg["sp"] += int(args[1][1:])
        else:
            raise ValueError(line)
    assert reg["sp"] == SP
    n = 64 if wide else 32
    return load(T, n), cycles


def check():
    import random

    rng = random.Random(25519)
    top = [0xFFFF] * 16
    cases = [([0] * 16, [0] * 16), (top, top), (top, [1] + [0] * 15), ([38] * 16, top),
             ([0xFFFE] + top[1:], [0xFFFE] + top[1:]), ([0xFFED] + top[1:15] + [0x7FFF],) * 2]
    # Karatsuba's extremes: every sign of a_lo - a_hi and b_lo - b_hi, the largest differences.
    halves = [[0] * 8, [0xFFFF] * 8, [1] + [0] * 7, [0xFFFE] + [0xFFFF] * 7]
    ops = [x + y for x in halves for y in halves]
    cases += [(x, y) for x in ops for y in ops]
    cases += [([rng.getrandbits(16) for _ in range(16)], [rng.getrandbits(16) for _ in range(16)])
              for _ in range(2000)]
    cases += [([rng.choice([0, 1, 0xFFFF, 0xFFFE, 0x7FFF, 0x8000]) for _ in range(16)],
               [rng.choice([0, 1, 0xFFFF, 0xFFED, 0x8000]) for _ in range(16)])
              for _ in range(2000)]
    blocks = [("mul_wide16 (scanning, not emitted)", wide_block(), True, False),
              ("sqr_wide16", square_wide(PO), True, True),
              ("mul_25519 (scanning, not emitted)", reduced_block(), False, False),
              ("sqr_25519", reduced_block(square=True), False, True),
              ("mul_wide16 (Karatsuba)", kara_wide_block(), True, False),
              ("mul_25519 (Karatsuba, 2-byte aligned operands, not emitted)",
               kara_reduced_block(False), False, False, False),
              ("mul_25519 (Karatsuba, word-aligned `Fe16`)", kara_reduced_block(), False, False,
               True)]
    p = (1 << 255) - 19
    value = lambda ds: sum(d << (16 * k) for k, d in enumerate(ds))
    cost = {}
    for a, b in cases:
        for name, lines, wide, square, *aligned in blocks:
            y = a if square else b
            r, cycles = simulate(lines, a, y, wide, *aligned)
            if wide:
                assert r == value(a) * value(y), (name, a, y)
            else:
                assert r < 1 << 256 and r % p == value(a) * value(y) % p, (name, a, y)
            # push and pop of r4-r7: 5 cycles each.
            cost[name] = (len(lines) + 2, cycles + 10)
    print(f"ok: {len(cases)} cases, {len(blocks)} blocks (instructions, M0 cycle estimate "
          "without the call):")
    for name, (n, c) in cost.items():
        print(f"  {name}: {n} instructions, {c} cycles")


def main():
    import sys

    if sys.argv[1:] == ["--check"]:
        check()
        p256_check()
        p256_addsub_check()
        return
    out = HEADER
    out += "\nuse core::mem::MaybeUninit;\n\nuse crate::curve25519::Fe16;\n"
    out += ("\n// `mul_25519` reads `Fe16`'s digits with `LDR`: word alignment is part of its safety.\n"
            "const _: () = assert!(core::mem::align_of::<Fe16>() >= 4);\n")
    out += KFN.format(body=asm_body(kara_wide_block()))
    out += KFN25519.format(body=asm_body(kara_reduced_block()))
    out += SQ.format(
        doc="/// `a * a` as sixteen little-endian 32-bit words (P-256's 512-bit square).",
        name="sqr_wide16",
        ty="[u32; 8]",
        ret="[u32; 16]",
        writes="one digit per column, then every word again",
        body=asm_body(square_wide(PO)),
    )
    out += SQ.replace("written with `STRH` only", "written with `STR` only: `Fe16` is word\n    // aligned").format(
        doc="/// `a * a mod 2^255 - 19` over sixteen little-endian 16-bit digits, below 2^256 (not\n"
        "/// canonical): the square, then the reduction of [`mul_25519`].",
        name="sqr_25519",
        ty="[u16; 16]",
        ret="Fe16",
        writes="every word in the last pass",
        body=asm_body(reduced_block(square=True)),
    )
    out += p256_main()
    out += p256_addsub_main()
    print(out, end="")



# --- P-256: NIST's reduction of a 512-bit value modulo p = 2^256 - 2^224 + 2^192 + 2^96 - 1 ---
#
# The algorithm of the portable `p256::field::reduce_wide` (which documents the bounds): with
# d = 2^256 - p, a column pass computes V - 5 d = r + k 2^256 (V: NIST's signed combination of
# the sixteen words, FIPS 186-4 D.2.3) with a signed 64-bit accumulator in two registers (each
# word loaded, added or subtracted with ADDS/ADCS or SUBS/SBCS against a zero register), r_i
# stored to the output as it is final; then y = r + (k + 6) d over the output with its carry
# bit e, and y + (p & mask) with mask = e - 1 (one SBCS).

P256_COLUMNS = [  # column: [(word, +1/-1 per use)], the low word c_i first
    [0, 8, 9, -11, -12, -13, -14],
    [1, 9, 10, -12, -13, -14, -15],
    [2, 10, 11, -13, -14, -15],
    [3, 11, 11, 12, 12, 13, -15, -8, -9],
    [4, 12, 12, 13, 13, 14, -9, -10],
    [5, 13, 13, 14, 14, 15, -10, -11],
    [6, 14, 14, 14, 15, 15, 13, -8, -9],
    [7, 15, 15, 15, 8, -10, -11, -12, -13],
]
# -5 d: -5 at columns 0 and 7, +5 at columns 3 and 6.
P256_CONST = {0: -5, 3: 5, 6: 5, 7: -5}


def p256_reduce():
    """Thumb-1 instructions: r0 points to the sixteen input words, r2 to the eight output
    words; r0-r7 and the flags are clobbered."""
    lines = []
    emit = lines.append
    c, t, x, zero = "r0", "r2", "r5", "r4"
    lo, hi = "r1", "r3"
    emit(f"movs {zero}, #0")
    emit(f"ldr {lo}, [{c}, #0]")
    emit(f"movs {hi}, #0")
    for i, col in enumerate(P256_COLUMNS):
        prev = None
        for n, word in enumerate(col):
            if i == 0 and n == 0:
                continue
            w = abs(word)
            if w != prev:
                emit(f"ldr {x}, [{c}, #{4 * w}]")
                prev = w
            if word >= 0 and (n > 0 or word == i):
                emit(f"adds {lo}, {lo}, {x}")
                emit(f"adcs {hi}, {zero}")
            else:
                emit(f"subs {lo}, {lo}, {x}")
                emit(f"sbcs {hi}, {zero}")
        k = P256_CONST.get(i, 0)
        if k:
            emit(f"{'adds' if k > 0 else 'subs'} {lo}, #{abs(k)}")
            emit(f"{'adcs' if k > 0 else 'sbcs'} {hi}, {zero}")
        emit(f"str {lo}, [{t}, #{4 * i}]")
        # The signed carry: hi becomes the next lo, its sign the next hi.
        emit(f"asrs {lo}, {hi}, #31")
        lo, hi = hi, lo
    # lo = k; m = k + 6.
    m, neg, inv, dec, ones, w = lo, "r6", "r7", "r0", "r5", hi
    emit(f"adds {m}, #6")
    emit(f"rsbs {neg}, {m}, #0")
    emit(f"mvns {inv}, {m}")
    emit(f"subs {dec}, {m}, #1")
    emit(f"mvns {ones}, {zero}")
    fold = [m, zero, zero, neg, ones, ones, inv, dec]
    for i in range(8):
        emit(f"ldr {w}, [{t}, #{4 * i}]")
        emit(f"{'adds' if i == 0 else 'adcs'} {w}, {fold[i]}")
        emit(f"str {w}, [{t}, #{4 * i}]")
    mask, low = neg, inv
    emit(f"sbcs {mask}, {mask}")
    emit(f"movs {low}, #1")
    emit(f"ands {low}, {mask}")
    pm = [mask, mask, mask, zero, zero, zero, low, mask]
    for i in range(8):
        emit(f"ldr {w}, [{t}, #{4 * i}]")
        emit(f"{'adds' if i == 0 else 'adcs'} {w}, {pm[i]}")
        emit(f"str {w}, [{t}, #{4 * i}]")
    return lines


def p256_simulate(lines, c):
    """Runs the block on a model of r0-r7, the carry flag and word memory; returns the output
    words and the cycle estimate (loads and stores 2, others 1). r0 points to `c`'s words, r1
    to its second half, r2 to the output."""
    M = 0xFFFFFFFF
    C, T = 0x1000, 0x3000
    mem = {C + 4 * k: w for k, w in enumerate(c)}
    # Registers not set up hold junk: a block must not depend on them.
    reg = {f"r{k}": 0xA5A5A5A5 ^ (k * 0x01010101) for k in range(8)}
    reg.update({"r0": C, "r1": C + 32, "r2": T})
    flag = 1
    cycles = 0

    def val(s):
        return int(s[1:]) if s.startswith("#") else reg[s]

    for line in lines:
        op, rest = line.split(" ", 1)
        args = [s.strip() for s in rest.replace("[", "").replace("]", "").split(",")]
        cycles += 2 if op in ("ldr", "str") else 1
        assert all(r in ("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7") or r.startswith("#")
                   for r in args), line
        if op == "movs":
            reg[args[0]] = val(args[1])
        elif op == "mvns":
            reg[args[0]] = ~val(args[1]) & M
        elif op == "ldr":
            a = reg[args[1]] + val(args[2])
            assert a % 4 == 0
            reg[args[0]] = mem[a]
        elif op == "str":
            a = reg[args[1]] + val(args[2])
            assert a % 4 == 0 and a >= T
            mem[a] = reg[args[0]]
        elif op in ("adds", "adcs", "subs", "sbcs", "rsbs"):
            if len(args) == 2:
                args = [args[0], args[0], args[1]]
            p, q = val(args[1]), val(args[2])
            if op in ("subs", "sbcs", "rsbs"):
                if op == "rsbs":
                    p, q = q, p
                q = ~q & M
                cin = flag if op == "sbcs" else 1
            else:
                cin = flag if op == "adcs" else 0
            r = p + q + cin
            reg[args[0]] = r & M
            flag = r >> 32
        elif op == "asrs":
            v, s = reg[args[1]], val(args[2])
            signed = v - (1 << 32) if v >> 31 else v
            reg[args[0]] = (signed >> s) & M
            flag = (v >> (s - 1)) & 1
        elif op == "ands":
            reg[args[0]] = reg[args[0]] & reg[args[1]]
        else:
            raise ValueError(line)
    return [mem[T + 4 * k] for k in range(8)], cycles


def p256_check():
    """`--check`: the reduction against Python's integers on random and extreme 512-bit
    values; prints its instruction count and cycle estimate."""
    import random

    rng = random.Random(256)
    p = 2**256 - 2**224 + 2**192 + 2**96 - 1
    value = lambda ws: sum(w << (32 * k) for k, w in enumerate(ws))
    cases = [[0] * 16, [0xFFFFFFFF] * 16]
    cases += [[0xFFFFFFFF * ((mask >> (k - 7)) & 1 if k >= 8 else mask & 1) for k in range(16)]
              for mask in range(512)]
    cases += [[rng.getrandbits(32) for _ in range(16)] for _ in range(3000)]
    pick = [0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x80000000, 0x7FFFFFFF]
    cases += [[rng.choice(pick) for _ in range(16)] for _ in range(3000)]
    lines = p256_reduce()
    for c in cases:
        out, cycles = p256_simulate(lines, c)
        assert value(out) == value(c) % p, c
    print(f"ok: {len(cases)} cases, P-256 reduction, {len(lines)} instructions, "
          f"{cycles} cycles (without the call and the register saves)")


P256_FN = """
/// `c mod p` for P-256's p = 2^256 - 2^224 + 2^192 + 2^96 - 1 and any 512-bit `c` (sixteen
/// little-endian words), fully reduced (below p): the algorithm of the portable
/// `p256::field::reduce_wide` (NIST's column sums with a signed carry in two registers, one
/// fold of the top by `2^256 - p`, one masked addition of p).
#[inline(never)]
pub fn reduce_p256(c: &[u32; 16]) -> [u32; 8] {{
    let mut t = MaybeUninit::<[u32; 8]>::uninit();
    // SAFETY: `c` is valid for reading 16 words and `t` for writing 8 (references and a
    // `MaybeUninit` of `u32` arrays, word aligned, read and written with `LDR`/`STR`); the
    // block reads only those words, writes every word of `t` (each column's word once final,
    // then twice again), and touches the stack only to save and restore r4-r7 itself (r6 and
    // r7 cannot be named as operands); r0-r3 and the flags are declared clobbered. No branch.
""" + asm_call(
    'r4-r7',
    [
        'inout("r0") c.as_ptr() => _',
        'out("r1") _',
        'inout("r2") t.as_mut_ptr().cast::<u32>() => _',
        'out("r3") _',
    ],
    'all 8 words',
)


def p256_main():
    """The Rust function `reduce_p256`, appended to the generated file by `main`."""
    return P256_FN.format(body=asm_body(p256_reduce()))



# --- P-256: addition and subtraction modulo p of fully reduced operands ---
#
# add: s = a + b over the output with its carry c; `SBCS` leaves c - 1; s - p over the output;
# `ADCS` of the no-borrow flag gives mask = all ones exactly when c = 0 and s < p (c = 1 always
# borrows: a + b < 2p); then p & mask added back. sub: a - b, `SBCS` gives the borrow's mask,
# p & mask added back. r0 = a, r1 = b, r2 = the output.

P256_P_REGS = ["ones", "ones", "ones", "zero", "zero", "zero", "one", "ones"]


def p256_addsub(add):
    lines = []
    emit = lines.append
    a, b, t, x, y = "r0", "r1", "r2", "r3", "r4"
    mask, zero, ones, one = "r5", "r4", "r6", "r7"
    op0, op = ("adds", "adcs") if add else ("subs", "sbcs")
    for i in range(8):
        emit(f"ldr {x}, [{a}, #{4 * i}]")
        emit(f"ldr {y}, [{b}, #{4 * i}]")
        emit(f"{op0} {x}, {x}, {y}" if i == 0 else f"{op} {x}, {y}")
        emit(f"str {x}, [{t}, #{4 * i}]")
    emit(f"sbcs {mask}, {mask}")
    emit(f"movs {zero}, #0")
    if add:
        emit(f"mvns {ones}, {zero}")
        emit(f"movs {one}, #1")
        regs = {"ones": ones, "zero": zero, "one": one}
        for i in range(8):
            emit(f"ldr {x}, [{t}, #{4 * i}]")
            pw = regs[P256_P_REGS[i]]
            emit(f"subs {x}, {x}, {pw}" if i == 0 else f"sbcs {x}, {pw}")
            emit(f"str {x}, [{t}, #{4 * i}]")
        emit(f"adcs {mask}, {zero}")
    emit(f"movs {one}, #1")
    emit(f"ands {one}, {mask}")
    pm = [mask, mask, mask, zero, zero, zero, one, mask]
    for i in range(8):
        emit(f"ldr {x}, [{t}, #{4 * i}]")
        emit(f"adds {x}, {x}, {pm[i]}" if i == 0 else f"adcs {x}, {pm[i]}")
        emit(f"str {x}, [{t}, #{4 * i}]")
    return lines


def p256_addsub_check():
    """`--check`: addition and subtraction against Python's integers on reduced operands."""
    import random

    rng = random.Random(2256)
    p = 2**256 - 2**224 + 2**192 + 2**96 - 1
    words = lambda v: [(v >> (32 * k)) & 0xFFFFFFFF for k in range(8)]
    value = lambda ws: sum(w << (32 * k) for k, w in enumerate(ws))
    special = [0, 1, 2, p - 1, p - 2, (p - 1) // 2, (p + 1) // 2, 2**224, 2**255,
               2**256 - 2**224 - 1, 2**192 - 1, 2**96]
    vals = [(x, y) for x in special for y in special]
    vals += [(rng.randrange(p), rng.randrange(p)) for _ in range(4000)]
    add, sub = p256_addsub(True), p256_addsub(False)
    for x, y in vals:
        out, ca = p256_simulate(add, words(x) + words(y))
        assert value(out) == (x + y) % p, (x, y)
        out, cs = p256_simulate(sub, words(x) + words(y))
        assert value(out) == (x - y) % p, (x, y)
    print(f"ok: {len(vals)} cases, P-256 add ({len(add)} instructions, {ca} cycles), "
          f"sub ({len(sub)}, {cs}) (without the call and the register saves)")


P256_ADDSUB_FN = """
/// `a {sym} b mod p` for P-256's p, operands and result fully reduced (below p): {doc}
#[inline(never)]
pub fn {name}(a: &[u32; 8], b: &[u32; 8]) -> [u32; 8] {{
    let mut t = MaybeUninit::<[u32; 8]>::uninit();
    // SAFETY: `a` and `b` are valid for reading 8 words and `t` for writing 8 (references and
    // a `MaybeUninit` of `u32` arrays, word aligned, read and written with `LDR`/`STR`); the
    // block reads only those words and the words of `t` it has written, writes every word of
    // `t`, and touches the stack only to save and restore r4-r7 itself (r6 and r7 cannot be
    // named as operands); r0-r3 and the flags are declared clobbered. No branch.
""" + asm_call(
    'r4-r7',
    [
        'inout("r0") a.as_ptr() => _',
        'inout("r1") b.as_ptr() => _',
        'inout("r2") t.as_mut_ptr().cast::<u32>() => _',
        'out("r3") _',
    ],
    'all 8 words',
)


def p256_addsub_main():
    """`add_p256` and `sub_p256`, appended to the generated file by `main`."""
    out = P256_ADDSUB_FN.format(
        sym="+", name="add_p256", body=asm_body(p256_addsub(True)),
        doc="`a + b`, then `- p` with the carry as a\n/// ninth word, and p masked by the final "
        "borrow added back.")
    out += P256_ADDSUB_FN.format(
        sym="-", name="sub_p256", body=asm_body(p256_addsub(False)),
        doc="`a - b`, then p masked by the borrow\n/// added back.")
    return out


if __name__ == "__main__":
    main()
