// SPDX-License-Identifier: Apache-2.0
//! Hostile trees (issue 24 item 6): a checkout cannot make the tool read, write or hang outside
//! it. Every file it reads or writes in a registry is a regular file reached without links and
//! below a size limit; anything else is a finding naming the path, never followed, never read,
//! never printed, never written into. And text that reaches a terminal is escaped.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{bin, write};
use predicates::prelude::*;
use predicates::str::contains;

const SECRET: &str = "aws_access_key_id = AKIAQWERTYSECRET42\naws_secret_access_key = hunter2hunter2\n";

/// A clean checkout with its generated files, plus a secret-looking file beside it.
fn scene() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let reg = d.path().join("reg");
    write(&reg, "manifests/acme/0.1.0.yaml", &common::manifest("acme", "0.1.0"));
    write(&reg, "toolspecs/acme/0.1.0.yaml", &common::toolspec("acme", "0.1.0"));
    write(&reg, "denylist/exfil-domains.txt", "capture-it.net\n");
    write(&reg, "catalog/no-public-api.txt", "# none\n");
    write(&reg, "catalog/sources.tsv", &common::sources_row("acme"));
    write(&reg, "policy/registry.yaml", common::REGISTRY_CONFIG);
    bin().current_dir(&reg).arg("catalog").assert().success();
    write(d.path(), "secrets/credentials", SECRET);
    (d, reg)
}

/// Every output format of `check`, concatenated: stdout and stderr.
fn all_outputs(reg: &Path, extra: &[&str]) -> (Vec<Option<i32>>, String) {
    let mut codes = Vec::new();
    let mut text = String::new();
    for format in ["human", "github", "json", "sarif"] {
        let summary = reg.parent().unwrap().join("summary.md");
        let out =
            bin().current_dir(reg).env("GITHUB_STEP_SUMMARY", &summary).args(["check", "--format", format]).args(extra).output().unwrap();
        codes.push(out.status.code());
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        text.push_str(&fs::read_to_string(&summary).unwrap_or_default());
    }
    (codes, text)
}

fn assert_no_secret(text: &str) {
    for needle in ["AKIAQWERTYSECRET42", "hunter2", "aws_access_key_id"] {
        assert!(!text.contains(needle), "the secret leaked: {text}");
    }
}

#[test]
fn exceptions_linked_to_a_secret_are_refused_and_never_printed() {
    let (d, reg) = scene();
    fs::create_dir_all(reg.join("policy")).unwrap();
    symlink(d.path().join("secrets/credentials"), reg.join("policy/exceptions.yaml")).unwrap();
    let (codes, text) = all_outputs(&reg, &[]);
    assert!(codes.iter().all(|c| *c == Some(1)), "{codes:?}");
    assert!(text.contains("file-symlink") && text.contains("policy/exceptions.yaml"), "{text}");
    assert_no_secret(&text);
    // A linked policy directory is refused the same way.
    fs::remove_dir_all(reg.join("policy")).unwrap();
    write(d.path(), "secrets/policy/exceptions.yaml", SECRET);
    symlink(d.path().join("secrets/policy"), reg.join("policy")).unwrap();
    let (codes, text) = all_outputs(&reg, &[]);
    assert!(codes.iter().all(|c| *c == Some(1)), "{codes:?}");
    assert!(text.contains("reached through `policy`"), "{text}");
    assert_no_secret(&text);
    // So is the same link in a policy root.
    let (d2, pr) = scene();
    let (codes, text) = all_outputs(&pr, &["--policy-root", reg.to_str().unwrap()]);
    assert!(codes.iter().all(|c| *c == Some(1)), "{codes:?}");
    assert_no_secret(&text);
    drop(d2);
}

#[test]
fn a_large_policy_file_is_refused_unread() {
    let (_d, reg) = scene();
    write(&reg, "policy/exceptions.yaml", &format!("exceptions: []\n# {}\n", "x".repeat(300 << 10)));
    bin().current_dir(&reg).arg("check").assert().code(1).stderr(contains("error[file-too-large]").and(contains("policy/exceptions.yaml")));
}

