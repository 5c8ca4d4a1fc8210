// SPDX-License-Identifier: Apache-2.0
//! One mistake, one message, part 2 (redteam 3 and 14; tests/one_mistake.rs has part 1): a command over part of the catalog reports on
//! that part; a file or directory that cannot be read (a link, a FIFO), or a file that does not
//! say which server and version it is, gives its own findings and nothing downstream: no
//! pairing, CATALOG.md, catalog/sources.tsv or path finding built on a reading it does not have.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::{bin, write};

/// A checkout of three toolpack servers with everything generated, passing `check`.
fn catalog() -> tempfile::TempDir {
    let r = common::registry();
    let mut rows = String::from("# sources\n");
    for (name, hex) in [("acme", "aaaa"), ("bolt", "bbbb"), ("cobalt", "cccc")] {
        write(r.path(), &format!("manifests/{name}/0.1.0.yaml"), &common::manifest(name, "0.1.0").replace("1111", hex));
        write(r.path(), &format!("toolspecs/{name}/0.1.0.yaml"), &common::toolspec(name, "0.1.0"));
        rows.push_str(&common::sources_row(name));
    }
    write(r.path(), "catalog/sources.tsv", &rows);
    bin().current_dir(r.path()).arg("catalog").assert().success();
    bin().current_dir(r.path()).arg("check").assert().success();
    r
}

