// SPDX-License-Identifier: Apache-2.0
//! The pipeline a gateway, mirror or bot embeds: open a registry checkout, then lint it, check
//! it whole, build its index or its catalog. Each call reads the files it needs once (in
//! parallel, results in path order, so output never depends on thread count) and returns a
//! [`Report`] of findings plus its typed results; nothing here prints.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog;
use crate::diag::{Diagnostic, Report, Rule, Severity, Suppressed};
use crate::error::{Error, Result};
use crate::field::FieldPath;
use crate::fs::{self, Found};
use crate::index::{self, Index};
use crate::output::HashOutput;
use crate::schema::closed::Builder;
use crate::schema::rules::egress::Denylist;
use crate::schema::rules::policy::{self, Policy};
use crate::schema::{self, suppress, Manifest, ManifestContext, Paired, SchemaKind};

/// The denylist under the policy root.
pub const DENYLIST_PATH: &str = "denylist/exfil-domains.txt";
/// The reviewed exceptions under the policy root.
pub const EXCEPTIONS_PATH: &str = "policy/exceptions.yaml";
/// Servers CATALOG.md lists as planned with no public API, under the policy root.
pub const NO_PUBLIC_API_PATH: &str = "catalog/no-public-api.txt";
/// The generated catalog, under the registry root.
pub const CATALOG_PATH: &str = "CATALOG.md";

/// Where the denylist comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DenylistChoice {
    /// The policy root's `denylist/exfil-domains.txt`, if there is one.
    #[default]
    PolicyRoot,
    /// This file.
    File(PathBuf),
    /// None: built-in reserved names only.
    None,
}

/// How to open a registry.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Which denylist to apply.
    pub denylist: DenylistChoice,
    /// Where the denylist, `policy/exceptions.yaml`, `images/` and `catalog/no-public-api.txt`
    /// come from; the registry root when `None`.
    pub policy_root: Option<PathBuf>,
}

/// A registry checkout: `manifests/`, `toolspecs/` and the policy around them.
#[derive(Debug, Clone)]
pub struct Registry {
    root: PathBuf,
    policy_root: PathBuf,
    denylist: DenylistChoice,
}

/// One checked manifest.
#[derive(Debug)]
pub struct CheckedManifest {
    /// The file.
    pub found: Found,
    /// `None` when the file could not be read as a manifest: unreadable, not YAML, or with a
    /// structural error (a wrong type, an unknown or misplaced field; see
    /// [`Rule::is_structural`]). Its own findings say why; nothing later (pairing, duplicates,
    /// CATALOG.md) is compared with a partial reading.
    pub manifest: Option<Manifest>,
}

/// The result of linting manifests.
#[derive(Debug)]
pub struct Linted {
    /// Every finding.
    pub report: Report,
    /// Every manifest file, in path order.
    pub manifests: Vec<CheckedManifest>,
    /// Notes for the user (which denylist is in use).
    pub notes: Vec<String>,
}

impl Linted {
    /// The manifests that parsed.
    pub fn parsed(&self) -> impl Iterator<Item = &Manifest> {
        self.manifests.iter().filter_map(|c| c.manifest.as_ref())
    }
}

/// The result of checking the whole registry.
#[derive(Debug)]
pub struct Checked {
    /// Every finding.
    pub report: Report,
    /// How many manifest files were checked.
    pub manifests: usize,
    /// How many toolspec files were checked.
    pub toolspecs: usize,
    /// Notes for the user.
    pub notes: Vec<String>,
}

/// The result of linting toolspecs.
#[derive(Debug)]
pub struct ToolspecsLinted {
    /// Every finding.
    pub report: Report,
    /// How many toolspec files were checked.
    pub toolspecs: usize,
}

/// The result of building the index.
#[derive(Debug)]
pub struct BuiltIndex {
    /// The lint of the manifests.
    pub linted: Linted,
    /// The index; `None` when the lint found errors.
    pub index: Option<Index>,
    /// How many manifest versions it holds.
    pub versions: usize,
    /// Planned manifests left out.
    pub planned_left_out: usize,
}

