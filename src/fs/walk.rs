// SPDX-License-Identifier: Apache-2.0
//! Finding the catalog's files: `<name>/<version>.yaml` under manifests/ and toolspecs/, in
//! name order, inside a [`Tree`]. Anything else there (links, other extensions, wrong depth,
//! special files) is a finding, because skipping it silently would let a reviewer believe it
//! was checked. Links are never followed: not the walked directory, not below it.
//!
//! A catalog directory is listed one server directory at a time ([`servers`], [`Group`]): each
//! server directory is opened once, listed, and its files are opened relative to its handle, so
//! the registry pipeline checks one server's files together, in parallel with the others, with
//! one `openat` per file and no path walked twice.
//!
//! A link or special file where a `<version>.yaml` belongs is listed with the files: reading it
//! gives its finding (`file-symlink`, `file-not-regular`), and the version counts as present but
//! unreadable, as a file that does not parse does, so nothing downstream (pairing, CATALOG.md,
//! the review gate) calls it missing. A link or special file where a server's directory belongs
//! is a finding here, and [`refused_servers`] names it for the same reason.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustix::fs::{self as rfs, AtFlags, FileType};

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

/// What one directory entry is, seen without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Link,
    Special,
}

fn kind_of(t: FileType) -> Kind {
    match t {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Dir,
        FileType::Symlink => Kind::Link,
        _ => Kind::Special,
    }
}

/// The entries of the directory open as `fd`, in name order, without `.` and `..`. The kind
/// comes from the listing itself, or from one `fstatat` where the file system does not say. The
/// directory stays open, for reading its files relative to it.
fn list(fd: OwnedFd) -> io::Result<(rfs::Dir, Vec<(OsString, Kind)>)> {
    let mut dir = rfs::Dir::new(fd).map_err(io::Error::from)?;
    let mut entries = Vec::new();
    while let Some(entry) = dir.read() {
        let entry = entry.map_err(io::Error::from)?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let name = OsStr::from_bytes(name).to_os_string();
        let kind = match entry.file_type() {
            FileType::Unknown => {
                let at = dir.fd().map_err(io::Error::from)?;
                kind_of(FileType::from_raw_mode(rfs::statat(at, &name, AtFlags::SYMLINK_NOFOLLOW).map_err(io::Error::from)?.st_mode))
            }
            t => kind_of(t),
        };
        entries.push((name, kind));
    }
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok((dir, entries))
}

fn cannot_list(tree: &Tree, rel: &Path, e: io::Error) -> Error {
    Error::Io { path: tree.root().join(rel), what: "cannot read directory", source: e }
}

/// One server's files to check together: a server directory, listed when it is opened, or one
/// file named on its own.
#[derive(Debug, Clone)]
pub enum Group {
    /// The directory `rel` of the tree, whose entries lie at layout depth `depth`.
    Dir {
        /// The directory inside the tree.
        rel: PathBuf,
        /// Its name: the server its files should declare.
        name: OsString,
        /// The layout depth of its entries (2: `<version>.yaml` files).
        depth: usize,
        /// The handle of the directory it was listed in, to open it relative to.
        parent: Option<Arc<OwnedFd>>,
    },
    /// One file.
    File(Found),
}

impl Group {
    /// The server name the group's files belong to (their directory's name).
    pub fn server(&self) -> &OsStr {
        match self {
            Group::Dir { name, .. } => name,
            Group::File(f) => OsStr::new(&f.dir),
        }
    }

    /// Opens and lists the group: its `<version>.yaml` files in name order, findings for
    /// anything else, and the handle its files are read through.
    pub fn open(&self, tree: &Tree) -> Result<ServerFiles> {
        let (rel, depth, opened) = match self {
            Group::File(f) => return Ok(ServerFiles { dir: None, files: vec![f.clone()], findings: Vec::new() }),
            Group::Dir { rel, depth, parent: Some(parent), name } => (rel, *depth, open_child(parent, name)),
            Group::Dir { rel, depth, parent: None, .. } => (rel, *depth, tree.open_dir(rel)),
        };
        let fd = match opened {
            Ok(fd) => fd,
            // Replaced by a link since it was listed: refused like any link.
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Ok(ServerFiles { dir: None, files: Vec::new(), findings: vec![tree.symlink_finding(rel, rel)] });
            }
            Err(e) => return Err(cannot_list(tree, rel, e)),
        };
        let (fd, entries) = list(fd).map_err(|e| cannot_list(tree, rel, e))?;
        let mut files = Vec::new();
        let mut findings = Vec::new();
        let dir_name = rel.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for (name, kind) in entries {
            let path = rel.join(&name);
            match classify(tree, &path, depth, kind, &mut findings) {
                Some(Kind::File) => {
                    let file = name.to_string_lossy().into_owned();
                    files.push(Found { name: tree.display(&path), path, dir: dir_name.clone(), file });
                }
                _ => continue,
            }
        }
        Ok(ServerFiles { dir: Some(fd), files, findings })
    }
}

