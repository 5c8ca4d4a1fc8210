// SPDX-License-Identifier: Apache-2.0
//! Reading a registry tree from git's object database, without a checkout (`registryctl diff
//! --base-ref`). It runs git's plumbing (`rev-parse`, `ls-tree -z`, `cat-file --batch`), git's
//! stable scripting interface, so the repository is read exactly as the user's git reads it
//! (worktrees, alternates, partial clones, `safe.directory`), with no git library to keep in step.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diag::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::schema;
use crate::yaml::MAX_FILE_BYTES;

/// One commit of the repository a directory belongs to.
#[derive(Debug, Clone)]
pub struct GitTree {
    /// The repository's top-level directory.
    top: PathBuf,
    /// The directory's path inside the repository: empty, or ending in `/`.
    prefix: String,
    /// The commit, as a full object id.
    commit: String,
    /// The revision as the user wrote it, for messages.
    rev: String,
}

/// A file found at `<sub>/<dir>/<file>` in the tree.
#[derive(Debug)]
pub struct GitFile {
    /// Its directory's name.
    pub dir: String,
    /// Its file name.
    pub file: String,
    /// Its text, or the finding that it is too large or not UTF-8 (named `<rev>:<path>`).
    pub text: std::result::Result<String, Diagnostic>,
}

/// What a directory of the tree holds: its files, and the names where a server's directory
/// belongs but a link or submodule stands (refused, as on disk: see `fs::walk`).
#[derive(Debug, Default)]
pub struct GitListing {
    /// Every `<dir>/<file>.yaml`; a link or submodule there has the finding as its text.
    pub files: Vec<GitFile>,
    /// `(name, finding)` for each link or submodule where a server's directory belongs.
    pub refused: Vec<(String, Diagnostic)>,
}

/// The finding for a tree entry of mode `mode` that is not a regular file or a directory.
fn refused_entry(mode: &str, name: String) -> Option<Diagnostic> {
    match mode {
        "120000" => Some(Diagnostic::whole_file(Rule::FileSymlink, super::tree::SYMLINK).in_file(name)),
        "160000" => Some(Diagnostic::whole_file(Rule::FileNotRegular, "a submodule, not a regular file").in_file(name)),
        _ => None,
    }
}

/// Runs git in `dir`; stdout on success, a usage error quoting git's message otherwise.
fn git(dir: &Path, args: &[&str]) -> Result<Option<String>> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let out = Command::new("git")
        .arg("--literal-pathspecs")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io(Path::new("git"), "cannot run", e))?;
    if !out.status.success() {
        return Ok(None);
    }
    String::from_utf8(out.stdout).map(Some).map_err(|_| Error::Usage(format!("git {} printed something that is not UTF-8", args.join(" "))))
}

fn line(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim_end_matches('\n').to_string())
}

impl GitTree {
    /// The commit `rev` names in the repository `dir` belongs to, seen from `dir`.
    pub fn open(dir: &Path, rev: &str) -> Result<GitTree> {
        if rev.is_empty() || rev.starts_with('-') || rev.chars().any(char::is_control) {
            return Err(Error::Usage(format!("`{rev}` is not a git revision (a branch, tag or commit, not starting with `-`)")));
        }
        let shown = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let not_repo = || Error::Usage(format!("{} is not inside a git repository, so --base-ref cannot read from it", shown.display()));
        let top = line(git(dir, &["rev-parse", "--show-toplevel"])?).ok_or_else(not_repo)?;
        let prefix = line(git(dir, &["rev-parse", "--show-prefix"])?).ok_or_else(not_repo)?;
        let spec = format!("{rev}^{{commit}}");
        let commit = line(git(dir, &["rev-parse", "--verify", "--quiet", "--end-of-options", &spec])?)
            .ok_or_else(|| Error::Usage(format!("`{rev}` is not a commit in the git repository at {}", shown.display())))?;
        Ok(GitTree { top: PathBuf::from(top), prefix, commit, rev: rev.to_string() })
    }