/// The result of preparing the image build's arguments.
#[derive(Debug)]
pub struct BuildArgs {
    /// The lint of the manifest.
    pub linted: Linted,
    /// The `KEY=VALUE` pairs; `None` when the manifest fails lint.
    pub args: Option<Vec<(&'static str, String)>>,
}

/// The result of hashing one manifest.
#[derive(Debug)]
pub struct Hashed {
    /// The lint of the manifest.
    pub linted: Linted,
    /// Its hashes; `None` when it fails lint.
    pub hashes: Option<HashOutput>,
}

/// The result of rendering CATALOG.md.
#[derive(Debug)]
pub struct CatalogRun {
    /// The lint of the manifests.
    pub linted: Linted,
    /// Where CATALOG.md belongs.
    pub path: PathBuf,
    /// Its content; `None` when the manifests fail lint.
    pub text: Option<String>,
    /// How many servers it lists.
    pub servers: usize,
}

/// The policy of one run: the policy itself, notes, and the exceptions file's findings.
struct LoadedPolicy {
    policy: Policy,
    notes: Vec<String>,
    report: Report,
}

/// What the manifest checks need from the repository around them.
#[derive(Default)]
struct Setup {
    policy: Policy,
    builders_with_dockerfile: Option<Vec<Builder>>,
    /// `(name, file)` pairs of toolspecs present, when toolpack manifests must have one.
    toolspecs_present: Option<HashSet<(String, String)>>,
}

/// `.` and the empty path both mean the current directory; use the empty path, so joined paths
/// print as `manifests/…`, not `./manifests/…`.
fn normalize_root(root: &Path) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::new()
    } else {
        root.to_path_buf()
    }
}

/// The registry root for a manifests or toolspecs directory, or a file in one: the directory's
/// parent.
pub fn root_for(target: &Path) -> PathBuf {
    let dir = if fs::is_dir(target) { target } else { target.parent().and_then(Path::parent).unwrap_or(Path::new(".")) };
    dir.parent().map(normalize_root).unwrap_or_default()
}

/// The manifest a command about one server version reads (`hash`, `build-args`): a
/// `manifests/<name>` directory stands for its latest version; a file must be a
/// `manifests/<name>/<version>.yaml`, so that its registry and its policy are known.
pub fn one_manifest(target: &Path) -> Result<PathBuf> {
    let file = if fs::is_dir(target) { fs::walk::latest_in(target)? } else { target.to_path_buf() };
    let in_manifests = |p: &Path| p.parent().and_then(Path::parent).and_then(Path::file_name).is_some_and(|n| n == "manifests");
    if in_manifests(&file) || fs::canonical(&file).is_some_and(|c| in_manifests(&c)) {
        return Ok(file);
    }
    Err(Error::Usage(format!(
        "{} is not in a registry's manifests/<name>/ directory; pass manifests/<name>/<version>.yaml, or manifests/<name> for its latest version, in a registry checkout",
        file.display()
    )))
}

impl Registry {
    /// A registry rooted at `root`. Nothing is read until a method needs it.
    pub fn open(root: impl AsRef<Path>, options: Options) -> Registry {
        let root = normalize_root(root.as_ref());
        let policy_root = options.policy_root.as_deref().map_or_else(|| root.clone(), normalize_root);
        Registry { root, policy_root, denylist: options.denylist }
    }

    /// The registry a manifests or toolspecs directory, or a file in one, belongs to.
    pub fn for_target(target: &Path, options: Options) -> Registry {
        Registry::open(root_for(target), options)
    }

    /// The registry root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `manifests/` under the root.
    pub fn manifests_dir(&self) -> PathBuf {
        self.root.join("manifests")
    }

    /// `toolspecs/` under the root.
    pub fn toolspecs_dir(&self) -> PathBuf {
        self.root.join("toolspecs")
    }

    fn exceptions_path(&self) -> PathBuf {
        self.policy_root.join(EXCEPTIONS_PATH)
    }
}

