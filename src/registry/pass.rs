// SPDX-License-Identifier: Apache-2.0
//! One pass over the catalog, a server at a time: a server's manifests and toolspecs are listed,
//! read (relative to their directories' handles), checked and paired in one task, in parallel
//! with the other servers, and once a file is checked only what the rules across files need is
//! kept ([`Facts`]; the whole manifest, or its CATALOG.md row, only when the caller asks).
//!
//! A toolspec is paired, in its server's task, with the manifest it declares from the same
//! server directory. The rule is global (the last manifest in path order that declares that
//! name and version, wherever it is), so once every server is done each pairing is checked
//! against it, and the rare toolspec paired otherwise (a file declaring another server's name)
//! is checked again with the right manifest.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;

use rayon::prelude::*;

use super::{suppress_late, CheckedManifest, Facts, Setup};
use crate::catalog;
use crate::diag::{Diagnostic, Report, Rule, Severity, Suppressed};
use crate::error::Result;
use crate::fs::{Found, Group, ServerFiles, Tree};
use crate::schema::{self, suppress, Manifest, ManifestContext, Paired};
use crate::yaml::MAX_FILE_BYTES;

/// What a pass keeps of each manifest beyond its [`Facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Nothing more.
    Facts,
    /// Its CATALOG.md row.
    Rows,
    /// The whole manifest.
    Manifests,
}

/// One file's findings, the text they are shown with, and the warnings its comments accepted;
/// boxed, as most files have none.
#[derive(Default)]
struct Findings(Option<Box<FileFindings>>);

/// The text, the findings and the suppressed findings of a file with any.
type FileFindings = (Option<String>, Vec<Diagnostic>, Vec<Suppressed>);

impl Findings {
    fn new(text: Option<String>, diags: Vec<Diagnostic>, suppressed: Vec<Suppressed>) -> Findings {
        Findings((!diags.is_empty() || !suppressed.is_empty()).then(|| Box::new((text, diags, suppressed))))
    }

    fn add_to(self, report: &mut Report, name: &str) {
        if let Some(f) = self.0 {
            let (text, diags, suppressed) = *f;
            report.add(name, text, diags);
            report.add_suppressed(name, suppressed);
        }
    }
}

/// What a toolspec was paired with in its server's task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pairing {
    /// The manifest at this index: of its server's manifests in the task, of all manifests once
    /// the pass is done.
    Manifest(usize),
    Unreadable,
    Missing,
}

/// The name and version a toolspec declares.
enum Declares {
    /// It was not read.
    Nothing,
    /// Its own place's: its directory's name, its file's name without `.yaml`.
    Place,
    /// Others.
    Other(Box<(String, String)>),
}

/// One toolspec, once checked.
struct ToolspecOut {
    found: Found,
    findings: Findings,
    /// The name and version it declares; `paired` says what they met.
    declares: Declares,
    paired: Pairing,
    /// Findings it makes on its manifest (`egress-unused`), not yet located, and that
    /// manifest's text to locate them in.
    on_manifest: Vec<Diagnostic>,
    manifest_text: Option<String>,
    /// Its tools' names, when it was read and is its server's latest (what catalog/sources.tsv
    /// is held against).
    tools: Option<Vec<String>>,
}

impl ToolspecOut {
    fn new(found: Found, paired: Pairing) -> ToolspecOut {
        ToolspecOut {
            found,
            findings: Findings::default(),
            declares: Declares::Nothing,
            paired,
            on_manifest: Vec::new(),
            manifest_text: None,
            tools: None,
        }
    }

    fn declares(&mut self, name: &str, version: &str) {
        let place = self.found.dir == name && self.found.file.strip_suffix(".yaml") == Some(version);
        self.declares = if place { Declares::Place } else { Declares::Other(Box::new((name.to_string(), version.to_string()))) };
    }

    /// The name and version it declares, when it was read.
    fn key(&self) -> Option<(&str, &str)> {
        match &self.declares {
            Declares::Nothing => None,
            Declares::Place => Some((&self.found.dir, self.found.file.strip_suffix(".yaml").unwrap_or(&self.found.file))),
            Declares::Other(k) => Some((&k.0, &k.1)),
        }
    }
}

