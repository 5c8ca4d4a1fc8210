// SPDX-License-Identifier: Apache-2.0
//! YAML syntax errors in plain words. The parser names the grammar rule it was in ("mapping
//! values are not allowed in this context"); a contributor needs the mistake and its fix: a
//! line indented too deep, a missing `: `, a tab, an unclosed quote or bracket. Each case looks
//! at the text around the parser's position and points at the character to change.

use crate::diag::{Diagnostic, Rule};
use crate::span::{Pos, Span};

/// The text as lines: each line's byte offset and its text without the line break.
struct Lines<'t> {
    text: &'t str,
    lines: Vec<(usize, &'t str)>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        let mut offset = 0;
        let lines = text
            .split_inclusive('\n')
            .map(|l| {
                let start = offset;
                offset += l.len();
                (start, l.trim_end_matches(['\n', '\r']))
            })
            .collect();
        Lines { text, lines }
    }

    /// Line `n` (1-based), or empty past the end.
    fn get(&self, n: usize) -> &'t str {
        n.checked_sub(1).and_then(|i| self.lines.get(i)).map_or("", |l| l.1)
    }

    /// The nearest line before `n` that holds more than blanks and a comment.
    fn content_before(&self, n: usize) -> Option<usize> {
        (1..n).rev().find(|&i| {
            let t = self.get(i).trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
    }

    /// The span of `len` bytes at byte `col` (0-based) of line `n`.
    fn span(&self, n: usize, col: usize, len: usize) -> Span {
        let start = n.checked_sub(1).and_then(|i| self.lines.get(i)).map_or(self.text.len(), |l| l.0) + col;
        let pos = |offset: usize| Pos::at_offset(self.text.as_bytes(), offset.min(self.text.len()));
        Span { start: pos(start), end: pos(start + len) }
    }
}

/// The byte index in `line` of 1-based character column `column` (the line's end past it).
fn byte_col(line: &str, column: usize) -> usize {
    line.char_indices().nth(column.saturating_sub(1)).map_or(line.len(), |(i, _)| i)
}

/// Leading spaces.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The byte column where a line's key starts: after the indentation and any `- ` markers.
fn key_column(line: &str) -> usize {
    let mut i = indent(line);
    while line[i..].starts_with("- ") {
        i += 2 + indent(&line[i + 2..]);
    }
    i
}

/// The key of a `key: value` or `key:` line, if it has one.
fn key_of(line: &str) -> Option<&str> {
    let rest = &line[key_column(line)..];
    let end = rest.find(": ").or_else(|| rest.strip_suffix(':').map(str::len))?;
    Some(&rest[..end]).filter(|k| !k.is_empty() && !k.starts_with(['"', '\'', '#']))
}

/// A plain-words finding for the parser's error `info` at `at` in `text`.
/// A tab is its own rule, `yaml-tab` (`text.rs` reports one wherever it is); here it is told
/// as the mistake that stopped the parser.
pub(super) fn explain(info: &str, at: Pos, text: &str) -> Diagnostic {
    let lines = Lines::new(text);
    if let Some((message, help, span)) = tab(&lines, at.line) {
        return Diagnostic::whole_file(Rule::YamlTab, message).with_span(span).with_help(help);
    }
    let (message, help, span) = specific(info, &lines, at)
        .unwrap_or_else(|| {
            let help = "check this line and the one above it: keys of one mapping start at the same column, every key is followed by `: `, quotes and brackets are closed, and indentation uses spaces";
            (format!("the YAML cannot be read here ({info})"), help.to_string(), Span::point(at))
        });
    Diagnostic::whole_file(Rule::YamlSyntax, message).with_span(span).with_help(help)
}

/// What one explanation says: the message, the help, and where.
type Explained = (String, String, Span);

/// A tab in the indentation of this line, the content line above it or the line below it (a
/// value the parser was still reading), or right after a `:`.
fn tab(lines: &Lines<'_>, line: usize) -> Option<Explained> {
    let candidates = [lines.content_before(line), Some(line), Some(line + 1)];
    for n in candidates.into_iter().flatten() {
        let text = lines.get(n);
        let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
        if let Some(col) = text[..lead].find('\t') {
            let msg = format!("a tab indents line {n}; YAML indents with spaces only");
            return Some((msg, "replace the tab with spaces (set your editor to insert spaces for Tab)".into(), lines.span(n, col, 1)));
        }
        if let Some(col) = text.find(":\t") {
            let msg = format!("a tab follows the `:` on line {n}; YAML needs a space there");
            return Some((msg, "write one space after the colon, not a tab".into(), lines.span(n, col + 1, 1)));
        }
    }
    None
}

/// The explanation for one kind of parser error, when the text shows which mistake it is.
fn specific(info: &str, lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    match info {
        "invalid trailing content after double-quoted scalar" => {
            let msg = "text follows the closing quote of this value".to_string();
            Some((msg, "put the whole value inside the quotes, or remove what follows the closing quote".into(), Span::point(at)))
        }
        "mapping values are not allowed in this context" => mapping_value(lines, at),
        "simple key expect ':'" | "could not find expected ':'" => missing_colon(lines, at),
        i if i.contains("quoted scalar") && !i.contains("escape") => unclosed_quote(lines, at),
        i if i.contains("flow sequence") || i.contains("flow mapping") || i.contains("':' indicator") || i == "misplaced bracket" => {
            unclosed_bracket(lines, at)
        }
        "while parsing a block collection, did not find expected '-' indicator"
        | "while parsing a block mapping, did not find expected key" => value_after_bracket(lines, at).or_else(|| misaligned(lines, at)),
        "while parsing node, found unknown anchor" => {
            let msg = "a value starting with `*` is read as a YAML alias".to_string();
            Some((msg, "quote the value, e.g. \"*.acme.com\"".into(), Span::point(at)))
        }
        i if i.starts_with("unexpected character") => {
            let line = lines.get(at.line);
            let c = line[byte_col(line, at.column)..].chars().next().unwrap_or('?');
            Some((format!("'{c}' cannot start an unquoted value"), "put the value in quotes".into(), Span::point(at)))
        }
        "block sequence entries are not allowed in this context" => {
            let msg = "a list item (`- `) where YAML does not expect one".to_string();
            let help = "start a list on the line after its key, each item as `- item` indented under the key";
            Some((msg, help.into(), Span::point(at)))
        }
        _ => None,
    }
}

/// `mapping values are not allowed`: a `key:` indented under a line that already has a value,
/// or a second `: ` inside an unquoted value.
fn mapping_value(lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    let line = lines.get(at.line);
    let col = byte_col(line, at.column);
    let start = key_column(line);
    if let Some(first) = line.get(start..col).and_then(|s| s.find(": ")).map(|i| start + i) {
        let (key, rest) = (&line[start..first], &line[first + 2..]);
        let value = rest.trim();
        let msg = format!("the value of `{key}` holds `: `, so YAML reads a second key inside it");
        let help = format!("put the whole value in quotes: {key}: \"{}\"", value.replace('"', "\\\""));
        // The span covers the value itself, after any blanks that follow the `: `.
        let lead = rest.len() - rest.trim_start().len();
        return Some((msg, help, lines.span(at.line, first + 2 + lead, value.len())));
    }
    let above = lines.content_before(at.line)?;
    let above_text = lines.get(above);
    let (key, parent) = (key_of(line)?, key_of(above_text)?);
    if start <= key_column(above_text) {
        return None;
    }
    let column = key_column(above_text) + 1;
    let msg = format!("`{key}:` is indented deeper than `{parent}:` on line {above}, so YAML reads it as part of that value");
    let help = format!("indent `{key}:` to column {column}, the same as `{parent}:`");
    Some((msg, help, lines.span(at.line, start, key.len() + 1)))
}

/// `simple key expect ':'`: the parser stops at the line after a key without its `: `.
fn missing_colon(lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    let n = if at.column > 1 && key_of(lines.get(at.line)).is_none() { at.line } else { lines.content_before(at.line)? };
    let line = lines.get(n);
    let start = key_column(line);
    let content = line[start..].split(" #").next().unwrap_or_default().trim_end();
    if key_of(line).is_some() || content.is_empty() {
        return None;
    }
    let span = lines.span(n, start, content.len());
    if let Some((key, value)) = content.split_once(':').filter(|(k, v)| !k.is_empty() && !v.starts_with(' ')) {
        let msg = format!("`{content}` on line {n} has no space after its `:`");
        return Some((msg, format!("write a space after the colon: `{key}: {value}`"), span));
    }
    let msg = format!("`{content}` on line {n} has no `:` after its key");
    let help = match content.split_once(' ') {
        Some((key, value)) => format!("write `key: value` with a colon and a space: `{key}: {value}`"),
        None => format!("write `key: value` with a colon and a space: `{content}: …`"),
    };
    Some((msg, help, span))
}

/// A quote opened at `at` (or earlier on its line) that is never closed.
fn unclosed_quote(lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    let line = lines.get(at.line);
    let col = byte_col(line, at.column);
    let open = if line[col..].starts_with(['"', '\'']) { col } else { line[..col].rfind(['"', '\''])? };
    let quote = &line[open..=open];
    let msg = format!("the {quote} opened on line {}, column {} is never closed", at.line, open + 1);
    let help = format!("end the value with a matching {quote} on the same line");
    Some((msg, help, lines.span(at.line, open, 1)))
}

/// A `[` or `{` left open before the parser's position.
fn unclosed_bracket(lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    let mut open: Vec<(usize, usize, char)> = Vec::new();
    for n in 1..=at.line {
        let line = lines.get(n);
        let end = if n == at.line { byte_col(line, at.column) } else { line.len() };
        let mut quote = None;
        for (i, c) in line[..end].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if i == 0 || line[..i].ends_with(' ') => break,
                (None, '[' | '{') => open.push((n, i, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    let (n, col, c) = open.pop()?;
    let close = if c == '[' { ']' } else { '}' };
    let msg = format!("the `{c}` on line {n}, column {} is not closed", col + 1);
    let help = format!("close it with `{close}` on the same line (items separated by `, `), or write the items on their own lines");
    Some((msg, help, lines.span(n, col, 1)))
}

/// A value that starts with a bracket or quote and goes on after it closes.
fn value_after_bracket(lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    let line = lines.get(at.line);
    let key = key_of(line)?;
    let value_at = key_column(line) + key.len() + 2;
    let value = line.get(value_at..)?.trim_end();
    let opener = value.chars().next().filter(|c| matches!(c, '[' | '{' | '"' | '\''))?;
    if byte_col(line, at.column) <= value_at {
        return None;
    }
    let msg = format!("the value of `{key}` starts with `{opener}`, so it must end where that closes");
    let help = format!("quote the whole value: {key}: \"{}\"", value.replace('"', "\\\""));
    Some((msg, help, lines.span(at.line, value_at, value.len())))
}

/// A line whose indentation does not fit the list or mapping above it.
fn misaligned(lines: &Lines<'_>, at: Pos) -> Option<Explained> {
    let line = lines.get(at.line);
    let here = indent(line);
    let span = lines.span(at.line, here, line.trim().len());
    // The nearest list item above, and the column of its `-`.
    let item = (1..at.line).rev().find(|&n| lines.get(n).trim_start().starts_with("- "));
    if let Some(n) = item {
        let item_text = lines.get(n);
        let dash = indent(item_text);
        if line.trim_start().starts_with("- ") && here != dash {
            let msg = format!(
                "the `-` on line {} is at column {}, but the list's item on line {n} starts at column {}",
                at.line,
                here + 1,
                dash + 1
            );
            return Some((msg, format!("start every `- ` item of one list at the same column ({})", dash + 1), span));
        }
        if let Some(key) = key_of(line).filter(|_| here == dash) {
            let fields = key_column(item_text) + 1;
            let msg = format!("`{key}:` lines up with the `-` of the list item on line {n}, not with that item's fields (column {fields})");
            let help = format!(
                "indent `{key}:` to column {fields} to make it a field of that item, or back to its parent key's column to end the list"
            );
            return Some((msg, help, span));
        }
    }
    let above = lines.content_before(at.line)?;
    let msg = format!("line {} is indented to column {}, which fits neither the mapping nor the list above it", at.line, here + 1);
    let help = format!(
        "keys of one mapping start at the same column, and the `-` items of one list too; line {above} starts at column {}",
        indent(lines.get(above)) + 1
    );
    Some((msg, help, span))
}

#[cfg(test)]
mod tests {
    use crate::diag::Rule;

    /// The one finding for `text`: its line, column, message and help.
    fn explained(text: &str) -> (usize, usize, String, String) {
        let mut out = Vec::new();
        assert!(crate::yaml::parse(text, &mut out).is_none(), "{text:?} parses");
        assert_eq!(out.len(), 1, "{out:?}");
        // A tab is told under its own rule, in the same plain words.
        assert_eq!(out[0].rule, if text.contains('\t') { Rule::YamlTab } else { Rule::YamlSyntax });
        (out[0].line(), out[0].column(), out[0].message.clone(), out[0].help.clone())
    }

    #[test]
    fn each_common_mistake_is_named_at_the_character_to_change() {
        let cases: &[(&str, (usize, usize), &str, &str)] = &[
            ("tools:\n  - name: a\n      default: true\n", (3, 7), "`default:` is indented deeper than `name:` on line 2", "column 5"),
            ("a: 1\ntier sealed\nb: 2\n", (2, 1), "`tier sealed` on line 2 has no `:` after its key", "`tier: sealed`"),
            ("a: 1\ntier:sealed\nb: 2\n", (2, 1), "no space after its `:`", "`tier: sealed`"),
            ("source:\n  repo: x\n\ttag: v1\n", (3, 1), "a tab indents line 3", "replace the tab with spaces"),
            ("tier:\tsealed\n", (1, 6), "a tab follows the `:`", "one space"),
            ("a: \"open\nb: 2\n", (1, 4), "the \" opened on line 1, column 4 is never closed", "matching \""),
            ("egress: [a.com\nb: 2\n", (1, 9), "the `[` on line 1, column 9 is not closed", "`]`"),
            ("d: Read: more\n", (1, 4), "the value of `d` holds `: `", "d: \"Read: more\""),
            ("d:   Read: é\n", (1, 6), "the value of `d` holds `: `", "d: \"Read: é\""),
            ("d: [x] y\n", (1, 4), "starts with `[`", "d: \"[x] y\""),
            ("e:\n  - *.acme.com\n", (2, 5), "read as a YAML alias", "quote"),
            ("t:\n  - a: 1\n  b: 2\n", (3, 3), "`b:` lines up with the `-` of the list item on line 2", "column 5"),
            ("t:\n  - a: 1\n   - b: 2\n", (3, 4), "the `-` on line 3 is at column 4", "same column (3)"),
        ];
        for (text, at, message, help) in cases {
            let (line, column, got_message, got_help) = explained(text);
            assert_eq!((line, column), *at, "{text:?}: {got_message}");
            assert!(got_message.contains(message), "{text:?}: {got_message}");
            assert!(got_help.contains(help), "{text:?}: {got_help}");
        }
    }

    #[test]
    fn other_errors_keep_the_parser_words_and_a_checklist() {
        let (_, _, message, help) = explained("a: !<x\n");
        assert!(message.starts_with("the YAML cannot be read here ("), "{message}");
        assert!(help.contains("indentation uses spaces"), "{help}");
    }
}
