// SPDX-License-Identifier: Apache-2.0
//! Output files and output streams (issue 16 items 5 and 6): `-` is standard output; a link
//! given as --out is never replaced; FIFOs and sockets are written in place; public artifacts
//! get 0666 less the umask, private keys 0600; and a closed pipe on stdout or stderr never
//! turns into a panic or another exit code. Everything here runs in temporary directories.

mod common;

use std::fs;
use std::io::Read;
use std::os::unix::fs::symlink;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{bin, write};
use predicates::str::contains;

/// The index a clean scratch registry builds, with a fixed timestamp.
fn index_bytes(dir: &Path) -> Vec<u8> {
    let out = dir.join("reference.json");
    bin().current_dir(dir).env("SOURCE_DATE_EPOCH", "1767323045").args(["build-index", "manifests", "--out"]).arg(&out).assert().success();
    let bytes = fs::read(&out).unwrap();
    fs::remove_file(out).unwrap();
    bytes
}

fn build_index_to(dir: &Path, out: &str) -> assert_cmd::assert::Assert {
    bin().current_dir(dir).env("SOURCE_DATE_EPOCH", "1767323045").args(["build-index", "manifests", "--out", out]).assert()
}

#[test]
fn a_dash_is_standard_output_for_every_out() {
    let r = common::registry();
    let want = index_bytes(r.path());
    build_index_to(r.path(), "-").success().stdout(want).stderr(contains("build-index: wrote standard output: 1 server(s)"));
    assert!(!r.path().join("-").exists());
    let schema = bin().args(["schema", "toolspec"]).output().unwrap().stdout;
    bin().current_dir(r.path()).args(["schema", "toolspec", "--out", "-"]).assert().success().stdout(schema);
    let copy = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixtures().join("conformance"), copy.path());
    let conformance = copy.path();
    let key = fs::read_to_string(conformance.join("test-key.private")).unwrap();
    let sig = fs::read(conformance.join("index.json.sig")).unwrap();
    bin()
        .current_dir(conformance)
        .env("GIG_SIGNING_KEY", key.trim())
        .args(["sign", "--in", "index.json", "--out", "-"])
        .assert()
        .success()
        .stdout(sig)
        .stderr(contains("signed index.json"));
    assert!(!conformance.join("-").exists());
}

