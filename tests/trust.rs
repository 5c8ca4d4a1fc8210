// SPDX-License-Identifier: Apache-2.0
//! The trust chain v2 end to end, through the real binary: `serial` and `expires` in exact
//! bytes, every refusal of `verify`, key ids and their file names, a key rotation with two keys,
//! and the gateway's 32 MiB index limit.

mod common;

use std::fs;
use std::path::Path;

use common::{bin, write};
use predicates::prelude::*;
use predicates::str::contains;
use sha2::{Digest, Sha256};

const EPOCH: &str = "1767323045"; // 2026-01-02T03:04:05Z

fn conformance() -> std::path::PathBuf {
    common::fixtures().join("conformance")
}

fn test_key() -> String {
    fs::read_to_string(conformance().join("test-key.private")).unwrap().trim().to_string()
}

/// A scratch copy of the conformance fixtures.
fn scratch() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    common::copy_dir(&conformance(), d.path());
    d
}

/// build-index over the conformance manifests at the fixed epoch, with extra arguments.
fn build(dir: &Path, out: &str, extra: &[&str]) {
    bin()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["build-index", "manifests", "--no-denylist", "--out", out])
        .args(extra)
        .assert()
        .success();
}

fn sign(dir: &Path, input: &str) {
    bin()
        .current_dir(dir)
        .env("GIG_SIGNING_KEY", test_key())
        .args(["sign", "--in", input, "--out", &format!("{input}.sig")])
        .assert()
        .success();
}

// ---------- build-index --serial --expires ----------

#[test]
fn serial_and_expires_golden_bytes_and_the_default_bytes_unchanged() {
    let d = scratch();
    let p = d.path();
    let golden = common::fixtures().join("trust");
    build(p, "plain.json", &[]);
    assert_eq!(fs::read(p.join("plain.json")).unwrap(), fs::read(p.join("index.json")).unwrap(), "default bytes changed");
    build(p, "stamped.json", &["--serial", "3", "--expires", "14d"]);
    let stamped = fs::read(p.join("stamped.json")).unwrap();
    assert_eq!(stamped, fs::read(golden.join("index.stamped.json")).unwrap());
    // Exactly Go's bytes with the two keys added at the end, after Go's three.
    let go = fs::read(p.join("index.json")).unwrap();
    assert_eq!(stamped, [&go[..go.len() - 1], br#","serial":3,"expires":"2026-01-16T03:04:05Z"}"#].concat());
    // An absolute expiry gives the same bytes as the duration from SOURCE_DATE_EPOCH.
    build(p, "absolute.json", &["--serial", "3", "--expires", "2026-01-16T03:04:05Z"]);
    assert_eq!(fs::read(p.join("absolute.json")).unwrap(), stamped);
    // Signing is deterministic: the golden signature, and sign accepts the stamped index.
    sign(p, "stamped.json");
    assert_eq!(fs::read(p.join("stamped.json.sig")).unwrap(), fs::read(golden.join("index.stamped.json.sig")).unwrap());
}

#[test]
fn build_index_refuses_bad_serials_and_expiries() {
    let d = scratch();
    let p = d.path();
    for (args, want) in [
        (&["--serial", "0"][..], "--serial"),
        (&["--serial", "9007199254740992"][..], "--serial"),
        (&["--expires", "soon"][..], "neither an RFC 3339 UTC time"),
        (&["--expires", "2026-01-16T03:04:05.5Z"][..], "whole seconds"),
        (&["--expires", "2026-01-01T00:00:00Z"][..], "is not after generated 2026-01-02T03:04:05Z"),
    ] {
        bin()
            .current_dir(p)
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["build-index", "manifests", "--no-denylist", "--out", "x.json"])
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(want));
        assert!(!p.join("x.json").exists(), "{args:?} wrote an index");
    }
}

// ---------- verify: every refusal ----------

/// A registry directory with an index signed by the test key, built with these arguments.
fn signed(extra: &[&str]) -> tempfile::TempDir {
    let d = scratch();
    build(d.path(), "new.json", extra);
    sign(d.path(), "new.json");
    d
}

fn verify(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    bin().current_dir(dir).args(["verify", "--in", "new.json", "--sig", "new.json.sig", "--pub-file", "test-key.pub"]).args(extra).assert()
}

#[test]
fn verify_refuses_an_expired_index_unless_allowed() {
    // Generated and expired long ago (SOURCE_DATE_EPOCH is in 2026-01).
    let d = signed(&["--serial", "1", "--expires", "1d"]);
    verify(d.path(), &[]).code(1).stdout("").stderr(contains("new.json: the index expired at 2026-01-03T03:04:05Z"));
    verify(d.path(), &["--allow-expired"])
        .success()
        .stdout(contains("serial 1, generated 2026-01-02T03:04:05Z, expires 2026-01-03T03:04:05Z"));
}

