// SPDX-License-Identifier: Apache-2.0
//! `registryctl build-args`: the image build's inputs as KEY=VALUE lines for $GITHUB_ENV.

use std::path::PathBuf;

use registryctl::output::{self, BuildArgsOutput};
use registryctl::registry::Registry;
use registryctl::render::Format;
use registryctl::Result;

use super::{complete, error, out, render_report, DenylistArgs, OutputArgs};

/// Print SOURCE_REPO, SOURCE_TAG, PACKAGE, BUILDER, NAME and VERSION for the image build.
///
/// Takes a server directory (its latest version) or one manifest. The manifest must pass lint;
/// no value may hold a newline or other control character, which could add variables to the job.
/// With --format json, prints one object (schemas/build-args-output.schema.json).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl build-args manifests/asana >> \"$GITHUB_ENV\"\n  registryctl build-args manifests/asana/0.1.0.yaml --format json"
)]
pub struct Args {
    /// manifests/<name> or manifests/<name>/<version>.yaml.
    #[arg(add = complete::server_paths())]
    pub path: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let built = Registry::for_target(&a.path, a.denylist.options()?)?.build_args(&a.path)?;
    let Some(args) = built.args else {
        error(&format!("{} fails lint; build-args prints nothing for it", built.file));
        return render_report(built.linted.report, &a.output, &built.linted.notes, "");
    };
    if a.output.format == Format::Json {
        return out(&output::to_json(&BuildArgsOutput::from_pairs(&args)));
    }
    out(&args.iter().map(|(k, v)| format!("{k}={v}\n")).collect::<String>())
}
