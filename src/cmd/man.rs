// SPDX-License-Identifier: Apache-2.0
//! `registryctl man`: manual pages from the same clap definitions as `--help`: registryctl(1)
//! and one registryctl-<subcommand>(1) per subcommand, each with its examples, EXIT STATUS,
//! ENVIRONMENT and a SEE ALSO that names only pages written alongside it.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use registryctl::fs::{self, Overwrite};
use registryctl::{Error, Result};

use super::{out, Cli};

/// Print the man page (roff), or write every page into a directory.
///
/// With --out-dir, writes registryctl.1 and registryctl-<subcommand>.1 for each subcommand,
/// ready for `man -M` or a man1/ directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl man > registryctl.1 && man ./registryctl.1\n  registryctl man --out-dir man/man1")]
pub struct ManArgs {
    /// Write registryctl.1 and registryctl-<subcommand>.1 into this directory.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Subcommands that lint and print findings (`--format`, colour, the step summary).
const LINTING: &[&str] = &["lint", "lint-toolspecs", "check", "build-index", "build-args", "hash", "catalog"];
/// Subcommands that parse the catalog in parallel.
const PARALLEL: &[&str] = &["lint", "lint-toolspecs", "check", "build-index", "build-args", "hash", "catalog"];

/// Each environment variable, the subcommands it affects (empty: the whole program), and what
/// it does.
const ENVIRONMENT: &[(&str, &[&str], &str)] = &[
    ("NO_COLOR", LINTING, "When set, human output has no colour (it has none when not on a terminal either)."),
    ("RAYON_NUM_THREADS", PARALLEL, "Worker threads for parsing and validation, like --threads; output is the same for any count."),
    ("GITHUB_STEP_SUMMARY", LINTING, "With --format github, the full list of findings is appended to this file as Markdown."),
    ("SOURCE_DATE_EPOCH", &["build-index"], "Seconds since 1970; fixes the index's generated timestamp for reproducible bytes."),
    (
        "GIG_INDEX_SIGNING_KEY",
        &["sign"],
        "The signing key, 128 hex characters (the repository secret's name); read when --key-file is not given.",
    ),
    (
        "GIG_SIGNING_KEY",
        &["sign"],
        "The signing key under the name the publish workflow passes it as; when both are set they must hold the same key.",
    ),
    (
        "GIG_INDEX_SIGNING_KEY_NEXT",
        &["sign"],
        "During a key rotation, the next signing key, for --next; read when --next-key-file is not given.",
    ),
    (
        "GIG_SIGNING_KEY_NEXT",
        &["sign"],
        "The next signing key under the name the publish workflow passes it as; when both are set they must hold the same key.",
    ),
    (
        "REGISTRYCTL_COMPLETE",
        &["completions"],
        "Set by the completion script when the shell asks registryctl for candidates; not for interactive use.",
    ),
];

/// The pages each subcommand's SEE ALSO names besides registryctl(1), when they exist.
const RELATED: &[(&str, &[&str])] = &[
    ("lint", &["check", "lint-toolspecs", "explain"]),
    ("lint-toolspecs", &["lint", "check", "explain"]),
    ("check", &["lint", "lint-toolspecs", "catalog", "diff", "explain"]),
    ("build-index", &["check", "sign", "verify", "resolve"]),
    ("sign", &["keygen", "verify", "build-index"]),
    ("verify", &["sign", "keygen"]),
    ("keygen", &["sign", "verify"]),
    ("build-args", &["lint", "hash"]),
    ("hash", &["lint", "build-args"]),
    ("resolve", &["build-index", "hash"]),
    ("explain", &["check"]),
    ("schema", &["check"]),
    ("catalog", &["check"]),
    ("diff", &["check", "hash", "explain"]),
    ("new", &["lint", "check"]),
    ("completions", &["man"]),
    ("man", &["completions"]),
];

/// Every page: its file name and roff text, registryctl.1 first.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let subs: Vec<&str> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).map(|s| s.get_name()).collect();
    let mut pages = vec![("registryctl.1".to_string(), page(&cmd, None, &subs)?)];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push((format!("registryctl-{}.1", sub.get_name()), page(sub, Some(sub.get_name()), &subs)?));
    }
    Ok(pages)
}