#[test]
fn a_link_given_as_out_is_kept_and_its_target_written_atomically() {
    let r = common::registry();
    let want = index_bytes(r.path());
    write(r.path(), "real/index.json", "old\n");
    let before = fs::metadata(r.path().join("real/index.json")).unwrap().ino();
    symlink("real/index.json", r.path().join("link.json")).unwrap();
    build_index_to(r.path(), "link.json").success();
    let link = fs::symlink_metadata(r.path().join("link.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert_eq!(fs::read(r.path().join("real/index.json")).unwrap(), want);
    // Atomically: a new file renamed over the target, not the old one truncated.
    assert_ne!(fs::metadata(r.path().join("real/index.json")).unwrap().ino(), before);
    let strays: Vec<_> = fs::read_dir(r.path().join("real")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(strays.len(), 1, "{strays:?}");
}

#[test]
fn a_dangling_link_gets_its_target_created() {
    let r = common::registry();
    let want = index_bytes(r.path());
    fs::create_dir_all(r.path().join("real")).unwrap();
    symlink("real/new.json", r.path().join("dangling.json")).unwrap();
    symlink("dangling.json", r.path().join("chain.json")).unwrap();
    build_index_to(r.path(), "chain.json").success();
    assert!(fs::symlink_metadata(r.path().join("chain.json")).unwrap().file_type().is_symlink());
    assert!(fs::symlink_metadata(r.path().join("dangling.json")).unwrap().file_type().is_symlink());
    assert_eq!(fs::read(r.path().join("real/new.json")).unwrap(), want);
}

#[test]
fn a_link_to_a_descriptor_is_written_in_place() {
    // As `--out /dev/stdout`, but through a link of our own, not the machine's /dev entry.
    let r = common::registry();
    let want = index_bytes(r.path());
    symlink("/proc/self/fd/1", r.path().join("stdout")).unwrap();
    let out = bin()
        .current_dir(r.path())
        .env("SOURCE_DATE_EPOCH", "1767323045")
        .args(["build-index", "manifests", "--out", "stdout"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.starts_with(&want), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(fs::symlink_metadata(r.path().join("stdout")).unwrap().file_type().is_symlink());
}

#[test]
fn a_fifo_is_written_in_place() {
    let r = common::registry();
    let want = index_bytes(r.path());
    let fifo = r.path().join("out.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            fs::File::open(fifo).unwrap().read_to_end(&mut got).unwrap();
            got
        })
    };
    build_index_to(r.path(), "out.fifo").success();
    assert_eq!(reader.join().unwrap(), want);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
}

#[test]
fn a_socket_is_written_in_place() {
    let r = common::registry();
    let want = index_bytes(r.path());
    let path = r.path().join("out.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    });
    build_index_to(r.path(), "out.sock").success();
    assert_eq!(reader.join().unwrap(), want);
    assert!(fs::symlink_metadata(&path).unwrap().file_type().is_socket());
}

/// Runs the binary under a umask.
fn with_umask(umask: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    let script = format!("umask {umask}; exec \"$0\" \"$@\"");
    Command::new("sh")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1767323045")
        .env("GIG_SIGNING_KEY", fs::read_to_string(common::fixtures().join("conformance/test-key.private")).unwrap().trim())
        .args(["-c", &script])
        .arg(assert_cmd::cargo::cargo_bin("registryctl"))
        .args(args)
        .output()
        .unwrap()
}

/// The key id of the one key pair `keygen --out-dir` wrote into `dir` (`index-signing-<id>.key`).
fn key_id_in(dir: &Path) -> String {
    let names: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let ids: Vec<&str> = names.iter().filter_map(|n| n.strip_prefix("index-signing-")?.strip_suffix(".key")).collect();
    assert_eq!(ids.len(), 1, "{names:?}");
    ids[0].to_string()
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn public_artifacts_get_0666_less_the_umask_and_private_keys_0600() {
    for (umask, public) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let r = common::registry();
        let p = r.path();
        let run = |args: &[&str]| {
            let out = with_umask(umask, p, args);
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        run(&["build-index", "manifests"]);
        fs::create_dir_all(p.join("out")).unwrap();
        run(&["build-index", "manifests", "--out", "out/index.json"]);
        run(&["sign", "--in", "index.json", "--out", "index.json.sig"]);
        run(&["catalog"]);
        fs::create_dir_all(p.join("schemas")).unwrap();
        run(&["schema", "manifest", "--out", "schemas/manifest.schema.json"]);
        run(&["new", "zeta"]);
        run(&["keygen", "--out-dir", "keys"]);
        let id = key_id_in(&p.join("keys"));
        for f in [
            "index.json",
            "out/index.json",
            "index.json.sig",
            "CATALOG.md",
            "schemas/manifest.schema.json",
            "manifests/zeta/0.1.0.yaml",
            "toolspecs/zeta/0.1.0.yaml",
            &format!("keys/index-signing-{id}.pub"),
        ] {
            assert_eq!(mode(&p.join(f)), public, "{f} under umask {umask}");
        }
        assert_eq!(mode(&p.join(format!("keys/index-signing-{id}.key"))), 0o600, "the private key under umask {umask}");
    }
}

/// A registry whose check prints far more than a pipe holds (64 KiB) on either stream: one
/// manifest with thousands of unknown keys.
fn noisy_registry() -> tempfile::TempDir {
    let r = common::registry();
    let noise = fs::read_to_string(common::repo().join("tests/corpus/many-unknown-keys.yaml")).unwrap();
    write(r.path(), "manifests/noisy/0.1.0.yaml", &noise);
    r
}

/// Runs `check` with the given stream's reader closed after its first bytes; returns the exit
/// code and the other stream.
fn check_with_closed(dir: &Path, format: &str, close_stdout: bool) -> (Option<i32>, Vec<u8>) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("registryctl"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["check", "--format", format])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut closing, mut kept): (Box<dyn Read + Send>, Box<dyn Read + Send>) = if close_stdout {
        (Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap()))
    } else {
        (Box::new(child.stderr.take().unwrap()), Box::new(child.stdout.take().unwrap()))
    };
    let other = std::thread::spawn(move || {
        let mut all = Vec::new();
        kept.read_to_end(&mut all).unwrap();
        all
    });
    let mut first = [0u8; 100];
    closing.read_exact(&mut first).unwrap();
    drop(closing);
    let status = child.wait().unwrap();
    (status.code(), other.join().unwrap())
}

#[test]
fn a_closed_stdout_keeps_the_exit_code() {
    let r = noisy_registry();
    let full = bin().current_dir(r.path()).args(["check", "--format", "json"]).output().unwrap();
    assert!(full.stdout.len() > 128 << 10, "the output must overflow a pipe: {} bytes", full.stdout.len());
    assert_eq!(full.status.code(), Some(1));
    let (code, stderr) = check_with_closed(r.path(), "json", true);
    let stderr = String::from_utf8_lossy(&stderr);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_closed_stderr_keeps_the_exit_code() {
    let r = noisy_registry();
    let full = bin().current_dir(r.path()).args(["check"]).output().unwrap();
    assert!(full.stderr.len() > 128 << 10, "the output must overflow a pipe: {} bytes", full.stderr.len());
    for _ in 0..3 {
        let (code, stdout) = check_with_closed(r.path(), "human", false);
        assert_eq!(code, Some(1));
        assert!(stdout.is_empty());
    }
    // `check 2>&1 | head -1`, as the issue ran it.
    let out = Command::new("bash")
        .current_dir(r.path())
        .env("NO_COLOR", "1")
        .args(["-c", "\"$0\" check 2>&1 | head -c 100 >/dev/null; echo \"${PIPESTATUS[0]}\""])
        .arg(assert_cmd::cargo::cargo_bin("registryctl"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
}

#[test]
fn a_closed_stdout_after_a_success_is_still_a_success() {
    // A registry whose index overflows a pipe, whatever the size of this repository's catalog.
    let r = common::registry();
    for i in 0..200 {
        let name = format!("acme{i:03}");
        let digest = format!("sha256:{:064x}", i + 2);
        let text = common::manifest(&name, "0.1.0")
            .replace("sha256:1111111111111111111111111111111111111111111111111111111111111111", &digest)
            .replace("builder: toolpack", "builder: go-static");
        common::write(r.path(), &format!("manifests/{name}/0.1.0.yaml"), &text);
    }
    let full = bin().current_dir(r.path()).args(["build-index", "manifests", "--include-planned", "--out", "-"]).output().unwrap();
    assert!(full.stdout.len() > 128 << 10, "the output must overflow a pipe: {} bytes", full.stdout.len());
    let out = Command::new("bash")
        .current_dir(r.path())
        .env("NO_COLOR", "1")
        .args(["-c", "\"$0\" build-index manifests --include-planned --out - | head -c 100 >/dev/null; echo \"${PIPESTATUS[0]}\""])
        .arg(assert_cmd::cargo::cargo_bin("registryctl"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n", "{}", String::from_utf8_lossy(&out.stderr));
}

/// Runs a bash script with `$0` the binary, in `dir`; returns its stdout and stderr.
fn sh(dir: &Path, script: &str) -> (String, String) {
    let out = Command::new("bash")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["-c", script])
        .arg(assert_cmd::cargo::cargo_bin("registryctl"))
        .output()
        .unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_reader_that_goes_away_ends_every_output_the_same_way() {
    // Standard output, the machine's /dev/stdout and a FIFO: each reader takes 100 bytes of
    // the (over 128 KiB) index and leaves; the run exits as it would have, 0.
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("out.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let build = "\"$0\" build-index manifests --include-planned";
    for (what, script) in [
        ("-", format!("{build} --out - | head -c 100 >/dev/null; echo \"${{PIPESTATUS[0]}}\"")),
        ("/dev/stdout", format!("{build} --out /dev/stdout | head -c 100 >/dev/null; echo \"${{PIPESTATUS[0]}}\"")),
        ("a FIFO", format!("head -c 100 {0} >/dev/null & {build} --out {0} >/dev/null; echo $?; wait", fifo.display())),
    ] {
        let (stdout, stderr) = sh(&common::repo(), &script);
        assert_eq!(stdout, "0\n", "{what}: {stderr}");
        assert!(!stderr.contains("error") && !stderr.contains("panicked"), "{what}: {stderr}");
    }
    // With findings, the end of output keeps exit 1 (a_closed_stdout_keeps_the_exit_code).
}

#[test]
fn a_write_that_fails_is_exit_2_and_keygen_never_reports_a_key_it_did_not_write() {
    let d = tempfile::tempdir().unwrap();
    let build = "\"$0\" build-index manifests --include-planned";
    for (what, script, message) in [
        ("keygen >&-", "\"$0\" keygen >&-; echo $? >&2".to_string(), "stdout is closed or /dev/null"),
        ("keygen >/dev/full", "\"$0\" keygen >/dev/full; echo $? >&2".to_string(), "cannot write"),
        ("build-index --out /dev/full", format!("{build} --out /dev/full; echo $? >&2"), "cannot write"),
    ] {
        let (_, stderr) = sh(&common::repo(), &script);
        assert!(stderr.ends_with("\n2\n"), "{what}: {stderr}");
        assert!(stderr.contains("error: ") && stderr.contains(message), "{what}: {stderr}");
        assert!(!stderr.contains("wrote"), "{what}: {stderr}");
    }
    // A stdout closed with `>&-` is /dev/null read-write by `main`: where nothing must be kept,
    // it discards the output and the run exits as it would have.
    let keys = d.path().join("keys");
    for (what, script) in [
        ("keygen --out-dir >&-", format!("\"$0\" keygen --out-dir {} >&-; echo $? >&2", keys.display())),
        ("build-index --out - >&-", format!("{build} --out - >&-; echo $? >&2")),
        ("build-index --out /dev/stdout >&-", format!("{build} --out /dev/stdout >&-; echo $? >&2")),
        ("check >&-", "\"$0\" check >&-; echo $? >&2".to_string()),
    ] {
        let (_, stderr) = sh(&common::repo(), &script);
        assert!(stderr.lines().last() == Some("0") && !stderr.contains("error"), "{what}: {stderr}");
    }
    let written: Vec<_> = fs::read_dir(&keys).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(written.len(), 2, "keygen --out-dir wrote its key pair: {written:?}");
    // Output discarded on purpose (`>/dev/null`, write-only) is not a closed stdout.
    let (_, stderr) = sh(d.path(), "\"$0\" keygen >/dev/null; echo $? >&2");
    assert_eq!(stderr, "0\n");
}

/// Runs the binary in `dir` with its stdout on `/dev/null` opened read-write, as Python's
/// `subprocess.DEVNULL` and Node's `'ignore'` pass it; returns its exit code and stderr.
fn with_stdout_on_null_read_write(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let null = fs::OpenOptions::new().read(true).write(true).open("/dev/null").unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("registryctl"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(Stdio::from(null))
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_stdout_on_dev_null_opened_read_write_discards_output_except_a_private_key() {
    // lint and check exit as they do with any other stdout: 0 when clean, 1 with findings.
    let (clean, noisy) = (common::registry(), noisy_registry());
    for (dir, code) in [(clean.path(), 0), (noisy.path(), 1)] {
        for args in [&["lint", "manifests"][..], &["check"][..], &["check", "--format", "json"][..]] {
            let piped = bin().current_dir(dir).args(args).output().unwrap();
            assert_eq!(piped.status.code(), Some(code), "{args:?}: {}", String::from_utf8_lossy(&piped.stderr));
            let (status, stderr) = with_stdout_on_null_read_write(dir, args);
            assert_eq!(status, Some(code), "{args:?}: {stderr}");
            assert!(!stderr.contains("cannot write") && !stderr.contains("panicked"), "{args:?}: {stderr}");
        }
    }
    // So does an --out that names that stdout.
    let (status, stderr) = with_stdout_on_null_read_write(clean.path(), &["build-index", "manifests", "--out", "/dev/stdout"]);
    assert_eq!(status, Some(0), "{stderr}");
    // keygen's private key would be lost there: exit 2 before a key is made, nothing written,
    // and the message says why and what to do instead.
    let d = tempfile::tempdir().unwrap();
    let (status, stderr) = with_stdout_on_null_read_write(d.path(), &["keygen"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "{stderr}");
    assert!(stderr.contains("stdout is closed or /dev/null") && stderr.contains("private key would be lost"), "{stderr}");
    assert!(stderr.contains("--out-dir"), "{stderr}");
    assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0, "keygen wrote something");
    // With --out-dir the key pair goes to files, and stdout only gets what may be discarded.
    let (status, stderr) = with_stdout_on_null_read_write(d.path(), &["keygen", "--out-dir", "keys"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(fs::read_dir(d.path().join("keys")).unwrap().count(), 2);
}
