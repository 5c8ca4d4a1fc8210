//! `registryctl new`: scaffold a manifest (and toolspec) with every required field.

use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::{self, Overwrite};
use registryctl::schema::manifest::{is_valid_name, CATEGORIES, PLANNED_DIGEST};

use super::{out, Failure, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Builder {
    Toolpack,
    GoStatic,
    Node,
    Python,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tier {
    Sealed,
    Entrusted,
}

/// Scaffold manifests/<name>/0.1.0.yaml (and toolspecs/<name>/0.1.0.yaml for toolpack) with the placeholder digest.
///
/// Values to fill in start with TODO; lint names each one until it is replaced. Existing files
/// are never overwritten.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl new acme\n  registryctl new acme --builder go-static --tier entrusted\n  registryctl lint manifests/acme/0.1.0.yaml   # lists the TODO fields left"
)]
pub struct Args {
    /// The server name: lowercase letters, digits and inner hyphens.
    pub name: String,
    #[arg(long, value_enum, default_value = "toolpack")]
    pub builder: Builder,
    #[arg(long, value_enum, default_value = "sealed")]
    pub tier: Tier,
    /// The registry root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// The scaffolded manifest text.
pub fn manifest_text(name: &str, builder: Builder, tier: Tier) -> String {
    let id = name.replace('-', "_");
    let (repo, builder_name) = match builder {
        Builder::Toolpack => ("github.com/gigmcp/toolpack".to_string(), "toolpack"),
        Builder::GoStatic => ("TODO github.com/<owner>/<repo>".to_string(), "go-static"),
        Builder::Node => ("TODO github.com/<owner>/<repo>".to_string(), "node"),
        Builder::Python => ("TODO github.com/<owner>/<repo>".to_string(), "python"),
    };
    let (tier_name, inject) = match tier {
        Tier::Sealed => ("sealed", "      header: Authorization\n      format: \"Bearer {token}\"\n".to_string()),
        Tier::Entrusted => ("entrusted", format!("      env: {}_API_KEY\n", id.to_ascii_uppercase())),
    };
    format!(
        "# yaml-language-server: $schema=../../schemas/manifest.schema.json\n\
schemaVersion: 1\n\
name: {name}\n\
version: 0.1.0\n\
displayName: TODO the service's name as its users write it\n\
description: TODO one sentence on what an agent can do with this server\n\
category: TODO one of {categories}\n\
source:\n  repo: {repo}\n  tag: v0.1.0\n\
image:\n  ref: ghcr.io/gigmcp/{name}-mcp\n  digest: {PLANNED_DIGEST}  # planned: build-images prints the digest to pin\n  entrypoint: /app/server\n  builder: {builder_name}\n\
tier: {tier_name}\n\
entitlements:\n  egress:\n    - TODO api.example.com (the API host the tools call)\n\
credentials:\n  - id: {id}_api_key\n    type: api_key\n    provider: {name}\n    inject:\n{inject}\
tools:\n  - name: TODO_list_items\n    default: true  # read-only tools true; tools that change or send anything false\n",
        categories = CATEGORIES.join(", "),
    )
}

/// The scaffolded toolspec text.
pub fn toolspec_text(name: &str) -> String {
    format!(
        "# yaml-language-server: $schema=../../schemas/toolspec.schema.json\n\
schemaVersion: 1\n\
name: {name}\n\
version: 0.1.0\n\
baseUrl: TODO https://api.example.com (an egress host)\n\
tools:\n  - name: TODO_list_items\n    description: TODO what the tool returns and when an agent should use it\n    method: GET\n    path: TODO /v1/items\n    params:\n      - name: limit\n        in: query\n        type: integer\n        description: Maximum number of items to return.\n"
    )
}

pub fn run(a: &Args) -> Result<ExitCode> {
    if !is_valid_name(&a.name) {
        return Err(Failure::Usage(format!("`{}` is not a server name: lowercase letters, digits and inner hyphens", a.name)));
    }
    let manifest = a.root.join("manifests").join(&a.name).join("0.1.0.yaml");
    let toolspec = a.root.join("toolspecs").join(&a.name).join("0.1.0.yaml");
    let mut files = vec![(manifest, manifest_text(&a.name, a.builder, a.tier))];
    if a.builder == Builder::Toolpack {
        files.push((toolspec, toolspec_text(&a.name)));
    }
    if let Some((existing, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(Failure::Usage(format!("{} exists; refusing to overwrite it", existing.display())));
    }
    for (path, text) in &files {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| load::LoadError::new(dir, "cannot create directory", e))?;
        }
        load::write_atomic(path, text.as_bytes(), None, Overwrite::Refuse)?;
        out(&format!("created {}\n", path.display()))?;
    }
    eprintln!("next: fill in every TODO value, then run `registryctl lint {}`", files[0].0.display());
    Ok(ExitCode::SUCCESS)
}
