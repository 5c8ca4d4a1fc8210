// SPDX-License-Identifier: Apache-2.0
//! The validator: what a manifest and a toolspec are, how they are read from YAML, and every
//! rule over them. Text in, typed value and findings out; nothing here touches the file system
//! or prints, so tools that embed the crate validate exactly as the registry's CI does.
//!
//! The per-file entry points are [`check_manifest`] and [`check_toolspec`]. Types live in
//! `manifest` and `toolspec`, closed sets in `closed`, regexes in `patterns`, the typed reader
//! in `read`, the compiled-in public-suffix list in `public_suffix`, the characters a person
//! cannot see in `chars`, the rules, by subject, in `rules`, and reviewed suppression comments
//! in `suppress`. The registry's own files have theirs: `policy/registry.yaml` in
//! `repository`, `catalog/sources.tsv` in `sources`.

pub mod chars;
pub mod closed;
pub mod manifest;
pub mod patterns;
pub mod pin;
pub mod public_suffix;
pub mod read;
pub mod repository;
pub mod rules;
pub mod sources;
pub mod suppress;
pub mod toolspec;

pub use crate::diag::{Diagnostic, Rule, Severity};
pub use manifest::Manifest;
pub use repository::RepositoryConfig;
pub use rules::policy::Policy;
pub use toolspec::Toolspec;

use closed::Builder;
use read::Reader;

use std::sync::OnceLock;

use crate::span::{Pos, Span};
use crate::yaml;

/// Where a file was found: `<dir>/<file>` under manifests/ or toolspecs/.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    /// The server directory's name.
    pub dir: &'a str,
    /// The file's name.
    pub file: &'a str,
}

/// What a manifest check knows about the repository around the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ManifestContext<'a> {
    /// Builders that have an `images/<builder>/Dockerfile`; `None` outside a registry checkout.
    pub builders_with_dockerfile: Option<&'a [Builder]>,
    /// Whether the paired toolspec file exists; `None` when toolspecs are not being checked.
    pub toolspec_exists: Option<bool>,
    /// The registry's `policy/registry.yaml`; `None` where there is none. Its rules, and the
    /// rules for what today's gateway does at runtime (a tree with this file is a catalog the
    /// gateway serves; the Go conformance fixtures are not), are then skipped.
    pub repository: Option<&'a RepositoryConfig>,
}

/// The result of checking one manifest.
#[derive(Debug, Clone, Default)]
pub struct ManifestCheck {
    /// The manifest, when the text was a mapping at all (it may still have findings).
    pub manifest: Option<Manifest>,
    /// Every finding, located in the text.
    pub diags: Vec<Diagnostic>,
    /// Indexes into `Policy::exceptions` this manifest relied on.
    pub exceptions_used: Vec<usize>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes file bytes: UTF-8 required, a leading byte-order mark dropped.
// The error is the finding itself, built once per bad file; boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e))
}

/// [`decode`] for an owned buffer: the bytes become the string without a copy.
#[allow(clippy::result_large_err)]
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error()))
}

/// The finding for bytes that stop being UTF-8, at the first bad byte.
fn not_utf8(bytes: &[u8], e: std::str::Utf8Error) -> Diagnostic {
    let offset = e.valid_up_to();
    Diagnostic::whole_file(Rule::FileNotUtf8, format!("invalid UTF-8 at byte {offset}"))
        .with_span(Span::point(Pos::at_offset(bytes, offset)))
}

/// Parses, validates and applies policy to one manifest's text.
pub fn check_manifest(text: &str, at: Option<Location<'_>>, policy: &Policy, ctx: &ManifestContext<'_>) -> ManifestCheck {
    let mut parse_findings = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut parse_findings) else {
        return ManifestCheck { diags: parse_findings, ..ManifestCheck::default() };
    };
    let mut r = Reader::for_go(parse_findings, text).with_schema(SchemaKind::Manifest);
    let Some(m) = manifest::read_manifest(&mut root, &mut r) else {
        return ManifestCheck { diags: r.diagnostics, ..ManifestCheck::default() };
    };
    r.drop_explained(&root);
    let mut findings = rules::manifest_rules(&m);
    let (policy_findings, exceptions_used) = rules::policy::apply(&m, policy);
    findings.extend(policy_findings);
    // A file stored under another server's or version's path is that one finding: the toolspec
    // looked up for it is the one at its path, not the one it declares.
    let misplaced = rules::identity::path_mismatch("manifests", &m.name, &m.version, at);
    let placed = misplaced.is_none();
    findings.extend(misplaced);
    if let Some(available) = ctx.builders_with_dockerfile {
        findings.extend(rules::source::builder_dockerfile(&m, available));
    }
    if ctx.toolspec_exists == Some(false) && placed && rules::identity::is_identity(&m.name, &m.version) {
        findings.extend(rules::pairing::toolspec_missing(&m));
    }
    if let Some(config) = ctx.repository {
        rules::source::repository(&m, config, &mut findings);
        rules::credentials::gateway_runtime(&m, &mut findings);
    }
    let mut diags = r.with_rule_findings(findings);
    root.locate_all(&mut diags);
    ManifestCheck { manifest: Some(m), diags, exceptions_used }
}