/// One server's files, once checked.
struct ServerOut {
    manifests: Vec<(CheckedManifest, Findings, Vec<usize>)>,
    /// How many manifests the server has (`manifests` is emptied once they are reported).
    manifest_count: usize,
    toolspecs: Vec<ToolspecOut>,
    /// Findings about what else its manifests' and its toolspecs' directories hold.
    manifest_listing: Vec<Diagnostic>,
    toolspec_listing: Vec<Diagnostic>,
}

/// The result of a pass, consumed in two steps: the manifests' findings, then the toolspecs'.
pub(super) struct Pass {
    servers: Vec<ServerOut>,
}

/// Reads, checks and pairs every server's files: `manifests` and `toolspecs` are the groups of
/// each side ([`crate::fs::servers`]), matched by server name; either may be empty.
pub(super) fn run(tree: &Tree, manifests: Vec<Group>, toolspecs: Vec<Group>, setup: &Setup, keep: Keep) -> Result<Pass> {
    let mut by_server: Vec<(OsString, Option<Group>, Option<Group>)> = Vec::with_capacity(manifests.len().max(toolspecs.len()));
    let mut toolspecs = toolspecs.into_iter().peekable();
    for m in manifests {
        while let Some(t) = toolspecs.next_if(|t| t.server() < m.server()) {
            by_server.push((t.server().to_os_string(), None, Some(t)));
        }
        let t = toolspecs.next_if(|t| t.server() == m.server());
        by_server.push((m.server().to_os_string(), Some(m), t));
    }
    by_server.extend(toolspecs.map(|t| (t.server().to_os_string(), None, Some(t))));
    // Collected into a vector of its final size: the results of every server are held at once.
    let mut results = Vec::with_capacity(by_server.len());
    by_server.par_iter().map(|(_, m, t)| check_server(tree, m.as_ref(), t.as_ref(), setup, keep)).collect_into_vec(&mut results);
    drop(by_server);
    let servers = results.into_iter().collect::<Result<_>>()?;
    Ok(Pass { servers })
}

/// One server: its manifests, then its toolspecs paired with them.
fn check_server(tree: &Tree, m: Option<&Group>, t: Option<&Group>, setup: &Setup, keep: Keep) -> Result<ServerOut> {
    let m_files = m.map(|g| g.open(tree)).transpose()?;
    let t_files = t.map(|g| g.open(tree)).transpose()?;
    let count = m_files.as_ref().map_or(0, |f| f.files.len());
    let (mut manifests, mut texts) = (Vec::with_capacity(count), Vec::with_capacity(count));
    if let Some(files) = &m_files {
        for f in &files.files {
            let exists = toolspec_exists(setup, m.map(Group::server), t_files.as_ref(), &f.file);
            let (out, manifest, text) = check_manifest(tree, files, f, setup, exists)?;
            manifests.push(out);
            texts.push((manifest, text));
        }
    }
    let mut toolspecs = Vec::with_capacity(t_files.as_ref().map_or(0, |f| f.files.len()));
    if let Some(files) = &t_files {
        for f in &files.files {
            toolspecs.push(check_toolspec(tree, files, f, setup, &manifests, &texts)?);
        }
        keep_latest_tools(&mut toolspecs);
    }
    for ((c, _, _), (manifest, _)) in manifests.iter_mut().zip(texts) {
        if let (Keep::Rows, Some(facts), Some(m)) = (keep, c.facts.as_mut(), &manifest) {
            facts.row = Some(Box::new(catalog::Row::of(m)));
        }
        c.manifest = manifest.filter(|_| keep == Keep::Manifests).map(Box::new);
    }
    let manifest_count = manifests.len();
    let manifest_listing = m_files.map(|f| f.findings).unwrap_or_default();
    let toolspec_listing = t_files.map(|f| f.findings).unwrap_or_default();
    Ok(ServerOut { manifests, manifest_count, toolspecs, manifest_listing, toolspec_listing })
}

