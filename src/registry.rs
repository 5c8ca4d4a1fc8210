// SPDX-License-Identifier: Apache-2.0
//! The pipeline a gateway, mirror or bot embeds: open a registry checkout, then lint it, check
//! it whole, build its index or its catalog, or compare it with a base tree (`diff`). Each call
//! reads the files it needs once (in parallel, results in path order, so output never depends on
//! thread count) and returns a [`Report`] of findings plus its typed results; nothing here prints.

mod diff;
mod pass;
mod pin;

pub use diff::Base;
pub use pin::{PinOutcome, Pinned, Repin};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::catalog;
use crate::diag::{Diagnostic, Report, Rule};
use crate::error::{Error, Result};
use crate::field::FieldPath;
use crate::fs::{self, Entry, Found, Group, Overwrite, Tree};
use crate::index::{self, Index};
use crate::output::HashOutput;
use crate::scaffold;
use crate::schema::closed::{Builder, Tier};
use crate::schema::patterns::DIGEST;
use crate::schema::rules::egress::Denylist;
use crate::schema::rules::policy::{self, Policy};
use crate::schema::sources::{self, Server};
use crate::schema::{self, repository, suppress, Manifest, RepositoryConfig, SchemaKind};

use crate::yaml::MAX_FILE_BYTES;
use pass::{Keep, Pass};

/// The denylist under the policy root.
pub const DENYLIST_PATH: &str = "denylist/exfil-domains.txt";
/// The reviewed exceptions under the policy root.
pub const EXCEPTIONS_PATH: &str = "policy/exceptions.yaml";
/// Servers CATALOG.md lists as planned with no public API, under the policy root.
pub const NO_PUBLIC_API_PATH: &str = "catalog/no-public-api.txt";
/// The builders' directory under the policy root: `images/<builder>/Dockerfile`.
pub const IMAGES_PATH: &str = "images";
/// The policy inputs a separate policy root must hold when the checked tree has them: without
/// one a check would be skipped (no denylist, no image or engine rules, no builder check).
pub const REQUIRED_POLICY: [&str; 3] = [DENYLIST_PATH, repository::PATH, IMAGES_PATH];
/// The generated catalog, under the registry root.
pub const CATALOG_PATH: &str = "CATALOG.md";
/// Where `build-index` writes the index when no `--out` is named, under the registry root.
pub const INDEX_PATH: &str = "index.json";

/// The most bytes read from a list (the denylist, `catalog/*.txt`).
pub const MAX_LIST_BYTES: usize = 1 << 20;
/// The most bytes read from CATALOG.md (about 100 per server).
pub const MAX_CATALOG_BYTES: usize = 64 << 20;
/// The most bytes read from a JSON Schema under `schemas/`.
pub const MAX_SCHEMA_BYTES: usize = 1 << 20;

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
    /// Where every policy input comes from (the denylist, `policy/exceptions.yaml`,
    /// `policy/registry.yaml`, `images/<builder>/Dockerfile`, `catalog/no-public-api.txt`); the
    /// registry root when `None`. In CI, the base branch's checkout.
    pub policy_root: Option<PathBuf>,
}

/// A registry checkout: `manifests/`, `toolspecs/` and the policy around them. Outside any
/// checkout ([`Registry::for_target`] on a path that is in none), the directory of the named
/// file or the named directory itself, with no policy of its own.
#[derive(Debug, Clone)]
pub struct Registry {
    root: PathBuf,
    /// How file names are prefixed in output: empty for a checkout (names relative to its root).
    display: PathBuf,
    checkout: bool,
    policy_root: Option<PathBuf>,
    policy_display: PathBuf,
    denylist: DenylistChoice,
}

/// One checked manifest.
#[derive(Debug)]
pub struct CheckedManifest {
    /// The file.
    pub found: Found,
    /// What the rules across files need of it; `None` when the file could not be read as a
    /// manifest: unreadable, not YAML, or with a structural error (a wrong type, an unknown or
    /// misplaced field; see [`Rule::is_structural`]). Its own findings say why; nothing later
    /// (pairing, duplicates, CATALOG.md) is compared with a partial reading.
    pub facts: Option<Facts>,
    /// The manifest itself (when `facts` is `Some`), where the run keeps whole manifests:
    /// [`Registry::lint_keeping`] and `build-index`, `hash` and `build-args` do; [`Registry::lint`],
    /// [`Registry::lint_toolspecs`] and [`Registry::check`] keep only the facts, so a large
    /// catalog is checked in memory that grows with its number of files, not their content.
    pub manifest: Option<Box<Manifest>>,
}

/// What the rules across files keep of a checked manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its image digest.
    pub digest: String,
    /// Whether it is planned (the placeholder digest).
    pub planned: bool,
    /// Its CATALOG.md row, where the run compares or writes CATALOG.md.
    pub row: Option<Box<catalog::Row>>,
}

impl Facts {
    /// The facts of a manifest (without its row).
    pub fn of(m: &Manifest) -> Facts {
        Facts { name: m.name.clone(), version: m.version.clone(), digest: m.image.digest.clone(), planned: m.is_planned(), row: None }
    }
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
    /// The policy root's `policy/registry.yaml`, when it has one.
    pub repository: Option<RepositoryConfig>,
    /// Server directories under `manifests/` that are links or special files: refused, so
    /// which versions they hold is unknown (nothing pairs with them or calls them missing).
    pub refused: BTreeSet<String>,
    /// Whether some of what was asked could not be read at all (a refused server directory,
    /// or the linted directory itself a link): CATALOG.md is then not compared.
    pub incomplete: bool,
}

impl Linted {
    /// The manifests that parsed, where the run kept them (see [`CheckedManifest::manifest`]).
    pub fn parsed(&self) -> impl Iterator<Item = &Manifest> {
        self.manifests.iter().filter_map(|c| c.manifest.as_deref())
    }

    /// CATALOG.md's rows of the manifests that parsed, where the run kept rows or manifests.
    fn rows(&self) -> Vec<std::borrow::Cow<'_, catalog::Row>> {
        self.manifests.iter().filter_map(row_of).collect()
    }
}

