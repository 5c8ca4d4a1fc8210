//! Everything the workflows run and every image is built from is pinned by content, not by a name
//! someone else can move: each `uses:` in .github/workflows by a full 40-hex commit SHA with a
//! `# vX.Y.Z` comment (Dependabot updates both), each `FROM` in images/*/Dockerfile by
//! `@sha256:<64 hex>`. Also: one SHA per action version across the workflows, least-privilege
//! permissions per job, and Dependabot covering every pinned ecosystem.
//! std only: the files are read as text, line by line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workflows() -> Vec<(String, String)> {
    let dir = repo_root().join(".github").join("workflows");
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir).expect("read .github/workflows") {
        let path = entry.expect("workflow entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            files.push((format!(".github/workflows/{name}"), fs::read_to_string(&path).expect("read workflow")));
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no workflows found");
    files
}

fn dockerfiles() -> Vec<(String, String)> {
    let dir = repo_root().join("images");
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir).expect("read images/") {
        let path = entry.expect("images entry").path().join("Dockerfile");
        if path.is_file() {
            let builder = path.parent().and_then(Path::file_name).unwrap_or_default().to_string_lossy().into_owned();
            files.push((format!("images/{builder}/Dockerfile"), fs::read_to_string(&path).expect("read Dockerfile")));
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no images/*/Dockerfile found");
    files
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `vMAJOR.MINOR.PATCH` (a pre-release or build suffix allowed).
fn is_version_tag(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else { return false };
    let core = rest.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// One `uses:` reference: the action, its SHA and its version comment.
#[derive(Debug, PartialEq)]
struct Pin {
    action: String,
    sha: String,
    version: String,
}

/// Checks one `uses:` value (with its trailing comment); returns the pin or what is wrong.
fn check_uses(value_and_comment: &str) -> Result<Option<Pin>, String> {
    let (value, comment) = match value_and_comment.split_once(" #") {
        Some((v, c)) => (v.trim(), Some(c.trim())),
        None => (value_and_comment.trim(), None),
    };
    let value = value.trim_matches(['"', '\'']);
    if value.starts_with("./") {
        // An action in this repository: pinned by the commit that runs it.
        return Ok(None);
    }
    if let Some(image) = value.strip_prefix("docker://") {
        return match image.split_once("@sha256:") {
            Some((_, digest)) if is_hex(digest, 64) => Ok(None),
            _ => Err(format!("`{value}`: a docker:// action must be pinned by @sha256:<64 hex>")),
        };
    }
    let Some((action, reference)) = value.split_once('@') else {
        return Err(format!("`{value}` has no @ref: pin it by a full commit SHA"));
    };
    if !is_hex(reference, 40) {
        return Err(format!("`{value}` is pinned by `{reference}`, not by a full 40-hex commit SHA"));
    }
    let Some(comment) = comment else {
        return Err(format!("`{value}` has no `# vX.Y.Z` comment naming the version its SHA is"));
    };
    let version = comment.split_whitespace().next().unwrap_or("");
    if !is_version_tag(version) {
        return Err(format!("`{value}`: the comment `# {comment}` does not start with a full version tag vX.Y.Z"));
    }
    Ok(Some(Pin { action: action.to_string(), sha: reference.to_string(), version: version.to_string() }))
}

/// Every `uses:` in a workflow, as (line number, the text after `uses:`).
fn uses_lines(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(rest) = trimmed.strip_prefix("uses:") {
            found.push((index + 1, rest.trim().to_string()));
        }
    }
    found
}

#[test]
fn every_action_is_pinned_by_a_full_commit_sha_with_a_version_comment() {
    let mut problems = Vec::new();
    let mut count = 0;
    for (file, text) in workflows() {
        for (line, value) in uses_lines(&text) {
            count += 1;
            if let Err(why) = check_uses(&value) {
                problems.push(format!("{file}:{line}: {why}"));
            }
        }
    }
    assert!(count > 0, "no `uses:` found in the workflows: the scanner is broken");
    assert!(problems.is_empty(), "unpinned actions:\n{}", problems.join("\n"));
}

#[test]
fn one_action_version_is_one_sha_everywhere() {
    // actions/cache/restore and actions/cache/save are paths in actions/cache: one repository.
    let mut seen: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut by_repo_sha: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, text) in workflows() {
        for (line, value) in uses_lines(&text) {
            let Ok(Some(pin)) = check_uses(&value) else { continue };
            let repo = pin.action.split('/').take(2).collect::<Vec<_>>().join("/");
            let place = format!("{file}:{line}");
            if let Some((sha, other)) = seen.get(&(repo.clone(), pin.version.clone())) {
                if *sha != pin.sha {
                    problems.push(format!("{place}: {repo} {} is {} here but {sha} at {other}", pin.version, pin.sha));
                }
            } else {
                seen.insert((repo.clone(), pin.version.clone()), (pin.sha.clone(), place.clone()));
            }
            if let Some((version, other)) = by_repo_sha.get(&(repo.clone(), pin.sha.clone())) {
                if *version != pin.version {
                    problems.push(format!("{place}: {repo}@{} is called {} here but {version} at {other}", pin.sha, pin.version));
                }
            } else {
                by_repo_sha.insert((repo, pin.sha), (pin.version, place));
            }
        }
    }
    assert!(problems.is_empty(), "inconsistent pins:\n{}", problems.join("\n"));
}

/// Checks one Dockerfile: every FROM that names an image pins it by digest.
fn check_dockerfile(text: &str) -> Vec<String> {
    let mut stages: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let mut words = line.split_whitespace();
        if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("FROM")) {
            continue;
        }
        let rest: Vec<&str> = words.collect();
        let image = rest.iter().find(|w| !w.starts_with("--")).copied().unwrap_or("");
        let earlier_stage = stages.contains(&image.to_ascii_lowercase());
        if let Some(position) = rest.iter().position(|w| w.eq_ignore_ascii_case("AS")) {
            if let Some(name) = rest.get(position + 1) {
                stages.push(name.to_ascii_lowercase());
            }
        }
        if image.is_empty() {
            problems.push(format!("line {}: FROM without an image", index + 1));
            continue;
        }
        if image == "scratch" || earlier_stage {
            continue;
        }
        if image.contains('$') {
            problems.push(format!("line {}: base image `{image}` comes from a variable, so no digest pins it", index + 1));
            continue;
        }
        match image.split_once("@sha256:") {
            Some((_, digest)) if is_hex(digest, 64) => {}
            _ => problems.push(format!("line {}: base image `{image}` is not pinned by @sha256:<64 hex>", index + 1)),
        }
    }
    problems
}

#[test]
fn every_base_image_is_pinned_by_digest() {
    let mut problems = Vec::new();
    for (file, text) in dockerfiles() {
        let froms = text.lines().filter(|l| l.trim_start().to_ascii_uppercase().starts_with("FROM ")).count();
        assert!(froms > 0, "{file} has no FROM");
        for problem in check_dockerfile(&text) {
            problems.push(format!("{file}: {problem}"));
        }
    }
    assert!(problems.is_empty(), "unpinned base images:\n{}", problems.join("\n"));
}

/// The jobs of a workflow: name → (the job's permission lines, the `uses:` and `run:` lines).
fn jobs(text: &str) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut jobs: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut in_jobs = false;
    let mut current: Option<String> = None;
    let mut in_permissions = false;
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            in_jobs = line.trim_end() == "jobs:";
            current = None;
            continue;
        }
        if !in_jobs {
            continue;
        }
        if indent == 2 && line.trim_end().ends_with(':') {
            current = Some(line.trim().trim_end_matches(':').to_string());
            jobs.entry(current.clone().unwrap_or_default()).or_default();
            in_permissions = false;
            continue;
        }
        let Some(job) = current.as_ref() else { continue };
        let entry = jobs.get_mut(job).expect("job entry");
        if indent == 4 {
            in_permissions = line.trim_start().starts_with("permissions:");
            if in_permissions {
                let inline = line.trim().trim_start_matches("permissions:").trim();
                if !inline.is_empty() {
                    entry.0.push(inline.to_string());
                }
            }
        } else if in_permissions && indent == 6 {
            let permission = line.split('#').next().unwrap_or("").trim();
            entry.0.push(permission.to_string());
            continue;
        }
        let step = line.trim_start().trim_start_matches("- ");
        if step.starts_with("uses:") || step.starts_with("run:") {
            entry.1.push(step.to_string());
        }
    }
    jobs
}

#[test]
fn every_job_has_least_privilege_permissions() {
    let mut problems = Vec::new();
    for (file, text) in workflows() {
        let top: Vec<&str> = text.lines().skip_while(|l| *l != "permissions:").skip(1).take_while(|l| l.starts_with("  ")).collect();
        if top.iter().map(|l| l.trim()).collect::<Vec<_>>() != ["contents: read"] {
            problems.push(format!("{file}: the workflow-level permissions must be exactly `contents: read` (got {top:?})"));
        }
        let jobs = jobs(&text);
        assert!(!jobs.is_empty(), "{file}: no jobs found: the scanner is broken");
        for (job, (permissions, steps)) in jobs {
            if permissions.is_empty() {
                problems.push(format!("{file}: job `{job}` declares no permissions of its own"));
            }
            let attests = steps.iter().any(|s| s.contains("actions/attest-build-provenance@"));
            for permission in &permissions {
                let Some((scope, level)) = permission.split_once(':') else {
                    problems.push(format!("{file}: job `{job}`: `{permission}` is not `scope: level`"));
                    continue;
                };
                let (scope, level) = (scope.trim(), level.trim());
                if level == "write" {
                    let allowed = match scope {
                        "id-token" | "attestations" => attests,
                        "packages" => steps.iter().any(|s| s.contains("image-build.sh") || s.contains("attest-build-provenance")),
                        "contents" => {
                            steps.iter().any(|s| ["publish-release.sh", "psl-update-pr.sh", "pin-pr.sh"].iter().any(|x| s.contains(x)))
                        }
                        "pull-requests" => {
                            steps.iter().any(|s| ["psl-update-pr.sh", "post-review-comment.sh", "pin-pr.sh"].iter().any(|x| s.contains(x)))
                        }
                        _ => false,
                    };
                    if !allowed {
                        problems.push(format!("{file}: job `{job}` has `{scope}: write` but runs nothing that needs it"));
                    }
                }
            }
            if attests
                && !(permissions.contains(&"id-token: write".to_string()) && permissions.contains(&"attestations: write".to_string()))
            {
                problems.push(format!("{file}: job `{job}` attests without `id-token: write` and `attestations: write`"));
            }
        }
    }
    assert!(problems.is_empty(), "permission problems:\n{}", problems.join("\n"));
}

#[test]
fn dependabot_covers_cargo_actions_and_every_builder_image() {
    let text = fs::read_to_string(repo_root().join(".github").join("dependabot.yml")).expect("read .github/dependabot.yml");
    for ecosystem in ["cargo", "github-actions", "docker"] {
        assert!(text.contains(&format!("package-ecosystem: {ecosystem}")), "dependabot.yml does not update {ecosystem}");
    }
    for (file, _) in dockerfiles() {
        let dir = file.trim_end_matches("/Dockerfile");
        assert!(text.contains(&format!("\"/{dir}\"")), "dependabot.yml does not watch /{dir}");
    }
}

#[test]
fn the_checks_catch_what_they_should() {
    let sha = "08c6903cd8c0fde910a37f88322edcfb5dd907a8";
    assert_eq!(
        check_uses(&format!("actions/checkout@{sha} # v5.0.0")),
        Ok(Some(Pin { action: "actions/checkout".into(), sha: sha.into(), version: "v5.0.0".into() }))
    );
    assert!(check_uses(&format!("actions/cache/restore@{sha} # v4.3.0")).is_ok());
    assert!(check_uses("./.github/actions/local").is_ok());
    for bad in [
        "actions/checkout@v5".to_string(),
        "actions/checkout@v5.0.0 # v5.0.0".to_string(),
        "actions/checkout".to_string(),
        format!("actions/checkout@{sha}"),
        format!("actions/checkout@{sha} # v5"),
        format!("actions/checkout@{sha} # main"),
        format!("actions/checkout@{} # v5.0.0", &sha[..39]),
        format!("actions/checkout@{} # v5.0.0", sha.to_uppercase()),
        "docker://alpine:3.20".to_string(),
    ] {
        assert!(check_uses(&bad).is_err(), "accepted `{bad}`");
    }
    let digest = "a".repeat(64);
    assert!(check_dockerfile(&format!("FROM --platform=$BUILDPLATFORM golang:1.25@sha256:{digest} AS build\nFROM scratch\nFROM build"))
        .is_empty());
    assert_eq!(check_dockerfile("FROM node:22-bookworm-slim").len(), 1);
    assert_eq!(check_dockerfile(&format!("FROM node@sha256:{}", "a".repeat(63))).len(), 1);
    assert_eq!(check_dockerfile("ARG BASE=node:22\nFROM $BASE").len(), 1);
    assert_eq!(check_dockerfile("FROM --platform=linux/amd64 python:3.13").len(), 1);
    assert!(is_version_tag("v1.2.3") && is_version_tag("v10.0.1-rc.1") && !is_version_tag("v1.2") && !is_version_tag("1.2.3"));
}