/// Opens the directory `name` of the directory `parent` for listing: one `openat` relative to
/// the parent's handle, refusing a link (`ELOOP`). `O_DIRECTORY` with `O_NOFOLLOW` fails a link
/// with `ENOTDIR`, as it fails a file: one `fstatat` tells a link, so that it reads as the link
/// it is.
fn open_child(parent: &OwnedFd, name: &OsStr) -> io::Result<OwnedFd> {
    let flags = rfs::OFlags::RDONLY | rfs::OFlags::DIRECTORY | rfs::OFlags::NOFOLLOW | rfs::OFlags::CLOEXEC;
    rfs::openat(parent.as_fd(), name, flags, rfs::Mode::empty())
        .map_err(|e| {
            let link = || {
                rfs::statat(parent.as_fd(), name, AtFlags::SYMLINK_NOFOLLOW)
                    .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Symlink)
            };
            if e == rustix::io::Errno::NOTDIR && link() {
                rustix::io::Errno::LOOP
            } else {
                e
            }
        })
        .map_err(io::Error::from)
}

/// What is there at layout depth `depth`: a server directory (depth 1) or a `.yaml` file
/// (depth 2) is returned for the caller to take; anything else is pushed as a finding.
fn classify(tree: &Tree, path: &Path, depth: usize, kind: Kind, findings: &mut Vec<Diagnostic>) -> Option<Kind> {
    let yaml = path.file_name().is_some_and(|s| s.as_bytes().ends_with(b".yaml"));
    match (depth, kind) {
        // Where a version's file belongs, a link or special file is that version, unreadable:
        // reading it gives its finding.
        (2, Kind::Link | Kind::Special) if yaml => return Some(Kind::File),
        (_, Kind::Link) => findings.push(tree.symlink_finding(path, path)),
        (1, Kind::Dir) => return Some(Kind::Dir),
        (2, Kind::File) => {
            let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if file.ends_with(".yaml") {
                return Some(Kind::File);
            }
            findings.push(finding(tree, Rule::FileExtension, path, format!("`{file}` is not a .yaml file and would not be read")));
        }
        (_, Kind::Dir) => {
            findings.push(finding(tree, Rule::FileLocation, path, "a directory at the wrong depth; files live at <name>/<version>.yaml"))
        }
        (_, Kind::File) => {
            findings.push(finding(tree, Rule::FileLocation, path, "a file at the wrong depth; files live at <name>/<version>.yaml"))
        }
        (_, Kind::Special) => findings.push(tree.special_finding(path)),
    }
    None
}

/// One group's files, listed, and the handle of their directory.
#[derive(Debug)]
pub struct ServerFiles {
    dir: Option<rfs::Dir>,
    /// The `<version>.yaml` files, in name order.
    pub files: Vec<Found>,
    /// Findings for anything else in the directory.
    pub findings: Vec<Diagnostic>,
}

impl ServerFiles {
    /// Reads one of [`ServerFiles::files`] as text (see [`Tree::read_text`]), relative to its
    /// directory's handle.
    pub fn read_text(&self, tree: &Tree, f: &Found, limit: usize) -> Result<std::result::Result<String, Diagnostic>> {
        let (Some(dir), Some(name)) = (&self.dir, f.path.file_name()) else { return tree.read_text(&f.path, limit) };
        let fd = dir.fd().map_err(|e| Error::io(Path::new(&tree.display(&f.path)), "cannot open", io::Error::from(e)))?;
        tree.read_text_in(fd, name, &f.path, limit)?
            .ok_or_else(|| Error::io(Path::new(&tree.display(&f.path)), "cannot open", super::not_found()))
    }
}

/// The groups of files under `rel` in `tree`: a catalog directory's server directories in name
/// order, a server directory itself, or one file; and findings for anything else at the top
/// (including `rel` itself when it is a link, a special file or, named as a directory, a file).
pub fn servers(tree: &Tree, rel: &Path, checkout: bool) -> Result<(Vec<Group>, Vec<Diagnostic>)> {
    let one = |d: Diagnostic| Ok((Vec::new(), vec![d]));
    match tree.entry(rel)? {
        Entry::Dir => {}
        Entry::Symlink(link) => return one(tree.symlink_finding(rel, &link)),
        Entry::Special => return one(tree.special_finding(rel)),
        Entry::Missing => return Err(Error::io(Path::new(&tree.display(rel)), "cannot read", super::not_found())),
        Entry::File if !rel.to_string_lossy().ends_with(".yaml") => {
            return one(finding(tree, Rule::FileExtension, rel, "not a .yaml file"))
        }
        Entry::File => return Ok((vec![Group::File(Found::from_file(tree, rel))], Vec::new())),
    }
    servers_in(tree, rel, checkout)
}

