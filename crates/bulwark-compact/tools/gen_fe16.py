#!/usr/bin/env python3
"""Writes src/curve25519/fe16_gen.rs: the fully unrolled radix-2^16 arithmetic of
GF(2^255-19) (multiplication, squaring, addition, subtraction, multiplication by 121665).

Every partial product is a 16x16->32 bit product (one Thumb-1 `MULS`), accumulated into a
64-bit column accumulator (an add and an add-with-carry); nothing calls `__aeabi_lmul`.
Straight-line code with constant indices, each result digit written in place into the
returned array, lets the compiler keep digits in registers (no zero-fill, no copy).

Run from the crate directory: `python3 tools/gen_fe16.py > src/curve25519/fe16_gen.rs`.
"""

N = 16


def reduce_wide(w) -> None:
    """Folds t0..t31 (each < 2^16) to 16 digits: lo + 38 * hi, with bit 255 and up of the top
    digit's sum folded first (times 19) into digit 0, so one carry pass suffices."""
    w("    let mut r = [0u16; 16];")
    w("    let s15 = t15 + 38 * t31;")
    w("    let mut c: u32 = 19 * (s15 >> 15);")
    for k in range(N - 1):
        w(f"    c += t{k} + 38 * t{k + N};")
        w(f"    r[{k}] = c as u16;")
        w("    c >>= 16;")
    w("    r[15] = ((s15 & 0x7fff) + c) as u16;")
    w("    r")


def mul_schoolbook(w) -> None:
    """Product scanning over all 256 partial products."""
    w("/// `a * b`: product scanning, then `2^256 = 38`; value < 2^256, not canonical.")
    w("#[inline(never)]")
    w("pub(super) fn mul(a: &Digits, b: &Digits) -> Digits {")
    w("    let mut acc: u64 = 0;")
    for k in range(2 * N - 1):
        for i in range(max(0, k - N + 1), min(k, N - 1) + 1):
            w(f"    acc += m(a[{i}], b[{k - i}]);")
        w(f"    let t{k} = u32::from(acc as u16);")
        w("    acc >>= 16;")
    w(f"    let t{2 * N - 1} = u32::from(acc as u16);")
    reduce_wide(w)
    w("}")


# One level of Karatsuba measured slower on thumbv6m (6.52 M vs 5.95 M est. cycles for
# X25519: the compiler spills the three half products), so product scanning is the default;
# `--karatsuba` writes the Karatsuba variant (tested the same way).
KARATSUBA = False


