// SPDX-License-Identifier: Apache-2.0
//! The policy seams (issue 16 items 1 and 2): the registry root comes from the real file
//! system, so every subcommand gives the same verdict, policy and messages from any working
//! directory and through links; and `--policy-root` judges a tree by another checkout's policy,
//! all of it, as CI judges a pull request by the base branch's.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::{bin, write};
use predicates::prelude::*;
use predicates::str::contains;

/// A checkout whose one server needs the whole policy to pass: a `*.myshopify.com` wildcard
/// only `policy/exceptions.yaml` allows, the toolpack builder only `images/` provides, and a
/// denylist. `leaky` adds a denylisted host, which only the denylist catches.
fn checkout(dir: &Path, leaky: bool) {
    let mut m = common::manifest("acme", "0.1.0").replace("- \"*.uploads.acme.com\"", "- \"*.myshopify.com\"");
    if leaky {
        m = m.replace("    - api.acme.com\n", "    - api.acme.com\n    - hooks.capture-it.net\n");
    }
    write(dir, "manifests/acme/0.1.0.yaml", &m);
    write(
        dir,
        "toolspecs/acme/0.1.0.yaml",
        &common::toolspec("acme", "0.1.0").replace("https://eu.uploads.acme.com", "https://a.myshopify.com"),
    );
    write(dir, "denylist/exfil-domains.txt", "# request capture\ncapture-it.net\n");
    write(
        dir,
        "policy/exceptions.yaml",
        "exceptions:\n  - server: acme\n    egress: \"*.myshopify.com\"\n    reason: per-shop API host\n    expires: 2999-01-01\n",
    );
    write(dir, "images/toolpack/Dockerfile", "FROM scratch\n");
    write(dir, "policy/registry.yaml", common::REGISTRY_CONFIG);
    write(dir, "catalog/sources.tsv", &common::sources_row("acme"));
}

/// `common::manifest` for a server beside `acme`, pinned to an image of its own (two servers
/// never share a digest: image-digest-duplicate).
fn other_manifest(name: &str) -> String {
    let digest: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    common::manifest(name, "0.1.0").replace(&"1".repeat(64), &format!("{digest:0>64}"))
}

/// Adds a server's row to `dir`'s catalog/sources.tsv: [`common::sources_row`] for a server
/// with a toolspec, else a `no-toolspec` row.
fn add_source(dir: &Path, name: &str, toolspec: bool) {
    let row = if toolspec { common::sources_row(name) } else { format!("{name}\tno-toolspec\t-\t2026-01-01\t-\t-\tno toolspec\n") };
    let rows = fs::read_to_string(dir.join("catalog/sources.tsv")).unwrap();
    write(dir, "catalog/sources.tsv", &format!("{rows}{row}"));
}

/// Where a command runs from, and how it names a path inside the checkout from there.
#[derive(Debug, Clone, Copy)]
enum Cwd {
    /// The checkout's root.
    Root,
    /// `manifests/`.
    Manifests,
    /// `manifests/acme/`.
    Server,
    /// An unrelated directory, with absolute paths.
    Elsewhere,
    /// An unrelated directory, through a link to the checkout.
    LinkedCheckout,
    /// An unrelated directory, through a link to the checkout's parent.
    LinkedParent,
    /// `manifests/` entered through the link to the checkout.
    InsideLink,
}

const CWDS: [Cwd; 7] = [Cwd::Root, Cwd::Manifests, Cwd::Server, Cwd::Elsewhere, Cwd::LinkedCheckout, Cwd::LinkedParent, Cwd::InsideLink];

/// One scratch checkout with the links the working directories need.
struct Scene {
    _dir: tempfile::TempDir,
    reg: PathBuf,
    other: PathBuf,
}

impl Scene {
    fn new(leaky: bool) -> Scene {
        let dir = tempfile::tempdir().unwrap();
        let reg = dir.path().join("parent/reg");
        checkout(&reg, leaky);
        let other = dir.path().join("other");
        fs::create_dir_all(&other).unwrap();
        symlink(&reg, other.join("link")).unwrap();
        symlink(dir.path().join("parent"), other.join("plink")).unwrap();
        Scene { _dir: dir, reg, other }
    }

    fn cwd(&self, c: Cwd) -> PathBuf {
        match c {
            Cwd::Root => self.reg.clone(),
            Cwd::Manifests => self.reg.join("manifests"),
            Cwd::Server => self.reg.join("manifests/acme"),
            Cwd::Elsewhere | Cwd::LinkedCheckout | Cwd::LinkedParent => self.other.clone(),
            Cwd::InsideLink => self.other.join("link/manifests"),
        }
    }

