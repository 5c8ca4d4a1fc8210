// SPDX-License-Identifier: Apache-2.0
//! Source and image: where the code is and the digest-pinned image that runs it. build-args
//! writes these values into `$GITHUB_ENV` of a job holding a publishing token, so each is held
//! to a shape that cannot smuggle a second variable or an option. With the registry's
//! configuration (`policy/registry.yaml`), the image repository is the one the image workflow
//! pushes to and a toolpack server builds the registry's own engine at a release tag.

use super::egress::check_host;
use super::has_control;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::closed::Builder;
use crate::schema::manifest::{Image, Manifest, Source};
use crate::schema::patterns::{DIGEST, OCI_PATH, PACKAGE, REPO_SEGMENT, TAG, VERSION};
use crate::schema::repository::{self, RepositoryConfig};

/// Tags that name a branch (compared without case): a branch moves after review, so the image
/// built from it is not the code that was reviewed.
const BRANCH_NAMES: &[&str] = &[
    "main",
    "master",
    "head",
    "develop",
    "development",
    "devel",
    "dev",
    "trunk",
    "release",
    "releases",
    "latest",
    "stable",
    "next",
    "canary",
    "nightly",
    "edge",
    "staging",
    "production",
    "prod",
    "default",
    "gh-pages",
    "unstable",
    "testing",
    "snapshot",
    "current",
    "tip",
    "mainline",
];
/// Prefixes of branch names: refs and the usual branch families.
const BRANCH_PREFIXES: &[&str] = &[
    "refs/heads/",
    "refs/remotes/",
    "heads/",
    "remotes/",
    "origin/",
    "feature/",
    "features/",
    "feat/",
    "fix/",
    "bugfix/",
    "hotfix/",
    "release/",
    "releases/",
    "dependabot/",
    "renovate/",
    "wip/",
];

fn at(section: &'static str, key: &'static str) -> FieldPath {
    FieldPath::field(section).key(key)
}

/// source.repo, source.tag and source.package.
pub fn source(s: &Source, out: &mut Vec<Diagnostic>) {
    if let Err(e) = check_repo(&s.repo) {
        out.push(Diagnostic::new(Rule::SourceRepo, at("source", "repo"), e));
    }
    if let Err(e) = check_tag(&s.tag) {
        out.push(Diagnostic::new(Rule::SourceTag, at("source", "tag"), e));
    }
    if !s.package.is_empty() && !package_ok(&s.package) {
        let msg = format!("package `{}` is not a relative path inside the repository", s.package);
        out.push(Diagnostic::new(Rule::SourcePackage, at("source", "package"), msg));
    }
}

/// image.ref, image.digest and image.entrypoint (the builder is a closed set, read once).
pub fn image(i: &Image, out: &mut Vec<Diagnostic>) {
    if let Err(e) = check_image_ref(&i.reference) {
        out.push(Diagnostic::new(Rule::ImageRef, at("image", "ref"), e));
    }
    if !DIGEST.is_match(&i.digest) {
        let msg = format!("digest `{}` is not sha256: and 64 lowercase hex digits", i.digest);
        out.push(Diagnostic::new(Rule::ImageDigest, at("image", "digest"), msg));
    }
    if !i.entrypoint.starts_with('/') || has_control(&i.entrypoint) || i.entrypoint.split('/').any(|s| s == "..") {
        let msg = format!("entrypoint `{}` is not an absolute path", i.entrypoint);
        out.push(Diagnostic::new(Rule::ImageEntrypoint, at("image", "entrypoint"), msg));
    }
}

/// In a registry checkout, the manifest's builder must have `images/<builder>/Dockerfile`.
pub fn builder_dockerfile(m: &Manifest, available: &[Builder]) -> Option<Diagnostic> {
    let b = m.builder()?;
    (!available.contains(&b)).then(|| {
        Diagnostic::new(
            Rule::BuilderDockerfile,
            at("image", "builder"),
            format!("builder `{b}` has no images/{b}/Dockerfile in this registry"),
        )
    })
}

/// source.tag by builder: a toolpack manifest builds the engine at a release tag
/// (`vMAJOR.MINOR.PATCH`); any other builder's tag that reads as a branch name is a warning a
/// reviewer must accept. Tags that are not safe git tags at all are [`source`]'s.
pub fn tag_by_builder(m: &Manifest, out: &mut Vec<Diagnostic>) {
    let tag = &m.source.tag;
    if check_tag(tag).is_err() {
        return;
    }
    if m.builder() == Some(Builder::Toolpack) {
        if !is_release_tag(tag) {
            let msg = format!(
                "builder toolpack builds the engine at `{tag}`, which is not a release tag vMAJOR.MINOR.PATCH: only a released engine is reviewed"
            );
            out.push(Diagnostic::new(Rule::ToolpackSource, at("source", "tag"), msg));
        }
    } else if looks_like_branch(tag) {
        let msg = format!("source.tag `{tag}` looks like a branch name: a branch moves, so a later build need not be the code reviewed");
        out.push(Diagnostic::new(Rule::SourceTagBranch, at("source", "tag"), msg));
    }
}

/// A release tag: `v` and MAJOR.MINOR.PATCH without leading zeros.
pub fn is_release_tag(tag: &str) -> bool {
    tag.strip_prefix('v').is_some_and(|v| VERSION.is_match(v))
}

/// Whether a tag reads as a branch name (`main`, `HEAD`, `develop`, `refs/heads/x`, `feature/x`, ...).
pub fn looks_like_branch(tag: &str) -> bool {
    let t = tag.to_ascii_lowercase();
    BRANCH_NAMES.contains(&t.as_str()) || BRANCH_PREFIXES.iter().any(|p| t.starts_with(p))
}

