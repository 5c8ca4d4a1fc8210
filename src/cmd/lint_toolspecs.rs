// SPDX-License-Identifier: Apache-2.0
//! `registryctl lint-toolspecs`: toolspec rules and pairing with the already-parsed manifests.

use std::path::PathBuf;

use registryctl::registry::Registry;
use registryctl::Result;

use super::{render_report, OutputArgs, PolicyArgs};

/// Check toolspecs and pair each with its manifest (same name, version and tools; hosts on the egress allowlist).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl lint-toolspecs toolspecs\n  registryctl lint-toolspecs toolspecs/asana/0.1.0.yaml --manifests manifests"
)]
pub struct Args {
    /// The toolspecs directory (every toolpack manifest must then have a toolspec), one
    /// server's directory (that server's manifests must), or one toolspec file.
    pub path: PathBuf,
    /// The manifests directory to pair with (default: the registry checkout's manifests/).
    #[arg(long, value_name = "DIR")]
    pub manifests: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let linted = Registry::for_target(&a.path, a.policy.options()?)?.lint_toolspecs(&a.path, a.manifests.as_deref())?;
    render_report(linted.report, &a.output, &[], &format!("lint-toolspecs OK: {} toolspec(s)", linted.toolspecs))
}