def mul_karatsuba(w) -> None:
    """One level of subtractive Karatsuba on 8-digit halves: 3 x 64 partial products instead
    of 256. With a = A0 + X A1, b = B0 + X B1 (X = 2^128), L = A0 B0, H = A1 B1 and
    M = (A0 - A1)(B1 - B0) = sign * |A0 - A1| |B1 - B0|: a b = L + X (L + H + M) + X^2 H."""
    h = N // 2
    w("/// `a * b`: one level of subtractive Karatsuba (3 x 64 partial products), then")
    w("/// `2^256 = 38`; value < 2^256, not canonical. Constant time: the signs are masks.")
    w("#[inline(never)]")
    w("pub(super) fn mul(a: &Digits, b: &Digits) -> Digits {")
    # |A0 - A1| and |B1 - B0|
    for name, x, y in (("da", "a", 0), ("db", "b", 1)):
        lo_off, hi_off = (0, h) if y == 0 else (h, 0)
        w(f"    // {name} = |{x}[{lo_off}..{lo_off + h}] - {x}[{hi_off}..{hi_off + h}]|, sign in {name}_neg.")
        w("    let mut c: u32 = 0;")
        for i in range(h):
            w(f"    c = u32::from({x}[{lo_off + i}]).wrapping_sub(u32::from({x}[{hi_off + i}])).wrapping_sub(c);")
            w(f"    let e{i} = c as u16;")
            w("    c = (c >> 16) & 1;")
        w(f"    let {name}_neg = c;")
        w(f"    let mask = 0u16.wrapping_sub(c as u16);")
        w("    let mut c = c;")
        for i in range(h):
            w(f"    c += u32::from(e{i} ^ mask);")
            w(f"    let {name}{i} = c as u16;")
            if i < h - 1:
                w("    c >>= 16;")
    def prod(w, out, x, xo, y, yo, xs=None, ys=None):
        w("    let mut acc: u64 = 0;")
        for k in range(2 * h - 1):
            for i in range(max(0, k - h + 1), min(k, h - 1) + 1):
                j = k - i
                xa = f"{x}[{xo + i}]" if xs is None else f"{xs}{i}"
                yb = f"{y}[{yo + j}]" if ys is None else f"{ys}{j}"
                w(f"    acc += m({xa}, {yb});")
            w(f"    let {out}{k} = u32::from(acc as u16);")
            w("    acc >>= 16;")
        w(f"    let {out}{2 * h - 1} = u32::from(acc as u16);")
    prod(w, "l", "a", 0, "b", 0)
    prod(w, "h", "a", h, "b", h)
    prod(w, "p", None, 0, None, 0, xs="da", ys="db")
    # mid = L + H + sign(P); M negative iff exactly one difference was negative
    w("    // mid = L + H + M, 17 digits, M = -P when exactly one difference was negative: -P is")
    w("    // (P xor ones) + 1 - 2^256; the -2^256 comes off digit 16.")
    w("    let neg = da_neg ^ db_neg;")
    w("    let pm = 0u32.wrapping_sub(neg) & 0xffff;")
    w("    let mut c: u32 = neg;")
    for k in range(2 * h):
        w(f"    c += l{k} + h{k} + (p{k} ^ pm);")
        w(f"    let mid{k} = c & 0xffff;")
        w("    c >>= 16;")
    w("    let mid16 = c - neg;")
    # t = L + X mid + X^2 H, digits t0..t31
    w("    // t = L + X mid + X^2 H.")
    for k in range(h):
        w(f"    let t{k} = l{k};")
    w("    let mut c: u32 = 0;")
    for k in range(h, 4 * h):
        terms = []
        if k < 2 * h:
            terms.append(f"l{k}")
        if k - h <= 2 * h:
            terms.append(f"mid{k - h}")
        if k >= 2 * h:
            terms.append(f"h{k - 2 * h}")
        w(f"    c += {' + '.join(terms)};")
        w(f"    let t{k} = c & 0xffff;")
        if k < 4 * h - 1:
            w("    c >>= 16;")
    reduce_wide(w)
    w("}")


