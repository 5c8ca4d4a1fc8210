// SPDX-License-Identifier: Apache-2.0
//! `registryctl diff`: what a change does to each server's runtime contract, and the
//! published-version rules; the review gate of a pull request.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use registryctl::diag::Counts;
use registryctl::registry::{Base, Options, Registry};
use registryctl::render::diff::{render_diff, DiffFormat};
use registryctl::{Error, Rejected, Result};

use super::out;

fn format_parser() -> impl TypedValueParser<Value = DiffFormat> {
    let values = DiffFormat::ALL.iter().map(|f| PossibleValue::new(f.as_str()).help(f.help()));
    PossibleValuesParser::new(values)
        .map(|s| DiffFormat::ALL.iter().copied().find(|f| f.as_str() == s).expect("clap accepts only the formats"))
}

/// Show what a change does to each server: versions added, removed or changed, each change as widens, narrows, neutral or presentation (widenings first), whether the runtime hash changed, and the published-version rules (exit 1 on an error).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl diff ../registry-main .\n      # needs: the base branch's checkout in ../registry-main\n  registryctl diff --base-ref origin/main\n      # needs: a git clone of the registry with origin/main fetched\n  registryctl diff registry-main pr --format markdown > comment.md\n      # needs: the base and the pull request's checkouts in registry-main/ and pr/"
)]
pub struct Args {
    /// BASE and HEAD registry roots; with --base-ref, only HEAD (default: .).
    #[arg(value_name = "ROOT", num_args = 0..=2)]
    pub roots: Vec<PathBuf>,
    /// Read the base tree from this git revision of the repository HEAD is in, without a checkout.
    #[arg(long, value_name = "REF")]
    pub base_ref: Option<String>,
    /// How to print the diff.
    #[arg(long, value_parser = format_parser(), default_value = "human")]
    pub format: DiffFormat,
}

/// The registry checkout `root` is in, found as every subcommand finds it: from the real path,
/// walking up to the nearest directory holding manifests/ or toolspecs/.
fn registry_at(root: &Path) -> Result<Registry> {
    if !registryctl::fs::is_dir(root) {
        return Err(Error::Usage(format!("{} is not a directory", root.display())));
    }
    let registry = Registry::for_target(root, Options::default())?;
    if !registry.is_checkout() {
        return Err(Error::Usage(format!(
            "{} is not inside a registry checkout (a directory holding manifests/ or toolspecs/, at or above it)",
            root.display()
        )));
    }
    // A typo'd root would otherwise read as a registry with no servers.
    if !registryctl::fs::exists_no_follow(&registry.manifests_dir()) {
        return Err(Error::Usage(format!("{} is not a registry: it has no manifests/ directory", registry.root().display())));
    }
    Ok(registry)
}

pub fn run(a: &Args) -> Result<()> {
    let (base, head) = match (&a.base_ref, a.roots.as_slice()) {
        (Some(r), []) => (Base::GitRef(r.clone()), PathBuf::from(".")),
        (Some(r), [head]) => (Base::GitRef(r.clone()), head.clone()),
        (None, [base, head]) => (Base::Dir(registry_at(base)?.root().to_path_buf()), head.clone()),
        (Some(_), _) => return Err(Error::Usage("with --base-ref, give at most one root: the head registry".into())),
        (None, _) => return Err(Error::Usage("give two roots, BASE and HEAD, or --base-ref REF and at most HEAD".into())),
    };
    let diff = registry_at(&head)?.diff(&base)?;
    out(&render_diff(a.format, &diff))?;
    if diff.summary.errors > 0 {
        let files = diff.findings.iter().map(|f| (&f.server, &f.version, &f.file)).collect::<BTreeSet<_>>().len();
        let counts = Counts { errors: diff.summary.errors, warnings: diff.summary.warnings, files, suppressed: 0 };
        return Err(Rejected::Findings { counts, warnings_denied: false }.into());
    }
    Ok(())
}
