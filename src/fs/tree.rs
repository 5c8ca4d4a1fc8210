// SPDX-License-Identifier: Apache-2.0
//! A directory tree the tool reads and writes without ever leaving it, such as a registry
//! checkout. Every path is opened relative to the tree's root directory with no symbolic link on
//! the way (`openat2` with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`, or one `O_NOFOLLOW` open per
//! component where the kernel has no `openat2`); only regular files are read, never more than a
//! limit, and writes go through a temporary file and a rename in the same directory.
//!
//! A link, a FIFO, a device, a file with more than one hard link or a file over its limit is a
//! finding naming its path: it is never followed, never read (a FIFO is opened non-blocking and
//! checked before any byte is read), never written into. A hard link is refused like a symbolic
//! one because it can bring a file from outside the tree in under a name inside it, and no
//! check of the path can tell.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::diag::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::schema;

use super::write::Overwrite;

/// The message for a path that is itself a symbolic link.
pub const SYMLINK: &str = "a symbolic link; the catalog holds regular files only";

/// What is at a path inside a tree, looked at without following links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Nothing.
    Missing,
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link: the path itself, or this component of it (a path inside the tree).
    Symlink(PathBuf),
    /// A FIFO, socket or device.
    Special,
}

/// A directory opened once; every access below it is relative to it and stays inside it.
#[derive(Debug)]
pub struct Tree {
    root: PathBuf,
    display: PathBuf,
    fd: OwnedFd,
}

/// Whether `openat2` was found missing or filtered (old kernels, some container sandboxes).
static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

fn io_err(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e.raw_os_error())
}

/// The path's components, each a plain name: no `..`, no root, no `.`.
fn names(rel: &Path) -> io::Result<Vec<&std::ffi::OsStr>> {
    rel.components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| match c {
            Component::Normal(n) => Ok(n),
            _ => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("`{}` leaves the tree", rel.display()))),
        })
        .collect()
}

/// Opens `rel` below `dir` with no symbolic link anywhere on the way: `openat2` where the kernel
/// has it, else one `O_NOFOLLOW` open per component. A link on the way fails with `ELOOP`.
fn open_beneath(dir: BorrowedFd<'_>, rel: &Path, flags: OFlags, mode: Mode) -> io::Result<OwnedFd> {
    let parts = names(rel)?;
    let flags = flags | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if !NO_OPENAT2.load(Ordering::Relaxed) {
        use rustix::fs::ResolveFlags;
        let path = if parts.is_empty() { Path::new(".").to_path_buf() } else { parts.iter().collect::<PathBuf>() };
        let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        match rfs::openat2(dir, &path, flags, mode, resolve) {
            Err(Errno::NOSYS | Errno::PERM) => NO_OPENAT2.store(true, Ordering::Relaxed),
            // A link as the last component fails `O_DIRECTORY` with ENOTDIR, not ELOOP, and so
            // would a file on the way: the walk below tells them apart.
            Err(Errno::NOTDIR) => {}
            other => return other.map_err(io_err),
        }
    }
    let Some((last, parents)) = parts.split_last() else {
        return rfs::openat(dir, ".", flags, mode).map_err(io_err);
    };
    let mut cur: Option<OwnedFd> = None;
    for name in parents {
        let at = cur.as_ref().map_or(dir, |f| f.as_fd());
        let next = rfs::openat(at, *name, OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| if is_link(at, name) { Errno::LOOP } else { e })
            .map_err(io_err)?;
        cur = Some(next);
    }
    let at = cur.as_ref().map_or(dir, |f| f.as_fd());
    let fd = rfs::openat(at, *last, flags, mode).map_err(|e| if is_link(at, last) { Errno::LOOP } else { e }).map_err(io_err)?;
    // O_PATH | O_NOFOLLOW opens a link itself rather than failing.
    if flags.contains(OFlags::PATH) && rfs::fstat(&fd).is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink) {
        return Err(io_err(Errno::LOOP));
    }
    Ok(fd)
}