/// The policy, builders and pairing context.
impl Registry {
    /// Reads the denylist and the reviewed exceptions. Which denylist is used is a note, not
    /// printed here.
    fn load_policy(&self) -> Result<LoadedPolicy> {
        let denylist_path = match &self.denylist {
            DenylistChoice::File(p) => Some(p.clone()),
            DenylistChoice::None => None,
            DenylistChoice::PolicyRoot => Some(self.policy_root.join(DENYLIST_PATH)).filter(|p| fs::is_file(p)),
        };
        let mut notes = Vec::new();
        let denylist = match &denylist_path {
            Some(p) => {
                let d = Denylist::parse(&fs::read_to_string(p, "cannot read denylist")?);
                notes.push(format!("using denylist {} ({} domain(s))", p.display(), d.len()));
                d
            }
            None => {
                notes.push("no denylist file: only the built-in reserved names are checked".into());
                Denylist::default()
            }
        };
        let today = policy::today();
        let mut report = Report::default();
        let path = self.exceptions_path();
        let name = path.display().to_string();
        let exceptions = if !fs::is_file(&path) {
            Vec::new()
        } else {
            match fs::read_text(&path)? {
                Ok(text) => {
                    let (ex, diags) = policy::parse_exceptions(&text, &today);
                    report.add(&name, Some(text), diags);
                    ex
                }
                Err(d) => {
                    report.add(&name, None, vec![d]);
                    Vec::new()
                }
            }
        };
        Ok(LoadedPolicy { policy: Policy { denylist, exceptions, today }, notes, report })
    }

    /// Builders with an `images/<builder>/Dockerfile`, when the policy root has `images/`.
    fn builders_with_dockerfile(&self) -> Option<Vec<Builder>> {
        let images = self.policy_root.join("images");
        fs::is_dir(&images)
            .then(|| Builder::ALL.iter().copied().filter(|b| fs::is_file(&images.join(b.as_str()).join("Dockerfile"))).collect())
    }

    /// Names listed in `catalog/no-public-api.txt`.
    fn no_public_api(&self) -> Result<HashSet<String>> {
        let p = self.policy_root.join(NO_PUBLIC_API_PATH);
        if !fs::exists(&p) {
            return Ok(HashSet::new());
        }
        Ok(catalog::name_list(&fs::read_to_string(&p, "cannot read")?).map(str::to_string).collect())
    }

    /// Reports exceptions no manifest needed.
    fn report_unused_exceptions(&self, policy: &Policy, used: &BTreeSet<usize>, report: &mut Report) {
        let path = self.exceptions_path();
        let name = path.display().to_string();
        let mut diags: Vec<Diagnostic> =
            policy.exceptions.iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(i, e)| policy::unused_exception(i, e)).collect();
        if diags.is_empty() {
            return;
        }
        let text = report.sources.get(&name).cloned().or_else(|| fs::read_to_string(&path, "cannot read").ok());
        if let Some(t) = &text {
            schema::locate_late(t, &mut diags);
        }
        report.add(&name, text, diags);
    }
}

/// What checking one file produced: its value, its findings, the warnings its suppression
/// comments accepted, and its text when there are findings to show excerpts of.
struct FileResult<T> {
    value: T,
    text: Option<String>,
    diags: Vec<Diagnostic>,
    suppressed: Vec<Suppressed>,
}

/// Reads one file, checks its text and applies its suppression comments, or reports why it has
/// no text.
fn read_and_check<T>(f: &Found, unreadable: impl FnOnce() -> T, check: impl FnOnce(&str) -> (T, Vec<Diagnostic>)) -> Result<FileResult<T>> {
    Ok(match fs::read_text(&f.path)? {
        Ok(text) => {
            let (value, mut diags) = check(&text);
            let suppressed = suppress::apply(&text, &mut diags);
            let text = (!diags.is_empty()).then_some(text);
            FileResult { value, text, diags, suppressed }
        }
        Err(d) => FileResult { value: unreadable(), text: None, diags: vec![d], suppressed: Vec::new() },
    })
}

/// Checks manifests in parallel. Returns them in input order, plus the exceptions used.
fn check_manifests(files: &[Found], setup: &Setup, report: &mut Report) -> Result<(Vec<CheckedManifest>, BTreeSet<usize>)> {
    let results: Vec<FileResult<(Option<Manifest>, Vec<usize>)>> = files
        .par_iter()
        .map(|f| {
            read_and_check(
                f,
                || (None, Vec::new()),
                |text| {
                    let ctx = ManifestContext {
                        builders_with_dockerfile: setup.builders_with_dockerfile.as_deref(),
                        toolspec_exists: setup.toolspecs_present.as_ref().map(|set| set.contains(&(f.dir.clone(), f.file.clone()))),
                    };
                    let c = schema::check_manifest(text, Some(f.location()), &setup.policy, &ctx);
                    ((c.manifest, c.exceptions_used), c.diags)
                },
            )
        })
        .collect::<Result<_>>()?;
    let mut used = BTreeSet::new();
    let mut out = Vec::with_capacity(results.len());
    for (f, r) in files.iter().zip(results) {
        let (manifest, exceptions) = r.value;
        let manifest = manifest.filter(|_| !r.diags.iter().any(|d| d.rule.is_structural() && d.severity == Severity::Error));
        report.add(&f.display(), r.text, r.diags);
        report.add_suppressed(&f.display(), r.suppressed);
        used.extend(exceptions);
        out.push(CheckedManifest { found: f.clone(), manifest });
    }
    Ok((out, used))
}

