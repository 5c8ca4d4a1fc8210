//! `registryctl resolve`: the gateway's ref grammar against an index.

use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::LoadError;
use registryctl::schema::index::{self, Index};

use super::{out, Failure, Result};

/// Resolve a ref as the gateway does: `name` (latest), `name@version`, or `sha256:<digest>`; prints name@version.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl resolve acme --index index.json\n  registryctl resolve acme@0.2.0 --index index.json\n  registryctl resolve sha256:2c26b46b…e7ae --index index.json"
)]
pub struct Args {
    /// name, name@version or sha256:<64 hex>.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// The index to resolve against.
    #[arg(long, value_name = "FILE")]
    pub index: PathBuf,
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let bytes = std::fs::read(&a.index).map_err(|e| LoadError::new(&a.index, "cannot read", e))?;
    let idx: Index = serde_json::from_slice(&bytes).map_err(|e| Failure::Usage(format!("{}: not an index: {e}", a.index.display())))?;
    match index::resolve(&idx, &a.reference) {
        Ok(m) => {
            out(&format!("{}@{}\n", m.name, m.version))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
