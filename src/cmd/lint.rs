// SPDX-License-Identifier: Apache-2.0
//! `registryctl lint`: schema, policy and layout checks over manifests.

use std::path::PathBuf;

use registryctl::registry::Registry;
use registryctl::Result;

use super::{render_report, DenylistArgs, OutputArgs};

/// Check manifests: strict schema, egress policy, denylist and file layout.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl lint manifests\n  registryctl lint manifests/asana/0.1.0.yaml --format github\n  registryctl lint manifests --denylist denylist/exfil-domains.txt --deny-warnings"
)]
pub struct Args {
    /// A manifests directory, a server's directory, or one manifest file (a registry checkout's
    /// root means its manifests/). The checkout is found from the path's real location.
    pub path: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let linted = Registry::for_target(&a.path, a.denylist.options()?)?.lint(&a.path)?;
    let ok = format!("lint OK: {} manifest(s)", linted.manifests.len());
    render_report(linted.report, &a.output, &linted.notes, &ok)
}
