// SPDX-License-Identifier: Apache-2.0
//! `registryctl hash`: the manifest hashes the gateway compares for re-consent.

use std::path::PathBuf;

use registryctl::index;
use registryctl::registry::Registry;
use registryctl::Result;

use super::{out, render_report, DenylistArgs, OutputArgs};

/// Print a manifest's hash (SHA-256 of its JSON encoding) and runtime hash (presentation fields and image digest cleared).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  registryctl hash manifests/acme/0.1.0.yaml")]
pub struct Args {
    /// A manifest file.
    pub manifest: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let linted = Registry::for_target(&a.manifest, a.denylist.options()?)?.lint(&a.manifest)?;
    let hashes = linted.parsed().next().filter(|_| linted.report.errors() == 0).map(|m| (index::hash(m), index::runtime_hash(m)));
    match hashes {
        Some((hash, runtime)) => out(&format!("hash {hash}\nruntime-hash {runtime}\n")),
        None => render_report(linted.report, &a.output, &linted.notes, ""),
    }
}
