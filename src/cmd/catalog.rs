// SPDX-License-Identifier: Apache-2.0
//! `registryctl catalog`: CATALOG.md, generated from the manifests, never edited by hand.

use std::path::PathBuf;

use std::path::Path;

use registryctl::diag::Report;
use registryctl::fs::Overwrite;
use registryctl::registry::{Registry, CATALOG_PATH};
use registryctl::Result;

use super::{error, out, reject_finding, render_report, shown, OutputArgs, PolicyArgs};

/// Write CATALOG.md from the manifests (latest version of each server); --check fails when it is stale.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl catalog\n  registryctl catalog --check")]
pub struct Args {
    /// The registry checkout, or any path inside it.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Do not write: fail (exit 1) when CATALOG.md differs from what would be written.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The files whose errors block CATALOG.md, as a phrase: `a.yaml (2 errors), b.yaml (1 error)`.
fn blocking_files(report: &Report) -> String {
    const SHOWN: usize = 10;
    let files = report.error_files();
    let mut parts: Vec<String> =
        files.iter().take(SHOWN).map(|(f, n)| format!("{f} ({n} error{})", if *n == 1 { "" } else { "s" })).collect();
    if files.len() > SHOWN {
        parts.push(format!("{} more file(s)", files.len() - SHOWN));
    }
    parts.join(", ")
}

pub fn run(a: &Args) -> Result<()> {
    let registry = Registry::for_target(&a.root, a.policy.options()?)?;
    let run = registry.catalog()?;
    let Some(text) = run.text else {
        let blocking = blocking_files(&run.linted.report);
        let rendered = render_report(run.linted.report, &a.output, &run.linted.notes, "");
        error(&format!("CATALOG.md is written from a clean catalog; fix the errors in {blocking}, then run `registryctl catalog` again"));
        return rendered;
    };
    if a.check {
        let stale = registry.catalog_staleness(&run.linted, true)?;
        return render_report(Report::from_diagnostics(stale), &a.output, &[], "catalog OK: CATALOG.md is current");
    }
    match registry.write_file(Path::new(CATALOG_PATH), Overwrite::Replace, |w| w.write_all(text.as_bytes()))? {
        Ok(name) => out(&format!("wrote {}: {} server(s)\n", shown(&name), run.servers)),
        Err(finding) => reject_finding(finding, &a.output),
    }
}
