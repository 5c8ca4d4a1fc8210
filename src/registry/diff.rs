// SPDX-License-Identifier: Apache-2.0
//! [`Registry::diff`]: reads the base tree (a directory, or a git revision without a checkout)
//! and this registry as the head, parses only the servers whose files differ byte for byte, and
//! hands both to the pure comparison in [`crate::diff`]. Identical files cannot differ once
//! parsed, so a pull request touching a few servers costs a read of the files, not a parse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Registry;
use crate::diag::{Diagnostic, Severity};
use crate::diff::{self, Diff, FileKind, Finding, Tree};
use crate::error::{Error, Result};
use crate::fs::{self, git::GitTree, Entry, Group, Tree as FsTree};
use crate::schema::{self, ManifestContext, Policy};
use crate::yaml::MAX_FILE_BYTES;

/// Where the base tree of a diff comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// A registry root on disk (a checkout of the base branch).
    Dir(PathBuf),
    /// A git revision of the repository the head registry is in, read without a checkout.
    GitRef(String),
}

/// A file's place: (kind, server directory, version).
type Key = (FileKind, String, String);

/// A file's text, or the finding that it has none (too large, not UTF-8).
type Text = std::result::Result<String, Diagnostic>;

/// Texts by place.
type Texts = BTreeMap<Key, Text>;

/// Server directories refused on one side (a link, a special file, a submodule), each with the
/// finding that says so: what they hold is unknown, so the server is not compared.
type Refused = BTreeMap<(FileKind, String), Diagnostic>;

const KINDS: [FileKind; 2] = [FileKind::Manifest, FileKind::Toolspec];

fn version_of(file: &str) -> String {
    file.strip_suffix(".yaml").unwrap_or(file).to_string()
}

/// One side's files: a checkout's, listed one server directory at a time and read when
/// compared (so only the changed servers' texts are ever held), or a git revision's, read in
/// one pass; and its refused server directories.
enum Side {
    Dir(FsTree, BTreeMap<String, [Option<Group>; 2]>, Refused),
    Read(Texts, Refused),
}

impl Side {
    /// Every server directory under a registry root's `manifests/` and `toolspecs/`, listed
    /// without following a link: a link or special file where a version's file belongs is
    /// listed, and reading it gives its finding; one where a server's directory belongs is
    /// refused. Anything else there (other extensions, wrong depth) is `check`'s to report, not
    /// a change; a `manifests/` or `toolspecs/` that is itself a link or not a directory cannot
    /// be compared at all.
    fn dir(registry: &Registry) -> Result<Side> {
        let tree = registry.tree()?;
        let mut servers: BTreeMap<String, [Option<Group>; 2]> = BTreeMap::new();
        let mut refused = Refused::new();
        for (i, kind) in KINDS.into_iter().enumerate() {
            let dir = Path::new(kind.dir());
            match tree.entry(dir)? {
                Entry::Missing => {}
                Entry::Dir => {
                    for g in fs::servers(&tree, dir, true)?.0 {
                        let name = g.server().to_string_lossy().into_owned();
                        servers.entry(name).or_default()[i] = Some(g);
                    }
                    for name in fs::walk::refused_servers(&tree, dir)? {
                        let rel = dir.join(&name);
                        let finding = match tree.entry(&rel)? {
                            Entry::Symlink(link) => tree.symlink_finding(&rel, &link),
                            _ => tree.special_finding(&rel),
                        };
                        refused.insert((kind, name), finding);
                    }
                }
                Entry::Symlink(_) | Entry::File | Entry::Special => {
                    let shown = tree.display(dir);
                    return Err(Error::Usage(format!("{shown} is not a directory (a link or a file): `registryctl check` reports it")));
                }
            }
        }
        Ok(Side::Dir(tree, servers, refused))
    }

    /// The same from a git revision of the repository `registry` is in.
    fn git(registry: &Registry, rev: &str) -> Result<Side> {
        let tree = GitTree::open(registry.root(), rev)?;
        let mut texts = Texts::new();
        let mut refused = Refused::new();
        for kind in KINDS {
            let listing = tree.files(kind.dir())?;
            for f in listing.files {
                texts.insert((kind, f.dir, version_of(&f.file)), f.text);
            }
            refused.extend(listing.refused.into_iter().map(|(name, d)| ((kind, name), d)));
        }
        Ok(Side::Read(texts, refused))
    }

    /// The servers this side has files of.
    fn servers(&self) -> BTreeSet<&str> {
        match self {
            Side::Dir(_, servers, _) => servers.keys().map(String::as_str).collect(),
            Side::Read(texts, _) => texts.keys().map(|k| k.1.as_str()).collect(),
        }
    }

    fn refused(&self) -> &Refused {
        match self {
            Side::Dir(_, _, refused) | Side::Read(_, refused) => refused,
        }
    }

    /// Every text of one server's files on this side, read relative to its directories'
    /// handles.
    fn server_texts(&self, server: &str) -> Result<Texts> {
        match self {
            Side::Read(texts, _) => Ok(texts.iter().filter(|(k, _)| k.1 == server).map(|(k, t)| (k.clone(), t.clone())).collect()),
            Side::Dir(tree, servers, _) => {
                let mut texts = Texts::new();
                let groups = servers.get(server).into_iter().flat_map(|g| KINDS.into_iter().zip(g));
                for (kind, group) in groups {
                    let Some(group) = group else { continue };
                    let listed = group.open(tree)?;
                    for f in &listed.files {
                        texts.insert((kind, f.dir.clone(), version_of(&f.file)), listed.read_text(tree, f, MAX_FILE_BYTES)?);
                    }
                }
                Ok(texts)
            }
        }
    }
}

