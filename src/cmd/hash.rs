//! `registryctl hash`: the manifest hashes the gateway compares for re-consent.

use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::Report;
use registryctl::schema::index;

use super::{finish, out, DenylistArgs, OutputArgs, Result};

/// Print a manifest's hash (SHA-256 of its JSON encoding) and runtime hash (presentation fields and image digest cleared).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  registryctl hash manifests/acme/0.1.0.yaml")]
pub struct Args {
    /// A manifest file.
    pub manifest: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let mut report = Report::default();
    let linted = super::lint::lint_manifests(&a.manifest, &a.denylist.choice(), None, &mut report)?;
    match linted.manifests.into_iter().next().and_then(|c| c.manifest) {
        Some(m) if report.errors() == 0 => {
            out(&format!("hash {}\nruntime-hash {}\n", index::hash(&m), index::runtime_hash(&m)))?;
            Ok(ExitCode::SUCCESS)
        }
        _ => finish(&mut report, &a.output, &linted.notes, ""),
    }
}
