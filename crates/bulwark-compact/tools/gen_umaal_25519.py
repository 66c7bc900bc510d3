#!/usr/bin/env python3
"""GF(2^255 - 19)'s own ARMv7E-M blocks for src/umaal_gen.rs (imported by gen_umaal.py, which
writes the file and runs `--check`): the squaring `sqr_25519` and the addition and subtraction
`add_25519`, `sub_25519`, each below 2^256 like `mul_25519`. See each function's comment for
its algorithm; `check_25519_extra` runs the three blocks on a model of the registers, the carry
flag and memory against Python's integers."""

from asm_template import asm_body, asm_call




SQ_POOL = ["r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr"]
SQ_A, SQ_T = "r0", "r1"


class Regs:
    """A register pool for the squaring: values are allocated and freed as they live and die;
    loaded input words stay cached in free registers and are evicted furthest-next-use first
    (Belady) when a register is needed, so the loads of repeated words are saved where
    registers allow."""

    def __init__(self, emit, uses):
        self.free = list(SQ_POOL)
        self.cache = {}
        self.emit = emit
        self.uses = uses  # the order in which input words are used

    def alloc(self, pinned=()):
        if self.free:
            return self.free.pop(0)
        far = None
        for j, r in self.cache.items():
            if r in pinned:
                continue
            nxt = self.uses.index(j) if j in self.uses else 1 << 30
            if far is None or nxt > far[0]:
                far = (nxt, j)
        assert far is not None, "out of registers"
        return self.cache.pop(far[1])

    def release(self, r):
        assert r not in self.free
        self.free.append(r)

    def word(self, j, pinned=()):
        """Input word j in a register (loaded unless cached), consuming one use."""
        assert self.uses[0] == j
        self.uses.pop(0)
        if j not in self.cache:
            r = self.alloc(pinned)
            self.emit(f"ldr {r}, [{SQ_A}, #{4 * j}]")
            self.cache[j] = r
        r = self.cache[j]
        return r

    def drop_dead(self):
        for j in [j for j in self.cache if j not in self.uses]:
            self.release(self.cache.pop(j))


