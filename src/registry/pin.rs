// SPDX-License-Identifier: Apache-2.0
//! [`Registry::pin`]: build-images' last step, as a command. The manifest's `image.digest`
//! scalar is replaced in place ([`crate::schema::pin`]), the file written through a temporary
//! file and a rename, and the catalog's manifests linted again with the pin in place (the same
//! lint as `registryctl lint manifests`); when that lint fails, the pin is undone.

use std::path::{Path, PathBuf};

use super::{Linted, Registry};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::fs::Overwrite;
use crate::schema::pin::{self, DigestScalar};
use crate::schema::rules::identity::{is_valid_name, is_valid_version};
use crate::yaml::MAX_FILE_BYTES;

/// Whether `pin` may replace a digest that is not the planned placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Repin {
    /// Refuse: a real digest was pinned before, maybe published.
    #[default]
    Refuse,
    /// Replace it (`--repin`).
    Allow,
}

/// What `pin` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    /// The planned placeholder was replaced.
    Pinned,
    /// A real digest was replaced (`--repin`).
    Repinned,
    /// The manifest pins this digest already; nothing was written.
    Unchanged,
    /// The pinned manifests failed lint, so the file was written back as it was.
    Undone,
}

/// The result of [`Registry::pin`].
#[derive(Debug)]
pub struct Pinned {
    /// The manifest, as output names it.
    pub file: String,
    /// The digest scalar as it was.
    pub before: DigestScalar,
    /// The digest now pinned (or that was to be).
    pub after: String,
    /// What happened.
    pub outcome: PinOutcome,
    /// The lint of the catalog's manifests with the pin in place; `None` when nothing was
    /// written.
    pub linted: Option<Linted>,
}

/// Splits `name@version`, both valid.
fn parse_ref(reference: &str) -> Result<(&str, &str)> {
    match reference.split_once('@') {
        Some((name, version)) if is_valid_name(name) && is_valid_version(version) => Ok((name, version)),
        _ => Err(Error::Usage(format!(
            "`{reference}` is not NAME@VERSION (a server name, then MAJOR.MINOR.PATCH, as manifests/<name>/<version>.yaml names it)"
        ))),
    }
}

/// The refusal to replace a real digest without `--repin`: what a re-pin does, and what to do.
fn repin_refusal(file: &str, name: &str, old: &str) -> Error {
    Error::Usage(format!(
        "{file} already pins {old}; replacing a real digest needs --repin. The runtime hash leaves the digest out, so no gateway asks its users to consent again, and gateways that installed {name} at this version keep the image they pulled while new installs get the new one. If this version is published (its digest is real on main), the review gate refuses the change (published-digest-changed): publish a new version instead (a new manifests/{name}/<version>.yaml, built and pinned in its turn)"
    ))
}

impl Registry {
    /// Pins `digest` (`sha256:` and 64 lowercase hex digits) as the image of `name@version`:
    /// only the characters of the `image.digest` value change. A real digest is replaced only
    /// with [`Repin::Allow`]. A link or special file in place of the manifest is a finding
    /// (`Err` inside), and nothing is written.
    pub fn pin(&self, reference: &str, digest: &str, repin: Repin) -> Result<std::result::Result<Pinned, Diagnostic>> {
        self.require_checkout("pin edits a manifest of a registry checkout")?;
        let (name, version) = parse_ref(reference)?;
        pin::check_digest(digest).map_err(|e| Error::Usage(e.to_string()))?;
        let tree = self.tree()?;
        let rel: PathBuf = Path::new("manifests").join(name).join(format!("{version}.yaml"));
        let file = tree.display(&rel);
        let bytes = match tree.read_opt(&rel, MAX_FILE_BYTES)? {
            None => return Err(Error::Usage(format!("there is no {file}: pin names a server version of this registry"))),
            Some(Err(d)) => return Ok(Err(d)),
            Some(Ok(bytes)) => bytes,
        };
        let text = match crate::schema::decode(&bytes) {
            Ok(text) => text,
            Err(d) => return Ok(Err(d.in_file(file))),
        };
        let bom = &bytes[..bytes.len() - text.len()];
        let (pinned, before) = pin::set_digest(text, digest).map_err(|e| Error::Usage(format!("{file}: {e}")))?;
        let result = |outcome, linted| Pinned { file: file.clone(), before: before.clone(), after: digest.to_string(), outcome, linted };
        if before.value == digest {
            return Ok(Ok(result(PinOutcome::Unchanged, None)));
        }
        if !before.is_planned() && repin == Repin::Refuse {
            return Err(repin_refusal(&file, name, &before.value));
        }
        let write = |body: &str| tree.write(&rel, Overwrite::Replace, |w| w.write_all(bom).and_then(|()| w.write_all(body.as_bytes())));
        if let Err(d) = write(&pinned)? {
            return Ok(Err(d));
        }
        let linted = self.lint_manifests(&tree, Path::new("manifests"), Vec::new(), None, super::pass::Keep::Facts)?.0;
        let outcome = if linted.report.errors() > 0 {
            write(text)?.map_err(|d| Error::Usage(format!("{file}: cannot undo the pin: {}", d.message)))?;
            PinOutcome::Undone
        } else if before.is_planned() {
            PinOutcome::Pinned
        } else {
            PinOutcome::Repinned
        };
        Ok(Ok(result(outcome, Some(linted))))
    }
}
