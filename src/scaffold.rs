// SPDX-License-Identifier: Apache-2.0
//! `registryctl new`: the manifest (and toolspec) a new server starts from, and its row in
//! `catalog/sources.tsv`, every value to fill in marked TODO so lint names each one until it is
//! replaced.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::fs::{Entry, Overwrite, Tree};
use crate::schema::closed::{comma_list, Builder, Category, Tier};
use crate::schema::manifest::PLANNED_DIGEST;
use crate::schema::rules::identity::is_valid_name;
use crate::schema::sources;

/// The scaffolded manifest text.
pub fn manifest_text(name: &str, builder: Builder, tier: Tier) -> String {
    let id = name.replace('-', "_");
    let repo = match builder {
        Builder::Toolpack => "github.com/gigmcp/toolpack",
        Builder::GoStatic | Builder::Node | Builder::Python => "TODO github.com/<owner>/<repo>",
    };
    let inject = match tier {
        Tier::Sealed => "      header: Authorization\n      format: \"Bearer {token}\"\n".to_string(),
        Tier::Entrusted => format!("      env: {}_API_KEY\n", id.to_ascii_uppercase()),
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
image:\n  ref: ghcr.io/gigmcp/{name}-mcp\n  digest: {PLANNED_DIGEST}  # planned: build-images prints the digest to pin\n  entrypoint: /app/server\n  builder: {builder}\n\
tier: {tier}\n\
entitlements:\n  egress:\n    - TODO api.example.com (the API host the tools call)\n\
credentials:\n  - id: {id}_api_key\n    type: api_key\n    provider: {name}\n    inject:\n{inject}\
tools:\n  - name: TODO_list_items\n    default: true  # read-only tools true; tools that change or send anything false\n",
        categories = comma_list::<Category>(),
    )
}

/// The scaffolded toolspec text. An entrusted server's credential reaches the engine, not the
/// gateway, so its toolspec says which header carries it (an `auth` block to fill in).
pub fn toolspec_text(name: &str, tier: Tier) -> String {
    let auth = match tier {
        Tier::Sealed => "",
        Tier::Entrusted => "auth:  # entrusted: the engine sends the credential itself\n  header: TODO Authorization (the header the API reads the key from)\n  format: TODO \"Bearer {token}\" (the header's value; {token} stands for the key)\n",
    };
    format!(
        "# yaml-language-server: $schema=../../schemas/toolspec.schema.json\n\
schemaVersion: 1\n\
name: {name}\n\
version: 0.1.0\n\
baseUrl: TODO https://api.example.com (an egress host)\n\
{auth}\
tools:\n  - name: TODO_list_items\n    description: TODO what the tool returns and when an agent should use it\n    method: GET\n    path: TODO /v1/items\n    params:\n      - name: limit\n        in: query\n        type: integer\n        description: Maximum number of items to return.\n"
    )
}

/// The server's `catalog/sources.tsv` row: where its API facts come from, each column to fill
/// in marked TODO (a server without a toolspec cites no source and lists no tools).
pub fn sources_row(name: &str, builder: Builder) -> String {
    let checked = "TODO YYYY-MM-DD (the day you checked)";
    match builder {
        Builder::Toolpack => format!(
            "{name}\tTODO openapi, sdk or docs\tTODO a URL, or owner/repo@<40-hex commit>:path, where the API is described\t{checked}\tTODO tools verified against it, comma-separated\tTODO tools you could not verify, comma-separated, or -\tTODO what you checked, for the next reviewer\n"
        ),
        Builder::GoStatic | Builder::Node | Builder::Python => {
            format!("{name}\tno-toolspec\t-\t{checked}\t-\t-\tTODO why the toolpack engine cannot serve this API\n")
        }
    }
}

/// What `new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A new file, as output names it.
    Created(String),
    /// A row added to an existing file, as output names it.
    RowAdded(String),
}

/// Writes `manifests/<name>/0.1.0.yaml` (and `toolspecs/<name>/0.1.0.yaml` for toolpack) in
/// `tree`, and the server's row in `catalog/sources.tsv` (in name order; the file is created
/// when missing, and left alone when it has a row for the server already), never overwriting a
/// scaffold and never through a link: a link on the way (say `manifests/<name>` pointing
/// elsewhere) or in place of `catalog/sources.tsv` is a finding, and nothing is written.
pub fn create(tree: &Tree, name: &str, builder: Builder, tier: Tier) -> Result<Result<Vec<Written>, Diagnostic>> {
    if !is_valid_name(name) {
        return Err(Error::Usage(format!("`{name}` is not a server name: lowercase letters, digits and inner hyphens")));
    }
    let file = |kind: &str| Path::new(kind).join(name).join("0.1.0.yaml");
    let mut files = vec![(file("manifests"), manifest_text(name, builder, tier))];
    if builder == Builder::Toolpack {
        files.push((file("toolspecs"), toolspec_text(name, tier)));
    }
    for (path, _) in &files {
        match tree.entry(path)? {
            Entry::Missing => {}
            Entry::Symlink(link) => return Ok(Err(tree.symlink_finding(path, &link))),
            _ => return Err(Error::Usage(format!("{} exists; refusing to overwrite it", tree.display(path)))),
        }
    }
    let sources_rel = Path::new(sources::PATH);
    let (sources_text, existed) = match tree.read_text_opt(sources_rel, sources::MAX_BYTES)? {
        Some(Err(d)) => return Ok(Err(d)),
        Some(Ok(text)) => (text, true),
        None => (sources::HEADER.to_string(), false),
    };
    let mut written = Vec::new();
    for (path, text) in &files {
        if let Err(d) = write_new(tree, path, text, Overwrite::Refuse)? {
            return Ok(Err(d));
        }
        written.push(Written::Created(tree.display(path)));
    }
    if let Some(text) = sources::insert_row(&sources_text, &sources_row(name, builder)) {
        if let Err(d) = write_new(tree, sources_rel, &text, Overwrite::Replace)? {
            return Ok(Err(d));
        }
        let shown = tree.display(sources_rel);
        written.push(if existed { Written::RowAdded(shown) } else { Written::Created(shown) });
    }
    Ok(Ok(written))
}

/// Writes one file of the scaffold, creating its directories.
fn write_new(tree: &Tree, path: &Path, text: &str, overwrite: Overwrite) -> Result<Result<(), Diagnostic>> {
    if let Err(d) = tree.create_dirs(path.parent().unwrap_or(Path::new("")))? {
        return Ok(Err(d));
    }
    tree.write(path, overwrite, |w| w.write_all(text.as_bytes()))
}
