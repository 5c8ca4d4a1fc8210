// SPDX-License-Identifier: Apache-2.0
//! Commands agree with each other (issue 21 items 4, 6 and 7): hash takes what build-args takes,
//! every result has a JSON form that its schema under schemas/ describes, the scaffold of an
//! entrusted toolpack server pairs once filled in, and key mistakes are named, never echoed.
//! One-command cases are data in tests/cmd/; these need several commands or a generated key.

mod common;

use std::fs;
use std::path::Path;

use common::{bin, registry, write};
use predicates::prelude::*;
use predicates::str::contains;

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("JSON output")
}

fn conformance() -> std::path::PathBuf {
    common::fixtures().join("conformance")
}

#[test]
fn hash_takes_a_server_directory_like_build_args() {
    let r = registry();
    write(r.path(), "manifests/acme/0.10.0.yaml", &common::manifest("acme", "0.10.0"));
    write(r.path(), "manifests/acme/0.9.0.yaml", &common::manifest("acme", "0.9.0"));
    let latest = bin().current_dir(r.path()).args(["hash", "manifests/acme/0.10.0.yaml"]).assert().success().get_output().stdout.clone();
    bin().current_dir(r.path()).args(["hash", "manifests/acme"]).assert().success().stdout(String::from_utf8(latest).unwrap());
    let v = json(&bin().current_dir(r.path()).args(["hash", "manifests/acme", "--format", "json"]).assert().success().get_output().stdout);
    assert_eq!((v["file"].as_str(), v["version"].as_str()), (Some("manifests/acme/0.10.0.yaml"), Some("0.10.0")));
}

#[test]
fn hash_and_build_args_outside_manifests_say_where_a_manifest_lives() {
    let r = registry();
    let stray = tempfile::tempdir().unwrap();
    let file = write(stray.path(), "t.yaml", &common::manifest("acme", "0.1.0"));
    for sub in ["hash", "build-args"] {
        bin()
            .current_dir(r.path())
            .arg(sub)
            .arg(&file)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains("is not in a registry's manifests/<name>/ directory").and(contains("manifests/<name>/<version>.yaml")));
    }
}

