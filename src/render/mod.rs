// SPDX-License-Identifier: Apache-2.0
//! Rendering a report, once, at the edge: one type per output format behind one small trait.
//! A `registryctl diff` has its own formats, in [`diff`].
//!
//! A new format is a new file here with a type implementing [`Render`], a variant of [`Format`],
//! and an arm in [`renderer`].

pub mod diff;
pub mod escape;
mod github;
mod human;
mod json;
pub mod markdown;
mod sarif;
pub mod trust;

pub use github::step_summary;

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Report};

/// The output formats `--format` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Source excerpts with a caret under each problem (colour on a terminal).
    Human,
    /// `::error file=…,line=…` workflow commands, for pull-request annotations.
    Github,
    /// One JSON object: the diagnostics, and the suppressed warnings with their reasons.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

impl Format {
    /// Every format, in the order help lists them.
    pub const ALL: &'static [Format] = &[Format::Human, Format::Github, Format::Json, Format::Sarif];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Github => "github",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }

    /// One line on what the format is, for help text.
    pub fn help(self) -> &'static str {
        match self {
            Format::Human => "Source excerpts with a caret under each problem (colour on a terminal)",
            Format::Github => "`::error file=…,line=…` workflow commands, for pull-request annotations",
            Format::Json => "One JSON object: `diagnostics`, and `suppressed` warnings with their reasons",
            Format::Sarif => "SARIF 2.1.0, for code-scanning upload",
        }
    }

    /// Whether the format is a document a program reads, printed even when there are no findings.
    pub fn is_document(self) -> bool {
        matches!(self, Format::Json | Format::Sarif)
    }
}

/// One output format: fed each diagnostic of a report in order, then asked for the bytes.
pub trait Render<'r> {
    /// Takes one diagnostic.
    fn report(&mut self, d: &'r Diagnostic);
    /// The rendered output.
    fn finish(self: Box<Self>) -> Vec<u8>;
}

/// How to render, beyond the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Colour (the human format, on a terminal).
    pub color: bool,
    /// The github format annotates findings in these files only (the files a pull request
    /// changes); the others are printed as plain lines.
    pub annotate_only: Option<&'a BTreeSet<String>>,
}

/// The renderer for a format; `sources` (file name to text) feed excerpts.
pub fn renderer<'r>(format: Format, report: &'r Report, color: bool) -> Box<dyn Render<'r> + 'r> {
    renderer_with(format, report, &Options { color, annotate_only: None })
}

/// [`renderer`] with every option.
pub fn renderer_with<'r>(format: Format, report: &'r Report, options: &Options<'r>) -> Box<dyn Render<'r> + 'r> {
    match format {
        Format::Human => Box::new(human::Human::new(&report.sources, options.color)),
        Format::Github => Box::new(github::Github::new(options.annotate_only)),
        Format::Json => Box::new(json::Json::new(&report.suppressed)),
        Format::Sarif => Box::new(sarif::Sarif::new(&report.suppressed)),
    }
}

/// Renders every diagnostic of a report in one format.
pub fn render_report(format: Format, report: &Report, color: bool) -> Vec<u8> {
    render_report_with(format, report, &Options { color, annotate_only: None })
}

/// [`render_report`] with every option.
pub fn render_report_with<'r>(format: Format, report: &'r Report, options: &Options<'r>) -> Vec<u8> {
    let mut r = renderer_with(format, report, options);
    for d in &report.diagnostics {
        r.report(d);
    }
    r.finish()
}
