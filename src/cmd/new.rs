// SPDX-License-Identifier: Apache-2.0
//! `registryctl new`: scaffold a manifest (and toolspec) with every required field.

use std::path::PathBuf;

use registryctl::registry::{Options, Registry};
use registryctl::scaffold::Written;
use registryctl::schema::closed::{Builder, Tier};
use registryctl::{fs, Error, Result};

use super::{closed_set, note, out, reject_finding, shown, OutputArgs};

/// Scaffold manifests/<name>/0.1.0.yaml (and toolspecs/<name>/0.1.0.yaml for toolpack) with the placeholder digest, and the server's catalog/sources.tsv row.
///
/// Values to fill in start with TODO; check names each one until it is replaced. Existing
/// scaffolds are never overwritten; the row goes into catalog/sources.tsv in name order (the
/// file is created when missing).
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
    /// The registry checkout, or any existing directory inside it (its root is found from the
    /// real path). Outside any checkout nothing is written.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn run(a: &Args) -> Result<()> {
    // A path that does not exist would name its nearest existing ancestor's checkout.
    if !fs::is_dir(&a.root) {
        let what = if fs::exists_no_follow(&a.root) { "is not a directory" } else { "does not exist" };
        return Err(Error::Usage(format!("--root {} {what}: name the registry checkout (or a directory inside it)", a.root.display())));
    }
    let files = match Registry::for_target(&a.root, Options::default())?.new_server(&a.name, a.builder, a.tier)? {
        Ok(files) => files,
        Err(finding) => return reject_finding(finding, &OutputArgs::human()),
    };
    for written in &files {
        match written {
            Written::Created(path) => out(&format!("created {}\n", shown(path)))?,
            Written::RowAdded(path) => out(&format!("added a row for {} to {}\n", a.name, shown(path)))?,
        }
    }
    note("next: fill in every TODO value, then run `registryctl check`");
    Ok(())
}