/// A checked manifest's CATALOG.md row, kept or made from the kept manifest.
fn row_of(c: &CheckedManifest) -> Option<std::borrow::Cow<'_, catalog::Row>> {
    use std::borrow::Cow;
    match (c.facts.as_ref().and_then(|f| f.row.as_deref()), &c.manifest) {
        (Some(r), _) => Some(Cow::Borrowed(r)),
        (None, Some(m)) => Some(Cow::Owned(catalog::Row::of(m))),
        (None, None) => None,
    }
}

/// Whether `check` compares the generated files (CATALOG.md, `schemas/`) with what this
/// build's generators write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Generated {
    /// Compare them: stale or missing files are findings (`catalog-stale`, `schema-stale`).
    #[default]
    Compare,
    /// Leave them out: a judge built from another commit than the change's has other generators.
    Skip,
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
    /// How output names the manifest (the latest version's file, for a server's directory).
    pub file: String,
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
    /// The lint of the manifests (and any finding about the catalog's inputs).
    pub linted: Linted,
    /// How CATALOG.md is named in output.
    pub path: String,
    /// Its content; `None` when the manifests fail lint.
    pub text: Option<String>,
    /// How many servers it lists.
    pub servers: usize,
}

/// The policy of one run: the policy itself, notes, and the policy files' findings.
struct LoadedPolicy {
    policy: Policy,
    notes: Vec<String>,
    report: Report,
    /// `policy/exceptions.yaml` exists but was refused unread (a link, a hard link, too large,
    /// not UTF-8): which wildcards it excepts is unknown, so none is reported for want of one.
    exceptions_unreadable: bool,
}

/// What the manifest checks need from the repository around them.
#[derive(Default)]
struct Setup {
    policy: Policy,
    builders_with_dockerfile: Option<Vec<Builder>>,
    /// Whether the toolspecs were listed beside the manifests, so a toolpack manifest without
    /// one is a finding.
    toolspecs_present: bool,
    /// Servers whose toolspecs directory is a link or special file ([`fs::walk::refused_servers`]):
    /// which toolspecs they have is unknown, so none of their manifests lacks one.
    refused_toolspecs: BTreeSet<String>,
    /// Servers whose manifests directory is refused the same way: a toolspec declaring one of
    /// them pairs with an unreadable manifest, not a missing one.
    refused_manifests: BTreeSet<String>,
    repository: Option<RepositoryConfig>,
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

impl Registry {
    /// The registry checkout rooted at `root`. Nothing is read until a method needs it; file
    /// names in findings are relative to `root`.
    pub fn open(root: impl AsRef<Path>, options: Options) -> Registry {
        let root = normalize_root(root.as_ref());
        let policy_display = options.policy_root.as_deref().map(normalize_root).unwrap_or_default();
        Registry {
            root,
            display: PathBuf::new(),
            checkout: true,
            policy_root: options.policy_root,
            policy_display,
            denylist: options.denylist,
        }
    }

    /// The registry checkout holding `target` (a path as the user names it: relative to the
    /// working directory, or absolute), found from its real path: the nearest directory at or
    /// above it holding `manifests/` or `toolspecs/` (see [`fs::locate()`]). Outside any checkout,
    /// the named directory, or the named file's directory, with no policy of its own.
    pub fn for_target(target: &Path, options: Options) -> Result<Registry> {
        let located = fs::locate(target)?;
        let mut registry = match &located.root {
            Some(root) => Registry::open(root, options),
            None => {
                let is_dir = fs::is_dir_no_follow(&located.path);
                let (root, display) = if is_dir {
                    (located.path.clone(), normalize_root(target))
                } else {
                    let parent = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
                    (parent(&located.path), normalize_root(&parent(target)))
                };
                let policy_display = options.policy_root.as_deref().map(normalize_root).unwrap_or_default();
                Registry { root, display, checkout: false, policy_root: options.policy_root, policy_display, denylist: options.denylist }
            }
        };
        // A policy root that is this checkout is this checkout: its files are named as its own.
        if let (Some(p), Some(root)) = (&registry.policy_root, &located.root) {
            if fs::canonicalize(p).is_ok_and(|p| &p == root) {
                registry.policy_root = None;
                registry.policy_display = PathBuf::new();
            }
        }
        Ok(registry)
    }

    /// The registry root (outside a checkout, the directory linted).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this is a registry checkout (not a directory outside any).
    pub fn is_checkout(&self) -> bool {
        self.checkout
    }

    /// `manifests/` under the root.
    pub fn manifests_dir(&self) -> PathBuf {
        self.root.join("manifests")
    }

    /// `toolspecs/` under the root.
    pub fn toolspecs_dir(&self) -> PathBuf {
        self.root.join("toolspecs")
    }

    /// The tree of the registry's files.
    fn tree(&self) -> Result<Tree> {
        Tree::open(&self.root, &self.display)
    }

    /// The tree the policy comes from: the policy root, else the checkout itself; none outside
    /// a checkout without a policy root.
    fn policy_tree(&self) -> Result<Option<Tree>> {
        match (&self.policy_root, self.checkout) {
            (Some(p), checkout) => {
                let policy = Tree::open(p, &self.policy_display)?;
                if checkout {
                    self.require_policy(&policy)?;
                }
                Ok(Some(policy))
            }
            (None, true) => self.tree().map(Some),
            (None, false) => Ok(None),
        }
    }

