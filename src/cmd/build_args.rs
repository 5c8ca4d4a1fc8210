//! `registryctl build-args`: the image build's inputs as KEY=VALUE lines for $GITHUB_ENV.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use registryctl::load::{self, Report};
use registryctl::schema::{self, index};

use super::{finish, out, DenylistArgs, Failure, OutputArgs, Result};

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

/// The latest `<version>.yaml` in one server's directory.
fn latest_in(dir: &Path) -> Result<PathBuf> {
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| load::LoadError::new(dir, "cannot read directory", e))? {
        let entry = entry.map_err(|e| load::LoadError::new(dir, "cannot read directory", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(".yaml") {
            Some(v) if entry.file_type().is_ok_and(|t| t.is_file()) && schema::manifest::is_valid_version(v) => {
                versions.push(v.to_string())
            }
            _ => return Err(Failure::Usage(format!("{} is not one server's directory: it holds `{name}`", dir.display()))),
        }
    }
    let latest = versions.into_iter().max_by(|a, b| index::compare_versions(a, b));
    latest
        .map(|v| dir.join(format!("{v}.yaml")))
        .ok_or_else(|| Failure::Usage(format!("{} holds no <version>.yaml manifest", dir.display())))
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let file = if a.path.is_dir() { latest_in(&a.path)? } else { a.path.clone() };
    let mut report = Report::default();
    let linted = super::lint::lint_manifests(&file, &a.denylist.choice(), None, &mut report)?;
    let manifest = linted.manifests.into_iter().next().and_then(|c| c.manifest);
    let args = match manifest {
        Some(m) if report.errors() == 0 => schema::build_args(&m).map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?,
        _ => {
            eprintln!("error: {} fails lint; build-args prints nothing for it", file.display());
            return finish(&mut report, &a.output, &linted.notes, "");
        }
    };
    let lines: String = args.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    out(&lines)?;
    Ok(ExitCode::SUCCESS)
}
