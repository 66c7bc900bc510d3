//! What would close the rest of each operation's gap to its goal: the notes under the
//! profiles of `benches/REPORT.md` ([`super::profile_report::section`]).

/// What would close the rest of the gap to the goal, per operation (M0, M4). Written from the
/// profiles when they were taken: re-read them against the tables when the code changes.
pub(super) fn note(op: &str, m0: bool) -> &'static str {
    match (op, m0) {
        ("x25519-compact", true) => {
            "The Thumb-1 product is now one level of subtractive Karatsuba over two 128-bit \
             halves (`m0asm_gen::mul_25519`: the half products by product scanning, the \
             differences' signs as masks, about 1,990 cycles per call) and the square product \
             scanning with one more digit register (about 1,340): 5.22 M -> 4.89 M. To close the \
             rest (goal 3.5 M, about 0.72x): the leaves (about 80% of a product) sit near \
             product scanning's floor of about 7 cycles per 16x16 partial product with 8 low \
             registers; a second Karatsuba level over the same leaves costs more than it saves \
             (counted in the generator's model). The published figures need a 32x32->64 kernel \
             of four `MULS` kept in registers with Karatsuba at 64 and 128 bits, their sums in \
             r0-r7 and r8-r12 as spill registers; then a constant-time binary-GCD inversion in \
             place of the 254 Fermat squarings."
        }
        ("p256-ecdh-compact", true) => {
            "The NIST reduction is Thumb-1 assembly (`m0asm_gen::reduce_p256`, about 350 cycles), \
             as are the field addition and subtraction, and the product is one level of \
             Karatsuba (`mul_wide16`, about 1,790 cycles; `sqr_wide16` about 1,140): 8.58 M -> \
             7.36 M. To close the rest (goal 6 M, about 0.82x): the products are still about \
             two thirds; the register-held 32x32->64 kernel with Karatsuba at 64 and 128 bits \
             (as for X25519), then fewer field operations per bit (co-Z ladder formulas, as the \
             published M0 ECDH uses)."
        }
        ("ecdsa-p256-verify-compact", true) => {
            "The goal (9 M) is met: 8.45 M -> 7.04 M with the assembly reduction, the Karatsuba \
             product and a table of Q built with mixed additions on an isomorphic curve. The same \
             products as ECDH dominate; wider NAF windows for the public point (fewer additions \
             for one more table entry each) would lower it further."
        }
        ("aes128-block-compact", true) => {
            "To close the rest (goal 3,000, 0.34x): one block costs a full two-block bitsliced \
             pass (`encrypt_pair`); the S-box circuit is about half of it and ShiftRows a \
             fifth. Fixslicing (ShiftRows only every fourth round) and Thumb-1 assembly for the \
             circuit would bring the pair to roughly the goal, but a lone block cannot share \
             the pass: a single-block goal of 3,000 needs a table-based AES (constant time only \
             on cacheless cores with tables in zero-wait-state SRAM, as the published 1,138 \
             cycles assume)."
        }
        ("ccm-seal-64-compact", true) => {
            "To close the rest (goal 30 k, 0.47x): six two-block AES passes (each CBC-MAC block \
             paired with its CTR block) are about 80%; the rest is copying (`memcpy`, \
             `__aeabi_memcpy4`, `pack`). The pass must fall to about half (fixslicing plus an \
             assembly S-box, as for the block) and the blocks be packed in place."
        }
        ("x25519-compact", false) => {
            "The goal (650 k) is met: the `UMAAL` product (`umaal_gen::mul_25519`) took this \
             from 1,364,481 instructions with the portable `u64` product to 778,256, and a \
             dedicated squaring (`sqr_25519`: 28 `UMAAL` off the diagonal, the doubling \
             interleaved with the rows) with the ladder's addition and subtraction in assembly \
             (`add_25519`, `sub_25519`) to about 615 k. What is left: the product (209 \
             instructions per call), then `mul_a24` and copying."
        }
        ("p256-ecdh-compact", false) => {
            "The product and the NIST reduction are one `UMAAL` block (`umaal_gen::mul_p256`, \
             275 instructions per call, also the square), with addition and subtraction in \
             assembly, and doubling in place: 2,332,110 -> about 1.48 M instructions. To close \
             the rest (goal 1.3 M, about 0.88x): `mul_p256` is about 60%; a dedicated squaring saves little here (the \
             doubling pass over 16 words costs what it saves), so fewer field operations per bit \
             (co-Z formulas) and the point formulas' additions kept in registers instead of one \
             call each; then `__aeabi_memcpy4` and `invert_vartime` (3% each)."
        }
        ("ecdsa-p256-verify-compact", false) => {
            "The goal (1.5 M) is met: `umaal_gen::mul_p256` (product and reduction in one block), \
             the assembly addition and subtraction and the cheaper table of Q took this from \
             2,323,314 to about 1.41 M instructions. What is left: the product block, then the \
             variable-time inversion mod n (`invert_vartime`, `half_mod`) and `memcmp`."
        }
        ("ed25519-verify-compact", false) => {
            "The `UMAAL` product took this from 1,637,667 instructions to 995,487, and the \
             dedicated squaring, the assembly addition and subtraction of GF(2^255 - 19) and the \
             in-place point formulas to about 750 k: below the goal of 1.2 M. What is left: the \
             product, the point formulas' remaining additions, copying."
        }
        _ => "",
    }
}
