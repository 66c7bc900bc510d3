//! The backend comparison in `benches/REPORT.md`: the software and the compact backends side
//! by side against the best published figures, and the chart of M0 cycles (SVG, log scale).

use std::fmt::Write as _;
use std::fs;

use super::arm::Op;
use super::fmt_n;
use super::report::Results;
use crate::workspace_root;

/// The operations the backends are compared on: the software backend's name (the compact
/// backend's adds `-compact`), the best published Cortex-M0/M0+ figure in cycles (if any) and
/// its text and source (see the References).
const COMPARED: &[(&str, Option<u64>, &str)] = &[
    (
        "aes128-block",
        Some(1_138),
        "1,138 (T-tables in SRAM, constant time only on cacheless cores) [R6]",
    ),
    ("aes128-block+key", None, "- [R6]"),
    ("ccm-seal-64", None, "- [R6]"),
    (
        "x25519",
        Some(3_230_000),
        "3.23 M (hand-written asm, M0+); 3.59 M [R1]",
    ),
    (
        "ed25519-verify",
        None,
        "no Ed25519 figure; a Schnorr verify on a 255-bit curve takes 3.26 M on M0+ [R5]",
    ),
    (
        "p256-ecdh",
        Some(4_460_000),
        "4.46-5.76 M (asm); micro-ecc about 18.5 M; p256-m about 44 M [R3] [R4]",
    ),
    (
        "ecdsa-p256-verify",
        Some(16_000_000),
        "about 16-22 M (vendor asm); p256-m about 95 M [R3] [R4]",
    ),
];

/// The chart's file, beside the report.
const CHART: &str = "m0-cycles.svg";

/// The backend comparison: one row per [`COMPARED`] operation, the software and the compact
/// backend side by side (`soft / compact`), and the best published figure.
pub(super) fn comparison_section(r: &Results) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Software and compact backends side by side\n");
    let _ = writeln!(
        s,
        "Each cell is `software / compact` (`bulwark-soft` / `bulwark-compact`, the rows named \
         `NAME` and `NAME-compact` of the tables below): M0 and M4 executed instructions and the \
         M0 cycle estimate (QEMU), M0 peak stack, AVR cycles at the pinned opt-level (simavr; \
         the software backend's P-256 cannot be built for AVR, its Ed25519 runs on the \
         ATmega1284p, the compact backend's operations all run on the ATmega1284p), RV32IMC \
         instructions (QEMU). \"-\" = not measured. Best published figures are Cortex-M0/M0+ \
         cycles on real hardware (see the References). Flash per primitive, both backends: the `size-*` \
         and `size-*-compact` rows of the flash table. Chart (log scale): `{CHART}`.\n"
    );
    let _ = writeln!(
        s,
        "| operation | M0 instructions | M0 est. cycles | M4 instructions | M0 stack (B) | AVR \
         cycles | RV32 instructions | best published (M0/M0+ cycles) |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---|");
    let pair = |soft: Option<u64>, compact: Option<u64>| {
        let f = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), fmt_n);
        format!("{} / {}", f(soft), f(compact))
    };
    let op = |ops: &[Op], name: &str| ops.iter().find(|o| o.name == name).cloned();
    let avr = |name: &str| r.avr_ops.iter().find(|o| o.0 == name).map(|o| o.1);
    for (name, _, published) in COMPARED {
        let compact = format!("{name}-compact");
        let (m0s, m0c) = (op(&r.m0, name), op(&r.m0, &compact));
        let (m4s, m4c) = (op(&r.m4, name), op(&r.m4, &compact));
        let (rvs, rvc) = (op(&r.rv32_ops, name), op(&r.rv32_ops, &compact));
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} | {} | {} | {published} |",
            pair(m0s.as_ref().map(|o| o.insns), m0c.as_ref().map(|o| o.insns)),
            pair(
                m0s.as_ref().and_then(|o| o.cycles),
                m0c.as_ref().and_then(|o| o.cycles)
            ),
            pair(m4s.map(|o| o.insns), m4c.map(|o| o.insns)),
            pair(m0s.map(|o| o.stack), m0c.map(|o| o.stack)),
            pair(avr(name), avr(&compact)),
            pair(rvs.map(|o| o.insns), rvc.map(|o| o.insns)),
        );
    }
    let _ = writeln!(
        s,
        "\n![M0 estimated cycles per operation, software and compact backends against the best \
         published figure, log scale]({CHART})\n"
    );
    s
}

/// One chart row: operation, software M0 est. cycles, compact, best published.
pub(super) type ChartRow = (String, Option<u64>, Option<u64>, Option<u64>);

/// The chart's bars: (operation, software M0 est. cycles, compact, best published).
fn chart_rows(r: &Results) -> Vec<ChartRow> {
    let cycles = |name: &str| r.m0.iter().find(|o| o.name == name).and_then(|o| o.cycles);
    COMPARED
        .iter()
        .map(|(name, best, _)| {
            (
                (*name).to_owned(),
                cycles(name),
                cycles(&format!("{name}-compact")),
                *best,
            )
        })
        .collect()
}

