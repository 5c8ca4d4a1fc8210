// SPDX-License-Identifier: Apache-2.0
//! `registryctl pin`: write the pushed image's digest into its manifest, and nothing else.

use std::path::PathBuf;

use registryctl::registry::{PinOutcome, Registry, Repin};
use registryctl::{Error, Result};

use super::{complete, note, reject_finding, render_report, shown, DenylistArgs, OutputArgs};

/// Pin a server version's image: replace image.digest in manifests/<name>/<version>.yaml with DIGEST, every other byte unchanged, then lint the manifests again.
///
/// The value's characters are all that change: comments, quotes and layout stay as written,
/// so the pull request that pins an image is a one-line diff. A real digest (not the planned
/// placeholder) is replaced only with --repin. When the manifests fail lint with the pin in
/// place (say, another version pins the same digest), the file is written back as it was and
/// pin exits 1.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl pin asana@0.1.0 \"$DIGEST\"   # the index digest build-images printed (sha256:…)")]
pub struct Args {
    /// The server version: NAME@VERSION, as manifests/<name>/<version>.yaml names it.
    #[arg(value_name = "NAME@VERSION", add = complete::server_refs())]
    pub reference: String,
    /// The image digest: sha256: and 64 lowercase hex digits (the OCI image index build-images pushed).
    #[arg(value_name = "DIGEST")]
    pub digest: String,
    /// Replace a real digest, not only the planned placeholder. The runtime hash leaves the
    /// digest out, so no gateway asks its users to consent again and installed gateways keep
    /// the old image; the review gate refuses it for a published version (publish a new one).
    #[arg(long)]
    pub repin: bool,
    /// The registry checkout, or any path inside it (its root is found from the real path).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let repin = if a.repin { Repin::Allow } else { Repin::Refuse };
    let pinned = match Registry::for_target(&a.root, a.denylist.options()?)?.pin(&a.reference, &a.digest, repin)? {
        Ok(p) => p,
        Err(finding) => return reject_finding(finding, &a.output),
    };
    let (file, old, line) = (shown(&pinned.file), &pinned.before.value, pinned.before.line);
    let ok = match pinned.outcome {
        PinOutcome::Unchanged => return super::out(&format!("{file}: image.digest is {old} already; nothing to do\n")),
        PinOutcome::Pinned => format!("pinned {}: {file}:{line}: image.digest {old} -> {}", a.reference, pinned.after),
        PinOutcome::Repinned => {
            note(&format!(
                "warning: re-pinned a real digest ({old}): no gateway asks its users to consent again (the runtime hash leaves the digest out), and gateways that installed {} keep the image they pulled; if this version is published, the review gate refuses this change (published-digest-changed): publish a new version instead",
                a.reference
            ));
            format!("re-pinned {}: {file}:{line}: image.digest {old} -> {}", a.reference, pinned.after)
        }
        PinOutcome::Undone => {
            note(&format!("error: with {} pinned the manifests fail lint (below), so {file} was written back as it was", pinned.after));
            String::new()
        }
    };
    let linted = pinned.linted.ok_or_else(|| Error::Usage("pin wrote the manifest without linting it".into()))?;
    render_report(linted.report, &a.output, &linted.notes, &ok)
}