/// The rule ids a command reports, in order, with its exit code.
fn rules(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let out = bin().current_dir(dir).args(args).args(["--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let ids = v["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect();
    (out.status.code(), ids)
}

#[test]
fn a_server_directory_of_toolspecs_lints_like_its_files() {
    let r = catalog();
    // acme's toolpack manifest has lost its toolspec: only a run over acme, or over all, says so.
    fs::remove_file(r.path().join("toolspecs/bolt/0.1.0.yaml")).unwrap();
    for (cwd, target) in [(".", "toolspecs/acme"), ("toolspecs", "acme"), ("toolspecs/acme", "."), (".", "toolspecs/acme/0.1.0.yaml")] {
        let out = bin().current_dir(r.path().join(cwd)).args(["lint-toolspecs", target]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cwd} {target}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "lint-toolspecs OK: 1 toolspec(s)\n");
    }
    let out = bin().current_dir(r.path()).args(["lint-toolspecs", "toolspecs/acme", "--manifests", "manifests"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // The whole directory pairs with every manifest.
    assert_eq!(rules(r.path(), &["lint-toolspecs", "toolspecs"]), (Some(1), vec!["pairing-builder".to_string()]));
    assert_eq!(rules(&r.path().join("toolspecs"), &["lint-toolspecs", "."]), (Some(1), vec!["pairing-builder".to_string()]));
    // bolt's own directory, now empty, is asked about bolt.
    fs::create_dir_all(r.path().join("toolspecs/bolt")).unwrap();
    assert_eq!(rules(r.path(), &["lint-toolspecs", "toolspecs/bolt"]), (Some(1), vec!["pairing-builder".to_string()]));
    assert_eq!(rules(r.path(), &["lint-toolspecs", "toolspecs/cobalt"]).0, Some(0));
}

#[test]
fn a_linked_catalog_directory_is_one_finding() {
    let r = catalog();
    let elsewhere = tempfile::tempdir().unwrap();
    // toolspecs/ itself, one server's toolspecs, one server's manifests, one manifest file.
    for rel in ["toolspecs", "toolspecs/bolt", "manifests/bolt", "manifests/bolt/0.1.0.yaml", "toolspecs/bolt/0.1.0.yaml"] {
        let (p, away) = (r.path().join(rel), elsewhere.path().join("moved"));
        fs::rename(&p, &away).unwrap();
        symlink(&away, &p).unwrap();
        for args in [&["check"][..], &["lint-toolspecs", "toolspecs"], &["lint", "manifests"]] {
            let (code, ids) = rules(r.path(), args);
            // Each command reports on what it reads: lint the manifests, lint-toolspecs the
            // toolspecs (pairing with an unreadable manifest is not a finding of its own).
            let reads = match args[0] {
                "lint" => "manifests",
                "lint-toolspecs" => "toolspecs",
                _ => "",
            };
            let want: &[&str] = if rel.starts_with(reads) { &["file-symlink"] } else { &[] };
            assert_eq!(
                (code, ids.as_slice()),
                (Some(want.len() as i32), want.iter().map(|s| s.to_string()).collect::<Vec<_>>().as_slice()),
                "{rel}: {args:?}"
            );
        }
        fs::remove_file(&p).unwrap();
        fs::rename(&away, &p).unwrap();
    }
    // A FIFO where a manifest belongs: its one finding.
    let fifo = r.path().join("manifests/cobalt/0.1.0.yaml");
    fs::remove_file(&fifo).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    assert_eq!(rules(r.path(), &["check"]), (Some(1), vec!["file-not-regular".to_string()]));
}

#[test]
fn a_file_without_its_identity_is_compared_with_nothing() {
    let r = catalog();
    let m = r.path().join("manifests/acme/0.1.0.yaml");
    let t = r.path().join("toolspecs/acme/0.1.0.yaml");
    let good_m = fs::read_to_string(&m).unwrap();
    let good_t = fs::read_to_string(&t).unwrap();
    let cases = [
        (&m, good_m.replace("name: acme\n", ""), "name-format"),
        (&m, good_m.replace("name: acme\n", "name: Acme_X\n"), "name-format"),
        (&m, good_m.replace("version: 0.1.0\n", ""), "version-format"),
        (&m, good_m.replace("version: 0.1.0\n", "version: \"0.1\"\n"), "version-format"),
        (&m, good_m.replace("version: 0.1.0\n", "version: 0.1\n"), "yaml-wrong-type"),
        (&t, good_t.replace("name: acme\n", ""), "name-format"),
        (&t, good_t.replace("version: 0.1.0\n", "version: 1.0\n"), "yaml-wrong-type"),
        (&t, good_t.replace("name: acme\n", "name: ACME\n"), "name-format"),
    ];
    for (file, text, rule) in cases {
        fs::write(file, &text).unwrap();
        assert_eq!(rules(r.path(), &["check"]), (Some(1), vec![rule.to_string()]), "{text}");
        let stderr = String::from_utf8(bin().current_dir(r.path()).arg("check").output().unwrap().stderr).unwrap();
        assert!(!stderr.contains("belongs at") && !stderr.contains("/.yaml") && !stderr.contains("//"), "{stderr}");
        fs::write(&m, &good_m).unwrap();
        fs::write(&t, &good_t).unwrap();
    }
    // A valid identity at the wrong path is path-mismatch, naming where it belongs.
    fs::write(&m, good_m.replace("name: acme\n", "name: acme-two\n")).unwrap();
    let stderr = String::from_utf8(bin().current_dir(r.path()).arg("check").output().unwrap().stderr).unwrap();
    assert!(
        stderr.contains("error[path-mismatch]: this file declares acme-two@0.1.0, so it belongs at manifests/acme-two/0.1.0.yaml"),
        "{stderr}"
    );
}

#[test]
fn commands_about_one_server_say_what_is_wrong_with_the_path() {
    let r = catalog();
    let err = |args: &[&str]| {
        let out = bin().current_dir(r.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    for sub in ["hash", "build-args"] {
        assert!(err(&[sub, "manifests/nonexist"]).contains("manifests/nonexist does not exist"));
        assert!(err(&[sub, "manifests/acme/9.9.9.yaml"]).contains("does not exist"));
        assert!(err(&[sub, "manifests"]).contains("manifests holds every server, not one: name one server's directory (manifests/<name>"));
        assert!(err(&[sub, "."]).contains("holds every server, not one"));
        assert!(err(&[sub, "toolspecs/acme"]).contains("toolspecs/acme is not a server's directory under manifests/"));
        assert!(err(&[sub, "/nonexistent/x.yaml"]).contains("does not exist"));
    }
}

/// A file stored under another version's path (a copy saved as the next version and not yet
/// edited) is not paired by either path: it says where it belongs and which file already
/// declares its version (index-duplicate), never that a toolspec or manifest is missing.
#[test]
fn a_file_at_another_versions_path_is_one_finding() {
    let r = catalog();
    let copy = |from: &str, to: &str| fs::copy(r.path().join(from), r.path().join(to)).unwrap();
    copy("manifests/acme/0.1.0.yaml", "manifests/acme/0.2.0.yaml");
    let sorted = |(code, mut ids): (Option<i32>, Vec<String>)| {
        ids.sort();
        (code, ids)
    };
    let ids = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let misplaced = ids(&["index-duplicate", "path-mismatch"]);
    assert_eq!(sorted(rules(r.path(), &["check"])), (Some(1), misplaced.clone()));
    assert_eq!(sorted(rules(r.path(), &["lint", "manifests"])), (Some(1), misplaced));
    copy("toolspecs/acme/0.1.0.yaml", "toolspecs/acme/0.3.0.yaml");
    let both = ids(&["index-duplicate", "path-mismatch", "path-mismatch"]);
    assert_eq!(sorted(rules(r.path(), &["check"])), (Some(1), both));
    assert_eq!(rules(r.path(), &["lint-toolspecs", "toolspecs"]), (Some(1), vec!["path-mismatch".to_string()]));
    // Declaring the version of its path, it is compared like any other file: the copy still
    // has 0.1.0's image digest.
    let m = r.path().join("manifests/acme/0.2.0.yaml");
    fs::write(&m, fs::read_to_string(&m).unwrap().replace("version: 0.1.0", "version: 0.2.0")).unwrap();
    fs::remove_file(r.path().join("toolspecs/acme/0.3.0.yaml")).unwrap();
    let (code, ids) = rules(r.path(), &["lint", "manifests"]);
    assert_eq!(code, Some(1));
    assert_eq!(ids, vec!["image-digest-duplicate".to_string()]);
}