/// Whether the toolspec of a manifest's version `file` is there, when toolpack manifests must
/// have one: `None` when they need not, or when the server's toolspecs directory was refused (a
/// link or special file: what it holds is unknown, not missing). A link or special file where
/// the toolspec belongs is listed, so it counts as there.
fn toolspec_exists(setup: &Setup, server: Option<&std::ffi::OsStr>, toolspecs: Option<&ServerFiles>, file: &str) -> Option<bool> {
    if !setup.toolspecs_present {
        return None;
    }
    if toolspecs.is_some_and(|t| t.files.iter().any(|x| x.file == file)) {
        return Some(true);
    }
    let refused = server.is_some_and(|s| setup.refused_toolspecs.contains(s.to_string_lossy().as_ref()));
    (!refused).then_some(false)
}

/// Keeps the tools' names of the server's latest toolspec only (the first of equal versions).
fn keep_latest_tools(toolspecs: &mut [ToolspecOut]) {
    let version = |t: &ToolspecOut| t.found.file.strip_suffix(".yaml").unwrap_or(&t.found.file).to_string();
    let mut latest: Option<(usize, String)> = None;
    for (i, t) in toolspecs.iter().enumerate() {
        let v = version(t);
        if latest.as_ref().is_none_or(|(_, l)| crate::index::compare_versions(l, &v).is_lt()) {
            latest = Some((i, v));
        }
    }
    for (i, t) in toolspecs.iter_mut().enumerate() {
        if latest.as_ref().is_some_and(|(l, _)| *l != i) {
            t.tools = None;
        }
    }
}

/// A manifest read and checked: what is kept of it, its findings and the exceptions it used;
/// and for the rest of its server's task the manifest and its text.
type ManifestChecked = ((CheckedManifest, Findings, Vec<usize>), Option<Manifest>, Option<String>);

fn check_manifest(tree: &Tree, files: &ServerFiles, f: &Found, setup: &Setup, toolspec_exists: Option<bool>) -> Result<ManifestChecked> {
    let text = match files.read_text(tree, f, MAX_FILE_BYTES)? {
        Ok(text) => text,
        Err(d) => {
            let findings = Findings::new(None, vec![d], Vec::new());
            return Ok(((CheckedManifest { found: f.clone(), facts: None, manifest: None }, findings, Vec::new()), None, None));
        }
    };
    let ctx = ManifestContext {
        builders_with_dockerfile: setup.builders_with_dockerfile.as_deref(),
        toolspec_exists,
        repository: setup.repository.as_ref(),
    };
    let c = schema::check_manifest(&text, Some(f.location()), &setup.policy, &ctx);
    let mut diags = c.diags;
    let suppressed = suppress::apply(&text, &mut diags);
    let structural = diags.iter().any(|d| d.rule.is_structural() && d.severity == Severity::Error);
    // A file read only in part, or that does not say which server and version it is, is
    // compared with nothing: its own findings say why.
    let manifest = c.manifest.filter(|_| !structural).filter(|m| schema::rules::identity::is_identity(&m.name, &m.version));
    let facts = manifest.as_ref().map(Facts::of);
    let shown = (!diags.is_empty()).then(|| text.clone());
    let findings = Findings::new(shown, diags, suppressed);
    let checked = CheckedManifest { found: f.clone(), facts, manifest: None };
    Ok(((checked, findings, c.exceptions_used), manifest, Some(text)))
}

