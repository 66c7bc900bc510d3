//! What would close the rest of each operation's gap to its goal: the notes under the
//! profiles of `benches/REPORT.md` ([`super::profile_report::section`]).

/// What would close the rest of the gap to the goal, per operation (M0, M4). Written from the
/// profiles when they were taken: re-read them against the tables when the code changes.
pub(super) fn note(op: &str, m0: bool) -> &'static str {
    match (op, m0) {
        ("x25519-compact", true) => {
            "To close the rest (goal 3.5 M, about 0.67x of this): the field product and squaring \
             are now the Thumb-1 assembly of `m0asm_gen` (product scanning at about 7 cycles per \
             16x16 partial product, near that method's floor) and still most of the estimate; \
             the goal needs fewer `MULS`: Karatsuba over 32-bit halves with the intermediate \
             sums kept in r0-r7, as the published M0 code does. The Fermat inversion (254 \
             squarings) could become a constant-time binary GCD."
        }
        ("p256-ecdh-compact", true) => {
            "The NIST reduction is now Thumb-1 assembly (`m0asm_gen::reduce_p256`, about 350 \
             cycles, after the product), and the field addition and subtraction too: 8.58 M -> \
             7.73 M. To close the rest (goal 6 M, about 0.78x): the Thumb-1 products \
             (`m0asm_gen::mul_wide16` about 1,930 cycles, `sqr_wide16` about 1,190 per call) \
             are about two thirds; Karatsuba kept in registers for the products, then fewer \
             field operations per bit (co-Z ladder formulas, as the published M0 ECDH uses)."
        }
        ("ecdsa-p256-verify-compact", true) => {
            "The goal (9 M) is met; with the assembly reduction it fell from 8.45 M to 7.64 M. \
             The same products as ECDH dominate; wider NAF windows for the public point (fewer \
             additions for one more table entry each) would lower it further."
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
             assembly: 2,332,110 -> about 1.51 M instructions. To close the rest (goal 1.3 M, \
             about 0.86x): `mul_p256` is about 60%; a dedicated squaring saves little here (the \
             doubling pass over 16 words costs what it saves), so fewer field operations per bit \
             (co-Z formulas) and the point formulas' additions kept in registers instead of one \
             call each; then `__aeabi_memcpy4` and `invert_vartime` (3% each)."
        }
        ("ecdsa-p256-verify-compact", false) => {
            "With `umaal_gen::mul_p256` (product and reduction in one block) and the assembly \
             addition and subtraction: 2,323,314 -> about 1.53 M instructions. To close the \
             rest (goal 1.5 M, about 0.98x): as for ECDH, plus the variable-time inversion mod \
             n (`invert_vartime`, `half_mod` about 4%) and the `memcmp` calls of the point \
             comparisons (about 3%)."
        }
        ("ed25519-verify-compact", false) => {
            "The `UMAAL` product took this from 1,637,667 instructions to 995,487, and the \
             dedicated squaring and assembly addition and subtraction of GF(2^255 - 19) to \
             about 798 k: below the goal of 1.2 M. What is left: the product, the point \
             formulas' remaining additions, copying (`__aeabi_memcpy4`)."
        }
        _ => "",
    }
}
