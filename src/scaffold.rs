// SPDX-License-Identifier: Apache-2.0
//! `registryctl new`: the manifest (and toolspec) a new server starts from, every value to fill
//! in marked TODO so lint names each one until it is replaced.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::fs::{Entry, Overwrite, Tree};
use crate::schema::closed::{comma_list, Builder, Category, Tier};
use crate::schema::manifest::PLANNED_DIGEST;
use crate::schema::rules::identity::is_valid_name;

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

/// Writes `manifests/<name>/0.1.0.yaml` (and `toolspecs/<name>/0.1.0.yaml` for toolpack) in
/// `tree`, never overwriting a file and never through a link: every target and every directory
/// on the way is checked before anything is written (a link there is a finding, a file where a
/// directory belongs or an existing target a usage error), and when a write fails part way what
/// was written is removed again, so a failed run leaves the tree as it was. Returns the names
/// of the files written.
pub fn create(tree: &Tree, name: &str, builder: Builder, tier: Tier) -> Result<Result<Vec<String>, Diagnostic>> {
    if !is_valid_name(name) {
        return Err(Error::Usage(format!("`{name}` is not a server name: lowercase letters, digits and inner hyphens")));
    }
    let file = |kind: &str| Path::new(kind).join(name).join("0.1.0.yaml");
    let mut files = vec![(file("manifests"), manifest_text(name, builder, tier))];
    if builder == Builder::Toolpack {
        files.push((file("toolspecs"), toolspec_text(name, tier)));
    }
    // The directories `create_dirs` will make, deepest last.
    let mut new_dirs: Vec<PathBuf> = Vec::new();
    for (path, _) in &files {
        let dirs: Vec<&Path> = path.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()).collect();
        for dir in dirs.into_iter().rev() {
            match tree.entry(dir)? {
                Entry::Dir => {}
                Entry::Missing => {
                    if !new_dirs.iter().any(|d| d == dir) {
                        new_dirs.push(dir.to_path_buf());
                    }
                }
                Entry::Symlink(link) => return Ok(Err(tree.symlink_finding(path, &link))),
                Entry::File | Entry::Special => {
                    return Err(Error::Usage(format!("{} is not a directory; cannot create {}", tree.display(dir), tree.display(path))))
                }
            }
        }
        match tree.entry(path)? {
            Entry::Missing => {}
            Entry::Symlink(link) => return Ok(Err(tree.symlink_finding(path, &link))),
            _ => return Err(Error::Usage(format!("{} exists; refusing to overwrite it", tree.display(path)))),
        }
    }
    let mut written: Vec<&Path> = Vec::new();
    let result = write_all(tree, &files, &mut written);
    if !matches!(result, Ok(Ok(()))) {
        undo(tree, &written, &new_dirs);
    }
    Ok(match result? {
        Ok(()) => Ok(written.iter().map(|p| tree.display(p)).collect()),
        Err(finding) => Err(finding),
    })
}

/// Removes the files a failed run wrote, then the directories it created (deepest first, and
/// only while empty). Best effort: what cannot be removed stays, and the run's error says why
/// it failed.
fn undo(tree: &Tree, written: &[&Path], new_dirs: &[PathBuf]) {
    for path in written {
        let _ = tree.remove(path, false);
    }
    for dir in new_dirs.iter().rev() {
        let _ = tree.remove(dir, true);
    }
}

/// Writes each file, recording it in `written` once it is there.
fn write_all<'f>(tree: &Tree, files: &'f [(PathBuf, String)], written: &mut Vec<&'f Path>) -> Result<Result<(), Diagnostic>> {
    for (path, text) in files {
        if let Err(d) = tree.create_dirs(path.parent().unwrap_or(Path::new("")))? {
            return Ok(Err(d));
        }
        if let Err(d) = tree.write(path, Overwrite::Refuse, |w| w.write_all(text.as_bytes()))? {
            return Ok(Err(d));
        }
        written.push(path);
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_failed_write_wrote_is_taken_back() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("manifests")).unwrap();
        let tree = Tree::open(d.path(), "").unwrap();
        let files = [
            (PathBuf::from("manifests/acme/0.1.0.yaml"), "one".to_string()),
            // A directory where the second file's directory belongs, made after the checks.
            (PathBuf::from("toolspecs/acme/0.1.0.yaml"), "two".to_string()),
        ];
        std::fs::create_dir_all(d.path().join("toolspecs")).unwrap();
        std::os::unix::fs::symlink("/nonexistent", d.path().join("toolspecs/acme")).unwrap();
        let mut written = Vec::new();
        let result = write_all(&tree, &files, &mut written).unwrap();
        assert_eq!(result.unwrap_err().rule, crate::diag::Rule::FileSymlink);
        assert_eq!(written, [Path::new("manifests/acme/0.1.0.yaml")]);
        undo(&tree, &written, &[PathBuf::from("manifests/acme")]);
        assert!(!d.path().join("manifests/acme").exists());
        assert!(d.path().join("manifests").is_dir(), "only what was created goes");
    }
}
