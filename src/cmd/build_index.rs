//! `registryctl build-index`: the index.json the publish workflow signs.

use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::{self, Overwrite, Report};
use registryctl::schema::index;

use super::{finish, DenylistArgs, Failure, OutputArgs, Result};

/// Validate every manifest and write index.json exactly as the Go gateway's encoding/json would.
///
/// Planned entries (placeholder digest sha256:000…0) are left out unless --include-planned.
/// SOURCE_DATE_EPOCH, when set, fixes the `generated` timestamp.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl build-index manifests --out index.json\n  SOURCE_DATE_EPOCH=1767323045 registryctl build-index manifests --include-planned"
)]
pub struct Args {
    /// The manifests directory.
    pub manifests: PathBuf,
    /// Where to write the index (through a temporary file and a rename).
    #[arg(long, default_value = "index.json", value_name = "FILE")]
    pub out: PathBuf,
    /// Also index planned entries, whose image is not built yet.
    #[arg(long)]
    pub include_planned: bool,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn source_date_epoch() -> Result<Option<u64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse().map(Some).map_err(|_| Failure::Usage(format!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds"))),
        Err(_) => Ok(None),
    }
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let generated = index::timestamp(source_date_epoch()?);
    let mut report = Report::default();
    let linted = super::lint::lint_manifests(&a.manifests, &a.denylist.choice(), None, &mut report)?;
    if report.errors() > 0 || a.output.deny_warnings && report.warnings() > 0 {
        return finish(&mut report, &a.output, &linted.notes, "");
    }
    let all: Vec<_> = linted.manifests.into_iter().filter_map(|c| c.manifest).collect();
    let total = all.len();
    let kept: Vec<_> = all.into_iter().filter(|m| a.include_planned || !m.is_planned()).collect();
    let left_out = total - kept.len();
    let versions = kept.len();
    let idx = index::build(kept, generated).map_err(|e| Failure::Usage(e.to_string()))?;
    load::write_atomic_with(&a.out, None, Overwrite::Replace, |w| index::write_go_json(&idx, w))?;
    let mut line = format!("build-index: wrote {}: {} server(s), {} version(s)", a.out.display(), idx.servers.len(), versions);
    if left_out > 0 {
        line.push_str(&format!("; left out {left_out} planned (placeholder digest; --include-planned adds them)"));
    }
    finish(&mut report, &a.output, &linted.notes, &line)
}
