// SPDX-License-Identifier: Apache-2.0
//! `registryctl build-args`: the image build's inputs as KEY=VALUE lines for $GITHUB_ENV.

use std::path::PathBuf;

use registryctl::registry::Registry;
use registryctl::Result;

use super::{error, out, render_report, DenylistArgs, OutputArgs};

/// Print SOURCE_REPO, SOURCE_TAG, PACKAGE, BUILDER, NAME and VERSION for the image build.
///
/// Takes a server directory (its latest version) or one manifest. The manifest must pass lint;
/// no value may hold a newline or other control character, which could add variables to the job.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl build-args manifests/acme >> \"$GITHUB_ENV\"\n  registryctl build-args manifests/acme/0.2.0.yaml"
)]
pub struct Args {
    /// manifests/<name> or manifests/<name>/<version>.yaml.
    pub path: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let built = Registry::for_target(&a.path, a.denylist.options()?)?.build_args(&a.path)?;
    let Some(args) = built.args else {
        let file = built.linted.manifests.first().map_or_else(|| a.path.display().to_string(), |c| c.found.display());
        error(&format!("{file} fails lint; build-args prints nothing for it"));
        return render_report(built.linted.report, &a.output, &built.linted.notes, "");
    };
    out(&args.iter().map(|(k, v)| format!("{k}={v}\n")).collect::<String>())
}