fn is_link(dir: BorrowedFd<'_>, name: &std::ffi::OsStr) -> bool {
    rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink)
}

fn is_loop(e: &io::Error) -> bool {
    e.raw_os_error() == Some(Errno::LOOP.raw_os_error())
}

fn is_missing(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(c) if c == Errno::NOENT.raw_os_error() || c == Errno::NOTDIR.raw_os_error())
}

/// A name for a temporary file no other run picks.
fn temp_name() -> String {
    let mut bytes = [0u8; 8];
    // Without randomness, the process id alone still separates concurrent runs.
    let _ = getrandom::fill(&mut bytes);
    format!(".registryctl-{}-{}", std::process::id(), hex::encode(bytes))
}

impl Tree {
    /// Opens the directory `root` (following links in `root` itself: the caller chose it).
    /// `display` prefixes the names of files in findings and messages (empty for a registry
    /// checkout, whose files are named relative to its root).
    pub fn open(root: &Path, display: impl Into<PathBuf>) -> Result<Tree> {
        let dir = if root.as_os_str().is_empty() { Path::new(".") } else { root };
        let fd = rfs::open(dir, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| Error::io(dir, "cannot open directory", io_err(e)))?;
        Ok(Tree { root: root.to_path_buf(), display: display.into(), fd })
    }

    /// The tree's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How a path inside the tree is named in output.
    pub fn display(&self, rel: &Path) -> String {
        let joined = self.display.join(rel);
        let s = joined.display().to_string();
        if s.is_empty() {
            ".".into()
        } else {
            s
        }
    }

    /// The first component of `rel` that is a symbolic link (`rel` itself when none is found,
    /// which only a concurrent change can cause).
    fn first_link(&self, rel: &Path) -> PathBuf {
        let mut prefix = PathBuf::new();
        for c in rel.components() {
            prefix.push(c);
            if rfs::statat(&self.fd, &prefix, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink)
            {
                return prefix;
            }
        }
        rel.to_path_buf()
    }

    /// The finding for a path that is, or passes through, a symbolic link.
    pub fn symlink_finding(&self, rel: &Path, link: &Path) -> Diagnostic {
        let msg = if link == rel { SYMLINK.to_string() } else { format!("reached through `{}`, {SYMLINK}", self.display(link)) };
        Diagnostic::whole_file(Rule::FileSymlink, msg).in_file(self.display(rel))
    }

    /// The finding for a file with more than one name: a hard link can bring in the content
    /// of a file outside the tree (say a credentials file), which no path check sees.
    pub fn hardlink_finding(&self, rel: &Path, links: u64) -> Diagnostic {
        let msg = format!("a file with {links} hard links; the catalog holds files with one name only, so it is not read");
        Diagnostic::whole_file(Rule::FileHardlink, msg).in_file(self.display(rel))
    }

    /// The finding for a FIFO, socket or device where a file belongs.
    pub fn special_finding(&self, rel: &Path) -> Diagnostic {
        Diagnostic::whole_file(Rule::FileNotRegular, "not a regular file").in_file(self.display(rel))
    }

