// SPDX-License-Identifier: Apache-2.0
//! The subcommands: one file each, owning its clap `Args` and a `run` that parses, calls one
//! library function and renders. This module holds the command enum, the one `match`, the
//! exit-code policy, the options several subcommands share, and all writing to stdout/stderr.
//!
//! Exit codes: 0 success, 1 the input failed a check (findings, bad signature), 2 usage or I/O
//! error; decided in [`exit_code`] from the library's error. Results go to stdout, diagnostics
//! and notes to stderr. A closed pipe on either is the end of that output, never an error and
//! never a panic: every write to stdout goes through [`out`], every write to stderr through
//! [`err_bytes`], and nothing uses `println!` or `eprintln!`.

pub mod build_args;
pub mod build_index;
pub mod catalog;
pub mod check;
pub mod complete;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod hash;
pub mod json_schema;
pub mod keygen;
pub mod lint;
pub mod lint_toolspecs;
pub mod man;
pub mod new;
pub mod pin;
pub mod resolve;
pub mod sign;
pub mod verify;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use registryctl::diag::Report;
use registryctl::registry::{DenylistChoice, Options};
use registryctl::render::{self, escape, Format};
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
    /// Worker threads for parsing and validation, 1 to 256 (default: one per core; RAYON_NUM_THREADS also works).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
    pub threads: Option<u16>,
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
    Diff(diff::Args),
    New(new::Args),
    Pin(pin::Args),
    Completions(completions::Args),
    Man(man::ManArgs),
}

/// The most worker threads `--threads` or `RAYON_NUM_THREADS` may ask for: far more than any
/// machine this runs on has cores, and few enough that a typo cannot stall the process spawning
/// threads.
pub const MAX_THREADS: u16 = 256;

/// The worker count: `--threads`, else `RAYON_NUM_THREADS` (which the pool would read itself,
/// unchecked), else `None` for one per core. A count outside 1 to [`MAX_THREADS`] is a usage
/// error (`RAYON_NUM_THREADS=0` means one per core, as the pool reads it).
pub fn threads(flag: Option<u16>) -> Result<Option<usize>> {
    if let Some(n) = flag {
        return Ok(Some(usize::from(n)));
    }
    let Some(v) = std::env::var_os("RAYON_NUM_THREADS") else { return Ok(None) };
    let v = v.to_string_lossy();
    match v.trim().parse::<u16>() {
        Ok(0) => Ok(None),
        Ok(n) if n <= MAX_THREADS => Ok(Some(usize::from(n))),
        _ => {
            Err(Error::Usage(format!("RAYON_NUM_THREADS `{v}` is not a number of threads from 1 to {MAX_THREADS} (or 0 for one per core)")))
        }
    }
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
        Command::Diff(a) => diff::run(&a),
        Command::New(a) => new::run(&a),
        Command::Pin(a) => pin::run(&a),
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

/// Writes to stdout. A reader that went away (`| head`, EPIPE) ends the output and is not an
/// error: the run exits as it would have (0, or 1 for findings), as for `--out /dev/stdout` or a
/// FIFO. Any other failure to write (ENOSPC, EIO) is exit 2. A standard output on `/dev/null`
/// discards the output, also one opened read-write (see
/// `registryctl::fs::write::stdout_may_be_closed`, which only `keygen` checks).
pub fn out(text: &str) -> Result<()> {
    out_bytes(text.as_bytes())
}

/// [`out`] for bytes.
pub fn out_bytes(bytes: &[u8]) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io(Path::new("stdout"), "cannot write", e)),
        _ => Ok(()),
    }
}

/// Set once stderr's reader has gone away: nothing more is written there.
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// The one writer to stderr. A closed pipe ends the output there; any other failure to write a
/// diagnostic cannot be reported anywhere, so it is dropped too. Never panics.
pub fn err_bytes(bytes: &[u8]) {
    if STDERR_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stderr = io::stderr().lock();
    if let Err(e) = stderr.write_all(bytes).and_then(|()| stderr.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            STDERR_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// Writes `error: …` to stderr, its control characters escaped.
pub fn error(message: &str) {
    err_bytes(format!("error: {}\n", escape::controls(message)).as_bytes());
}

/// Writes a line to stderr, its control characters escaped.
pub fn note(line: &str) {
    err_bytes(format!("{}\n", escape::controls(line)).as_bytes());
}

/// Reads a file the user named (see `registryctl::fs::read::read_input`); a finding about it
/// (a link or special file inside a registry, a file over the kind's limit) is rendered and
/// fails the run.
pub fn input(path: &Path, what: &'static str, kind: fs::Input) -> Result<Vec<u8>> {
    match fs::read_input(path, what, kind)? {
        Ok(bytes) => Ok(bytes),
        Err(finding) => {
            let shown = finding.file_name().to_string();
            reject_finding(finding, &OutputArgs::human())?;
            Err(Error::Usage(format!("{shown} cannot be read")))
        }
    }
}

/// [`input`] as UTF-8 text; a leading byte-order mark (as some editors save) is dropped.
pub fn input_text(path: &Path, what: &'static str, kind: fs::Input) -> Result<String> {
    registryctl::schema::decode_owned(input(path, what, kind)?)
        .map_err(|d| Error::Usage(format!("{}: {what}: not UTF-8 text ({})", path.display(), d.message)))
}

/// A path for a message on stdout, its control characters escaped.
pub fn shown(path: &str) -> String {
    escape::controls(path).into_owned()
}

/// A clap value parser for a library closed set, from its `ALL` and `as_str`.
pub fn closed_set<T: ClosedSet + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| v.as_str())).map(|s| T::from_wire(&s).expect("clap accepts only the set's values"))
}

