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
            "To close the rest (goal 6 M, about 0.70x): the Thumb-1 products \
             (`m0asm_gen::mul_wide16`, `sqr_wide16`) and the NIST reduction (`reduce`, inlined \
             into `Fe::mul`/`Fe::square`, now almost as large as a square) dominate; Karatsuba \
             kept in registers for the products and a reduction kept in registers, then fewer \
             field operations per bit (co-Z ladder formulas, as the published M0 ECDH uses)."
        }
        ("ecdsa-p256-verify-compact", true) => {
            "The goal (9 M) is met with the Thumb-1 products of `m0asm_gen`; the same product \
             and reduction as ECDH dominate, and wider NAF windows for the public point (fewer \
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
            "The `UMAAL` product (`umaal_gen::mul_25519`: 64 `UMAAL` with the columns in \
             registers and the reduction by 38 in the same block) took this from 1,364,481 \
             instructions with the portable `u64` product (`BULWARK_COMPACT_UMAAL=0`) to \
             778,256 (0.57x). To close the rest (goal 650 k, 0.84x): the product is still about \
             70% at about 210 instructions per call; half the calls are squarings, for which a \
             dedicated squaring (28 fewer `UMAAL` and loads, the doubling after the reduction \
             by 38) would take an estimated tenth off, and the ladder's additions and \
             subtractions (about a fifth of the total) could be fused into one assembly step."
        }
        ("p256-ecdh-compact", false) => {
            "The `UMAAL` product (`umaal_gen::mul_wide`, also the square) took this from \
             3,430,111 instructions with the portable `u64` product to 2,332,110 (0.68x). To \
             close the rest (goal 1.3 M, 0.56x): the NIST reduction (`reduce`, inlined into \
             `Fe::mul`/`Fe::square`, about 300 instructions per call) is now the largest part, \
             more than the product: in assembly, with the signed word sums kept in registers \
             and fed by the product's high columns directly, as the published M4 code does; \
             then the additions (`Fe::add`/`Fe::sub`, a sixth)."
        }
        ("ecdsa-p256-verify-compact", false) => {
            "The `UMAAL` product took this from 3,411,668 instructions to 2,323,314 (0.68x). \
             To close the rest (goal 1.5 M, 0.65x): as for ECDH (the same field code is about \
             80%), plus the variable-time inversion mod n (`invert_vartime`, `half_mod`)."
        }
        ("ed25519-verify-compact", false) => {
            "The `UMAAL` product took this from 1,637,667 instructions to 995,487 (0.61x): \
             below the goal of 1.2 M. What is left: the product (about 60%), the subtractions \
             and additions of the point formulas (a fifth), copying (`__aeabi_memcpy4`)."
        }
        _ => "",
    }
}
