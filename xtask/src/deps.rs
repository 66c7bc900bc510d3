//! `cargo xtask deps`: the dependency rules between bulwark's own crates, checked against
//! `cargo metadata --format-version 1`.
//!
//! Two kinds of rule:
//!
//! - **Layers** ([`CRATES`], [`MAY_USE`]): a crate's normal and build dependencies on crates
//!   of ours (path packages) must be of a role its role may use. The API depends on nothing of
//!   ours; the modes on the API only; protocol crates on the API, modes and other protocol
//!   crates (OSCORE message protection on the PSK crate's context derivation), never on a
//!   backend; backends on the API, the modes and other backends, never on a protocol crate;
//!   the facade on what it re-exports (API, modes, backends); applications (the CLI, the
//!   examples, the host benches' library) on the facade, protocol crates and each other, never
//!   on a backend or the API directly: they get both through the facade, and only
//!   backend-specific code (a bench comparing backends, in its dev-dependencies) names one.
//!   Dev-dependencies are free (tests run protocols over a backend). A crate of ours missing
//!   from the table may not be used by a crate with a restricted role.
//! - **Runtime graph**: no crate of ours, except the test-support and test-only crates, reaches
//!   [`TEST_SUPPORT`] crates through normal dependencies, directly or transitively (a device
//!   checks its vectors in a test binary, not at boot).
//!
//! A new crate is one line in [`CRATES`]; a listed crate that does not exist is skipped.
//! The firmware workspaces (`examples/firmware`, `benches/embedded/*`) are not in this
//! metadata: the firmware's conformance binaries exist for tests.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::process::Command;

use crate::json::{self, Value};
use crate::{cargo_program, workspace_root};

/// What a crate is, for the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The API: traits and types, no algorithm code.
    Api,
    /// The generic block-cipher modes over the API's hardware seam.
    Modes,
    /// Protocols, generic over the API's traits.
    Protocol,
    /// An implementation of the API.
    Backend,
    /// The facade (`bulwark`): the API re-exported and the `DefaultProvider`.
    Facade,
    /// A program or example built on the facade.
    Application,
    /// Test support other crates' tests use (vectors, test RNGs, the conformance suite).
    TestSupport,
    /// A crate that exists only to test (differential runs, constant-time checks).
    TestOnly,
}

/// Every crate with a role, one line each. Crates of ours not listed (xtask) only have to keep
/// test support out of their runtime graph.
pub const CRATES: &[(&str, Role)] = &[
    ("bulwark-api", Role::Api),
    ("bulwark-modes", Role::Modes),
    ("bulwark-psk", Role::Protocol),
    ("bulwark-firmware", Role::Protocol),
    ("bulwark-trust", Role::Protocol),
    ("bulwark-vault", Role::Protocol),
    ("bulwark-oscore", Role::Protocol),
    ("bulwark-links", Role::Protocol),
    ("bulwark-edhoc", Role::Protocol),
    ("bulwark-soft", Role::Backend),
    ("bulwark-server", Role::Backend),
    ("bulwark-compact", Role::Backend),
    ("bulwark", Role::Facade),
    ("bulwark-cli", Role::Application),
    ("bulwark-gateway", Role::Application),
    ("bulwark-example-device", Role::Application),
    ("bulwark-benches", Role::Application),
    ("bulwark-testkit", Role::TestSupport),
    ("bulwark-conformance", Role::TestSupport),
    ("bulwark-differential", Role::TestOnly),
    ("bulwark-ctgrind", Role::TestOnly),
];

/// The roles each role may depend on (normal and build dependencies). A role not listed
/// here may depend on anything of ours.
pub const MAY_USE: &[(Role, &[Role])] = &[
    (Role::Api, &[]),
    (Role::Modes, &[Role::Api]),
    (Role::Protocol, &[Role::Api, Role::Modes, Role::Protocol]),
    (Role::Backend, &[Role::Api, Role::Modes, Role::Backend]),
    (Role::Facade, &[Role::Api, Role::Modes, Role::Backend]),
    (
        Role::Application,
        &[Role::Facade, Role::Protocol, Role::Application],
    ),
];