/// [`servers`] of a directory `rel`; anything other than a directory there is a finding.
fn servers_in(tree: &Tree, rel: &Path, checkout: bool) -> Result<(Vec<Group>, Vec<Diagnostic>)> {
    let base = layout_depth(rel, checkout);
    let name = rel.file_name().map(OsStr::to_os_string).unwrap_or_default();
    if base > 0 {
        return Ok((vec![Group::Dir { rel: rel.to_path_buf(), name, depth: base + 1, parent: None }], Vec::new()));
    }
    let fd = tree.open_dir(rel).map_err(|e| cannot_list(tree, rel, e))?;
    let parent = Arc::new(fd.try_clone().map_err(|e| cannot_list(tree, rel, e))?);
    let (_, entries) = list(fd).map_err(|e| cannot_list(tree, rel, e))?;
    let mut groups = Vec::new();
    let mut findings = Vec::new();
    for (name, kind) in entries {
        let path = rel.join(&name);
        if classify(tree, &path, 1, kind, &mut findings) == Some(Kind::Dir) {
            groups.push(Group::Dir { rel: path, name, depth: 2, parent: Some(Arc::clone(&parent)) });
        }
    }
    Ok((groups, findings))
}

/// Lists `<dir>/<version>.yaml` files under the directory `rel` of `tree`, in name order, with a
/// finding for anything else. `checkout`: the tree is a registry checkout, so the layout depth
/// is counted from its `manifests/` or `toolspecs/`.
pub fn walk(tree: &Tree, rel: &Path, checkout: bool) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    match tree.entry(rel)? {
        Entry::Dir => {}
        Entry::Symlink(link) => return Ok((Vec::new(), vec![tree.symlink_finding(rel, &link)])),
        Entry::Special | Entry::File => return Ok((Vec::new(), vec![finding(tree, Rule::FileNotRegular, rel, "not a directory")])),
        Entry::Missing => return Err(Error::io(Path::new(&tree.display(rel)), "cannot read", super::not_found())),
    }
    let (groups, findings) = servers_in(tree, rel, checkout)?;
    open_all(tree, groups, findings)
}

/// Lists the files `rel` names in `tree`: every file under a directory, or the one file given.
pub fn targets(tree: &Tree, rel: &Path, checkout: bool) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let (groups, findings) = servers(tree, rel, checkout)?;
    open_all(tree, groups, findings)
}

/// The files of every group, in order, after the findings made while listing them.
fn open_all(tree: &Tree, groups: Vec<Group>, mut findings: Vec<Diagnostic>) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let mut found = Vec::new();
    for g in groups {
        let listed = g.open(tree)?;
        found.extend(listed.files);
        findings.extend(listed.findings);
    }
    Ok((found, findings))
}

/// The names under the catalog directory `rel` (`manifests` or `toolspecs`) where a server's
/// directory belongs but a link or special file stands: refused by [`walk`], so what they hold
/// is unknown rather than missing.
pub fn refused_servers(tree: &Tree, rel: &Path) -> Result<std::collections::BTreeSet<String>> {
    let mut refused = std::collections::BTreeSet::new();
    if tree.entry(rel)? != Entry::Dir {
        return Ok(refused);
    }
    let fd = tree.open_dir(rel).map_err(|e| cannot_list(tree, rel, e))?;
    let (_, entries) = list(fd).map_err(|e| cannot_list(tree, rel, e))?;
    for (name, kind) in entries {
        if matches!(kind, Kind::Link | Kind::Special) {
            refused.insert(name.to_string_lossy().into_owned());
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
    let fd = tree.open_dir(rel).map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))?;
    let (_, entries) = list(fd).map_err(|e| Error::io(Path::new(&shown), "cannot read directory", e))?;
    let mut versions = Vec::new();
    for (name, kind) in entries {
        let name = name.to_string_lossy().into_owned();
        match name.strip_suffix(".yaml") {
            Some(v) if kind == Kind::File && is_valid_version(v) => versions.push(v.to_string()),
            _ => return Err(Error::Usage(format!("{shown} is not one server's directory: it holds `{name}`"))),
        }
    }
    let latest = latest_version(versions.iter().map(String::as_str));
    latest.map(|v| rel.join(format!("{v}.yaml"))).ok_or_else(|| Error::Usage(format!("{shown} holds no <version>.yaml manifest")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_where_a_server_directory_is_opened_reads_as_a_link() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("acme")).unwrap();
        std::fs::write(d.path().join("file"), "x").unwrap();
        std::os::unix::fs::symlink("acme", d.path().join("link")).unwrap();
        let parent: OwnedFd = std::fs::File::open(d.path()).unwrap().into();
        assert!(open_child(&parent, OsStr::new("acme")).is_ok());
        let errno = |name: &str| open_child(&parent, OsStr::new(name)).unwrap_err().raw_os_error();
        assert_eq!(errno("link"), Some(rustix::io::Errno::LOOP.raw_os_error()));
        assert_eq!(errno("file"), Some(rustix::io::Errno::NOTDIR.raw_os_error()));
    }
}
