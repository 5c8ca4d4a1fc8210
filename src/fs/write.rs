// SPDX-License-Identifier: Apache-2.0
//! Writing a file the user named (`--out`, `--out-dir`): nothing but what was named is touched.
//!
//! - A symbolic link is never replaced: its target is written (a dangling link's target is
//!   created), atomically when the target is a regular file.
//! - A regular file (or a new one) is written through a temporary file in the same directory
//!   and a rename, so an interrupted run leaves the previous file or the new one.
//! - A character device, FIFO or socket is written in place (a pipe, `/dev/full`), and so is
//!   whatever a link to one of the process's descriptors names (`/dev/stdout`): renaming over
//!   it would replace the device instead of writing to it. A block device or a directory is
//!   refused. A reader that went away (EPIPE) ends such an output without an error; any other
//!   failure to write is one. `/dev/null`, however it was opened, discards what it is given.
//! - Public artifacts get mode 0666 less the umask; a private key asks for 0600.
//!
//! `-` for standard output is the binary's business: this module only writes files.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Whether a write may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Replace it.
    Replace,
    /// Fail if it exists.
    Refuse,
}

/// The mode of a public artifact before the umask: index, signature, CATALOG.md, schemas,
/// scaffolds, public keys.
pub const PUBLIC_MODE: u32 = 0o666;
/// The mode of a private key.
pub const PRIVATE_MODE: u32 = 0o600;

/// How many links a written path may go through before it counts as a loop (as the kernel's).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path` as the module docs describe. `mode` is the mode before the umask
/// (`None`: [`PUBLIC_MODE`]; `Some(PRIVATE_MODE)` for secret keys).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>, overwrite: Overwrite) -> Result<()> {
    write_atomic_with(path, mode, overwrite, |w| w.write_all(bytes))
}

/// Where a chain of links ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEnd {
    /// At this path, which is not a link (a dangling link ends at the path it names).
    Path(PathBuf),
    /// At one of this process's open descriptors (`/dev/stdout` → `/proc/self/fd/1`): a link
    /// into `/proc/<pid>/fd/` or `/dev/fd/` names a descriptor, not a file.
    Descriptor,
}

/// Whether a link's target names an open descriptor rather than a file.
fn names_descriptor(to: &Path) -> bool {
    let mut parts = to.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    match (parts.next().as_deref(), parts.next().as_deref(), parts.next(), parts.next().as_deref()) {
        (Some("/"), Some("proc"), Some(_), Some("fd")) => true,
        (Some("/"), Some("dev"), Some(fd), _) => fd == "fd",
        _ => false,
    }
}

/// Follows a chain of links (see [`LinkEnd`]).
pub fn follow_links(path: &Path) -> Result<LinkEnd> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p).map_err(|e| Error::io(&p, "cannot read the link", e))?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
                if names_descriptor(&p) {
                    return Ok(LinkEnd::Descriptor);
                }
            }
            _ => return Ok(LinkEnd::Path(p)),
        }
    }
    Err(Error::io(path, "cannot write", io::Error::from_raw_os_error(rustix::io::Errno::LOOP.raw_os_error())))
}

/// [`write_atomic`] for content produced by a writer function, through a buffer, so large
/// output (the index) is streamed to disk instead of held in memory.
pub fn write_atomic_with(
    path: &Path,
    mode: Option<u32>,
    overwrite: Overwrite,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let exists = |p: &Path| Error::Usage(format!("{} exists; refusing to overwrite it", p.display()));
    let target = match follow_links(path)? {
        LinkEnd::Path(p) => p,
        // The kernel resolves the descriptor's link; what it opens is written in place.
        LinkEnd::Descriptor if overwrite == Overwrite::Refuse => return Err(exists(path)),
        LinkEnd::Descriptor => {
            let mut f = fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, "cannot open", e))?;
            return in_place(path, &mut f, write);
        }
    };
    match fs::symlink_metadata(&target) {
        Ok(m) if m.is_file() && overwrite == Overwrite::Refuse => Err(exists(path)),
        Ok(m) if m.is_file() => replace(path, &target, mode, overwrite, write),
        Ok(m) if m.is_dir() => Err(Error::io(path, "cannot write", super::is_a_directory())),
        Ok(_) if overwrite == Overwrite::Refuse => Err(exists(path)),
        Ok(m) if m.file_type().is_block_device() => {
            Err(Error::Usage(format!("{} is a block device; refusing to write to it", path.display())))
        }
        Ok(m) if m.file_type().is_socket() => {
            let mut s = std::os::unix::net::UnixStream::connect(&target).map_err(|e| Error::io(path, "cannot open", e))?;
            in_place(path, &mut s, write)
        }
        Ok(_) => {
            let mut f = fs::OpenOptions::new().write(true).open(&target).map_err(|e| Error::io(path, "cannot open", e))?;
            in_place(path, &mut f, write)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(path, &target, mode, overwrite, write),
        Err(e) => Err(Error::io(path, "cannot write", e)),
    }
}