/// Crates no runtime graph may reach (except crates with a test role).
pub const TEST_SUPPORT: &[&str] = &["bulwark-testkit", "bulwark-conformance"];

fn role_of(name: &str) -> Option<Role> {
    CRATES.iter().find(|(n, _)| *n == name).map(|&(_, r)| r)
}

fn may_use(role: Role) -> Option<&'static [Role]> {
    MAY_USE
        .iter()
        .find(|(r, _)| *r == role)
        .map(|&(_, uses)| uses)
}

/// What the check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Crates of ours in the metadata (path packages).
    pub checked: Vec<String>,
    /// Crates of the table that are not in the tree.
    pub skipped: Vec<&'static str>,
    /// One line per broken rule, naming the crate and the offending edge.
    pub violations: Vec<String>,
}

/// Checks the rules against parsed `cargo metadata --format-version 1` output.
pub fn check(metadata: &Value) -> Result<Report, String> {
    let packages = metadata.get("packages").map_or(&[][..], Value::items);
    // Ours: path packages (no `source`), by id and by name.
    let mut ours: BTreeMap<&str, &Value> = BTreeMap::new();
    let mut name_of_id: BTreeMap<&str, &str> = BTreeMap::new();
    for p in packages {
        let (Some(name), Some(id)) = (
            p.get("name").and_then(Value::as_str),
            p.get("id").and_then(Value::as_str),
        ) else {
            return Err("cargo metadata: a package without name or id".to_owned());
        };
        name_of_id.insert(id, name);
        if p.get("source").is_none_or(|s| *s == Value::Null) {
            ours.insert(name, p);
        }
    }
    if ours.is_empty() {
        return Err("cargo metadata lists no path packages".to_owned());
    }
    let mut report = Report {
        checked: ours.keys().map(|n| (*n).to_owned()).collect(),
        skipped: CRATES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !ours.contains_key(n))
            .collect(),
        violations: Vec::new(),
    };

    // Layers: declared normal and build dependencies on crates of ours.
    for (&name, package) in &ours {
        let Some(role) = role_of(name) else { continue };
        let Some(allowed) = may_use(role) else {
            continue;
        };
        for dep in package.get("dependencies").map_or(&[][..], Value::items) {
            let Some(dep_name) = dep.get("name").and_then(Value::as_str) else {
                continue;
            };
            let kind = dep.get("kind").and_then(Value::as_str).unwrap_or("normal");
            if kind == "dev" || !ours.contains_key(dep_name) {
                continue;
            }
            let ok = role_of(dep_name).is_some_and(|r| allowed.contains(&r));
            if !ok {
                let what = role_of(dep_name)
                    .map_or_else(|| "a crate with no role".to_owned(), |r| format!("{r:?}"));
                let uses = if allowed.is_empty() {
                    "none of ours".to_owned()
                } else {
                    format!("{allowed:?} only")
                };
                report.violations.push(format!(
                    "{name} -> {dep_name} ({kind} dependency): {name} is {role:?} and may use \
                     {uses}; {dep_name} is {what}"
                ));
            }
        }
    }

    // Runtime graphs: normal edges of the resolved graph, breadth first from each crate.
    let nodes = metadata
        .get("resolve")
        .and_then(|r| r.get("nodes"))
        .map_or(&[][..], Value::items);
    let mut normal: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in nodes {
        let Some(id) = node.get("id").and_then(Value::as_str) else {
            continue;
        };
        let Some(&from) = name_of_id.get(id) else {
            continue;
        };
        let targets = normal.entry(from).or_default();
        for dep in node.get("deps").map_or(&[][..], Value::items) {
            let is_normal = dep
                .get("dep_kinds")
                .map_or(&[][..], Value::items)
                .iter()
                .any(|k| k.get("kind").is_none_or(|k| *k == Value::Null));
            let to = dep
                .get("pkg")
                .and_then(Value::as_str)
                .and_then(|pkg| name_of_id.get(pkg));
            if let (true, Some(&to)) = (is_normal, to) {
                targets.push(to);
            }
        }
    }
    for &root in ours.keys() {
        if matches!(role_of(root), Some(Role::TestSupport | Role::TestOnly)) {
            continue;
        }
        for (target, path) in reachable(&normal, root, TEST_SUPPORT) {
            report.violations.push(format!(
                "{root}'s runtime graph reaches {target} (test support): {}",
                path.join(" -> ")
            ));
        }
    }
    Ok(report)
}

