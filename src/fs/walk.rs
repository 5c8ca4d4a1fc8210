// SPDX-License-Identifier: Apache-2.0
//! Finding the catalog's files: `<root>/<name>/<version>.yaml` under manifests/ and toolspecs/,
//! in name order. Anything else there (links, other extensions, wrong depth, special files) is
//! a finding, because skipping it silently would let a reviewer believe it was checked.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::index::latest_version;
use crate::schema::rules::identity::is_valid_version;
use crate::schema::Location;

/// A YAML file found at `<kind>/<dir>/<file>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path as found.
    pub path: PathBuf,
    /// Its directory's name (the server name it should declare).
    pub dir: String,
    /// Its file name (`<version>.yaml`).
    pub file: String,
}

impl Found {
    /// The path as the user named it, for output.
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// Where it is, for the path-mismatch rule.
    pub fn location(&self) -> Location<'_> {
        Location { dir: &self.dir, file: &self.file }
    }

    /// A single file named on the command line.
    pub fn from_file(path: &Path) -> Found {
        let name = |p: Option<&Path>| p.and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Found { path: path.to_path_buf(), dir: name(path.parent()), file: name(Some(path)) }
    }
}

fn finding(rule: Rule, path: &Path, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::whole_file(rule, msg).in_file(path.display().to_string())
}

const SYMLINK: &str = "a symbolic link; the catalog holds regular files only";

/// Lists `<root>/<dir>/<version>.yaml` files in name order, with a finding for anything else.
pub fn walk(root: &Path) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    let mut it = walkdir::WalkDir::new(root).follow_links(false).min_depth(1).sort_by_file_name().into_iter();
    while let Some(entry) = it.next() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            Error::Io {
                path,
                what: "cannot read directory",
                source: e.into_io_error().unwrap_or_else(|| io::Error::other("file system loop")),
            }
        })?;
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_symlink() {
            diags.push(finding(Rule::FileSymlink, path, SYMLINK));
            continue;
        }
        match (entry.depth(), ft.is_dir(), ft.is_file()) {
            (1, true, _) => {}
            (2, false, true) => {
                let file = entry.file_name().to_string_lossy().into_owned();
                if file.ends_with(".yaml") {
                    let dir = path.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    found.push(Found { path: path.to_path_buf(), dir, file });
                } else {
                    diags.push(finding(Rule::FileExtension, path, format!("`{file}` is not a .yaml file and would not be read")));
                }
            }
            (_, true, _) => {
                it.skip_current_dir();
                diags.push(finding(Rule::FileLocation, path, "a directory at the wrong depth; files live at <name>/<version>.yaml"));
            }
            (_, false, true) => {
                diags.push(finding(Rule::FileLocation, path, "a file at the wrong depth; files live at <name>/<version>.yaml"))
            }
            _ => diags.push(finding(Rule::FileNotRegular, path, "not a regular file")),
        }
    }
    Ok((found, diags))
}

/// Lists the files a path names: every file under a directory, or the one file given.
pub fn targets(path: &Path) -> Result<(Vec<Found>, Vec<Diagnostic>)> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, "cannot read", e))?;
    if meta.is_dir() {
        return walk(path);
    }
    let one = |rule, msg| Ok((Vec::new(), vec![finding(rule, path, msg)]));
    if meta.file_type().is_symlink() {
        return one(Rule::FileSymlink, SYMLINK);
    }
    if !meta.is_file() {
        return one(Rule::FileNotRegular, "not a regular file");
    }
    if !path.to_string_lossy().ends_with(".yaml") {
        return one(Rule::FileExtension, "not a .yaml file");
    }
    Ok((vec![Found::from_file(path)], Vec::new()))
}

/// The latest `<version>.yaml` in one server's directory; the directory must hold nothing else.
pub fn latest_in(dir: &Path) -> Result<PathBuf> {
    let mut versions = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, "cannot read directory", e))? {
        let entry = entry.map_err(|e| Error::io(dir, "cannot read directory", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(".yaml") {
            Some(v) if entry.file_type().is_ok_and(|t| t.is_file()) && is_valid_version(v) => versions.push(v.to_string()),
            _ => return Err(Error::Usage(format!("{} is not one server's directory: it holds `{name}`", dir.display()))),
        }
    }
    let latest = latest_version(versions.iter().map(String::as_str));
    latest.map(|v| dir.join(format!("{v}.yaml"))).ok_or_else(|| Error::Usage(format!("{} holds no <version>.yaml manifest", dir.display())))
}
