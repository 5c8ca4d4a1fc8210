// SPDX-License-Identifier: Apache-2.0
//! The review gate: what a change does to each server's runtime contract, as data.
//!
//! [`diff`] takes two parsed registry trees (the base branch and a pull request) and returns,
//! for every server and version, whether it was added, removed or changed; for a changed
//! version every change with its field, before, after and [`ChangeKind`] (widenings first),
//! whether the runtime hash changed (gateways ask their users to consent again), and the
//! findings of the published-version rules. Pure: no I/O; `registry::Registry::diff` loads the
//! trees, `render::diff` prints the result.

mod classify;
mod immutable;
mod walk;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

pub use classify::covers;

use crate::diag::{Rule, Severity};
use crate::index::{compare_versions, runtime_hash};
use crate::schema::{Manifest, Toolspec};

/// The rules only `registryctl diff` checks: they compare two trees, so `check` never reports them.
pub const RULES: &[Rule] = &[Rule::PublishedVersionChanged, Rule::PublishedDigestChanged, Rule::PublishedVersionRemoved];

/// The version of the JSON shape (`schemaVersion`); a change that breaks readers gets a new one.
pub const SCHEMA_VERSION: u32 = 1;

/// One server version's files on one side; either may be missing in a tree that fails lint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Files {
    /// `manifests/<name>/<version>.yaml`.
    pub manifest: Option<Manifest>,
    /// `toolspecs/<name>/<version>.yaml`.
    pub toolspec: Option<Toolspec>,
}

impl Files {
    /// Published: the manifest pins a real image digest, not the planned placeholder.
    pub fn published(&self) -> bool {
        self.manifest.as_ref().is_some_and(|m| !m.is_planned())
    }
}

/// One side of a comparison: server name → version → files, keyed by where the files are
/// (`check` makes sure each declares the name and version of its path). A tree may leave out
/// servers whose files are identical on both sides: a server absent from both is unchanged.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// Server name → version → files.
    pub servers: BTreeMap<String, BTreeMap<String, Files>>,
}

impl Tree {
    /// The files of `server`@`version`, added empty when new.
    pub fn entry(&mut self, server: &str, version: &str) -> &mut Files {
        self.servers.entry(server.to_string()).or_default().entry(version.to_string()).or_default()
    }
}

/// What a change does to the runtime contract. Ordered as listed: widenings first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The server can do or reach more: an egress host, credential, scope, tool or parameter
    /// added, a tool switched on by default, sealed → entrusted, what is built or run changed, a
    /// toolspec endpoint changed.
    Widens,
    /// The reverse: something removed or switched off.
    Narrows,
    /// The runtime contract changes without widening or narrowing it (a tool description the
    /// agent reads, a parameter type, an injection format, a reordered list).
    Neutral,
    /// displayName, description, category, icon or a credential's vendor: not in the runtime
    /// hash, so no gateway asks again.
    Presentation,
}

impl ChangeKind {
    /// The word every format prints.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Widens => "widens",
            ChangeKind::Narrows => "narrows",
            ChangeKind::Neutral => "neutral",
            ChangeKind::Presentation => "presentation",
        }
    }
}

/// Whether a server or version is new, gone, or different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only in the head tree.
    Added,
    /// Only in the base tree.
    Removed,
    /// In both, with at least one change.
    Changed,
}

impl Status {
    /// The word every format prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// Which file of a version a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `manifests/<name>/<version>.yaml`.
    Manifest,
    /// `toolspecs/<name>/<version>.yaml`.
    Toolspec,
}

impl FileKind {
    /// `manifests` or `toolspecs`.
    pub fn dir(self) -> &'static str {
        match self {
            FileKind::Manifest => "manifests",
            FileKind::Toolspec => "toolspecs",
        }
    }

    /// The file's path under the registry root.
    pub fn path(self, server: &str, version: &str) -> String {
        format!("{}/{server}/{version}.yaml", self.dir())
    }
}

/// One change to one field.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The file it is in.
    pub file: FileKind,
    /// The field, such as `entitlements.egress[2]`: in the head file for an added or changed
    /// value, in the base file (or the version compared with) for a removed one.
    pub field: String,
    /// What it does to the runtime contract.
    pub kind: ChangeKind,
    /// A short phrase naming the change, such as `egress host added`; never quotes the data.
    pub what: String,
    /// The value before (a list of identities for a reordered list); `null` when added.
    pub before: Value,
    /// The value after; `null` when removed.
    pub after: Value,
}

