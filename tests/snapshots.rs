// SPDX-License-Identifier: Apache-2.0
//! One broken registry that triggers every rule id, rendered in every format and pinned by
//! snapshots; plus the counts and exit code of a run over many broken files.

mod common;

use std::fs;
use std::path::Path;

use common::bin;
use registryctl::schema::Rule;

/// tests/fixtures/broken plus the files git cannot hold: a link, a FIFO, a 2 MiB manifest,
/// a Latin-1 file, a `.yml` file and a file at the wrong depth.
fn broken_registry() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixtures().join("broken"), d.path());
    let m = d.path().join("manifests");
    std::os::unix::fs::symlink("0.1.0.yaml", m.join("acme/0.2.0.yaml")).unwrap();
    fs::write(m.join("acme/0.3.0.yml"), "schemaVersion: 1\n").unwrap();
    fs::create_dir_all(m.join("big")).unwrap();
    fs::write(m.join("big/0.1.0.yaml"), format!("description: \"{}\"\n", "x".repeat(2 << 20))).unwrap();
    fs::create_dir_all(m.join("fifo")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(m.join("fifo/0.1.0.yaml")).status().unwrap().success());
    fs::create_dir_all(m.join("latin1")).unwrap();
    fs::write(m.join("latin1/0.1.0.yaml"), b"schemaVersion: 1\nname: caf\xe9\n").unwrap();
    fs::write(m.join("stray.yaml"), "schemaVersion: 1\n").unwrap();
    d
}

fn run(dir: &Path, format: &str) -> (i32, String, String) {
    let out = bin().current_dir(dir).args(["check", "--format", format]).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn every_rule_id_fires_on_the_broken_registry() {
    let d = broken_registry();
    let (code, stdout, _) = run(d.path(), "json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let mut fired: std::collections::BTreeSet<&str> = diags.iter().map(|d| d["rule"].as_str().unwrap()).collect();
    // CATALOG.md is not compared while a manifest cannot be read (it would differ only by that
    // file), so its staleness fires on a registry of its own.
    let clean = common::registry();
    fs::write(clean.path().join("CATALOG.md"), "# stale\n").unwrap();
    let (_, stale, _) = run(clean.path(), "json");
    assert!(stale.contains("\"rule\": \"catalog-stale\""), "{stale}");
    fired.insert("catalog-stale");
    // A hard link is refused like a symbolic one (tests/hostile.rs holds it to every file kind).
    fs::hard_link(clean.path().join("toolspecs/acme/0.1.0.yaml"), clean.path().join("linked.yaml")).unwrap();
    let (_, linked, _) = run(clean.path(), "json");
    assert!(linked.contains("\"rule\": \"file-hardlink\""), "{linked}");
    fired.insert("file-hardlink");
    // The published-version rules compare two trees: `diff` checks them (tests/diff.rs), not `check`.
    let checked = Rule::ALL.iter().filter(|r| !registryctl::diff::RULES.contains(r));
    let missing: Vec<&str> = checked.map(|r| r.id()).filter(|id| !fired.contains(id)).collect();
    assert!(missing.is_empty(), "rules that never fired: {missing:?}");
    for d in diags {
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1, "{d}");
        assert!(!d["help"].as_str().unwrap().is_empty());
    }
}

#[test]
fn human_output_snapshot() {
    let d = broken_registry();
    let (code, stdout, stderr) = run(d.path(), "human");
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    insta::assert_snapshot!("human", stderr);
}

#[test]
fn github_output_snapshot() {
    let d = broken_registry();
    let (_, stdout, _) = run(d.path(), "github");
    insta::assert_snapshot!("github", stdout);
}

#[test]
fn json_output_snapshot() {
    let d = broken_registry();
    let (_, stdout, _) = run(d.path(), "json");
    insta::assert_snapshot!("json", stdout);
}

#[test]
fn sarif_output_snapshot() {
    let d = broken_registry();
    let (_, stdout, _) = run(d.path(), "sarif");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), Rule::ALL.len());
    insta::assert_snapshot!("sarif", stdout);
}

#[test]
fn output_is_identical_with_one_thread_and_with_many() {
    let d = broken_registry();
    let one = bin().current_dir(d.path()).env("RAYON_NUM_THREADS", "1").args(["check", "--format", "json"]).output().unwrap();
    let many = bin().current_dir(d.path()).args(["--threads", "8", "check", "--format", "json"]).output().unwrap();
    assert_eq!(one.stdout, many.stdout);
}
