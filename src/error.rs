// SPDX-License-Identifier: Apache-2.0
//! The library's one error type. The binary decides exit codes from it, in one place:
//! [`Error::Rejected`] is an input that failed a check (exit 1), everything else is a usage or
//! I/O problem (exit 2). Findings are not errors: they are data in a [`crate::diag::Report`].

use std::io;
use std::path::{Path, PathBuf};

use crate::diag::Counts;
use crate::index::IndexError;
use crate::sign::KeyError;
use crate::trust::TrustError;

/// Every way a library call can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {what}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done, e.g. "cannot read".
        what: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// An argument, environment variable or path that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// A key that cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// An index that cannot be built or read.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// An input that failed a check.
    #[error(transparent)]
    Rejected(#[from] Rejected),
}

impl Error {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, what: &'static str, source: io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), what, source }
    }
}

/// An input that failed a check: findings, a signature that does not verify, an index that is
/// not one `build-index` would write, a ref that does not resolve.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    /// The run's findings fail it (they have been rendered already).
    #[error("{counts}{}", if *.warnings_denied { " (warnings denied)" } else { "" })]
    Findings {
        /// How many findings.
        counts: Counts,
        /// Whether only denied warnings fail the run.
        warnings_denied: bool,
    },
    /// A signature file that does not verify the data.
    #[error("{}: {source}", file.display())]
    Signature {
        /// The signature file.
        file: PathBuf,
        /// Why it does not verify.
        source: KeyError,
    },
    /// An index `sign` refuses.
    #[error("refusing to sign {}: {source}", file.display())]
    Index {
        /// The index file.
        file: PathBuf,
        /// What is wrong with it.
        source: IndexError,
    },
    /// A ref the index does not resolve.
    #[error(transparent)]
    Ref(IndexError),
    /// An index `verify` refuses: signature, freshness, or against the previous index.
    #[error("{}: {source}", file.display())]
    Trust {
        /// The index or signature file the refusal is about.
        file: PathBuf,
        /// Why.
        source: TrustError,
    },
    /// An index `build-index` refuses to write (it would be over the gateway's size limit).
    #[error("{} not written: {source}", file.display())]
    Build {
        /// The index file.
        file: PathBuf,
        /// Why.
        source: IndexError,
    },
}

/// A library result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