/// Writes a horizontal bar chart as SVG (by hand: xtask has no dependencies): one group per
/// row, bars for the software and the compact backend and a tick for the best published
/// figure, on a log-10 axis spanning the decades of the values. Missing values are left out.
pub(super) fn bar_chart_svg(title: &str, rows: &[ChartRow]) -> String {
    const LEFT: f64 = 150.0;
    const PLOT: f64 = 600.0;
    const TOP: f64 = 40.0;
    const BAR: f64 = 12.0;
    const GROUP: f64 = 2.0 * BAR + 14.0;
    let values: Vec<u64> = rows
        .iter()
        .flat_map(|(_, a, b, c)| [*a, *b, *c])
        .flatten()
        .filter(|v| *v > 0)
        .collect();
    let lo = values.iter().min().map_or(0, |v| v.ilog10());
    let hi = values
        .iter()
        .max()
        .map_or(1, |v| v.ilog10() + 1)
        .max(lo + 1);
    let x = |v: u64| LEFT + PLOT * ((v as f64).log10() - f64::from(lo)) / f64::from(hi - lo);
    let height = TOP + GROUP * rows.len() as f64 + 50.0;
    let width = LEFT + PLOT + 30.0;
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(
        s,
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{LEFT}\" y=\"18\" \
         font-size=\"13\">{}</text>",
        esc(title)
    );
    let bottom = TOP + GROUP * rows.len() as f64;
    for d in lo..=hi {
        let gx = LEFT + PLOT * f64::from(d - lo) / f64::from(hi - lo);
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{gx:.1}\" y1=\"{TOP}\" x2=\"{gx:.1}\" y2=\"{bottom:.1}\" \
             stroke=\"#ccc\"/>\n<text x=\"{gx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">1e{d}</text>",
            bottom + 14.0
        );
    }
    for (i, (name, soft, compact, best)) in rows.iter().enumerate() {
        let y = TOP + GROUP * i as f64 + 4.0;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y + BAR + 3.0,
            esc(name)
        );
        for (k, (v, fill, who)) in [(soft, "#888", "software"), (compact, "#2a6fdb", "compact")]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = v.filter(|v| *v > 0) {
                let by = y + BAR * k as f64;
                let _ = writeln!(
                    s,
                    "<rect class=\"bar\" x=\"{LEFT}\" y=\"{by:.1}\" width=\"{:.1}\" \
                     height=\"{:.1}\" fill=\"{fill}\"><title>{} {who}: {v}</title></rect>",
                    (x(v) - LEFT).max(1.0),
                    BAR - 2.0,
                    esc(name)
                );
            }
        }
        if let Some(v) = best.filter(|v| *v > 0) {
            let bx = x(v);
            let _ = writeln!(
                s,
                "<line class=\"best\" x1=\"{bx:.1}\" y1=\"{:.1}\" x2=\"{bx:.1}\" y2=\"{:.1}\" \
                 stroke=\"#d22\" stroke-width=\"3\"><title>{} best published: {v}</title></line>",
                y - 2.0,
                y + 2.0 * BAR,
                esc(name)
            );
        }
    }
    let ly = bottom + 34.0;
    let _ = writeln!(
        s,
        "<rect x=\"{LEFT}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"#888\"/><text \
         x=\"{:.1}\" y=\"{ly:.1}\">software</text>\n<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" \
         height=\"10\" fill=\"#2a6fdb\"/><text x=\"{:.1}\" y=\"{ly:.1}\">compact</text>\n<line \
         x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"#d22\" \
         stroke-width=\"3\"/><text x=\"{:.1}\" y=\"{ly:.1}\">best published</text>\n</svg>",
        ly - 9.0,
        LEFT + 14.0,
        LEFT + 90.0,
        ly - 9.0,
        LEFT + 104.0,
        LEFT + 185.0,
        ly - 10.0,
        LEFT + 185.0,
        LEFT + 192.0
    );
    s
}

/// Writes the chart beside the report.
pub(super) fn write_chart(r: &Results) -> Result<(), String> {
    let svg = bar_chart_svg(
        "Cortex-M0 estimated cycles per operation (log scale)",
        &chart_rows(r),
    );
    let path = workspace_root().join("benches").join(CHART);
    fs::write(&path, svg).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_chart_bars_ticks_and_log_axis() {
        let rows = vec![
            (
                "x25519".to_owned(),
                Some(19_000_000),
                Some(3_000_000),
                Some(3_230_000),
            ),
            ("aes<block>".to_owned(), Some(10_000), None, None),
        ];
        let svg = bar_chart_svg("M0 & cycles", &rows);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        // Three bars (the missing compact AES is left out) and one published tick.
        assert_eq!(svg.matches("class=\"bar\"").count(), 3);
        assert_eq!(svg.matches("class=\"best\"").count(), 1);
        // Axis from 1e4 to 1e8: five decade lines, 150 px apart.
        assert_eq!(svg.matches("class=\"grid\"").count(), 5);
        assert!(svg.contains(">1e4</text>") && svg.contains(">1e8</text>"));
        assert!(svg.contains("x1=\"150.0\"") && svg.contains("x1=\"750.0\""));
        // 10,000 sits on the 1e4 line: a bar of the minimum width 1.
        assert!(svg.contains("width=\"1.0\""));
        // 19 M: log10(1.9e7) = 7.2788 -> 150 + 600 * 3.2788 / 4 = 641.8 px, bar width 491.8.
        assert!(svg.contains("width=\"491.8\""));
        // Text is escaped.
        assert!(svg.contains("M0 &amp; cycles") && svg.contains("aes&lt;block&gt;"));
        assert!(!svg.contains("<block>"));
    }
}
