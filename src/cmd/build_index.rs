// SPDX-License-Identifier: Apache-2.0
//! `registryctl build-index`: the index.json the publish workflow signs.

use std::path::PathBuf;

use registryctl::fs::{self, Overwrite};
use registryctl::index;
use registryctl::registry::Registry;
use registryctl::{Error, Result};

use super::{render_report, DenylistArgs, OutputArgs};

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
        Ok(v) => v.trim().parse().map(Some).map_err(|_| Error::Usage(format!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds"))),
        Err(_) => Ok(None),
    }
}

pub fn run(a: &Args) -> Result<()> {
    let generated = index::timestamp(source_date_epoch()?);
    let built = Registry::for_target(&a.manifests, a.denylist.options()).build_index(&a.manifests, a.include_planned, generated)?;
    let (report, notes) = (built.linted.report, built.linted.notes);
    let Some(idx) = built.index.filter(|_| !report.fails(a.output.deny_warnings)) else {
        return render_report(report, &a.output, &notes, "");
    };
    fs::write_atomic_with(&a.out, None, Overwrite::Replace, |w| index::write_go_json(&idx, w))?;
    let mut line = format!("build-index: wrote {}: {} server(s), {} version(s)", a.out.display(), idx.servers.len(), built.versions);
    if built.planned_left_out > 0 {
        line.push_str(&format!("; left out {} planned (placeholder digest; --include-planned adds them)", built.planned_left_out));
    }
    render_report(report, &a.output, &notes, &line)
}