/// What pairing knows about a toolspec's manifest.
#[derive(Debug, Clone, Copy)]
pub enum Paired<'m> {
    /// The manifest, read cleanly.
    Manifest(&'m Manifest),
    /// Its file exists but could not be read as a manifest; its own findings say why, so the
    /// toolspec is not paired (nor reported as lacking a manifest).
    Unreadable,
    /// No manifest of that name and version.
    Missing,
}

/// Parses and validates one toolspec's text, and pairs it with its manifest when
/// `find_manifest` knows one for the toolspec's name and version.
pub fn check_toolspec<'m>(
    text: &str,
    at: Option<Location<'_>>,
    find_manifest: impl Fn(&str, &str) -> Option<&'m Manifest>,
) -> (Option<Toolspec>, Vec<Diagnostic>) {
    check_toolspec_paired(text, at, |n, v| find_manifest(n, v).map_or(Paired::Missing, Paired::Manifest))
}

/// [`check_toolspec`], told also of manifests that exist but could not be read.
pub fn check_toolspec_paired<'m>(
    text: &str,
    at: Option<Location<'_>>,
    find_manifest: impl Fn(&str, &str) -> Paired<'m>,
) -> (Option<Toolspec>, Vec<Diagnostic>) {
    let mut parse_findings = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut parse_findings) else { return (None, parse_findings) };
    let mut r = Reader::for_go(parse_findings, text).with_schema(SchemaKind::Toolspec);
    let Some(t) = toolspec::read_toolspec(&mut root, &mut r) else { return (None, r.diagnostics) };
    r.drop_explained(&root);
    let mut findings = rules::toolspec_rules(&t);
    let misplaced = rules::identity::path_mismatch("toolspecs", &t.name, &t.version, at);
    // A toolspec that does not say which server and version it is, or is stored at another's
    // path (that one finding), pairs with nothing.
    let identified = misplaced.is_none() && rules::identity::is_identity(&t.name, &t.version);
    findings.extend(misplaced);
    let paired = if identified { find_manifest(&t.name, &t.version) } else { Paired::Unreadable };
    match paired {
        Paired::Manifest(m) => findings.extend(rules::pairing::pair(&t, m)),
        Paired::Missing => findings.extend(rules::pairing::manifest_missing(&t)),
        Paired::Unreadable => {}
    }
    let mut diags = r.with_rule_findings(findings);
    root.locate_all(&mut diags);
    (Some(t), diags)
}

/// Locates findings made after a file's own check (a duplicate found across files, an unused
/// policy exception) by reading the text once more.
pub fn locate_late(text: &str, diags: &mut [Diagnostic]) {
    let mut ignored = Vec::new();
    if let Some(root) = yaml::parse(text, &mut ignored) {
        root.locate_all(diags);
    }
}

/// The JSON Schemas this crate generates from its types: the two file formats, and the
/// `--format json` output of the commands that print one result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `schemas/manifest.schema.json`, from [`Manifest`].
    Manifest,
    /// `schemas/toolspec.schema.json`, from [`Toolspec`].
    Toolspec,
    /// `schemas/diff.schema.json`, from [`crate::diff::Diff`]: what `registryctl diff --format json` prints.
    Diff,
    /// `schemas/hash-output.schema.json`, from [`crate::output::HashOutput`].
    HashOutput,
    /// `schemas/resolve-output.schema.json`, from [`crate::output::ResolveOutput`].
    ResolveOutput,
    /// `schemas/verify-output.schema.json`, from [`crate::output::VerifyOutput`].
    VerifyOutput,
    /// `schemas/build-args-output.schema.json`, from [`crate::output::BuildArgsOutput`].
    BuildArgsOutput,
}