/// Writes a descriptor, FIFO, character device or socket in place. A reader that went away
/// (EPIPE: `--out /dev/stdout | head`, a FIFO whose reader closed) ends the output, as on
/// standard output: what was written is what the reader wanted, not an error. Any other
/// failure (ENOSPC, EBADF, EIO) is one.
fn in_place(path: &Path, out: &mut dyn Write, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    match buffered(out, write) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io(path, "cannot write", e)),
        _ => Ok(()),
    }
}

/// Whether `fd` is `/dev/null` (the character device 1:3).
fn is_dev_null(fd: impl std::os::fd::AsFd) -> bool {
    rustix::fs::fstat(fd).is_ok_and(|s| {
        rustix::fs::FileType::from_raw_mode(s.st_mode) == rustix::fs::FileType::CharacterDevice
            && rustix::fs::major(s.st_rdev) == 1
            && rustix::fs::minor(s.st_rdev) == 3
    })
}

/// Whether standard output may have been closed when the process started
/// (`registryctl keygen >&-`): descriptor 1 is `/dev/null` opened read-write.
///
/// Before `main`, the Rust runtime reopens a closed descriptor 0, 1 or 2 on `/dev/null`,
/// read-write, where every write succeeds and the output is lost. But a parent that discards
/// the output on purpose may open `/dev/null` read-write too (Python's `subprocess.DEVNULL`,
/// Node's `'ignore'`), and the two cannot be told apart; a shell's `>/dev/null` and a Rust
/// parent's `Stdio::null()` open it write-only. So this is no reason to fail a write: it is for
/// a command whose output must not be lost (`keygen` printing a private key), to refuse before
/// it makes what would be lost. Everything else writes there, and the output is discarded.
pub fn stdout_may_be_closed() -> bool {
    let stdout = io::stdout();
    let read_write = rustix::fs::fcntl_getfl(&stdout).is_ok_and(|f| f & rustix::fs::OFlags::RWMODE == rustix::fs::OFlags::RDWR);
    read_write && is_dev_null(&stdout)
}

fn buffered(out: &mut dyn Write, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    write(&mut w)?;
    w.flush()
}

/// Writes `target` through a temporary file beside it and a rename (`path` is what the user
/// named, for messages).
fn replace(
    path: &Path,
    target: &Path,
    mode: Option<u32>,
    overwrite: Overwrite,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".registryctl-")
        .permissions(fs::Permissions::from_mode(mode.unwrap_or(PUBLIC_MODE)))
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, "cannot create a file in", e))?;
    buffered(tmp.as_file_mut(), write).and_then(|_| tmp.as_file().sync_all()).map_err(|e| Error::io(path, "cannot write", e))?;
    match overwrite {
        Overwrite::Replace => tmp.persist(target).map(drop).map_err(|e| Error::io(path, "cannot replace", e.error)),
        Overwrite::Refuse => tmp.persist_noclobber(target).map(drop).map_err(|e| Error::io(path, "refusing to overwrite", e.error)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_descriptors_are_told_from_links_to_files() {
        assert!(names_descriptor(Path::new("/proc/self/fd/1")));
        assert!(names_descriptor(Path::new("/proc/123/fd/2")));
        assert!(names_descriptor(Path::new("/dev/fd/1")));
        assert!(!names_descriptor(Path::new("/proc/self/environ")));
        assert!(!names_descriptor(Path::new("/dev/full")));
        assert!(!names_descriptor(Path::new("real/index.json")));
    }
}
