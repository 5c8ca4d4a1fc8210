// SPDX-License-Identifier: Apache-2.0
//! What `hash`, `resolve`, `verify` and `build-args` print with `--format json`: one object per
//! run, in these types' shapes. Their JSON Schemas are generated from the types into
//! `schemas/*-output.schema.json` (see [`crate::schema::SchemaKind`]) and checked for
//! freshness like the manifest's, so a script can rely on them.

use schemars::JsonSchema;
use serde::Serialize;

use crate::index;
use crate::schema::Manifest;
use crate::sign::PublicKey;
use crate::trust::{self, Changes, TrustError, Verified};

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

/// `registryctl verify --format json`: whether an index verifies, under which key, and what
/// changed since the previous index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl verify output", description = "`registryctl verify --format json`: the verdict on one signed index")]
pub struct VerifyOutput {
    /// The signed file.
    pub file: String,
    /// The signature file.
    pub signature: String,
    /// Whether the index passed: its signature verifies under a trusted key, and it is not
    /// expired, too old or rolled back from `--previous` (the exit code is 1 when not).
    pub verified: bool,
    /// The public key that verified the signature, 64 lowercase hex; absent when none did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^[0-9a-f]{64}$"))]
    pub public_key: Option<String>,
    /// That key's id: the first 8 bytes of SHA-256 over it, 16 lowercase hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^[0-9a-f]{16}$"))]
    pub key_id: Option<String>,
    /// The verified index's `serial`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<u64>,
    /// The verified index's `generated` time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// The verified index's `expires` time, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// With `--previous`: what changed since the previous index (also when that refuses it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<VerifyChanges>,
    /// Why it does not verify; absent when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What changed between the previous index and the verified one, as `name@version` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyChanges {
    /// The previous index's serial, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_serial: Option<u64>,
    /// Versions only in this index.
    pub added: Vec<String>,
    /// Versions only in the previous index.
    pub removed: Vec<String>,
    /// Versions whose runtime hash changed.
    pub contract_changed: Vec<String>,
    /// Versions whose image digest or presentation changed, with the same runtime hash.
    pub updated: Vec<String>,
}

impl VerifyChanges {
    fn of(c: &Changes) -> VerifyChanges {
        let names = |entries: &[trust::Entry]| entries.iter().map(ToString::to_string).collect();
        VerifyChanges {
            previous_serial: c.old_serial,
            added: names(&c.added),
            removed: names(&c.removed),
            contract_changed: names(&c.contract_changed),
            updated: names(&c.updated),
        }
    }
}

impl VerifyOutput {
    /// The object for `verdict`, the result of verifying `file` and `signature` under `keys`.
    pub fn of(file: String, signature: String, keys: &[PublicKey], verdict: &Result<Verified, TrustError>) -> VerifyOutput {
        let mut doc = VerifyOutput {
            file,
            signature,
            verified: verdict.is_ok(),
            public_key: None,
            key_id: None,
            serial: None,
            generated: None,
            expires: None,
            changes: None,
            reason: None,
        };
        match verdict {
            Ok(v) => {
                doc.public_key = keys.iter().find(|k| k.key_id() == v.key).map(PublicKey::to_hex);
                doc.key_id = Some(v.key.to_string());
                doc.serial = v.index.serial;
                doc.generated = Some(v.index.generated.clone());
                doc.expires = v.index.expires.clone();
                doc.changes = v.changes.as_ref().map(VerifyChanges::of);
            }
            Err(e) => {
                if let TrustError::Rollback { changes, .. } = e {
                    doc.changes = Some(VerifyChanges::of(changes));
                }
                doc.reason = Some(e.to_string());
            }
        }
        doc
    }
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
    /// The image repository the build pushes to: `<imagePrefix>/<name>-mcp`.
    pub image: String,
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
            image: get("IMAGE"),
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
            ("IMAGE", "i".into()),
        ];
        let v: serde_json::Value = serde_json::from_str(&to_json(&BuildArgsOutput::from_pairs(&pairs))).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["BUILDER", "IMAGE", "NAME", "PACKAGE", "SOURCE_REPO", "SOURCE_TAG", "VERSION"]);
    }
}