#[test]
fn linked_catalog_roots_are_refused() {
    let (d, reg) = scene();
    common::copy_dir(&reg.join("toolspecs"), &d.path().join("elsewhere"));
    fs::remove_dir_all(reg.join("toolspecs")).unwrap();
    symlink(d.path().join("elsewhere"), reg.join("toolspecs")).unwrap();
    bin().current_dir(&reg).arg("check").assert().code(1).stderr(contains("error[file-symlink]").and(contains("= in toolspecs\n")));
    bin().current_dir(&reg).args(["lint-toolspecs", "toolspecs"]).assert().code(1).stderr(contains("error[file-symlink]"));
    bin()
        .current_dir(&reg)
        .args(["lint-toolspecs", "toolspecs/acme/0.1.0.yaml"])
        .assert()
        .code(1)
        .stderr(contains("reached through `toolspecs`"));
    fs::rename(reg.join("manifests"), d.path().join("m")).unwrap();
    symlink(d.path().join("m"), reg.join("manifests")).unwrap();
    bin().current_dir(&reg).args(["lint", "manifests/acme/0.1.0.yaml"]).assert().code(1).stderr(contains("reached through `manifests`"));
    // A linked server directory too, and build-args prints nothing for it.
    let (d, reg) = scene();
    fs::rename(reg.join("manifests/acme"), d.path().join("acme")).unwrap();
    symlink(d.path().join("acme"), reg.join("manifests/acme")).unwrap();
    bin().current_dir(&reg).args(["build-args", "manifests/acme"]).assert().code(1).stdout("").stderr(contains("file-symlink"));
}

