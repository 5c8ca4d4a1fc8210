// SPDX-License-Identifier: Apache-2.0
//! Fault tests: what fails around the tool (unreadable inputs, missing or unwritable output
//! locations, a full disk, bad keys) gives a clear error, exit code 2, and leaves the previous
//! index.json and index.json.sig untouched.

mod common;

use std::fs;
use std::path::Path;

use common::bin;
use predicates::prelude::*;
use predicates::str::contains;

/// A registry with a signed index already published.
fn published() -> (tempfile::TempDir, String) {
    let d = common::registry();
    let key = {
        let out = bin().args(["keygen"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines().find_map(|l| l.strip_prefix("private: ")).unwrap().to_string()
    };
    bin().current_dir(d.path()).args(["build-index", "manifests"]).assert().success();
    bin().current_dir(d.path()).env("GIG_SIGNING_KEY", &key).args(["sign"]).assert().success();
    (d, key)
}

fn snapshot(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    (fs::read(dir.join("index.json")).unwrap(), fs::read(dir.join("index.json.sig")).unwrap())
}

fn is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(true)
}

#[test]
fn a_full_disk_fails_cleanly() {
    let (d, key) = published();
    let before = snapshot(d.path());
    bin()
        .current_dir(d.path())
        .args(["build-index", "manifests", "--out", "/dev/full"])
        .assert()
        .code(2)
        .stderr(contains("/dev/full").and(contains("cannot write")));
    bin()
        .current_dir(d.path())
        .env("GIG_SIGNING_KEY", &key)
        .args(["sign", "--out", "/dev/full"])
        .assert()
        .code(2)
        .stderr(contains("/dev/full"));
    assert_eq!(snapshot(d.path()), before);
    assert!(Path::new("/dev/full").exists() && !Path::new("/dev/full").is_file(), "the device is still a device");
}

#[test]
fn an_output_directory_that_is_missing_or_not_a_directory() {
    let (d, key) = published();
    let before = snapshot(d.path());
    bin()
        .current_dir(d.path())
        .args(["build-index", "manifests", "--out", "no/such/dir/index.json"])
        .assert()
        .code(2)
        .stderr(contains("no/such/dir"));
    bin().current_dir(d.path()).env("GIG_SIGNING_KEY", &key).args(["sign", "--out", "index.json/sig"]).assert().code(2);
    assert_eq!(snapshot(d.path()), before);
}

#[test]
fn an_unwritable_output_directory() {
    if is_root() {
        // Root writes through permission bits; the missing-directory and /dev/full cases above
        // cover the same error path for root.
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let (d, _) = published();
    let before = snapshot(d.path());
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let a = bin().current_dir(d.path()).args(["build-index", "manifests"]).assert();
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).unwrap();
    a.code(2);
    assert_eq!(snapshot(d.path()), before);
}

#[test]
fn unreadable_inputs() {
    let (d, key) = published();
    let before = snapshot(d.path());
    // A directory where a file is expected fails to read even for root.
    bin()
        .current_dir(d.path())
        .args(["lint", "manifests", "--denylist", "manifests"])
        .assert()
        .code(2)
        .stderr(contains("cannot read denylist"));
    bin().current_dir(d.path()).env("GIG_SIGNING_KEY", &key).args(["sign", "--in", "manifests", "--out", "x.sig"]).assert().code(2);
    bin().current_dir(d.path()).args(["verify", "--in", "manifests", "--pub", &"0".repeat(64)]).assert().code(2);
    bin().current_dir(d.path()).args(["lint", "no-such-dir"]).assert().code(2).stderr(contains("no-such-dir"));
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        let f = d.path().join("manifests/acme/0.1.0.yaml");
        fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
        let a = bin().current_dir(d.path()).args(["build-index", "manifests"]).assert();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        a.code(2).stderr(contains("cannot open"));
    }
    assert_eq!(snapshot(d.path()), before);
    assert!(!d.path().join("x.sig").exists());
}

#[test]
fn a_directory_that_is_gone_by_the_time_it_is_walked() {
    let d = common::registry();
    let gone = d.path().join("manifests");
    fs::remove_dir_all(&gone).unwrap();
    bin().current_dir(d.path()).args(["check"]).assert().code(2).stderr(contains("manifests"));
}

#[test]
fn bad_signing_keys() {
    let (d, key) = published();
    let before = snapshot(d.path());
    for bad in ["", "abc", &"zz".repeat(64), &key[..127], &format!("{key}00")] {
        bin().current_dir(d.path()).env("GIG_SIGNING_KEY", bad).args(["sign"]).assert().code(2);
    }
    fs::write(d.path().join("short.key"), "1234\n").unwrap();
    bin().current_dir(d.path()).args(["sign", "--key-file", "short.key"]).assert().code(2).stderr(contains("128 hex"));
    bin().current_dir(d.path()).args(["sign", "--key-file", "missing.key"]).assert().code(2).stderr(contains("missing.key"));
    bin().current_dir(d.path()).args(["verify", "--pub", "xyz"]).assert().code(2).stderr(contains("64 hex"));
    assert_eq!(snapshot(d.path()), before);
}

#[test]
fn no_temporary_files_are_left_behind() {
    let (d, _) = published();
    bin().current_dir(d.path()).args(["build-index", "manifests", "--out", "/dev/full"]).assert().code(2);
    bin().current_dir(d.path()).args(["build-index", "manifests"]).assert().success();
    let stray: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".registryctl-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
