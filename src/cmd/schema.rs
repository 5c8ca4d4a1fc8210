//! `registryctl schema`: JSON Schemas generated from the parser's own types.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use registryctl::load::{self, Overwrite};
use registryctl::schema::{self as rules, Diagnostic, Rule};

use super::{out, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Manifest,
    Toolspec,
}

impl Kind {
    pub fn generate(self) -> String {
        match self {
            Kind::Manifest => rules::manifest_json_schema(),
            Kind::Toolspec => rules::toolspec_json_schema(),
        }
    }

    /// Where the registry ships it.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Manifest => "schemas/manifest.schema.json",
            Kind::Toolspec => "schemas/toolspec.schema.json",
        }
    }
}

/// Print the JSON Schema (draft 2020-12) for manifests or toolspecs, generated from the same Rust types the parser fills.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl schema manifest > schemas/manifest.schema.json\n  registryctl schema toolspec --out schemas/toolspec.schema.json"
)]
pub struct Args {
    pub kind: Kind,
    /// Write to this file (through a temporary file and a rename) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let text = a.kind.generate();
    match &a.out {
        Some(p) => load::write_atomic(p, text.as_bytes(), None, Overwrite::Replace)?,
        None => out(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Stale schemas under `root/schemas/`, when the registry ships that directory.
pub fn stale(root: &Path) -> Vec<Diagnostic> {
    if !root.join("schemas").is_dir() {
        return Vec::new();
    }
    [Kind::Manifest, Kind::Toolspec]
        .into_iter()
        .filter(|k| std::fs::read_to_string(root.join(k.path())).ok().as_deref() != Some(k.generate().as_str()))
        .map(|k| {
            let mut d = Diagnostic::new(
                Rule::SchemaStale,
                "",
                format!(
                    "{} is missing or differs from `registryctl schema {}`",
                    k.path(),
                    if k == Kind::Manifest { "manifest" } else { "toolspec" }
                ),
            );
            d.file = root.join(k.path()).display().to_string();
            d
        })
        .collect()
}