impl SchemaKind {
    /// Every schema, in the order `schemas/` lists them.
    pub const ALL: &'static [SchemaKind] = &[
        SchemaKind::Manifest,
        SchemaKind::Toolspec,
        SchemaKind::Diff,
        SchemaKind::HashOutput,
        SchemaKind::ResolveOutput,
        SchemaKind::VerifyOutput,
        SchemaKind::BuildArgsOutput,
    ];

    /// The name `registryctl schema` takes: `manifest`, `toolspec`, `diff`, `hash-output`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaKind::Manifest => "manifest",
            SchemaKind::Toolspec => "toolspec",
            SchemaKind::Diff => "diff",
            SchemaKind::HashOutput => "hash-output",
            SchemaKind::ResolveOutput => "resolve-output",
            SchemaKind::VerifyOutput => "verify-output",
            SchemaKind::BuildArgsOutput => "build-args-output",
        }
    }

    /// The JSON Schema (draft 2020-12), pretty-printed with a final newline.
    pub fn generate(self) -> String {
        use crate::output::{BuildArgsOutput, HashOutput, ResolveOutput, VerifyOutput};
        let schema = match self {
            SchemaKind::Manifest => schemars::schema_for!(Manifest),
            SchemaKind::Toolspec => schemars::schema_for!(Toolspec),
            SchemaKind::Diff => schemars::schema_for!(crate::diff::Diff),
            SchemaKind::HashOutput => schemars::schema_for!(HashOutput),
            SchemaKind::ResolveOutput => schemars::schema_for!(ResolveOutput),
            SchemaKind::VerifyOutput => schemars::schema_for!(VerifyOutput),
            SchemaKind::BuildArgsOutput => schemars::schema_for!(BuildArgsOutput),
        };
        let mut s = serde_json::to_string_pretty(&schema).expect("a schema serializes");
        s.push('\n');
        s
    }

    /// Every field the schema defines, as `(name, path)`: `("egress", "entitlements.egress")`,
    /// `("default", "tools[].default")`; read from the generated schema once per process. A key
    /// found where it is not allowed is told where it belongs from this list.
    pub fn field_places(self) -> &'static [(String, String)] {
        static MANIFEST: OnceLock<Vec<(String, String)>> = OnceLock::new();
        static TOOLSPEC: OnceLock<Vec<(String, String)>> = OnceLock::new();
        let cell = match self {
            SchemaKind::Manifest => &MANIFEST,
            SchemaKind::Toolspec => &TOOLSPEC,
            // Outputs are written, never read from YAML.
            _ => return &[],
        };
        cell.get_or_init(|| {
            let schema: serde_json::Value = serde_json::from_str(&self.generate()).expect("the generated schema is JSON");
            let mut out = Vec::new();
            collect_places(&schema, &schema, "", &mut out, 0);
            out
        })
    }

    /// Where a registry ships it, relative to its root: `schemas/<name>.schema.json`.
    pub fn path(self) -> String {
        format!("schemas/{}.schema.json", self.as_str())
    }
}

/// Walks a generated schema's properties, lists and `$ref`s, pushing `(name, path)` pairs.
fn collect_places(schema: &serde_json::Value, node: &serde_json::Value, prefix: &str, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(def) = node.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix("#/$defs/")) {
        collect_places(schema, &schema["$defs"][def], prefix, out, depth + 1);
    }
    if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
        for (name, sub) in props {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            out.push((name.clone(), path.clone()));
            collect_places(schema, sub, &path, out, depth + 1);
        }
    }
    if let Some(items) = node.get("items") {
        collect_places(schema, items, &format!("{prefix}[]"), out, depth + 1);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for sub in node.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            collect_places(schema, sub, prefix, out, depth + 1);
        }
    }
}

/// The JSON Schema (draft 2020-12) for manifests, generated from [`Manifest`].
pub fn manifest_json_schema() -> String {
    SchemaKind::Manifest.generate()
}

/// The JSON Schema (draft 2020-12) for toolspecs, generated from [`Toolspec`].
pub fn toolspec_json_schema() -> String {
    SchemaKind::Toolspec.generate()
}

/// The `KEY=VALUE` pairs `build-args` prints for `$GITHUB_ENV`; `image` is the repository to
/// push to (`<imagePrefix>/<name>-mcp`). Refuses any value holding a hidden character
/// ([`chars`]): a control character could define extra variables in the build job.
pub fn build_args(m: &Manifest, image: &str) -> Result<Vec<(&'static str, String)>, String> {
    let package = if m.source.package.is_empty() { ".".to_string() } else { m.source.package.clone() };
    let args = vec![
        ("SOURCE_REPO", m.source.repo.clone()),
        ("SOURCE_TAG", m.source.tag.clone()),
        ("PACKAGE", package),
        ("BUILDER", m.builder_name().to_string()),
        ("NAME", m.name.clone()),
        ("VERSION", m.version.clone()),
        ("IMAGE", image.to_string()),
    ];
    match args.iter().find(|(_, v)| chars::has_hidden(v) || v.is_empty()) {
        Some((k, _)) => Err(format!("{k} is empty or holds a control, bidi or invisible character")),
        None => Ok(args),
    }
}