/// One page: clap_mangen's sections, then ours.
fn page(cmd: &clap::Command, sub: Option<&str>, subs: &[&str]) -> Result<Vec<u8>> {
    let title = sub.map_or_else(|| "registryctl".to_string(), |s| format!("registryctl-{s}"));
    let man = Man::new(cmd.clone()).title(title);
    let mut buf = Vec::new();
    let err = |e: std::io::Error| Error::Usage(format!("cannot render the man page: {e}"));
    man.render_title(&mut buf).map_err(err)?;
    man.render_name_section(&mut buf).map_err(err)?;
    man.render_synopsis_section(&mut buf).map_err(err)?;
    man.render_description_section(&mut buf).map_err(err)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf).map_err(err)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf).map_err(err)?;
    }
    let mut roff = Roff::default();
    if let Some(help) = cmd.get_after_help() {
        roff.control("SH", ["EXAMPLES"]).control("nf", []);
        let help = help.to_string();
        for line in help.lines().filter(|l| !l.trim().is_empty() && !matches!(*l, "Examples:" | "Example:")) {
            roff.text([roman(line.to_string())]);
        }
        roff.control("fi", []);
    }
    exit_status(&mut roff);
    environment(&mut roff, sub);
    see_also(&mut roff, sub, subs);
    roff.to_writer(&mut buf).map_err(err)?;
    man.render_version_section(&mut buf).map_err(err)?;
    Ok(buf)
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in [
        ("0", "Success."),
        ("1", "The input failed a check: findings (errors, or warnings with --deny-warnings), a signature that does not verify, a ref that does not resolve."),
        ("2", "A usage or I/O error: a bad argument or key, a file that cannot be read or written."),
    ] {
        roff.control("TP", []).text([bold(code)]).text([roman(what)]);
    }
}

fn environment(roff: &mut Roff, sub: Option<&str>) {
    roff.control("SH", ["ENVIRONMENT"]);
    let applies = |subs: &[&str]| sub.is_none_or(|s| subs.contains(&s));
    let mut any = false;
    for (name, _, what) in ENVIRONMENT.iter().filter(|(_, subs, _)| applies(subs)) {
        roff.control("TP", []).text([bold(*name)]).text([roman(*what)]);
        any = true;
    }
    if !any {
        roff.text([roman("No environment variable changes what this command does.")]);
    }
}

fn see_also(roff: &mut Roff, sub: Option<&str>, subs: &[&str]) {
    let names: Vec<String> = match sub {
        None => subs.iter().map(|s| format!("registryctl-{s}")).collect(),
        Some(s) => {
            let related = RELATED.iter().find(|(name, _)| *name == s).map_or(&[][..], |(_, r)| *r);
            std::iter::once("registryctl".to_string())
                .chain(related.iter().filter(|r| subs.contains(r)).map(|r| format!("registryctl-{r}")))
                .collect()
        }
    };
    roff.control("SH", ["SEE ALSO"]);
    let text: Vec<String> = names.iter().map(|n| format!("{n}(1)")).collect();
    roff.text([roman(text.join(", "))]);
}

pub fn run_man(a: &ManArgs) -> Result<()> {
    let pages = pages()?;
    let Some(dir) = &a.out_dir else {
        return out(&String::from_utf8_lossy(&pages[0].1));
    };
    fs::write::create_dir_all(dir)?;
    for (name, text) in &pages {
        let path = dir.join(name);
        fs::write_atomic(&path, text, None, Overwrite::Replace)?;
        out(&format!("wrote {}\n", super::shown(&path.display().to_string())))?;
    }
    Ok(())
}
