// SPDX-License-Identifier: Apache-2.0
//! Reviewed suppressions end to end (the one-command cases are data in tests/cmd/suppressions-*):
//! SARIF marks accepted warnings as suppressed in source with their justification, and a
//! suppression that accepts nothing fails a run that denies warnings.

mod common;

use common::{bin, registry, write};
use predicates::prelude::*;
use predicates::str::contains;

fn with_no_scopes(comment: &str) -> tempfile::TempDir {
    let r = registry();
    let text = common::manifest("acme", "0.1.0").replace("scopes: [widgets.read, widgets.write]", &format!("scopes: []{comment}"));
    write(r.path(), "manifests/acme/0.1.0.yaml", &text);
    r
}

#[test]
fn sarif_lists_an_accepted_warning_as_suppressed_in_source() {
    let r = with_no_scopes("  # registryctl: allow(oauth2-no-scopes) Acme's OAuth defines no scopes");
    let out =
        bin().current_dir(r.path()).args(["check", "--format", "sarif", "--deny-warnings"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "oauth2-no-scopes");
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(results[0]["suppressions"][0]["justification"], "Acme's OAuth defines no scopes");
    let github = bin().current_dir(r.path()).args(["check", "--format", "github"]).assert().success().get_output().stdout.clone();
    assert!(!String::from_utf8(github).unwrap().contains("::warning"), "an accepted warning is not annotated");
}

#[test]
fn an_unused_suppression_fails_only_when_warnings_are_denied() {
    let r = registry();
    let text = common::manifest("acme", "0.1.0")
        .replace("scopes: [widgets.read, widgets.write]", "scopes: [widgets.read]  # registryctl: allow(oauth2-no-scopes) no scopes");
    write(r.path(), "manifests/acme/0.1.0.yaml", &text);
    bin().current_dir(r.path()).args(["check"]).assert().success().stderr(contains("warning[suppression-unused]"));
    bin().current_dir(r.path()).args(["check", "--deny-warnings"]).assert().code(1).stderr(contains("(warnings denied)"));
}

#[test]
fn a_comment_two_lines_above_accepts_nothing() {
    let r = with_no_scopes("");
    let text = std::fs::read_to_string(r.path().join("manifests/acme/0.1.0.yaml"))
        .unwrap()
        .replace("    provider: acme\n", "    provider: acme  # registryctl: allow(oauth2-no-scopes) too far above\n");
    write(r.path(), "manifests/acme/0.1.0.yaml", &text);
    bin()
        .current_dir(r.path())
        .args(["check"])
        .assert()
        .success()
        .stderr(contains("warning[oauth2-no-scopes]").and(contains("warning[suppression-unused]")));
}

/// `egress-unused` is found on the manifest only once its toolspec is read, after the
/// manifest's own pass: its comment still accepts it, and is not reported unused.
#[test]
fn a_comment_accepts_a_finding_a_toolspec_makes_on_its_manifest() {
    let r = registry();
    let extra = |comment: &str| {
        common::manifest("acme", "0.1.0").replace("    - api.acme.com\n", &format!("    - api.acme.com\n    - cdn.acme.com{comment}\n"))
    };
    write(r.path(), "manifests/acme/0.1.0.yaml", &extra(""));
    bin().current_dir(r.path()).args(["check"]).assert().success().stderr(contains("warning[egress-unused]"));
    write(r.path(), "manifests/acme/0.1.0.yaml", &extra("  # registryctl: allow(egress-unused) the CDN serves files the tools link to"));
    let out =
        bin().current_dir(r.path()).args(["check", "--format", "json", "--deny-warnings"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");
    let suppressed = v["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1, "{v}");
    assert_eq!(
        (suppressed[0]["rule"].as_str(), suppressed[0]["reason"].as_str()),
        (Some("egress-unused"), Some("the CDN serves files the tools link to"))
    );
}
