// SPDX-License-Identifier: Apache-2.0
//! `registryctl check`: the whole registry in one pass; what the lint workflow runs.

use std::path::PathBuf;

use registryctl::registry::Registry;
use registryctl::Result;

use super::{render_report, DenylistArgs, OutputArgs};

/// Check the whole registry in one pass: manifests, toolspecs, pairing, policy exceptions, catalog/sources.tsv, CATALOG.md and schemas/ freshness.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl check\n  registryctl check --format github --deny-warnings")]
pub struct Args {
    /// The registry checkout, or any path inside it (its root is found from the real path).
    #[arg(default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let checked = Registry::for_target(&a.root, a.denylist.options()?)?.check()?;
    let ok = format!("check OK: {} manifest(s), {} toolspec(s)", checked.manifests, checked.toolspecs);
    render_report(checked.report, &a.output, &checked.notes, &ok)
}
