// SPDX-License-Identifier: Apache-2.0
//! One mistake, one message (issue 21 item 1): the mistakes a first-time contributor makes most
//! often each give exactly one error, with a help line that says what to change, when the whole
//! registry is checked. Nothing downstream (pairing with the toolspec, CATALOG.md freshness)
//! repeats it, and `catalog` says which files block it.

mod common;

use common::{bin, registry, write};
use predicates::prelude::*;
use predicates::str::contains;

/// A clean registry with CATALOG.md, then `find` replaced by `replace` in its manifest; the
/// stderr of `check`.
fn check_with(find: &str, replace: &str) -> String {
    let r = registry();
    bin().current_dir(r.path()).args(["catalog"]).assert().success();
    let text = common::manifest("acme", "0.1.0");
    assert!(text.contains(find), "the base manifest has no `{find}`");
    write(r.path(), "manifests/acme/0.1.0.yaml", &text.replacen(find, replace, 1));
    let out = bin().current_dir(r.path()).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("error[").count(), 1, "exactly one error:\n{stderr}");
    assert!(!stderr.contains("warning["), "no warnings:\n{stderr}");
    assert!(stderr.contains("= help: ") && stderr.ends_with("error: 1 error, 0 warnings in 1 file\n"), "{stderr}");
    stderr
}

#[test]
fn an_over_indented_key() {
    insta::assert_snapshot!("over_indented_key", check_with("    default: true", "        default: true"));
}

#[test]
fn a_misplaced_egress() {
    let good = "entitlements:\n  egress:\n    - api.acme.com\n    - \"*.uploads.acme.com\"\n";
    let bad = "entitlements:\negress:\n  - api.acme.com\n  - \"*.uploads.acme.com\"\n";
    insta::assert_snapshot!("misplaced_egress", check_with(good, bad));
}

#[test]
fn a_tab_in_the_indentation() {
    insta::assert_snapshot!("tab", check_with("  tag: v0.1.0", "\ttag: v0.1.0"));
}

#[test]
fn a_missing_colon() {
    insta::assert_snapshot!("missing_colon", check_with("tier: sealed", "tier sealed"));
}

#[test]
fn a_key_in_the_wrong_mapping_names_where_it_belongs() {
    let r = registry();
    let text = common::manifest("acme", "0.1.0").replacen("  builder: toolpack\ntier: sealed", "  builder: toolpack\n  tier: sealed", 1);
    write(r.path(), "manifests/acme/0.1.0.yaml", &text);
    bin()
        .current_dir(r.path())
        .args(["lint", "manifests"])
        .assert()
        .code(1)
        .stderr(contains("`tier` belongs at the top level, not in `image`").and(contains("error: 1 error, 0 warnings in 1 file")));
}

#[test]
fn catalog_names_the_files_that_block_it() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replacen("tier: sealed", "tier: open", 1));
    bin()
        .current_dir(r.path())
        .args(["catalog"])
        .assert()
        .code(1)
        .stderr(contains("error[tier]").and(contains("CATALOG.md is written from a clean catalog; fix the errors in manifests/acme/0.1.0.yaml (1 error), then run `registryctl catalog` again")));
    assert!(!r.path().join("CATALOG.md").exists());
}

#[test]
fn a_toolspec_that_fails_to_parse_is_not_reported_missing_by_its_manifest() {
    let r = registry();
    bin().current_dir(r.path()).args(["catalog"]).assert().success();
    write(r.path(), "toolspecs/acme/0.1.0.yaml", &common::toolspec("acme", "0.1.0").replacen("method: GET", "method GET", 1));
    bin()
        .current_dir(r.path())
        .args(["check"])
        .assert()
        .code(1)
        .stderr(contains("error[yaml-syntax]").and(contains("pairing-").not()).and(contains("error: 1 error, 0 warnings in 1 file")));
}