/// The crates of `targets` reachable from `root` over `edges`, each with a shortest path.
fn reachable<'a>(
    edges: &BTreeMap<&'a str, Vec<&'a str>>,
    root: &'a str,
    targets: &[&str],
) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut seen = BTreeSet::from([root]);
    let mut queue = VecDeque::from([root]);
    let mut found = Vec::new();
    while let Some(at) = queue.pop_front() {
        if at != root && targets.contains(&at) {
            let mut path = vec![at];
            let mut step = at;
            while let Some(&p) = parent.get(step) {
                path.push(p);
                step = p;
            }
            path.reverse();
            found.push((at, path));
            continue;
        }
        for &next in edges.get(at).map_or(&[][..], Vec::as_slice) {
            if seen.insert(next) {
                parent.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    found
}

/// `cargo xtask deps`: runs `cargo metadata`, checks, prints every violation.
pub fn run() -> Result<(), String> {
    let shown = "cargo metadata --format-version 1";
    eprintln!("$ {shown}");
    let output = Command::new(cargo_program())
        .args(["metadata", "--format-version", "1"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{shown}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| "metadata is not UTF-8")?;
    let report = check(&json::parse(&text)?)?;
    eprintln!(
        "deps: {} crates of ours checked, {} of them with a role in the table; not in the \
         tree (skipped): {}",
        report.checked.len(),
        CRATES.len() - report.skipped.len(),
        if report.skipped.is_empty() {
            "none".to_owned()
        } else {
            report.skipped.join(", ")
        }
    );
    for v in &report.violations {
        eprintln!("deps: VIOLATION {v}");
    }
    match report.violations.len() {
        0 => {
            eprintln!("deps: every dependency rule holds");
            Ok(())
        }
        n => Err(format!(
            "{n} dependency-rule violation{} (listed above as `deps: VIOLATION`)",
            if n == 1 { "" } else { "s" }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dependency kind as `cargo metadata` writes it (`""`: normal, `null`).
    fn kind_json(kind: &str) -> String {
        if kind.is_empty() {
            "null".to_owned()
        } else {
            format!("\"{kind}\"")
        }
    }

    /// A package of ours (`source: null`) with `(name, kind)` dependencies.
    fn package(name: &str, deps: &[(&str, &str)]) -> String {
        let deps: Vec<String> = deps
            .iter()
            .map(|(d, kind)| {
                let kind = kind_json(kind);
                format!(r#"{{"name": "{d}", "kind": {kind}, "path": "/x/{d}"}}"#)
            })
            .collect();
        format!(
            r#"{{"name": "{name}", "id": "path+file:///x/{name}#0.1.0", "source": null,
                "dependencies": [{}]}}"#,
            deps.join(",")
        )
    }

    /// A resolve node with normal (`""`) or dev edges.
    fn node(name: &str, deps: &[(&str, &str)]) -> String {
        let deps: Vec<String> = deps
            .iter()
            .map(|(d, kind)| {
                let kind = kind_json(kind);
                format!(
                    r#"{{"name": "{d}", "pkg": "path+file:///x/{d}#0.1.0",
                        "dep_kinds": [{{"kind": {kind}, "target": null}}]}}"#
                )
            })
            .collect();
        format!(
            r#"{{"id": "path+file:///x/{name}#0.1.0", "deps": [{}]}}"#,
            deps.join(",")
        )
    }

    /// The metadata of a workspace of `(name, dependencies)` packages: each package with its
    /// resolve node (the same edges).
    fn metadata(graph: &[(&str, &[(&str, &str)])]) -> Value {
        let packages: Vec<String> = graph.iter().map(|(n, d)| package(n, d)).collect();
        let nodes: Vec<String> = graph.iter().map(|(n, d)| node(n, d)).collect();
        let text = format!(
            r#"{{"packages": [{}], "resolve": {{"nodes": [{}]}}, "version": 1}}"#,
            packages.join(","),
            nodes.join(",")
        );
        json::parse(&text).unwrap_or(Value::Null)
    }

    #[test]
    fn reports_a_protocol_crate_on_a_backend_and_test_support_at_runtime() {
        let m = metadata(&[
            ("bulwark-api", &[("bulwark-soft", "dev")]),
            ("bulwark-soft", &[("bulwark-api", "")]),
            ("bulwark-psk", &[("bulwark-api", ""), ("bulwark-soft", "")]),
            ("bulwark-conformance", &[("bulwark-api", "")]),
            (
                "device",
                &[("bulwark-psk", ""), ("bulwark-conformance", "")],
            ),
            ("gateway", &[("device", "")]),
        ]);
        let report = check(&m).unwrap_or_default();
        assert_eq!(
            report.violations,
            [
                "bulwark-psk -> bulwark-soft (normal dependency): bulwark-psk is Protocol and \
                 may use [Api, Modes, Protocol] only; bulwark-soft is Backend",
                "device's runtime graph reaches bulwark-conformance (test support): device -> \
                 bulwark-conformance",
                "gateway's runtime graph reaches bulwark-conformance (test support): gateway -> \
                 device -> bulwark-conformance",
            ]
        );
        assert!(report.skipped.contains(&"bulwark-modes"));
        assert_eq!(report.checked.len(), 6);
    }

    #[test]
    fn applications_reach_backends_through_the_facade_only() {
        let m = metadata(&[
            ("bulwark-api", &[]),
            ("bulwark-soft", &[("bulwark-api", "")]),
            ("bulwark", &[("bulwark-api", ""), ("bulwark-soft", "")]),
            ("bulwark-psk", &[("bulwark-api", "")]),
            (
                "bulwark-example-device",
                &[("bulwark", ""), ("bulwark-psk", "")],
            ),
            (
                "bulwark-gateway",
                &[("bulwark-example-device", ""), ("bulwark-soft", "")],
            ),
            (
                "bulwark-benches",
                &[("bulwark", ""), ("bulwark-soft", "dev")],
            ),
            ("bulwark-cli", &[("bulwark-api", "")]),
        ]);
        let report = check(&m).unwrap_or_default();
        assert_eq!(
            report.violations,
            [
                "bulwark-cli -> bulwark-api (normal dependency): bulwark-cli is Application and \
                 may use [Facade, Protocol, Application] only; bulwark-api is Api",
                "bulwark-gateway -> bulwark-soft (normal dependency): bulwark-gateway is \
                 Application and may use [Facade, Protocol, Application] only; bulwark-soft is \
                 Backend",
            ]
        );
    }

    #[test]
    fn dev_dependencies_and_test_crates_are_free() {
        let m = metadata(&[
            ("bulwark-api", &[("bulwark-conformance", "dev")]),
            ("bulwark-conformance", &[("bulwark-api", "")]),
            ("bulwark-differential", &[("bulwark-conformance", "")]),
        ]);
        let report = check(&m).unwrap_or_default();
        assert!(report.violations.is_empty(), "{:?}", report.violations);
    }
}
