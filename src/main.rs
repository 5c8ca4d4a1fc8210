// SPDX-License-Identifier: Apache-2.0
//! registryctl: lint, index, sign and verify the signed catalog of MCP servers.
//!
//! `main` parses the command line once, sets the worker pool and hands over to `cmd::run`,
//! which owns the exit-code policy. Everything else is the library.
#![warn(clippy::too_many_lines)]

mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

// Parsing allocates a string per YAML scalar across threads; mimalloc is markedly faster at that
// than the system allocator (measured in bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A completion request from the shell (`registryctl completions`) is answered and exits here.
    clap_complete::CompleteEnv::with_factory(cmd::Cli::command).var(cmd::complete::VAR).complete();
    let cli = cmd::Cli::parse_from(cmd::long_flags_from_go(std::env::args_os()));
    match cmd::threads(cli.threads) {
        // Only fails when a pool already exists, which cannot happen this early.
        Ok(Some(n)) => drop(rayon::ThreadPoolBuilder::new().num_threads(n).build_global()),
        Ok(None) => {}
        Err(e) => {
            cmd::error(&e.to_string());
            return cmd::exit_code(&e);
        }
    }
    cmd::run(cli.command)
}
