// SPDX-License-Identifier: Apache-2.0
//! Finding the catalog's files: `<name>/<version>.yaml` under manifests/ and toolspecs/, in
//! name order, inside a [`Tree`]. Anything else there (links, other extensions, wrong depth,
//! special files) is a finding, because skipping it silently would let a reviewer believe it
//! was checked. Links are never followed: not the walked directory, not below it.
//!
//! A link or special file where a `<version>.yaml` belongs is listed with the files: reading it
//! gives its finding (`file-symlink`, `file-not-regular`), and the version counts as present but
//! unreadable, as a file that does not parse does, so nothing downstream (pairing, CATALOG.md,
//! the review gate) calls it missing. A link or special file where a server's directory belongs
//! is a finding here, and [`refused_servers`] names it for the same reason.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::index::latest_version;
use crate::schema::rules::identity::is_valid_version;
use crate::schema::Location;

use super::locate::CATALOG_DIRS;
use super::tree::{Entry, Tree};

/// A YAML file found at `<kind>/<dir>/<file>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path inside its tree.
    pub path: PathBuf,
    /// How output names it (relative to the registry root in a checkout).
    pub name: String,
    /// Its directory's name (the server name it should declare).
    pub dir: String,
    /// Its file name (`<version>.yaml`).
    pub file: String,
}

impl Found {
    /// The name output uses.
    pub fn display(&self) -> String {
        self.name.clone()
    }

    /// Where it is, for the path-mismatch rule.
    pub fn location(&self) -> Location<'_> {
        Location { dir: &self.dir, file: &self.file }
    }

    /// A single file at `rel` in `tree`.
    pub fn from_file(tree: &Tree, rel: &Path) -> Found {
        let name = |p: Option<&Path>| p.and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        // A file named directly in a tree's root takes its directory's name from the root.
        let dir = match rel.parent() {
            Some(p) if !p.as_os_str().is_empty() => name(Some(p)),
            _ => name(Some(tree.root())),
        };
        Found { path: rel.to_path_buf(), name: tree.display(rel), dir, file: name(Some(rel)) }
    }
}

fn finding(tree: &Tree, rule: Rule, rel: &Path, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::whole_file(rule, msg).in_file(tree.display(rel))
}

/// How deep `rel` lies in the catalog layout: 0 for `manifests` or `toolspecs` in a checkout,
/// 1 for a server directory under one; a directory elsewhere counts as a catalog directory.
pub fn layout_depth(rel: &Path, checkout: bool) -> usize {
    let mut parts = rel.components();
    match parts.next() {
        Some(first) if checkout && CATALOG_DIRS.iter().any(|d| first.as_os_str() == *d) => parts.count(),
        _ => 0,
    }
}