/// The servers with any file added, removed or different, compared server by server in
/// parallel, and both sides' texts of them.
fn touched(base: &Side, head: &Side) -> Result<(BTreeSet<String>, Texts, Texts)> {
    let servers: Vec<&str> = base.servers().union(&head.servers()).copied().collect();
    let compared: Vec<Option<(Texts, Texts)>> = servers
        .par_iter()
        .map(|s| {
            let (b, h) = (base.server_texts(s)?, head.server_texts(s)?);
            Ok((b != h).then_some((b, h)))
        })
        .collect::<Result<_>>()?;
    let (mut names, mut base_texts, mut head_texts) = (BTreeSet::new(), Texts::new(), Texts::new());
    for (s, pair) in servers.into_iter().zip(compared) {
        if let Some((b, h)) = pair {
            names.insert(s.to_string());
            base_texts.extend(b);
            head_texts.extend(h);
        }
    }
    Ok((names, base_texts, head_texts))
}

/// What parsing one file gave: the value into the tree, or the finding that it has none.
enum Parsed {
    Manifest(Box<schema::Manifest>),
    Toolspec(Box<schema::Toolspec>),
    Failed(Finding),
}

fn parse_one(kind: FileKind, server: &str, version: &str, text: &std::result::Result<String, Diagnostic>, side: &str) -> Parsed {
    // A file refused unread (a link, a FIFO, too large) has no text to parse.
    let why = if text.is_ok() { "cannot compare this file, it does not parse" } else { "cannot compare this file" };
    let (value, diags) = match text {
        Ok(text) => match kind {
            FileKind::Manifest => {
                let c = schema::check_manifest(text, None, &Policy::default(), &ManifestContext::default());
                (c.manifest.map(|m| Parsed::Manifest(Box::new(m))), c.diags)
            }
            FileKind::Toolspec => {
                let (t, diags) = schema::check_toolspec(text, None, |_, _| None);
                (t.map(|t| Parsed::Toolspec(Box::new(t))), diags)
            }
        },
        Err(d) => (None, vec![d.clone()]),
    };
    value.unwrap_or_else(|| {
        let d = diags.iter().find(|d| d.severity == Severity::Error).or(diags.first());
        let (rule, field, message) = d.map_or((crate::diag::Rule::YamlSyntax, Vec::new(), "the file could not be read".to_string()), |d| {
            let field = if d.field.is_root() { Vec::new() } else { vec![d.field.to_string()] };
            (d.rule, field, d.message.clone())
        });
        let message = format!("{side} tree: {why}: {message}");
        let mut f = Finding::new(rule, server, version, kind, field, message);
        f.severity = Severity::Error;
        Parsed::Failed(f)
    })
}

/// Parses the touched servers' files into a tree; versions with a file that does not parse are
/// returned apart, with their findings.
fn parse(texts: &Texts, touched: &BTreeSet<String>, side: &str) -> (Tree, BTreeSet<(String, String)>, Vec<Finding>) {
    let todo: Vec<_> = texts.iter().filter(|((_, server, _), _)| touched.contains(server)).collect();
    let parsed: Vec<Parsed> =
        todo.par_iter().map(|((kind, server, version), text)| parse_one(*kind, server, version, text, side)).collect();
    let (mut tree, mut failed, mut findings) = (Tree::default(), BTreeSet::new(), Vec::new());
    for (((_, server, version), _), p) in todo.into_iter().zip(parsed) {
        match p {
            Parsed::Manifest(m) => tree.entry(server, version).manifest = Some(*m),
            Parsed::Toolspec(t) => tree.entry(server, version).toolspec = Some(*t),
            Parsed::Failed(f) => {
                failed.insert((server.clone(), version.clone()));
                findings.push(f);
            }
        }
    }
    (tree, failed, findings)
}

impl Registry {
    /// Compares a base tree with this registry (the head): every server and version added,
    /// removed or changed, each change classified, and the published-version findings. A file
    /// that does not parse on either side is an error finding, and its version is left out of the
    /// comparison rather than shown as removed or added.
    pub fn diff(&self, base: &Base) -> Result<Diff> {
        // Both trees at once: walking a directory is sequential, so two walks keep two cores busy.
        let (base_side, head_side) = rayon::join(
            || match base {
                Base::Dir(root) => Side::dir(&Registry::for_target(root, super::Options::default())?),
                Base::GitRef(rev) => Side::git(self, rev),
            },
            || Side::dir(self),
        );
        let (base_side, head_side) = (base_side?, head_side?);
        let (touched, base_texts, head_texts) = touched(&base_side, &head_side)?;
        let (mut base_tree, base_failed, mut findings) = parse(&base_texts, &touched, "base");
        let (mut head_tree, head_failed, head_findings) = parse(&head_texts, &touched, "head");
        findings.extend(head_findings);
        for (server, version) in base_failed.iter().chain(&head_failed) {
            for tree in [&mut base_tree, &mut head_tree] {
                if let Some(versions) = tree.servers.get_mut(server) {
                    versions.remove(version);
                }
            }
        }
        for (side_name, side) in [("base", &base_side), ("head", &head_side)] {
            for ((kind, server), d) in side.refused() {
                for tree in [&mut base_tree, &mut head_tree] {
                    tree.servers.remove(server);
                }
                let message = format!("{side_name} tree: cannot compare {server}: {}", d.message);
                let mut f = Finding::new(d.rule, server, "*", *kind, Vec::new(), message);
                f.file = d.file_name().to_string();
                findings.push(f);
            }
        }
        let mut d = diff::diff(&base_tree, &head_tree);
        d.add_findings(findings);
        Ok(d)
    }
}
