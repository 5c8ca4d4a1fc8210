//! `registryctl lint`: schema, policy and layout checks over manifests.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use registryctl::load::{self, CheckedManifest, DenylistChoice, Report, Setup};

use super::{finish, DenylistArgs, OutputArgs, Result};

/// Check manifests: strict schema, egress policy, denylist and file layout.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl lint manifests\n  registryctl lint manifests/acme/0.1.0.yaml --format github\n  registryctl lint manifests --denylist denylist/exfil-domains.txt --deny-warnings"
)]
pub struct Args {
    /// A manifests directory, or one manifest file.
    pub path: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let mut report = Report::default();
    let linted = lint_manifests(&a.path, &a.denylist.choice(), None, &mut report)?;
    finish(&mut report, &a.output, &linted.notes, &format!("lint OK: {} manifest(s)", linted.manifests.len()))
}

/// The result of the manifest pass every subcommand shares.
pub struct Linted {
    pub manifests: Vec<CheckedManifest>,
    pub notes: Vec<String>,
}

/// The registry root for a manifests directory or a manifest file in it.
pub fn root_for(path: &Path) -> PathBuf {
    if path.is_dir() {
        load::root_of(path)
    } else {
        load::root_of(path.parent().and_then(Path::parent).unwrap_or(Path::new(".")))
    }
}

/// Lints a manifests directory or file into `report`. `toolspecs_present`, when given, makes
/// toolpack manifests without a toolspec an error.
pub fn lint_manifests(
    path: &Path,
    choice: &DenylistChoice,
    toolspecs_present: Option<HashSet<(String, String)>>,
    report: &mut Report,
) -> Result<Linted> {
    let (files, walk_diags) = load::targets(path)?;
    report.add("", None, walk_diags);
    let root = root_for(path);
    let (policy, notes) = load::load_policy(&root, choice, report)?;
    let setup = Setup { policy, builders_with_dockerfile: load::builders_with_dockerfile(&root), toolspecs_present };
    let (manifests, used) = load::check_manifests(&files, &setup, report)?;
    load::check_duplicates(&manifests, report)?;
    if path.is_dir() {
        load::report_unused_exceptions(&root, &setup.policy, &used, report);
    }
    Ok(Linted { manifests, notes })
}