/// The value parser for `--out`: `-` is standard output.
pub fn out_path_parser() -> impl TypedValueParser<Value = OutPath> {
    clap::builder::OsStringValueParser::new().map(OutPath::from)
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
    /// With --format github, annotate only findings in the files listed in FILE (one path per
    /// line, relative to the registry root, as `git diff --name-only` prints them); the others are
    /// printed as plain lines. Every finding still goes to $GITHUB_STEP_SUMMARY.
    #[arg(long, value_name = "FILE")]
    pub annotate_only: Option<PathBuf>,
}

impl OutputArgs {
    /// Human output, warnings allowed: for subcommands without output options.
    pub fn human() -> OutputArgs {
        OutputArgs { format: Format::Human, deny_warnings: false, annotate_only: None }
    }

    /// The files to annotate, when limited.
    fn annotated_files(&self) -> Result<Option<BTreeSet<String>>> {
        let Some(p) = &self.annotate_only else { return Ok(None) };
        let text = input_text(p, "cannot read the list of files to annotate", fs::Input::List)?;
        let names = text.lines().map(|l| l.trim().trim_start_matches("./")).filter(|l| !l.is_empty()).map(str::to_string);
        Ok(Some(names.collect()))
    }
}

/// Where every policy input comes from.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Take every policy input from this checkout instead of the checked one: the denylist,
    /// policy/exceptions.yaml, policy/registry.yaml, images/<builder>/Dockerfile and
    /// catalog/no-public-api.txt (in CI, the base branch's checkout, so a pull request is judged
    /// by the policy it would change). It must hold the denylist, policy/registry.yaml and images/
    /// when the checked registry has them, else exit 2.
    #[arg(long, value_name = "DIR")]
    pub policy_root: Option<PathBuf>,
}

impl PolicyArgs {
    /// The registry options these flags choose.
    pub fn options(&self) -> Result<Options> {
        if let Some(p) = &self.policy_root {
            if !fs::is_dir(p) {
                return Err(Error::Usage(format!("--policy-root {}: not a directory", p.display())));
            }
            // A mistyped path must not quietly judge with no policy at all.
            if !["manifests", "denylist", "policy", "images", "catalog"].iter().any(|d| fs::exists(&p.join(d))) {
                let msg = format!(
                    "--policy-root {}: not a registry checkout (no manifests/, denylist/, policy/, images/ or catalog/)",
                    p.display()
                );
                return Err(Error::Usage(msg));
            }
        }
        Ok(Options { policy_root: self.policy_root.clone(), ..Options::default() })
    }
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

/// Denylist and policy options shared by the subcommands that lint manifests.
#[derive(Debug, Clone, Args)]
pub struct DenylistArgs {
    /// Denylist of exfiltration domains (default: the policy root's denylist/exfil-domains.txt).
    #[arg(long, value_name = "FILE", conflicts_with = "no_denylist")]
    pub denylist: Option<PathBuf>,
    /// Check only the built-in reserved names, no denylist file.
    #[arg(long)]
    pub no_denylist: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

impl DenylistArgs {
    /// The registry options these flags choose.
    pub fn options(&self) -> Result<Options> {
        let denylist = match (&self.denylist, self.no_denylist) {
            (Some(p), _) => DenylistChoice::File(p.clone()),
            (None, true) => DenylistChoice::None,
            (None, false) => DenylistChoice::PolicyRoot,
        };
        Ok(Options { denylist, ..self.policy.options()? })
    }
}

/// An output file, or `-` for standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutPath {
    /// Standard output.
    Stdout,
    /// A file: see `registryctl::fs::write` for what is written where.
    File(PathBuf),
}

impl From<OsString> for OutPath {
    fn from(s: OsString) -> OutPath {
        if s == "-" {
            OutPath::Stdout
        } else {
            OutPath::File(PathBuf::from(s))
        }
    }
}

impl OutPath {
    /// How messages name it.
    pub fn shown(&self) -> String {
        match self {
            OutPath::Stdout => "standard output".into(),
            OutPath::File(p) => shown(&p.display().to_string()),
        }
    }

    /// Writes a public artifact here.
    pub fn write(&self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        match self {
            OutPath::Stdout => {
                let mut buf = Vec::new();
                write(&mut buf).map_err(|e| Error::io(Path::new("stdout"), "cannot write", e))?;
                out_bytes(&buf)
            }
            OutPath::File(p) => fs::write_atomic_with(p, None, fs::Overwrite::Replace, write),
        }
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
    let annotate_only = output.annotated_files()?;
    if !report.diagnostics.is_empty() || output.format.is_document() {
        let color = human && std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal();
        let options = render::Options { color, annotate_only: annotate_only.as_ref() };
        let bytes = render::render_report_with(output.format, &report, &options);
        if human {
            err_bytes(&bytes);
        } else {
            out_bytes(&bytes)?;
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
    if matches!(output.format, Format::Human | Format::Github) && !ok_line.is_empty() {
        out(&format!("{ok_line}\n"))?;
    }
    Ok(())
}

/// Renders one finding about a file the run could not use (a link, a special file) and fails.
pub fn reject_finding(finding: registryctl::diag::Diagnostic, output: &OutputArgs) -> Result<()> {
    render_report(Report::from_diagnostics(vec![finding]), output, &[], "")
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
