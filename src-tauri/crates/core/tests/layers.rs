//! The workspace's import graph has no loop, and no domain module imports the `Wallet` facade;
//! the core's folders import each other in one direction only (see [`DOMAIN_ORDER`]).
//!
//! Reads the source of every crate of the workspace. A file imports another when it names a
//! path (`use crate::a::b::{c, d}`, `super::x`, or `crate::a::f()` in code) whose deepest module
//! is that file; `mod` declarations are not imports, and `pub use` re-exports are. Inside a
//! crate, items are imported from the module that defines them: a crate root that both defines
//! items and re-exports its modules would close a loop, and this test says where.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates' `src` folders, relative to this crate.
const CRATES: &[&str] = &["src", "../mockbank/src", "../api/src", "../../src"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file (`money/payments/form.rs` → `["money", "payments", "form"]`).
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") || parts.is_empty() && stem == "mod" {
        parts.push(stem.to_owned());
    }
    if parts.first().is_some_and(|p| p == "bin") {
        return vec![];
    }
    parts
}

/// The file of a module path, if it is one.
fn file_of(root: &Path, module: &[String]) -> Option<PathBuf> {
    if module.is_empty() {
        return Some(root.join("lib.rs")).filter(|p| p.exists());
    }
    let base = module.iter().fold(root.to_path_buf(), |p, m| p.join(m));
    let single = base.with_extension("rs");
    let folder = base.join("mod.rs");
    [single, folder].into_iter().find(|p| p.exists())
}

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else { return vec![path.to_owned()] };
    let close = path.rfind('}').unwrap_or(path.len());
    let (prefix, inner) = (&path[..open], &path[open + 1..close]);
    let mut parts = vec![];
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).flat_map(|p| expand(&format!("{prefix}{p}"))).collect()
}

/// The paths a file names: whole `use` statements (joined over lines) and `crate::`/`super::`
/// paths in code. Comments are skipped.
fn named_paths(source: &str) -> Vec<String> {
    let code: Vec<&str> = source.lines().map(|l| l.trim()).filter(|l| !l.starts_with("//")).collect();
    let text = code.join("\n");
    let mut out = vec![];
    let mut rest = text.as_str();
    while let Some(at) = rest.find("use ") {
        let before_ok = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric() && rest.as_bytes()[at - 1] != b'_';
        let end = rest[at..].find(';').map_or(rest.len(), |e| at + e);
        if before_ok {
            let stmt: String = rest[at + 4..end].split_whitespace().collect::<Vec<_>>().join(" ");
            out.extend(expand(&stmt));
        }
        rest = &rest[(at + 4).min(end)..];
    }
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        if word.starts_with("crate::") || word.starts_with("super::") {
            out.push(word.trim_end_matches(':').to_owned());
        }
    }
    out
}

/// The file a path leads to (its deepest module), relative to the importing module.
fn target(root: &Path, here: &[String], is_folder_module: bool, path: &str) -> Option<PathBuf> {
    let segs: Vec<&str> = path.split("::").map(|s| s.trim()).collect();
    let mut module: Vec<String> = match segs.first()? {
        &"crate" => vec![],
        &"super" | &"self" => {
            // A file `a/b.rs` is module a::b; `super` is a. A folder module `a/b/mod.rs` likewise.
            let mut m = here.to_vec();
            let _ = is_folder_module;
            if segs[0] == "super" {
                m.pop();
            }
            m
        }
        _ => return None,
    };
    let mut last = file_of(root, &module);
    for seg in &segs[1..] {
        match *seg {
            "super" => {
                module.pop();
            }
            "self" | "*" => continue,
            s => module.push(s.split_whitespace().next().unwrap_or(s).to_owned()),
        }
        match file_of(root, &module) {
            Some(f) => last = Some(f),
            None => break,
        }
    }
    last
}

fn graph(root: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut files = vec![];
    rust_files(root, &mut files);
    let mut edges = BTreeMap::new();
    for file in files {
        let here = module_of(root, &file);
        if file.strip_prefix(root).unwrap().starts_with("bin") {
            continue;
        }
        let folder = file.file_name().is_some_and(|n| n == "mod.rs");
        let source = std::fs::read_to_string(&file).unwrap();
        // Stop at the unit tests: they may import anything of their module's parent.
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        let mut to = BTreeSet::new();
        for path in named_paths(source) {
            if let Some(t) = target(root, &here, folder, &path) {
                if t != file {
                    to.insert(t);
                }
            }
        }
        edges.insert(file, to);
    }
    edges
}

/// A loop in the graph, if there is one.
fn find_loop(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Option<Vec<PathBuf>> {
    fn visit(
        n: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        state: &mut BTreeMap<PathBuf, u8>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if !state.contains_key(n) {
            if let Some(c) = visit(n, edges, &mut state, &mut vec![]) {
                return Some(c);
            }
        }
    }
    None
}

fn crate_root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel).canonicalize().unwrap()
}

#[test]
fn no_crate_of_the_workspace_has_an_import_loop() {
    for rel in CRATES {
        let root = crate_root(rel);
        let edges = graph(&root);
        assert!(!edges.is_empty(), "{rel}: no file read");
        if let Some(cycle) = find_loop(&edges) {
            let names: Vec<String> =
                cycle.iter().map(|p| p.strip_prefix(&root).unwrap().display().to_string()).collect();
            panic!("{rel}: import loop {}", names.join(" → "));
        }
    }
}

