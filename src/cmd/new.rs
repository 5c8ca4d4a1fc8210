// SPDX-License-Identifier: Apache-2.0
//! `registryctl new`: scaffold a manifest (and toolspec) with every required field.

use std::path::PathBuf;

use registryctl::schema::closed::{Builder, Tier};
use registryctl::{scaffold, Result};

use super::{closed_set, note, out};

/// Scaffold manifests/<name>/0.1.0.yaml (and toolspecs/<name>/0.1.0.yaml for toolpack) with the placeholder digest.
///
/// Values to fill in start with TODO; lint names each one until it is replaced. Existing files
/// are never overwritten.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl new ticktick\n  registryctl new ticktick --builder go-static --tier entrusted\n  registryctl lint manifests/ticktick/0.1.0.yaml   # after new: lists the TODO fields left"
)]
pub struct Args {
    /// The server name: lowercase letters, digits and inner hyphens.
    pub name: String,
    /// The image builder.
    #[arg(long, value_parser = closed_set::<Builder>(), default_value = "toolpack")]
    pub builder: Builder,
    /// The security tier.
    #[arg(long, value_parser = closed_set::<Tier>(), default_value = "sealed")]
    pub tier: Tier,
    /// The registry root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn run(a: &Args) -> Result<()> {
    let files = scaffold::create(&a.root, &a.name, a.builder, a.tier)?;
    for path in &files {
        out(&format!("created {}\n", path.display()))?;
    }
    note(&format!("next: fill in every TODO value, then run `registryctl lint {}`", files[0].display()));
    Ok(())
}
