// SPDX-License-Identifier: Apache-2.0
//! The real binary, end to end: every subcommand, its exit codes, and the file-level rules.
//! Cases that are one command with fixed output live as data in tests/cmd/ (tests/cmd.rs).

mod common;

use std::fs;
use std::path::Path;

use common::{bin, registry, sources_row, write};
use predicates::prelude::*;
use predicates::str::contains;

fn json_rules(output: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(output).expect("JSON output");
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect()
}

// ---------- lint ----------

#[test]
fn lint_reports_every_bad_file_in_one_run_with_counts_and_exit_1() {
    let r = registry();
    // Each version pins its own image (a shared digest is image-digest-duplicate).
    let beta = common::manifest("beta", "0.1.0").replace("sha256:1111", "sha256:2222");
    write(r.path(), "manifests/beta/0.1.0.yaml", &beta.replace("tier: sealed", "tier: open"));
    write(
        r.path(),
        "manifests/gamma/0.1.0.yaml",
        &common::manifest("gamma", "0.1.0")
            .replace("sha256:1111", "sha256:3333")
            .replace("category: productivity", "category: crm")
            .replace("default: true", "default: false"),
    );
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().code(1).stdout("").stderr(
        contains("manifests/beta/0.1.0.yaml:15:7")
            .and(contains("manifests/gamma/0.1.0.yaml:6:11"))
            .and(contains("error: 2 errors, 1 warning in 2 files")),
    );
}

#[test]
fn warnings_alone_pass_unless_denied() {
    let r = registry();
    write(
        r.path(),
        "manifests/acme/0.1.0.yaml",
        &common::manifest("acme", "0.1.0").replace("scopes: [widgets.read, widgets.write]", "scopes: []"),
    );
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success().stderr(contains("warning[oauth2-no-scopes]"));
    bin().current_dir(r.path()).args(["lint", "manifests", "--deny-warnings"]).assert().code(1).stderr(contains("(warnings denied)"));
}

#[test]
fn lint_uses_the_repository_denylist_by_default_and_says_so() {
    let r = registry();
    write(r.path(), "denylist/exfil-domains.txt", "# capture\nacme.com\n");
    bin()
        .current_dir(r.path())
        .args(["lint", "manifests"])
        .assert()
        .code(1)
        .stderr(contains("using denylist").and(contains("egress-denylisted")));
    bin().current_dir(r.path()).args(["lint", "manifests", "--no-denylist"]).assert().success().stderr(contains("no denylist file"));
    write(r.path(), "other.txt", "webhook.site\n");
    bin().current_dir(r.path()).args(["lint", "manifests", "-denylist", "other.txt"]).assert().success();
}