    /// `rel` (a path under the checkout's root, "" for the root) as a user in `c` would type it.
    fn path(&self, c: Cwd, rel: &str) -> String {
        let under = |prefix: &str, up: &str| match rel.strip_prefix(prefix) {
            Some("") => ".".to_string(),
            Some(rest) => rest.trim_start_matches('/').to_string(),
            None => format!("{up}{rel}").trim_end_matches('/').to_string(),
        };
        match c {
            Cwd::Root => {
                if rel.is_empty() {
                    ".".into()
                } else {
                    rel.into()
                }
            }
            Cwd::Manifests | Cwd::InsideLink => under("manifests", "../"),
            Cwd::Server => under("manifests/acme", "../../"),
            Cwd::Elsewhere => self.reg.join(rel).display().to_string(),
            Cwd::LinkedCheckout => self.other.join("link").join(rel).display().to_string(),
            Cwd::LinkedParent => self.other.join("plink/reg").join(rel).display().to_string(),
        }
    }

    fn inside(c: Cwd) -> bool {
        matches!(c, Cwd::Root | Cwd::Manifests | Cwd::Server | Cwd::InsideLink)
    }
}

/// Every subcommand that takes a path, as a user in `c` would run it.
fn commands(s: &Scene, c: Cwd) -> Vec<(&'static str, Vec<String>)> {
    let p = |rel: &str| s.path(c, rel);
    let at_root = |sub: &str, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = std::iter::once(sub).chain(extra.iter().copied()).map(String::from).collect();
        if !Scene::inside(c) {
            v.push(if sub == "new" { "--root".into() } else { p("") });
            if sub == "new" {
                v.push(p(""));
            }
        }
        v
    };
    vec![
        ("lint file", vec!["lint".into(), p("manifests/acme/0.1.0.yaml")]),
        ("lint dir", vec!["lint".into(), p("manifests")]),
        ("lint server dir", vec!["lint".into(), p("manifests/acme")]),
        ("lint-toolspecs file", vec!["lint-toolspecs".into(), p("toolspecs/acme/0.1.0.yaml")]),
        ("lint-toolspecs dir", vec!["lint-toolspecs".into(), p("toolspecs")]),
        ("check", at_root("check", &[])),
        ("check inside", vec!["check".into(), p("manifests/acme")]),
        ("build-index", vec!["build-index".into(), p("manifests")]),
        ("build-args", vec!["build-args".into(), p("manifests/acme")]),
        ("hash", vec!["hash".into(), p("manifests/acme/0.1.0.yaml")]),
        ("new", at_root("new", &["zeta"])),
        ("catalog", at_root("catalog", &[])),
    ]
}

type Outcome = (Option<i32>, String, String);

fn run(s: &Scene, c: Cwd, args: &[String]) -> Outcome {
    let out = bin().current_dir(s.cwd(c)).args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs every subcommand from every working directory, each in a fresh checkout, and requires
/// the same exit code, stdout and stderr as from the root.
fn same_everywhere(leaky: bool) -> Vec<(&'static str, Outcome)> {
    let names: Vec<&str> = commands(&Scene::new(leaky), Cwd::Root).into_iter().map(|(n, _)| n).collect();
    let mut at_root = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut first: Option<Outcome> = None;
        for c in CWDS {
            let s = Scene::new(leaky);
            let args = commands(&s, c).swap_remove(i).1;
            let got = run(&s, c, &args);
            if *name == "new" {
                assert!(s.reg.join("manifests/zeta/0.1.0.yaml").is_file(), "{c:?}: new wrote elsewhere");
                assert!(!s.reg.join("manifests/manifests").exists() && !s.reg.join("manifests/acme/manifests").exists(), "{c:?}");
            }
            match &first {
                None => first = Some(got),
                Some(want) => assert_eq!(&got, want, "`registryctl {}` from {c:?} differs from the root's", args.join(" ")),
            }
        }
        at_root.push((*name, first.unwrap()));
    }
    at_root
}