def square_25519():
    """`a^2 mod 2^255 - 19` below 2^256. The 28 products off the diagonal once (operand
    scanning over the upper triangle: row i adds `a[i] * a[j]`, j > i, into column `i + j`
    with one UMAAL each, the row's carry ending as column `i + 8`); after row i columns 2i + 1
    and 2i + 2 are final, so the pass `W = 2 S + sum a[k]^2 2^(64 k)` runs interleaved, two
    words per row: the doubling is one ADDS/ADCS chain whose carry flag lives across the rows
    (UMAAL, loads, stores and MOV leave the flags alone), the square `a[k]^2` and the pass's
    own carry enter through `UMAAL(W[2k], c, a[k], a[k])` and `UMAAL(W[2k + 1], c, 0, 0)`.
    Words 0..7 are stored (STRD), 8..15 stay in registers for the reduction by 38 of
    `reduce_25519`'s shape (LDRD pairs, results stored by STRD)."""
    lines = []
    emit = lines.append
    uses = []
    for i in range(7):
        uses += [i] + list(range(i + 1, 8)) + [i]
    uses += [7]
    regs = Regs(emit, uses)
    cols = {}
    zero = c = None
    w_hi = {}
    for i in range(7):
        ai = regs.word(i)
        carry = None
        for j in range(i + 1, 8):
            col = i + j
            aj = regs.word(j, pinned=(ai,))
            if carry is None and col not in cols:
                # Row 0's first product: UMULL starts both the column and the carry.
                cols[col] = regs.alloc((ai, aj))
                carry = regs.alloc((ai, aj, cols[col]))
                emit(f"umull {cols[col]}, {carry}, {ai}, {aj}")
            else:
                if carry is None:
                    carry = regs.alloc((ai, aj))
                    emit(f"mov {carry}, #0")
                if col not in cols:
                    cols[col] = regs.alloc((ai, aj, carry))
                    emit(f"mov {cols[col]}, #0")
                emit(f"umaal {cols[col]}, {carry}, {ai}, {aj}")
            if j not in regs.uses:
                regs.release(regs.cache.pop(j))
        cols[i + 8] = carry
        # Pass words 2i and 2i + 1 (column 2i + 1 is final now, 2i since the last row).
        ai = regs.word(i)
        if i == 0:
            zero = regs.alloc((ai,))
            emit(f"mov {zero}, #0")
            lo = regs.alloc((ai, zero))
            c = regs.alloc((ai, zero, lo))
            emit(f"umull {lo}, {c}, {ai}, {ai}")
            hi = cols.pop(1)
            emit(f"adds {hi}, {hi}, {hi}")
            emit(f"umaal {hi}, {c}, {zero}, {zero}")
        else:
            lo, hi = cols.pop(2 * i), cols.pop(2 * i + 1)
            emit(f"adcs {lo}, {lo}, {lo}")
            emit(f"adcs {hi}, {hi}, {hi}")
            emit(f"umaal {lo}, {c}, {ai}, {ai}")
            emit(f"umaal {hi}, {c}, {zero}, {zero}")
        if i < 4:
            emit(f"strd {lo}, {hi}, [{SQ_T}, #{8 * i}]")
            regs.release(lo)
            regs.release(hi)
        else:
            w_hi[2 * i], w_hi[2 * i + 1] = lo, hi
        regs.drop_dead()
    a7 = regs.word(7)
    lo = cols.pop(14)
    assert not cols
    emit(f"adcs {lo}, {lo}, {lo}")
    emit(f"umaal {lo}, {c}, {a7}, {a7}")
    # Column 15 of S is 0: word 15 is the pass's carry plus the doubling's last bit.
    emit(f"adc {c}, {c}, #0")
    w_hi[14], w_hi[15] = lo, c
    regs.drop_dead()
    regs.release(zero)
    # t[0..8] + 38 t[8..16], as reduce_25519.
    k38 = regs.alloc()
    r = regs.alloc()
    emit(f"mov {k38}, #38")
    emit(f"mov {r}, #0")
    dest = []
    for k in range(0, 8, 2):
        d0 = regs.alloc()
        d1 = regs.alloc()
        emit(f"ldrd {d0}, {d1}, [{SQ_T}, #{4 * k}]")
        for d, h in ((d0, 8 + k), (d1, 9 + k)):
            emit(f"umaal {d}, {r}, {k38}, {w_hi[h]}")
            regs.release(w_hi.pop(h))
        dest += [d0, d1]
    emit(f"mul {r}, {r}, {k38}")
    emit(f"adds {dest[0]}, {dest[0]}, {r}")
    for k in range(1, 8):
        emit(f"adcs {dest[k]}, {dest[k]}, #0")
    emit(f"mov {r}, #0")
    emit(f"adc {r}, {r}, #0")
    emit(f"mul {r}, {r}, {k38}")
    emit(f"add {dest[0]}, {dest[0]}, {r}")
    for k in range(0, 8, 2):
        emit(f"strd {dest[k]}, {dest[k + 1]}, [{SQ_T}, #{4 * k}]")
    return lines


def linear_25519(sub):
    """`a + b` or `a - b` mod 2^255 - 19, below 2^256, for inputs below 2^256: one carry
    (borrow) chain over the eight words (LDM of a, and of b in two halves), then the carry out
    (the value's 2^256) times 38 added (subtracted) with a second chain, whose own carry can
    only be 1 when word 0 wrapped below 38, so the third fold touches word 0 alone."""
    lines = []
    emit = lines.append
    op0, op = ("subs", "sbcs") if sub else ("adds", "adcs")
    a = ["r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"]
    b = ["r0", "r11", "r12", "lr"]
    m = "r1"
    emit(f"ldm r0, {{{', '.join(a)}}}")
    emit(f"ldm r1!, {{{', '.join(b)}}}")
    for k in range(4):
        emit(f"{op0 if k == 0 else op} {a[k]}, {a[k]}, {b[k]}")
    emit(f"ldm r1, {{{', '.join(b)}}}")
    for k in range(4):
        emit(f"{op} {a[4 + k]}, {a[4 + k]}, {b[k]}")
    # Add: m = 38 * carry; subtract: m = 38 * borrow (the carry flag is its complement).
    emit(f"sbc {m}, {m}, {m}")
    if sub:
        emit(f"and {m}, {m}, #38")
    else:
        emit(f"and {m}, {m}, #38")
        emit(f"rsb {m}, {m}, #38")
    emit(f"{op0} {a[0]}, {a[0]}, {m}")
    for k in range(1, 8):
        emit(f"{op} {a[k]}, {a[k]}, #0")
    emit(f"sbc {m}, {m}, {m}")
    if sub:
        emit(f"and {m}, {m}, #38")
        emit(f"sub {a[0]}, {a[0]}, {m}")
    else:
        emit(f"and {m}, {m}, #38")
        emit(f"rsb {m}, {m}, #38")
        emit(f"add {a[0]}, {a[0]}, {m}")
    emit(f"stm r2, {{{', '.join(a)}}}")
    return lines


