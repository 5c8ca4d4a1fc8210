// SPDX-License-Identifier: Apache-2.0
//! `registryctl explain`: one rule's documentation, the same text as docs/rules.md.

use registryctl::diag::{rules_markdown, Rule};
use registryctl::{Error, Result};

use super::out;

/// Explain a rule id: what it rejects, why, and a failing and a passing example.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl explain egress-wildcard-public-suffix\n  registryctl explain --all > docs/rules.md")]
pub struct Args {
    /// The rule id, as printed in brackets by lint (case and `_` for `-` do not matter).
    #[arg(required_unless_present = "all")]
    pub rule: Option<String>,
    /// Print every rule as Markdown (docs/rules.md).
    #[arg(long)]
    pub all: bool,
}

pub fn run(a: &Args) -> Result<()> {
    if a.all {
        return out(&rules_markdown());
    }
    let id = a.rule.as_deref().unwrap_or_default();
    let rule = Rule::lookup(id).ok_or_else(|| {
        let near: Vec<String> = Rule::closest(id).iter().map(|r| format!("`{}`", r.id())).collect();
        let hint = match near.as_slice() {
            [] => String::new(),
            [one] => format!("; did you mean {one}?"),
            [rest @ .., last] => format!("; did you mean {} or {last}?", rest.join(", ")),
        };
        Error::Usage(format!("no rule `{id}`{hint} (`registryctl explain --all` documents every rule)"))
    })?;
    out(&rule.info().markdown())
}
