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
