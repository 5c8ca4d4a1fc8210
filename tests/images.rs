// SPDX-License-Identifier: Apache-2.0
//! The builder images under images/ and the build args `registryctl build-args` prints
//! must agree: build-images.yml passes exactly those KEY=VALUE lines as --build-arg, so a
//! Dockerfile ARG that build-args never prints would silently stay empty.
//! The Dockerfiles are read as text, the real binary is run for its keys, and the builders come
//! from the library's closed set.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use registryctl::schema::closed::Builder;

/// BuildKit's automatic platform args: BuildKit sets them for each platform of a multi-arch build
/// (`FROM --platform=$BUILDPLATFORM`, `GOARCH=$TARGETARCH`), so they are not build-args keys.
const BUILDKIT_PLATFORM_ARGS: [&str; 8] =
    ["BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"];

const DEMO_MANIFEST: &str = r#"schemaVersion: 1
name: demo
version: 0.1.0
source: {repo: github.com/gigmcp/demo-mcp, tag: v0.1.0}
image: {ref: ghcr.io/gigmcp/demo-mcp, digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000", entrypoint: /app/server, builder: go-static}
tier: sealed
entitlements: {egress: [api.demo.dev]}
tools: [{name: list_things, default: true}]
"#;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory unique to this process and moment, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("registryctl-{tag}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs the real binary's `build-args` on a demo manifest and returns what it printed.
fn build_args_output() -> BTreeMap<String, String> {
    let tmp = TempDir::new("images-test");
    let manifest_dir = tmp.0.join("manifests").join("demo");
    fs::create_dir_all(&manifest_dir).expect("create manifests/demo");
    let manifest = manifest_dir.join("0.1.0.yaml");
    fs::write(&manifest, DEMO_MANIFEST).expect("write demo manifest");
    fs::create_dir_all(tmp.0.join("policy")).expect("create policy/");
    let config = "imagePrefix: ghcr.io/gigmcp\ntoolpack: {repo: github.com/gigmcp/toolpack}\n";
    fs::write(tmp.0.join("policy/registry.yaml"), config).expect("write policy/registry.yaml");

    let out = Command::new(env!("CARGO_BIN_EXE_registryctl"))
        .arg("build-args")
        .arg(&manifest)
        .current_dir(&tmp.0)
        .output()
        .expect("run registryctl build-args");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "registryctl build-args failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}", out.status);

    let mut pairs = BTreeMap::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("build-args line is not KEY=VALUE: {line:?}"));
        assert!(
            !key.is_empty() && key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "build-args key is not an environment variable name: {key:?}"
        );
        let previous = pairs.insert(key.to_string(), value.to_string());
        assert!(previous.is_none(), "build-args printed {key} twice");
    }
    pairs
}

/// The Dockerfiles, as (builder directory name, path).
fn dockerfiles() -> Vec<(String, PathBuf)> {
    let images = repo_root().join("images");
    let mut found = Vec::new();
    for entry in fs::read_dir(&images).expect("read images/") {
        let entry = entry.expect("read images/ entry");
        let path = entry.path().join("Dockerfile");
        if entry.file_type().expect("file type").is_dir() && path.is_file() {
            found.push((entry.file_name().to_string_lossy().into_owned(), path));
        }
    }
    found.sort();
    found
}

/// One build stage: the ARG and ENV names it declares and the variables it uses,
/// each use with its line number.
#[derive(Default)]
struct Stage {
    from_line: usize,
    from: String,
    declared: BTreeSet<String>,
    uses: Vec<(usize, String)>,
}

struct Parsed {
    args: BTreeSet<String>,
    stages: Vec<Stage>,
}

/// Every `$NAME` and `${NAME...}` in a line.
fn variable_uses(line: &str) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = if bytes.get(i + 1) == Some(&b'{') { i + 2 } else { i + 1 };
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if end > start && !bytes[start].is_ascii_digit() {
                names.push(line[start..end].to_string());
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    names
}

fn parse_dockerfile(path: &Path) -> Parsed {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut args = BTreeSet::new();
    // Stage 0 collects the global ARGs before the first FROM.
    let mut stages = vec![Stage::default()];
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let instruction = words.next().unwrap_or("").to_ascii_uppercase();
        if instruction == "FROM" {
            // A FROM line may only use global ARGs, so its uses belong to stage 0.
            let globals = &mut stages[0];
            for name in variable_uses(line) {
                globals.uses.push((line_no, name));
            }
            // The image is the first word after any flags (`--platform=...`).
            let image = words.find(|w| !w.starts_with("--")).unwrap_or("").to_string();
            stages.push(Stage { from_line: line_no, from: image, ..Stage::default() });
            continue;
        }
        let stage = stages.last_mut().expect("a stage");
        match instruction.as_str() {
            "ARG" => {
                for word in words {
                    let name = word.split('=').next().unwrap_or("").to_string();
                    args.insert(name.clone());
                    stage.declared.insert(name);
                }
            }
            "ENV" => {
                let rest: Vec<&str> = words.collect();
                if rest.iter().any(|w| w.contains('=')) {
                    for word in rest.iter().filter(|w| w.contains('=')) {
                        stage.declared.insert(word.split('=').next().unwrap_or("").to_string());
                    }
                } else if let Some(first) = rest.first() {
                    stage.declared.insert((*first).to_string());
                }
            }
            _ => {}
        }
        for name in variable_uses(line) {
            stage.uses.push((line_no, name));
        }
    }
    Parsed { args, stages }
}

