// SPDX-License-Identifier: Apache-2.0
//! `registryctl build-index`: the index.json the publish workflow signs.

use std::path::{Path, PathBuf};

use registryctl::fs::{self, Overwrite};
use registryctl::index;
use registryctl::registry::{Registry, INDEX_PATH};
use registryctl::{Error, Result};

use super::{note, out_path_parser, reject_finding, render_report, shown, DenylistArgs, OutPath, OutputArgs};

/// Validate every manifest and write index.json exactly as the Go gateway's encoding/json would.
///
/// Planned entries (placeholder digest sha256:000…0) are left out unless --include-planned.
/// SOURCE_DATE_EPOCH, when set, fixes the `generated` timestamp.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl build-index manifests --out index.json\n  SOURCE_DATE_EPOCH=1767323045 registryctl build-index manifests --include-planned --out -"
)]
pub struct Args {
    /// The manifests directory (or any path in the registry checkout: its manifests/).
    pub manifests: PathBuf,
    /// Where to write the index: `-` is standard output; a link's target is written (never the
    /// link replaced); a FIFO or device is written in place; a file goes through a temporary file
    /// and a rename. Default: index.json at the registry root, which must be a regular file if
    /// it exists (never a link).
    #[arg(long, value_name = "FILE", value_parser = out_path_parser())]
    pub out: Option<OutPath>,
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
    let registry = Registry::for_target(&a.manifests, a.denylist.options()?)?;
    let built = registry.build_index(&a.manifests, a.include_planned, generated)?;
    let (report, notes) = (built.linted.report, built.linted.notes);
    let Some(idx) = built.index.filter(|_| !report.fails(a.output.deny_warnings)) else {
        return render_report(report, &a.output, &notes, "");
    };
    let write = |w: &mut dyn std::io::Write| index::write_go_json(&idx, w);
    let written = match &a.out {
        Some(out) => {
            out.write(write)?;
            out.shown()
        }
        // The default lies in the registry: a link or special file there is refused.
        None if registry.is_checkout() => match registry.write_file(Path::new(INDEX_PATH), Overwrite::Replace, write)? {
            Ok(name) => shown(&name),
            Err(finding) => return reject_finding(finding, &a.output),
        },
        None => {
            fs::write_atomic_with(Path::new(INDEX_PATH), None, Overwrite::Replace, write)?;
            INDEX_PATH.to_string()
        }
    };
    let mut line = format!("build-index: wrote {written}: {} server(s), {} version(s)", idx.servers.len(), built.versions);
    if built.planned_left_out > 0 {
        line.push_str(&format!("; left out {} planned (placeholder digest; --include-planned adds them)", built.planned_left_out));
    }
    // With the index on standard output, the summary goes to stderr.
    if a.out == Some(OutPath::Stdout) {
        render_report(report, &a.output, &notes, "")?;
        note(&line);
        return Ok(());
    }
    render_report(report, &a.output, &notes, &line)
}
