// SPDX-License-Identifier: Apache-2.0
//! `registryctl schema`: JSON Schemas generated from the parser's own types.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use registryctl::fs::{self, Overwrite};
use registryctl::schema::SchemaKind;
use registryctl::Result;

use super::{out, out_path_parser, shown, OutPath};

fn kind_parser() -> impl TypedValueParser<Value = SchemaKind> {
    PossibleValuesParser::new(SchemaKind::ALL.iter().map(|k| k.as_str()))
        .map(|s| SchemaKind::ALL.iter().copied().find(|k| k.as_str() == s).expect("clap accepts only the kinds"))
}

/// Print the JSON Schema (draft 2020-12) for manifests or toolspecs, generated from the same Rust types the parser fills.
///
/// Also the shapes `--format json` prints for diff, hash, resolve, verify and build-args. With
/// --out-dir, writes every schema as DIR/<name>.schema.json: what schemas/ holds.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl schema manifest > schemas/manifest.schema.json\n  registryctl schema toolspec --out schemas/toolspec.schema.json\n  registryctl schema --out-dir schemas"
)]
pub struct Args {
    /// Which schema.
    #[arg(value_parser = kind_parser(), required_unless_present = "out_dir", conflicts_with = "out_dir")]
    pub kind: Option<SchemaKind>,
    /// Write to this file instead of stdout (`-` is stdout; a link's target is written; a file
    /// goes through a temporary file and a rename).
    #[arg(long, value_name = "FILE", value_parser = out_path_parser())]
    pub out: Option<OutPath>,
    /// Write every schema into this directory as <name>.schema.json.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub out_dir: Option<PathBuf>,
}

pub fn run(a: &Args) -> Result<()> {
    if let Some(dir) = &a.out_dir {
        fs::write::create_dir_all(dir)?;
        for kind in SchemaKind::ALL {
            let path = dir.join(format!("{}.schema.json", kind.as_str()));
            fs::write_atomic(&path, kind.generate().as_bytes(), None, Overwrite::Replace)?;
            out(&format!("wrote {}\n", shown(&path.display().to_string())))?;
        }
        return Ok(());
    }
    let text = a.kind.map(SchemaKind::generate).unwrap_or_default();
    match &a.out {
        Some(p) => p.write(|w| w.write_all(text.as_bytes())),
        None => out(&text),
    }
}
