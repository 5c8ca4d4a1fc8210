// SPDX-License-Identifier: Apache-2.0
//! Replays every saved fuzz input (tests/fuzz-regressions/<target>/) through the exact code the
//! fuzz target runs: fuzz/fuzz_targets/harness.rs, included here. No input may panic or break
//! an invariant the harness asserts, and every manifest or toolspec input must draw at least one
//! error-severity diagnostic (they are all invalid), unless its file name starts with `valid-`.
//!
//! To add a finding: `cargo fuzz tmin` it (see scripts/fuzz.sh), copy the minimized file into
//! tests/fuzz-regressions/<target>/ with a descriptive name.

#[path = "../fuzz/fuzz_targets/harness.rs"]
mod harness;

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use harness::Outcome;

/// Far above the fuzzer's 1 s (this runs unoptimized): only a hang or blow-up trips it.
const SLOW: Duration = Duration::from_secs(30);

fn replay(target: &str, run: fn(&[u8]) -> Outcome, invalid_means_error: bool) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());

    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let start = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(|| run(&data)));
        let took = start.elapsed();
        match result {
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("(non-string panic)");
                failures.push(format!("{target}/{name}: panicked: {msg}"));
            }
            Ok(outcome) => {
                if invalid_means_error && !name.starts_with("valid-") && outcome.errors == 0 {
                    failures.push(format!("{target}/{name}: invalid input produced no error diagnostic"));
                }
            }
        }
        if took > SLOW {
            failures.push(format!("{target}/{name}: took {took:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} inputs failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn manifest() {
    replay("manifest", harness::manifest, true);
}

#[test]
fn toolspec() {
    replay("toolspec", harness::toolspec, true);
}

#[test]
fn verify_index() {
    replay("verify_index", harness::verify_index, false);
}

#[test]
fn egress() {
    replay("egress", harness::egress, false);
}

#[test]
fn resolve() {
    replay("resolve", harness::resolve, false);
}

/// The fixtures the targets rely on are what they claim to be.
#[test]
fn fixtures_are_sound() {
    assert_eq!(harness::manifest(harness::PAIRED_MANIFEST.as_bytes()).errors, 0);
    assert!(!harness::conformance_index().servers.is_empty());
    harness::verify_index(harness::CONFORMANCE_INDEX);
    assert!(registryctl::index::validate_bytes(harness::CONFORMANCE_INDEX).is_ok(), "sign accepts the conformance index");
    harness::resolve(b"alpha@0.10.0");
    let paired = include_bytes!("../fuzz/seeds/yaml_differential/paired-toolspec.yaml");
    assert_eq!(harness::yaml_differential(paired).errors, 1, "the paired toolspec is accepted and read the same");
    assert_eq!(harness::yaml_differential(harness::PAIRED_MANIFEST.as_bytes()).errors, 1);
}

/// Inputs that registryctl once accepted while the Go side read them otherwise (each now
/// refused); replayed through the differential check, which panics on any difference.
#[test]
fn yaml_differential() {
    replay("yaml_differential", harness::yaml_differential, false);
}

/// Inputs on which the fast YAML scanner once read a tree other than saphyr-parser's; replayed
/// through the comparison of the two readers, which panics on any difference.
#[test]
fn yaml_fast() {
    replay("yaml_fast", harness::yaml_fast, false);
}
