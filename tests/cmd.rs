// SPDX-License-Identifier: Apache-2.0
//! CLI cases as data: each `tests/cmd/<case>.toml` runs the real binary once, and its
//! `<case>.stdout` / `<case>.stderr` hold the exact expected output (exit code in the toml).
//! Cases that run in a registry set `fs.cwd = "registry"` (tests/cmd/registry/, one clean server).
//! `example-*` cases run the examples of `--help`, README.md and CONTRIBUTING.md as written:
//! read-only ones over the whole catalog in the repository itself (`fs.cwd = "../.."`, counts
//! and other catalog-dependent output elided with `[..]` and `...`: they hold for any valid
//! catalog), ones that name a server (asana) in a frozen copy of it (`fs.cwd = "example-asana"`),
//! so that the catalog may change freely, and writing ones in a sandboxed copy of a fixture
//! (`fs.sandbox = true`); tests/examples.rs checks that every example has one, run from the root
//! (or a copy standing for it), unless it says what it `# needs:`.
//!
//! Add a case by writing its `.toml`, then `TRYCMD=overwrite cargo test --test cmd` writes the
//! output files for review.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().env("NO_COLOR", "1").case("tests/cmd/*.toml");
}
