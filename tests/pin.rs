// SPDX-License-Identifier: Apache-2.0
//! `registryctl pin` (issue 17 item 3), the real binary on scratch registries: golden bytes of
//! the one edit (unquoted, double- and single-quoted, commented digest lines, a byte-order mark,
//! CRLF line ends), the refusals (a malformed digest, a real digest without --repin, a link in
//! place of the manifest) and the re-lint that undoes a pin the catalog's lint refuses.

mod common;

use std::fs;
use std::path::Path;

use common::{bin, registry, write};
use predicates::prelude::*;
use predicates::str::contains;

const PLANNED: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
const PUSHED: &str = "sha256:5e9d0c3b8f4a6e2d1c7b9a8f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d";
const OTHER: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

/// acme@0.1.0 with its digest line written as `line`.
fn acme_with(line: &str) -> String {
    let text = common::manifest("acme", "0.1.0");
    let old = format!("  digest: {OTHER}\n");
    assert!(text.contains(&old));
    text.replace(&old, &format!("{line}\n"))
}

fn manifest_bytes(root: &Path) -> Vec<u8> {
    fs::read(root.join("manifests/acme/0.1.0.yaml")).unwrap()
}

#[test]
fn only_the_digest_characters_change() {
    // (the line as written, the line pin must leave), byte for byte.
    let cases = [
        (
            format!("  digest: {PLANNED}  # planned: build-images prints the digest to pin"),
            format!("  digest: {PUSHED}  # planned: build-images prints the digest to pin"),
        ),
        (format!("  digest: \"{PLANNED}\""), format!("  digest: \"{PUSHED}\"")),
        (format!("  digest: '{PLANNED}'   # 'single' \"quoted\""), format!("  digest: '{PUSHED}'   # 'single' \"quoted\"")),
        (
            format!("  # pinned by build-images: do not edit by hand\n  digest:   {PLANNED}"),
            format!("  # pinned by build-images: do not edit by hand\n  digest:   {PUSHED}"),
        ),
    ];
    for (before, after) in cases {
        let r = registry();
        write(r.path(), "manifests/acme/0.1.0.yaml", &acme_with(&before));
        bin().current_dir(r.path()).args(["pin", "acme@0.1.0", PUSHED]).assert().success().stdout(format!(
            "pinned acme@0.1.0: manifests/acme/0.1.0.yaml:{}: image.digest {PLANNED} -> {PUSHED}\n",
            12 + before.matches('\n').count()
        ));
        assert_eq!(String::from_utf8(manifest_bytes(r.path())).unwrap(), acme_with(&after), "{before}");
        // Pinning the same digest again writes nothing.
        bin().current_dir(r.path()).args(["pin", "acme@0.1.0", PUSHED]).assert().success().stdout(contains("already; nothing to do"));
        assert_eq!(String::from_utf8(manifest_bytes(r.path())).unwrap(), acme_with(&after));
    }
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_stay() {
    let r = registry();
    let crlf = acme_with(&format!("  digest: {PLANNED}")).replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(crlf.as_bytes());
    fs::write(r.path().join("manifests/acme/0.1.0.yaml"), &bytes).unwrap();
    bin().current_dir(r.path()).args(["pin", "acme@0.1.0", PUSHED]).assert().success();
    let mut want = b"\xEF\xBB\xBF".to_vec();
    want.extend_from_slice(crlf.replace(PLANNED, PUSHED).as_bytes());
    assert_eq!(manifest_bytes(r.path()), want);
}

#[test]
fn malformed_digests_and_references_are_refused_before_anything_is_written() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &acme_with(&format!("  digest: {PLANNED}")));
    let before = manifest_bytes(r.path());
    for digest in ["sha256:ABCD", &PUSHED.to_uppercase(), &format!("{PUSHED}0"), "5e9d0c3b", "sha512:00", PLANNED] {
        bin().current_dir(r.path()).args(["pin", "acme@0.1.0", digest]).assert().code(2).stdout("").stderr(
            contains("is not an image digest: write sha256: and the 64 lowercase hex digits")
                .or(contains("that is the planned placeholder, not an image digest")),
        );
    }
    for reference in ["acme", "acme@1", "Acme@0.1.0", "acme@0.1.0@x"] {
        bin().current_dir(r.path()).args(["pin", reference, PUSHED]).assert().code(2).stderr(contains("is not NAME@VERSION"));
    }
    bin()
        .current_dir(r.path())
        .args(["pin", "acme@0.2.0", PUSHED])
        .assert()
        .code(2)
        .stderr(contains("there is no manifests/acme/0.2.0.yaml"));
    assert_eq!(manifest_bytes(r.path()), before);
    let outside = tempfile::tempdir().unwrap();
    bin()
        .current_dir(outside.path())
        .args(["pin", "acme@0.1.0", PUSHED])
        .assert()
        .code(2)
        .stderr(contains("not inside a registry checkout"));
}