def simulate2(lines, regs_in, mem):
    """A model of the instructions the appended blocks use (registers, the carry flag, word
    memory at symbolic bases): returns the registers and memory after the block."""
    M = 0xFFFFFFFF
    reg = dict(regs_in)
    carry = None  # unknown until set: reading it first is an error

    def val(x):
        return int(x[1:]) if x.startswith("#") else reg[x]

    def addr(base, off):
        b, o = reg[base]
        return (b, o + off)

    for line in lines:
        op, rest = line.split(" ", 1)
        if op in ("ldm", "stm"):
            base, lst = rest.split(",", 1)
            wb = base.endswith("!")
            base = base.rstrip("!")
            rl = [x.strip() for x in lst.strip().strip("{}").split(",")]
            for k, r in enumerate(rl):
                if op == "ldm":
                    reg[r] = mem[addr(base, 4 * k)]
                else:
                    mem[addr(base, 4 * k)] = reg[r]
            if wb:
                b, o = reg[base]
                reg[base] = (b, o + 4 * len(rl))
            continue
        args = [x.strip() for x in rest.replace("[", "").replace("]", "").split(",")]
        if op == "mov":
            reg[args[0]] = val(args[1])
        elif op == "ldr":
            reg[args[0]] = mem[addr(args[1], int(args[2][1:]))]
        elif op == "ldrd":
            reg[args[0]] = mem[addr(args[2], int(args[3][1:]))]
            reg[args[1]] = mem[addr(args[2], int(args[3][1:]) + 4)]
        elif op == "strd":
            mem[addr(args[2], int(args[3][1:]))] = reg[args[0]]
            mem[addr(args[2], int(args[3][1:]) + 4)] = reg[args[1]]
        elif op == "umaal":
            lo, hi, n, mm = args
            r = reg[n] * reg[mm] + reg[lo] + reg[hi]
            assert lo != hi and r < 1 << 64
            reg[lo], reg[hi] = r & M, r >> 32
        elif op == "umull":
            lo, hi, n, mm = args
            r = reg[n] * reg[mm]
            assert lo != hi
            reg[lo], reg[hi] = r & M, r >> 32
        elif op == "mul":
            reg[args[0]] = (reg[args[1]] * reg[args[2]]) & M
        elif op in ("adds", "adcs", "adc", "add"):
            cin = 0
            if op in ("adcs", "adc"):
                assert carry is not None
                cin = carry
            r = reg[args[1]] + val(args[2]) + cin
            reg[args[0]] = r & M
            if op in ("adds", "adcs"):
                carry = r >> 32
        elif op in ("subs", "sbcs", "sbc", "sub"):
            bin_ = 0
            if op in ("sbcs", "sbc"):
                assert carry is not None
                bin_ = 1 - carry
            # SBC m, m, m: -borrow whatever m held (a pointer here).
            same = args[1] == args[2]
            r = (0 if same else reg[args[1]] - val(args[2])) - bin_
            reg[args[0]] = r & M
            if op in ("subs", "sbcs"):
                carry = 0 if r < 0 else 1
        elif op == "and":
            reg[args[0]] = reg[args[1]] & val(args[2])
        elif op == "rsb":
            reg[args[0]] = (val(args[2]) - reg[args[1]]) & M
        else:
            raise ValueError(line)
    return reg, mem


