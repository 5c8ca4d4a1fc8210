//! registryctl: the validator, indexer and signer of a signed catalog of MCP servers.
//!
//! [`schema`] holds every rule as plain functions over text and parsed values, with no I/O;
//! it is the library API other tools embed to validate exactly as the registry's CI does.
//! [`load`] reads a registry tree from disk and runs the schema over it in parallel, and
//! [`render`] turns diagnostics into human, GitHub, JSON or SARIF output.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod load;
pub mod render;
pub mod schema;