fn outcome<'a>(all: &'a [(&str, Outcome)], name: &str) -> &'a Outcome {
    &all.iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn every_subcommand_gives_the_same_result_from_every_working_directory() {
    let clean = same_everywhere(false);
    let (code, stdout, stderr) = outcome(&clean, "lint file");
    assert_eq!((code, stdout.as_str()), (&Some(0), "lint OK: 1 manifest(s)\n"), "{stderr}");
    assert_eq!(stderr, "note: using denylist denylist/exfil-domains.txt (1 domain(s))\n");
    assert_eq!(outcome(&clean, "check").1, "check OK: 1 manifest(s), 1 toolspec(s)\n");
    assert_eq!(outcome(&clean, "build-index").1, "build-index: wrote index.json: 1 server(s), 1 version(s)\n");
    assert!(outcome(&clean, "build-args").1.contains("NAME=acme\n"));
    assert_eq!(
        outcome(&clean, "new").1,
        "created manifests/zeta/0.1.0.yaml\ncreated toolspecs/zeta/0.1.0.yaml\nadded a row for zeta to catalog/sources.tsv\n"
    );
    assert_eq!(outcome(&clean, "catalog").1, "wrote CATALOG.md: 1 server(s)\n");
    assert_eq!(outcome(&clean, "lint-toolspecs dir").1, "lint-toolspecs OK: 1 toolspec(s)\n");

    let leaky = same_everywhere(true);
    for name in ["lint file", "lint dir", "check", "build-index", "build-args", "hash", "catalog"] {
        let (code, _, stderr) = outcome(&leaky, name);
        assert_eq!(*code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains("error[egress-denylisted]") && stderr.contains("┌─ manifests/acme/0.1.0.yaml:"), "{name}: {stderr}");
    }
}

#[test]
fn outside_any_checkout_a_lint_must_say_which_denylist() {
    let d = tempfile::tempdir().unwrap();
    let file = write(d.path(), "loose/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0"));
    bin()
        .arg("lint")
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("not inside a registry checkout").and(contains("--denylist FILE, --no-denylist or --policy-root DIR")));
    for sub in ["hash", "build-args", "build-index"] {
        bin().arg(sub).arg(&file).assert().code(2).stderr(contains("not inside a registry checkout"));
    }
    bin().arg("lint").arg(&file).arg("--no-denylist").assert().success().stderr(contains("no denylist file"));
    write(d.path(), "deny.txt", "acme.com\n");
    bin().arg("lint").arg(&file).arg("--denylist").arg(d.path().join("deny.txt")).assert().code(1).stderr(contains("egress-denylisted"));
    bin().current_dir(d.path()).args(["check", "loose"]).assert().code(2).stderr(contains("not inside a registry checkout"));
    // A link to a file, named as the target, is refused wherever it points (here: into a checkout).
    let base = tempfile::tempdir().unwrap();
    checkout(base.path(), false);
    symlink(base.path().join("manifests/acme/0.1.0.yaml"), d.path().join("link.yaml")).unwrap();
    bin().current_dir(d.path()).args(["lint", "link.yaml", "--no-denylist"]).assert().code(1).stderr(contains("error[file-symlink]"));
    // A policy root is a policy: its denylist applies.
    write(base.path(), "denylist/exfil-domains.txt", "acme.com\n");
    bin().arg("lint").arg(&file).arg("--policy-root").arg(base.path()).assert().code(1).stderr(contains("egress-denylisted"));
    bin()
        .arg("lint")
        .arg(&file)
        .arg("--policy-root")
        .arg(d.path().join("loose"))
        .assert()
        .code(2)
        .stderr(contains("not a registry checkout"));
    bin().arg("lint").arg(&file).arg("--policy-root").arg(d.path().join("nowhere")).assert().code(2).stderr(contains("not a directory"));
}