/// Checks toolspecs in parallel, each paired with its already-parsed manifest. A toolspec whose
/// manifest file exists but could not be read is not paired: that file's own findings come
/// first. The parsed toolspecs are not kept: nothing after the check needs them.
fn check_toolspecs(files: &[Found], manifests: &[CheckedManifest], report: &mut Report) -> Result<()> {
    let by_key: HashMap<(&str, &str), &Manifest> =
        manifests.iter().filter_map(|c| c.manifest.as_ref()).map(|m| ((m.name.as_str(), m.version.as_str()), m)).collect();
    let unreadable: HashSet<(&str, &str)> =
        manifests.iter().filter(|c| c.manifest.is_none()).map(|c| (c.found.dir.as_str(), c.found.file.as_str())).collect();
    let pairing = |n: &str, v: &str| match by_key.get(&(n, v)) {
        Some(m) => Paired::Manifest(m),
        None if unreadable.contains(&(n, format!("{v}.yaml").as_str())) => Paired::Unreadable,
        None => Paired::Missing,
    };
    let results: Vec<FileResult<()>> = files
        .par_iter()
        .map(|f| read_and_check(f, || (), |text| ((), schema::check_toolspec_paired(text, Some(f.location()), pairing).1)))
        .collect::<Result<_>>()?;
    for (f, r) in files.iter().zip(results) {
        report.add(&f.display(), r.text, r.diags);
        report.add_suppressed(&f.display(), r.suppressed);
    }
    Ok(())
}

/// Reports a second declaration of the same name@version.
fn report_duplicates(manifests: &[CheckedManifest], report: &mut Report) -> Result<()> {
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    for c in manifests {
        let Some(m) = &c.manifest else { continue };
        let file = c.found.path.to_str().unwrap_or_default();
        if let Some(first) = seen.insert((&m.name, &m.version), file) {
            let msg = format!("{}@{} is also declared in {first}", m.name, m.version);
            let mut d = vec![Diagnostic::new(Rule::IndexDuplicate, FieldPath::field("version"), msg)];
            let text = fs::read_text(&c.found.path)?.ok();
            if let Some(t) = &text {
                schema::locate_late(t, &mut d);
            }
            report.add(&c.found.display(), text, d);
        }
    }
    Ok(())
}

/// The pipeline.
impl Registry {
    /// Every server under `manifests/` and its versions, oldest first, from the file names
    /// alone (nothing is parsed): what shell completion offers.
    pub fn servers(&self) -> Result<Vec<(String, Vec<String>)>> {
        let dir = self.manifests_dir();
        if !fs::is_dir(&dir) {
            return Ok(Vec::new());
        }
        let mut servers: Vec<(String, Vec<String>)> = Vec::new();
        for f in fs::walk(&dir)?.0 {
            let Some(version) = f.file.strip_suffix(".yaml") else { continue };
            match servers.last_mut() {
                Some((name, versions)) if *name == f.dir => versions.push(version.to_string()),
                _ => servers.push((f.dir.clone(), vec![version.to_string()])),
            }
        }
        for (_, versions) in &mut servers {
            versions.sort_by(|a, b| index::compare_versions(a, b));
        }
        Ok(servers)
    }

    /// Lints a manifests directory or one manifest file: schema, policy and layout.
    pub fn lint(&self, target: &Path) -> Result<Linted> {
        self.lint_manifests(target, None)
    }

