// SPDX-License-Identifier: Apache-2.0
//! `--format human`: rustc-style excerpts with a caret under each problem, via
//! codespan-reporting; the position is named instead when there is no text or the line is long.

use std::collections::HashMap;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};

use super::escape::{controls, Excerpt};
use super::Render;
use crate::diag::{Diagnostic, Severity};

/// Lines longer than this are not excerpted.
const MAX_EXCERPT_LINE: usize = 240;

/// Renders into a buffer, colour or not. File names and excerpts are escaped
/// ([`super::escape`]) before codespan sees them; carets are mapped into the escaped text.
pub(super) struct Human<'r> {
    files: SimpleFiles<String, String>,
    ids: HashMap<&'r str, (usize, Excerpt)>,
    sources: &'r HashMap<String, String>,
    buf: Buffer,
    config: term::Config,
}

impl<'r> Human<'r> {
    pub(super) fn new(sources: &'r HashMap<String, String>, color: bool) -> Human<'r> {
        let mut files = SimpleFiles::new();
        let ids = sources
            .iter()
            .map(|(name, text)| {
                let excerpt = Excerpt::new(text);
                (name.as_str(), (files.add(controls(name).into_owned(), excerpt.text.clone()), excerpt))
            })
            .collect();
        let buf = if color { Buffer::ansi() } else { Buffer::no_color() };
        Human { files, ids, sources, buf, config: term::Config::default() }
    }
}

/// The byte range to underline: the span's first line only, at least one character wide.
fn label_range(text: &str, d: &Diagnostic) -> std::ops::Range<usize> {
    let span = d.span.unwrap_or_default();
    let start = span.start.offset.min(text.len());
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut end = span.end.offset.clamp(start, line_end);
    if end == start && start < line_end {
        end = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    start..end
}

/// Whether the line a diagnostic starts on is short enough to excerpt.
fn excerpt_fits(text: &str, d: &Diagnostic) -> bool {
    let start = d.span.unwrap_or_default().start.offset.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..].find('\n').unwrap_or(text.len() - line_start) <= MAX_EXCERPT_LINE
}

impl<'r> Render<'r> for Human<'r> {
    fn report(&mut self, d: &'r Diagnostic) {
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut cs = base.with_code(d.rule.id()).with_message(controls(&d.message));
        let file = d.file_name();
        let field = controls(&d.field.to_string()).into_owned();
        let excerpt = match (self.ids.get(file), self.sources.get(file), d.span) {
            (Some((id, escaped)), Some(text), Some(_)) if excerpt_fits(text, d) => Some((*id, escaped, text)),
            _ => None,
        };
        match excerpt {
            Some((id, escaped, text)) => {
                let label = if d.field.is_root() { String::new() } else { format!("in `{field}`") };
                let range = label_range(text, d);
                let range = escaped.offset(range.start)..escaped.offset(range.end);
                cs = cs.with_labels(vec![Label::primary(id, range).with_message(label)]);
            }
            None => {
                let file = controls(file);
                let at = match d.span {
                    Some(s) => format!("{file}:{}:{}", s.start.line, s.start.column),
                    None => file.into_owned(),
                };
                let at = if d.field.is_root() { at } else { format!("{at} (`{field}`)") };
                cs = cs.with_notes(vec![format!("in {at}")]);
            }
        }
        cs = cs.with_notes(vec![format!("help: {}", controls(&d.help))]);
        // Rendering into memory fails only on a span outside its file, which label_range prevents.
        let _ = term::emit(&mut self.buf, &self.config, &self.files, &cs);
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        self.buf.into_inner()
    }
}