/// One server version that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionDiff {
    /// MAJOR.MINOR.PATCH (the file's name).
    pub version: String,
    /// Added, removed or changed.
    pub status: Status,
    /// Whether the version pins a real image digest: in the base tree for a changed or removed
    /// version (so it is immutable), in the head tree for an added one.
    pub published: bool,
    /// For an added version of a server that had versions: the base version its changes are
    /// measured against (the nearest one below it, else above it); `null` otherwise, when every
    /// field counts as added.
    pub compared_with: Option<String>,
    /// For a changed version: whether its runtime hash changed, which makes every gateway that
    /// installed it ask its users to consent again; `null` for added and removed versions.
    pub runtime_hash_changed: Option<bool>,
    /// Every change, widenings first; empty for a removed version.
    pub changes: Vec<Change>,
}

impl VersionDiff {
    /// How many of its changes are of `kind`.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// One server with at least one added, removed or changed version.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerDiff {
    /// The server's name (its directory).
    pub name: String,
    /// Added (no version in the base), removed (none in the head) or changed.
    pub status: Status,
    /// Its versions that differ, in version order.
    pub versions: Vec<VersionDiff>,
}

/// The JSON Schema of a severity (`Severity` itself serializes the same words).
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum SeverityName {
    Warning,
    Error,
}

/// A rule's finding about one server version.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The rule id (`registryctl explain <rule>`): a published-version rule, or the rule of a
    /// file that could not be read or parsed at all.
    #[schemars(with = "String")]
    pub rule: Rule,
    /// `error` fails the run; `warning` does not.
    #[schemars(with = "SeverityName")]
    pub severity: Severity,
    /// The server.
    pub server: String,
    /// The version.
    pub version: String,
    /// The file, relative to the registry root.
    pub file: String,
    /// The fields concerned (empty for the whole file).
    pub fields: Vec<String>,
    /// What is wrong.
    pub message: String,
    /// What to do instead.
    pub help: String,
}

impl Finding {
    /// A finding of `rule` about one file of `server`@`version`, with the rule's help.
    pub fn new(rule: Rule, server: &str, version: &str, file: FileKind, fields: Vec<String>, message: String) -> Finding {
        let info = rule.info();
        Finding {
            rule,
            severity: info.severity,
            server: server.to_string(),
            version: version.to_string(),
            file: file.path(server, version),
            fields,
            message,
            help: info.help.to_string(),
        }
    }
}

/// Counts over the whole comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Servers only in the head tree.
    pub servers_added: usize,
    /// Servers only in the base tree.
    pub servers_removed: usize,
    /// Servers in both with a version added, removed or changed.
    pub servers_changed: usize,
    /// Versions only in the head tree.
    pub versions_added: usize,
    /// Versions only in the base tree.
    pub versions_removed: usize,
    /// Versions in both with at least one change.
    pub versions_changed: usize,
    /// Changes of kind `widens`, over every version.
    pub widenings: usize,
    /// Error findings: any fails the run.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
}

/// What a change does, server by server: the document `registryctl diff --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    title = "registryctl diff",
    description = "What a change does to each server's runtime contract: registryctl diff --format json"
)]
pub struct Diff {
    /// The version of this shape; always 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: u32,
    /// Counts.
    pub summary: Summary,
    /// Every server with a difference, by name.
    pub servers: Vec<ServerDiff>,
    /// Every finding, by server and version.
    pub findings: Vec<Finding>,
}

impl Diff {
    /// No server differs and nothing was found.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty() && self.findings.is_empty()
    }

    /// Adds findings made outside the comparison (files that could not be parsed), keeping the
    /// order and the counts right.
    pub fn add_findings(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
        self.findings.sort_by(|a, b| {
            a.server
                .cmp(&b.server)
                .then_with(|| compare_versions(&a.version, &b.version))
                .then_with(|| (&a.file, a.rule, &a.fields).cmp(&(&b.file, b.rule, &b.fields)))
        });
        self.summary = summarize(&self.servers, &self.findings);
    }
}

/// Compares two trees: every server and version added, removed or changed.
pub fn diff(base: &Tree, head: &Tree) -> Diff {
    let names: BTreeSet<&String> = base.servers.keys().chain(head.servers.keys()).collect();
    let empty = BTreeMap::new();
    let mut servers = Vec::new();
    let mut findings = Vec::new();
    for name in names {
        let (b, h) = (base.servers.get(name), head.servers.get(name));
        let status = match (b, h) {
            (None, _) => Status::Added,
            (_, None) => Status::Removed,
            _ => Status::Changed,
        };
        let versions = server_versions(name, b.unwrap_or(&empty), h.unwrap_or(&empty), &mut findings);
        if !versions.is_empty() {
            servers.push(ServerDiff { name: name.clone(), status, versions });
        }
    }
    let summary = summarize(&servers, &findings);
    Diff { schema_version: SCHEMA_VERSION, summary, servers, findings }
}