    /// What is at `rel`, without following any link.
    pub fn entry(&self, rel: &Path) -> Result<Entry> {
        let Some(name) = rel.file_name() else { return Ok(Entry::Dir) };
        let parent = rel.parent().unwrap_or(Path::new(""));
        let dir = match open_beneath(self.fd.as_fd(), parent, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()) {
            Ok(d) => d,
            Err(e) if is_loop(&e) => return Ok(Entry::Symlink(self.first_link(parent))),
            Err(e) if is_missing(&e) => return Ok(Entry::Missing),
            Err(e) => return Err(Error::io(&self.root.join(rel), "cannot read", e)),
        };
        match rfs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(match FileType::from_raw_mode(st.st_mode) {
                FileType::RegularFile => Entry::File,
                FileType::Directory => Entry::Dir,
                FileType::Symlink => Entry::Symlink(rel.to_path_buf()),
                _ => Entry::Special,
            }),
            Err(e) if is_missing(&io_err(e)) => Ok(Entry::Missing),
            Err(e) => Err(Error::io(&self.root.join(rel), "cannot read", io_err(e))),
        }
    }

    /// Reads a regular file of at most `limit` bytes; `None` when nothing is there. A link on
    /// the way, a special file or a larger file is a finding, and nothing of it is read.
    pub fn read_opt(&self, rel: &Path, limit: usize) -> Result<Option<Result<Vec<u8>, Diagnostic>>> {
        self.read_opened(open_beneath(self.fd.as_fd(), rel, READ_FLAGS, Mode::empty()), rel, limit)
    }

    /// [`Tree::read_opt`] of the file `name` in the directory `dir`, a directory of this tree
    /// opened without following any link (the file is `rel` in the tree): one `openat` relative
    /// to the directory's handle, which refuses a link as the file itself.
    pub(super) fn read_in(
        &self,
        dir: BorrowedFd<'_>,
        name: &std::ffi::OsStr,
        rel: &Path,
        limit: usize,
    ) -> Result<Option<Result<Vec<u8>, Diagnostic>>> {
        let opened = rfs::openat(dir, name, READ_FLAGS | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| if e == Errno::LOOP || is_link(dir, name) { Errno::LOOP } else { e })
            .map_err(io_err);
        self.read_opened(opened, rel, limit)
    }

    /// [`Tree::read_text_opt`] of the file `name` in the directory `dir` (see [`Tree::read_in`]).
    pub(super) fn read_text_in(
        &self,
        dir: BorrowedFd<'_>,
        name: &std::ffi::OsStr,
        rel: &Path,
        limit: usize,
    ) -> Result<Option<Result<String, Diagnostic>>> {
        Ok(match self.read_in(dir, name, rel, limit)? {
            None => None,
            Some(Err(d)) => Some(Err(d)),
            Some(Ok(bytes)) => Some(schema::decode_owned(bytes).map_err(|d| d.in_file(self.display(rel)))),
        })
    }

    /// Opens the directory `rel` for listing, with no link on the way.
    pub(super) fn open_dir(&self, rel: &Path) -> io::Result<OwnedFd> {
        open_beneath(self.fd.as_fd(), rel, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())
    }

    /// The rest of a read once the file is opened (or not): only a regular file of at most
    /// `limit` bytes is read, in one `read` sized from `fstat` when the file holds still.
    fn read_opened(&self, opened: io::Result<OwnedFd>, rel: &Path, limit: usize) -> Result<Option<Result<Vec<u8>, Diagnostic>>> {
        let fd = match opened {
            Ok(fd) => fd,
            Err(e) if is_loop(&e) => return Ok(Some(Err(self.symlink_finding(rel, &self.first_link(rel))))),
            Err(e) if is_missing(&e) => return Ok(None),
            // A socket cannot be opened.
            Err(e) if e.raw_os_error() == Some(Errno::NXIO.raw_os_error()) => return Ok(Some(Err(self.special_finding(rel)))),
            Err(e) => return Err(Error::io(Path::new(&self.display(rel)), "cannot open", e)),
        };
        let st = rfs::fstat(&fd).map_err(|e| Error::io(Path::new(&self.display(rel)), "cannot read", io_err(e)))?;
        match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => {}
            FileType::Directory => return Err(Error::io(Path::new(&self.display(rel)), "cannot read", super::is_a_directory())),
            _ => return Ok(Some(Err(self.special_finding(rel)))),
        }
        let too_large = |size: u64| {
            let msg = format!("the file is {size} bytes; at most {limit} are accepted");
            Ok(Some(Err(Diagnostic::whole_file(Rule::FileTooLarge, msg).in_file(self.display(rel)))))
        };
        if st.st_nlink > 1 {
            return Ok(Some(Err(self.hardlink_finding(rel, st.st_nlink as u64))));
        }
        let size = u64::try_from(st.st_size).unwrap_or(0);
        if size > limit as u64 {
            return too_large(size);
        }
        let bytes = read_sized(&fd, size as usize, limit).map_err(|e| Error::io(Path::new(&self.display(rel)), "cannot read", e))?;
        if bytes.len() > limit {
            return too_large(bytes.len() as u64);
        }
        Ok(Some(Ok(bytes)))
    }

    /// [`Tree::read_opt`] decoded as UTF-8 (a byte-order mark is dropped); a file that is not
    /// UTF-8 is a finding.
    pub fn read_text_opt(&self, rel: &Path, limit: usize) -> Result<Option<Result<String, Diagnostic>>> {
        Ok(match self.read_opt(rel, limit)? {
            None => None,
            Some(Err(d)) => Some(Err(d)),
            Some(Ok(bytes)) => Some(schema::decode_owned(bytes).map_err(|d| d.in_file(self.display(rel)))),
        })
    }

    /// [`Tree::read_text_opt`] for a file that must exist.
    pub fn read_text(&self, rel: &Path, limit: usize) -> Result<Result<String, Diagnostic>> {
        self.read_text_opt(rel, limit)?.ok_or_else(|| Error::io(Path::new(&self.display(rel)), "cannot open", super::not_found()))
    }

    /// Creates the directory `rel` and its parents inside the tree; an existing link on the way
    /// is a finding, never followed.
    pub fn create_dirs(&self, rel: &Path) -> Result<Result<(), Diagnostic>> {
        let err = |e: io::Error| Error::io(Path::new(&self.display(rel)), "cannot create directory", e);
        let mut cur: Option<OwnedFd> = None;
        let mut prefix = PathBuf::new();
        for name in names(rel).map_err(err)? {
            prefix.push(name);
            let at = cur.as_ref().map_or(self.fd.as_fd(), |f| f.as_fd());
            match rfs::mkdirat(at, name, Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(err(io_err(e))),
            }
            match rfs::openat(at, name, OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty()) {
                Ok(fd) => cur = Some(fd),
                Err(_) if is_link(at, name) => return Ok(Err(self.symlink_finding(&prefix, &prefix))),
                Err(e) => return Err(err(io_err(e))),
            }
        }
        Ok(Ok(()))
    }

    /// Removes the regular file `rel`, or the empty directory `rel` when `dir`, with no link on
    /// the way: how a write of several files that failed part way takes back what it wrote.
    pub fn remove(&self, rel: &Path, dir: bool) -> Result<()> {
        let err = |e: io::Error| Error::io(Path::new(&self.display(rel)), "cannot remove", e);
        let Some(name) = rel.file_name() else { return Err(err(super::is_a_directory())) };
        let parent = open_beneath(self.fd.as_fd(), rel.parent().unwrap_or(Path::new("")), OFlags::PATH | OFlags::DIRECTORY, Mode::empty())
            .map_err(err)?;
        let flags = if dir { AtFlags::REMOVEDIR } else { AtFlags::empty() };
        rfs::unlinkat(&parent, name, flags).map_err(|e| err(io_err(e)))
    }

    /// Writes the file `rel` through a temporary file and a rename in its directory, with mode
    /// 0666 less the umask. An existing link or special file there is a finding and is left as
    /// it is; an existing regular file is replaced, or refused with [`Overwrite::Refuse`].
    pub fn write(
        &self,
        rel: &Path,
        overwrite: Overwrite,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Result<(), Diagnostic>> {
        let shown = PathBuf::from(self.display(rel));
        let Some(name) = rel.file_name() else {
            return Err(Error::Usage(format!("{} is not a file name", shown.display())));
        };
        let parent = rel.parent().unwrap_or(Path::new(""));
        let dir = match open_beneath(self.fd.as_fd(), parent, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()) {
            Ok(d) => d,
            Err(e) if is_loop(&e) => return Ok(Err(self.symlink_finding(rel, &self.first_link(parent)))),
            Err(e) => return Err(Error::io(&shown, "cannot open the directory of", e)),
        };
        match rfs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW).map(|s| FileType::from_raw_mode(s.st_mode)) {
            Err(Errno::NOENT) => {}
            Err(e) => return Err(Error::io(&shown, "cannot read", io_err(e))),
            Ok(FileType::Symlink) => return Ok(Err(self.symlink_finding(rel, rel))),
            Ok(FileType::RegularFile) if overwrite == Overwrite::Refuse => {
                return Err(Error::Usage(format!("{} exists; refusing to overwrite it", shown.display())));
            }
            Ok(FileType::RegularFile) => {}
            Ok(FileType::Directory) => return Err(Error::io(&shown, "cannot write", super::is_a_directory())),
            Ok(_) => return Ok(Err(self.special_finding(rel))),
        }
        let tmp = temp_name();
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rfs::openat(&dir, tmp.as_str(), flags, Mode::from_raw_mode(0o666))
            .map_err(|e| Error::io(&shown, "cannot create a temporary file for", io_err(e)))?;
        let result = fill(fd, write).map_err(|e| Error::io(&shown, "cannot write", e)).and_then(|()| {
            rename_into(&dir, &tmp, name, overwrite).map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => Error::Usage(format!("{} exists; refusing to overwrite it", shown.display())),
                _ => Error::io(&shown, "cannot replace", e),
            })
        });
        if result.is_err() {
            let _ = rfs::unlinkat(&dir, tmp.as_str(), AtFlags::empty());
        }
        result.map(Ok)
    }
}