    /// [`Registry::lint`]; `toolspecs_present`, when given, makes toolpack manifests without a
    /// toolspec an error.
    fn lint_manifests(&self, target: &Path, toolspecs_present: Option<HashSet<(String, String)>>) -> Result<Linted> {
        let (files, walk_findings) = fs::targets(target)?;
        let LoadedPolicy { policy, notes, mut report } = self.load_policy()?;
        report.extend(walk_findings);
        let setup = Setup { policy, builders_with_dockerfile: self.builders_with_dockerfile(), toolspecs_present };
        let (manifests, used) = check_manifests(&files, &setup, &mut report)?;
        report_duplicates(&manifests, &mut report)?;
        if fs::is_dir(target) {
            self.report_unused_exceptions(&setup.policy, &used, &mut report);
        }
        Ok(Linted { report, manifests, notes })
    }

    /// Lints a toolspecs directory or one toolspec file, each paired with its manifest from
    /// `manifests_dir` (default: `manifests/` under the root). A directory pairs with every
    /// manifest, so a toolpack manifest without a toolspec is reported too.
    pub fn lint_toolspecs(&self, target: &Path, manifests_dir: Option<&Path>) -> Result<ToolspecsLinted> {
        let mut report = Report::default();
        let (files, walk_findings) = fs::targets(target)?;
        report.extend(walk_findings);
        let manifests_dir = manifests_dir.map_or_else(|| self.manifests_dir(), Path::to_path_buf);
        let (manifest_files, present) = if fs::is_dir(target) {
            let present: HashSet<(String, String)> = files.iter().map(|f| (f.dir.clone(), f.file.clone())).collect();
            let found = if fs::is_dir(&manifests_dir) { fs::walk(&manifests_dir)?.0 } else { Vec::new() };
            (found, Some(present))
        } else {
            let paired = files.iter().map(|f| manifests_dir.join(&f.dir).join(&f.file)).filter(|p| fs::is_file(p));
            (paired.map(|p| Found::from_file(&p)).collect(), None)
        };
        // Only pairing matters here: the manifests' own findings belong to `lint`.
        let setup = Setup { toolspecs_present: present, ..Setup::default() };
        let mut manifest_report = Report::default();
        let (manifests, _) = check_manifests(&manifest_files, &setup, &mut manifest_report)?;
        report.absorb(manifest_report, |d| d.rule == Rule::PairingBuilder);
        check_toolspecs(&files, &manifests, &mut report)?;
        Ok(ToolspecsLinted { report, toolspecs: files.len() })
    }

    /// The whole registry in one pass, each file parsed once: manifests, toolspecs, pairing,
    /// policy exceptions, CATALOG.md and `schemas/` freshness.
    pub fn check(&self) -> Result<Checked> {
        let toolspecs_dir = self.toolspecs_dir();
        let (toolspec_files, walk_findings) = if fs::is_dir(&toolspecs_dir) { fs::walk(&toolspecs_dir)? } else { (Vec::new(), Vec::new()) };
        let present: HashSet<(String, String)> = toolspec_files.iter().map(|f| (f.dir.clone(), f.file.clone())).collect();
        let mut linted = self.lint_manifests(&self.manifests_dir(), Some(present))?;
        // Before the toolspecs' findings join the report: `catalog` needs only the manifests clean.
        let stale = self.catalog_staleness(&linted, false)?;
        linted.report.extend(walk_findings);
        check_toolspecs(&toolspec_files, &linted.manifests, &mut linted.report)?;
        linted.report.extend(stale);
        linted.report.extend(self.schema_staleness());
        Ok(Checked { report: linted.report, manifests: linted.manifests.len(), toolspecs: toolspec_files.len(), notes: linted.notes })
    }

    /// Lints the manifests and, when they have no errors, builds the index from them (planned
    /// entries only when asked). `generated` is the RFC 3339 timestamp.
    pub fn build_index(&self, target: &Path, include_planned: bool, generated: String) -> Result<BuiltIndex> {
        let linted = self.lint(target)?;
        if linted.report.errors() > 0 {
            return Ok(BuiltIndex { linted, index: None, versions: 0, planned_left_out: 0 });
        }
        let all: Vec<Manifest> = linted.parsed().cloned().collect();
        let total = all.len();
        let kept: Vec<Manifest> = all.into_iter().filter(|m| include_planned || !m.is_planned()).collect();
        let (versions, planned_left_out) = (kept.len(), total - kept.len());
        let index = index::build(kept, generated)?;
        Ok(BuiltIndex { linted, index: Some(index), versions, planned_left_out })
    }