#[test]
fn only_the_facade_imports_the_wallet() {
    let root = crate_root("src");
    let wallet = root.join("wallet");
    for (file, to) in graph(&root) {
        if file.starts_with(&wallet) || file == root.join("lib.rs") {
            continue;
        }
        let imports_wallet = to.iter().any(|t| t.starts_with(&wallet));
        assert!(!imports_wallet, "{} imports the wallet facade", file.strip_prefix(&root).unwrap().display());
    }
}

/// The core's domain folders in the order they may import each other: each imports only its own
/// files and those of the folders before it, never one after it (cross-domain work that needs a
/// later domain calls up from there, or lives in `wallet/`, which puts domains together).
const DOMAIN_ORDER: &[&str] = &["accounts", "cards", "money", "support", "wallet"];

/// Below every domain, the foundation they all run on: `platform/`, the bank port and the
/// services. It imports no domain operation — only these data types, which themselves import
/// nothing of a domain but their own folder's data and the foundation.
const FOUNDATION: &[&str] = &["platform", "bank.rs", "acquirer.rs", "biller.rs", "services.rs"];
const FOUNDATION_MAY_IMPORT: &[&str] = &[
    "accounts/mod.rs",
    "accounts/session.rs",
    "accounts/settings.rs",
    "cards/mod.rs",
    "cards/bin.rs",
    "support/checks.rs",
];

/// The top folder (or top file) of a core file: `money` for `money/payments/pay.rs`.
fn top(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap().iter().next().unwrap().to_string_lossy().into_owned()
}

/// Every import that goes against the folders' direction, as `from → to`.
fn against_the_direction(root: &Path, edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<String> {
    let rank = |f: &str| DOMAIN_ORDER.iter().position(|d| *d == f);
    let rel = |p: &Path| p.strip_prefix(root).unwrap().display().to_string();
    let mut wrong = vec![];
    for (from, to) in edges {
        let from_top = top(root, from);
        if from_top == "lib.rs" {
            continue; // the crate root re-exports
        }
        let data = FOUNDATION_MAY_IMPORT.contains(&rel(from).as_str());
        for t in to {
            let to_top = top(root, t);
            if to_top == from_top {
                continue;
            }
            let ok = if FOUNDATION.contains(&to_top.as_str()) {
                true
            } else if FOUNDATION.contains(&from_top.as_str()) || data {
                FOUNDATION_MAY_IMPORT.contains(&rel(t).as_str())
            } else {
                matches!((rank(&from_top), rank(&to_top)), (Some(a), Some(b)) if b < a)
            };
            if !ok {
                wrong.push(format!("{} → {}", rel(from), rel(t)));
            }
        }
    }
    wrong
}

#[test]
fn the_core_folders_import_each_other_in_one_direction() {
    let root = crate_root("src");
    let edges = graph(&root);
    let wrong = against_the_direction(&root, &edges);
    assert!(wrong.is_empty(), "imports against the folders' order {DOMAIN_ORDER:?}:\n{}", wrong.join("\n"));
    // The check sees a domain importing a later one, and the foundation importing an operation.
    let mut bad = edges.clone();
    bad.get_mut(&root.join("accounts/security.rs")).unwrap().insert(root.join("money/payments/form.rs"));
    bad.get_mut(&root.join("services.rs")).unwrap().insert(root.join("cards/manage.rs"));
    assert_eq!(against_the_direction(&root, &bad).len(), 2);
}

#[test]
fn the_checker_sees_a_loop_and_an_import_through_braces() {
    let root = crate_root("src");
    // money/payments/form.rs names `super::*` and, through braces, `crate::accounts::{self, …}`.
    let edges = graph(&root);
    let form = &edges[&root.join("money/payments/form.rs")];
    assert!(form.contains(&root.join("money/payments/mod.rs")), "{form:?}");
    assert!(form.contains(&root.join("accounts/mod.rs")), "{form:?}");
    assert!(form.contains(&root.join("platform/error.rs")), "{form:?}");
    // A loop made by hand is found.
    let mut looped = edges.clone();
    looped.get_mut(&root.join("platform/error.rs")).unwrap().insert(root.join("money/payments/form.rs"));
    assert!(find_loop(&looped).is_some());
    assert!(find_loop(&edges).is_none());
}

/// The public methods left on `Services`: shared plumbing, not a domain's operation. A new
/// operation goes on its domain's handle (`impl Cards<'_>` in `cards/`, …) so that a command's
/// `w.cards().x(…)` leads to the folder that holds it.
const SERVICES_PUBLIC: &[&str] =
    &["storage_damaged", "check_session", "with_db_for_tests", "viewer_identity", "keychain_backend"];

#[test]
fn operations_live_on_their_domains_handle_and_the_wallet_derefs_to_nothing() {
    let root = crate_root("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut stray = Vec::new();
    for f in &files {
        let source = std::fs::read_to_string(f).unwrap();
        assert!(
            !source.contains("Deref for Wallet"),
            "{}: the wallet hands out handles, it does not deref",
            f.display()
        );
        let mut in_services = false;
        for line in source.lines() {
            if line.starts_with("impl Services") {
                in_services = true;
            } else if line.starts_with('}') {
                in_services = false;
            } else if let Some(rest) = line.strip_prefix("    pub fn ").filter(|_| in_services) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !SERVICES_PUBLIC.contains(&name.as_str()) {
                    stray.push(format!("{}: Services::{name}", f.strip_prefix(&root).unwrap().display()));
                }
            }
        }
    }
    assert!(stray.is_empty(), "operations on Services instead of a domain's handle:\n{}", stray.join("\n"));
}