/// The versions of one server that differ, in version order, and their findings.
fn server_versions(name: &str, b: &BTreeMap<String, Files>, h: &BTreeMap<String, Files>, findings: &mut Vec<Finding>) -> Vec<VersionDiff> {
    let mut versions: Vec<&String> = b.keys().chain(h.keys().filter(|v| !b.contains_key(*v))).collect();
    versions.sort_by(|x, y| compare_versions(x, y));
    let mut out = Vec::new();
    for v in versions {
        let d = match (b.get(v), h.get(v)) {
            (Some(bf), None) => {
                if bf.published() {
                    findings.push(immutable::removed(name, v));
                }
                Some(version_diff(v, Status::Removed, bf.published(), None, None, Vec::new()))
            }
            (None, Some(hf)) => {
                let prev = nearest(b.keys(), v);
                let changes = compare_files(prev.and_then(|p| b.get(p)), hf);
                Some(version_diff(v, Status::Added, hf.published(), prev.cloned(), None, changes))
            }
            (Some(bf), Some(hf)) => changed(name, v, bf, hf, findings),
            (None, None) => None,
        };
        out.extend(d);
    }
    out
}

fn version_diff(
    version: &str,
    status: Status,
    published: bool,
    compared_with: Option<String>,
    runtime_hash_changed: Option<bool>,
    changes: Vec<Change>,
) -> VersionDiff {
    VersionDiff { version: version.to_string(), status, published, compared_with, runtime_hash_changed, changes }
}

/// A version in both trees: its changes (none: not listed) and the published-version findings.
fn changed(name: &str, v: &str, bf: &Files, hf: &Files, findings: &mut Vec<Finding>) -> Option<VersionDiff> {
    let changes = compare_files(Some(bf), hf);
    if changes.is_empty() {
        return None;
    }
    let hash_changed = match (&bf.manifest, &hf.manifest) {
        (Some(b), Some(a)) => runtime_hash(b) != runtime_hash(a),
        _ => true,
    };
    if bf.published() {
        findings.extend(immutable::changed(name, v, &changes));
    }
    Some(version_diff(v, Status::Changed, bf.published(), None, Some(hash_changed), changes))
}

/// The base version an added one is compared with: the nearest below it, else above it.
fn nearest<'a>(versions: impl Iterator<Item = &'a String> + Clone, v: &str) -> Option<&'a String> {
    let below = versions.clone().filter(|x| compare_versions(x, v) == Ordering::Less).max_by(|x, y| compare_versions(x, y));
    below.or_else(|| versions.filter(|x| compare_versions(x, v) == Ordering::Greater).min_by(|x, y| compare_versions(x, y)))
}

/// Every change from `before` (nothing, for a version with nothing to compare with) to `after`,
/// manifest then toolspec, widenings first.
fn compare_files(before: Option<&Files>, after: &Files) -> Vec<Change> {
    let json = |v: Option<Value>| v.unwrap_or(Value::Null);
    let to_value = |m: Option<&Manifest>| json(m.and_then(|m| serde_json::to_value(m).ok()));
    let spec_value = |t: Option<&Toolspec>| json(t.and_then(|t| serde_json::to_value(t).ok()));
    let before_manifest = before.and_then(|f| f.manifest.as_ref());
    let no_hosts = Vec::new();
    let egress = classify::Egress {
        before: before_manifest.map_or(&no_hosts, |m| &m.entitlements.egress),
        after: after.manifest.as_ref().map_or(&no_hosts, |m| &m.entitlements.egress),
    };
    let mut changes = Vec::new();
    let sides = [
        (FileKind::Manifest, to_value(before_manifest), to_value(after.manifest.as_ref())),
        (FileKind::Toolspec, spec_value(before.and_then(|f| f.toolspec.as_ref())), spec_value(after.toolspec.as_ref())),
    ];
    for (file, b, a) in sides {
        for raw in walk::compare(&b, &a) {
            let (kind, what) = classify::classify(file, &raw, &egress);
            let field = raw.path.to_string();
            changes.push(Change { file, field, kind, what, before: json(raw.before), after: json(raw.after) });
        }
    }
    changes.sort_by_key(|c| c.kind);
    changes
}

fn summarize(servers: &[ServerDiff], findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for server in servers {
        *match server.status {
            Status::Added => &mut s.servers_added,
            Status::Removed => &mut s.servers_removed,
            Status::Changed => &mut s.servers_changed,
        } += 1;
        for v in &server.versions {
            *match v.status {
                Status::Added => &mut s.versions_added,
                Status::Removed => &mut s.versions_removed,
                Status::Changed => &mut s.versions_changed,
            } += 1;
            s.widenings += v.count(ChangeKind::Widens);
        }
    }
    s.errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    s.warnings = findings.len() - s.errors;
    s
}