def main() -> None:
    out = []
    w = out.append
    w("// Generated by tools/gen_fe16.py: do not edit by hand.")
    w("")
    w("use super::fe16::{Digits, m};")
    w("")
    if KARATSUBA:
        mul_karatsuba(w)
    else:
        mul_schoolbook(w)
    w("")
    w("/// `a^2`: each cross product once, doubled per column; value < 2^256, not canonical.")
    w("#[inline(never)]")
    w("pub(super) fn square(a: &Digits) -> Digits {")
    w("    let mut acc: u64 = 0;")
    for k in range(2 * N - 1):
        pairs = [(i, k - i) for i in range(max(0, k - N + 1), min(k, N - 1) + 1) if i < k - i]
        if pairs:
            mut = "mut " if len(pairs) > 1 else ""
            w(f"    let {mut}x: u64 = m(a[{pairs[0][0]}], a[{pairs[0][1]}]);")
            for i, j in pairs[1:]:
                w(f"    x += m(a[{i}], a[{j}]);")
            w("    acc += x << 1;")
        if k % 2 == 0:
            w(f"    acc += m(a[{k // 2}], a[{k // 2}]);")
        w(f"    let t{k} = u32::from(acc as u16);")
        w("    acc >>= 16;")
    w(f"    let t{2 * N - 1} = u32::from(acc as u16);")
    reduce_wide(w)
    w("}")
    w("")
    w("/// `a + b`: bits 255 and up of the top digit's sum fold (times 19) into digit 0 before")
    w("/// the single carry pass; value < 2^256.")
    w("#[inline(never)]")
    w("pub(super) fn add(a: &Digits, b: &Digits) -> Digits {")
    w("    let mut r = [0u16; 16];")
    w("    let s15 = u32::from(a[15]) + u32::from(b[15]);")
    w("    let mut c: u32 = 19 * (s15 >> 15);")
    for k in range(N - 1):
        w(f"    c += u32::from(a[{k}]) + u32::from(b[{k}]);")
        w(f"    r[{k}] = c as u16;")
        w("    c >>= 16;")
    w("    r[15] = ((s15 & 0x7fff) + c) as u16;")
    w("    r")
    w("}")
    w("")
    w("/// `a - b` as `a + 4p - b`, with `4p` spread so that every digit's sum is non-negative")
    w("/// (digit 0: 2^17 - 76, the others 2^17 - 2); the top fold as in [`add`].")
    w("#[inline(never)]")
    w("pub(super) fn sub(a: &Digits, b: &Digits) -> Digits {")
    w("    const K0: u32 = (1 << 17) - 76;")
    w("    const K: u32 = (1 << 17) - 2;")
    w("    let mut r = [0u16; 16];")
    w("    let s15 = u32::from(a[15]) + K - u32::from(b[15]);")
    w("    let mut c: u32 = 19 * (s15 >> 15);")
    for k in range(N - 1):
        kk = "K0" if k == 0 else "K"
        w(f"    c += u32::from(a[{k}]) + {kk} - u32::from(b[{k}]);")
        w(f"    r[{k}] = c as u16;")
        w("    c >>= 16;")
    w("    r[15] = ((s15 & 0x7fff) + c) as u16;")
    w("    r")
    w("}")
    w("")
    w("/// `a * 121665`, as `121665 = 2^16 + 56129`: digit i gets `a[i] * 56129 + a[i - 1]`;")
    w("/// then the part from 2^255 up folds (times 19) in a second pass. Value < 2^256.")
    w("#[inline(never)]")
    w("pub(super) fn mul_a24(a: &Digits) -> Digits {")
    w("    let mut acc: u64 = m(a[0], 56129);")
    w("    let q0 = acc as u16;")
    w("    acc >>= 16;")
    for k in range(1, N):
        w(f"    acc += m(a[{k}], 56129) + u64::from(a[{k - 1}]);")
        w(f"    let q{k} = acc as u16;")
        w("    acc >>= 16;")
    w("    // Below 2^17 + 2^16: the digits at 2^256.")
    w("    let hi = (acc as u32) + u32::from(a[15]);")
    w("    let mut r = [0u16; 16];")
    w("    let mut c: u32 = 19 * ((hi << 1) | (u32::from(q15) >> 15));")
    for k in range(N - 1):
        w(f"    c += u32::from(q{k});")
        w(f"    r[{k}] = c as u16;")
        w("    c >>= 16;")
    w("    r[15] = ((u32::from(q15) & 0x7fff) + c) as u16;")
    w("    r")
    w("}")
    w("")
    w("/// Swaps `a` and `b` where `mask` is all ones; leaves them where it is zero.")
    w("#[inline(always)]")
    w("pub(super) fn cswap(a: &mut Digits, b: &mut Digits, mask: u16) {")
    for k in range(N):
        w(f"    let t = mask & (a[{k}] ^ b[{k}]);")
        w(f"    a[{k}] ^= t;")
        w(f"    b[{k}] ^= t;")
    w("}")
    print("\n".join(out))


