// SPDX-License-Identifier: Apache-2.0
//! Helpers shared by the integration tests: the built binary and scratch registries.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The real binary, with a clean environment for the variables it reads.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("registryctl").expect("binary builds");
    c.env_remove("GIG_SIGNING_KEY")
        .env_remove("GIG_INDEX_SIGNING_KEY")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    c
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes a file, creating its directories.
pub fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    p
}

/// A valid sealed toolpack manifest for `name`.
pub fn manifest(name: &str, version: &str) -> String {
    format!(
        "schemaVersion: 1
name: {name}
version: {version}
displayName: Acme Tools
description: Read and manage Acme widgets.
category: productivity
source:
  repo: github.com/gigmcp/toolpack
  tag: v0.1.0
image:
  ref: ghcr.io/gigmcp/{name}-mcp
  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111
  entrypoint: /app/server
  builder: toolpack
tier: sealed
entitlements:
  egress:
    - api.acme.com
    - \"*.uploads.acme.com\"
credentials:
  - id: acme_token
    type: oauth2
    provider: {name}
    vendor: acme
    scopes: [widgets.read, widgets.write]
    inject:
      header: Authorization
      format: \"Bearer {{token}}\"
tools:
  - name: list_widgets
    default: true
  - name: create_widget
    default: false
"
    )
}

/// A valid toolspec paired with [`manifest`].
pub fn toolspec(name: &str, version: &str) -> String {
    format!(
        "schemaVersion: 1
name: {name}
version: {version}
baseUrl: https://api.acme.com
tools:
  - name: list_widgets
    description: List the widgets in the account, newest first, to find a widget id.
    method: GET
    path: /v1/widgets
    params:
      - name: limit
        in: query
        type: integer
        description: Maximum number of widgets.
  - name: create_widget
    description: Create a widget with a title and return the new widget.
    method: POST
    path: /v1/folders/{{folder_id}}/widgets
    baseUrl: https://eu.uploads.acme.com
    encoding: form
    params:
      - name: folder_id
        in: path
        type: string
        required: true
      - name: title
        in: body
        type: string
        required: true
      - name: X-Request-Id
        in: header
        type: string
"
    )
}

/// This repository's `policy/registry.yaml` values.
pub const REGISTRY_CONFIG: &str = "imagePrefix: ghcr.io/gigmcp\ntoolpack:\n  repo: github.com/gigmcp/toolpack\n";

/// The catalog/sources.tsv row of [`toolspec`]'s server `name`.
pub fn sources_row(name: &str) -> String {
    format!("{name}\topenapi\thttps://developer.acme.com/openapi.json\t2026-01-01\tlist_widgets\tcreate_widget\tchecked against the spec\n")
}

/// A scratch registry with one valid server, `acme` 0.1.0, the repository configuration and
/// the server's catalog/sources.tsv row.
pub fn registry() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy/registry.yaml", REGISTRY_CONFIG);
    write(dir.path(), "catalog/sources.tsv", &format!("# where each server's API facts come from\n{}", sources_row("acme")));
    write(dir.path(), "manifests/acme/0.1.0.yaml", &manifest("acme", "0.1.0"));
    write(dir.path(), "toolspecs/acme/0.1.0.yaml", &toolspec("acme", "0.1.0"));
    dir
}

/// Copies the files git tracks in this repository (with any uncommitted edits) to `to`: the
/// registry as a checkout of this commit holds it.
pub fn copy_tracked(to: &Path) {
    let listed = std::process::Command::new("git").current_dir(repo()).args(["ls-files", "-z", "--cached"]).output().unwrap();
    assert!(listed.status.success(), "git ls-files: {}", String::from_utf8_lossy(&listed.stderr));
    for rel in listed.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).unwrap());
        let from = repo().join(rel);
        // A file deleted in the work tree but still in git's index is not part of the tree.
        if fs::symlink_metadata(&from).is_err() {
            continue;
        }
        let target = to.join(rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&from, &target).unwrap();
    }
}

/// The invariants every valid catalog holds, whatever its servers, its size or its content: the
/// only things the tests may require of `manifests/` and `toolspecs/`. `check` passes (every
/// manifest lints, every toolspec pairs, catalog/sources.tsv has one complete row per server,
/// CATALOG.md and schemas/ are fresh); the index of every version is Go-canonical with one
/// entry per server directory, and does not depend on the number of threads.
pub fn assert_catalog_invariants(root: &Path) {
    let check = bin().current_dir(root).args(["check", "--format", "json"]).output().unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&check.stdout).expect("check --format json prints JSON");
    assert!(check.status.success(), "{}: check failed: {:#}", root.display(), findings["diagnostics"]);
    let mut indexes = Vec::new();
    for threads in ["1", "2", "8"] {
        let out = bin()
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", "1767323045")
            .args(["--threads", threads, "build-index", "manifests", "--include-planned", "--out", "-"])
            .output()
            .unwrap();
        assert!(out.status.success(), "build-index: {}", String::from_utf8_lossy(&out.stderr));
        indexes.push(out.stdout);
    }
    assert!(indexes.windows(2).all(|w| w[0] == w[1]), "the index depends on the number of threads");
    let index = registryctl::index::validate_bytes(&indexes[0]).expect("the index is what registryctl writes: Go-canonical");
    let servers = fs::read_dir(root.join("manifests")).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
    assert_eq!(index.servers.len(), servers, "one index entry per manifests/<name>/");
}

/// Replaces each TODO marker of `registryctl new` (and the rest of its value) with the next of
/// `values`, in YAML lines and in TAB-separated columns alike.
pub fn fill_todo(path: &Path, values: &[&str]) {
    let text = fs::read_to_string(path).unwrap();
    let mut values = values.iter();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            l.split('\t')
                .map(|field| match field.find("TODO") {
                    Some(i) => format!("{}{}", &field[..i], values.next().expect("a value for every TODO")),
                    None => field.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    assert!(values.next().is_none(), "more values than TODO markers in {}", path.display());
    fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// The subcommands `registryctl --help` lists.
pub fn subcommands(help: &str) -> Vec<String> {
    let commands = help.split("Commands:").nth(1).unwrap().split("\n\n").next().unwrap();
    // A command's line starts with two spaces; its wrapped description, with more.
    commands
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}
