// SPDX-License-Identifier: Apache-2.0
//! The operated registry, end to end (issue 17 item 6): pull request → the two judges → merge →
//! build-images' pin → the pin's pull request → publish → verify, played through the same
//! `.github/scripts/*.sh` the workflows call, in a throwaway git repository built from the files
//! this repository's git tracks, with a `main` branch.
//!
//! - The base judge is built from `main` as lint.yml builds it
//!   (`.github/scripts/build-registryctl.sh` of the checkout it builds) and runs lint.yml's
//!   base-judge steps from the base checkout's scripts: changed-files.sh, lint-catalog.sh
//!   --skip-generated with the base checkout as policy root, aggregator-policy.sh,
//!   review-diff.sh. The self judge runs the self-judge steps with the pull request's own build
//!   and scripts: check-generated.sh and lint-catalog.sh (its `cargo test` is this very suite).
//! - Builds are reproducible (the binary does not depend on where the checkout is), so every
//!   build happens in one fixed directory under the target directory, sharing one cargo target
//!   directory, and each binary is kept under a key of its build inputs (src/, Cargo.*, the
//!   toolchain file, policy/data/, the build script): main is built once, across scenarios and
//!   across runs, and a pull request that changes none of them gets main's binary, as a second
//!   build would give the same bytes. Only the scenario that changes a rule builds again.
//!   .ci/run, which has just built a clean checkout with the same script, leaves that binary
//!   under main's key, and compiles the dependencies in the same target directory.
//! - GitHub is a bare repository (`origin`) and a stand-in `gh` that keeps releases and pull
//!   requests in a directory; the stable download URL is a link to the latest release's assets.
//!
//! Each scenario asserts the rule id or message it expects, not only the exit code.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Instant;

use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The pushed image's digest standing in for build-images' output.
const PUSHED: &str = "sha256:7d4c1a9e5b3f2c8d6e0a4b9c1f7e3d5a2b8c6f0e9d4a7b3c5e1f8a2d6b9c0e4f";
/// The new server the contributor adds.
const NEW: &str = "opsdemo";

// ---------- the throwaway repository ----------

/// `main` as a bare repository (GitHub), seeded with the files this repository's git tracks.
struct Origin {
    dir: TempDir,
    bare: PathBuf,
    prs: std::cell::Cell<u32>,
}

/// A pull request: the base branch's checkout and the change's (the branch merged into it, as
/// lint.yml checks it out), and its number.
struct Pr {
    base: PathBuf,
    head: PathBuf,
    branch: String,
    number: u32,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").current_dir(dir).args(args).envs(git_env()).output().unwrap();
    assert!(out.status.success(), "git {args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A git identity and no user or system configuration.
fn git_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_AUTHOR_NAME", "contributor"),
        ("GIT_AUTHOR_EMAIL", "contributor@example.com"),
        ("GIT_COMMITTER_NAME", "contributor"),
        ("GIT_COMMITTER_EMAIL", "contributor@example.com"),
    ]
}

/// A scratch directory, in memory where the machine has /dev/shm: a scenario creates and
/// deletes some twenty checkouts of about 1,200 files, which a busy disk makes slow.
fn scratch() -> TempDir {
    let shm = Path::new("/dev/shm");
    let in_memory = if shm.is_dir() { tempfile::Builder::new().prefix("registry-ops-").tempdir_in(shm).ok() } else { None };
    in_memory.unwrap_or_else(|| tempfile::tempdir().unwrap())
}

impl Origin {
    fn new() -> Origin {
        let dir = scratch();
        let seed = dir.path().join("seed");
        common::copy_tracked(&seed);
        git(&seed, &["init", "-q", "-b", "main"]);
        git(&seed, &["add", "-A"]);
        git(&seed, &["commit", "-q", "-m", "main: the files this repository's git tracks"]);
        let bare = dir.path().join("origin.git");
        git(dir.path(), &["clone", "-q", "--bare", seed.to_str().unwrap(), bare.to_str().unwrap()]);
        fs::remove_dir_all(&seed).unwrap();
        Origin { dir, bare, prs: std::cell::Cell::new(0) }
    }

    /// A scratch directory of this repository's scenario.
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// A fresh checkout of `rev` (a branch) at `to`.
    fn checkout(&self, rev: &str, to: &Path) -> PathBuf {
        let _ = fs::remove_dir_all(to);
        git(self.dir.path(), &["clone", "-q", "--branch", rev, self.bare.to_str().unwrap(), to.to_str().unwrap()]);
        to.to_path_buf()
    }

    /// Opens a pull request against main: `edit` changes a checkout of main, which is committed on
    /// a branch and pushed (GitHub keeps a pull request's head as a ref).
    fn pull_request(&self, slug: &str, edit: impl FnOnce(&Path)) -> Pr {
        let number = self.prs.get() + 1;
        self.prs.set(number);
        let root = self.path(&format!("pr-{number}-{slug}"));
        let base = self.checkout("main", &root.join("base"));
        let head = self.checkout("main", &root.join("pr"));
        let branch = format!("pr/{number}-{slug}");
        git(&head, &["switch", "-q", "-c", &branch]);
        edit(&head);
        git(&head, &["add", "-A"]);
        git(&head, &["commit", "-q", "-m", slug]);
        git(&head, &["push", "-q", "origin", &branch]);
        Pr { base, head, branch, number }
    }

    /// Merges a pull request: main becomes its head (a fast-forward: it was opened on main's tip).
    fn merge(&self, branch: &str) {
        git(&self.bare, &["update-ref", "refs/heads/main", &format!("refs/heads/{branch}")]);
    }
}

// ---------- builds, as lint.yml, build-images and publish-index make them ----------

