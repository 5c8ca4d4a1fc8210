// SPDX-License-Identifier: Apache-2.0
//! The adversarial corpus: one file per class of bad input (tests/corpus/EXPECT names the rule
//! each must be rejected with). Every file runs through build-index, the command that writes:
//! it must be rejected with its rule id, quickly, and write nothing.

mod common;

use std::fs;
use std::time::{Duration, Instant};

use common::{bin, write};

/// A hang guard, not a speed test: each input takes milliseconds; this bound only catches a
/// run that never ends (alias expansion, runaway recursion).
const HANG_GUARD: Duration = Duration::from_secs(20);

fn check_rejected(name: &str, bytes: &[u8], rule: &str) {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("manifests/corpus/0.1.0.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bytes).unwrap();
    let start = Instant::now();
    let out = bin()
        .current_dir(d.path())
        .args(["build-index", "manifests", "--out", "index.json", "--format", "json"])
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert!(start.elapsed() < HANG_GUARD, "{name}: took {:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
    let rules: Vec<&str> = diags["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&rule), "{name}: expected {rule}, got {rules:?}");
    let left: Vec<_> = fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["manifests"], "{name}: something was written");
}

#[test]
fn every_corpus_file_is_rejected_with_its_rule_and_nothing_is_written() {
    let dir = common::repo().join("tests/corpus");
    let expect = fs::read_to_string(dir.join("EXPECT")).unwrap();
    let mut n = 0;
    for line in expect.lines() {
        let (name, rule) = line.split_once('\t').unwrap();
        check_rejected(name, &fs::read(dir.join(name)).unwrap(), rule);
        n += 1;
    }
    let files = fs::read_dir(&dir).unwrap().count() - 1;
    assert_eq!(n, files, "every corpus file is listed in EXPECT");
}

#[test]
fn huge_files_are_rejected_before_parsing() {
    let big = format!("schemaVersion: 1\ndescription: \"{}\"\n", "x".repeat(64 << 20));
    check_rejected("64 MiB", big.as_bytes(), "file-too-large");
    let just_over = format!("{}#", " ".repeat(256 * 1024));
    check_rejected("256 KiB + 1", just_over.as_bytes(), "file-too-large");
}

#[test]
fn a_manifest_at_the_size_limit_is_read() {
    let d = common::registry();
    let text = common::manifest("acme", "0.1.0");
    let padded = format!("{text}{}", "#".repeat(256 * 1024 - text.len() - 1) + "\n");
    assert_eq!(padded.len(), 256 * 1024);
    write(d.path(), "manifests/acme/0.1.0.yaml", &padded);
    bin().current_dir(d.path()).args(["lint", "manifests"]).assert().success();
}
