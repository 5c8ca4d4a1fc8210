// SPDX-License-Identifier: Apache-2.0
//! The character-level rules, applied to the raw text before parsing: characters and lines
//! that YAML 1.1 readers (libyaml and go-yaml, which the gateway and the toolpack engine use)
//! read differently from registryctl's YAML 1.2 reader, or that make the text a reviewer sees
//! differ from the text that is read.

use crate::diag::{Diagnostic, Rule};
use crate::span::{Pos, Span};

/// At most this many findings of one rule per file: a file full of tabs needs one fix, not
/// thousands of lines of output.
const MAX_PER_RULE: usize = 20;

/// Why one character is refused, and which rule says so.
fn hazard(c: char, next: Option<char>) -> Option<(Rule, String)> {
    let name = || format!("U+{:04X}", u32::from(c));
    let found = match c {
        '\n' | ' '..='~' => return None,
        '\r' if next == Some('\n') => return None,
        '\r' => (Rule::YamlLineBreak, "a carriage return (U+000D) without a line feed: an old Mac line end".to_string()),
        '\u{85}' => (Rule::YamlLineBreak, "U+0085 (NEXT LINE)".to_string()),
        '\u{2028}' => (Rule::YamlLineBreak, "U+2028 (LINE SEPARATOR)".to_string()),
        '\u{2029}' => (Rule::YamlLineBreak, "U+2029 (PARAGRAPH SEPARATOR)".to_string()),
        '\t' => (Rule::YamlTab, "a tab".to_string()),
        '\u{feff}' => (Rule::YamlControlCharacter, "a byte-order mark (U+FEFF) after the start of the file".to_string()),
        c if is_bidi_control(c) => {
            (Rule::YamlControlCharacter, format!("the bidirectional control {}: the line a reviewer sees is reordered", name()))
        }
        c if c.is_control() => (Rule::YamlControlCharacter, format!("the control character {}", name())),
        c if is_noncharacter(c) => (Rule::YamlControlCharacter, format!("the non-character {}", name())),
        _ => return None,
    };
    Some(found)
}

/// Bidirectional formatting characters: they reorder how a line is displayed, so a reviewer
/// can be shown text other than what is read ("Trojan Source", CVE-2021-42574).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Unicode non-characters (U+FDD0..U+FDEF and the last two code points of every plane).
fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
}

/// What the rule's findings say after the character's description.
fn why(rule: Rule) -> &'static str {
    match rule {
        Rule::YamlLineBreak => {
            "YAML 1.1 readers (the gateway's and the toolpack engine's Go YAML) end the line here and registryctl's YAML 1.2 reader does not, so they would read different keys and values"
        }
        Rule::YamlTab => "YAML readers disagree about tabs in indentation and around values",
        _ => "YAML 1.1 readers refuse it or read it differently, and a reviewer may not see it",
    }
}

/// Whether [`scan`] would find nothing: no character outside printable ASCII, line feeds and
/// ordinary non-ASCII characters, and no `%` starting a line. A byte test, so the common file
/// costs one pass without decoding a character.
pub(super) fn is_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b'%') {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                if bytes.get(i + 1) == Some(&b'%') {
                    return false;
                }
                i += 1;
            }
            0x20..=0x7e => i += 1,
            b if b >= 0x80 => {
                let len = utf8_len(b);
                let c = text[i..].chars().next().unwrap_or('\0');
                if hazard(c, None).is_some() {
                    return false;
                }
                i += len;
            }
            // `\r\n` is accepted by `scan`, but rare enough to leave to it.
            _ => return false,
        }
    }
    true
}

/// The length of the UTF-8 sequence a lead byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        _ => 2,
    }
}

/// Pushes one finding per offending line and rule (at most [`MAX_PER_RULE`] per rule).
pub(super) fn scan(text: &str, out: &mut Vec<Diagnostic>) {
    let mut counts = [0usize; 4];
    let mut line = 1;
    let mut column = 1;
    let mut reported_line = [0usize; 4];
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if let Some((rule, what)) = hazard(c, next) {
            let slot = slot(rule);
            if reported_line[slot] != line && counts[slot] < MAX_PER_RULE {
                reported_line[slot] = line;
                counts[slot] += 1;
                let start = Pos { offset, line, column };
                let end = Pos { offset: offset + c.len_utf8(), line, column: column + 1 };
                out.push(Diagnostic::whole_file(rule, format!("{what} at this position: {}", why(rule))).with_span(Span { start, end }));
            }
        }
        if column == 1 && c == '%' {
            out.push(directive(text, offset, line));
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
}

fn slot(rule: Rule) -> usize {
    match rule {
        Rule::YamlLineBreak => 0,
        Rule::YamlTab => 1,
        _ => 2,
    }
}

/// A `%` at the start of a line is a directive: go-yaml refuses `%YAML 1.2`, registryctl's
/// reader takes it, and `%TAG` rewrites what tags mean.
fn directive(text: &str, offset: usize, line: usize) -> Diagnostic {
    let end = text[offset..].find(['\n', '\r']).map_or(text.len(), |n| offset + n);
    let shown: String = text[offset..end].chars().take(40).collect();
    let start = Pos { offset, line, column: 1 };
    let stop = Pos { offset: end, line, column: 1 + text[offset..end].chars().count() };
    Diagnostic::whole_file(
        Rule::YamlDirective,
        format!("`{shown}` is a YAML directive: go-yaml refuses `%YAML 1.2` and registryctl's reader does not, and `%TAG` changes what tags mean"),
    )
    .with_span(Span { start, end: stop })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Rule, usize, usize)> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.iter().map(|d| (d.rule, d.line(), d.column())).collect()
    }

    #[test]
    fn refuses_unicode_line_breaks_lone_cr_tabs_and_controls() {
        assert_eq!(found("a: x # c\u{2028}b: y\n"), [(Rule::YamlLineBreak, 1, 9)]);
        assert_eq!(found("a: x\u{85}\nb: \"\u{2029}\"\n"), [(Rule::YamlLineBreak, 1, 5), (Rule::YamlLineBreak, 2, 5)]);
        assert_eq!(found("a: x\rb: y\r\n"), [(Rule::YamlLineBreak, 1, 5)]);
        assert_eq!(found("a:\n\tb: c\n"), [(Rule::YamlTab, 2, 1)]);
        assert_eq!(found("a: \u{202e}x\u{feff}\u{7f}\0\u{fffe}\n").len(), 1, "one finding per line and rule");
        assert_eq!(found("a: x\nb: \u{fdd0}\n"), [(Rule::YamlControlCharacter, 2, 4)]);
        assert_eq!(found("%YAML 1.2\n---\na: x\n"), [(Rule::YamlDirective, 1, 1)]);
    }

    #[test]
    fn accepts_ordinary_text_crlf_and_non_ascii_letters() {
        assert!(found("a: café 🚀 100%\r\nb: \"x\\ty\"\n").is_empty());
    }

    #[test]
    fn caps_findings_per_rule() {
        assert_eq!(found(&"\ta\n".repeat(1000)).len(), MAX_PER_RULE);
    }
}
