// SPDX-License-Identifier: Apache-2.0
//! `registryctl schema`: JSON Schemas generated from the parser's own types.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use registryctl::schema::SchemaKind;
use registryctl::Result;

use super::{out, out_path_parser, OutPath};

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
    /// Write to this file instead of stdout (`-` is stdout; a link's target is written; a file
    /// goes through a temporary file and a rename).
    #[arg(long, value_name = "FILE", value_parser = out_path_parser())]
    pub out: Option<OutPath>,
}

pub fn run(a: &Args) -> Result<()> {
    let text = a.kind.generate();
    match &a.out {
        Some(p) => p.write(|w| w.write_all(text.as_bytes())),
        None => out(&text),
    }
}
