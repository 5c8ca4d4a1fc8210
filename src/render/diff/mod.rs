// SPDX-License-Identifier: Apache-2.0
//! Rendering a [`Diff`]: plain text for a terminal, Markdown for a pull-request comment (and the
//! workflow's step summary), and JSON in the shape of `schemas/diff.schema.json`.

mod human;
mod markdown;

use serde_json::Value;

use crate::diff::{Change, Diff};

/// The output formats `registryctl diff --format` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// Plain text, server by server, widenings first.
    Human,
    /// A pull-request comment: one short section per server, widenings flagged, the rest folded.
    Markdown,
    /// The [`Diff`] itself (`schemas/diff.schema.json`).
    Json,
}

impl DiffFormat {
    /// Every format, in the order help lists them.
    pub const ALL: &'static [DiffFormat] = &[DiffFormat::Human, DiffFormat::Markdown, DiffFormat::Json];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffFormat::Human => "human",
            DiffFormat::Markdown => "markdown",
            DiffFormat::Json => "json",
        }
    }

    /// One line on what the format is, for help text.
    pub fn help(self) -> &'static str {
        match self {
            DiffFormat::Human => "Plain text, server by server, widenings first",
            DiffFormat::Markdown => "A pull-request comment: a short section per server, widenings flagged, details folded",
            DiffFormat::Json => "One JSON document in the shape of schemas/diff.schema.json",
        }
    }
}

/// The diff in one format. The human format is escaped as a whole ([`super::escape::lines`]):
/// every hidden character a name, value or message holds is printed as `\u{…}`; the Markdown
/// format escapes each value it writes ([`super::markdown`]).
pub fn render_diff(format: DiffFormat, diff: &Diff) -> String {
    match format {
        DiffFormat::Human => super::escape::lines(&human::render(diff)).into_owned(),
        DiffFormat::Markdown => markdown::render(diff),
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(diff).expect("a diff serializes");
            s.push('\n');
            s
        }
    }
}

/// A change's before and after, `None` where absent.
fn values(c: &Change) -> (Option<&Value>, Option<&Value>) {
    fn present(v: &Value) -> Option<&Value> {
        (!v.is_null()).then_some(v)
    }
    (present(&c.before), present(&c.after))
}

/// `1 thing`, `2 things`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else if let Some(stem) = word.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {word}s")
    }
}

/// The summary line both text formats start or end with.
fn summary_line(diff: &Diff) -> String {
    let s = &diff.summary;
    let mut parts = Vec::new();
    for (n, word) in [(s.servers_added, "added"), (s.servers_removed, "removed"), (s.servers_changed, "changed")] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let servers = if parts.is_empty() { "no server changed".to_string() } else { format!("servers: {}", parts.join(", ")) };
    format!("{servers}; {}; {}, {}", plural(s.widenings, "widening"), plural(s.errors, "error"), plural(s.warnings, "warning"))
}