/// One build at a time: they share one directory and one target directory.
static BUILD: Mutex<()> = Mutex::new(());

/// The environment a nested cargo must not inherit from the test's own.
fn without_cargo_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if (k.starts_with("CARGO") && k != "CARGO_HOME") || k.starts_with("RUSTFLAGS") || k == "RUSTC_WRAPPER" {
            cmd.env_remove(&k);
        }
    }
}

/// What a build of registryctl depends on: a binary is kept under the hash of `git ls-tree -r`
/// of these. .ci/run puts its own build of a clean checkout there under the same key.
const BUILD_INPUTS: [&str; 6] =
    ["src", "Cargo.toml", "Cargo.lock", "rust-toolchain.toml", "policy/data", ".github/scripts/build-registryctl.sh"];

/// registryctl built from `rev` of the throwaway repository by that revision's
/// `.github/scripts/build-registryctl.sh`, as lint.yml builds its judges and publish-index and
/// build-images their binaries; kept under the key of its build inputs.
fn build(origin: &Origin, rev: &str) -> PathBuf {
    let ops = Path::new(env!("CARGO_TARGET_TMPDIR")).join("operations");
    let mut args = vec!["ls-tree", "-r", rev, "--"];
    args.extend(BUILD_INPUTS);
    let key = hex::encode(Sha256::digest(git(&origin.bare, &args)));
    let cached = ops.join("bin").join(&key[..24]).join("registryctl");
    // A kept binary needs no lock (it is renamed into place whole): the other scenarios run on
    // while one builds.
    if kept(&cached) {
        return cached;
    }
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    if kept(&cached) {
        return cached;
    }
    let started = Instant::now();
    let src = ops.join("build");
    let _ = fs::remove_dir_all(&src);
    fs::create_dir_all(&ops).unwrap();
    git(&ops, &["clone", "-q", origin.bare.to_str().unwrap(), src.to_str().unwrap()]);
    git(&src, &["checkout", "-q", rev]);
    let mut cmd = Command::new("bash");
    without_cargo_env(&mut cmd);
    let out = cmd
        .arg(src.join(".github/scripts/build-registryctl.sh"))
        .arg(&src)
        .env("CARGO_TARGET_DIR", ops.join("target"))
        .env_remove("GITHUB_ENV")
        .output()
        .unwrap();
    assert!(out.status.success(), "build-registryctl.sh: {}", String::from_utf8_lossy(&out.stderr));
    let built = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    fs::create_dir_all(cached.parent().unwrap()).unwrap();
    let tmp = cached.with_extension("tmp");
    fs::copy(&built, &tmp).unwrap();
    fs::rename(&tmp, &cached).unwrap();
    prune(&ops.join("bin"), 3);
    eprintln!("built registryctl from {rev} in {:.0?} ({key:.12})", started.elapsed());
    cached
}

/// Whether the build is kept; if so it is marked as just used, so that `prune` keeps it.
fn kept(cached: &Path) -> bool {
    if !cached.is_file() {
        return false;
    }
    let dir = fs::File::open(cached.parent().unwrap()).unwrap();
    let _ = dir.set_modified(std::time::SystemTime::now());
    true
}

/// Keeps the `keep` most recently used cached builds.
fn prune(dir: &Path, keep: usize) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.metadata().and_then(|m| m.modified()).ok()));
    for e in entries.into_iter().skip(keep) {
        let _ = fs::remove_dir_all(e.path());
    }
}

// ---------- the workflows' steps ----------

/// One step's outcome: its exit code and everything it printed.
#[derive(Debug)]
struct Step {
    name: &'static str,
    code: i32,
    output: String,
}

/// A job's steps; it passes when every step does.
#[derive(Debug)]
struct Verdict(Vec<Step>);

impl Verdict {
    fn passed(&self) -> bool {
        self.0.iter().all(|s| s.code == 0)
    }

    fn step(&self, name: &str) -> &Step {
        self.0.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no step {name}"))
    }

    /// Fails with every step's output unless the job passed.
    fn assert_passed(&self, what: &str) {
        assert!(self.passed(), "{what} failed:\n{self}");
    }

    /// Fails unless exactly `step` failed, and printed `needle`.
    fn assert_failed_at(&self, step: &str, needle: &str) {
        let failed: Vec<&str> = self.0.iter().filter(|s| s.code != 0).map(|s| s.name).collect();
        assert_eq!(failed, [step], "{self}");
        assert!(self.step(step).output.contains(needle), "`{needle}` not in {step}:\n{self}");
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for s in &self.0 {
            writeln!(f, "--- {} (exit {})\n{}", s.name, s.code, s.output)?;
        }
        Ok(())
    }
}

