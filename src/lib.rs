// SPDX-License-Identifier: Apache-2.0
//! registryctl: the validator, indexer and signer of a signed catalog of MCP servers.
//!
//! The crate is a library first; the `registryctl` binary parses arguments, calls it, and
//! renders. Nothing in the library prints, exits or depends on clap.
//!
//! | module | what it holds |
//! |---|---|
//! | [`schema`] | the validator: manifest and toolspec types, their strict reading from YAML, closed sets, patterns, every rule by subject (`schema::rules`), the registry's `policy/registry.yaml` (`schema::repository`) and `catalog/sources.tsv` (`schema::sources`); text in, typed value and findings out |
//! | [`registry`] | the pipeline over a checkout: [`registry::Registry::open`] (or `for_target`, which finds the checkout a path is in), then `lint`, `lint_toolspecs`, `check`, `build_index`, `catalog` |
//! | [`diag`] | the rule table ([`diag::Rule`]), [`diag::Diagnostic`] and [`diag::Report`] |
//! | [`diff`] | the review gate: two parsed trees in, every server's added, removed and changed versions out, each change classified (widens, narrows, neutral, presentation), and the published-version rules |
//! | [`render`] | one type per output format (human, github, json, sarif) behind [`render::Render`] |
//! | [`index`] | the index, its Go-exact JSON bytes, hashes, refs, the latest-version rule, and [`index::validate_bytes`] |
//! | [`output`] | what `hash`, `resolve`, `verify` and `build-args` print with `--format json` (schemas in `schemas/`) |
//! | [`sign`] | Ed25519 keys, their ids, and signatures |
//! | [`trust`] | the verification policy a gateway or mirror applies: [`trust::verify_index`] (signature under any trusted key, expiry, maximum age, rollback, mix-and-match, removals) and the `serial`/`expires` stamp |
//! | [`catalog`] | CATALOG.md and the name-list file format |
//! | [`fs`] | all file-system access: finding a path's checkout, reads and writes inside it with no link on the way, walking, `--out` writes |
//! | [`yaml`] | the strict YAML tree with positions |
//! | [`field`], [`span`] | where a finding is: a typed field path, and byte/line/column positions |
//! | [`error`] | the one error type; exit codes are derived from it |
//!
//! Where new work goes: a new rule is a function in the `schema::rules` file of its subject
//! (tests beside it) plus an entry in its section of the table in `diag.rs`; a new closed set
//! is a `closed_set!` in `schema/closed.rs`; a new pipeline step is a [`registry::Registry`]
//! method; a new output format is a file in `render/`; a new subcommand is a file in the
//! binary's `src/cmd/` that calls one library function.
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr, clippy::too_many_lines)]

pub mod catalog;
pub mod diag;
pub mod diff;
pub mod error;
pub mod field;
pub mod fs;
pub mod index;
pub mod output;
pub mod registry;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod sign;
pub mod span;
pub mod trust;
pub mod yaml;

pub use error::{Error, Rejected, Result};
