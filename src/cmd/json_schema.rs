// SPDX-License-Identifier: Apache-2.0
//! `registryctl schema`: JSON Schemas generated from the parser's own types.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use registryctl::fs::{self, Overwrite};
use registryctl::schema::SchemaKind;
use registryctl::Result;

use super::out;

fn kind_parser() -> impl TypedValueParser<Value = SchemaKind> {
    PossibleValuesParser::new(SchemaKind::ALL.iter().map(|k| k.as_str()))
        .map(|s| SchemaKind::ALL.iter().copied().find(|k| k.as_str() == s).expect("clap accepts only the kinds"))
}

/// Print the JSON Schema (draft 2020-12) for manifests or toolspecs, generated from the same Rust types the parser fills, or for the output of `registryctl diff --format json`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl schema manifest > schemas/manifest.schema.json\n  registryctl schema toolspec --out schemas/toolspec.schema.json"
)]
pub struct Args {
    /// Which schema.
    #[arg(value_parser = kind_parser())]
    pub kind: SchemaKind,
    /// Write to this file (through a temporary file and a rename) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(a: &Args) -> Result<()> {
    let text = a.kind.generate();
    match &a.out {
        Some(p) => fs::write_atomic(p, text.as_bytes(), None, Overwrite::Replace),
        None => out(&text),
    }
}