/// A toolspec read, checked and paired with the manifest it declares among its server's.
fn check_toolspec(
    tree: &Tree,
    files: &ServerFiles,
    f: &Found,
    setup: &Setup,
    manifests: &[(CheckedManifest, Findings, Vec<usize>)],
    texts: &[(Option<Manifest>, Option<String>)],
) -> Result<ToolspecOut> {
    let mut out = ToolspecOut::new(f.clone(), Pairing::Missing);
    let text = match files.read_text(tree, f, MAX_FILE_BYTES)? {
        Ok(text) => text,
        Err(d) => {
            out.findings = Findings::new(None, vec![d], Vec::new());
            return Ok(out);
        }
    };
    let local = |n: &str, v: &str| -> Pairing {
        let at = manifests.iter().rposition(|(c, _, _)| c.facts.as_ref().is_some_and(|x| x.name == n && x.version == v));
        match at {
            Some(i) => Pairing::Manifest(i),
            None if setup.refused_manifests.contains(n)
                || manifests.iter().any(|(c, _, _)| c.facts.is_none() && c.found.dir == n && c.found.file == format!("{v}.yaml")) =>
            {
                Pairing::Unreadable
            }
            None => Pairing::Missing,
        }
    };
    let manifest_at = |i: usize| texts[i].0.as_ref();
    let (spec, diags) = check_paired(&text, f, |n, v| local(n, v), manifest_at);
    // A toolspec that does not say which server and version it is pairs with nothing; one
    // stored at another's path neither (its path-mismatch says where it belongs).
    let misplaced = diags.iter().any(|d| d.rule == Rule::PathMismatch);
    if let Some(spec) = spec.as_ref().filter(|t| schema::rules::identity::is_identity(&t.name, &t.version)) {
        out.paired = if misplaced { Pairing::Unreadable } else { local(&spec.name, &spec.version) };
        out.declares(&spec.name, &spec.version);
        if let (Pairing::Manifest(i), Some(m)) = (out.paired, out.paired_manifest(manifest_at)) {
            out.on_manifest = schema::rules::pairing::egress_unused(spec, m);
            out.manifest_text = (!out.on_manifest.is_empty()).then(|| texts[i].1.clone()).flatten();
        }
    }
    out.tools = spec.map(tool_names);
    out.findings = findings_of(text, diags);
    Ok(out)
}

impl ToolspecOut {
    fn paired_manifest<'m>(&self, manifest_at: impl Fn(usize) -> Option<&'m Manifest>) -> Option<&'m Manifest> {
        match self.paired {
            Pairing::Manifest(i) => manifest_at(i),
            _ => None,
        }
    }
}

/// Checks a toolspec's text, pairing it as `pairing` says with the manifests `manifest_at`
/// gives.
fn check_paired<'m>(
    text: &str,
    f: &Found,
    pairing: impl Fn(&str, &str) -> Pairing,
    manifest_at: impl Fn(usize) -> Option<&'m Manifest>,
) -> (Option<schema::Toolspec>, Vec<Diagnostic>) {
    schema::check_toolspec_paired(text, Some(f.location()), |n, v| match pairing(n, v) {
        Pairing::Manifest(i) => manifest_at(i).map_or(Paired::Missing, Paired::Manifest),
        Pairing::Unreadable => Paired::Unreadable,
        Pairing::Missing => Paired::Missing,
    })
}

/// A toolspec's tools' names, in a vector of their own size (collected in place, they would
/// keep the tools' much larger buffer).
fn tool_names(t: schema::Toolspec) -> Vec<String> {
    let mut names: Vec<String> = t.tools.into_iter().map(|tool| tool.name).collect();
    names.shrink_to_fit();
    names
}

/// A file's findings after its suppression comments, with its text when there are any.
fn findings_of(text: String, mut diags: Vec<Diagnostic>) -> Findings {
    let suppressed = suppress::apply(&text, &mut diags);
    let text = (!diags.is_empty()).then_some(text);
    Findings::new(text, diags, suppressed)
}

impl Pass {
    /// Adds the manifests' findings (and the listing's, of both sides) to `report`; returns the
    /// checked manifests in path order and the policy exceptions they used.
    pub(super) fn manifests(&mut self, report: &mut Report) -> (Vec<CheckedManifest>, BTreeSet<usize>) {
        let mut used = BTreeSet::new();
        let mut all = Vec::with_capacity(self.servers.iter().map(|s| s.manifest_count).sum());
        for server in &mut self.servers {
            report.extend(std::mem::take(&mut server.manifest_listing));
            for (c, findings, exceptions) in std::mem::take(&mut server.manifests) {
                findings.add_to(report, &c.found.name);
                used.extend(exceptions);
                all.push(c);
            }
        }
        (all, used)
    }

