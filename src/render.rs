//! Rendering diagnostics, once, at the edge: human (rustc-style excerpts with a caret), GitHub
//! workflow annotations, JSON, and SARIF 2.1.0. Every format reads the same `Diagnostic` data.

use std::collections::HashMap;
use std::fmt::Write as _;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};
use serde_json::json;

use crate::load::Report;
use crate::schema::{Diagnostic, Rule, Severity};

/// Lines longer than this are not excerpted.
const MAX_EXCERPT_LINE: usize = 240;

/// The output formats `--format` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source excerpts with a caret under each problem (colour on a terminal).
    Human,
    /// `::error file=…,line=…` workflow commands, for pull-request annotations.
    Github,
    /// One JSON array of diagnostic objects.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// Renders every diagnostic of a report in one format.
pub fn render(format: Format, report: &Report, color: bool) -> Vec<u8> {
    match format {
        Format::Human => human(report, color),
        Format::Github => github(&report.diags).into_bytes(),
        Format::Json => {
            let mut v =
                serde_json::to_vec_pretty(&report.diags.iter().map(json_object).collect::<Vec<_>>()).expect("JSON values serialize");
            v.push(b'\n');
            v
        }
        Format::Sarif => {
            let mut v = serde_json::to_vec_pretty(&sarif(&report.diags)).expect("JSON values serialize");
            v.push(b'\n');
            v
        }
    }
}

/// `3 errors, 1 warning in 2 files`.
pub fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    format!("{}, {} in {}", plural(report.errors(), "error"), plural(report.warnings(), "warning"), plural(report.files(), "file"))
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

fn human(report: &Report, color: bool) -> Vec<u8> {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (name, text) in &report.sources {
        ids.insert(name, files.add(name.as_str(), text.as_str()));
    }
    let mut buf = if color { Buffer::ansi() } else { Buffer::no_color() };
    let config = term::Config::default();
    for d in &report.diags {
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut cs = base.with_code(d.rule.id()).with_message(&d.message);
        // An excerpt of a very long line would flood the terminal: name the position instead.
        let excerpt_fits = |text: &str| {
            let start = d.span.unwrap_or_default().start.offset.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..].find('\n').unwrap_or(text.len() - line_start) <= MAX_EXCERPT_LINE
        };
        match (ids.get(d.file.as_str()), d.span) {
            (Some(&id), Some(_)) if excerpt_fits(&report.sources[&d.file]) => {
                let text = &report.sources[&d.file];
                let label = if d.field.is_empty() { String::new() } else { format!("in `{}`", d.field) };
                cs = cs.with_labels(vec![Label::primary(id, label_range(text, d)).with_message(label)]);
            }
            (_, span) => {
                let file = match span {
                    Some(s) => format!("{}:{}:{}", d.file, s.start.line, s.start.column),
                    None => d.file.clone(),
                };
                let at = if d.field.is_empty() { file } else { format!("{file} (`{}`)", d.field) };
                cs = cs.with_notes(vec![format!("in {at}")]);
            }
        }
        cs = cs.with_notes(vec![format!("help: {}", d.help)]);
        // Rendering into memory fails only on a span outside its file, which label_range prevents.
        let _ = term::emit(&mut buf, &config, &files, &cs);
    }
    buf.into_inner()
}

/// Escapes workflow-command data (`%`, CR, LF) and, for properties, also `:` and `,`.
fn gh_escape(s: &str, property: bool) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let (end_line, end_col) = d.span.map_or((d.line(), d.column()), |s| (s.end.line, s.end.column));
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            gh_escape(&d.file, true),
            d.line(),
            d.column(),
            end_line.max(d.line()),
            end_col,
            gh_escape(d.rule.id(), true),
            gh_escape(&format!("{} (help: {})", d.message, d.help), false),
        );
    }
    out
}

/// The full list as Markdown, for `$GITHUB_STEP_SUMMARY` (annotations stop at ten per step).
pub fn step_summary(report: &Report) -> String {
    let mut out = format!("### registryctl: {}\n\n", summary(report));
    if report.diags.is_empty() {
        return out;
    }
    out.push_str("| severity | file | line | rule | field | message |\n|---|---|---:|---|---|---|\n");
    for d in &report.diags {
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} |",
            d.severity.as_str(),
            cell(&d.file),
            d.line(),
            d.rule.id(),
            cell(&d.field),
            cell(&d.message)
        );
    }
    out
}

fn json_object(d: &Diagnostic) -> serde_json::Value {
    let span = d.span.unwrap_or_default();
    json!({
        "rule": d.rule.id(),
        "severity": d.severity.as_str(),
        "file": d.file,
        "line": d.line(),
        "column": d.column(),
        "endLine": span.end.line.max(d.line()),
        "endColumn": if d.span.is_some() { span.end.column } else { d.column() },
        "field": d.field,
        "message": d.message,
        "help": d.help,
    })
}

fn sarif(diags: &[Diagnostic]) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = Rule::ALL
        .iter()
        .map(|r| {
            let i = r.info();
            json!({
                "id": i.id,
                "shortDescription": {"text": i.summary},
                "help": {"text": i.help},
                "defaultConfiguration": {"level": i.severity.as_str()},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let span = d.span.unwrap_or_default();
            json!({
                "ruleId": d.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule),
                "level": d.severity.as_str(),
                "message": {"text": format!("{} (help: {})", d.message, d.help)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.file.trim_start_matches("./")},
                        "region": {
                            "startLine": d.line(),
                            "startColumn": d.column(),
                            "endLine": span.end.line.max(d.line()),
                            "endColumn": if d.span.is_some() { span.end.column.max(1) } else { d.column() },
                        }
                    },
                    "logicalLocations": if d.field.is_empty() { json!([]) } else { json!([{"fullyQualifiedName": d.field}]) },
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "registryctl",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gigmcp/registry/blob/main/docs/rules.md",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
