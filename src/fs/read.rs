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
    read_text_limited(path, MAX_FILE_BYTES)
}

/// [`read_text`] with another bound, for catalog files that grow with the catalog
/// (`catalog/sources.tsv` has a row per server).
pub fn read_text_limited(path: &Path, max: usize) -> Result<Result<String, Diagnostic>> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, "cannot open", e))?;
    // Sized from the file's length, so a file is read in one call rather than in growing chunks.
    let len = file.metadata().map_or(0, |m| m.len() as usize).min(max + 1);
    let mut bytes = Vec::with_capacity(len + 1);
    file.take(max as u64 + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, "cannot read", e))?;
    let name = path.display().to_string();
    if bytes.len() > max {
        let size = fs::metadata(path).map(|m| m.len()).unwrap_or(bytes.len() as u64);
        let msg = format!("the file is {size} bytes; at most {max} are accepted");
        return Ok(Err(Diagnostic::whole_file(Rule::FileTooLarge, msg).in_file(name)));
    }
    Ok(schema::decode_owned(bytes).map_err(|d| d.in_file(name)))
}

/// Reads a small text file whole; `what` says what it is in the error ("cannot read denylist").
pub fn read_to_string(path: &Path, what: &'static str) -> Result<String> {
    fs::read_to_string(path).map_err(|e| Error::io(path, what, e))
}

/// Reads a file's bytes whole.
pub fn read_bytes(path: &Path, what: &'static str) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io(path, what, e))
}
