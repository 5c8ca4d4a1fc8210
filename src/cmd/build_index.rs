// SPDX-License-Identifier: Apache-2.0
//! `registryctl build-index`: the index.json the publish workflow signs.

use std::io;
use std::path::{Path, PathBuf};

use registryctl::diag::Diagnostic;
use registryctl::fs::{self, Overwrite};
use registryctl::index::{self, Index, IndexError, IndexSize, GATEWAY_INDEX_LIMIT, MAX_SERIAL};
use registryctl::registry::{Registry, INDEX_PATH};
use registryctl::trust::{self, Expiry};
use registryctl::{Error, Rejected, Result};

use super::{note, out_path_parser, reject_finding, render_report, shown, DenylistArgs, OutPath, OutputArgs};

/// Validate every manifest and write index.json exactly as the Go gateway's encoding/json would.
///
/// Planned entries (placeholder digest sha256:000…0) are left out unless --include-planned.
/// SOURCE_DATE_EPOCH, when set, fixes the `generated` timestamp. --serial and --expires add
/// two keys after Go's (the gateway ignores them; `verify` checks them); without them the bytes
/// are exactly Go's. An index over the gateway's 32 MiB read limit is not written (exit 1), and
/// one over three quarters of it is written with a warning.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl build-index manifests --out index.json\n  SOURCE_DATE_EPOCH=1767323045 registryctl build-index manifests --include-planned --out -\n  registryctl build-index manifests --serial 42 --expires 14d"
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
    /// Write `serial`: this publish's number, greater than the last one's (1 to 2^53 - 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_SERIAL))]
    pub serial: Option<u64>,
    /// Write `expires`: an RFC 3339 UTC time (2026-01-16T03:04:05Z) or a duration after `generated` (14d).
    #[arg(long, value_name = "WHEN", value_parser = clap::builder::ValueParser::new(str::parse::<Expiry>))]
    pub expires: Option<Expiry>,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn source_date_epoch() -> Result<Option<u64>> {
    match std::env::var_os("SOURCE_DATE_EPOCH") {
        Some(v) => trust::parse_source_date_epoch(&v.to_string_lossy()).map(Some).map_err(Error::Usage),
        None => Ok(None),
    }
}

/// Writes the index where `--out` says (default: index.json at the registry root, where a link
/// or special file is a finding), unless it is over the gateway's limit: then nothing is replaced
/// (a file keeps its previous content) and the run fails. Returns how the destination is named
/// and the index's size.
fn write_within_limit(a: &Args, registry: &Registry, idx: &Index) -> Result<Result<(String, u64), Diagnostic>> {
    let mut size = 0;
    let write = |w: &mut dyn io::Write| {
        size = index::write_go_json_capped(idx, w, GATEWAY_INDEX_LIMIT)?;
        match index::index_size(size) {
            IndexSize::OverLimit => Err(io::Error::other("over the gateway's index size limit")),
            IndexSize::Fits | IndexSize::NearLimit => Ok(()),
        }
    };
    let written = match &a.out {
        Some(out) => out.write(write).map(|()| out.shown()).map(Ok),
        None if registry.is_checkout() => match registry.write_file(Path::new(INDEX_PATH), Overwrite::Replace, write) {
            Ok(Ok(name)) => Ok(Ok(shown(&name))),
            other => other,
        },
        None => fs::write_atomic_with(Path::new(INDEX_PATH), None, Overwrite::Replace, write).map(|()| INDEX_PATH.to_string()).map(Ok),
    };
    if index::index_size(size) == IndexSize::OverLimit {
        let file = match &a.out {
            Some(OutPath::File(p)) => p.clone(),
            Some(OutPath::Stdout) => PathBuf::from("standard output"),
            None => PathBuf::from(INDEX_PATH),
        };
        return Err(Rejected::Build { file, source: IndexError::TooLarge { size, limit: GATEWAY_INDEX_LIMIT } }.into());
    }
    Ok(written?.map(|name| (name, size)))
}

pub fn run(a: &Args) -> Result<()> {
    let generated = index::timestamp(source_date_epoch()?).map_err(|e| Error::Usage(e.to_string()))?;
    let registry = Registry::for_target(&a.manifests, a.denylist.options()?)?;
    let built = registry.build_index(&a.manifests, a.include_planned, generated)?;
    let (report, notes) = (built.linted.report, built.linted.notes);
    let Some(mut idx) = built.index.filter(|_| !report.fails(a.output.deny_warnings)) else {
        return render_report(report, &a.output, &notes, "");
    };
    trust::stamp(&mut idx, a.serial, a.expires).map_err(|e| Error::Usage(format!("--expires: {e}")))?;
    let (written, size) = match write_within_limit(a, &registry, &idx)? {
        Ok(written) => written,
        Err(finding) => return reject_finding(finding, &a.output),
    };
    if index::index_size(size) == IndexSize::NearLimit {
        note(&format!(
            "warning: {written} is {size} bytes, over three quarters of the gateway's {GATEWAY_INDEX_LIMIT}-byte (32 MiB) read limit; a registry beyond it needs a gateway that reads more (README: Scale)"
        ));
    }
    let mut line = format!("build-index: wrote {written}: {} server(s), {} version(s)", idx.servers.len(), built.versions);
    let stamped: Vec<String> =
        [idx.serial.map(|s| format!("serial {s}")), idx.expires.as_ref().map(|e| format!("expires {e}"))].into_iter().flatten().collect();
    if !stamped.is_empty() {
        line.push_str(&format!("; {}", stamped.join(", ")));
    }
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