#[test]
fn a_policy_root_holds_every_policy_the_checked_tree_has() {
    let (d, base, pr) = base_and_pr();
    // The reviewer's case: a directory that looks like a checkout but holds no policy.
    let fake = d.path().join("fakepol");
    fs::create_dir_all(fake.join("catalog")).unwrap();
    let m = fs::read_to_string(pr.join("manifests/acme/0.1.0.yaml"))
        .unwrap()
        .replace("    - api.acme.com\n", "    - api.acme.com\n    - x.capture-it.net\n");
    write(&pr, "manifests/acme/0.1.0.yaml", &m);
    for sub in
        [&["lint", "manifests/acme/0.1.0.yaml"][..], &["check"], &["build-index", "manifests", "--out", "-"], &["catalog", "--check"]]
    {
        bin()
            .current_dir(&pr)
            .args(sub)
            .arg("--policy-root")
            .arg(&fake)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains("it has no denylist/exfil-domains.txt, policy/registry.yaml, images/, which the checked registry has"));
    }
    // Each input on its own; the denylist only when it comes from the policy root.
    for (rel, named) in
        [("denylist", "denylist/exfil-domains.txt"), ("policy/registry.yaml", "policy/registry.yaml"), ("images", "images/")]
    {
        let partial = d.path().join(format!("partial-{}", rel.replace('/', "-")));
        common::copy_dir(&base, &partial);
        let path = partial.join(rel);
        if path.is_dir() {
            fs::remove_dir_all(&path).unwrap()
        } else {
            fs::remove_file(&path).unwrap()
        }
        bin()
            .current_dir(&pr)
            .args(["lint", "manifests", "--policy-root"])
            .arg(&partial)
            .assert()
            .code(2)
            .stderr(contains(format!("it has no {named}, which")));
        if rel == "denylist" {
            // Another denylist was chosen: the policy root's is not needed.
            for (choice, code) in [(&["--no-denylist"][..], 0), (&["--denylist", "denylist/exfil-domains.txt"], 1)] {
                bin().current_dir(&pr).args(["lint", "manifests", "--policy-root"]).arg(&partial).args(choice).assert().code(code);
            }
        }
    }
    // Exceptions and the no-public-api list may be missing: without them a policy is stricter.
    let strict = d.path().join("strict");
    common::copy_dir(&base, &strict);
    fs::remove_file(strict.join("policy/exceptions.yaml")).unwrap();
    bin()
        .current_dir(&pr)
        .args(["lint", "manifests", "--policy-root"])
        .arg(&strict)
        .assert()
        .code(1)
        .stderr(contains("error[egress-denylisted]").and(contains("error[egress-wildcard-public-suffix]")));
    // What the checked tree does not have, the policy root need not have either.
    fs::remove_dir_all(pr.join("images")).unwrap();
    fs::remove_dir_all(base.join("images")).unwrap();
    bin()
        .current_dir(&pr)
        .args(["lint", "manifests", "--policy-root"])
        .arg(&base)
        .assert()
        .code(1)
        .stderr(contains("error[egress-denylisted]"));
}

/// A base checkout and a pull request's checkout of it.
fn base_and_pr() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().join("base");
    checkout(&base, false);
    let pr = d.path().join("pr");
    common::copy_dir(&base, &pr);
    (d, base, pr)
}

fn check(pr: &Path, policy_root: Option<&Path>) -> assert_cmd::assert::Assert {
    let mut c = bin();
    c.current_dir(pr).arg("check");
    if let Some(p) = policy_root {
        c.arg("--policy-root").arg(p);
    }
    c.assert()
}

#[test]
fn a_pull_request_cannot_allow_its_own_wildcard_with_an_exception() {
    let (_d, base, pr) = base_and_pr();
    write(&pr, "manifests/shop/0.1.0.yaml", &other_manifest("shop").replace("- \"*.uploads.acme.com\"", "- \"*.myshopify.com\""));
    write(
        &pr,
        "toolspecs/shop/0.1.0.yaml",
        &common::toolspec("shop", "0.1.0").replace("https://eu.uploads.acme.com", "https://a.myshopify.com"),
    );
    add_source(&pr, "shop", true);
    let ex = fs::read_to_string(pr.join("policy/exceptions.yaml")).unwrap();
    write(
        &pr,
        "policy/exceptions.yaml",
        &format!("{ex}  - server: shop\n    egress: \"*.myshopify.com\"\n    reason: mine\n    expires: 2999-01-01\n"),
    );
    check(&pr, None).success();
    check(&pr, Some(&base)).code(1).stderr(contains("error[egress-wildcard-public-suffix]").and(contains("manifests/shop/0.1.0.yaml")));
    for sub in [&["lint", "manifests"][..], &["build-index", "manifests", "--out", "-"], &["build-args", "manifests/shop"], &["catalog"]] {
        bin().current_dir(&pr).args(sub).arg("--policy-root").arg(&base).assert().code(1).stderr(contains("egress-wildcard-public-suffix"));
    }
}

