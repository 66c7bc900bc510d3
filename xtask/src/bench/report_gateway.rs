//! The gateway CCM section of `benches/REPORT.md`: the batch API against the same packets
//! sealed one at a time, and 64-byte packets against OpenSSL, both from the `gateway-ccm`
//! criterion groups (`benches/benches/ccm_gateway.rs`) of the same run.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The batch shapes `ccm_gateway.rs` measures: `(packets, bytes each)`.
const BATCHES: &[(usize, usize)] = &[(8, 64), (8, 1024), (32, 64), (32, 1024)];

/// Where the time of a 64-byte packet goes (measured with the `latency-bound` group and a
/// profile of the fused path); kept beside the table it explains.
const SMALL_PACKET_NOTE: &str = "A 64-byte packet with the bench's 21-byte AAD is 7 dependent \
     AES blocks of CBC-MAC (B_0, two AAD blocks, four payload blocks); the keystream runs beside \
     them (for open ahead of them, beside B_0 and the AAD blocks). One call of the fused path \
     is one `#[target_feature]` function doing the size checks, the header, the chain and the \
     tag: B_0 and A_0 are built in general registers and moved into vector registers whole (no \
     store-to-load stall), the AAD is read straight from the caller's slice and the tag written \
     with one or two stores, so no copy or `memmove` is left. What remains besides the 7 \
     blocks: for open, the constant-time tag comparison and the wipe-on-error check (shared \
     with the generic mode; the comparison ORs the byte differences and passes one byte \
     through `subtle`'s barrier) and the bench's per-call setup. The `latency-bound` group's long chains put a \
     block at about 10 ns here, so 7 blocks take about 70 ns in isolation; criterion's \
     back-to-back calls overlap (the next call's B_0 and AAD blocks do not wait for the \
     previous call), which is why seal can measure below that.";

/// The section, or an empty string when the run has no `gateway-ccm` figures.
pub(super) fn section(host: &BTreeMap<String, f64>) -> String {
    let mut s = String::new();
    let get = |k: String| host.get(&k).copied();
    let mut batch_rows = Vec::new();
    for &(n, size) in BATCHES {
        let group = format!("gateway-ccm_batch-{n}x{size}");
        let ratio = |op: &str| {
            let seq = get(format!("{group}/{op}_sequential"))?;
            let batch = get(format!("{group}/{op}_batch"))?;
            Some(seq / batch)
        };
        if let (Some(seal), Some(open)) = (ratio("seal"), ratio("open")) {
            batch_rows.push(format!("| {n} x {size} B | {seal:.2} | {open:.2} |"));
        }
    }
    let mut small_rows = Vec::new();
    for tag in [8, 16] {
        let ratio = |op: &str| {
            let ours = get(format!("gateway-ccm_{op}-tag{tag}/fused/64"))?;
            let ossl = get(format!("gateway-ccm_{op}-tag{tag}/openssl/64"))?;
            Some(ours / ossl)
        };
        if let (Some(seal), Some(open)) = (ratio("seal"), ratio("open")) {
            small_rows.push(format!("| {tag} | {seal:.2} | {open:.2} |"));
        }
    }
    if batch_rows.is_empty() && small_rows.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "### Gateway AES-128-CCM (`bulwark-soft` on AES-NI / VAES)\n"
    );
    if !batch_rows.is_empty() {
        let _ = writeln!(
            s,
            "Batch API (`bulwark_soft::batch`): throughput of one call on N independent packets \
             (own nonce, AAD and length each) against the same packets sealed or opened one at \
             a time by the fused single-packet path, in the same run (criterion medians; \
             ratio = sequential time / batch time, higher is better; goal for 8 x 1 KiB: 3). \
             With VAES and AVX-512 the 8 lanes' CBC-MAC states and counter blocks are four \
             512-bit registers, so one round step advances 8 MAC blocks and 8 keystream blocks; \
             without them the AES-NI engine runs (about 2.5x). For 64-byte packets the \
             fused single-packet path is about as fast as a lane of the batch engine (whose \
             lane setup and refills a 7-block packet does not amortise): the batch API pays \
             from a few hundred bytes per packet.\n"
        );
        let _ = writeln!(s, "| batch | seal | open |");
        let _ = writeln!(s, "|---|---:|---:|");
        for row in &batch_rows {
            let _ = writeln!(s, "{row}");
        }
        let _ = writeln!(s);
    }
    if !small_rows.is_empty() {
        let _ = writeln!(
            s,
            "64-byte packets, fused single-packet path against the system OpenSSL \
             (`CipherCtx`, key set once), same run; ratio = our time / OpenSSL's (goal 0.4):\n"
        );
        let _ = writeln!(s, "| tag | seal | open |");
        let _ = writeln!(s, "|---:|---:|---:|");
        for row in &small_rows {
            let _ = writeln!(s, "{row}");
        }
        let _ = writeln!(s, "\n{SMALL_PACKET_NOTE}\n");
    }
    s
}
