//! The subcommands: one module each, one `run` each, and the exit-code policy in one place.
//!
//! Exit codes: 0 success, 1 the input failed a check (findings, bad signature), 2 usage or I/O
//! error. Results go to stdout, diagnostics and notes to stderr; a closed stdout pipe is not an
//! error.

pub mod build_args;
pub mod build_index;
pub mod catalog;
pub mod check;
pub mod completions;
pub mod explain;
pub mod hash;
pub mod keygen;
pub mod lint;
pub mod lint_toolspecs;
pub mod new;
pub mod resolve;
pub mod schema;
pub mod sign;
pub mod verify;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use registryctl::load::{DenylistChoice, LoadError, Report};
use registryctl::render::{self, Format};

/// Lint, index, sign and verify the signed catalog of MCP servers.
///
/// Every subcommand runs the same schema module the registry's CI runs.
#[derive(Debug, Parser)]
#[command(name = "registryctl", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Worker threads for parsing and validation (default: one per core; RAYON_NUM_THREADS also works).
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

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
    Schema(schema::Args),
    Catalog(catalog::Args),
    New(new::Args),
    Completions(completions::Args),
    Man(completions::ManArgs),
}

/// A failure that is not a finding: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{0}")]
    Usage(String),
}

pub type Result<T> = std::result::Result<T, Failure>;

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
        Command::Schema(a) => schema::run(&a),
        Command::Catalog(a) => catalog::run(&a),
        Command::New(a) => new::run(&a),
        Command::Completions(a) => completions::run(&a),
        Command::Man(a) => completions::run_man(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
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
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::Usage(format!("cannot write to stdout: {e}"))),
        _ => Ok(()),
    }
}

/// Output options every linting subcommand shares.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
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
    pub fn choice(&self) -> DenylistChoice {
        match (&self.denylist, self.no_denylist) {
            (Some(p), _) => DenylistChoice::File(p.clone()),
            (None, true) => DenylistChoice::None,
            (None, false) => DenylistChoice::Repository,
        }
    }
}

/// Prints a report in the chosen format and decides the exit code; `ok_line` goes to stdout
/// when nothing fails.
pub fn finish(report: &mut Report, output: &OutputArgs, notes: &[String], ok_line: &str) -> Result<ExitCode> {
    report.finish();
    let failing = report.errors() > 0 || output.deny_warnings && report.warnings() > 0;
    if output.format == Format::Human {
        for n in notes {
            eprintln!("note: {n}");
        }
    }
    if !report.diags.is_empty() || matches!(output.format, Format::Json | Format::Sarif) {
        let color = output.format == Format::Human && std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal();
        let bytes = render::render(output.format, report, color);
        match output.format {
            Format::Human => {
                let _ = io::stderr().lock().write_all(&bytes);
            }
            _ => out(&String::from_utf8_lossy(&bytes))?,
        }
    }
    if output.format == Format::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| LoadError::new(path.as_ref(), "cannot open the step summary", e))?;
            f.write_all(render::step_summary(report).as_bytes())
                .map_err(|e| LoadError::new(path.as_ref(), "cannot write the step summary", e))?;
        }
    }
    if failing {
        let denied = if report.errors() == 0 { " (warnings denied)" } else { "" };
        eprintln!("error: {}{denied}", render::summary(report));
        return Ok(ExitCode::from(1));
    }
    if report.warnings() > 0 && output.format == Format::Human {
        eprintln!("warning: {}", render::summary(report));
    }
    if matches!(output.format, Format::Human | Format::Github) {
        out(&format!("{ok_line}\n"))?;
    }
    Ok(ExitCode::SUCCESS)
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
}