/// Lists `<dir>/<version>.yaml` files under the directory `rel` of `tree`, in name order, with a
/// finding for anything else. `checkout`: the tree is a registry checkout, so the layout depth
/// is counted from its `manifests/` or `toolspecs/`.
pub fn walk(tree: &Tree, rel: &Path, checkout: bool) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    match tree.entry(rel)? {
        Entry::Dir => {}
        Entry::Symlink(link) => return Ok((found, vec![tree.symlink_finding(rel, &link)])),
        Entry::Special | Entry::File => return Ok((found, vec![finding(tree, Rule::FileNotRegular, rel, "not a directory")])),
        Entry::Missing => return Err(Error::io(Path::new(&tree.display(rel)), "cannot read", super::not_found())),
    }
    let base = layout_depth(rel, checkout);
    let start = tree.root().join(rel);
    let mut it = walkdir::WalkDir::new(&start).follow_links(false).follow_root_links(false).min_depth(1).sort_by_file_name().into_iter();
    while let Some(entry) = it.next() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&start).to_path_buf();
            Error::Io {
                path,
                what: "cannot read directory",
                source: e.into_io_error().unwrap_or_else(|| io::Error::other("file system loop")),
            }
        })?;
        let path = entry.path().strip_prefix(tree.root()).unwrap_or(entry.path());
        let ft = entry.file_type();
        let yaml = entry.file_name().to_string_lossy().ends_with(".yaml");
        // Where a version's file belongs, a link or special file is that version, unreadable.
        let refused_version = entry.depth() + base == 2 && yaml && !ft.is_dir() && !ft.is_file();
        if ft.is_symlink() && !refused_version {
            diags.push(tree.symlink_finding(path, path));
            continue;
        }
        match (entry.depth() + base, ft.is_dir(), ft.is_file() || refused_version) {
            (1, true, _) => {}
            (2, false, true) => {
                let file = entry.file_name().to_string_lossy().into_owned();
                if yaml {
                    let dir = path.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    found.push(Found { path: path.to_path_buf(), name: tree.display(path), dir, file });
                } else {
                    diags.push(finding(tree, Rule::FileExtension, path, format!("`{file}` is not a .yaml file and would not be read")));
                }
            }
            (_, true, _) => {
                it.skip_current_dir();
                diags.push(finding(tree, Rule::FileLocation, path, "a directory at the wrong depth; files live at <name>/<version>.yaml"));
            }
            (_, false, true) => {
                diags.push(finding(tree, Rule::FileLocation, path, "a file at the wrong depth; files live at <name>/<version>.yaml"))
            }
            _ => diags.push(tree.special_finding(path)),
        }
    }
    Ok((found, diags))
}

/// Lists the files `rel` names in `tree`: every file under a directory, or the one file given.
pub fn targets(tree: &Tree, rel: &Path, checkout: bool) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let one = |d: Diagnostic| Ok((Vec::new(), vec![d]));
    match tree.entry(rel)? {
        Entry::Dir => walk(tree, rel, checkout),
        Entry::Symlink(link) => one(tree.symlink_finding(rel, &link)),
        Entry::Special => one(tree.special_finding(rel)),
        Entry::Missing => Err(Error::io(Path::new(&tree.display(rel)), "cannot read", super::not_found())),
        Entry::File if !rel.to_string_lossy().ends_with(".yaml") => one(finding(tree, Rule::FileExtension, rel, "not a .yaml file")),
        Entry::File => Ok((vec![Found::from_file(tree, rel)], Vec::new())),
    }
}

/// The names under the catalog directory `rel` (`manifests` or `toolspecs`) where a server's
/// directory belongs but a link or special file stands: refused by [`walk`], so what they hold
/// is unknown rather than missing.
pub fn refused_servers(tree: &Tree, rel: &Path) -> Result<std::collections::BTreeSet<String>> {
    let mut refused = std::collections::BTreeSet::new();
    if tree.entry(rel)? != Entry::Dir {
        return Ok(refused);
    }
    let dir = tree.root().join(rel);
    let shown = tree.display(rel);
    for entry in fs::read_dir(&dir).map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))? {
        let entry = entry.map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))?;
        let ft = entry.file_type().map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))?;
        if !ft.is_dir() && !ft.is_file() {
            refused.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(refused)
}

/// The latest `<version>.yaml` in one server's directory `rel`; the directory must hold
/// nothing else.
pub fn latest_in(tree: &Tree, rel: &Path) -> Result<PathBuf> {
    let shown = tree.display(rel);
    if tree.entry(rel)? != Entry::Dir {
        return Err(Error::Usage(format!("{shown} is not a directory")));
    }
    let dir = tree.root().join(rel);
    let mut versions = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))? {
        let entry = entry.map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(".yaml") {
            Some(v) if entry.file_type().is_ok_and(|t| t.is_file()) && is_valid_version(v) => versions.push(v.to_string()),
            _ => return Err(Error::Usage(format!("{shown} is not one server's directory: it holds `{name}`"))),
        }
    }
    let latest = latest_version(versions.iter().map(String::as_str));
    latest.map(|v| rel.join(format!("{v}.yaml"))).ok_or_else(|| Error::Usage(format!("{shown} holds no <version>.yaml manifest")))
}