#[test]
fn unusual_files_are_errors_not_silently_skipped() {
    let r = registry();
    let m = r.path().join("manifests");
    std::os::unix::fs::symlink(m.join("acme/0.1.0.yaml"), m.join("acme/0.2.0.yaml")).unwrap();
    write(r.path(), "manifests/acme/0.3.0.yml", "x");
    let big = format!(
        "{}description: \"{}\"\n",
        common::manifest("acme", "0.4.0").replace("description: Read and manage Acme widgets.\n", ""),
        "x".repeat(2 << 20)
    );
    write(r.path(), "manifests/acme/0.4.0.yaml", &big);
    write(r.path(), "manifests/stray.yaml", "x");
    fs::create_dir_all(m.join("acme/nested")).unwrap();
    let fifo = m.join("acme/0.5.0.yaml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut bad_utf8 = common::manifest("acme", "0.6.0").into_bytes();
    bad_utf8.extend_from_slice(b"# caf\xe9\n");
    fs::write(m.join("acme/0.6.0.yaml"), bad_utf8).unwrap();
    let out = bin().current_dir(r.path()).args(["lint", "manifests", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    let mut rules = json_rules(&out);
    rules.sort();
    assert_eq!(
        rules,
        ["file-extension", "file-location", "file-location", "file-not-regular", "file-not-utf8", "file-symlink", "file-too-large"]
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &format!("\u{feff}{}", common::manifest("acme", "0.1.0")));
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success();
}

#[test]
fn the_path_must_match_name_and_version() {
    let r = registry();
    write(r.path(), "manifests/other/0.1.0.yaml", &common::manifest("acme", "0.1.0"));
    let out = bin().current_dir(r.path()).args(["lint", "manifests", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    let rules = json_rules(&out);
    assert!(rules.contains(&"path-mismatch".to_string()) && rules.contains(&"index-duplicate".to_string()), "{rules:?}");
}

#[test]
fn a_builder_needs_its_dockerfile_inside_a_registry_checkout() {
    let r = registry();
    write(r.path(), "images/go-static/Dockerfile", "FROM scratch\n");
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().code(1).stderr(contains("builder-dockerfile"));
    write(r.path(), "images/toolpack/Dockerfile", "FROM scratch\n");
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success();
}

#[test]
fn policy_exceptions_expire_and_go_stale() {
    let r = registry();
    let shop = common::manifest("acme", "0.1.0").replace("- \"*.uploads.acme.com\"", "- \"*.myshopify.com\"");
    write(r.path(), "manifests/acme/0.1.0.yaml", &shop);
    write(
        r.path(),
        "toolspecs/acme/0.1.0.yaml",
        &common::toolspec("acme", "0.1.0").replace("https://eu.uploads.acme.com", "https://a.myshopify.com"),
    );
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().code(1).stderr(contains("egress-wildcard-public-suffix"));
    let ok = "exceptions:\n  - server: acme\n    egress: \"*.myshopify.com\"\n    reason: per-shop host\n    expires: 2999-01-01\n";
    write(r.path(), "policy/exceptions.yaml", ok);
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success();
    write(r.path(), "policy/exceptions.yaml", &ok.replace("2999-01-01", "2001-01-01"));
    bin()
        .current_dir(r.path())
        .args(["lint", "manifests"])
        .assert()
        .code(1)
        .stderr(contains("policy-exception-expired").and(contains("policy/exceptions.yaml:5:14")));
    write(
        r.path(),
        "policy/exceptions.yaml",
        &format!("{ok}  - server: gone\n    egress: \"*.gone.example.com\"\n    reason: old\n    expires: 2999-01-01\n"),
    );
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success().stderr(contains("policy-exception-unused"));
    write(r.path(), "policy/exceptions.yaml", "exceptions:\n  - server: acme\n    egress: \"*.myshopify.com\"\n    expires: someday\n");
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().code(1).stderr(contains("policy-exception"));
}

#[test]
fn output_formats() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("tier: sealed", "tier: open"));
    let summary = r.path().join("summary.md");
    bin()
        .current_dir(r.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["lint", "manifests", "--format", "github"])
        .assert()
        .code(1)
        .stdout(contains(
        "::error file=manifests/acme/0.1.0.yaml,line=15,col=7,endLine=15,endColumn=11,title=tier::tier `open` is not sealed or entrusted",
    ));
    let md = fs::read_to_string(summary).unwrap();
    assert!(md.contains("- **error** `tier` · `manifests/acme/0.1.0.yaml` line 15 · `tier`: tier \\`open\\` is not"), "{md}");
    let sarif = bin().current_dir(r.path()).args(["lint", "manifests", "--format", "sarif"]).assert().code(1).get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "tier");
    assert_eq!(v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 15);
}

// ---------- lint-toolspecs ----------

#[test]
fn lint_toolspecs_pairs_with_the_manifests_beside_it() {
    let r = registry();
    bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs"]).assert().success().stdout("lint-toolspecs OK: 1 toolspec(s)\n");
    bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs/acme/0.1.0.yaml"]).assert().success();
    write(r.path(), "toolspecs/acme/0.1.0.yaml", &common::toolspec("acme", "0.1.0").replace("create_widget", "delete_widget"));
    bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs"]).assert().code(1).stderr(contains("pairing-tools"));
}

#[test]
fn a_toolpack_manifest_needs_its_toolspec() {
    let r = registry();
    write(r.path(), "manifests/beta/0.1.0.yaml", &common::manifest("beta", "0.1.0"));
    bin()
        .current_dir(r.path())
        .args(["lint-toolspecs", "toolspecs"])
        .assert()
        .code(1)
        .stderr(contains("pairing-builder").and(contains("manifests/beta/0.1.0.yaml")));
}

#[test]
fn lint_toolspecs_with_an_explicit_manifests_dir() {
    let r = registry();
    fs::rename(r.path().join("manifests"), r.path().join("m")).unwrap();
    bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs"]).assert().code(1).stderr(contains("pairing-manifest"));
    bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs", "-manifests", "m"]).assert().success();
}

// ---------- check ----------

#[test]
fn check_runs_everything_in_one_pass() {
    let r = registry();
    bin().current_dir(r.path()).args(["check"]).assert().success().stdout("check OK: 1 manifest(s), 1 toolspec(s)\n");
    write(r.path(), "toolspecs/acme/0.1.0.yaml", &common::toolspec("acme", "0.1.0").replace("method: GET", "method: FETCH"));
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("tier: sealed", "tier: open"));
    let out = bin().current_dir(r.path()).args(["check", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    let rules = json_rules(&out);
    assert!(rules.contains(&"toolspec-method".into()) && rules.contains(&"tier".into()), "{rules:?}");
}

#[test]
fn check_fails_on_stale_catalog_and_schemas() {
    let r = registry();
    bin().current_dir(r.path()).args(["catalog"]).assert().success().stdout("wrote CATALOG.md: 1 server(s)\n");
    bin().current_dir(r.path()).args(["schema", "--out-dir", "schemas"]).assert().success();
    bin().current_dir(r.path()).args(["check"]).assert().success();
    bin().current_dir(r.path()).args(["catalog", "--check"]).assert().success().stdout("catalog OK: CATALOG.md is current\n");
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("Acme Tools", "Acme Widgets"));
    bin().current_dir(r.path()).args(["catalog", "--check"]).assert().code(1).stderr(contains("catalog-stale"));
    write(r.path(), "schemas/toolspec.schema.json", "{}\n");
    let out = bin().current_dir(r.path()).args(["check", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    assert_eq!(json_rules(&out), ["catalog-stale", "schema-stale"]);
    // A judge built from another commit leaves the generated files to the change's own build;
    // everything else it still checks.
    bin()
        .current_dir(r.path())
        .args(["check", "--skip-generated"])
        .assert()
        .success()
        .stderr(contains("note: CATALOG.md and schemas/ were not compared with this build's generators (--skip-generated)"));
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("tier: sealed", "tier: open"));
    let out =
        bin().current_dir(r.path()).args(["check", "--skip-generated", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    assert_eq!(json_rules(&out), ["tier"]);
}

// ---------- catalog/sources.tsv ----------

/// The (rule, line, column) of each finding `check --format json` prints for catalog/sources.tsv.
fn sources_findings(dir: &Path) -> Vec<(String, u64, u64)> {
    let out = bin().current_dir(dir).args(["check", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "catalog/sources.tsv")
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect()
}

#[test]
fn a_registry_with_toolspecs_needs_its_sources_file() {
    let r = registry();
    bin().current_dir(r.path()).args(["check"]).assert().success();
    fs::remove_file(r.path().join("catalog/sources.tsv")).unwrap();
    bin()
        .current_dir(r.path())
        .args(["check"])
        .assert()
        .code(1)
        .stderr(contains("error[sources-missing]: catalog/sources.tsv does not exist, and the registry has toolspecs"));
    // Without toolspecs there is nothing to source: no file, no finding.
    fs::remove_dir_all(r.path().join("toolspecs")).unwrap();
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("builder: toolpack", "builder: go-static"));
    bin().current_dir(r.path()).args(["check"]).assert().success();
}

#[test]
fn catalog_sources_hold_one_consistent_row_per_server() {
    let r = registry();
    let go_static = |name: &str, digest: &str| {
        common::manifest(name, "0.1.0").replace("builder: toolpack", "builder: go-static").replace("sha256:1111", digest)
    };
    write(r.path(), "manifests/beta/0.1.0.yaml", &go_static("beta", "sha256:2222"));
    write(r.path(), "manifests/delta/0.1.0.yaml", &go_static("delta", "sha256:3333"));
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let rows = [
        "# broken rows".to_string(),
        "acme\topenapi\tacme/api@main:openapi.yaml\t2999-01-01\tlist_widgets,delete_widget\t-\tnotes".into(),
        format!("beta\tsdk\tbeta/sdk@{sha}:src/client.ts\t2026-01-01\t-\t-\tnotes"),
        "gamma\tdocs\thttps://docs.gamma.dev/api\t2026-01-01\t-\t-\tnotes".into(),
        "zz\tshort".into(),
    ];
    write(r.path(), "catalog/sources.tsv", &(rows.join("\n") + "\n"));
    let want = [
        ("sources-where", 2, 14),
        ("sources-checked", 2, 41),
        ("sources-tools", 2, 52),
        ("sources-tools", 2, 65),
        ("sources-kind", 3, 6),
        ("sources-missing", 4, 1),
        ("sources-unknown-server", 4, 1),
        ("sources-row", 5, 1),
    ];
    assert_eq!(sources_findings(r.path()), want.map(|(rule, l, c)| (rule.to_string(), l, c)));
    // Fixed, in name order, every server has its row and every toolspec tool one column.
    let rows = [
        sources_row("acme").trim_end().to_string(),
        "beta\tno-toolspec\t-\t2026-01-01\t-\t-\tgo-static: the API signs each request".into(),
        "delta\tno-toolspec\t-\t2026-01-01\t-\t-\tgo-static: per-tenant hosts".into(),
    ];
    write(r.path(), "catalog/sources.tsv", &(rows.join("\n") + "\n"));
    assert_eq!(sources_findings(r.path()), []);
    bin().current_dir(r.path()).args(["check"]).assert().success();
}

// ---------- build-index, sign, verify ----------

fn conformance_copy() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixtures().join("conformance"), d.path());
    d
}

#[test]
fn lint_build_sign_verify_round_trip_and_tamper() {
    let r = registry();
    let key_dir = r.path().join("keys");
    let out = bin().current_dir(r.path()).args(["keygen", "--out-dir", "keys"]).assert().success().get_output().stdout.clone();
    let id = String::from_utf8(out).unwrap().lines().find_map(|l| l.strip_prefix("key id:  ").map(str::to_string)).unwrap();
    let key = fs::read_to_string(key_dir.join(format!("index-signing-{id}.key"))).unwrap();
    fs::rename(key_dir.join(format!("index-signing-{id}.pub")), key_dir.join("index-signing.pub")).unwrap();
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success();
    bin()
        .current_dir(r.path())
        .args(["build-index", "manifests", "--out", "index.json"])
        .assert()
        .success()
        .stdout(contains("1 server(s), 1 version(s)"));
    bin().current_dir(r.path()).env("GIG_SIGNING_KEY", key.trim()).args(["sign"]).assert().success();
    bin()
        .current_dir(r.path())
        .args(["verify", "--pub-file", "keys/index-signing.pub"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!("signature OK: key {id}\n")));
    let public = fs::read_to_string(key_dir.join("index-signing.pub")).unwrap();
    // One flipped byte anywhere in the index or the signature fails verification.
    let index = fs::read(r.path().join("index.json")).unwrap();
    for i in [0, index.len() / 2, index.len() - 1] {
        let mut bad = index.clone();
        bad[i] ^= 1;
        fs::write(r.path().join("bad.json"), &bad).unwrap();
        bin().current_dir(r.path()).args(["verify", "--in", "bad.json", "--pub", public.trim()]).assert().code(1);
    }
    let sig = fs::read(r.path().join("index.json.sig")).unwrap();
    for i in [0, 63, 127] {
        let mut bad = sig.clone();
        bad[i] = if bad[i] == b'0' { b'1' } else { b'0' };
        fs::write(r.path().join("bad.sig"), &bad).unwrap();
        bin().current_dir(r.path()).args(["verify", "--sig", "bad.sig", "--pub", public.trim()]).assert().code(1);
    }
    fs::write(r.path().join("two.sig"), [sig.clone(), sig].concat()).unwrap();
    bin()
        .current_dir(r.path())
        .args(["verify", "--sig", "two.sig", "--pub", public.trim()])
        .assert()
        .code(1)
        .stderr(contains("exactly one signature"));
}

#[test]
fn conformance_index_signature_hashes_and_refs_are_reproduced_byte_for_byte() {
    let d = conformance_copy();
    let p = d.path();
    for threads in ["1", "2", "8"] {
        bin()
            .current_dir(p)
            .env("SOURCE_DATE_EPOCH", "1767323045")
            .env("RAYON_NUM_THREADS", threads)
            .args(["build-index", "manifests", "--out", "out.json"])
            .assert()
            .success();
        assert_eq!(fs::read(p.join("out.json")).unwrap(), fs::read(p.join("index.json")).unwrap(), "threads={threads}");
    }
    let key = fs::read_to_string(p.join("test-key.private")).unwrap();
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", key.trim())
        .args(["sign", "-in", "index.json", "-out", "out.sig"])
        .assert()
        .success()
        .stdout(contains("fa871f1b"));
    assert_eq!(fs::read(p.join("out.sig")).unwrap(), fs::read(p.join("index.json.sig")).unwrap());
    let public = fs::read_to_string(p.join("test-key.pub")).unwrap();
    bin().current_dir(p).args(["verify", "-in", "index.json", "-sig", "index.json.sig", "-pub", public.trim()]).assert().success();
    for line in fs::read_to_string(p.join("hashes.tsv")).unwrap().lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        bin().current_dir(p).args(["hash", f[0]]).assert().success().stdout(format!("hash {}\nruntime-hash {}\n", f[1], f[2]));
    }
    for line in fs::read_to_string(p.join("resolve.tsv")).unwrap().lines().filter(|l| !l.starts_with('#')) {
        let (reference, want) = line.split_once('\t').unwrap();
        let a = bin().current_dir(p).args(["resolve", reference, "--index", "index.json"]).assert();
        if want == "error" {
            a.code(1);
        } else {
            a.success().stdout(format!("{want}\n"));
        }
    }
}

#[test]
fn the_gateways_runtime_limits_apply_where_the_registry_has_its_configuration() {
    // The Go conformance fixtures pin what the gateway's schema accepts: beta injects two
    // credentials, which the schema takes and the gateway's resolver never uses.
    let d = conformance_copy();
    bin().current_dir(d.path()).args(["lint", "manifests"]).assert().success().stderr(contains("no policy/registry.yaml"));
    write(d.path(), "policy/registry.yaml", common::REGISTRY_CONFIG);
    let out = bin().current_dir(d.path()).args(["lint", "manifests", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap().into(), d["severity"].as_str().unwrap().into(), d["file"].as_str().unwrap().into()))
        .collect();
    let has = |rule: &str, severity: &str, file: &str| found.contains(&(rule.into(), severity.into(), file.into()));
    assert!(has("credential-only-first-injected", "error", "manifests/beta/1.0.0.yaml"), "{found:?}");
    assert!(has("toolpack-source", "error", "manifests/beta/1.0.0.yaml"), "{found:?}");
    assert!(has("credential-env-undelivered", "warning", "manifests/gamma/0.1.0.yaml"), "{found:?}");
}

#[test]
fn build_index_leaves_planned_entries_out_unless_asked() {
    let r = registry();
    write(
        r.path(),
        "manifests/beta/0.1.0.yaml",
        &common::manifest("beta", "0.1.0").replace(
            "sha256:1111111111111111111111111111111111111111111111111111111111111111",
            "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ),
    );
    bin().current_dir(r.path()).args(["build-index", "manifests"]).assert().success().stdout(contains("left out 1 planned"));
    let index: serde_json::Value = serde_json::from_slice(&fs::read(r.path().join("index.json")).unwrap()).unwrap();
    assert!(index["servers"].get("beta").is_none() && index["servers"].get("acme").is_some());
    bin().current_dir(r.path()).args(["build-index", "manifests", "--include-planned"]).assert().success().stdout(contains("2 server(s)"));
    let index: serde_json::Value = serde_json::from_slice(&fs::read(r.path().join("index.json")).unwrap()).unwrap();
    assert!(index["servers"].get("beta").is_some());
}

#[test]
fn build_index_writes_nothing_when_lint_fails() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("tier: sealed", "tier: open"));
    bin().current_dir(r.path()).args(["build-index", "manifests"]).assert().code(1);
    assert!(!r.path().join("index.json").exists());
    bin()
        .current_dir(r.path())
        .env("SOURCE_DATE_EPOCH", "soon")
        .args(["build-index", "manifests"])
        .assert()
        .code(2)
        .stderr(contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn sign_refuses_bad_keys_and_invalid_indexes() {
    let d = conformance_copy();
    let p = d.path();
    let key = fs::read_to_string(p.join("test-key.private")).unwrap();
    bin().current_dir(p).args(["sign"]).assert().code(2).stderr(contains("GIG_SIGNING_KEY"));
    bin().current_dir(p).env("GIG_SIGNING_KEY", "abcd").args(["sign"]).assert().code(2).stderr(contains("128 hex"));
    bin().current_dir(p).env("GIG_SIGNING_KEY", "x".repeat(128)).args(["sign"]).assert().code(2).stderr(contains("not hex"));
    let mismatched = format!("{}{}", &key.trim()[..64], "00".repeat(32));
    bin().current_dir(p).env("GIG_SIGNING_KEY", &mismatched).args(["sign"]).assert().code(2).stderr(contains("second half"));
    fs::write(p.join("k"), &key).unwrap();
    bin().current_dir(p).args(["sign", "--key-file", "k", "--out", "k.sig"]).assert().success();
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(&fs::read(p.join("index.json")).unwrap()).unwrap()).unwrap();
    fs::write(p.join("pretty.json"), pretty).unwrap();
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", key.trim())
        .args(["sign", "--in", "pretty.json", "--out", "p.sig"])
        .assert()
        .code(1)
        .stderr(contains("canonical"));
    let bad = fs::read_to_string(p.join("index.json")).unwrap().replace("\"tier\":\"sealed\"", "\"tier\":\"open\"");
    fs::write(p.join("bad.json"), bad).unwrap();
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", key.trim())
        .args(["sign", "--in", "bad.json", "--out", "b.sig"])
        .assert()
        .code(1)
        .stderr(contains("tier"));
    assert!(!p.join("p.sig").exists() && !p.join("b.sig").exists());
}

#[test]
fn keygen_warns_nothing_when_piped() {
    // Key files, their id names and 0600 mode: tests/trust.rs.
    let out = bin().args(["keygen"]).assert().success().stderr("").get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("key id:  ") && lines[0].len() == 9 + 16);
    assert!(lines[1].starts_with("public:  ") && lines[1].len() == 9 + 64);
    assert!(lines[2].starts_with("private: ") && lines[2].len() == 9 + 128);
    assert!(lines[2].ends_with(&lines[1][9..]), "the private key ends with its public key");
}

// ---------- build-args, hash, resolve, explain, schema, new, completions ----------

#[test]
fn build_args_prints_the_latest_version_for_a_server_directory() {
    let r = registry();
    write(
        r.path(),
        "manifests/acme/0.10.0.yaml",
        &common::manifest("acme", "0.10.0").replace("  tag: v0.1.0\n", "  tag: v0.10.0\n  package: cmd/acme\n"),
    );
    write(r.path(), "manifests/acme/0.9.0.yaml", &common::manifest("acme", "0.9.0"));
    let want = "SOURCE_REPO=github.com/gigmcp/toolpack\nSOURCE_TAG=v0.10.0\nPACKAGE=cmd/acme\nBUILDER=toolpack\nNAME=acme\nVERSION=0.10.0\nIMAGE=ghcr.io/gigmcp/acme-mcp\n";
    bin().current_dir(r.path()).args(["build-args", "manifests/acme"]).assert().success().stdout(want);
    bin()
        .current_dir(r.path())
        .args(["build-args", "manifests/acme/0.1.0.yaml"])
        .assert()
        .success()
        .stdout(contains("PACKAGE=.\n").and(contains("VERSION=0.1.0\n")));
    bin()
        .current_dir(r.path())
        .args(["build-args", "manifests"])
        .assert()
        .code(2)
        .stderr(contains("manifests holds every server, not one: name one server's directory"));
}

#[test]
fn the_image_repository_and_the_toolpack_engine_come_from_the_policy_root() {
    let r = registry();
    // The prefix is configured once: build-args prints the image the workflow pushes to.
    write(r.path(), "policy/registry.yaml", "imagePrefix: registry.example.com/team\ntoolpack: {repo: github.com/gigmcp/toolpack}\n");
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().code(1).stderr(
        contains("manifests/acme/0.1.0.yaml:11:8")
            .and(contains("image.ref `ghcr.io/gigmcp/acme-mcp` is not `registry.example.com/team/acme-mcp`"))
            .and(contains("error[image-ref]")),
    );
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("ghcr.io/gigmcp", "registry.example.com/team"));
    bin()
        .current_dir(r.path())
        .args(["build-args", "manifests/acme"])
        .assert()
        .success()
        .stdout(contains("\nIMAGE=registry.example.com/team/acme-mcp\n"));
    // A fork of the engine, at a branch.
    write(r.path(), "policy/registry.yaml", "imagePrefix: registry.example.com/team\ntoolpack: {repo: github.com/gigmcp/engine}\n");
    let out = bin().current_dir(r.path()).args(["check", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    assert_eq!(json_rules(&out), ["toolpack-source"]);
    // A malformed configuration is an error in that file, and the rules that need it are skipped.
    write(
        r.path(),
        "policy/registry.yaml",
        "imagePrefix: registry.example.com/team:latest\ntoolpack: {repo: github.com/gigmcp/toolpack}\n",
    );
    bin()
        .current_dir(r.path())
        .args(["lint", "manifests"])
        .assert()
        .code(1)
        .stderr(contains("error[registry-config]").and(contains("policy/registry.yaml:1:14")).and(contains("image-ref").not()));
    bin().current_dir(r.path()).args(["build-args", "manifests/acme"]).assert().code(1).stdout("");
    // Without the file, lint says what it does not check, and build-args cannot name the image.
    fs::remove_file(r.path().join("policy/registry.yaml")).unwrap();
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success().stderr(contains("no policy/registry.yaml"));
    bin().current_dir(r.path()).args(["build-args", "manifests/acme"]).assert().code(2).stdout("").stderr(contains("imagePrefix"));
}

#[test]
fn build_args_refuses_a_manifest_that_fails_lint() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0").replace("tag: v0.1.0", "tag: \"v1\\nEVIL=1\""));
    bin()
        .current_dir(r.path())
        .args(["build-args", "manifests/acme"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("value-hidden-character"));
}

