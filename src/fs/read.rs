// SPDX-License-Identifier: Apache-2.0
//! Reading files: catalog files bounded in size and decoded as UTF-8 (a finding when they are
//! not), and small inputs (keys, lists, indexes) whole.

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