/// The flags every read opens a file with: a FIFO opened this way does not block, and a
/// terminal does not become the controlling one.
const READ_FLAGS: OFlags = OFlags::RDONLY.union(OFlags::NONBLOCK).union(OFlags::NOCTTY);

/// Reads a file `fstat` said holds `size` bytes, at most `limit + 1` of them: one `read` of
/// `size + 1` bytes, which comes back short at the end of a file that held still; a file that
/// grew or shrank meanwhile is read on to its end.
fn read_sized(fd: &OwnedFd, size: usize, limit: usize) -> io::Result<Vec<u8>> {
    let cap = limit.saturating_add(1);
    let mut bytes = vec![0; size.saturating_add(1).min(cap)];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            if len >= cap {
                break;
            }
            bytes.resize(len.saturating_mul(2).max(8192).min(cap), 0);
        }
        let n = match rustix::io::read(fd, &mut bytes[len..]) {
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(io_err(e)),
        };
        len += n;
        if n == 0 || (len == size && len < bytes.len()) {
            break;
        }
    }
    bytes.truncate(len);
    Ok(bytes)
}

/// Writes through a buffer, then flushes and syncs.
fn fill(fd: OwnedFd, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut file = File::from(fd);
    let mut w = BufWriter::with_capacity(1 << 16, &mut file);
    write(&mut w)?;
    w.flush()?;
    drop(w);
    file.sync_all()
}

