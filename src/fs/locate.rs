// SPDX-License-Identifier: Apache-2.0
//! Where a path the user named really is: which registry checkout holds it, found from the real
//! file system rather than from the path's text, so the same file is judged the same way from
//! any working directory and through any link to the checkout or above it.
//!
//! A **registry checkout** is a directory holding an entry named `manifests` or `toolspecs`
//! that is not itself inside the `manifests/` or `toolspecs/` directory of another checkout
//! (so a server named `manifests` does not make a checkout). The checkout of a path is the
//! nearest one at or above it. Links to directories above a checkout are followed (a linked
//! checkout or parent works); links inside one, and a link to a file named as the path itself,
//! are not followed here, and the tree refuses them.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// The catalog directories whose presence marks a registry checkout.
pub const CATALOG_DIRS: [&str; 2] = ["manifests", "toolspecs"];

/// A path resolved against the real file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The registry checkout holding the path, when there is one (a real path: no links).
    pub root: Option<PathBuf>,
    /// The absolute path, every link outside a checkout resolved; below a checkout's root the
    /// rest of the path is kept as written, for the tree to refuse any link in it.
    pub path: PathBuf,
}

impl Located {
    /// The path relative to its checkout's root.
    pub fn rel(&self) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        self.path.strip_prefix(root).ok().map(Path::to_path_buf)
    }
}

/// Whether `dir` holds an entry named `manifests` or `toolspecs` (a link there counts: it
/// marks a checkout whose catalog directory is then refused as a link).
fn has_catalog_dir(dir: &Path) -> bool {
    CATALOG_DIRS.iter().any(|d| fs::symlink_metadata(dir.join(d)).is_ok_and(|m| m.is_dir() || m.file_type().is_symlink()))
}

/// The registry checkout at or above `path`, a real absolute path (see the module docs).
pub fn registry_root(path: &Path) -> Option<PathBuf> {
    let mut root: Option<&Path> = None;
    let mut ancestors: Vec<&Path> = path.ancestors().collect();
    ancestors.reverse();
    for dir in ancestors {
        if let Some(r) = root {
            if CATALOG_DIRS.iter().any(|d| dir.starts_with(r.join(d))) {
                continue;
            }
        }
        if has_catalog_dir(dir) {
            root = Some(dir);
        }
    }
    root.map(Path::to_path_buf)
}

/// Resolves `path`: relative to the working directory (its real path), following links until
/// the path enters a registry checkout, and finds that checkout.
pub fn locate(path: &Path) -> Result<Located> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| Error::io(Path::new("."), "cannot find the working directory", e))?.join(path)
    };
    let mut cur = PathBuf::from("/");
    // Once a link is met inside a checkout, the rest is kept as written.
    let mut literal = false;
    let count = abs.components().count();
    for (i, c) in abs.components().enumerate() {
        match c {
            Component::Prefix(_) | Component::RootDir => cur = PathBuf::from("/"),
            Component::CurDir => {}
            Component::ParentDir => {
                cur.pop();
            }
            Component::Normal(name) => {
                let next = cur.join(name);
                let is_link = !literal && fs::symlink_metadata(&next).is_ok_and(|m| m.file_type().is_symlink());
                cur = if !is_link {
                    next
                } else if registry_root(&cur).is_some() {
                    literal = true;
                    next
                } else {
                    let to = fs::canonicalize(&next).map_err(|e| Error::io(&next, "cannot resolve", e))?;
                    // A link to a file named as the target is the file's business: it stays a
                    // link, for the tree to refuse, wherever it is.
                    if i + 1 == count && !to.is_dir() {
                        next
                    } else {
                        to
                    }
                };
            }
        }
    }
    let root = registry_root(&cur);
    Ok(Located { root, path: cur })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn the_nearest_checkout_that_is_not_inside_a_catalog_directory() {
        let d = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(d.path()).unwrap();
        let reg = base.join("reg");
        // A server named `manifests`, and a nested checkout beside the catalog.
        fs::create_dir_all(reg.join("manifests/manifests")).unwrap();
        fs::create_dir_all(reg.join("manifests/acme/toolspecs")).unwrap();
        fs::create_dir_all(reg.join("tests/inner/toolspecs/x")).unwrap();
        assert_eq!(registry_root(&reg.join("manifests/manifests/0.1.0.yaml")), Some(reg.clone()));
        assert_eq!(registry_root(&reg.join("manifests/acme/toolspecs")), Some(reg.clone()));
        assert_eq!(registry_root(&reg.join("tests/inner/toolspecs/x/0.1.0.yaml")), Some(reg.join("tests/inner")));
        assert_eq!(registry_root(&base), None);
    }

    #[test]
    fn links_above_a_checkout_are_followed_and_links_inside_are_kept() {
        let d = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(d.path()).unwrap();
        fs::create_dir_all(base.join("reg/manifests/acme")).unwrap();
        fs::create_dir_all(base.join("elsewhere")).unwrap();
        symlink(base.join("reg"), base.join("link")).unwrap();
        symlink(base.join("elsewhere"), base.join("reg/manifests/evil")).unwrap();
        let via = locate(&base.join("link/manifests/acme/0.1.0.yaml")).unwrap();
        assert_eq!(via.root.as_deref(), Some(base.join("reg").as_path()));
        assert_eq!(via.rel().unwrap(), Path::new("manifests/acme/0.1.0.yaml"));
        let inside = locate(&base.join("reg/manifests/evil/../evil/0.1.0.yaml")).unwrap();
        assert_eq!(inside.rel().unwrap(), Path::new("manifests/evil/0.1.0.yaml"));
    }
}