#[test]
fn a_real_digest_is_replaced_only_with_repin_and_says_what_that_means() {
    let r = registry();
    let before = manifest_bytes(r.path());
    bin().current_dir(r.path()).args(["pin", "acme@0.1.0", PUSHED]).assert().code(2).stdout("").stderr(
        contains(format!("manifests/acme/0.1.0.yaml already pins {OTHER}; replacing a real digest needs --repin"))
            .and(contains("The runtime hash leaves the digest out, so no gateway asks its users to consent again"))
            .and(contains("the review gate refuses the change (published-digest-changed): publish a new version instead")),
    );
    assert_eq!(manifest_bytes(r.path()), before);
    bin()
        .current_dir(r.path())
        .args(["pin", "acme@0.1.0", PUSHED, "--repin"])
        .assert()
        .success()
        .stdout(format!("re-pinned acme@0.1.0: manifests/acme/0.1.0.yaml:12: image.digest {OTHER} -> {PUSHED}\n"))
        .stderr(contains("warning: re-pinned a real digest").and(contains("publish a new version instead")));
    assert_eq!(String::from_utf8(manifest_bytes(r.path())).unwrap(), common::manifest("acme", "0.1.0").replace(OTHER, PUSHED));
}

#[test]
fn a_pin_the_catalogs_lint_refuses_is_undone() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &acme_with(&format!("  digest: {PLANNED}")));
    let beta = common::manifest("beta", "0.1.0").replace("builder: toolpack", "builder: go-static").replace(OTHER, PUSHED);
    write(r.path(), "manifests/beta/0.1.0.yaml", &beta);
    let before = manifest_bytes(r.path());
    bin().current_dir(r.path()).args(["pin", "acme@0.1.0", PUSHED]).assert().code(1).stdout("").stderr(
        contains(format!(
            "error: with {PUSHED} pinned the manifests fail lint (below), so manifests/acme/0.1.0.yaml was written back as it was"
        ))
        .and(contains("error[image-digest-duplicate]")),
    );
    assert_eq!(manifest_bytes(r.path()), before);
}

#[test]
fn a_link_in_place_of_the_manifest_is_never_followed() {
    let r = registry();
    let outside = r.path().join("outside.yaml");
    fs::write(&outside, acme_with(&format!("  digest: {PLANNED}"))).unwrap();
    fs::remove_file(r.path().join("manifests/acme/0.1.0.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, r.path().join("manifests/acme/0.1.0.yaml")).unwrap();
    bin().current_dir(r.path()).args(["pin", "acme@0.1.0", PUSHED]).assert().code(1).stderr(contains("error[file-symlink]"));
    assert!(fs::read_to_string(&outside).unwrap().contains(PLANNED));
}

#[test]
fn forms_the_edit_cannot_keep_are_refused() {
    let r = registry();
    write(r.path(), "manifests/acme/0.1.0.yaml", &acme_with(&format!("  digest: |\n    {PLANNED}")));
    let before = manifest_bytes(r.path());
    bin()
        .current_dir(r.path())
        .args(["pin", "acme@0.1.0", PUSHED])
        .assert()
        .code(2)
        .stderr(contains("manifests/acme/0.1.0.yaml: image.digest is a block scalar; write it as `digest: sha256:…`"));
    assert_eq!(manifest_bytes(r.path()), before);
}
