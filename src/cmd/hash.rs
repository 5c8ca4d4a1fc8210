// SPDX-License-Identifier: Apache-2.0
//! `registryctl hash`: the manifest hashes the gateway compares for re-consent.

use std::path::PathBuf;

use registryctl::output;
use registryctl::registry::Registry;
use registryctl::render::Format;
use registryctl::Result;

use super::{complete, out, render_report, DenylistArgs, OutputArgs};

/// Print a manifest's hash (SHA-256 of its JSON encoding) and runtime hash (presentation fields and image digest cleared).
///
/// Takes a server directory (its latest version) or one manifest, like build-args. The manifest
/// must pass lint. With --format json, prints one object (schemas/hash-output.schema.json).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl hash manifests/asana/0.1.0.yaml\n  registryctl hash manifests/asana --format json")]
pub struct Args {
    /// manifests/<name> (its latest version) or manifests/<name>/<version>.yaml.
    #[arg(value_name = "MANIFEST", add = complete::server_paths())]
    pub manifest: PathBuf,
    #[command(flatten)]
    pub denylist: DenylistArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(a: &Args) -> Result<()> {
    let hashed = Registry::for_target(&a.manifest, a.denylist.options()?)?.hash(&a.manifest)?;
    match hashed.hashes {
        Some(h) if a.output.format == Format::Json => out(&output::to_json(&h)),
        Some(h) => out(&format!("hash {}\nruntime-hash {}\n", h.hash, h.runtime_hash)),
        None => render_report(hashed.linted.report, &a.output, &hashed.linted.notes, ""),
    }
}