/// Runs `bash SCRIPT ARGS...` in `dir` as a workflow step runs it, outside GitHub Actions.
fn script(name: &'static str, dir: &Path, script: &Path, args: &[&dyn AsRef<std::ffi::OsStr>], env: &[(&str, &str)]) -> Step {
    let mut cmd = Command::new("bash");
    cmd.current_dir(dir).arg(script).args(args.iter().map(|a| a.as_ref()));
    for k in ["GITHUB_ACTIONS", "GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GIG_SIGNING_KEY", "GIG_INDEX_SIGNING_KEY"] {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1").envs(git_env()).envs(env.iter().copied());
    step(name, cmd.output().unwrap())
}

fn step(name: &'static str, out: Output) -> Step {
    let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    Step { name, code: out.status.code().unwrap_or(-1), output }
}

/// lint.yml's base judge on a pull request: main's registryctl, main's scripts (from the base
/// checkout) and main's policy (the base checkout as policy root).
fn base_judge(judge: &Path, pr: &Pr) -> Verdict {
    let scripts = pr.base.join(".github/scripts");
    let top = pr.base.parent().unwrap();
    let changed_files = script("changed-files", top, &scripts.join("changed-files.sh"), &[&pr.base, &pr.head], &[]);
    let list = top.join("changed-files.txt");
    fs::write(&list, changed_files.output.as_bytes()).unwrap();
    let number = pr.number.to_string();
    let steps = vec![
        script("lint-catalog", top, &scripts.join("lint-catalog.sh"), &[&"--skip-generated", &judge, &pr.head, &pr.base, &list], &[]),
        script("aggregator-policy", top, &scripts.join("aggregator-policy.sh"), &[&pr.head], &[]),
        script(
            "review-diff",
            top,
            &scripts.join("review-diff.sh"),
            &[&judge, &pr.base, &pr.head, &top.join("review")],
            &[("PR_NUMBER", &number)],
        ),
    ];
    Verdict(std::iter::once(changed_files).chain(steps).collect())
}

/// lint.yml's self judge: the change's own build and scripts (its `cargo test` is this suite).
fn self_judge(own: &Path, pr: &Pr) -> Verdict {
    let scripts = pr.head.join(".github/scripts");
    Verdict(vec![
        script("check-generated", &pr.head, &scripts.join("check-generated.sh"), &[&own, &"."], &[]),
        script("lint-catalog", &pr.head, &scripts.join("lint-catalog.sh"), &[&own, &"."], &[("FORMAT", "human")]),
    ])
}

/// Both judges on a pull request whose build inputs are main's (its own build is main's binary).
fn judges(origin: &Origin, pr: &Pr) -> (Verdict, Verdict) {
    let judge = build(origin, "main");
    let own = build(origin, &pr.branch);
    (base_judge(&judge, pr), self_judge(&own, pr))
}

// ---------- GitHub's side: a stand-in gh ----------

/// A stand-in for gh (releases, pull requests, auth) keeping its state in $FAKE_GH_STATE; the
/// latest release's assets are served at $FAKE_GH_STATE/served/ (the stable download URL).
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
shopt -s nullglob
state="${FAKE_GH_STATE:?}"
mkdir -p "$state/releases" "$state/prs"
printf '%s\n' "$*" >> "$state/calls.log"
area="${1:-}" verb="${2:-}"
shift 2 || true
head_of() { while (($#)); do if [[ "$1" == --head ]]; then echo "${2//\//_}"; return; fi; shift; done; }
case "$area $verb" in
  "auth setup-git") ;;
  "pr list") if [[ -e "$state/prs/$(head_of "$@")" ]]; then echo 1; else echo 0; fi ;;
  "pr create") touch "$state/prs/$(head_of "$@")"; echo "https://github.com/gigmcp/registry/pull/1" ;;
  "release create")
    d="$state/releases/$1"; shift
    mkdir -p "$d/assets"; echo true > "$d/draft"
    while (($#)); do
      case "$1" in --repo|--target|--title|--notes) shift ;; --*) ;; *) cp "$1" "$d/assets/" ;; esac
      shift
    done ;;
  "release view") for f in "$state/releases/$1/assets"/*; do printf '%s %s uploaded\n' "${f##*/}" "$(wc -c < "$f" | tr -d ' ')"; done ;;
  "release edit")
    tag="$1"; shift
    for a in "$@"; do
      case "$a" in
        --draft=false) echo false > "$state/releases/$tag/draft" ;;
        --latest) ln -sfn "$state/releases/$tag/assets" "$state/served" ;;
      esac
    done ;;
  "release list") for d in "$state/releases"/*/; do if [[ "$(cat "$d/draft")" == false ]]; then basename "$d"; fi; done ;;
  "release delete") rm -rf "${state:?}/releases/$1" ;;
  *) echo "fake gh: unexpected: $area $verb $*" >&2; exit 3 ;;
esac
"#;

/// GitHub for the workflows' scripts: the fake gh first on PATH, its state, and a signing key.
struct Github {
    bin: PathBuf,
    state: PathBuf,
    key: String,
    public: PathBuf,
    key_id: String,
}

impl Github {
    fn new(origin: &Origin, registryctl: &Path) -> Github {
        let bin = origin.path("gh-bin");
        fs::create_dir_all(&bin).unwrap();
        let gh = bin.join("gh");
        fs::File::create(&gh).unwrap().write_all(FAKE_GH.as_bytes()).unwrap();
        fs::set_permissions(&gh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let keys = origin.path("keys");
        let out = Command::new(registryctl).args(["keygen", "--out-dir"]).arg(&keys).output().unwrap();
        assert!(out.status.success());
        let key_id = String::from_utf8(out.stdout).unwrap().lines().find_map(|l| l.strip_prefix("key id:  ").map(String::from)).unwrap();
        let key = fs::read_to_string(keys.join(format!("index-signing-{key_id}.key"))).unwrap().trim().to_string();
        Github { bin, state: origin.path("github"), key, public: keys.join(format!("index-signing-{key_id}.pub")), key_id }
    }

    /// PATH with the fake gh first.
    fn path(&self) -> String {
        format!("{}:{}", self.bin.display(), std::env::var("PATH").unwrap_or_default())
    }

    fn served(&self, file: &str) -> PathBuf {
        self.state.join("served").join(file)
    }

    fn calls(&self) -> String {
        fs::read_to_string(self.state.join("calls.log")).unwrap_or_default()
    }
}

/// publish-index.yml on main: the sign job (publish-sign.sh: fetch and verify what is published,
/// build, sign, verify, verify --previous), then the release job (publish-release.sh: a new
/// release, published, then latest). Returns both jobs.
fn publish(origin: &Origin, gh: &Github, n: u32) -> (Step, Option<Step>) {
    let registryctl = build(origin, "main");
    let checkout = origin.checkout("main", &origin.path(&format!("publish-{n}")));
    let out = checkout.join("out");
    let url = format!("file://{}", gh.served("index.json").display());
    let sign = script(
        "publish-sign",
        &checkout,
        &checkout.join(".github/scripts/publish-sign.sh"),
        &[&registryctl, &out],
        &[("GIG_INDEX_SIGNING_KEY", &gh.key), ("PUBLISHED_INDEX_URL", &url)],
    );
    if sign.code != 0 {
        return (sign, None);
    }
    let sha = git(&checkout, &["rev-parse", "HEAD"]);
    let epoch = (1_767_323_045 + u64::from(n) * 86_400).to_string();
    let state = gh.state.to_str().unwrap();
    let path = gh.path();
    let release = script(
        "publish-release",
        &checkout,
        &checkout.join(".github/scripts/publish-release.sh"),
        &[&out],
        &[
            ("GITHUB_REPOSITORY", "gigmcp/registry"),
            ("GH_TOKEN", "fake"),
            ("GITHUB_SHA", sha.trim()),
            ("PUBLISH_EPOCH", &epoch),
            ("FAKE_GH_STATE", state),
            ("PATH", &path),
        ],
    );
    (sign, Some(release))
}

/// `registryctl verify` as a gateway operator or mirror runs it on what is served.
fn verify(registryctl: &Path, index: &Path, sig: &Path, public: &Path, previous: Option<&Path>) -> Step {
    let mut cmd = Command::new(registryctl);
    cmd.arg("verify").arg("--in").arg(index).arg("--sig").arg(sig).arg("--pub-file").arg(public);
    if let Some(p) = previous {
        cmd.arg("--previous").arg(p);
    }
    step("verify", cmd.env("NO_COLOR", "1").output().unwrap())
}

// ---------- editing a checkout ----------

/// Replaces the one occurrence of `from` in `rel`; fails loudly when the file changed under it.
fn replace_once(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{rel} no longer holds `{from}` once: update this scenario");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Runs registryctl in a checkout, as a contributor or maintainer does.
fn run(registryctl: &Path, dir: &Path, args: &[&str]) -> String {
    let out = Command::new(registryctl).current_dir(dir).args(args).env("NO_COLOR", "1").output().unwrap();
    assert!(out.status.success(), "registryctl {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A contributor's new toolpack server, from `registryctl new` to a filled-in, consistent entry
/// with CATALOG.md regenerated.
fn contribute_server(registryctl: &Path, root: &Path, name: &str, host: &str) {
    let created = run(registryctl, root, &["new", name]);
    assert!(created.contains(&format!("added a row for {name} to catalog/sources.tsv")), "{created}");
    common::fill_todo(
        &root.join(format!("manifests/{name}/0.1.0.yaml")),
        &["Ops Demo", "List the projects of an Ops Demo account.", "productivity", host, "list_projects"],
    );
    common::fill_todo(
        &root.join(format!("toolspecs/{name}/0.1.0.yaml")),
        &[
            &format!("https://{host}"),
            "list_projects",
            "List the projects in the account, newest first, to find a project id.",
            "/v1/projects",
        ],
    );
    common::fill_todo(
        &root.join("catalog/sources.tsv"),
        &[
            "docs",
            &format!("https://{host}/docs"),
            "2026-01-01",
            "list_projects",
            "-",
            "checked the list endpoint against the vendor's docs",
        ],
    );
    run(registryctl, root, &["catalog"]);
}

fn count_dirs(dir: &Path) -> usize {
    fs::read_dir(dir).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count()
}

// ---------- the scenarios ----------

/// The registry the flow operates: the throwaway repository, main's registryctl, GitHub.
struct Flow {
    origin: Origin,
    judge: PathBuf,
    gh: Github,
}

/// A contributor's pull request adds a valid toolpack server: both judges pass; it is merged;
/// build-images' pin opens a one-line pull request (a pin that would change more is refused
/// before anything is pushed), which both judges pass; publish builds,
/// signs and verifies the index; a pull request then editing the published version's egress
/// fails the review gate; a second publish passes verify --previous; a replayed older index and
/// a tampered index or signature fail verification.
#[test]
fn a_server_goes_from_pull_request_to_a_verified_published_index() {
    let started = Instant::now();
    let origin = Origin::new();
    let judge = build(&origin, "main");
    let gh = Github::new(&origin, &judge);
    let flow = Flow { origin, judge, gh };
    flow.bootstrap_the_signing_key();
    flow.contributor_adds_a_server();
    flow.a_pin_that_changes_more_than_the_digest_is_refused();
    flow.build_images_pins_it();
    let first = flow.first_publish();
    flow.editing_the_published_version_fails();
    flow.second_publish_and_a_replay(&first);
    flow.tampering_fails();
    eprintln!("the operated flow took {:.1?}", started.elapsed());
}

impl Flow {
    /// A maintainer bootstraps the signing key (keys/README.md): the public key, by pull request.
    fn bootstrap_the_signing_key(&self) {
        let bootstrap = self.origin.pull_request("bootstrap-key", |pr| {
            fs::copy(&self.gh.public, pr.join("keys/index-signing.pub")).unwrap();
        });
        let (base, own) = judges(&self.origin, &bootstrap);
        base.assert_passed("the base judge of the key bootstrap");
        own.assert_passed("the self judge of the key bootstrap");
        self.origin.merge(&bootstrap.branch);
    }

    /// The contributor: registryctl new, the TODOs filled in, CATALOG.md regenerated; both
    /// judges pass, and it is merged.
    fn contributor_adds_a_server(&self) {
        let servers = count_dirs(&self.origin.checkout("main", &self.origin.path("main-before")).join("manifests"));
        let pr = self.origin.pull_request("add-opsdemo", |root| contribute_server(&self.judge, root, NEW, "api.opsdemo.com"));
        common::assert_catalog_invariants(&pr.head);
        let (base, own) = judges(&self.origin, &pr);
        base.assert_passed("the base judge of a contributor's valid server");
        own.assert_passed("the self judge of a contributor's valid server");
        assert!(base.step("lint-catalog").output.contains(&format!("check OK: {} manifest(s)", servers + 1)), "{base}");
        assert!(base.step("changed-files").output.contains(&format!("manifests/{NEW}/0.1.0.yaml")), "{base}");
        assert!(base.step("aggregator-policy").output.contains("aggregator policy OK"), "{base}");
        let comment = fs::read_to_string(pr.base.parent().unwrap().join("review/comment.md")).unwrap();
        assert!(comment.contains(NEW) && comment.contains("api.opsdemo.com"), "{comment}");
        assert!(own.step("check-generated").output.contains("CATALOG.md, schemas/ and docs/rules.md are fresh"), "{own}");
        self.origin.merge(&pr.branch);
    }

    /// pin-pr.sh's own guard: were `registryctl pin` to change more than the digest (another
    /// line, or the digest line's quoting), the pin job fails before it pushes a branch or opens a
    /// pull request. A stand-in registryctl runs the real one, then spoils the manifest.
    fn a_pin_that_changes_more_than_the_digest_is_refused(&self) {
        let spoilers = [
            ("1s/$/ /", "::error::pin changed more than the digest line of"),
            (r#"s/digest: (sha256:[0-9a-f]{64})/digest: "\1"/"#, "::error::the changed line of"),
        ];
        for (i, (sed, refusal)) in spoilers.into_iter().enumerate() {
            let main = self.origin.checkout("main", &self.origin.path(&format!("spoilt-pin-{i}")));
            let stand_in = self.origin.path(&format!("spoilt-pin-{i}.sh"));
            let text = format!(
                "#!/usr/bin/env bash\nset -euo pipefail\n'{}' \"$@\"\nif [[ $1 == pin ]]; then sed -i -E '{sed}' manifests/{NEW}/0.1.0.yaml; fi\n",
                self.judge.display()
            );
            fs::write(&stand_in, text).unwrap();
            fs::set_permissions(&stand_in, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
            let path = self.gh.path();
            let state = self.origin.path(&format!("spoilt-pin-{i}-github"));
            let github = [
                ("GITHUB_REPOSITORY", "gigmcp/registry"),
                ("GH_TOKEN", "fake"),
                ("FAKE_GH_STATE", state.to_str().unwrap()),
                ("PATH", &path),
            ];
            let pinned = script("pin-pr", &main, &main.join(".github/scripts/pin-pr.sh"), &[&stand_in, &NEW, &"0.1.0", &PUSHED], &github);
            assert_eq!(pinned.code, 1, "{}", pinned.output);
            assert!(pinned.output.contains(refusal), "`{refusal}` not in:\n{}", pinned.output);
            assert_eq!(git(&self.origin.bare, &["branch", "--list", "pin/*"]), "", "a spoilt pin pushed a branch");
            assert!(!state.join("calls.log").exists(), "a spoilt pin called gh");
        }
    }

    /// build-images on main: the new server's build args, then the pin job's pull request (a
    /// digest standing in for the push): the manifest's digest line and the regenerated
    /// CATALOG.md; both judges pass it, and it is merged.
    fn build_images_pins_it(&self) {
        let (origin, judge, gh) = (&self.origin, &self.judge, &self.gh);
        let main = origin.checkout("main", &origin.path("build-images"));
        let args = script("image-build-args", &main, &main.join(".github/scripts/image-build-args.sh"), &[judge, &NEW, &"0.1.0"], &[]);
        assert_eq!(args.code, 0, "{}", args.output);
        assert!(
            args.output.contains(&format!("IMAGE=ghcr.io/gigmcp/{NEW}-mcp\n")) && args.output.contains("BUILDER=toolpack\n"),
            "{}",
            args.output
        );
        let path = gh.path();
        let github = [
            ("GITHUB_REPOSITORY", "gigmcp/registry"),
            ("GH_TOKEN", "fake"),
            ("FAKE_GH_STATE", gh.state.to_str().unwrap()),
            ("PATH", &path),
        ];
        let pinned = script("pin-pr", &main, &main.join(".github/scripts/pin-pr.sh"), &[judge, &NEW, &"0.1.0", &PUSHED], &github);
        assert_eq!(pinned.code, 0, "{}", pinned.output);
        let branch = format!("pin/{NEW}-0.1.0");
        let numstat = git(&origin.bare, &["diff", "--numstat", "main", &branch, "--", "manifests"]);
        assert_eq!(numstat, format!("1\t1\tmanifests/{NEW}/0.1.0.yaml\n"), "the pin is one line");
        let diff = git(&origin.bare, &["diff", "-U0", "main", &branch, "--", "manifests"]);
        assert!(diff.contains(&format!("\n+  digest: {PUSHED}  # planned: build-images prints the digest to pin\n")), "{diff}");
        // ...and CATALOG.md, regenerated: the version is no longer planned.
        assert_eq!(git(&origin.bare, &["diff", "--name-only", "main", &branch]), format!("CATALOG.md\nmanifests/{NEW}/0.1.0.yaml\n"));
        assert!(gh.calls().contains(&format!("pr create --repo gigmcp/registry --base main --head {branch} ")), "{}", gh.calls());
        let pin = Pr {
            base: origin.checkout("main", &origin.path("pin-pr/base")),
            head: origin.checkout(&branch, &origin.path("pin-pr/pr")),
            branch: branch.clone(),
            number: 90,
        };
        let (base, own) = judges(origin, &pin);
        base.assert_passed("the base judge of the pin");
        own.assert_passed("the self judge of the pin");
        assert!(base.step("review-diff").output.contains(PUSHED), "{base}");
        origin.merge(&branch);
    }

    /// publish-index: the first publish finds nothing published and starts at serial 1; the
    /// served pair verifies with the committed key. Returns a copy of that pair.
    fn first_publish(&self) -> PathBuf {
        let gh = &self.gh;
        let (sign, release) = publish(&self.origin, gh, 1);
        assert_eq!(sign.code, 0, "{}", sign.output);
        assert!(sign.output.contains("first publish: nothing is published yet"), "{}", sign.output);
        let release = release.unwrap();
        assert_eq!(release.code, 0, "{}", release.output);
        assert!(release.output.contains("published and marked latest"), "{}", release.output);
        let index: serde_json::Value = serde_json::from_slice(&fs::read(gh.served("index.json")).unwrap()).unwrap();
        assert_eq!(index["serial"], 1);
        assert_eq!(index["servers"][NEW]["versions"]["0.1.0"]["image"]["digest"], PUSHED);
        let ok = verify(&self.judge, &gh.served("index.json"), &gh.served("index.json.sig"), &gh.public, None);
        assert_eq!((ok.code, ok.output.starts_with(&format!("signature OK: key {}", gh.key_id))), (0, true), "{}", ok.output);
        let first = self.origin.path("first-publish");
        fs::create_dir_all(&first).unwrap();
        for f in ["index.json", "index.json.sig"] {
            fs::copy(gh.served(f), first.join(f)).unwrap();
        }
        first
    }

    /// A pull request editing the egress of the published version: the review gate refuses it.
    fn editing_the_published_version_fails(&self) {
        let edit = self.origin.pull_request("widen-published-egress", |root| {
            replace_once(
                root,
                &format!("manifests/{NEW}/0.1.0.yaml"),
                "    - api.opsdemo.com\n",
                "    - api.opsdemo.com\n    - files.opsdemo.com\n",
            );
        });
        let (base, _) = judges(&self.origin, &edit);
        base.assert_failed_at("review-diff", "published-version-changed");
        assert!(base.step("review-diff").output.contains("entitlements.egress"), "{base}");
    }

    /// The weekly publish: serial 2, verify --previous against the published index passes; the
    /// first index, replayed, fails against the one trusted now.
    fn second_publish_and_a_replay(&self, first: &Path) {
        let gh = &self.gh;
        let (sign, release) = publish(&self.origin, gh, 2);
        assert_eq!(sign.code, 0, "{}", sign.output);
        assert!(sign.output.contains("published index: serial 1, verified with keys/index-signing.pub"), "{}", sign.output);
        assert!(sign.output.contains("changes from serial 1 to 2: none"), "{}", sign.output);
        assert_eq!(release.unwrap().code, 0);
        let second: serde_json::Value = serde_json::from_slice(&fs::read(gh.served("index.json")).unwrap()).unwrap();
        assert_eq!(second["serial"], 2);
        let replay =
            verify(&self.judge, &first.join("index.json"), &first.join("index.json.sig"), &gh.public, Some(&gh.served("index.json")));
        assert_eq!(replay.code, 1, "{}", replay.output);
        assert!(replay.output.contains("serial 1 is not greater than the previous index's 2"), "{}", replay.output);
    }

    /// A tampered index or signature after publish: verify fails, and so does the next publish,
    /// which finds the published index no longer verifies.
    fn tampering_fails(&self) {
        let gh = &self.gh;
        let tampered = self.origin.path("tampered");
        fs::create_dir_all(&tampered).unwrap();
        let mut bytes = fs::read(gh.served("index.json")).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        fs::write(tampered.join("index.json"), &bytes).unwrap();
        let bad = verify(&self.judge, &tampered.join("index.json"), &gh.served("index.json.sig"), &gh.public, None);
        assert_eq!(bad.code, 1, "{}", bad.output);
        assert!(bad.output.contains("the signature does not verify with any trusted key"), "{}", bad.output);
        let mut sig = fs::read_to_string(gh.served("index.json.sig")).unwrap();
        let flipped = if sig.starts_with('0') { "1" } else { "0" };
        sig.replace_range(0..1, flipped);
        fs::write(tampered.join("index.json.sig"), &sig).unwrap();
        let bad = verify(&self.judge, &gh.served("index.json"), &tampered.join("index.json.sig"), &gh.public, None);
        assert_eq!(bad.code, 1, "{}", bad.output);
        assert!(bad.output.contains("the signature does not verify with any trusted key"), "{}", bad.output);
        // The stable URL serving the tampered index (and the true signature): the next publish
        // refuses to build on it.
        fs::copy(gh.served("index.json.sig"), tampered.join("index.json.sig")).unwrap();
        let served = fs::read_link(gh.state.join("served")).unwrap();
        fs::remove_file(gh.state.join("served")).unwrap();
        std::os::unix::fs::symlink(&tampered, gh.state.join("served")).unwrap();
        let (sign, release) = publish(&self.origin, gh, 3);
        assert_eq!((sign.code, release.is_none()), (1, true), "{}", sign.output);
        assert!(sign.output.contains("the published index does not verify with keys/index-signing.pub"), "{}", sign.output);
        fs::remove_file(gh.state.join("served")).unwrap();
        std::os::unix::fs::symlink(served, gh.state.join("served")).unwrap();
    }
}

/// Changing or removing a valid server keeps every catalog invariant, and both judges pass.
#[test]
fn changing_or_removing_a_valid_server_passes() {
    let origin = Origin::new();
    let judge = build(&origin, "main");
    let main = origin.checkout("main", &origin.path("main"));
    let mut names: Vec<String> =
        fs::read_dir(main.join("manifests")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let (changed, removed) = (names[0].clone(), names[names.len() - 1].clone());
    let change = origin.pull_request("change-a-server", |root| {
        let dir = root.join("manifests").join(&changed);
        let file = fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
        let text = fs::read_to_string(&file).unwrap();
        let line = text.lines().find(|l| l.starts_with("displayName: ")).unwrap().to_string();
        fs::write(&file, text.replacen(&line, &format!("{line} (renamed)"), 1)).unwrap();
        run(&judge, root, &["catalog"]);
    });
    common::assert_catalog_invariants(&change.head);
    let (base, own) = judges(&origin, &change);
    base.assert_passed("the base judge of a changed server");
    own.assert_passed("the self judge of a changed server");
    let remove = origin.pull_request("remove-a-server", |root| {
        fs::remove_dir_all(root.join("manifests").join(&removed)).unwrap();
        let _ = fs::remove_dir_all(root.join("toolspecs").join(&removed));
        let sources = fs::read_to_string(root.join("catalog/sources.tsv")).unwrap();
        let kept: String = sources.split_inclusive('\n').filter(|l| !l.starts_with(&format!("{removed}\t"))).collect();
        fs::write(root.join("catalog/sources.tsv"), kept).unwrap();
        run(&judge, root, &["catalog"]);
    });
    common::assert_catalog_invariants(&remove.head);
    let (base, own) = judges(&origin, &remove);
    base.assert_passed("the base judge of a removed server");
    own.assert_passed("the self judge of a removed server");
}

/// A pull request adding a server with a denylisted egress host fails the base judge with
/// egress-denylisted, even when it also drops the host from its own denylist (its own policy
/// passes it: the base checkout's policy is what judges).
#[test]
fn a_denylisted_host_fails_the_base_judge() {
    let origin = Origin::new();
    let judge = build(&origin, "main");
    let pr = origin.pull_request("denylisted-host", |root| {
        contribute_server(&judge, root, NEW, "api.opsdemo.com");
        replace_once(
            root,
            &format!("manifests/{NEW}/0.1.0.yaml"),
            "    - api.opsdemo.com\n",
            "    - api.opsdemo.com\n    - webhook.site\n",
        );
        replace_once(root, "denylist/exfil-domains.txt", "\nwebhook.site\n", "\n");
        run(&judge, root, &["catalog"]);
    });
    let (base, own) = judges(&origin, &pr);
    base.assert_failed_at("lint-catalog", "error[egress-denylisted]: `webhook.site`");
    assert!(base.step("lint-catalog").output.contains(&format!("manifests/{NEW}/0.1.0.yaml")), "{base}");
    // Judged by its own denylist, the same tree passes: only the policy root stops it.
    own.assert_passed("the self judge, under the pull request's own policy");
}

/// A pull request adding a wildcard over a public suffix together with its own reviewed-looking
/// exception for it fails: exceptions come from the base checkout.
#[test]
fn a_pull_requests_own_exception_for_a_public_suffix_wildcard_fails() {
    let origin = Origin::new();
    let judge = build(&origin, "main");
    let pr = origin.pull_request("own-exception", |root| {
        contribute_server(&judge, root, NEW, "api.opsdemo.com");
        replace_once(
            root,
            &format!("manifests/{NEW}/0.1.0.yaml"),
            "    - api.opsdemo.com\n",
            "    - api.opsdemo.com\n    - \"*.myshopify.com\"\n",
        );
        let path = root.join("policy/exceptions.yaml");
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(&format!(
            "  - server: {NEW}\n    egress: \"*.myshopify.com\"\n    reason: each shop has its own host\n    expires: 2999-01-01\n"
        ));
        fs::write(path, text).unwrap();
        run(&judge, root, &["catalog"]);
    });
    let (base, _) = judges(&origin, &pr);
    base.assert_failed_at("lint-catalog", "error[egress-wildcard-public-suffix]: `*.myshopify.com`");
}

/// A pull request that weakens a rule in src/ and adds a manifest only the weaker rule allows:
/// the base judge runs main's build, so the manifest still fails.
#[test]
fn weakening_a_rule_in_the_pull_request_does_not_weaken_the_base_judge() {
    let origin = Origin::new();
    let judge = build(&origin, "main");
    let pr = origin.pull_request("weaken-the-denylist", |root| {
        // The denylist rule becomes a warning in the pull request's own code...
        replace_once(
            root,
            "src/diag.rs",
            "EgressDenylisted => \"egress-denylisted\", Error,",
            "EgressDenylisted => \"egress-denylisted\", Warning,",
        );
        // ...and a manifest relies on it.
        contribute_server(&judge, root, NEW, "api.opsdemo.com");
        replace_once(
            root,
            &format!("manifests/{NEW}/0.1.0.yaml"),
            "    - api.opsdemo.com\n",
            "    - api.opsdemo.com\n    - pipedream.net\n",
        );
    });
    let base = base_judge(&judge, &pr);
    base.assert_failed_at("lint-catalog", "error[egress-denylisted]: `pipedream.net`");
}

/// A pull request that changes a rule (a source tag may no longer hold `+`) and regenerates the
/// files its generators write passes both judges; the same change leaving them stale fails the
/// self judge, and only it.
#[test]
fn a_rule_change_passes_with_regenerated_files_and_fails_with_stale_ones() {
    let origin = Origin::new();
    let change = |root: &Path| {
        replace_once(
            root,
            "src/schema/patterns.rs",
            r#"TAG = r"^[A-Za-z0-9][A-Za-z0-9._/+-]*$";"#,
            r#"TAG = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$";"#,
        );
        replace_once(root, "src/diag.rs", "\"a tag of [A-Za-z0-9._/+-] without", "\"a tag of [A-Za-z0-9._/-] without");
    };
    let stale = origin.pull_request("rule-change-stale", change);
    let own = build(&origin, &stale.branch);
    let judge = build(&origin, "main");
    let regenerated = origin.pull_request("rule-change", |root| {
        change(root);
        run(&own, root, &["schema", "--out-dir", "schemas"]);
        let rules = run(&own, root, &["explain", "--all"]);
        fs::write(root.join("docs/rules.md"), rules).unwrap();
        run(&own, root, &["catalog"]);
    });
    let touched = git(&regenerated.head, &["diff", "--name-only", "main"]);
    assert_eq!(touched, "docs/rules.md\nschemas/manifest.schema.json\nsrc/diag.rs\nsrc/schema/patterns.rs\n");
    assert_eq!(build(&origin, &regenerated.branch), own, "the same build inputs, the same build");
    base_judge(&judge, &regenerated).assert_passed("the base judge of a rule change with regenerated files");
    self_judge(&own, &regenerated).assert_passed("the self judge of a rule change with regenerated files");
    base_judge(&judge, &stale).assert_passed("the base judge of a rule change with stale files (not its to judge)");
    let verdict = self_judge(&own, &stale);
    assert!(!verdict.passed(), "{verdict}");
    let generated = &verdict.step("check-generated").output;
    assert_eq!(verdict.step("check-generated").code, 1, "{verdict}");
    assert!(generated.contains("STALE: schemas/ is not what this build's generators write"), "{verdict}");
    assert!(generated.contains("STALE: docs/rules.md"), "{verdict}");
    assert!(verdict.step("lint-catalog").output.contains("error[schema-stale]"), "{verdict}");
}

/// The steps this file plays are the workflows' own: each line below is in its workflow, so
/// the two cannot drift apart unnoticed.
#[test]
fn the_steps_played_here_are_the_workflows_steps() {
    let steps = [
        ("lint.yml", "run: bash base/.github/scripts/build-registryctl.sh base JUDGE"),
        ("lint.yml", "run: bash base/.github/scripts/changed-files.sh base pr > \"$RUNNER_TEMP/changed-files.txt\""),
        (
            "lint.yml",
            "run: bash base/.github/scripts/lint-catalog.sh --skip-generated \"$JUDGE\" pr base \"$RUNNER_TEMP/changed-files.txt\"",
        ),
        ("lint.yml", "run: bash base/.github/scripts/aggregator-policy.sh pr"),
        ("lint.yml", "run: bash base/.github/scripts/review-diff.sh \"$JUDGE\" base pr review"),
        ("lint.yml", "run: bash .github/scripts/build-registryctl.sh . REGISTRYCTL"),
        ("lint.yml", "run: bash .github/scripts/check-generated.sh \"$REGISTRYCTL\" ."),
        ("lint.yml", "run: bash .github/scripts/lint-catalog.sh \"$REGISTRYCTL\" ."),
        ("build-images.yml", "run: bash .github/scripts/image-build-args.sh \"$REGISTRYCTL\" \"$INPUT_NAME\" \"$INPUT_VERSION\""),
        ("build-images.yml", "run: bash .github/scripts/pin-pr.sh \"$REGISTRYCTL\" \"$PIN_NAME\" \"$PIN_VERSION\" \"$PIN_DIGEST\""),
        ("publish-index.yml", "run: bash .github/scripts/publish-sign.sh \"$REGISTRYCTL\" \"$RUNNER_TEMP/index\""),
        ("publish-index.yml", "run: bash .github/scripts/publish-release.sh \"$RUNNER_TEMP/index\" \"$RUNNER_TEMP/attestation\""),
    ];
    for (workflow, line) in steps {
        let text = fs::read_to_string(common::repo().join(".github/workflows").join(workflow)).unwrap();
        assert!(text.lines().any(|l| l.trim() == line), "{workflow} no longer runs `{line}`: update tests/operations.rs with it");
    }
    let lint = fs::read_to_string(common::repo().join(".github/workflows/lint.yml")).unwrap();
    for job in ["base-judge:", "self-judge:"] {
        assert!(lint.lines().any(|l| l == format!("  {job}")), "lint.yml has no job {job}");
    }
    // .ci/run hands its build to build() under the key of the same inputs.
    let ci = fs::read_to_string(common::repo().join(".ci/run")).unwrap();
    let inputs = format!("inputs=({})", BUILD_INPUTS.join(" "));
    assert!(ci.lines().any(|l| l == inputs), ".ci/run no longer keys its build by `{inputs}`: keep it and BUILD_INPUTS the same");
}

/// Every `run:` step of every workflow is one line that calls a script under .github/scripts/
/// (or `cargo test`), so what a workflow runs is what these tests and .ci/run run.
#[test]
fn every_workflow_step_is_one_line_calling_a_script() {
    let dir = common::repo().join(".github/workflows");
    let mut problems = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(command) = line.trim_start().trim_start_matches("- ").strip_prefix("run:") else { continue };
            let command = command.trim();
            let calls_script = command.starts_with("bash ") && command.contains(".github/scripts/") && command.contains(".sh");
            if !(calls_script || command == "cargo test --locked") {
                problems.push(format!("{}:{}: `{command}`", path.display(), i + 1));
            }
        }
    }
    assert!(problems.is_empty(), "run steps that are not one line calling a script:\n{}", problems.join("\n"));
}
