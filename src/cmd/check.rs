//! `registryctl check`: the whole registry in one pass; what the lint workflow runs.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::{self, Report};

use super::{catalog, finish, schema, DenylistArgs, OutputArgs, Result};

/// Check the whole registry in one pass: manifests, toolspecs, pairing, policy exceptions, CATALOG.md and schemas/ freshness.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl check\n  registryctl check path/to/registry --format github --deny-warnings")]
pub struct Args {
    /// The registry root (holding manifests/ and toolspecs/).
    #[arg(default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let root = load::normalize_root(&a.root);
    let mut report = Report::default();
    let toolspecs_dir = root.join("toolspecs");
    let (toolspec_files, walk_diags) = if toolspecs_dir.is_dir() { load::walk(&toolspecs_dir)? } else { (Vec::new(), Vec::new()) };
    report.add("", None, walk_diags);
    let present: HashSet<(String, String)> = toolspec_files.iter().map(|f| (f.dir.clone(), f.file.clone())).collect();
    let linted = super::lint::lint_manifests(&root.join("manifests"), &a.denylist.choice(), Some(present), &mut report)?;
    load::check_toolspecs(&toolspec_files, &linted.manifests, &mut report)?;
    if let Some(d) = catalog::stale(&root, &linted.manifests)? {
        report.add("", None, vec![d]);
    }
    report.add("", None, schema::stale(&root));
    let ok = format!("check OK: {} manifest(s), {} toolspec(s)", linted.manifests.len(), toolspec_files.len());
    finish(&mut report, &a.output, &linted.notes, &ok)
}