    /// Adds the toolspecs' findings, and those they make on their manifests, to `report`, each
    /// toolspec paired as the global rule says (see the module docs); returns every toolspec
    /// with its tools' names (`None` where it did not parse), in path order.
    pub(super) fn toolspecs(
        self,
        tree: &Tree,
        setup: &Setup,
        manifests: &[CheckedManifest],
        report: &mut Report,
    ) -> Result<Vec<(Found, Option<Vec<String>>)>> {
        let mut by_key: HashMap<(&str, &str), usize> = HashMap::with_capacity(manifests.len());
        by_key
            .extend(manifests.iter().enumerate().filter_map(|(i, c)| c.facts.as_ref().map(|x| ((x.name.as_str(), x.version.as_str()), i))));
        let unreadable: HashSet<(&str, &str)> =
            manifests.iter().filter(|c| c.facts.is_none()).map(|c| (c.found.dir.as_str(), c.found.file.as_str())).collect();
        let global = |n: &str, v: &str| match by_key.get(&(n, v)) {
            Some(&i) => Pairing::Manifest(i),
            None if setup.refused_manifests.contains(n) || unreadable.contains(&(n, format!("{v}.yaml").as_str())) => Pairing::Unreadable,
            None => Pairing::Missing,
        };
        let mut tools = Vec::with_capacity(self.servers.iter().map(|s| s.toolspecs.len()).sum());
        let mut offset = 0;
        for server in self.servers {
            report.extend(server.toolspec_listing);
            for mut t in server.toolspecs {
                if let Pairing::Manifest(i) = t.paired {
                    t.paired = Pairing::Manifest(offset + i);
                }
                if let Some(want) = t.key().map(|(n, v)| global(n, v)).filter(|want| *want != t.paired) {
                    t = recheck(tree, setup, manifests, t.found, want)?;
                }
                t.findings.add_to(report, &t.found.name);
                if let (Pairing::Manifest(i), false) = (t.paired, t.on_manifest.is_empty()) {
                    let c = &manifests[i];
                    let text = match t.manifest_text.take() {
                        Some(text) => Some(text),
                        None => tree.read_text(&c.found.path, MAX_FILE_BYTES)?.ok(),
                    };
                    if let Some(text) = &text {
                        schema::locate_late(text, &mut t.on_manifest);
                        suppress_late(report, &c.found.name, text, &mut t.on_manifest);
                    }
                    report.add(&c.found.name, text, t.on_manifest);
                }
                tools.push((t.found, t.tools));
            }
            offset += server.manifest_count;
        }
        Ok(tools)
    }
}

/// A toolspec checked again, paired as `pairing` says with a manifest of any server, read again
/// from its file (a toolspec declaring a name or version other than its place's).
fn recheck(tree: &Tree, setup: &Setup, manifests: &[CheckedManifest], found: Found, pairing: Pairing) -> Result<ToolspecOut> {
    let mut out = ToolspecOut::new(found, pairing);
    let text = match tree.read_text(&out.found.path, MAX_FILE_BYTES)? {
        Ok(text) => text,
        Err(d) => {
            out.findings = Findings::new(None, vec![d], Vec::new());
            return Ok(out);
        }
    };
    let (partner, partner_text) = match pairing {
        Pairing::Manifest(i) => match tree.read_text(&manifests[i].found.path, MAX_FILE_BYTES)?.ok() {
            Some(mt) => {
                let c = schema::check_manifest(&mt, Some(manifests[i].found.location()), &setup.policy, &ManifestContext::default());
                (c.manifest, Some(mt))
            }
            None => (None, None),
        },
        _ => (None, None),
    };
    let (spec, diags) = check_paired(&text, &out.found, |_, _| pairing, |_| partner.as_ref());
    if let (Some(spec), Some(m)) = (&spec, &partner) {
        out.on_manifest = schema::rules::pairing::egress_unused(spec, m);
        out.manifest_text = partner_text.filter(|_| !out.on_manifest.is_empty());
    }
    out.tools = spec.map(tool_names);
    out.findings = findings_of(text, diags);
    Ok(out)
}
