//! The host criterion benches (`benches/benches`, package `bulwark-benches`), run with a short
//! measurement for the report, and their medians read back from criterion's files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::workspace_root;

/// Runs the host criterion benches with a short measurement and reads every median.
pub(super) fn host_benches() -> Result<BTreeMap<String, f64>, String> {
    let criterion = workspace_root().join("target").join("criterion");
    let _ = fs::remove_dir_all(&criterion);
    crate::cargo(
        &[
            "bench",
            "-p",
            "bulwark-benches",
            "--",
            "--warm-up-time",
            "0.3",
            "--measurement-time",
            "1",
            "--noplot",
        ],
        &[],
    )?;
    let mut map = BTreeMap::new();
    collect_estimates(&criterion, &criterion, &mut map);
    if map.is_empty() {
        return Err(format!("no estimates under {}", criterion.display()));
    }
    Ok(map)
}

fn collect_estimates(root: &Path, dir: &Path, map: &mut BTreeMap<String, f64>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                let est = path.join("estimates.json");
                if let (Ok(json), Some(parent)) = (fs::read_to_string(&est), path.parent())
                    && let Some(median) = median_ns(&json)
                    && let Ok(rel) = parent.strip_prefix(root)
                {
                    map.insert(rel.display().to_string(), median);
                }
            } else if path.file_name().is_none_or(|n| n != "report") {
                collect_estimates(root, &path, map);
            }
        }
    }
}

/// `median.point_estimate` from criterion's `estimates.json` (nanoseconds).
fn median_ns(json: &str) -> Option<f64> {
    let at = json.find("\"median\"")?;
    let rest = &json[at..];
    let p = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let num: String = rest[p..]
        .chars()
        .skip_while(|c| c.is_whitespace())
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        .collect();
    num.parse().ok()
}
