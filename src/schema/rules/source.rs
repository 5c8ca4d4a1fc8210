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
use crate::schema::patterns::{DIGEST, OCI_PATH, PACKAGE, RELEASE_TAG, REPO_SEGMENT, TAG, VERSION};
use crate::schema::repository::{self, RepositoryConfig};

/// Prefixes (compared without case) of refs that are not tags: a branch, a remote-tracking
/// branch, or a forge's pull-request, merge-request or review ref, which anyone who opens one can
/// create and move. `refs/` covers every namespace but `refs/tags/`.
const MOVING_REF_PREFIXES: &[&str] = &["refs/", "heads/", "remotes/", "pull/", "pull-requests/", "merge-requests/", "changes/"];
/// Git's pseudo-refs (compared without case), and any `*_HEAD`: they name whatever a local
/// operation last pointed them at.
const PSEUDO_REFS: &[&str] = &["head", "fetch_head", "orig_head", "merge_head", "auto_merge", "stash"];
/// Names that read as a branch (compared without case): said so in the warning.
const BRANCH_NAMES: &[&str] = &[
    "main",
    "master",
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

/// What a `source.tag` names, beyond being a safe git tag ([`check_tag`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// Reads as a release ([`RELEASE_TAG`]): `v1.4.2`, `1.2`, `v2.0.0-rc.1`, `cmd/server/v1.2.3`.
    Release,
    /// Anything else a repository could hold as a tag (`main`, `beta`, `patch-1`, `v1`): it may
    /// be a branch, or a tag someone moves.
    NotRelease,
    /// A ref that is not a tag, or a pseudo-ref (`refs/heads/main`, `refs/pull/1/head`,
    /// `pull/123/merge`, `HEAD`, `FETCH_HEAD`): it moves by design.
    MovingRef,
}

/// Classifies a safe git tag: pull-request, branch and pseudo-refs first, then the release shape.
pub fn tag_kind(tag: &str) -> TagKind {
    let t = tag.to_ascii_lowercase();
    let tag_ref = t.starts_with("refs/tags/");
    if !tag_ref && MOVING_REF_PREFIXES.iter().any(|p| t.starts_with(p)) || PSEUDO_REFS.contains(&t.as_str()) || t.ends_with("_head") {
        TagKind::MovingRef
    } else if RELEASE_TAG.is_match(tag) {
        TagKind::Release
    } else {
        TagKind::NotRelease
    }
}

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
/// (`vMAJOR.MINOR.PATCH`); any other builder's tag that is a ref anyone can create or move is an
/// error, and one that does not read as a release a warning a reviewer must accept. Tags that
/// are not safe git tags at all are [`source`]'s.
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
        return;
    }
    match tag_kind(tag) {
        TagKind::Release => {}
        TagKind::MovingRef => {
            let msg = format!(
                "source.tag `{tag}` is not a tag but a ref that moves: a branch, a pull-request or merge-request ref anyone can open, or a pseudo-ref such as HEAD; the image built from it need not be the code reviewed"
            );
            out.push(Diagnostic::new(Rule::SourceTagMovingRef, at("source", "tag"), msg));
        }
        TagKind::NotRelease => {
            let what = if BRANCH_NAMES.contains(&tag.to_ascii_lowercase().as_str()) {
                "looks like a branch name"
            } else {
                "does not look like a release version ([prefix/]v?MAJOR.MINOR[.PATCH…][-pre][+build])"
            };
            let msg = format!("source.tag `{tag}` {what}: a branch, or a tag someone moves, can change after review");
            out.push(Diagnostic::new(Rule::SourceTagBranch, at("source", "tag"), msg));
        }
    }
}

/// A release tag: `v` and MAJOR.MINOR.PATCH without leading zeros.
pub fn is_release_tag(tag: &str) -> bool {
    tag.strip_prefix('v').is_some_and(|v| VERSION.is_match(v))
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

    const RELEASES: &[&str] = &[
        "v1.0.0",
        "1.2.3",
        "v1.2",
        "V2.0",
        "v2024.01.01",
        "1.2.3.4",
        "v1.0.0-rc.1",
        "v2.0.0-beta-2",
        "v1.0.0+build.1",
        "v1.0.0-rc.1+exp.sha.5114f85",
        "cmd/server/v1.2.3",
        "refs/tags/v1.0.0",
        "sdk/go/1.4.0",
    ];
    const OTHER_NAMES: &[&str] = &[
        "main",
        "MASTER",
        "develop",
        "trunk",
        "latest",
        "patch-1",
        "wip",
        "beta",
        "test",
        "chore/x",
        "users/bob/x",
        "main-branch",
        "master2",
        "feature/x",
        "origin/main",
        "release-1.0",
        "mainframe-1.0",
        "v1",
        "1",
        "v1.",
        "v1.2.x",
        "release/2024-01",
        "v1.0.0-",
        "pkg-v1.2.3",
        "refs/tags/main",
    ];
    const MOVING_REFS: &[&str] = &[
        "refs/pull/1/head",
        "refs/pull/1/merge",
        "pull/123/head",
        "pull/7/merge",
        "Pull/7/head",
        "refs/heads/main",
        "refs/heads/v1.0.0",
        "refs/remotes/origin/main",
        "heads/main",
        "remotes/origin/v1.2.3",
        "refs/merge-requests/4/head",
        "merge-requests/4/head",
        "refs/changes/12/3412/1",
        "refs/pull-requests/9/from",
        "refs/for/main",
        "refs/stash",
        "changes/12/3412/1",
        "refs/notes/commits",
        "HEAD",
        "head",
        "FETCH_HEAD",
        "ORIG_HEAD",
        "MERGE_HEAD",
        "CHERRY_PICK_HEAD",
        "REBASE_HEAD",
        "AUTO_MERGE",
        "stash",
    ];

    #[test]
    fn tags_are_releases_other_names_or_moving_refs() {
        for (tags, kind) in [(RELEASES, TagKind::Release), (OTHER_NAMES, TagKind::NotRelease), (MOVING_REFS, TagKind::MovingRef)] {
            for tag in tags {
                assert_eq!(tag_kind(tag), kind, "{tag}");
            }
        }
        assert!(is_release_tag("v0.1.0") && is_release_tag("v10.20.30"));
        for tag in ["0.1.0", "v1.0", "v01.0.0", "v1.0.0-rc1", "main"] {
            assert!(!is_release_tag(tag), "{tag}");
        }
    }
}
