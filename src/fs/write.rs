// SPDX-License-Identifier: Apache-2.0
//! Writing files so an interrupted run leaves the previous file or the new one, never a
//! truncated one: through a temporary file in the same directory and a rename.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Whether a write may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Replace it.
    Replace,
    /// Fail if it exists.
    Refuse,
}

/// Writes `bytes` to `path` atomically. `mode` is set on the temporary file before any byte is
/// written (0600 for secret keys).
///
/// An existing special file (a pipe, `/dev/stdout`, `/dev/full`) is written in place: renaming
/// over it would replace the device instead of writing to it.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>, overwrite: Overwrite) -> Result<()> {
    write_atomic_with(path, mode, overwrite, |w| w.write_all(bytes))
}

/// [`write_atomic`] for content produced by a writer function, through a buffer, so large
/// output (the index) is streamed to disk instead of held in memory.
pub fn write_atomic_with(
    path: &Path,
    mode: Option<u32>,
    overwrite: Overwrite,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let buffered = |file: &mut fs::File| -> io::Result<()> {
        let mut w = BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        w.flush()
    };
    if let Ok(meta) = fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() && overwrite == Overwrite::Replace {
            let mut f = fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, "cannot open", e))?;
            return buffered(&mut f).map_err(|e| Error::io(path, "cannot write", e));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp =
        tempfile::Builder::new().prefix(".registryctl-").tempfile_in(dir).map_err(|e| Error::io(dir, "cannot create a file in", e))?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode)).map_err(|e| Error::io(path, "cannot set permissions on", e))?;
    }
    buffered(tmp.as_file_mut()).and_then(|_| tmp.as_file().sync_all()).map_err(|e| Error::io(path, "cannot write", e))?;
    match overwrite {
        Overwrite::Replace => tmp.persist(path).map(drop).map_err(|e| Error::io(path, "cannot replace", e.error)),
        Overwrite::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| Error::io(path, "refusing to overwrite", e.error)),
    }
}

/// Creates a directory and its parents.
pub fn create_dir_all(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create directory", e))
}

/// Appends to a file, creating it (the GitHub step summary).
pub fn append(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f =
        fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| Error::io(path, "cannot open the step summary", e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, "cannot write the step summary", e))
}