def check_25519_extra():
    """`--check` for the appended blocks: squaring, addition and subtraction over random and
    extreme inputs below 2^256, against Python's integers mod p."""
    import random

    rng = random.Random(2551919)
    p = (1 << 255) - 19
    top = [0xFFFFFFFF] * 8
    value = lambda ws: sum(w << (32 * k) for k, w in enumerate(ws))
    words = lambda v: [(v >> (32 * k)) & 0xFFFFFFFF for k in range(8)]
    ext = [0, 1, 2, 19, 37, 38, 39, p - 1, p, p + 1, 2 * p - 1, 2 * p, (1 << 255) - 1,
           1 << 255, (1 << 256) - 39, (1 << 256) - 38, (1 << 256) - 2, (1 << 256) - 1]
    cases = [(words(x), words(y)) for x in ext for y in ext]
    cases += [(top, top)]
    cases += [([rng.getrandbits(32) for _ in range(8)], [rng.getrandbits(32) for _ in range(8)])
              for _ in range(3000)]
    cases += [([rng.choice([0, 1, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0xFFFFFFDA, 38])
                for _ in range(8)],
               [rng.choice([0, 1, 0xFFFFFFFF, 0xFFFFFFED, 0x80000000, 0x26]) for _ in range(8)])
              for _ in range(3000)]
    sq = square_25519()
    add = linear_25519(False)
    sub = linear_25519(True)
    for a, b in cases:
        mem = {("A", 4 * k): a[k] for k in range(8)}
        _, mem = simulate2(sq, {SQ_A: ("A", 0), SQ_T: ("T", 0)}, mem)
        r = value([mem[("T", 4 * k)] for k in range(8)])
        assert r < 1 << 256 and r % p == value(a) ** 2 % p, (a, r)
        for code, want in ((add, value(a) + value(b)), (sub, value(a) - value(b))):
            mem = {("A", 4 * k): a[k] for k in range(8)}
            mem.update({("B", 4 * k): b[k] for k in range(8)})
            _, mem = simulate2(code, {"r0": ("A", 0), "r1": ("B", 0), "r2": ("T", 0)}, mem)
            r = value([mem[("T", 4 * k)] for k in range(8)])
            assert r < 1 << 256 and r % p == want % p, (a, b, r)
    print(f"ok: {len(cases)} cases, square_25519, add_25519 and sub_25519 "
          f"({len(sq)}, {len(add)} and {len(sub)} instructions)")


FN_SQR = """
/// `a^2 mod 2^255 - 19`, as eight little-endian words with a value below 2^256 (not
/// canonical): the 28 products off the diagonal once, doubled with the diagonal added in the
/// same pass, then `t[0..8] + 38 * t[8..16]` with two carry folds (`tools/gen_umaal_25519.py`,
/// `square_25519`).
#[inline(never)]
pub fn sqr_25519(a: &[u32; 8]) -> [u32; 8] {{
    let mut t = MaybeUninit::<[u32; 8]>::uninit();
    // SAFETY: `a` is valid for reading 8 words (a reference to `[u32; 8]`, word aligned) and
    // `t` for writing 8 (its own `MaybeUninit` array, word aligned, as LDRD/STRD need); the
    // block reads only those words, writes every word of `t` (words 0..7 of the square,
    // then the result over them), and touches the stack only to save and restore r4-r11 and
    // lr itself; r0-r3, r12 and the flags are declared clobbered.
""" + asm_call(
    'r4-r11, lr',
    [
        'inout("r0") a.as_ptr() => _',
        'inout("r1") t.as_mut_ptr().cast::<u32>() => _',
        'out("r2") _',
        'out("r3") _',
        'out("r12") _',
    ],
    'all 8 words',
)

FN_LINEAR = """
/// `a {sign} b mod 2^255 - 19` for `a` and `b` below 2^256, as eight little-endian words with a
/// value below 2^256 (not canonical): one {chain} chain, then its {carry} times 38
/// {folded} with a second chain and the second's on word 0 (`tools/gen_umaal_25519.py`,
/// `linear_25519`).
#[inline(never)]
pub fn {name}(a: &[u32; 8], b: &[u32; 8]) -> [u32; 8] {{
    let mut t = MaybeUninit::<[u32; 8]>::uninit();
    // SAFETY: `a` and `b` are valid for reading 8 words (references to `[u32; 8]`, word
    // aligned) and `t` for writing 8 (its own `MaybeUninit` array); the block reads only
    // those words (LDM), writes every word of `t` once (STM), and touches the stack only to
    // save and restore r4-r11 and lr itself; r0-r3, r12 and the flags are declared clobbered.
""" + asm_call(
    'r4-r11, lr',
    [
        'inout("r0") a.as_ptr() => _',
        'inout("r1") b.as_ptr() => _',
        'inout("r2") t.as_mut_ptr().cast::<u32>() => _',
        'out("r3") _',
        'out("r12") _',
    ],
    'all 8 words',
)


def extra_25519():
    """The appended blocks' Rust: `sqr_25519`, `add_25519`, `sub_25519`."""
    out = FN_SQR.format(body=asm_body(square_25519()))
    out += FN_LINEAR.format(sign="+", chain="carry", carry="carry", folded="added",
                            name="add_25519", body=asm_body(linear_25519(False)))
    out += FN_LINEAR.format(sign="-", chain="borrow", carry="borrow", folded="subtracted",
                            name="sub_25519", body=asm_body(linear_25519(True)))
    return out
