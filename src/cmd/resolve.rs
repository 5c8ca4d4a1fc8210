// SPDX-License-Identifier: Apache-2.0
//! `registryctl resolve`: the gateway's ref grammar against an index.

use std::path::PathBuf;

use registryctl::index::{self, IndexError};
use registryctl::output::{self, ResolveOutput};
use registryctl::{fs, Error, Rejected, Result};

use super::{complete, input, out, ResultArgs, ResultFormat};

/// Resolve a ref as the gateway does: `name` (latest), `name@version`, or `sha256:<digest>`; prints name@version.
///
/// With --format json, prints one object (schemas/resolve-output.schema.json).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples (the conformance fixtures' index; build-index writes this registry's):\n  registryctl resolve alpha --index tests/fixtures/conformance/index.json\n  registryctl resolve alpha@0.2.0 --index tests/fixtures/conformance/index.json --format json"
)]
pub struct Args {
    /// name, name@version or sha256:<64 hex>.
    #[arg(value_name = "REF", add = complete::server_refs())]
    pub reference: String,
    /// The index to resolve against.
    #[arg(long, value_name = "FILE")]
    pub index: PathBuf,
    #[command(flatten)]
    pub output: ResultArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let bytes = input(&a.index, "cannot read", fs::Input::Index)?;
    let idx = index::parse(&bytes).map_err(|e| match e {
        IndexError::NotAnIndex(why) => Error::Usage(format!("{}: not an index: {why}", a.index.display())),
        other => Error::Index(other),
    })?;
    let m = index::resolve(&idx, &a.reference).map_err(Rejected::Ref)?;
    match a.output.format {
        ResultFormat::Json => out(&output::to_json(&ResolveOutput::of(&a.reference, m))),
        ResultFormat::Human => out(&format!("{}@{}\n", m.name, m.version)),
    }
}
