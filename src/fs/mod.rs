// SPDX-License-Identifier: Apache-2.0
//! All file-system access: walking `manifests/` and `toolspecs/`, bounded reads of text, and
//! atomic writes. Nothing else in the crate, and nothing in the binary, touches `std::fs`.

pub mod read;
pub mod walk;
pub mod write;

pub use read::{read_bytes, read_text, read_to_string};
pub use walk::{targets, walk, Found};
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

/// The absolute path with every link resolved, when `path` exists.
pub fn canonical(path: &Path) -> Option<std::path::PathBuf> {
    path.canonicalize().ok()
}

/// The first of `paths` that exists.
pub fn first_existing<'p>(paths: &[&'p Path]) -> Option<&'p Path> {
    paths.iter().copied().find(|p| p.exists())
}