#[test]
fn verify_refuses_an_index_older_than_max_age_or_without_expiry_when_required() {
    let d = signed(&["--serial", "1", "--expires", "1000y"]);
    verify(d.path(), &["--max-age", "1d"])
        .code(1)
        .stderr(contains("the index was generated at 2026-01-02T03:04:05Z").and(contains("maximum age of 1day")));
    verify(d.path(), &["--max-age", "100y"]).success();
    verify(d.path(), &["--max-age", "soon"]).code(2);
    let plain = signed(&[]);
    verify(plain.path(), &["--require-expires"]).code(1).stderr(contains("no `expires`"));
    verify(plain.path(), &[]).success().stdout(contains("never expires"));
}

#[test]
fn verify_refuses_a_wrong_key_and_names_the_key_that_verified() {
    let d = signed(&["--serial", "1", "--expires", "1000y"]);
    let other = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"; // RFC 8032 test 1, id 21fe31dfa154a261
    bin()
        .current_dir(d.path())
        .args(["verify", "--in", "new.json", "--sig", "new.json.sig", "--pub", other])
        .assert()
        .code(1)
        .stderr(contains("new.json.sig: the signature does not verify with any trusted key (21fe31dfa154a261)"));
    // Several keys: --pub repeated, --pub-file with comments; any one verifying is enough.
    let public = fs::read_to_string(d.path().join("test-key.pub")).unwrap();
    write(d.path(), "trusted.pub", &format!("# the registry's keys\n{other}  # retired\n\n{public}"));
    bin()
        .current_dir(d.path())
        .args(["verify", "--in", "new.json", "--sig", "new.json.sig", "--pub", other, "--pub-file", "trusted.pub"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("signature OK: key 3f169dbc1dfaede6\n"));
    write(d.path(), "bad.pub", &format!("{}\nnot-a-key\n", public.trim()));
    bin()
        .current_dir(d.path())
        .args(["verify", "--in", "new.json", "--sig", "new.json.sig", "--pub-file", "bad.pub"])
        .assert()
        .code(2)
        .stderr(contains("bad.pub: line 2: the public key must be 64 hex characters"));
    write(d.path(), "empty.pub", "# nothing yet\n");
    bin()
        .current_dir(d.path())
        .args(["verify", "--in", "new.json", "--pub-file", "empty.pub"])
        .assert()
        .code(2)
        .stderr(contains("holds no public key"));
}

/// The previous publish (serial 2) and a directory to build the next one in.
fn with_previous() -> tempfile::TempDir {
    let d = signed(&["--serial", "2", "--expires", "1000y"]);
    fs::rename(d.path().join("new.json"), d.path().join("old.json")).unwrap();
    fs::rename(d.path().join("new.json.sig"), d.path().join("old.json.sig")).unwrap();
    d
}

fn next(d: &Path, serial: &str) {
    build(d, "new.json", &["--serial", serial, "--expires", "1000y"]);
    sign(d, "new.json");
}

#[test]
fn verify_previous_passes_the_next_publish_and_refuses_a_serial_that_does_not_grow() {
    let d = with_previous();
    let p = d.path();
    next(p, "3");
    verify(p, &["--previous", "old.json"])
        .success()
        .stdout(contains("previous: serial 2").and(contains("changes from serial 2 to 3: none")));
    for serial in ["2", "1"] {
        next(p, serial);
        verify(p, &["--previous", "old.json"])
            .code(1)
            .stderr(contains(format!("serial {serial} is not greater than the previous index's 2")));
    }
    // The previous index is verified with the same keys: a forged one is refused first.
    next(p, "3");
    fs::write(p.join("forged.json"), fs::read(p.join("old.json")).unwrap()).unwrap();
    fs::write(p.join("forged.json.sig"), fs::read(p.join("new.json.sig")).unwrap()).unwrap();
    verify(p, &["--previous", "forged.json"]).code(1).stderr(contains("forged.json.sig: the signature does not verify"));
    verify(p, &["--previous", "old.json", "--previous-sig", "old.json.sig"]).success();
}

#[test]
fn verify_previous_refuses_a_dropped_version_unless_allowed() {
    let d = with_previous();
    let p = d.path();
    fs::remove_file(p.join("manifests/beta/1.0.0.yaml")).unwrap();
    next(p, "3");
    verify(p, &["--previous", "old.json"])
        .code(1)
        .stdout(contains("1 removed").and(contains("  - beta@1.0.0 (removed)")))
        .stderr(contains("beta@1.0.0 is in the previous index but not in this one"));
    verify(p, &["--previous", "old.json", "--allow-removals"]).success().stdout(contains("  - beta@1.0.0 (removed)"));
}

#[test]
fn verify_previous_refuses_a_changed_contract_and_reports_other_changes() {
    let d = with_previous();
    let p = d.path();
    let alpha = p.join("manifests/alpha/0.2.0.yaml");
    let text = fs::read_to_string(&alpha).unwrap();
    // One more egress host under the same version: what the server may do changed.
    fs::write(&alpha, text.replace("    - api.alpha.example.com\n", "    - api.alpha.example.com\n    - files.alpha.example.com\n"))
        .unwrap();
    next(p, "3");
    verify(p, &["--previous", "old.json", "--allow-removals"])
        .code(1)
        .stdout(contains("0 added, 0 removed, 1 contract changed, 0 updated").and(contains("  ! alpha@0.2.0 (runtime hash changed)")))
        .stderr(contains("alpha@0.2.0's runtime hash changed"));
    // A new version, and a description added under the same contract: reported, accepted.
    fs::write(&alpha, format!("{text}description: Lists the account's items.\n")).unwrap();
    // An image of its own: two versions never pin one digest (image-digest-duplicate).
    fs::write(p.join("manifests/alpha/0.11.0.yaml"), text.replace("0.2.0", "0.11.0").replace(&"1".repeat(64), &"7".repeat(64))).unwrap();
    next(p, "3");
    verify(p, &["--previous", "old.json"]).success().stdout(
        contains("1 added, 0 removed, 0 contract changed, 1 updated")
            .and(contains("  + alpha@0.11.0 (added)"))
            .and(contains("  ~ alpha@0.2.0 (image digest or presentation changed)")),
    );
}

// ---------- keys: ids, file names, rotation ----------

fn key_id(public_hex: &str) -> String {
    let bytes = hex::decode(public_hex.trim()).unwrap();
    hex::encode(&Sha256::digest(&bytes)[..8])
}

#[test]
fn keygen_prints_the_key_id_and_names_its_files_with_it() {
    let d = tempfile::tempdir().unwrap();
    let out = bin().current_dir(d.path()).args(["keygen", "--out-dir", "k"]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let id = text.lines().find_map(|l| l.strip_prefix("key id:  ")).unwrap();
    let public = text.lines().find_map(|l| l.strip_prefix("public:  ")).unwrap();
    assert_eq!(id, key_id(public), "the key id is the first 8 bytes of SHA-256 over the public key");
    assert_eq!(fs::read_to_string(d.path().join(format!("k/index-signing-{id}.pub"))).unwrap(), format!("{public}\n"));
    let secret = fs::read_to_string(d.path().join(format!("k/index-signing-{id}.key"))).unwrap();
    assert!(secret.trim().ends_with(public), "the private key file holds seed and public key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(fs::metadata(d.path().join(format!("k/index-signing-{id}.key"))).unwrap().permissions().mode() & 0o777, 0o600);
    // A second key goes beside the first, under its own id; the first is untouched.
    bin().current_dir(d.path()).args(["keygen", "--out-dir", "k"]).assert().success();
    assert_eq!(fs::read_dir(d.path().join("k")).unwrap().count(), 4);
    assert_eq!(fs::read_to_string(d.path().join(format!("k/index-signing-{id}.key"))).unwrap(), secret);
}

/// keygen --out-dir in `dir`: (key id, secret, public).
fn keygen(dir: &Path) -> (String, String, String) {
    let out = bin().current_dir(dir).args(["keygen", "--out-dir", "keys"]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let id = text.lines().find_map(|l| l.strip_prefix("key id:  ")).unwrap().to_string();
    let secret = fs::read_to_string(dir.join(format!("keys/index-signing-{id}.key"))).unwrap().trim().to_string();
    let public = fs::read_to_string(dir.join(format!("keys/index-signing-{id}.pub"))).unwrap().trim().to_string();
    (id, secret, public)
}

#[test]
fn rotation_with_two_keys_end_to_end() {
    let d = scratch();
    let p = d.path();
    let (old_id, old_secret, old_public) = keygen(p);
    let (new_id, new_secret, new_public) = keygen(p);
    let verify_with = |input: &str, sig: &str, keys: &[&str], extra: &[&str]| {
        let mut c = bin();
        c.current_dir(p).args(["verify", "--in", input, "--sig", sig]).args(extra);
        for k in keys {
            c.args(["--pub", k]);
        }
        c.assert()
    };
    // 1. Bootstrap: the old key signs serial 1.
    build(p, "one.json", &["--serial", "1", "--expires", "1000y"]);
    bin().current_dir(p).env("GIG_SIGNING_KEY", &old_secret).args(["sign", "--in", "one.json", "--out", "one.json.sig"]).assert().success();
    // 2. Dual-sign: the old key's signature where gateways read it, the next key's beside it.
    build(p, "two.json", &["--serial", "2", "--expires", "1000y"]);
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", &old_secret)
        .env("GIG_SIGNING_KEY_NEXT", &new_secret)
        .args(["sign", "--in", "two.json", "--out", "two.json.sig", "--next"])
        .assert()
        .success()
        .stdout(
            contains(format!("with key {old_id}"))
                .and(contains(format!("with next key {new_id}")))
                .and(contains(format!("two.json.sig.{new_id}"))),
        );
    let dual = format!("two.json.sig.{new_id}");
    verify_with("two.json", "two.json.sig", &[&old_public], &[]).success().stdout(contains(format!("key {old_id}")));
    verify_with("two.json", &dual, &[&new_public], &[]).success().stdout(contains(format!("key {new_id}")));
    verify_with("two.json", "two.json.sig", &[&old_public], &["--previous", "one.json"]).success();
    verify_with("two.json", &dual, &[&old_public, &new_public], &["--previous", "one.json"]).success();
    verify_with("two.json", &dual, &[&old_public], &[]).code(1);
    // 3. Switch: the new key alone; the dual-signed index verifies as the previous under it.
    build(p, "three.json", &["--serial", "3", "--expires", "1000y"]);
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", &new_secret)
        .args(["sign", "--in", "three.json", "--out", "three.json.sig"])
        .assert()
        .success();
    verify_with("three.json", "three.json.sig", &[&new_public], &["--previous", "two.json", "--previous-sig", &dual])
        .success()
        .stdout(contains(format!("signature OK: key {new_id}")).and(contains("changes from serial 2 to 3: none")));
    // Without a dual-signed publish before the switch, the new key could not verify the
    // previous index: that is why the switch waits for one.
    verify_with("three.json", "three.json.sig", &[&new_public], &["--previous", "one.json"]).code(1).stderr(contains("one.json.sig"));
    // 4. Retired: the old key no longer verifies what is published.
    verify_with("three.json", "three.json.sig", &[&old_public], &[]).code(1);
    // The next key comes from the environment or a file, never an argument, and is not the current one.
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", &old_secret)
        .args(["sign", "--in", "two.json", "--next"])
        .assert()
        .code(2)
        .stderr(contains("GIG_SIGNING_KEY_NEXT"));
    write(p, "next.key", &old_secret);
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", &old_secret)
        .args(["sign", "--in", "two.json", "--next-key-file", "next.key"])
        .assert()
        .code(2)
        .stderr(contains("the next key is the current key"));
    // The next key's signature goes beside a signature file, so --next needs one to name.
    bin()
        .current_dir(p)
        .env("GIG_SIGNING_KEY", &old_secret)
        .env("GIG_SIGNING_KEY_NEXT", &new_secret)
        .args(["sign", "--in", "two.json", "--next", "--out", "-"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("--next writes OUT.<key id> beside --out FILE"));
}

// ---------- the gateway's 32 MiB read limit ----------

/// A valid manifest of about 250 KB (a long description), under the 256 KiB file limit, with an
/// image of its own (two servers never pin one digest: image-digest-duplicate).
fn big_manifest(i: usize) -> String {
    let name = format!("big{i:03}");
    common::manifest(&name, "0.1.0")
        .replace("description: Read and manage Acme widgets.", &format!("description: {}", "x".repeat(250_000)))
        .replace(&"1".repeat(64), &format!("{:064x}", i + 1))
}

#[test]
fn build_index_warns_near_the_gateway_limit_and_refuses_over_it() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // 101 manifests of about 250 KB: over three quarters of 32 MiB (25,165,824 bytes).
    for i in 0..101 {
        write(p, &format!("manifests/big{i:03}/0.1.0.yaml"), &big_manifest(i));
    }
    bin().current_dir(p).args(["build-index", "manifests", "--no-denylist"]).assert().success().stderr(
        contains("warning: index.json is 25").and(contains("over three quarters of the gateway's 33554432-byte (32 MiB) read limit")),
    );
    let before = fs::read(p.join("index.json")).unwrap();
    assert!(before.len() > 25_165_824 && before.len() <= 33_554_432, "{}", before.len());
    // 135: over 32 MiB. Nothing is written; the previous index stays.
    for i in 101..135 {
        write(p, &format!("manifests/big{i:03}/0.1.0.yaml"), &big_manifest(i));
    }
    bin()
        .current_dir(p)
        .args(["build-index", "manifests", "--no-denylist"])
        .assert()
        .code(1)
        .stderr(contains("index.json not written: the index is 33").and(contains("over the gateway's limit of 33554432 bytes (32 MiB)")));
    assert_eq!(fs::read(p.join("index.json")).unwrap(), before);
    assert_eq!(fs::read_dir(p).unwrap().count(), 2, "a temporary file was left behind");
}