    /// A separate policy root must hold each policy input the checked tree has whose absence
    /// would skip a check ([`REQUIRED_POLICY`]; the denylist unless `--denylist FILE` or
    /// `--no-denylist` chose another): a policy root may judge more strictly than the tree's
    /// own policy, never more loosely. The other inputs may be missing there: no
    /// `policy/exceptions.yaml` excepts nothing, no `catalog/no-public-api.txt` lists nothing.
    fn require_policy(&self, policy: &Tree) -> Result<()> {
        let tree = self.tree()?;
        let mut missing = Vec::new();
        for rel in REQUIRED_POLICY {
            if rel == DENYLIST_PATH && self.denylist != DenylistChoice::PolicyRoot {
                continue;
            }
            let rel = Path::new(rel);
            if tree.entry(rel)? != Entry::Missing && policy.entry(rel)? == Entry::Missing {
                missing.push(format!("{}{}", rel.display(), if rel == Path::new(IMAGES_PATH) { "/" } else { "" }));
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let root = self.policy_root.as_deref().unwrap_or(Path::new("."));
        Err(Error::Usage(format!(
            "--policy-root {}: it has no {}, which the checked registry has; a policy root holds every policy input whose absence would skip a check (the denylist, policy/registry.yaml, images/), so that it never judges more loosely than the registry itself",
            root.display(),
            missing.join(", ")
        )))
    }

    /// A path as the user names it, relative to the root; the empty path for the root.
    fn rel(&self, target: &Path) -> Result<PathBuf> {
        let located = fs::locate(target)?;
        let root = fs::canonicalize(if self.root.as_os_str().is_empty() { Path::new(".") } else { &self.root })?;
        located
            .path
            .strip_prefix(&root)
            .map(Path::to_path_buf)
            .map_err(|_| Error::Usage(format!("{} is not inside the registry at {}", target.display(), root.display())))
    }

    /// The manifests or toolspecs directory a command means when it names a checkout's root.
    fn catalog_target(&self, rel: PathBuf, kind: &str) -> PathBuf {
        if self.checkout && rel.as_os_str().is_empty() {
            PathBuf::from(kind)
        } else {
            rel
        }
    }

    /// Whether a separate policy root has `rel`: then the checked tree must have it too.
    fn policy_has(&self, rel: &Path) -> Result<bool> {
        match (&self.policy_root, self.policy_tree()?) {
            (Some(_), Some(t)) => Ok(t.entry(rel)? != Entry::Missing),
            _ => Ok(false),
        }
    }

    /// Fails unless this is a registry checkout.
    fn require_checkout(&self, what: &str) -> Result<()> {
        if self.checkout {
            return Ok(());
        }
        Err(Error::Usage(format!(
            "{} is not inside a registry checkout (a directory holding manifests/ or toolspecs/, at or above it); {what}",
            self.root.display()
        )))
    }
}

/// The policy, builders and pairing context, all from the policy tree.
impl Registry {
    /// Reads the denylist and the reviewed exceptions. Which denylist is used is a note, not
    /// printed here. A policy file that is a link, a special file or too large is a finding.
    fn load_policy(&self, policy: Option<&Tree>) -> Result<LoadedPolicy> {
        let mut notes = Vec::new();
        let mut report = Report::default();
        let none = "no denylist file: only the built-in reserved names are checked".to_string();
        let denylist = match (&self.denylist, policy) {
            (DenylistChoice::File(p), _) => match fs::read_input(p, "cannot read denylist", fs::Input::List)? {
                Ok(bytes) => {
                    let text = schema::decode_owned(bytes)
                        .map_err(|_| Error::Usage(format!("{}: the denylist is not UTF-8 text", p.display())))?;
                    let d = Denylist::parse(&text);
                    notes.push(format!("using denylist {} ({} domain(s))", p.display(), d.len()));
                    d
                }
                Err(finding) => {
                    report.extend([finding]);
                    Denylist::default()
                }
            },
            (DenylistChoice::None, _) => {
                notes.push(none);
                Denylist::default()
            }
            (DenylistChoice::PolicyRoot, None) => {
                self.require_checkout("there is no denylist to apply: pass --denylist FILE, --no-denylist or --policy-root DIR")?;
                Denylist::default()
            }
            (DenylistChoice::PolicyRoot, Some(t)) => match t.read_text_opt(Path::new(DENYLIST_PATH), MAX_LIST_BYTES)? {
                None => {
                    notes.push(none);
                    Denylist::default()
                }
                Some(Ok(text)) => {
                    let d = Denylist::parse(&text);
                    notes.push(format!("using denylist {} ({} domain(s))", t.display(Path::new(DENYLIST_PATH)), d.len()));
                    d
                }
                Some(Err(finding)) => {
                    report.extend([finding]);
                    Denylist::default()
                }
            },
        };
        let today = policy::today();
        let mut exceptions = Vec::new();
        let mut exceptions_unreadable = false;
        if let Some(t) = policy {
            let name = t.display(Path::new(EXCEPTIONS_PATH));
            match t.read_text_opt(Path::new(EXCEPTIONS_PATH), MAX_FILE_BYTES)? {
                None => {}
                Some(Ok(text)) => {
                    let (ex, diags) = policy::parse_exceptions(&text, &today);
                    report.add(&name, Some(text), diags);
                    exceptions = ex;
                }
                Some(Err(d)) => {
                    report.add(&name, None, vec![d]);
                    exceptions_unreadable = true;
                }
            }
        }
        Ok(LoadedPolicy { policy: Policy { denylist, exceptions, today }, notes, report, exceptions_unreadable })
    }

    /// Builders with an `images/<builder>/Dockerfile`, when the policy tree has `images/`. A
    /// link or special file there is a finding and counts as no Dockerfile.
    fn builders_with_dockerfile(&self, policy: Option<&Tree>, report: &mut Report) -> Result<Option<Vec<Builder>>> {
        let Some(t) = policy else { return Ok(None) };
        let images = Path::new(IMAGES_PATH);
        match t.entry(images)? {
            Entry::Dir => {}
            Entry::Symlink(link) => {
                report.extend([t.symlink_finding(images, &link)]);
                return Ok(None);
            }
            _ => return Ok(None),
        }
        let mut builders = Vec::new();
        for b in Builder::ALL {
            let rel = images.join(b.as_str()).join("Dockerfile");
            match t.entry(&rel)? {
                Entry::File => builders.push(*b),
                Entry::Symlink(link) => report.extend([t.symlink_finding(&rel, &link)]),
                Entry::Special => report.extend([t.special_finding(&rel)]),
                Entry::Missing | Entry::Dir => {}
            }
        }
        Ok(Some(builders))
    }

    /// `policy/registry.yaml` of the policy tree, its findings, and a note when there is none.
    fn load_repository_config(
        &self,
        policy: Option<&Tree>,
        notes: &mut Vec<String>,
        report: &mut Report,
    ) -> Result<Option<RepositoryConfig>> {
        let rel = Path::new(repository::PATH);
        let read = match policy {
            Some(t) => t.read_text_opt(rel, MAX_FILE_BYTES)?.map(|r| (t.display(rel), r)),
            None => None,
        };
        Ok(match read {
            None => {
                notes.push(format!(
                    "no {}: image.ref, the toolpack engine and the gateway's runtime limits (first credential only, no entrusted env) are not checked",
                    repository::PATH
                ));
                None
            }
            Some((name, Ok(text))) => {
                let (config, diags) = repository::parse(&text);
                report.add(&name, Some(text), diags);
                config
            }
            Some((name, Err(d))) => {
                report.add(&name, None, vec![d]);
                None
            }
        })
    }

    /// Names listed in `catalog/no-public-api.txt` of the policy tree.
    fn no_public_api(&self, policy: Option<&Tree>, report: &mut Vec<Diagnostic>) -> Result<HashSet<String>> {
        let Some(t) = policy else { return Ok(HashSet::new()) };
        Ok(match t.read_text_opt(Path::new(NO_PUBLIC_API_PATH), MAX_LIST_BYTES)? {
            None => HashSet::new(),
            Some(Ok(text)) => catalog::name_list(&text).map(str::to_string).collect(),
            Some(Err(d)) => {
                report.push(d);
                HashSet::new()
            }
        })
    }

    /// With a separate policy root, the checked tree's own policy files decide nothing, but
    /// they must still be well-formed files, so that they can take effect once merged.
    fn own_policy_findings(&self, tree: &Tree, report: &mut Report) -> Result<()> {
        let exceptions = Path::new(EXCEPTIONS_PATH);
        match tree.read_text_opt(exceptions, MAX_FILE_BYTES)? {
            None => {}
            Some(Ok(text)) => {
                let (_, diags) = policy::parse_exceptions(&text, &policy::today());
                report.add(&tree.display(exceptions), Some(text), diags);
            }
            Some(Err(d)) => report.extend([d]),
        }
        let config = Path::new(repository::PATH);
        match tree.read_text_opt(config, MAX_FILE_BYTES)? {
            None => {}
            Some(Ok(text)) => {
                let (_, diags) = repository::parse(&text);
                report.add(&tree.display(config), Some(text), diags);
            }
            Some(Err(d)) => report.extend([d]),
        }
        for (rel, limit) in [(DENYLIST_PATH, MAX_LIST_BYTES), (NO_PUBLIC_API_PATH, MAX_LIST_BYTES)] {
            if let Some(Err(d)) = tree.read_opt(Path::new(rel), limit)? {
                report.extend([d]);
            }
        }
        self.builders_with_dockerfile(Some(tree), report)?;
        Ok(())
    }

    /// Reports exceptions no manifest needed.
    fn report_unused_exceptions(&self, policy: Option<&Tree>, setup: &Setup, used: &BTreeSet<usize>, report: &mut Report) -> Result<()> {
        let Some(t) = policy else { return Ok(()) };
        let name = t.display(Path::new(EXCEPTIONS_PATH));
        let exceptions = setup.policy.exceptions.iter().enumerate();
        let mut diags: Vec<Diagnostic> =
            exceptions.filter(|(i, _)| !used.contains(i)).map(|(i, e)| policy::unused_exception(i, e)).collect();
        if diags.is_empty() {
            return Ok(());
        }
        let text = match report.sources.get(&name) {
            Some(t) => Some(t.clone()),
            None => t.read_text_opt(Path::new(EXCEPTIONS_PATH), MAX_FILE_BYTES)?.and_then(Result::ok),
        };
        if let Some(t) = &text {
            schema::locate_late(t, &mut diags);
        }
        report.add(&name, text, diags);
        Ok(())
    }
}

/// Applies a manifest's suppression comments to findings made on it after its own pass (a
/// toolspec's `egress-unused`): an accepted warning moves to the suppressed list, and the
/// comment that accepted it is no longer reported unused. The comments themselves were judged in
/// the manifest's own pass, so this pass reports nothing about them.
fn suppress_late(report: &mut Report, name: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    let suppressed = suppress::apply(text, diags);
    diags.retain(|d| !matches!(d.rule, Rule::SuppressionUnused | Rule::SuppressionInvalid));
    for s in &suppressed {
        let by_this_comment = |d: &Diagnostic| {
            d.rule == Rule::SuppressionUnused && d.file.as_deref() == Some(name) && d.span.is_some_and(|sp| sp.start.line == s.comment_line)
        };
        report.diagnostics.retain(|d| !by_this_comment(d));
    }
    report.add_suppressed(name, suppressed);
}

/// What catalog/sources.tsv is held against: every server directory under `manifests/`, with
/// the tools of its latest toolspec when it has one.
fn source_servers(manifests: &[CheckedManifest], toolspecs: Vec<(Found, Option<Vec<String>>)>) -> BTreeMap<String, Server> {
    let mut servers: BTreeMap<String, Server> = manifests.iter().map(|c| (c.found.dir.clone(), Server::default())).collect();
    let mut latest: HashMap<String, String> = HashMap::new();
    for (f, tools) in toolspecs {
        let Some(server) = servers.get_mut(&f.dir) else { continue };
        let version = f.file.strip_suffix(".yaml").unwrap_or(&f.file);
        if latest.get(f.dir.as_str()).is_some_and(|v| index::compare_versions(v, version).is_ge()) {
            continue;
        }
        latest.insert(f.dir.clone(), version.to_string());
        server.toolspec = Some((f.display(), tools));
    }
    servers
}

/// Reports a second declaration of the same name@version.
fn report_duplicates(tree: &Tree, manifests: &[CheckedManifest], report: &mut Report) -> Result<()> {
    let mut seen: HashMap<(&str, &str), &str> = HashMap::with_capacity(manifests.len());
    for c in manifests {
        let Some(m) = &c.facts else { continue };
        if let Some(first) = seen.insert((&m.name, &m.version), &c.found.name) {
            let msg = format!("{}@{} is also declared in {first}", m.name, m.version);
            let mut d = vec![Diagnostic::new(Rule::IndexDuplicate, FieldPath::field("version"), msg)];
            let text = tree.read_text(&c.found.path, MAX_FILE_BYTES)?.ok();
            if let Some(t) = &text {
                schema::locate_late(t, &mut d);
            }
            report.add(&c.found.display(), text, d);
        }
    }
    Ok(())
}

/// Reports a real (not the planned placeholder) image digest that a second server version pins
/// too, naming the first: `resolve sha256:<digest>` could not tell them apart.
fn report_shared_digests(tree: &Tree, manifests: &[CheckedManifest], report: &mut Report) -> Result<()> {
    let mut first: HashMap<&str, (&Facts, &Found)> = HashMap::with_capacity(manifests.len());
    for c in manifests {
        let Some(m) = &c.facts else { continue };
        if m.planned || !DIGEST.is_match(&m.digest) {
            continue;
        }
        let (earlier, file) = *first.entry(&m.digest).or_insert((m, &c.found));
        if (earlier.name.as_str(), earlier.version.as_str()) == (m.name.as_str(), m.version.as_str()) {
            continue; // the same file, or a second declaration of it (index-duplicate)
        }
        let msg = format!(
            "image digest {} is also pinned by {}@{} ({}): resolving the digest could not tell the two apart (a gateway takes whichever its map yields first)",
            m.digest,
            earlier.name,
            earlier.version,
            file.display(),
        );
        let mut d = vec![Diagnostic::new(Rule::ImageDigestDuplicate, FieldPath::field("image").key("digest"), msg)];
        let text = tree.read_text(&c.found.path, MAX_FILE_BYTES)?.ok();
        if let Some(t) = &text {
            schema::locate_late(t, &mut d);
        }
        report.add(&c.found.display(), text, d);
    }
    Ok(())
}

/// The pipeline. Every path argument is a path as the user names it (relative to the working
/// directory, or absolute) inside this registry; output names files relative to its root.
impl Registry {
    /// Every server under `manifests/` and its versions, oldest first, from the file names
    /// alone (nothing is parsed): what shell completion offers. None outside a checkout.
    pub fn servers(&self) -> Result<Vec<(String, Vec<String>)>> {
        let tree = self.tree()?;
        let dir = Path::new("manifests");
        if !self.checkout || tree.entry(dir)? != Entry::Dir {
            return Ok(Vec::new());
        }
        let mut servers: Vec<(String, Vec<String>)> = Vec::new();
        for f in fs::walk(&tree, dir, true)?.0 {
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

    /// Lints a manifests directory or one manifest file: schema, policy and layout. The
    /// checkout's root means its `manifests/`. Of each manifest only its [`Facts`] are kept.
    pub fn lint(&self, target: &Path) -> Result<Linted> {
        self.lint_with(target, Keep::Facts)
    }

    /// [`Registry::lint`], keeping every manifest that parsed (see [`Linted::parsed`]).
    pub fn lint_keeping(&self, target: &Path) -> Result<Linted> {
        self.lint_with(target, Keep::Manifests)
    }

    fn lint_with(&self, target: &Path, keep: Keep) -> Result<Linted> {
        let tree = self.tree()?;
        let rel = self.catalog_target(self.rel(target)?, "manifests");
        Ok(self.lint_manifests(&tree, &rel, Vec::new(), None, keep)?.0)
    }

    /// [`Registry::lint`] of `rel` in `tree`, in one pass with the toolspecs of `toolspecs` (each
    /// server's files together); `present`, when given (the servers whose toolspecs directory
    /// was refused), makes toolpack manifests without a toolspec an error. Returns the lint, the
    /// pass (the toolspecs' findings are still to be added) and the setup it ran with.
    fn lint_manifests(
        &self,
        tree: &Tree,
        rel: &Path,
        toolspecs: Vec<Group>,
        present: Option<BTreeSet<String>>,
        keep: Keep,
    ) -> Result<(Linted, Pass, Setup)> {
        let (groups, walk_findings) = fs::servers(tree, rel, self.checkout)?;
        let refused = fs::walk::refused_servers(tree, rel)?;
        let incomplete = !refused.is_empty() || matches!(tree.entry(rel)?, Entry::Symlink(_) | Entry::Special);
        let policy_tree = self.policy_tree()?;
        let LoadedPolicy { policy, mut notes, mut report, exceptions_unreadable } = self.load_policy(policy_tree.as_ref())?;
        report.extend(walk_findings);
        let builders_with_dockerfile = self.builders_with_dockerfile(policy_tree.as_ref(), &mut report)?;
        let repository = self.load_repository_config(policy_tree.as_ref(), &mut notes, &mut report)?;
        let (toolspecs_present, refused_toolspecs) = (present.is_some(), present.unwrap_or_default());
        let setup = Setup {
            policy,
            builders_with_dockerfile,
            toolspecs_present,
            refused_toolspecs,
            refused_manifests: refused.clone(),
            repository,
        };
        let mut pass = pass::run(tree, groups, toolspecs, &setup, keep)?;
        let (manifests, used) = pass.manifests(&mut report);
        if exceptions_unreadable {
            // One mistake, one message: the refused file's own finding fails the run.
            report.diagnostics.retain(|d| d.rule != Rule::EgressPublicSuffix);
        }
        report_duplicates(tree, &manifests, &mut report)?;
        report_shared_digests(tree, &manifests, &mut report)?;
        // Only a run over the whole catalog knows an exception is unused.
        let whole = if self.checkout { rel == Path::new("manifests") } else { tree.entry(rel)? == Entry::Dir };
        if whole {
            self.report_unused_exceptions(policy_tree.as_ref(), &setup, &used, &mut report)?;
        }
        let repository = setup.repository.clone();
        Ok((Linted { report, manifests, notes, repository, refused, incomplete }, pass, setup))
    }

    /// Lints a toolspecs directory or one toolspec file, each paired with its manifest from
    /// `manifests_dir` (default: `manifests/` under the root). The whole toolspecs directory
    /// pairs with every manifest, so a toolpack manifest without a toolspec is reported too; a
    /// server's directory pairs with that server's manifests only; a file with its own manifest.
    pub fn lint_toolspecs(&self, target: &Path, manifests_dir: Option<&Path>) -> Result<ToolspecsLinted> {
        let tree = self.tree()?;
        let rel = self.catalog_target(self.rel(target)?, "toolspecs");
        let manifests_rel = match manifests_dir {
            Some(d) => self.rel(d)?,
            None => {
                self.require_checkout("pass --manifests DIR to pair the toolspecs with")?;
                PathBuf::from("manifests")
            }
        };
        let mut report = Report::default();
        let (groups, walk_findings) = fs::servers(&tree, &rel, self.checkout)?;
        report.extend(walk_findings);
        let manifest_groups = |tree: &Tree| -> Result<Vec<Group>> {
            Ok(if tree.entry(&manifests_rel)? == Entry::Dir { fs::servers(tree, &manifests_rel, self.checkout)?.0 } else { Vec::new() })
        };
        let (manifest_groups, present) = match (tree.entry(&rel)?, fs::walk::layout_depth(&rel, self.checkout)) {
            (Entry::Dir, 0) => (manifest_groups(&tree)?, Some(fs::walk::refused_servers(&tree, &rel)?)),
            // One server's directory pairs with that server's manifests only.
            (Entry::Dir, _) => {
                let server = groups.first().map(|g| g.server().to_os_string()).unwrap_or_default();
                let mine: Vec<Group> = manifest_groups(&tree)?.into_iter().filter(|g| g.server() == server).collect();
                (mine, Some(BTreeSet::new()))
            }
            _ => {
                let mut paired = Vec::new();
                for g in &groups {
                    let Group::File(f) = g else { continue };
                    let p = manifests_rel.join(&f.dir).join(&f.file);
                    if tree.entry(&p)? == Entry::File {
                        paired.push(Group::File(Found::from_file(&tree, &p)));
                    }
                }
                (paired, None)
            }
        };
        // Only pairing matters here: the manifests' own findings belong to `lint`.
        let refused_manifests =
            if tree.entry(&manifests_rel)? == Entry::Dir { fs::walk::refused_servers(&tree, &manifests_rel)? } else { BTreeSet::new() };
        let setup = Setup {
            toolspecs_present: present.is_some(),
            refused_toolspecs: present.unwrap_or_default(),
            refused_manifests,
            ..Setup::default()
        };
        let mut pass = pass::run(&tree, manifest_groups, groups, &setup, Keep::Facts)?;
        let mut manifest_report = Report::default();
        let (manifests, _) = pass.manifests(&mut manifest_report);
        report.absorb(manifest_report, |d| d.rule == Rule::PairingBuilder);
        let toolspecs = pass.toolspecs(&tree, &setup, &manifests, &mut report)?.len();
        Ok(ToolspecsLinted { report, toolspecs })
    }

    /// The whole registry in one pass, each file read and parsed once, each server's manifests
    /// and toolspecs together: manifests, toolspecs, pairing, policy exceptions,
    /// `catalog/sources.tsv`, CATALOG.md and `schemas/` freshness.
    pub fn check(&self) -> Result<Checked> {
        self.check_with(Generated::Compare)
    }

    /// [`Registry::check`], comparing the generated files (CATALOG.md, `schemas/`) with what
    /// this build's generators write, or not: the base-branch judge of a pull request rules on
    /// catalog content only, since a pull request may change the generators and regenerate the
    /// files; the pull request's own build compares them.
    pub fn check_with(&self, generated: Generated) -> Result<Checked> {
        self.require_checkout("check judges a whole registry checkout")?;
        let tree = self.tree()?;
        let toolspecs = Path::new("toolspecs");
        let toolspecs_entry = tree.entry(toolspecs)?;
        let (toolspec_groups, walk_findings) = match toolspecs_entry {
            Entry::Missing => (Vec::new(), Vec::new()),
            _ => fs::servers(&tree, toolspecs, true)?,
        };
        // A toolspecs/ that is not a directory (a link) is one finding: which toolspecs exist is
        // then unknown, so no manifest lacks one and catalog/sources.tsv is not held to them.
        let readable = matches!(toolspecs_entry, Entry::Dir | Entry::Missing);
        let present = if readable { Some(fs::walk::refused_servers(&tree, toolspecs)?) } else { None };
        let refused_toolspecs = present.clone().unwrap_or_default();
        // CATALOG.md's rows are kept only when there is a CATALOG.md to compare them with.
        let keep = if tree.entry(Path::new(CATALOG_PATH))? == Entry::Missing { Keep::Facts } else { Keep::Rows };
        let (mut linted, pass, setup) = self.lint_manifests(&tree, Path::new("manifests"), toolspec_groups, present, keep)?;
        // Before any other finding joins the report: `catalog` needs only the manifests clean.
        // The checked tree cannot drop a generated file the policy's checkout has.
        let stale = match generated {
            Generated::Compare => self.catalog_staleness(&linted, self.policy_has(Path::new(CATALOG_PATH))?)?,
            Generated::Skip => Vec::new(),
        };
        linted.report.extend(walk_findings);
        if self.policy_root.is_some() {
            self.own_policy_findings(&tree, &mut linted.report)?;
        }
        let tools = pass.toolspecs(&tree, &setup, &linted.manifests, &mut linted.report)?;
        let (manifests, toolspecs_count) = (linted.manifests.len(), tools.len());
        let mut servers = source_servers(&std::mem::take(&mut linted.manifests), tools);
        for refused in &refused_toolspecs {
            // A toolspec is there, unread: like one that does not parse.
            if let Some(server) = servers.get_mut(refused) {
                server.toolspec = Some((tree.display(&toolspecs.join(refused)), None));
            }
        }
        let held = readable && !linted.incomplete;
        self.check_sources(&tree, &servers, toolspecs_count > 0, held, &mut linted.report)?;
        linted.report.extend(stale);
        if generated == Generated::Compare {
            linted.report.extend(self.schema_staleness()?);
        } else {
            linted.notes.push(format!(
                "{CATALOG_PATH} and schemas/ were not compared with this build's generators (--skip-generated): the change's own build compares them"
            ));
        }
        Ok(Checked { report: linted.report, manifests, toolspecs: toolspecs_count, notes: linted.notes })
    }

    /// Lints the manifests and, when they have no errors, builds the index from them (planned
    /// entries only when asked). `generated` is the RFC 3339 timestamp. The manifests move into
    /// the index: [`BuiltIndex::linted`] keeps their facts.
    pub fn build_index(&self, target: &Path, include_planned: bool, generated: String) -> Result<BuiltIndex> {
        let mut linted = self.lint_keeping(target)?;
        if linted.report.errors() > 0 {
            return Ok(BuiltIndex { linted, index: None, versions: 0, planned_left_out: 0 });
        }
        let all: Vec<Manifest> = linted.manifests.iter_mut().filter_map(|c| c.manifest.take()).map(|m| *m).collect();
        let total = all.len();
        let kept: Vec<Manifest> = all.into_iter().filter(|m| include_planned || !m.is_planned()).collect();
        let (versions, planned_left_out) = (kept.len(), total - kept.len());
        let index = index::build(kept, generated)?;
        Ok(BuiltIndex { linted, index: Some(index), versions, planned_left_out })
    }

    /// Lints one manifest, or the latest version in a server's directory, and, when it passes,
    /// the image build's `KEY=VALUE` pairs. The image repository comes from the policy root's
    /// `policy/registry.yaml`, which must exist.
    pub fn build_args(&self, target: &Path) -> Result<BuildArgs> {
        let (tree, file) = self.one_manifest(target)?;
        let linted = self.lint_keeping(&self.root_path().join(&file))?;
        let args = match linted.manifests.first().and_then(|c| c.manifest.as_deref()) {
            Some(m) if linted.report.errors() == 0 => {
                let Some(image) = linted.repository.as_ref().and_then(|c| c.image_for(&m.name)) else {
                    let config =
                        self.policy_tree()?.map_or_else(|| repository::PATH.to_string(), |t| t.display(Path::new(repository::PATH)));
                    return Err(Error::Usage(format!("build-args needs imagePrefix from {config} to name the image")));
                };
                Some(schema::build_args(m, &image).map_err(|e| Error::Usage(format!("{}: {e}", tree.display(&file))))?)
            }
            _ => None,
        };
        Ok(BuildArgs { linted, file: tree.display(&file), args })
    }

    /// The root as a path to join onto (`.` for the working directory).
    fn root_path(&self) -> &Path {
        if self.root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.root
        }
    }

    /// The manifest a command about one server version reads (`hash`, `build-args`), relative
    /// to the root: a `manifests/<name>` directory stands for its latest version; a file must be
    /// a `manifests/<name>/<version>.yaml` of a registry checkout, so that its registry and its
    /// policy are known.
    fn one_manifest(&self, target: &Path) -> Result<(Tree, PathBuf)> {
        const PASS: &str = "pass manifests/<name>/<version>.yaml, or manifests/<name> for its latest version, in a registry checkout";
        if !fs::exists_no_follow(target) {
            return Err(Error::Usage(format!("{} does not exist; {PASS}", target.display())));
        }
        if !self.checkout {
            return Err(Error::Usage(format!(
                "{} is not in a registry's manifests/<name>/ directory: it is not inside a registry checkout (a directory holding manifests/ or toolspecs/, at or above it); {PASS}",
                target.display()
            )));
        }
        let tree = self.tree()?;
        let rel = self.rel(target)?;
        let in_manifests = |p: &Path, depth: usize| p.starts_with("manifests") && p.components().count() == depth;
        let file = match tree.entry(&rel)? {
            Entry::Dir if in_manifests(&rel, 2) => fs::walk::latest_in(&tree, &rel)?,
            Entry::Dir => {
                let what = if rel.as_os_str().is_empty() || rel == Path::new("manifests") {
                    "holds every server, not one"
                } else {
                    "is not a server's directory under manifests/"
                };
                return Err(Error::Usage(format!(
                    "{} {what}: name one server's directory (manifests/<name>, for its latest version) or file (manifests/<name>/<version>.yaml)",
                    tree.display(&rel)
                )));
            }
            // A link or special file is the lint's to refuse (file-symlink, file-not-regular).
            Entry::Symlink(_) | Entry::Special if rel.starts_with("manifests") => return Ok((tree, rel)),
            Entry::Symlink(_) | Entry::Special => rel,
            Entry::Missing => return Err(Error::Usage(format!("{} does not exist; {PASS}", tree.display(&rel)))),
            Entry::File => rel,
        };
        if in_manifests(&file, 3) {
            return Ok((tree, file));
        }
        Err(Error::Usage(format!("{} is not in a registry's manifests/<name>/ directory; {PASS}", tree.display(&file))))
    }

    /// Lints one manifest, or the latest version in a server's directory, and, when it passes,
    /// its hash and runtime hash.
    pub fn hash(&self, target: &Path) -> Result<Hashed> {
        let (tree, file) = self.one_manifest(target)?;
        let linted = self.lint_keeping(&self.root_path().join(&file))?;
        let hashes = match linted.manifests.first().and_then(|c| c.manifest.as_deref()) {
            Some(m) if linted.report.errors() == 0 => Some(HashOutput::of(&tree.display(&file), m)),
            _ => None,
        };
        Ok(Hashed { linted, hashes })
    }

    /// Lints `manifests/` and renders CATALOG.md from it.
    pub fn catalog(&self) -> Result<CatalogRun> {
        self.require_checkout("CATALOG.md belongs to a registry checkout")?;
        let tree = self.tree()?;
        let mut linted = self.lint_manifests(&tree, Path::new("manifests"), Vec::new(), None, Keep::Rows)?.0;
        let path = tree.display(Path::new(CATALOG_PATH));
        if linted.report.errors() > 0 {
            return Ok(CatalogRun { linted, path, text: None, servers: 0 });
        }
        let mut findings = Vec::new();
        let no_public_api = self.no_public_api(self.policy_tree()?.as_ref(), &mut findings)?;
        if !findings.is_empty() {
            linted.report.extend(findings);
            return Ok(CatalogRun { linted, path, text: None, servers: 0 });
        }
        let text = catalog::render_rows(linted.rows().iter().map(AsRef::as_ref), &no_public_api);
        let servers = linted.manifests.iter().filter_map(|c| c.facts.as_ref()).map(|f| f.name.as_str()).collect::<BTreeSet<_>>().len();
        Ok(CatalogRun { linted, path, text: Some(text), servers })
    }

    /// Findings when CATALOG.md differs from what these manifests render, or is missing and
    /// `missing_is_stale`, or is not a regular file of at most [`MAX_CATALOG_BYTES`] reached
    /// without links (then it is never read). Nothing is compared while a manifest could not be
    /// read: CATALOG.md would differ only because that file's reading is missing. The lint must
    /// have kept rows or manifests (see [`CheckedManifest::manifest`]).
    pub fn catalog_staleness(&self, linted: &Linted, missing_is_stale: bool) -> Result<Vec<Diagnostic>> {
        if linted.incomplete || linted.manifests.iter().any(|c| c.facts.is_none()) {
            return Ok(Vec::new());
        }
        let tree = self.tree()?;
        let rel = Path::new(CATALOG_PATH);
        let name = tree.display(rel);
        let current = match tree.read_text_opt(rel, MAX_CATALOG_BYTES)? {
            None if missing_is_stale => {
                let msg = "CATALOG.md does not exist; run `registryctl catalog`";
                return Ok(vec![Diagnostic::whole_file(Rule::CatalogStale, msg).in_file(name)]);
            }
            None => return Ok(Vec::new()),
            Some(Err(d)) => return Ok(vec![d]),
            Some(Ok(text)) => text,
        };
        let mut findings = Vec::new();
        let no_public_api = self.no_public_api(self.policy_tree()?.as_ref(), &mut findings)?;
        let text = catalog::render_rows(linted.rows().iter().map(AsRef::as_ref), &no_public_api);
        if findings.is_empty() && current != text {
            let d = Diagnostic::whole_file(Rule::CatalogStale, "CATALOG.md differs from the manifests; run `registryctl catalog`");
            let d = if linted.report.errors() > 0 {
                d.with_help("fix the manifests' errors first (`registryctl catalog` writes CATALOG.md from a clean catalog only), then run `registryctl catalog` and commit CATALOG.md")
            } else {
                d
            };
            findings.push(d.in_file(name));
        }
        Ok(findings)
    }

    /// `catalog/sources.tsv` of the checked tree (catalog data, not policy) against its servers
    /// (unless not `held`: the catalog directories could not be read whole, so only the file's
    /// own form is checked). A registry with toolspecs must have the file.
    fn check_sources(
        &self,
        tree: &Tree,
        servers: &BTreeMap<String, Server>,
        has_toolspecs: bool,
        held: bool,
        report: &mut Report,
    ) -> Result<()> {
        let rel = Path::new(sources::PATH);
        let name = tree.display(rel);
        match tree.read_text_opt(rel, sources::MAX_BYTES)? {
            None if has_toolspecs => {
                let msg = format!(
                    "{} does not exist, and the registry has toolspecs: every server needs a row saying where its API facts come from",
                    sources::PATH
                );
                report.extend([Diagnostic::whole_file(Rule::SourcesMissing, msg).in_file(name)]);
            }
            None => {}
            Some(Ok(text)) => {
                let (rows, mut diags) = sources::parse(&text, &policy::today());
                if held {
                    diags.extend(sources::check(&text, &rows, servers));
                }
                report.add(&name, Some(text), diags);
            }
            Some(Err(d)) => report.add(&name, None, vec![d]),
        }
        Ok(())
    }

    /// Stale JSON Schemas under `schemas/`, when the registry ships that directory.
    pub fn schema_staleness(&self) -> Result<Vec<Diagnostic>> {
        let tree = self.tree()?;
        let dir = Path::new("schemas");
        match tree.entry(dir)? {
            Entry::Dir => {}
            Entry::Symlink(link) => return Ok(vec![tree.symlink_finding(dir, &link)]),
            Entry::Missing if self.policy_has(dir)? => {}
            _ => return Ok(Vec::new()),
        }
        let mut findings = Vec::new();
        for k in SchemaKind::ALL {
            let path = k.path();
            let rel = Path::new(&path);
            match tree.read_text_opt(rel, MAX_SCHEMA_BYTES)? {
                Some(Err(d)) => findings.push(d),
                Some(Ok(text)) if text == k.generate() => {}
                _ => {
                    let msg = format!("{path} is missing or differs from `registryctl schema {}`", k.as_str());
                    findings.push(Diagnostic::whole_file(Rule::SchemaStale, msg).in_file(tree.display(rel)));
                }
            }
        }
        Ok(findings)
    }

    /// Writes the file `rel` (a path under the root) through a temporary file and a rename:
    /// a link or special file there, or a link on the way, is a finding and nothing is written.
    pub fn write_file(
        &self,
        rel: &Path,
        overwrite: Overwrite,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<Result<String, Diagnostic>> {
        let tree = self.tree()?;
        Ok(tree.write(rel, overwrite, write)?.map(|()| tree.display(rel)))
    }

    /// Scaffolds `manifests/<name>/0.1.0.yaml` (and the toolspec for toolpack) and the server's
    /// `catalog/sources.tsv` row in the registry checkout, never overwriting a scaffold and never
    /// through a link; every target is checked before anything is written, and nothing stays of
    /// a run that fails. Returns what was written. Outside a checkout nothing is written: a
    /// server belongs to a registry.
    pub fn new_server(&self, name: &str, builder: Builder, tier: Tier) -> Result<Result<Vec<scaffold::Written>, Diagnostic>> {
        self.require_checkout("a new server belongs in one (to start a registry, create its manifests/ directory first)")?;
        scaffold::create(&self.tree()?, name, builder, tier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_print_without_a_leading_dot() {
        assert_eq!(Registry::open(".", Options::default()).manifests_dir(), Path::new("manifests"));
        assert_eq!(Registry::open("reg", Options::default()).manifests_dir(), Path::new("reg/manifests"));
    }

    #[test]
    fn a_checkout_is_found_from_any_path_inside_it() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("manifests/acme")).unwrap();
        let real = std::fs::canonicalize(d.path()).unwrap();
        let r = Registry::for_target(&d.path().join("manifests/acme"), Options::default()).unwrap();
        assert!(r.is_checkout());
        assert_eq!(r.root(), real);
        let outside = Registry::for_target(&d.path().join("manifests/acme/../../.."), Options::default()).unwrap();
        assert!(!outside.is_checkout());
    }
}