fn validate(schema: &str, doc: &serde_json::Value) {
    let text = fs::read_to_string(common::repo().join("schemas").join(format!("{schema}.schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{doc}");
}

#[test]
fn every_json_result_matches_its_schema() {
    let r = registry();
    let run = |dir: &Path, args: &[&str]| json(&bin().current_dir(dir).args(args).assert().success().get_output().stdout);
    validate("hash-output", &run(r.path(), &["hash", "manifests/acme/0.1.0.yaml", "--format", "json"]));
    validate("build-args-output", &run(r.path(), &["build-args", "manifests/acme", "--format", "json"]));
    let c = conformance();
    for reference in ["alpha", "alpha@0.9.1", "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"] {
        let out = bin().current_dir(&c).args(["resolve", reference, "--index", "index.json", "--format", "json"]).output().unwrap();
        if out.status.success() {
            validate("resolve-output", &json(&out.stdout));
        }
    }
    validate("resolve-output", &run(&c, &["resolve", "alpha", "--index", "index.json", "--format", "json"]));
    validate("verify-output", &run(&c, &["verify", "--pub-file", "test-key.pub", "--format", "json"]));
    // A signature that does not verify is still one object, and exit 1.
    let out =
        bin().current_dir(&c).args(["verify", "--pub-file", "test-key.pub", "--in", "hashes.tsv", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out.stdout);
    assert_eq!(v["verified"], false);
    validate("verify-output", &v);
}

#[test]
fn an_entrusted_toolpack_scaffold_pairs_once_its_todos_are_filled() {
    let r = tempfile::tempdir().unwrap();
    // A registry starts with its manifests/ directory; `new` writes only inside one.
    fs::create_dir(r.path().join("manifests")).unwrap();
    bin().current_dir(r.path()).args(["new", "ticktick", "--builder", "toolpack", "--tier", "entrusted"]).assert().success();
    let fill = |rel: &str, values: &[&str]| {
        let path = r.path().join(rel);
        let text = fs::read_to_string(&path).unwrap();
        let mut values = values.iter();
        let filled: Vec<String> = text
            .lines()
            .map(|l| match l.find("TODO") {
                Some(i) => format!("{}{}", &l[..i], values.next().expect("a value for every TODO")),
                None => l.to_string(),
            })
            .collect();
        assert!(values.next().is_none(), "more values than TODO markers in {rel}");
        fs::write(&path, filled.join("\n") + "\n").unwrap();
    };
    fill("manifests/ticktick/0.1.0.yaml", &["TickTick", "Read TickTick tasks.", "productivity", "api.ticktick.com", "list_items"]);
    fill(
        "toolspecs/ticktick/0.1.0.yaml",
        &[
            "https://api.ticktick.com",
            "Authorization",
            "\"Bearer {token}\"",
            "list_items",
            "List the tasks in a project to find a task id.",
            "/open/v1/project",
        ],
    );
    // Where its API facts come from: every server of a registry with toolspecs has a row.
    let row = "ticktick\tdocs\thttps://developer.ticktick.com/api\t2026-01-01\tlist_items\t-\tfilled in by this test\n";
    fs::create_dir_all(r.path().join("catalog")).unwrap();
    fs::write(r.path().join("catalog/sources.tsv"), row).unwrap();
    bin().current_dir(r.path()).args(["check"]).assert().success();
}

// ---------- keys ----------

fn private_key() -> String {
    fs::read_to_string(conformance().join("test-key.private")).unwrap().trim().to_string()
}

fn another_private_key() -> String {
    let out = bin().args(["keygen"]).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap().lines().find_map(|l| l.strip_prefix("private: ")).unwrap().to_string()
}

#[test]
fn sign_reads_the_repository_secrets_name_and_refuses_two_different_keys() {
    let d = tempfile::tempdir().unwrap();
    common::copy_dir(&conformance(), d.path());
    let key = private_key();
    bin().current_dir(d.path()).env("GIG_INDEX_SIGNING_KEY", &key).args(["sign", "--out", "a.sig"]).assert().success();
    assert_eq!(fs::read(d.path().join("a.sig")).unwrap(), fs::read(d.path().join("index.json.sig")).unwrap());
    bin()
        .current_dir(d.path())
        .env("GIG_INDEX_SIGNING_KEY", &key)
        .env("GIG_SIGNING_KEY", format!("{key}\n"))
        .args(["sign", "--out", "b.sig"])
        .assert()
        .success();
    let other = another_private_key();
    bin()
        .current_dir(d.path())
        .env("GIG_INDEX_SIGNING_KEY", &key)
        .env("GIG_SIGNING_KEY", &other)
        .args(["sign", "--out", "c.sig"])
        .assert()
        .code(2)
        .stderr(
            contains("GIG_INDEX_SIGNING_KEY and GIG_SIGNING_KEY are both set and hold different keys")
                .and(contains(&key[..16]).not())
                .and(contains(&other[..16]).not()),
        );
    assert!(!d.path().join("c.sig").exists());
}

#[test]
fn a_private_key_where_the_public_key_belongs_is_named_and_not_echoed() {
    let c = conformance();
    let key = private_key();
    bin().current_dir(&c).args(["verify", "--pub", &key]).assert().code(2).stdout("").stderr(
        contains("this is a private key (128 hex); pass the public key (64 hex)")
            .and(contains("rotate it"))
            .and(contains(&key[..16]).not()),
    );
    bin()
        .current_dir(&c)
        .args(["verify", "--pub-file", "test-key.private"])
        .assert()
        .code(2)
        .stderr(contains("test-key.private: this is a private key").and(contains(&key[..16]).not()));
    let public = fs::read_to_string(c.join("test-key.pub")).unwrap();
    let d = tempfile::tempdir().unwrap();
    common::copy_dir(&c, d.path());
    bin()
        .current_dir(d.path())
        .env("GIG_SIGNING_KEY", public.trim())
        .args(["sign", "--out", "x.sig"])
        .assert()
        .code(2)
        .stderr(contains("GIG_SIGNING_KEY: this is a public key (64 hex)"));
}
