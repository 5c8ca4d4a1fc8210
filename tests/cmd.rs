// SPDX-License-Identifier: Apache-2.0
//! CLI cases as data: each `tests/cmd/<case>.toml` runs the real binary once, and its
//! `<case>.stdout` / `<case>.stderr` hold the exact expected output (exit code in the toml).
//! Cases that run in a registry set `fs.cwd = "registry"` (tests/cmd/registry/, one clean server).
//!
//! Add a case by writing its `.toml`, then `TRYCMD=overwrite cargo test --test cmd` writes the
//! output files for review.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().env("NO_COLOR", "1").case("tests/cmd/*.toml");
}