#[test]
fn a_pull_requests_own_policy_files_must_still_be_well_formed() {
    let (_d, base, pr) = base_and_pr();
    let ex = fs::read_to_string(pr.join("policy/exceptions.yaml")).unwrap();
    write(&pr, "policy/exceptions.yaml", &format!("{ex}  - server: later\n    egress: \"*.myshopify.com\"\n    expires: 2001-01-01\n"));
    check(&pr, Some(&base))
        .code(1)
        .stderr(contains("error[policy-exception]").and(contains("policy-exception-expired")).and(contains("┌─ policy/exceptions.yaml:")));
    let (d, base, pr) = base_and_pr();
    fs::remove_file(pr.join("denylist/exfil-domains.txt")).unwrap();
    write(d.path(), "elsewhere.txt", "x\n");
    symlink(d.path().join("elsewhere.txt"), pr.join("denylist/exfil-domains.txt")).unwrap();
    check(&pr, Some(&base)).code(1).stderr(contains("error[file-symlink]").and(contains("denylist/exfil-domains.txt")));
}

#[test]
fn a_pull_request_cannot_add_its_own_builder_or_unlist_its_host() {
    let (_d, base, pr) = base_and_pr();
    write(&pr, "images/python/Dockerfile", "FROM scratch\n");
    let py = other_manifest("snake")
        .replace("builder: toolpack", "builder: python")
        .replace("repo: github.com/gigmcp/toolpack", "repo: github.com/acme/snake");
    write(&pr, "manifests/snake/0.1.0.yaml", &py);
    add_source(&pr, "snake", false);
    check(&pr, None).success();
    check(&pr, Some(&base)).code(1).stderr(contains("error[builder-dockerfile]"));
    bin().current_dir(&pr).args(["lint-toolspecs", "toolspecs", "--policy-root"]).arg(&base).assert().success();

    let (_d, base, pr) = base_and_pr();
    let m = fs::read_to_string(pr.join("manifests/acme/0.1.0.yaml"))
        .unwrap()
        .replace("    - api.acme.com\n", "    - api.acme.com\n    - in.capture-it.net\n");
    write(&pr, "manifests/acme/0.1.0.yaml", &m);
    write(&pr, "denylist/exfil-domains.txt", "# emptied by the pull request\n");
    check(&pr, None).success();
    check(&pr, Some(&base)).code(1).stderr(contains("error[egress-denylisted]").and(contains("using denylist")));
}

#[test]
fn a_pull_request_cannot_move_its_own_images_with_policy_registry_yaml() {
    let (_d, base, pr) = base_and_pr();
    write(&pr, "policy/registry.yaml", &common::REGISTRY_CONFIG.replace("ghcr.io/gigmcp", "ghcr.io/elsewhere"));
    check(&pr, None).code(1).stderr(contains("error[image-ref]").and(contains("ghcr.io/elsewhere/acme-mcp")));
    check(&pr, Some(&base)).success();
    let args = bin().current_dir(&pr).args(["build-args", "manifests/acme", "--policy-root"]).arg(&base).assert().success();
    assert!(String::from_utf8_lossy(&args.get_output().stdout).contains("IMAGE=ghcr.io/gigmcp/acme-mcp\n"));
    // The pull request's own configuration decides nothing then, but must still be well-formed.
    write(&pr, "policy/registry.yaml", "imagePrefix: ghcr.io/gigmcp:latest\n");
    check(&pr, Some(&base)).code(1).stderr(contains("error[registry-config]").and(contains("┌─ policy/registry.yaml:1:")));
}

#[test]
fn the_catalog_is_generated_with_the_base_branchs_list() {
    let (_d, base, pr) = base_and_pr();
    let planned = common::manifest("later", "0.1.0").replace(&format!("sha256:{}", "1".repeat(64)), &format!("sha256:{}", "0".repeat(64)));
    for dir in [&base, &pr] {
        write(dir, "manifests/later/0.1.0.yaml", &planned);
        write(dir, "toolspecs/later/0.1.0.yaml", &common::toolspec("later", "0.1.0"));
        add_source(dir, "later", true);
        bin().current_dir(dir).arg("catalog").assert().success();
    }
    write(&pr, "catalog/no-public-api.txt", "later\n");
    bin().current_dir(&pr).arg("catalog").assert().success();
    check(&pr, None).success();
    check(&pr, Some(&base)).code(1).stderr(contains("error[catalog-stale]"));
    bin().current_dir(&pr).args(["catalog", "--check", "--policy-root"]).arg(&base).assert().code(1);
    // Nor can a pull request drop the generated files the base has, to skip their checks.
    let (_d, base, pr) = base_and_pr();
    for dir in [&base, &pr] {
        bin().current_dir(dir).arg("catalog").assert().success();
        bin().current_dir(dir).args(["schema", "--out-dir", "schemas"]).assert().success();
    }
    fs::remove_file(pr.join("CATALOG.md")).unwrap();
    fs::remove_dir_all(pr.join("schemas")).unwrap();
    check(&pr, None).success();
    let out = bin().current_dir(&pr).args(["check", "--format", "json", "--policy-root"]).arg(&base).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    let schemas = fs::read_dir(base.join("schemas")).unwrap().count();
    assert_eq!(rules, [vec!["catalog-stale"], vec!["schema-stale"; schemas]].concat());
}

