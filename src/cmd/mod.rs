// SPDX-License-Identifier: Apache-2.0
//! The subcommands: one file each, owning its clap `Args` and a `run` that parses, calls one
//! library function and renders. This module holds the command enum, the one `match`, the
//! exit-code policy, the options several subcommands share, and all writing to stdout/stderr.
//!
//! Exit codes: 0 success, 1 the input failed a check (findings, bad signature), 2 usage or I/O
//! error; decided in [`exit_code`] from the library's error. Results go to stdout, diagnostics
//! and notes to stderr; a closed stdout pipe is not an error.

pub mod build_args;
pub mod build_index;
pub mod catalog;
pub mod check;
pub mod complete;
pub mod completions;
pub mod explain;
pub mod hash;
pub mod json_schema;
pub mod keygen;
pub mod lint;
pub mod lint_toolspecs;
pub mod man;
pub mod new;
pub mod resolve;
pub mod sign;
pub mod verify;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use registryctl::diag::Report;
use registryctl::registry::{DenylistChoice, Options};
use registryctl::render::{self, Format};
use registryctl::schema::closed::ClosedSet;
use registryctl::{fs, Error, Rejected, Result};

/// Lint, index, sign and verify the signed catalog of MCP servers.
///
/// Every subcommand runs the same schema module the registry's CI runs.
#[derive(Debug, Parser)]
#[command(
    name = "registryctl",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = "Examples:\n  registryctl check\n  registryctl lint manifests/asana/0.1.0.yaml\n  registryctl explain egress-wildcard-public-suffix"
)]
pub struct Cli {
    /// Worker threads for parsing and validation (default: one per core; RAYON_NUM_THREADS also works).
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    Lint(lint::Args),
    LintToolspecs(lint_toolspecs::Args),
    Check(check::Args),
    BuildIndex(build_index::Args),
    Sign(sign::Args),
    Verify(verify::Args),
    Keygen(keygen::Args),
    BuildArgs(build_args::Args),
    Hash(hash::Args),
    Resolve(resolve::Args),
    Explain(explain::Args),
    Schema(json_schema::Args),
    Catalog(catalog::Args),
    New(new::Args),
    Completions(completions::Args),
    Man(man::ManArgs),
}

/// Runs one subcommand and turns its result into the process's exit code.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Lint(a) => lint::run(&a),
        Command::LintToolspecs(a) => lint_toolspecs::run(&a),
        Command::Check(a) => check::run(&a),
        Command::BuildIndex(a) => build_index::run(&a),
        Command::Sign(a) => sign::run(&a),
        Command::Verify(a) => verify::run(&a),
        Command::Keygen(a) => keygen::run(&a),
        Command::BuildArgs(a) => build_args::run(&a),
        Command::Hash(a) => hash::run(&a),
        Command::Resolve(a) => resolve::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Schema(a) => json_schema::run(&a),
        Command::Catalog(a) => catalog::run(&a),
        Command::New(a) => new::run(&a),
        Command::Completions(a) => completions::run(&a),
        Command::Man(a) => man::run_man(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            error(&e.to_string());
            exit_code(&e)
        }
    }
}

/// The exit-code policy: an input that failed a check is 1, anything else that went wrong is 2.
pub fn exit_code(e: &Error) -> ExitCode {
    match e {
        Error::Rejected(_) => ExitCode::from(1),
        Error::Io { .. } | Error::Usage(_) | Error::Key(_) | Error::Index(_) => ExitCode::from(2),
    }
}

/// The Go tool took single-dash long flags (`-denylist`, `-out`, ...); rewrite them to `--`.
pub fn long_flags_from_go(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    const GO_FLAGS: &[&str] = &["denylist", "out", "in", "sig", "pub", "manifests", "index", "include-planned", "key-file"];
    args.map(|a| match a.to_str() {
        Some(s) if s.starts_with('-') && !s.starts_with("--") && GO_FLAGS.contains(&s[1..].split('=').next().unwrap_or_default()) => {
            OsString::from(format!("-{s}"))
        }
        _ => a,
    })
    .collect()
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub fn out(text: &str) -> Result<()> {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io(Path::new("stdout"), "cannot write", e)),
        _ => Ok(()),
    }
}

/// Writes `error: …` to stderr.
pub fn error(message: &str) {
    eprintln!("error: {message}");
}

