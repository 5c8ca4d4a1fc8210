// SPDX-License-Identifier: Apache-2.0
//! Reading files: catalog files bounded in size and decoded as UTF-8 (a finding when they are
//! not), and the inputs a user names (keys, signatures, indexes, lists), bounded too, and
//! under a registry tree's rules when they lie inside a checkout.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::diag::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::schema;
use crate::yaml::MAX_FILE_BYTES;

/// Reads at most `limit + 1` bytes of `r`, never holding more: a source that does not end
/// (`/dev/zero`) costs `limit + 1` bytes of memory, not whatever a growing buffer doubles to.
/// `hint` is a regular file's size (0 for a stream): the buffer is sized to it up front, and a
/// stream's to the whole `limit + 1` at once (pages are only touched as bytes arrive), so the
/// buffer is never copied while it grows. More than `limit` bytes read means the source is over
/// the limit.
pub fn read_capped(r: &mut impl Read, limit: usize, hint: u64) -> std::io::Result<Vec<u8>> {
    let cap = limit.saturating_add(1);
    let initial = if hint == 0 { cap } else { usize::try_from(hint).unwrap_or(cap).saturating_add(1).min(cap) };
    let mut buf = Vec::with_capacity(initial);
    let mut chunk = vec![0u8; (64 << 10).min(cap)];
    while buf.len() < cap {
        let want = chunk.len().min(cap - buf.len());
        let n = match r.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.capacity() - buf.len() < n {
            let grown = buf.capacity().saturating_mul(2).max(buf.len() + n).min(cap);
            buf.reserve_exact(grown - buf.len());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(buf)
}

/// Reads a catalog file's text: at most [`MAX_FILE_BYTES`] are read, UTF-8 is required. A file
/// that is too large or not UTF-8 is a finding (named by the caller), not an error.
pub fn read_text(path: &Path) -> Result<Result<String, Diagnostic>> {
    let mut file = fs::File::open(path).map_err(|e| Error::io(path, "cannot open", e))?;
    let len = file.metadata().map_or(0, |m| m.len());
    let bytes = read_capped(&mut file, MAX_FILE_BYTES, len).map_err(|e| Error::io(path, "cannot read", e))?;
    let name = path.display().to_string();
    if bytes.len() > MAX_FILE_BYTES {
        let size = fs::metadata(path).map(|m| m.len()).unwrap_or(bytes.len() as u64);
        let msg = format!("the file is {size} bytes; at most {MAX_FILE_BYTES} are accepted");
        return Ok(Err(Diagnostic::whole_file(Rule::FileTooLarge, msg).in_file(name)));
    }
    Ok(schema::decode_owned(bytes).map_err(|d| d.in_file(name)))
}

/// What a file the user names holds, which decides how much of it is read and what a file
/// over that says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// An index (`verify --in`, `--previous`, `sign --in`, `resolve --index`): at most the
    /// gateway's 32 MiB, as a gateway reads no more.
    Index,
    /// A signature file: one hex signature and a newline.
    Signature,
    /// A key file: a private key, or public keys one a line.
    Key,
    /// A list: a denylist named with `--denylist`, the files `--annotate-only` names.
    List,
}

impl Input {
    /// The most bytes read.
    pub fn limit(self) -> usize {
        match self {
            Input::Index => crate::index::GATEWAY_INDEX_LIMIT as usize,
            Input::Signature | Input::Key => 64 << 10,
            Input::List => 16 << 20,
        }
    }

    /// What the file is, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Input::Index => "an index",
            Input::Signature => "a signature file",
            Input::Key => "a key file",
            Input::List => "a list",
        }
    }

    /// The help of a `file-too-large` finding about such a file.
    pub fn too_large_help(self) -> String {
        match self {
            Input::Index => {
                "a gateway reads at most 32 MiB of index (io.LimitReader(…, 32<<20)) and fails a larger one; is this the index, and whole?"
                    .into()
            }
            Input::Signature => "a signature file holds one signature of 128 hex characters and a newline; is this the .sig file?".into(),
            Input::Key => {
                "a key file holds one key (a private key of 128 hex) or public keys of 64 hex, one a line; is this the key file?".into()
            }
            Input::List => format!("{} holds one name a line, far under {} MiB; is this the list?", self.noun(), self.limit() >> 20),
        }
    }

    fn too_large(self, path: &Path, size: Option<u64>) -> Diagnostic {
        let limit = self.limit();
        let size = size.map_or_else(|| format!("over {limit} bytes"), |s| format!("{s} bytes"));
        let msg = format!("the file is {size}; {} is read up to {limit} bytes", self.noun());
        Diagnostic::whole_file(Rule::FileTooLarge, msg).with_help(self.too_large_help()).in_file(path.display().to_string())
    }
}

/// Reads a file the user named (a key, a signature, an index, a list), at most
/// [`Input::limit`] bytes of it plus one. Inside a registry checkout it is a registry file: a
/// link on the way, a special file, a file with other hard links or a file over the limit is a
/// finding naming `path`, and nothing of it is read. Elsewhere (a key in a private directory,
/// a pipe from the shell) it is read as named. A leading UTF-8 byte-order mark stays: text
/// readers drop it ([`crate::schema::decode_owned`]), and an index or signature is bytes.
pub fn read_input(path: &Path, what: &'static str, kind: Input) -> Result<Result<Vec<u8>, Diagnostic>> {
    let limit = kind.limit();
    let located = super::locate(path)?;
    if let (Some(root), Some(rel)) = (&located.root, located.rel()) {
        let tree = super::Tree::open(root, "")?;
        let read = tree.read_opt(&rel, limit).map_err(|e| match e {
            Error::Io { source, .. } => Error::io(path, what, source),
            other => other,
        });
        return match read? {
            None => Err(Error::io(path, what, super::not_found())),
            Some(Err(d)) if d.rule == Rule::FileTooLarge => Ok(Err(kind.too_large(path, None))),
            Some(r) => Ok(r.map_err(|d| d.in_file(path.display().to_string()))),
        };
    }
    let mut file = fs::File::open(path).map_err(|e| Error::io(path, what, e))?;
    let hint = file.metadata().map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    let bytes = read_capped(&mut file, limit, hint).map_err(|e| Error::io(path, what, e))?;
    if bytes.len() > limit {
        let size = fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.len());
        return Ok(Err(kind.too_large(path, size)));
    }
    Ok(Ok(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that never ends, counting what was asked of it.
    struct Endless(usize);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            buf.fill(0);
            Ok(buf.len())
        }
    }

    #[test]
    fn an_endless_source_is_read_to_its_limit_and_one_byte_no_more() {
        for limit in [0, 1, 100, 64 << 10, (1 << 20) + 3] {
            let mut src = Endless(0);
            let buf = read_capped(&mut src, limit, 0).unwrap();
            assert_eq!((buf.len(), src.0), (limit + 1, limit + 1));
            assert!(buf.capacity() <= limit + 1, "{limit}: capacity {}", buf.capacity());
        }
        let mut short: &[u8] = b"hello";
        assert_eq!(read_capped(&mut short, 100, 5).unwrap(), b"hello");
    }

    #[test]
    fn each_kind_names_its_own_limit() {
        assert_eq!(Input::Index.limit(), 32 << 20);
        let d = Input::Index.too_large(Path::new("x.json"), None);
        assert!(d.message.contains("an index is read up to 33554432 bytes"), "{}", d.message);
        assert!(d.help.contains("32 MiB"), "{}", d.help);
        assert!(!Input::Key.too_large_help().contains("manifest"));
    }
}
