//! The registry's schema: every rule registryctl applies, as plain functions over text and
//! parsed values, with no file-system access. Every subcommand, the CI workflows and any tool
//! embedding this crate run these same functions.
//!
//! The per-file entry points are [`check_manifest`] and [`check_toolspec`]: text in, the typed
//! value and every diagnostic (with line and column) out.

pub mod catalog;
pub mod diag;
pub mod egress;
pub mod index;
pub mod manifest;
pub mod policy;
pub mod read;
pub mod sign;
pub mod toolspec;
pub mod yaml;

pub use diag::{Diagnostic, Rule, Severity};
pub use manifest::Manifest;
pub use policy::Policy;
pub use toolspec::Toolspec;

use read::Reader;

/// Where a file was found: `<dir>/<file>` under manifests/ or toolspecs/.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub dir: &'a str,
    pub file: &'a str,
}

/// What a manifest check knows about the repository around the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ManifestContext<'a> {
    /// Builders that have an `images/<builder>/Dockerfile`; `None` outside a registry checkout.
    pub builders_with_dockerfile: Option<&'a [String]>,
    /// Whether the paired toolspec file exists; `None` when toolspecs are not being checked.
    pub toolspec_exists: Option<bool>,
}

/// The result of checking one manifest.
#[derive(Debug, Clone, Default)]
pub struct ManifestCheck {
    pub manifest: Option<Manifest>,
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
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    let column = bytes[..offset].iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    let pos = yaml::Pos { offset, line, column };
    Diagnostic::new(Rule::FileNotUtf8, "", format!("invalid UTF-8 at byte {offset}")).with_span(yaml::Span { start: pos, end: pos })
}

fn path_rule(kind: &str, name: &str, version: &str, at: Option<Location<'_>>) -> Option<Diagnostic> {
    let at = at?;
    let expected = format!("{version}.yaml");
    (at.dir != name || at.file != expected).then(|| {
        Diagnostic::new(
            Rule::PathMismatch,
            "name",
            format!("this file declares {name}@{version}, so it belongs at {kind}/{name}/{expected}, not {kind}/{}/{}", at.dir, at.file),
        )
    })
}

/// Parses, validates and applies policy to one manifest's text.
pub fn check_manifest(text: &str, at: Option<Location<'_>>, policy: &Policy, ctx: &ManifestContext<'_>) -> ManifestCheck {
    let mut parse_diags = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut parse_diags) else {
        return ManifestCheck { diags: parse_diags, ..ManifestCheck::default() };
    };
    let mut r = Reader::with(parse_diags);
    let Some(m) = manifest::from_node(&mut root, &mut r) else {
        return ManifestCheck { diags: r.diags, ..ManifestCheck::default() };
    };
    let mut rules = manifest::validate(&m);
    let (policy_diags, exceptions_used) = policy::check(&m, policy);
    rules.extend(policy_diags);
    rules.extend(path_rule("manifests", &m.name, &m.version, at));
    if let Some(available) = ctx.builders_with_dockerfile {
        let b = m.builder();
        if manifest::BUILDERS.contains(&b) && !available.iter().any(|x| x == b) {
            rules.push(Diagnostic::new(
                Rule::BuilderDockerfile,
                "image.builder",
                format!("builder `{b}` has no images/{b}/Dockerfile in this registry"),
            ));
        }
    }
    if ctx.toolspec_exists == Some(false) && m.builder() == "toolpack" {
        rules.push(Diagnostic::new(
            Rule::PairingBuilder,
            "image.builder",
            format!("builder toolpack needs toolspecs/{}/{}.yaml, which does not exist", m.name, m.version),
        ));
    }
    let mut diags = r.merge(rules);
    read::locate(Some(&root), &mut diags);
    ManifestCheck { manifest: Some(m), diags, exceptions_used }
}

/// Parses and validates one toolspec's text, and pairs it with its manifest when
/// `find_manifest` knows one for the toolspec's name and version.
pub fn check_toolspec<'m>(
    text: &str,
    at: Option<Location<'_>>,
    find_manifest: impl Fn(&str, &str) -> Option<&'m Manifest>,
) -> (Option<Toolspec>, Vec<Diagnostic>) {
    let mut parse_diags = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut parse_diags) else { return (None, parse_diags) };
    let mut r = Reader::with(parse_diags);
    let Some(t) = toolspec::from_node(&mut root, &mut r) else { return (None, r.diags) };
    let mut rules = toolspec::validate(&t);
    rules.extend(path_rule("toolspecs", &t.name, &t.version, at));
    match find_manifest(&t.name, &t.version) {
        Some(m) => rules.extend(toolspec::pair(&t, m)),
        None if !t.name.is_empty() && !t.version.is_empty() => rules.push(Diagnostic::new(
            Rule::PairingManifest,
            "name",
            format!("no manifest {}@{} (manifests/{}/{}.yaml) to pair with", t.name, t.version, t.name, t.version),
        )),
        None => {}
    }
    let mut diags = r.merge(rules);
    read::locate(Some(&root), &mut diags);
    (Some(t), diags)
}

/// Locates diagnostics produced after a file's own check (for example a duplicate found across
/// files) by reading the text once more.
pub fn locate_late(text: &str, diags: &mut [Diagnostic]) {
    let mut ignored = Vec::new();
    let root = yaml::parse(text, &mut ignored);
    read::locate(root.as_ref(), diags);
}

/// The JSON Schema (draft 2020-12) for manifests, generated from [`Manifest`].
pub fn manifest_json_schema() -> String {
    json_schema(schemars::schema_for!(Manifest))
}

/// The JSON Schema (draft 2020-12) for toolspecs, generated from [`Toolspec`].
pub fn toolspec_json_schema() -> String {
    json_schema(schemars::schema_for!(Toolspec))
}

fn json_schema(schema: schemars::Schema) -> String {
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    s.push('\n');
    s
}

/// The `KEY=VALUE` lines `build-args` prints for `$GITHUB_ENV`. Refuses any value holding a
/// control character, which could define extra variables in the build job.
pub fn build_args(m: &Manifest) -> Result<Vec<(&'static str, String)>, String> {
    let package = if m.source.package.is_empty() { ".".to_string() } else { m.source.package.clone() };
    let args = vec![
        ("SOURCE_REPO", m.source.repo.clone()),
        ("SOURCE_TAG", m.source.tag.clone()),
        ("PACKAGE", package),
        ("BUILDER", m.builder().to_string()),
        ("NAME", m.name.clone()),
        ("VERSION", m.version.clone()),
    ];
    match args.iter().find(|(_, v)| v.chars().any(char::is_control) || v.is_empty()) {
        Some((k, _)) => Err(format!("{k} is empty or holds a control character")),
        None => Ok(args),
    }
}