/// Runs `args` in `dir` and fails if it takes longer than a few seconds.
fn quickly(dir: &Path, args: &[&str]) -> std::process::Output {
    let start = Instant::now();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("registryctl"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("`registryctl {}` hung", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn zero_devices_and_fifos_in_place_of_generated_files_finish_quickly() {
    let files = [
        "CATALOG.md",
        "catalog/no-public-api.txt",
        "catalog/sources.tsv",
        "policy/registry.yaml",
        "schemas/manifest.schema.json",
        "denylist/exfil-domains.txt",
    ];
    for rel in files {
        for kind in ["zero", "fifo"] {
            let (_d, reg) = scene();
            fs::create_dir_all(reg.join("schemas")).unwrap();
            let _ = fs::remove_file(reg.join(rel));
            if kind == "zero" {
                symlink("/dev/zero", reg.join(rel)).unwrap();
            } else {
                assert!(Command::new("mkfifo").arg(reg.join(rel)).status().unwrap().success());
            }
            let rule = if kind == "zero" { "file-symlink" } else { "file-not-regular" };
            let only_check = rel.starts_with("schemas") || rel == "catalog/sources.tsv";
            let commands: &[&[&str]] = if only_check { &[&["check"]] } else { &[&["check"], &["catalog"], &["catalog", "--check"]] };
            for args in commands {
                let out = quickly(&reg, args);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(1), "{rel} ({kind}) {args:?}: {stderr}");
                assert!(stderr.contains(&format!("error[{rule}]")) && stderr.contains(rel), "{rel} ({kind}) {args:?}: {stderr}");
            }
            // A FIFO is still a FIFO, a link still a link: nothing replaced them.
            let t = fs::symlink_metadata(reg.join(rel)).unwrap().file_type();
            assert!(if kind == "zero" { t.is_symlink() } else { !t.is_file() && !t.is_symlink() });
        }
    }
}

#[test]
fn generated_files_linked_outside_are_never_written() {
    for rel in ["CATALOG.md", "index.json"] {
        let (d, reg) = scene();
        let outside = write(d.path(), "outside/target", "precious\n");
        let _ = fs::remove_file(reg.join(rel));
        symlink(&outside, reg.join(rel)).unwrap();
        let args: &[&str] = if rel == "CATALOG.md" { &["catalog"] } else { &["build-index", "manifests"] };
        bin().current_dir(&reg).args(args).assert().code(1).stdout("").stderr(contains("error[file-symlink]").and(contains(rel)));
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n", "{rel}");
        assert!(fs::symlink_metadata(reg.join(rel)).unwrap().file_type().is_symlink());
        let strays: Vec<_> = fs::read_dir(&reg)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(".registryctl"))
            .collect();
        assert!(strays.is_empty(), "{strays:?}");
    }
}

#[test]
fn new_never_writes_through_a_linked_server_directory() {
    let (d, reg) = scene();
    fs::create_dir_all(d.path().join("outside")).unwrap();
    symlink(d.path().join("outside"), reg.join("manifests/zeta")).unwrap();
    bin()
        .current_dir(reg.join("manifests"))
        .args(["new", "zeta"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("error[file-symlink]").and(contains("manifests/zeta")));
    assert_eq!(fs::read_dir(d.path().join("outside")).unwrap().count(), 0);
    assert!(!reg.join("toolspecs/zeta").exists(), "nothing is written when one target is refused");
    // A linked toolspecs/ is refused the same way, before anything is written.
    let (d, reg) = scene();
    fs::rename(reg.join("toolspecs"), d.path().join("ts")).unwrap();
    symlink(d.path().join("ts"), reg.join("toolspecs")).unwrap();
    bin().current_dir(&reg).args(["new", "zeta"]).assert().code(1).stderr(contains("reached through `toolspecs`"));
    assert!(!reg.join("manifests/zeta").exists() && !d.path().join("ts/zeta").exists());
}

#[test]
fn policy_inputs_that_are_links_are_findings() {
    let (d, reg) = scene();
    write(&reg, "images/toolpack/Dockerfile", "FROM scratch\n");
    fs::remove_file(reg.join("denylist/exfil-domains.txt")).unwrap();
    write(d.path(), "outside/deny.txt", SECRET);
    symlink(d.path().join("outside/deny.txt"), reg.join("denylist/exfil-domains.txt")).unwrap();
    fs::remove_file(reg.join("images/toolpack/Dockerfile")).unwrap();
    symlink(d.path().join("outside/deny.txt"), reg.join("images/toolpack/Dockerfile")).unwrap();
    for rel in ["policy/registry.yaml", "catalog/sources.tsv"] {
        fs::remove_file(reg.join(rel)).unwrap();
        symlink(d.path().join("outside/deny.txt"), reg.join(rel)).unwrap();
    }
    let (codes, text) = all_outputs(&reg, &[]);
    assert!(codes.iter().all(|c| *c == Some(1)), "{codes:?}");
    for rel in ["denylist/exfil-domains.txt", "images/toolpack/Dockerfile", "policy/registry.yaml", "catalog/sources.tsv"] {
        assert!(text.contains(rel), "{rel}: {text}");
    }
    assert_no_secret(&text);
}

#[test]
fn control_characters_are_escaped_in_terminal_and_annotation_output() {
    let (_d, reg) = scene();
    // A file name, a YAML value and the raw text of an excerpt, each with ESC[31m and U+202E.
    let evil_dir = "ac\u{1b}[31mme\u{202e}";
    write(&reg, &format!("manifests/{evil_dir}/0.1.0.yaml"), &common::manifest("acme", "0.2.0"));
    let m = common::manifest("beta", "0.1.0").replace("tier: sealed", "tier: \"open\\e[31m\u{202e}\"");
    write(&reg, "manifests/beta/0.1.0.yaml", &format!("{m}# \u{202e} reversed \u{2066}\n"));
    write(&reg, "manifests/gamma/0.1.0.yaml", &common::manifest("gamma", "0.1.0").replace("tier: sealed", "tier: sealed \u{1b}[2J"));
    for format in ["human", "github"] {
        let out = bin().current_dir(&reg).args(["check", "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = [out.stdout, out.stderr].concat();
        let text = String::from_utf8(text).unwrap();
        for raw in ['\u{1b}', '\u{202e}', '\u{2066}'] {
            assert!(!text.contains(raw), "{format}: raw {raw:?} in {text}");
        }
        assert!(text.contains("ac\\u{1b}[31mme\\u{202e}"), "{format}: the file name, escaped: {text}");
        assert!(text.contains("open\\u{1b}[31m\\u{202e}"), "{format}: the value, escaped: {text}");
    }
    // The excerpt keeps its caret under the value after escaping.
    let out = bin().current_dir(&reg).args(["lint", "manifests/gamma/0.1.0.yaml"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("15 │ tier: sealed \\u{1b}[2J\n"), "{stderr}");
    // JSON carries the data, escaped as JSON.
    let out = bin().current_dir(&reg).args(["check", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["diagnostics"].as_array().unwrap().iter().any(|d| d["file"].as_str().unwrap().contains(evil_dir)));
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn keys_and_indexes_named_inside_a_checkout_follow_the_same_rules() {
    let (d, reg) = scene();
    let keygen = bin().current_dir(&reg).args(["keygen", "--out-dir"]).arg(d.path().join("private")).assert().success();
    let stdout = String::from_utf8_lossy(&keygen.get_output().stdout).into_owned();
    let id = stdout.lines().find_map(|l| l.strip_prefix("key id:  ")).unwrap();
    // The pair under the names the rest of this test uses.
    for ext in ["key", "pub"] {
        let private = d.path().join("private");
        fs::rename(private.join(format!("index-signing-{id}.{ext}")), private.join(format!("index-signing.{ext}"))).unwrap();
    }
    let key = fs::read_to_string(d.path().join("private/index-signing.key")).unwrap();
    bin().current_dir(&reg).args(["build-index", "manifests"]).assert().success();
    bin().current_dir(&reg).env("GIG_SIGNING_KEY", key.trim()).arg("sign").assert().success();
    // The public key linked to a file outside: refused, never read.
    fs::create_dir_all(reg.join("keys")).unwrap();
    symlink(d.path().join("private/index-signing.pub"), reg.join("keys/index-signing.pub")).unwrap();
    bin()
        .current_dir(&reg)
        .args(["verify", "--pub-file", "keys/index-signing.pub"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("error[file-symlink]").and(contains("keys/index-signing.pub")));
    // A FIFO as the signature: a finding at once, not a hang.
    fs::remove_file(reg.join("index.json.sig")).unwrap();
    assert!(Command::new("mkfifo").arg(reg.join("index.json.sig")).status().unwrap().success());
    let out = quickly(&reg, &["verify", "--pub-file", d.path().join("private/index-signing.pub").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[file-not-regular]"));
    // The private key linked into the checkout is refused as well.
    symlink(d.path().join("private/index-signing.key"), reg.join("keys/index-signing.key")).unwrap();
    bin()
        .current_dir(&reg)
        .args(["sign", "--key-file", "keys/index-signing.key", "--out", "-"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("file-symlink"));
    let out = bin().current_dir(&reg).args(["resolve", "acme", "--index", "keys/index-signing.key"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).contains(&key.trim()[..64]), "the key leaked");
}

/// Redteam 12: a hard link inside a checkout can carry a file from outside under a catalog
/// name, and no path check sees it: any file with more than one link is refused unread, with
/// one finding and nothing downstream of it (the exceptions it might hold are not missed).
#[test]
fn hard_links_inside_a_checkout_are_refused_and_never_printed() {
    let (d, reg) = scene();
    let secret = d.path().join("secrets/credentials");
    for rel in ["policy/exceptions.yaml", "denylist/exfil-domains.txt", "catalog/no-public-api.txt", "policy/registry.yaml"] {
        let p = reg.join(rel);
        let _ = fs::remove_file(&p);
        fs::hard_link(&secret, &p).unwrap();
        let (codes, text) = all_outputs(&reg, &[]);
        assert_eq!(codes, [Some(1); 4], "{rel}: {text}");
        assert!(text.contains("file-hardlink") && text.contains(rel), "{rel}: {text}");
        assert_no_secret(&text);
        fs::remove_file(&p).unwrap();
    }
    // A hard-linked manifest: its own finding only, no pairing or catalog finding about it.
    let manifest = reg.join("manifests/acme/0.1.0.yaml");
    fs::hard_link(&manifest, d.path().join("elsewhere.yaml")).unwrap();
    let out = bin().current_dir(&reg).args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["file-hardlink"], "{v}");
    // A key named inside the checkout, hard-linked from a private directory: refused too.
    fs::remove_file(d.path().join("elsewhere.yaml")).unwrap();
    fs::create_dir_all(reg.join("keys")).unwrap();
    write(d.path(), "private/x.key", &"ab".repeat(64));
    fs::hard_link(d.path().join("private/x.key"), reg.join("keys/x.key")).unwrap();
    bin()
        .current_dir(&reg)
        .args(["sign", "--key-file", "keys/x.key", "--out", "-"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("file-hardlink"));
}

/// Redteam 6: an index, signature or key reader stops at its limit and one byte (an index:
/// the gateway's 32 MiB), and the finding names that limit and the kind of file.
#[test]
fn inputs_stop_at_their_limit_and_say_which() {
    let conformance = common::fixtures().join("conformance");
    let key = conformance.join("test-key.pub");
    let index = conformance.join("index.json");
    let sig = conformance.join("index.json.sig");
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec![
                "verify".into(),
                "--in".into(),
                "/dev/zero".into(),
                "--sig".into(),
                sig.clone().into(),
                "--pub-file".into(),
                key.clone().into(),
            ],
            "an index is read up to 33554432 bytes",
        ),
        (
            vec![
                "verify".into(),
                "--in".into(),
                index.clone().into(),
                "--sig".into(),
                "/dev/zero".into(),
                "--pub-file".into(),
                key.clone().into(),
            ],
            "a signature file is read up to 65536 bytes",
        ),
        (
            vec![
                "verify".into(),
                "--in".into(),
                index.clone().into(),
                "--sig".into(),
                sig.clone().into(),
                "--pub-file".into(),
                "/dev/zero".into(),
            ],
            "a key file is read up to 65536 bytes",
        ),
        (
            vec![
                "verify".into(),
                "--in".into(),
                index.clone().into(),
                "--sig".into(),
                sig.into(),
                "--pub-file".into(),
                key.into(),
                "--previous".into(),
                "/dev/zero".into(),
            ],
            "an index is read up to",
        ),
        (vec!["sign".into(), "--in".into(), "/dev/zero".into(), "--out".into(), "-".into()], "an index is read up to"),
        (vec!["resolve".into(), "x".into(), "--index".into(), "/dev/zero".into()], "an index is read up to"),
    ];
    let d = tempfile::tempdir().unwrap();
    let private = fs::read_to_string(conformance.join("test-key.private")).unwrap();
    for (args, want) in cases {
        let start = Instant::now();
        let out = bin()
            .current_dir(d.path())
            .env("GIG_SIGNING_KEY", private.trim())
            .args(&args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("file-too-large") && stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains("256 KiB") && !stderr.contains("1073741824"), "{args:?}: {stderr}");
        assert!(start.elapsed() < Duration::from_secs(30), "{args:?}");
    }
}

/// The minor point: key files saved with a UTF-8 byte-order mark (as some editors do) read as
/// the key they hold.
#[test]
fn key_files_with_a_byte_order_mark_are_read() {
    let d = tempfile::tempdir().unwrap();
    let conformance = common::fixtures().join("conformance");
    let public = fs::read_to_string(conformance.join("test-key.pub")).unwrap();
    let private = fs::read_to_string(conformance.join("test-key.private")).unwrap();
    write(d.path(), "k.pub", &format!("\u{feff}{public}"));
    write(d.path(), "k.key", &format!("\u{feff}{private}"));
    fs::copy(conformance.join("index.json"), d.path().join("index.json")).unwrap();
    bin().current_dir(d.path()).args(["sign", "--key-file", "k.key"]).assert().success();
    bin().current_dir(d.path()).args(["verify", "--pub-file", "k.pub"]).assert().success().stdout(contains("signature OK"));
}

/// Redteam 5 and 16: `new` writes only inside a checkout it was pointed at, checks every target
/// and every directory on the way before writing, and a refused run leaves the tree as it was.
#[test]
fn new_checks_every_target_first_and_leaves_nothing_on_failure() {
    // Outside any checkout, and a --root that does not exist (its ancestor is a checkout).
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("x")).unwrap();
    bin().current_dir(d.path().join("x")).args(["new", "zz8"]).assert().code(2).stderr(contains("is not inside a registry checkout"));
    assert_eq!(fs::read_dir(d.path().join("x")).unwrap().count(), 0);
    fs::create_dir_all(d.path().join("q/manifests")).unwrap();
    bin().current_dir(d.path()).args(["new", "zzz", "--root", "q/sub/nonexist"]).assert().code(2).stderr(contains("does not exist"));
    write(d.path(), "q/file", "x");
    bin().current_dir(d.path()).args(["new", "zzz", "--root", "q/file"]).assert().code(2).stderr(contains("is not a directory"));
    assert_eq!(fs::read_dir(d.path().join("q/manifests")).unwrap().count(), 0);
    assert!(!d.path().join("q/sub").exists());
    // A toolpack server's second target refused in each way: nothing of the first stays.
    type Make<'a> = &'a dyn Fn(&Path, &Path);
    let refusals: [(&str, Make, i32, &str); 4] = [
        ("a linked server directory", &|reg, out| symlink(out, reg.join("toolspecs/yyy")).unwrap(), 1, "file-symlink"),
        ("a dangling one", &|reg, out| symlink(out.join("gone"), reg.join("toolspecs/yyy")).unwrap(), 1, "file-symlink"),
        ("a file where a directory belongs", &|reg, _| drop(write(reg, "toolspecs/yyy", "x")), 2, "is not a directory"),
        ("an existing toolspec", &|reg, _| drop(write(reg, "toolspecs/yyy/0.1.0.yaml", "x")), 2, "exists; refusing to overwrite"),
    ];
    for (what, make, code, says) in refusals {
        let (d, reg) = scene();
        fs::create_dir_all(d.path().join("outside")).unwrap();
        make(&reg, &d.path().join("outside"));
        let out = bin().current_dir(&reg).args(["new", "yyy", "--builder", "toolpack"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert!(!reg.join("manifests/yyy").exists(), "{what}: the manifest's directory was left behind");
        assert_eq!(fs::read_dir(d.path().join("outside")).unwrap().count(), 0, "{what}");
    }
}

/// Review item 13: a value holding backticks, HTML and a link cannot close its code span in the
/// step summary: values are code spans fenced longer than any backtick run they hold, and the
/// message around them is escaped text, so nothing becomes an image, a link or a mention.
#[test]
fn the_step_summary_renders_no_markup_from_the_data() {
    let (d, reg) = scene();
    let evil = "x`<img src=https://evil.example/p.png> [click here](https://evil.example/login)` @octocat\u{200b}\u{202e}";
    let m = common::manifest("acme", "0.1.0").replace("    - api.acme.com\n", &format!("    - api.acme.com\n    - \"{evil}\"\n"));
    write(&reg, "manifests/acme/0.1.0.yaml", &m);
    let summary = d.path().join("summary.md");
    let out = bin().current_dir(&reg).env("GITHUB_STEP_SUMMARY", &summary).args(["check", "--format", "github"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.contains("value-hidden-character"), "{md}");
    for live in ["<img", "](", "https://", "@octocat", "\u{202e}"] {
        let unescaped = md.match_indices(live).any(|(i, _)| !md[..i].ends_with('\\'));
        assert!(!unescaped, "`{live}` is live in\n{md}");
    }
    assert!(md.contains("\\\\u{202e}") && md.contains("\\\\u{200b}"), "hidden characters are escaped: {md}");
    assert!(md.contains("· `manifests/acme/0.1.0.yaml` line 19 · `entitlements.egress[1]`: \\`x\\`\\<img src=https:"), "{md}");
}

/// Review items 2 and 17: invisible characters (a zero-width space, a tag character, a soft
/// hyphen) are refused in values and consent text, and every text output shows them escaped,
/// excerpts included, never raw.
#[test]
fn invisible_characters_are_refused_and_escaped_in_every_text_output() {
    let (d, reg) = scene();
    let m = common::manifest("acme", "0.1.0")
        .replace("displayName: Acme Tools", "displayName: Acme\u{200b}Tools\u{e0041}")
        .replace("- api.acme.com", "- api.acme\u{ad}.com");
    write(&reg, "manifests/acme/0.1.0.yaml", &m);
    let summary = d.path().join("summary.md");
    for format in ["human", "github"] {
        let out = bin().current_dir(&reg).env("GITHUB_STEP_SUMMARY", &summary).args(["check", "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8([out.stdout, out.stderr].concat()).unwrap();
        assert!(text.contains("text-invisible-character") && text.contains("value-hidden-character"), "{format}: {text}");
        let raw: Vec<char> = registryctl::schema::chars::hidden(&text).map(|(_, c, _)| c).filter(|c| *c != '\n').collect();
        assert!(raw.is_empty(), "{format}: raw {raw:?} in {text}");
        assert!(text.contains("api.acme\\u{ad}.com"), "{format}: {text}");
        if format == "human" {
            assert!(text.contains("4 │ displayName: Acme\\u{200b}Tools\\u{e0041}\n"), "the excerpt, escaped: {text}");
        }
    }
    let md = fs::read_to_string(&summary).unwrap();
    let raw: Vec<char> = registryctl::schema::chars::hidden(&md).map(|(_, c, _)| c).filter(|c| !matches!(c, '\n' | '\u{200b}')).collect();
    assert!(raw.is_empty(), "summary: raw {raw:?} in {md}");
}
