// SPDX-License-Identifier: Apache-2.0
//! What `hash`, `resolve`, `verify` and `build-args` print with `--format json`: one object per
//! run, in these types' shapes. Their JSON Schemas are generated from the types into
//! `schemas/*-output.schema.json` (see [`crate::schema::SchemaKind`]) and checked for
//! freshness like the manifest's, so a script can rely on them.

use schemars::JsonSchema;
use serde::Serialize;

use crate::index;
use crate::schema::Manifest;

/// `registryctl hash --format json`: a manifest's two hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl hash output", description = "`registryctl hash --format json`: the hashes of one manifest")]
pub struct HashOutput {
    /// The manifest file, as given (a server directory is resolved to its latest version).
    pub file: String,
    /// The server's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of the manifest's JSON encoding, lowercase hex.
    #[schemars(pattern(r"^[0-9a-f]{64}$"))]
    pub hash: String,
    /// SHA-256 without the presentation fields and the image digest: what a gateway compares
    /// to decide whether its users must consent again.
    #[schemars(pattern(r"^[0-9a-f]{64}$"))]
    pub runtime_hash: String,
}

impl HashOutput {
    /// The hashes of `m`, read from `file`.
    pub fn of(file: &str, m: &Manifest) -> HashOutput {
        HashOutput {
            file: file.to_string(),
            name: m.name.clone(),
            version: m.version.clone(),
            hash: index::hash(m),
            runtime_hash: index::runtime_hash(m),
        }
    }
}

/// `registryctl resolve --format json`: what a ref resolves to in an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl resolve output", description = "`registryctl resolve --format json`: the manifest a ref resolves to")]
pub struct ResolveOutput {
    /// The ref as given: `name`, `name@version` or `sha256:<digest>`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The server's name.
    pub name: String,
    /// The resolved version.
    pub version: String,
    /// The manifest's pinned image digest.
    pub digest: String,
    /// The manifest's runtime hash.
    #[schemars(pattern(r"^[0-9a-f]{64}$"))]
    pub runtime_hash: String,
}

impl ResolveOutput {
    /// What `reference` resolved to.
    pub fn of(reference: &str, m: &Manifest) -> ResolveOutput {
        ResolveOutput {
            reference: reference.to_string(),
            name: m.name.clone(),
            version: m.version.clone(),
            digest: m.image.digest.clone(),
            runtime_hash: index::runtime_hash(m),
        }
    }
}

/// `registryctl verify --format json`: whether a signature verifies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl verify output", description = "`registryctl verify --format json`: the verdict on one signature")]
pub struct VerifyOutput {
    /// The signed file.
    pub file: String,
    /// The signature file.
    pub signature: String,
    /// The public key, 64 lowercase hex.
    #[schemars(pattern(r"^[0-9a-f]{64}$"))]
    pub public_key: String,
    /// Whether the signature verifies the file's exact bytes (the exit code is 1 when not).
    pub verified: bool,
    /// Why it does not verify; absent when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `registryctl build-args --format json`: the image build's inputs, one key per variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
#[schemars(title = "registryctl build-args output", description = "`registryctl build-args --format json`: the image build's inputs")]
pub struct BuildArgsOutput {
    /// `source.repo`: host/owner/name.
    pub source_repo: String,
    /// `source.tag`: the git tag built.
    pub source_tag: String,
    /// `source.package`, `.` when empty.
    pub package: String,
    /// The image builder.
    pub builder: String,
    /// The server's name.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl BuildArgsOutput {
    /// The object for the `KEY=VALUE` pairs [`crate::schema::build_args`] returns.
    pub fn from_pairs(pairs: &[(&'static str, String)]) -> BuildArgsOutput {
        let get = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        BuildArgsOutput {
            source_repo: get("SOURCE_REPO"),
            source_tag: get("SOURCE_TAG"),
            package: get("PACKAGE"),
            builder: get("BUILDER"),
            name: get("NAME"),
            version: get("VERSION"),
        }
    }
}

/// Pretty JSON and a newline, as every `--format json` prints.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("outputs serialize");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_args_keys_are_the_variable_names() {
        let pairs = [
            ("SOURCE_REPO", "r".to_string()),
            ("SOURCE_TAG", "t".into()),
            ("PACKAGE", ".".into()),
            ("BUILDER", "b".into()),
            ("NAME", "n".into()),
            ("VERSION", "v".into()),
        ];
        let v: serde_json::Value = serde_json::from_str(&to_json(&BuildArgsOutput::from_pairs(&pairs))).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["BUILDER", "NAME", "PACKAGE", "SOURCE_REPO", "SOURCE_TAG", "VERSION"]);
    }
}