def main32() -> None:
    """src/curve25519/fe32_gen.rs: the radix-2^32 multiplication and squaring, unrolled
    operand scanning (each step `a * b + t + c`, one `UMAAL` on ARMv7E-M)."""
    out = []
    w = out.append
    w("// Generated by tools/gen_fe16.py --fe32: do not edit by hand.")
    w("")
    w("use super::fe32::{Limbs, reduce_wide, w};")
    w("")
    w("/// `a * b`: operand scanning, then `2^256 = 38`; value < 2^256, not canonical.")
    w("#[inline(never)]")
    w("pub(super) fn mul(a: &Limbs, b: &Limbs) -> Limbs {")
    for i in range(8):
        w(f"    let b{i} = w(b[{i}]);")
    for i in range(8):
        w(f"    let a{i} = w(a[{i}]);")
        for j in range(8):
            k = i + j
            terms = [f"a{i} * b{j}"]
            if i > 0:
                terms.append(f"w(t{k})")
            if j > 0:
                terms.append("c")
            w(f"    let c = {' + '.join(terms)};")
            w(f"    let t{k} = c as u32;")
            w("    let c = c >> 32;")
        w(f"    let t{i + 8} = c as u32;")
    w("    reduce_wide(&[" + ", ".join(f"t{k}" for k in range(16)) + "])")
    w("}")
    w("")
    w("/// `a^2`: the cross products once (operand scanning), doubled, plus the squares.")
    w("#[inline(never)]")
    w("pub(super) fn square(a: &Limbs) -> Limbs {")
    for i in range(8):
        w(f"    let a{i} = w(a[{i}]);")
    w("    let t0 = 0u32;")
    w("    let t15 = 0u32;")
    defined = set()
    for i in range(7):
        for j in range(i + 1, 8):
            k = i + j
            terms = [f"a{i} * a{j}"]
            if k in defined:
                terms.append(f"w(t{k})")
            if j > i + 1:
                terms.append("c")
            w(f"    let c = {' + '.join(terms)};")
            w(f"    let t{k} = c as u32;")
            defined.add(k)
            w("    let c = c >> 32;")
        w(f"    let t{i + 8} = c as u32;")
        defined.add(i + 8)
    # double (shift left by one) and add the squares
    w("    let mut c: u64 = 0;")
    for i in range(8):
        lo, hi = 2 * i, 2 * i + 1
        lo_in = f"(t{lo} << 1) | (t{lo - 1} >> 31)" if lo > 0 else f"t{lo} << 1"
        hi_in = f"(t{hi} << 1) | (t{lo} >> 31)"
        w(f"    let sq = a{i} * a{i};")
        w(f"    c += w({lo_in}) + (sq & 0xffff_ffff);")
        w(f"    let u{lo} = c as u32;")
        w("    c >>= 32;")
        w(f"    c += w({hi_in}) + (sq >> 32);")
        w(f"    let u{hi} = c as u32;")
        w("    c >>= 32;")
    w("    let _ = c;")
    w("    reduce_wide(&[" + ", ".join(f"u{k}" for k in range(16)) + "])")
    w("}")
    for name, doc, op in (
        ("add", "`a + b`", "+"),
        ("sub", "`a - b` as `a + 4p - b` (4p spread: limb 0 is 2^33 - 76, the others 2^33 - 2)", "-"),
    ):
        w("")
        w(f"/// {doc}: bits 255 and up of the top limb's sum fold (times 19) into limb 0 before the")
        w("/// single carry pass; value < 2^256.")
        w("#[inline(never)]")
        w(f"pub(super) fn {name}(a: &Limbs, b: &Limbs) -> Limbs {{")
        w("    let mut r = [0u32; 8];")
        if op == "+":
            w("    let s7 = w(a[7]) + w(b[7]);")
        else:
            w("    const K0: u64 = (1 << 33) - 76;")
            w("    const K: u64 = (1 << 33) - 2;")
            w("    let s7 = w(a[7]) + K - w(b[7]);")
        w("    let mut c = 19 * (s7 >> 31);")
        for k in range(7):
            if op == "+":
                w(f"    c += w(a[{k}]) + w(b[{k}]);")
            else:
                kk = "K0" if k == 0 else "K"
                w(f"    c += w(a[{k}]) + {kk} - w(b[{k}]);")
            w(f"    r[{k}] = c as u32;")
            w("    c >>= 32;")
        w("    r[7] = ((s7 & 0x7fff_ffff) + c) as u32;")
        w("    r")
        w("}")
    w("")
    w("/// `a * 121665`, then the part from 2^255 up folded (times 19) in a second pass.")
    w("#[inline(never)]")
    w("pub(super) fn mul_a24(a: &Limbs) -> Limbs {")
    w("    let mut c: u64 = 0;")
    for k in range(8):
        w(f"    c += w(a[{k}]) * 121_665;")
        w(f"    let q{k} = c as u32;")
        w("    c >>= 32;")
    w("    let mut r = [0u32; 8];")
    w("    let mut d = 19 * (((c as u32) << 1) | (q7 >> 31)) as u64;")
    for k in range(7):
        w(f"    d += w(q{k});")
        w(f"    r[{k}] = d as u32;")
        w("    d >>= 32;")
    w("    r[7] = (w(q7 & 0x7fff_ffff) + d) as u32;")
    w("    r")
    w("}")
    print("\n".join(out))


if __name__ == "__main__":
    import sys

    KARATSUBA = "--karatsuba" in sys.argv
    if "--fe32" in sys.argv:
        main32()
    else:
        main()