/// Writes a line to stderr.
pub fn note(line: &str) {
    eprintln!("{line}");
}

/// A clap value parser for a library closed set, from its `ALL` and `as_str`.
pub fn closed_set<T: ClosedSet + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| v.as_str())).map(|s| T::from_wire(&s).expect("clap accepts only the set's values"))
}

fn format_parser() -> impl TypedValueParser<Value = Format> {
    let values = Format::ALL.iter().map(|f| PossibleValue::new(f.as_str()).help(f.help()));
    PossibleValuesParser::new(values).map(|s| Format::ALL.iter().copied().find(|f| f.as_str() == s).expect("clap accepts only the formats"))
}

/// Output options every linting subcommand shares.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// How to print diagnostics.
    #[arg(long, value_parser = format_parser(), default_value = "human")]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How a command that prints one result (resolve, verify) prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResultFormat {
    /// Plain text, as the examples show.
    Human,
    /// One JSON object, in the shape of its schema under schemas/.
    Json,
}

/// The output option of resolve and verify.
#[derive(Debug, Clone, Args)]
pub struct ResultArgs {
    /// How to print the result.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ResultFormat,
}

/// Denylist options shared by lint, check and build-index.
#[derive(Debug, Clone, Args)]
pub struct DenylistArgs {
    /// Denylist of exfiltration domains (default: the registry's denylist/exfil-domains.txt).
    #[arg(long, value_name = "FILE", conflicts_with = "no_denylist")]
    pub denylist: Option<PathBuf>,
    /// Check only the built-in reserved names, no denylist file.
    #[arg(long)]
    pub no_denylist: bool,
}

impl DenylistArgs {
    /// The registry options these flags choose.
    pub fn options(&self) -> Options {
        let denylist = match (&self.denylist, self.no_denylist) {
            (Some(p), _) => DenylistChoice::File(p.clone()),
            (None, true) => DenylistChoice::None,
            (None, false) => DenylistChoice::PolicyRoot,
        };
        Options { denylist, ..Options::default() }
    }
}

/// Prints a report in the chosen format (notes first, on a terminal's format); fails with the
/// counts when the findings fail the run, else prints `ok_line` to stdout.
pub fn render_report(mut report: Report, output: &OutputArgs, notes: &[String], ok_line: &str) -> Result<()> {
    report.sort();
    let human = output.format == Format::Human;
    if human {
        for n in notes {
            note(&format!("note: {n}"));
        }
    }
    if !report.diagnostics.is_empty() || output.format.is_document() {
        let color = human && std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal();
        let bytes = render::render_report(output.format, &report, color);
        if human {
            let _ = io::stderr().lock().write_all(&bytes);
        } else {
            out(&String::from_utf8_lossy(&bytes))?;
        }
    }
    if output.format == Format::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
            fs::write::append(Path::new(&path), render::step_summary(&report).as_bytes())?;
        }
    }
    if report.fails(output.deny_warnings) {
        return Err(Rejected::Findings { counts: report.counts(), warnings_denied: report.errors() == 0 }.into());
    }
    if report.warnings() > 0 && human {
        note(&format!("warning: {}", report.counts()));
    } else if !report.suppressed.is_empty() && human {
        let n = report.suppressed.len();
        note(&format!(
            "note: {n} warning(s) accepted by reviewed `# registryctl: allow(...)` comments; `--format json` lists them with their reasons"
        ));
    }
    if matches!(output.format, Format::Human | Format::Github) {
        out(&format!("{ok_line}\n"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn go_single_dash_flags_are_rewritten() {
        let args = ["registryctl", "lint", "-denylist", "d.txt", "-out=x", "-h", "--in", "-x"].map(OsString::from);
        let got = long_flags_from_go(args.into_iter());
        assert_eq!(got, ["registryctl", "lint", "--denylist", "d.txt", "--out=x", "-h", "--in", "-x"].map(OsString::from));
    }

    #[test]
    fn findings_exit_1_and_other_failures_exit_2() {
        let findings = Error::from(Rejected::Findings { counts: Default::default(), warnings_denied: false });
        assert_eq!(exit_code(&findings), ExitCode::from(1));
        assert_eq!(exit_code(&Error::Usage("x".into())), ExitCode::from(2));
    }
}