    /// Lints one manifest and, when it passes, the image build's `KEY=VALUE` pairs.
    pub fn build_args(&self, file: &Path) -> Result<BuildArgs> {
        let linted = self.lint(file)?;
        let args = match linted.manifests.first().and_then(|c| c.manifest.as_ref()) {
            Some(m) if linted.report.errors() == 0 => {
                Some(schema::build_args(m).map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?)
            }
            _ => None,
        };
        Ok(BuildArgs { linted, args })
    }

    /// Lints one manifest and, when it passes, its hash and runtime hash.
    pub fn hash(&self, file: &Path) -> Result<Hashed> {
        let linted = self.lint(file)?;
        let hashes = match linted.manifests.first().and_then(|c| c.manifest.as_ref()) {
            Some(m) if linted.report.errors() == 0 => Some(HashOutput::of(&file.display().to_string(), m)),
            _ => None,
        };
        Ok(Hashed { linted, hashes })
    }

    /// Lints `manifests/` with the default denylist and renders CATALOG.md from it.
    pub fn catalog(&self) -> Result<CatalogRun> {
        let linted = self.lint(&self.manifests_dir())?;
        let path = self.root.join(CATALOG_PATH);
        if linted.report.errors() > 0 {
            return Ok(CatalogRun { linted, path, text: None, servers: 0 });
        }
        let text = catalog::render_latest(linted.parsed(), &self.no_public_api()?);
        let servers = linted.parsed().map(|m| m.name.as_str()).collect::<BTreeSet<_>>().len();
        Ok(CatalogRun { linted, path, text: Some(text), servers })
    }

    /// A finding when CATALOG.md differs from what these manifests render, or is missing and
    /// `missing_is_stale`. Nothing is compared while a manifest could not be read: CATALOG.md
    /// would differ only because that file's reading is missing.
    pub fn catalog_staleness(&self, linted: &Linted, missing_is_stale: bool) -> Result<Option<Diagnostic>> {
        let path = self.root.join(CATALOG_PATH);
        let name = path.display().to_string();
        if linted.manifests.iter().any(|c| c.manifest.is_none()) {
            return Ok(None);
        }
        if !fs::exists(&path) {
            let msg = "CATALOG.md does not exist; run `registryctl catalog`";
            return Ok(missing_is_stale.then(|| Diagnostic::whole_file(Rule::CatalogStale, msg).in_file(name)));
        }
        let Ok(current) = fs::read_to_string(&path, "cannot read") else { return Ok(None) };
        let text = catalog::render_latest(linted.parsed(), &self.no_public_api()?);
        Ok((current != text).then(|| {
            let d = Diagnostic::whole_file(Rule::CatalogStale, "CATALOG.md differs from the manifests; run `registryctl catalog`");
            let d = if linted.report.errors() > 0 {
                d.with_help("fix the manifests' errors first (`registryctl catalog` writes CATALOG.md from a clean catalog only), then run `registryctl catalog` and commit CATALOG.md")
            } else {
                d
            };
            d.in_file(name)
        }))
    }

    /// Stale JSON Schemas under `schemas/`, when the registry ships that directory.
    pub fn schema_staleness(&self) -> Vec<Diagnostic> {
        if !fs::is_dir(&self.root.join("schemas")) {
            return Vec::new();
        }
        SchemaKind::ALL
            .iter()
            .filter(|k| fs::read_to_string(&self.root.join(k.path()), "cannot read").ok().as_deref() != Some(k.generate().as_str()))
            .map(|k| {
                let msg = format!("{} is missing or differs from `registryctl schema {}`", k.path(), k.as_str());
                Diagnostic::whole_file(Rule::SchemaStale, msg).in_file(self.root.join(k.path()).display().to_string())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_print_without_a_leading_dot() {
        assert_eq!(Registry::open(".", Options::default()).manifests_dir(), Path::new("manifests"));
        assert_eq!(Registry::open("reg", Options::default()).manifests_dir(), Path::new("reg/manifests"));
        let with_policy = Registry::open("reg", Options { policy_root: Some(PathBuf::from("policy-repo")), ..Options::default() });
        assert_eq!(with_policy.exceptions_path(), Path::new("policy-repo/policy/exceptions.yaml"));
        // A file under manifests/<name>/ belongs to the registry two levels up.
        assert_eq!(root_for(Path::new("reg/manifests/acme/0.1.0.yaml")), Path::new("reg"));
        assert_eq!(root_for(Path::new("manifests/acme/0.1.0.yaml")), Path::new(""));
    }
}