#[test]
fn hash_and_resolve_on_a_built_index() {
    let r = registry();
    bin()
        .current_dir(r.path())
        .args(["hash", "manifests/acme/0.1.0.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::is_match("^hash [0-9a-f]{64}\nruntime-hash [0-9a-f]{64}\n$").unwrap());
    bin().current_dir(r.path()).args(["build-index", "manifests"]).assert().success();
    bin().current_dir(r.path()).args(["resolve", "acme", "--index", "index.json"]).assert().success().stdout("acme@0.1.0\n");
    bin()
        .current_dir(r.path())
        .args(["resolve", "sha256:1111111111111111111111111111111111111111111111111111111111111111", "-index", "index.json"])
        .assert()
        .success()
        .stdout("acme@0.1.0\n");
    bin().current_dir(r.path()).args(["resolve", "acme@", "--index", "index.json"]).assert().code(1);
}

#[test]
fn one_digest_one_entry() {
    let r = registry();
    // acme 0.1.0 and beta 0.1.0 pin the same real digest: an error naming both files.
    write(r.path(), "manifests/beta/0.1.0.yaml", &common::manifest("beta", "0.1.0").replace("builder: toolpack", "builder: go-static"));
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().code(1).stderr(
        contains("error[image-digest-duplicate]")
            .and(contains("manifests/beta/0.1.0.yaml:12:11"))
            .and(contains("is also pinned by acme@0.1.0 (manifests/acme/0.1.0.yaml)")),
    );
    bin().current_dir(r.path()).args(["build-index", "manifests"]).assert().code(1);
    // The planned placeholder may be shared, but then resolving it by digest is ambiguous.
    let zeros = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    for name in ["acme", "beta"] {
        let text = fs::read_to_string(r.path().join(format!("manifests/{name}/0.1.0.yaml"))).unwrap();
        write(
            r.path(),
            &format!("manifests/{name}/0.1.0.yaml"),
            &text.replace("sha256:1111111111111111111111111111111111111111111111111111111111111111", zeros),
        );
    }
    bin().current_dir(r.path()).args(["lint", "manifests"]).assert().success();
    bin().current_dir(r.path()).args(["build-index", "manifests", "--include-planned"]).assert().success();
    bin()
        .current_dir(r.path())
        .args(["resolve", zeros, "--index", "index.json"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("error: {zeros} is pinned by 2 entries (acme@0.1.0, beta@0.1.0); resolve one of them as name@version\n"));
    bin().current_dir(r.path()).args(["resolve", "beta@0.1.0", "--index", "index.json"]).assert().success().stdout("beta@0.1.0\n");
}

#[test]
fn explain_prints_the_rules_documentation() {
    bin()
        .args(["explain", "egress-wildcard-public-suffix"])
        .assert()
        .success()
        .stdout(contains("public suffix").and(contains("Fails:")).and(contains("Passes:")));
    bin().args(["explain", "no-such-rule"]).assert().code(2).stderr(contains("explain --all"));
    let all = bin().args(["explain", "--all"]).assert().success().get_output().stdout.clone();
    let docs = fs::read(common::repo().join("docs/rules.md")).expect("docs/rules.md exists");
    assert_eq!(
        String::from_utf8(all).unwrap(),
        String::from_utf8(docs).unwrap(),
        "docs/rules.md is stale: run `registryctl explain --all > docs/rules.md`"
    );
}

#[test]
fn schema_prints_draft_2020_12() {
    let out = bin().args(["schema", "manifest"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    bin().args(["schema", "nonsense"]).assert().code(2);
}

#[test]
fn new_scaffolds_files_that_lint_explains_and_refuses_to_overwrite() {
    let r = registry();
    bin()
        .current_dir(r.path())
        .args(["new", "zeta"])
        .assert()
        .success()
        .stdout("created manifests/zeta/0.1.0.yaml\ncreated toolspecs/zeta/0.1.0.yaml\nadded a row for zeta to catalog/sources.tsv\n");
    // Every value to fill in is a scaffold-placeholder finding, the sources row's columns too.
    let out = bin().current_dir(r.path()).args(["check", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(&str, &str)> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| (d["rule"].as_str().unwrap(), d["file"].as_str().unwrap())).collect();
    assert!(found.iter().all(|(rule, _)| *rule == "scaffold-placeholder"), "{found:?}");
    assert_eq!(found.iter().filter(|(_, file)| *file == "catalog/sources.tsv").count(), 6, "{found:?}");
    // Filling in the marked fields makes it pass: each TODO and the rest of its field is replaced.
    common::fill_todo(&r.path().join("manifests/zeta/0.1.0.yaml"), &["Zeta", "Read Zeta items.", "data", "api.zeta.io", "list_items"]);
    common::fill_todo(
        &r.path().join("toolspecs/zeta/0.1.0.yaml"),
        &["https://api.zeta.io", "list_items", "List the items in the account to find an item id.", "/v1/items"],
    );
    bin().current_dir(r.path()).args(["lint", "manifests/zeta/0.1.0.yaml"]).assert().success();
    bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs"]).assert().success();
    common::fill_todo(
        &r.path().join("catalog/sources.tsv"),
        &["docs", "https://docs.zeta.io/api", "2026-01-01", "list_items", "-", "checked the list endpoint"],
    );
    bin().current_dir(r.path()).args(["check"]).assert().success();
    bin().current_dir(r.path()).args(["new", "zeta"]).assert().code(2).stderr(contains("refusing to overwrite"));
    bin().current_dir(r.path()).args(["new", "Bad_Name"]).assert().code(2);
    // A linked catalog/sources.tsv is a finding, and nothing is written.
    let elsewhere = r.path().join("elsewhere.tsv");
    fs::rename(r.path().join("catalog/sources.tsv"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, r.path().join("catalog/sources.tsv")).unwrap();
    bin().current_dir(r.path()).args(["new", "eta"]).assert().code(1).stderr(contains("error[file-symlink]"));
    assert!(!r.path().join("manifests/eta").exists());
}

#[test]
fn help_completions_and_man_page() {
    for sub in [
        "lint",
        "lint-toolspecs",
        "check",
        "build-index",
        "sign",
        "verify",
        "keygen",
        "build-args",
        "hash",
        "resolve",
        "explain",
        "schema",
        "catalog",
        "new",
        "pin",
        "completions",
        "man",
    ] {
        bin().args([sub, "--help"]).assert().success().stdout(contains("Example"));
    }
    for shell in ["bash", "zsh", "fish"] {
        bin().args(["completions", shell]).assert().success().stdout(contains("REGISTRYCTL_COMPLETE"));
    }
    bin().args(["man"]).assert().success().stdout(contains(".TH registryctl"));
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("registryctl"))
        .args(["explain", "--all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.code() == Some(0), "{:?} {}", out.status, String::from_utf8_lossy(&out.stderr));
}

/// Only the catalog's invariants, never its size or content: a pull request that adds, changes
/// or removes a valid server passes (tests/operations.rs holds them on such changed copies).
#[test]
fn the_repositorys_catalog_holds_the_catalog_invariants() {
    common::assert_catalog_invariants(&common::repo());
}

/// The findings come out in the same order with one thread and with many: over a copy of the
/// catalog with a mistake in every seventh manifest, so that there are findings to order.
#[test]
fn findings_are_identical_with_one_thread_and_with_many() {
    let d = tempfile::tempdir().unwrap();
    common::copy_tracked(d.path());
    let mut broken = 0;
    let mut servers: Vec<_> = fs::read_dir(d.path().join("manifests")).unwrap().map(|e| e.unwrap().path()).collect();
    servers.sort();
    for dir in servers.iter().step_by(7) {
        for file in fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            let text = fs::read_to_string(&path).unwrap();
            fs::write(&path, text.replacen("\nversion: ", "\nversion: v", 1)).unwrap();
            broken += 1;
        }
    }
    assert!(broken > 0, "no manifest to break");
    let diags = |threads: &str| {
        bin().current_dir(d.path()).env("RAYON_NUM_THREADS", threads).args(["check", "--format", "json"]).output().unwrap().stdout
    };
    let one = diags("1");
    assert!(json_rules(&one).len() >= broken, "{}", String::from_utf8_lossy(&one));
    assert_eq!(one, diags("4"));
}