#[test]
fn every_dockerfile_arg_is_a_build_args_key() {
    let printed = build_args_output();
    let keys: BTreeSet<&str> = printed.keys().map(String::as_str).collect();
    for expected in ["SOURCE_REPO", "SOURCE_TAG", "PACKAGE", "BUILDER", "NAME", "VERSION"] {
        assert!(keys.contains(expected), "build-args did not print {expected}; it printed {keys:?}");
    }
    assert_eq!(printed.get("NAME").map(String::as_str), Some("demo"));
    assert_eq!(printed.get("VERSION").map(String::as_str), Some("0.1.0"));
    assert_eq!(printed.get("BUILDER").map(String::as_str), Some("go-static"));

    let files = dockerfiles();
    assert!(!files.is_empty(), "no images/*/Dockerfile found");
    let mut problems = Vec::new();
    for (builder, path) in &files {
        let parsed = parse_dockerfile(path);
        for arg in &parsed.args {
            if !keys.contains(arg.as_str()) && !BUILDKIT_PLATFORM_ARGS.contains(&arg.as_str()) {
                problems.push(format!("images/{builder}/Dockerfile: ARG {arg} is not printed by build-args (keys: {keys:?})"));
            }
        }
        // Upper-case names are build args or image env; lower-case ones are shell
        // locals inside RUN and are not checked. An ARG is visible only in the
        // stage that declares it, so a use must be declared in its own stage.
        for (index, stage) in parsed.stages.iter().enumerate() {
            for (line, name) in &stage.uses {
                let upper = name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                // FROM lines (stage 0's uses) see BuildKit's platform args without an ARG.
                let automatic = index == 0 && BUILDKIT_PLATFORM_ARGS.contains(&name.as_str());
                if upper && !automatic && !stage.declared.contains(name) {
                    problems.push(format!("images/{builder}/Dockerfile:{line}: ${name} is used but not declared (ARG/ENV) in this stage"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "Dockerfile build-arg problems:\n{}", problems.join("\n"));
}

#[test]
fn builder_directories_are_exactly_the_schema_builders() {
    let images = repo_root().join("images");
    let mut dirs = BTreeSet::new();
    for entry in fs::read_dir(&images).expect("read images/") {
        let entry = entry.expect("read images/ entry");
        if entry.file_type().expect("file type").is_dir() {
            dirs.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    // The builders the manifest schema (and the Go gateway's validator) accepts.
    let expected: BTreeSet<String> = Builder::ALL.iter().map(|b| b.to_string()).collect();
    assert_eq!(dirs, expected, "images/ must hold exactly one directory per builder");
    for builder in expected {
        assert!(images.join(&builder).join("Dockerfile").is_file(), "images/{builder}/Dockerfile is missing");
    }
}

#[test]
fn base_images_are_pinned_by_digest_and_ship_app_server() {
    let mut problems = Vec::new();
    for (builder, path) in dockerfiles() {
        let text = fs::read_to_string(&path).expect("read Dockerfile");
        let parsed = parse_dockerfile(&path);
        for stage in parsed.stages.iter().skip(1) {
            if stage.from == "scratch" {
                continue;
            }
            let pinned = stage.from.split_once("@sha256:").is_some_and(|(image, digest)| {
                image.contains(':') && digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            });
            if !pinned {
                problems.push(format!(
                    "images/{builder}/Dockerfile:{}: base image {} is not pinned as image:tag@sha256:<64 hex>",
                    stage.from_line, stage.from
                ));
            }
        }
        if !text.contains("/app/server") {
            problems.push(format!("images/{builder}/Dockerfile never produces /app/server"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn variable_scanner_finds_both_forms() {
    assert_eq!(
        variable_uses(r#"RUN git clone --branch "$SOURCE_TAG" "https://${SOURCE_REPO}" x$1 $$"#),
        vec!["SOURCE_TAG".to_string(), "SOURCE_REPO".to_string()]
    );
    assert_eq!(variable_uses("COPY manifests/${NAME}/${VERSION}.yaml /app/"), vec!["NAME", "VERSION"]);
}
