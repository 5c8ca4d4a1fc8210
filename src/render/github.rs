// SPDX-License-Identifier: Apache-2.0
//! `--format github`: workflow commands GitHub turns into pull-request annotations, and the
//! full list as Markdown for `$GITHUB_STEP_SUMMARY` (annotations stop at ten per step).
//!
//! With a list of the files a pull request changes, only findings in those files become inline
//! annotations; the others are printed as plain log lines, and all are in the step summary.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::escape::controls;
use super::markdown::{code, text};
use super::Render;
use crate::diag::{Diagnostic, Report, Severity};

/// Writes one `::error` or `::warning` line per diagnostic (or a plain line, for a file outside
/// `annotate_only`).
#[derive(Default)]
pub(super) struct Github<'r> {
    out: String,
    annotate_only: Option<&'r BTreeSet<String>>,
}

impl<'r> Github<'r> {
    pub(super) fn new(annotate_only: Option<&'r BTreeSet<String>>) -> Github<'r> {
        Github { out: String::new(), annotate_only }
    }
}

/// Escapes workflow-command data (control characters, then `%`, CR, LF) and, for properties,
/// also `:` and `,`.
fn escape(s: &str, property: bool) -> String {
    let s = controls(s).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

impl<'r> Render<'r> for Github<'r> {
    fn report(&mut self, d: &'r Diagnostic) {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.annotate_only.is_some_and(|files| !files.contains(d.file_name())) {
            let _ = writeln!(
                self.out,
                "{level}[{}]: {}:{}:{}: {} (help: {})",
                d.rule.id(),
                controls(d.file_name()),
                d.line(),
                d.column(),
                controls(&d.message),
                controls(&d.help)
            );
            return;
        }
        let (end_line, end_col) = d.end();
        let _ = writeln!(
            self.out,
            "::{level} file={},line={},col={},endLine={end_line},endColumn={end_col},title={}::{}",
            escape(d.file_name(), true),
            d.line(),
            d.column(),
            escape(d.rule.id(), true),
            escape(&format!("{} (help: {})", d.message, d.help), false),
        );
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        self.out.into_bytes()
    }
}

/// The full list as Markdown, for `$GITHUB_STEP_SUMMARY`: one list item per finding, its
/// file, rule and field as code spans and its message as escaped text ([`super::markdown`]),
/// so nothing a file holds becomes HTML, a link, an image or a mention.
pub fn step_summary(report: &Report) -> String {
    let mut out = format!("### registryctl: {}\n\n", report.counts());
    for d in &report.diagnostics {
        let field = if d.field.is_root() { String::new() } else { format!(" · {}", code(&d.field.to_string())) };
        let _ = writeln!(
            out,
            "- **{}** {} · {} line {}{field}: {}",
            d.severity.as_str(),
            code(d.rule.id()),
            code(d.file_name()),
            d.line(),
            text(&d.message)
        );
    }
    if !report.diagnostics.is_empty() {
        out.push('\n');
    }
    out
}
