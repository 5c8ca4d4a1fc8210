//! `registryctl lint-toolspecs`: toolspec rules and pairing with the already-parsed manifests.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::{self, Found, Report, Setup};
use registryctl::schema::Rule;

use super::{finish, OutputArgs, Result};

/// Check toolspecs and pair each with its manifest (same name, version and tools; hosts on the egress allowlist).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl lint-toolspecs toolspecs\n  registryctl lint-toolspecs toolspecs/acme/0.1.0.yaml --manifests manifests"
)]
pub struct Args {
    /// A toolspecs directory, or one toolspec file.
    pub path: PathBuf,
    /// The manifests directory to pair with (default: `manifests` beside the toolspecs directory).
    #[arg(long, value_name = "DIR")]
    pub manifests: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let mut report = Report::default();
    let (files, walk_diags) = load::targets(&a.path)?;
    report.add("", None, walk_diags);
    let is_dir = a.path.is_dir();
    let manifests_dir = a.manifests.clone().unwrap_or_else(|| super::lint::root_for(&a.path).join("manifests"));
    // A directory pairs with every manifest; one file needs only its own manifest.
    let (manifest_files, present) = if is_dir {
        let present: HashSet<(String, String)> = files.iter().map(|f| (f.dir.clone(), f.file.clone())).collect();
        let found = if manifests_dir.is_dir() { load::walk(&manifests_dir)?.0 } else { Vec::new() };
        (found, Some(present))
    } else {
        let paired: Vec<Found> =
            files.iter().map(|f| manifests_dir.join(&f.dir).join(&f.file)).filter(|p| p.is_file()).map(|p| Found::from_file(&p)).collect();
        (paired, None)
    };
    let setup = Setup { toolspecs_present: present, ..Setup::default() };
    let mut manifest_report = Report::default();
    let (manifests, _) = load::check_manifests(&manifest_files, &setup, &mut manifest_report)?;
    report.absorb(manifest_report, |d| d.rule == Rule::PairingBuilder);
    load::check_toolspecs(&files, &manifests, &mut report)?;
    finish(&mut report, &a.output, &[], &format!("lint-toolspecs OK: {} toolspec(s)", files.len()))
}