#[test]
fn annotations_only_for_the_files_a_pull_request_changes() {
    let (d, base, pr) = base_and_pr();
    write(
        &pr,
        "manifests/acme/0.1.0.yaml",
        &fs::read_to_string(pr.join("manifests/acme/0.1.0.yaml")).unwrap().replace("tier: sealed", "tier: open"),
    );
    write(&pr, "manifests/beta/0.1.0.yaml", &other_manifest("beta").replace("category: productivity", "category: crm"));
    add_source(&pr, "beta", false);
    let list = write(d.path(), "changed.txt", "./manifests/beta/0.1.0.yaml\n");
    let summary = d.path().join("summary.md");
    let out = bin()
        .current_dir(&pr)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github", "--annotate-only"])
        .arg(&list)
        .arg("--policy-root")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let annotated: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(annotated.iter().all(|l| l.contains("file=manifests/beta/0.1.0.yaml")) && !annotated.is_empty(), "{stdout}");
    assert!(stdout.contains("error[tier]: manifests/acme/0.1.0.yaml:15:7: tier `open`"), "{stdout}");
    let md = fs::read_to_string(summary).unwrap();
    assert!(md.contains("`manifests/acme/0.1.0.yaml`") && md.contains("`manifests/beta/0.1.0.yaml`"), "{md}");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(ok.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&ok.stderr));
}

/// lint.yml's pull-request steps, run here: the changed files, then one `check` pass judged by
/// the base checkout's policy, each finding annotated once.
#[test]
fn the_lint_workflow_scripts_judge_a_pull_request_once_by_the_base_policy() {
    let (d, base, pr) = base_and_pr();
    for dir in [&base, &pr] {
        git(dir, &["init", "-q"]);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "x"]);
    }
    let mut m = other_manifest("shop").replace("- \"*.uploads.acme.com\"", "- \"*.myshopify.com\"");
    m.push_str("# a pull request\n");
    write(&pr, "manifests/shop/0.1.0.yaml", &m);
    write(
        &pr,
        "toolspecs/shop/0.1.0.yaml",
        &common::toolspec("shop", "0.1.0").replace("https://eu.uploads.acme.com", "https://a.myshopify.com"),
    );
    add_source(&pr, "shop", true);
    let ex = fs::read_to_string(pr.join("policy/exceptions.yaml")).unwrap();
    write(
        &pr,
        "policy/exceptions.yaml",
        &format!("{ex}  - server: shop\n    egress: \"*.myshopify.com\"\n    reason: mine\n    expires: 2999-01-01\n"),
    );
    git(&pr, &["add", "-A"]);
    git(&pr, &["commit", "-q", "-m", "pr"]);
    let scripts = common::repo().join(".github/scripts");
    let listed = std::process::Command::new("bash").arg(scripts.join("changed-files.sh")).arg(&base).arg(&pr).output().unwrap();
    assert!(listed.status.success());
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(listed, "catalog/sources.tsv\nmanifests/shop/0.1.0.yaml\npolicy/exceptions.yaml\ntoolspecs/shop/0.1.0.yaml\n");
    let list = write(d.path(), "changed.txt", &listed);
    let out = std::process::Command::new("bash")
        .arg(scripts.join("lint-catalog.sh"))
        .arg(assert_cmd::cargo::cargo_bin("registryctl"))
        .args([&pr, &base, &list])
        .env("GITHUB_ACTIONS", "true")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let errors: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(errors.len(), 1, "{stdout}");
    assert!(errors[0].contains("file=manifests/shop/0.1.0.yaml") && errors[0].contains("title=egress-wildcard-public-suffix"));
    // The push run judges the tree by its own policy, which then holds the reviewed exception.
    let own = std::process::Command::new("bash")
        .arg(scripts.join("lint-catalog.sh"))
        .arg(assert_cmd::cargo::cargo_bin("registryctl"))
        .arg(&pr)
        .output()
        .unwrap();
    assert_eq!(own.status.code(), Some(0), "{}", String::from_utf8_lossy(&own.stderr));
}