/// The rules that need the registry's configuration: image.ref is `<imagePrefix>/<name>-mcp`,
/// and a toolpack manifest's source is the registry's toolpack engine. Values the file leaves
/// out are not checked (the file's own finding says so).
pub fn repository(m: &Manifest, config: &RepositoryConfig, out: &mut Vec<Diagnostic>) {
    let reference = &m.image.reference;
    if let Some(want) = config.image_for(&m.name).filter(|want| check_image_ref(reference).is_ok() && reference != want) {
        let msg = format!(
            "image.ref `{reference}` is not `{want}`: the image workflow pushes every server's image to <imagePrefix>/<name>-mcp (imagePrefix in {}), so any other repository holds an image this registry never built",
            repository::PATH
        );
        out.push(Diagnostic::new(Rule::ImageRef, at("image", "ref"), msg));
    }
    let repo = &m.source.repo;
    if let Some(engine) =
        config.toolpack_repo.as_deref().filter(|e| m.builder() == Some(Builder::Toolpack) && check_repo(repo).is_ok() && repo != e)
    {
        let msg = format!(
            "builder toolpack builds `{repo}`, not the registry's toolpack engine `{engine}` ({}): a no-code server would run that repository's code",
            repository::PATH
        );
        out.push(Diagnostic::new(Rule::ToolpackSource, at("source", "repo"), msg));
    }
}

fn package_ok(p: &str) -> bool {
    PACKAGE.is_match(p) && !p.starts_with('/') && !p.split('/').any(|s| s == "..")
}

/// source.repo: `host/path`, lowercase host, path segments of `[A-Za-z0-9._-]`.
pub fn check_repo(repo: &str) -> Result<(), String> {
    if repo.is_empty() {
        return Err("source.repo is required".into());
    }
    if repo.contains("://") {
        return Err(format!("`{repo}` has a scheme: write host/path, e.g. github.com/acme/acme-mcp"));
    }
    let (host, path) = repo.split_once('/').ok_or_else(|| format!("`{repo}` is not host/path"))?;
    check_host(host).map_err(|e| format!("host of `{repo}`: {e}"))?;
    if path.split('/').any(|s| !REPO_SEGMENT.is_match(s) || s == "." || s == "..") {
        return Err(format!("`{repo}`: path segments are [A-Za-z0-9._-], without `.` or `..`"));
    }
    Ok(())
}

/// source.tag: a git tag that is safe on a command line and in `$GITHUB_ENV`.
pub fn check_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("source.tag is required".into());
    }
    if !TAG.is_match(tag) || tag.contains("..") || tag.ends_with('/') || tag.ends_with(".lock") || tag.contains("//") {
        return Err(format!("`{}` is not a safe git tag", tag.escape_debug()));
    }
    Ok(())
}

/// image.ref: an OCI repository (`registry/path`), lowercase, without tag or digest.
pub fn check_image_ref(reference: &str) -> Result<(), String> {
    if reference.is_empty() {
        return Err("image.ref is required".into());
    }
    if reference.contains('@') {
        return Err(format!("`{reference}` carries a digest: put it in image.digest"));
    }
    let (registry, path) = reference.split_once('/').ok_or_else(|| format!("`{reference}` needs a registry host and a path"))?;
    check_host(registry).map_err(|e| format!("registry of `{reference}`: {e}"))?;
    if path.contains(':') {
        return Err(format!("`{reference}` carries a tag: the image is pinned by image.digest"));
    }
    if path.split('/').any(|s| !OCI_PATH.is_match(s)) {
        return Err(format!("`{reference}`: path components are lowercase [a-z0-9] joined by `.`, `_`, `__` or `-`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_rule() {
        assert!(check_repo("github.com/acme/acme-mcp").is_ok());
        assert!(check_repo("gitlab.com/a/b/c_d.e").is_ok());
        for bad in
            ["", "https://github.com/a/b", "github.com", "GitHub.com/a/b", "github.com/a b", "github.com/../x", "github.com/a\nFOO=1"]
        {
            assert!(check_repo(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tag_rule() {
        for ok in ["v1.0.0", "1.2.3", "release/2024-01", "v1.0.0+build.1"] {
            assert!(check_tag(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-v1", "v1..2", "v1 0", "v1;rm", "$(x)", "v1\nX=1", "a/", "/a", "v`x`", "x.lock"] {
            assert!(check_tag(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn image_ref_rule() {
        assert!(check_image_ref("ghcr.io/gigmcp/acme-mcp").is_ok());
        assert!(check_image_ref("registry.example.com/a/b__c").is_ok());
        for bad in ["", "ghcr.io/gigmcp/acme-mcp:latest", "ghcr.io/a@sha256:00", "acme-mcp", "ghcr.io/Acme/x", "ghcr.io:443/a/b"] {
            assert!(check_image_ref(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn package_rule() {
        assert!(package_ok("cmd/server"));
        assert!(package_ok("."));
        for bad in ["/abs", "../up", "a/../b", "a b", "a;b"] {
            assert!(!package_ok(bad), "{bad}");
        }
    }

    #[test]
    fn branch_names_and_release_tags() {
        for branch in ["main", "MASTER", "HEAD", "develop", "trunk", "latest", "refs/heads/v1.0.0", "feature/x", "origin/main"] {
            assert!(looks_like_branch(branch), "{branch}");
        }
        for tag in ["v1.0.0", "1.2.3", "v2024.01.01", "mainframe-1.0", "release-1.0"] {
            assert!(!looks_like_branch(tag), "{tag}");
        }
        assert!(is_release_tag("v0.1.0") && is_release_tag("v10.20.30"));
        for tag in ["0.1.0", "v1.0", "v01.0.0", "v1.0.0-rc1", "main"] {
            assert!(!is_release_tag(tag), "{tag}");
        }
    }
}
