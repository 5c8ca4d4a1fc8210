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

/// Reads a catalog file's text: at most [`MAX_FILE_BYTES`] are read, UTF-8 is required. A file
/// that is too large or not UTF-8 is a finding (named by the caller), not an error.
pub fn read_text(path: &Path) -> Result<Result<String, Diagnostic>> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, "cannot open", e))?;
    // Sized from the file's length, so a file is read in one call rather than in growing chunks.
    let len = file.metadata().map_or(0, |m| m.len() as usize).min(MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(len + 1);
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, "cannot read", e))?;
    let name = path.display().to_string();
    if bytes.len() > MAX_FILE_BYTES {
        let size = fs::metadata(path).map(|m| m.len()).unwrap_or(bytes.len() as u64);
        let msg = format!("the file is {size} bytes; at most {MAX_FILE_BYTES} are accepted");
        return Ok(Err(Diagnostic::whole_file(Rule::FileTooLarge, msg).in_file(name)));
    }
    Ok(schema::decode_owned(bytes).map_err(|d| d.in_file(name)))
}

/// The most [`read_to_string`] reads: keys, lists and denylists are far smaller.
pub const MAX_SMALL_FILE_BYTES: u64 = 16 << 20;

/// Reads a small text file whole, at most [`MAX_SMALL_FILE_BYTES`] (so `/dev/zero` behind a
/// name is an error, not a process that grows without end); `what` says what it is in the error
/// ("cannot read denylist").
pub fn read_to_string(path: &Path, what: &'static str) -> Result<String> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, what, e))?;
    let mut text = String::new();
    file.take(MAX_SMALL_FILE_BYTES + 1).read_to_string(&mut text).map_err(|e| Error::io(path, what, e))?;
    if text.len() as u64 > MAX_SMALL_FILE_BYTES {
        let e = std::io::Error::other(format!("larger than {MAX_SMALL_FILE_BYTES} bytes"));
        return Err(Error::io(path, what, e));
    }
    Ok(text)
}

/// Reads a file's bytes whole.
pub fn read_bytes(path: &Path, what: &'static str) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io(path, what, e))
}

/// The most bytes read from a key or signature file.
pub const MAX_KEY_BYTES: usize = 64 << 10;
/// The most bytes read from an index (a 100,000-server index is about 120 MB).
pub const MAX_INDEX_BYTES: usize = 1 << 30;

/// Reads a file the user named (a key, a signature, an index, a denylist). Inside a registry
/// checkout it is a registry file: a link on the way, a special file or a file over `limit` is
/// a finding naming `path`, and nothing of it is read. Elsewhere (a key in a private directory,
/// a pipe from the shell) it is read as named, at most `limit` bytes.
pub fn read_input(path: &Path, what: &'static str, limit: usize) -> Result<Result<Vec<u8>, Diagnostic>> {
    let located = super::locate(path)?;
    if let (Some(root), Some(rel)) = (&located.root, located.rel()) {
        let tree = super::Tree::open(root, "")?;
        let read = tree.read_opt(&rel, limit).map_err(|e| match e {
            Error::Io { source, .. } => Error::io(path, what, source),
            other => other,
        });
        return match read? {
            None => Err(Error::io(path, what, super::not_found())),
            Some(r) => Ok(r.map_err(|d| d.in_file(path.display().to_string()))),
        };
    }
    let file = fs::File::open(path).map_err(|e| Error::io(path, what, e))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, what, e))?;
    if bytes.len() > limit {
        let msg = format!("the file is over {limit} bytes; at most {limit} are accepted");
        return Ok(Err(Diagnostic::whole_file(Rule::FileTooLarge, msg).in_file(path.display().to_string())));
    }
    Ok(Ok(bytes))
}
