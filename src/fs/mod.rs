// SPDX-License-Identifier: Apache-2.0
//! All file-system access: finding the registry checkout a path is in (`locate.rs`), reading
//! and writing inside a checkout without leaving it (`tree.rs`), walking `manifests/` and
//! `toolspecs/`, bounded reads of text, writes of the files a user names, and reading a tree
//! from git without a checkout (`git.rs`). Nothing else in the crate, and nothing in the binary,
//! touches `std::fs`.

pub mod git;
pub mod locate;
pub mod read;
pub mod tree;
pub mod walk;
pub mod write;

pub use locate::{locate, registry_root, Located};
pub use read::{read_input, read_text, Input};
pub use tree::{Entry, Tree};
pub use walk::{servers, targets, walk, Found, Group, ServerFiles};
pub use write::{write_atomic, write_atomic_with, Overwrite};

use std::path::Path;

/// Whether `path` is a directory (following links).
pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

/// Whether `path` is a regular file (following links).
pub fn is_file(path: &Path) -> bool {
    path.is_file()
}

/// Whether anything exists at `path` (following links).
pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// Whether anything, a dangling link included, exists at `path`.
pub fn exists_no_follow(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// The first of `paths` that exists (a dangling link counts).
pub fn first_existing<'p>(paths: &[&'p Path]) -> Option<&'p Path> {
    paths.iter().copied().find(|p| exists_no_follow(p))
}

/// Whether `path` is a directory itself, not a link to one.
pub fn is_dir_no_follow(path: &Path) -> bool {
    path.symlink_metadata().is_ok_and(|m| m.is_dir())
}

/// The operating system's "No such file or directory", for a file found missing without a
/// system call saying so.
pub fn not_found() -> std::io::Error {
    std::io::Error::from_raw_os_error(rustix::io::Errno::NOENT.raw_os_error())
}

/// The operating system's "Is a directory".
pub fn is_a_directory() -> std::io::Error {
    std::io::Error::from_raw_os_error(rustix::io::Errno::ISDIR.raw_os_error())
}

/// The real path of an existing directory or file, with every link resolved.
pub fn canonicalize(path: &Path) -> crate::Result<std::path::PathBuf> {
    std::fs::canonicalize(path).map_err(|e| crate::Error::io(path, "cannot resolve", e))
}