/// Renames `tmp` to `name` in `dir`; with [`Overwrite::Refuse`], never over an existing entry.
fn rename_into(dir: &OwnedFd, tmp: &str, name: &std::ffi::OsStr, overwrite: Overwrite) -> io::Result<()> {
    if overwrite == Overwrite::Replace {
        return rfs::renameat(dir, tmp, dir, name).map_err(io_err);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    match rfs::renameat_with(dir, tmp, dir, name, rfs::RenameFlags::NOREPLACE) {
        Err(Errno::INVAL | Errno::NOSYS) => {}
        other => return other.map_err(io_err),
    }
    // A hard link fails when the name exists, then the temporary name goes.
    rfs::linkat(dir, tmp, dir, name, AtFlags::empty()).map_err(io_err)?;
    let _ = rfs::unlinkat(dir, tmp, AtFlags::empty());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> (tempfile::TempDir, Tree) {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("a/b")).unwrap();
        std::fs::write(d.path().join("a/b/f.txt"), "hello").unwrap();
        let t = Tree::open(d.path(), "").unwrap();
        (d, t)
    }

    #[test]
    fn reads_regular_files_and_refuses_links_on_the_way() {
        let (d, t) = tree();
        assert_eq!(t.read_text(Path::new("a/b/f.txt"), 100).unwrap().unwrap(), "hello");
        symlink(d.path().join("a"), d.path().join("link")).unwrap();
        let diag = t.read_text(Path::new("link/b/f.txt"), 100).unwrap().unwrap_err();
        assert_eq!((diag.rule, diag.file.as_deref()), (Rule::FileSymlink, Some("link/b/f.txt")));
        assert!(diag.message.contains("`link`"), "{}", diag.message);
        assert_eq!(t.entry(Path::new("link/b/f.txt")).unwrap(), Entry::Symlink("link".into()));
        assert_eq!(t.entry(Path::new("link")).unwrap(), Entry::Symlink("link".into()));
        assert_eq!(t.entry(Path::new("a/b")).unwrap(), Entry::Dir);
        assert_eq!(t.entry(Path::new("nope/x")).unwrap(), Entry::Missing);
        assert!(t.read_opt(Path::new("../x"), 10).is_err());
        let big = t.read_text(Path::new("a/b/f.txt"), 3).unwrap().unwrap_err();
        assert_eq!(big.rule, Rule::FileTooLarge);
    }

    #[test]
    fn the_fallback_without_openat2_refuses_the_same_links() {
        let (d, _) = tree();
        symlink(d.path().join("a"), d.path().join("link")).unwrap();
        let root = rfs::open(d.path(), OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        NO_OPENAT2.store(true, Ordering::Relaxed);
        let via_link = open_beneath(root.as_fd(), Path::new("link/b/f.txt"), OFlags::RDONLY, Mode::empty());
        let direct = open_beneath(root.as_fd(), Path::new("a/b/f.txt"), OFlags::RDONLY, Mode::empty());
        let link_itself = open_beneath(root.as_fd(), Path::new("link"), OFlags::PATH, Mode::empty());
        NO_OPENAT2.store(false, Ordering::Relaxed);
        assert!(is_loop(&via_link.unwrap_err()));
        assert!(direct.is_ok());
        assert!(is_loop(&link_itself.unwrap_err()));
    }

    #[test]
    fn writes_replace_files_but_never_links() {
        let (d, t) = tree();
        t.write(Path::new("a/out.txt"), Overwrite::Replace, |w| w.write_all(b"one")).unwrap().unwrap();
        t.write(Path::new("a/out.txt"), Overwrite::Replace, |w| w.write_all(b"two")).unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(d.path().join("a/out.txt")).unwrap(), "two");
        assert!(t.write(Path::new("a/out.txt"), Overwrite::Refuse, |w| w.write_all(b"x")).is_err());
        let outside = d.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        symlink(&outside, d.path().join("a/link.txt")).unwrap();
        let diag = t.write(Path::new("a/link.txt"), Overwrite::Replace, |w| w.write_all(b"x")).unwrap().unwrap_err();
        assert_eq!(diag.rule, Rule::FileSymlink);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        symlink(d.path().join("a"), d.path().join("dirlink")).unwrap();
        assert_eq!(t.create_dirs(Path::new("dirlink/new")).unwrap().unwrap_err().rule, Rule::FileSymlink);
        t.create_dirs(Path::new("x/y")).unwrap().unwrap();
        assert!(d.path().join("x/y").is_dir());
    }
}