    /// The full object id of the commit.
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// Every `.yaml` file exactly at `<sub>/<dir>/<file>` under the directory, in path order;
    /// a link or submodule there is listed with its finding, and one where a server's directory
    /// belongs is refused. Anything else there is `check`'s to report. Empty when `<sub>` does
    /// not exist.
    pub fn files(&self, sub: &str) -> Result<GitListing> {
        let base = format!("{}{sub}", self.prefix);
        let listing = git(&self.top, &["ls-tree", "-r", "-z", "--full-name", &self.commit, "--", &base])?
            .ok_or_else(|| Error::Usage(format!("git ls-tree cannot list {base} in {}", self.rev)))?;
        let mut wanted = Vec::new();
        let mut out = GitListing::default();
        for entry in listing.split('\0').filter(|e| !e.is_empty()) {
            let Some((meta, path)) = entry.split_once('\t') else { continue };
            let mut meta = meta.split(' ');
            let (mode, kind, oid) = (meta.next().unwrap_or_default(), meta.next(), meta.next());
            let Some(rest) = path.strip_prefix(&base).and_then(|p| p.strip_prefix('/')) else { continue };
            let name = format!("{}:{base}/{rest}", self.rev);
            let Some((dir, file)) = rest.split_once('/') else {
                out.refused.extend(refused_entry(mode, name).map(|d| (rest.to_string(), d)));
                continue;
            };
            if file.contains('/') || !file.ends_with(".yaml") {
                continue;
            }
            if matches!(mode, "100644" | "100755") && kind == Some("blob") {
                wanted.push((dir.to_string(), file.to_string(), oid.unwrap_or_default().to_string()));
            } else if let Some(d) = refused_entry(mode, name) {
                out.files.push(GitFile { dir: dir.to_string(), file: file.to_string(), text: Err(d) });
            }
        }
        let texts =
            self.blobs(&wanted.iter().map(|(d, f, oid)| (format!("{}:{base}/{d}/{f}", self.rev), oid.as_str())).collect::<Vec<_>>())?;
        out.files.extend(wanted.into_iter().zip(texts).map(|((dir, file, _), text)| GitFile { dir, file, text }));
        Ok(out)
    }

    /// Reads blobs through one `git cat-file --batch`, each bounded like a file on disk.
    fn blobs(&self, wanted: &[(String, &str)]) -> Result<Vec<std::result::Result<String, Diagnostic>>> {
        let failed = |e: io::Error| Error::io(Path::new("git cat-file"), "cannot read", e);
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::io(Path::new("git"), "cannot run", e))?;
        let mut stdin = child.stdin.take().ok_or_else(|| failed(io::Error::other("no stdin")))?;
        let ids: String = wanted.iter().map(|(_, oid)| format!("{oid}\n")).collect();
        // Written from another thread: git answers while it reads, and a full pipe either way
        // would stop both.
        let writer = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
        let mut out = BufReader::new(child.stdout.take().ok_or_else(|| failed(io::Error::other("no stdout")))?);
        let texts = wanted.iter().map(|(name, oid)| read_blob(&mut out, name, oid).map_err(failed)).collect::<Result<Vec<_>>>();
        drop(out);
        let wrote = writer.join().map_err(|_| failed(io::Error::other("writer panicked")))?;
        let status = child.wait().map_err(failed)?;
        let texts = texts?;
        wrote.map_err(failed)?;
        if !status.success() {
            return Err(failed(io::Error::other(format!("git cat-file exited with {status}"))));
        }
        Ok(texts)
    }
}

/// Reads one `<oid> <type> <size>\n<bytes>\n` answer.
fn read_blob(out: &mut impl BufRead, name: &str, oid: &str) -> io::Result<std::result::Result<String, Diagnostic>> {
    let mut header = String::new();
    out.read_line(&mut header)?;
    let mut fields = header.trim_end().split(' ');
    let size = match (fields.next(), fields.next(), fields.next()) {
        (Some(id), Some("blob"), Some(size)) if id == oid => size.parse::<u64>().map_err(io::Error::other)?,
        _ => return Err(io::Error::other(format!("unexpected answer for {name}: {}", header.trim_end()))),
    };
    let finding = if size > MAX_FILE_BYTES as u64 {
        io::copy(&mut out.take(size), &mut io::sink())?;
        let msg = format!("the file is {size} bytes; at most {MAX_FILE_BYTES} are accepted");
        Some(Diagnostic::whole_file(Rule::FileTooLarge, msg).in_file(name))
    } else {
        None
    };
    let mut bytes = Vec::with_capacity(if finding.is_some() { 0 } else { size as usize });
    if finding.is_none() {
        out.take(size).read_to_end(&mut bytes)?;
    }
    let mut newline = [0u8; 1];
    out.read_exact(&mut newline)?;
    Ok(match finding {
        Some(d) => Err(d),
        None => schema::decode_owned(bytes).map_err(|d| d.in_file(name)),
    })
}
