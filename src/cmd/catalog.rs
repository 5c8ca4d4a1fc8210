//! `registryctl catalog`: CATALOG.md, generated from the manifests, never edited by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use registryctl::load::{self, CheckedManifest, DenylistChoice, Overwrite, Report};
use registryctl::schema::{catalog, index, Diagnostic, Manifest, Rule};

use super::{finish, out, OutputArgs, Result};

/// Write CATALOG.md from the manifests (latest version of each server); --check fails when it is stale.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl catalog\n  registryctl catalog --check")]
pub struct Args {
    /// The registry root.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Do not write: fail (exit 1) when CATALOG.md differs from what would be written.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// CATALOG.md's content for these manifests.
pub fn render(root: &Path, manifests: &[CheckedManifest]) -> Result<String> {
    let no_api = load::no_public_api(root)?;
    let mut latest: BTreeMap<&str, &Manifest> = BTreeMap::new();
    for m in manifests.iter().filter_map(|c| c.manifest.as_ref()) {
        let slot = latest.entry(&m.name).or_insert(m);
        if index::compare_versions(&m.version, &slot.version).is_gt() {
            *slot = m;
        }
    }
    let entries: Vec<catalog::Entry<'_>> =
        latest.values().map(|m| catalog::Entry { manifest: m, no_public_api: no_api.contains(&m.name) }).collect();
    Ok(catalog::render(&entries))
}

/// A diagnostic when `root/CATALOG.md` exists and differs from the manifests.
pub fn stale(root: &Path, manifests: &[CheckedManifest]) -> Result<Option<Diagnostic>> {
    let path = root.join("CATALOG.md");
    let Ok(current) = std::fs::read_to_string(&path) else { return Ok(None) };
    if current == render(root, manifests)? {
        return Ok(None);
    }
    let mut d = Diagnostic::new(Rule::CatalogStale, "", "CATALOG.md differs from the manifests; run `registryctl catalog`".into());
    d.file = path.display().to_string();
    Ok(Some(d))
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let root = load::normalize_root(&a.root);
    let mut report = Report::default();
    let linted = super::lint::lint_manifests(&root.join("manifests"), &DenylistChoice::Repository, None, &mut report)?;
    if report.errors() > 0 {
        eprintln!("error: the manifests fail lint; CATALOG.md is generated from a clean catalog only");
        return finish(&mut report, &a.output, &linted.notes, "");
    }
    let path = root.join("CATALOG.md");
    if a.check {
        let mut report = Report::default();
        if let Some(d) = stale(&root, &linted.manifests)? {
            report.add("", None, vec![d]);
        } else if !path.exists() {
            let mut d = Diagnostic::new(Rule::CatalogStale, "", "CATALOG.md does not exist; run `registryctl catalog`".into());
            d.file = path.display().to_string();
            report.add("", None, vec![d]);
        }
        return finish(&mut report, &a.output, &[], "catalog OK: CATALOG.md is current");
    }
    let text = render(&root, &linted.manifests)?;
    load::write_atomic(&path, text.as_bytes(), None, Overwrite::Replace)?;
    let servers: BTreeSet<&str> = linted.manifests.iter().filter_map(|c| c.manifest.as_ref()).map(|m| m.name.as_str()).collect();
    out(&format!("wrote {}: {} server(s)\n", path.display(), servers.len()))?;
    Ok(ExitCode::SUCCESS)
}
