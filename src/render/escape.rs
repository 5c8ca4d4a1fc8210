// SPDX-License-Identifier: Apache-2.0
//! Text that reaches a terminal or a log is safe: control characters (C0, DEL, C1), line and
//! paragraph separators and bidirectional controls in a message, label, file name or excerpt
//! are printed as `\u{…}` escapes, so a file cannot recolour the terminal, move the cursor,
//! fake a line of output or reorder what a reviewer reads. JSON and SARIF carry the data as
//! JSON escapes it; the human and GitHub formats and the binary's own messages escape here.

use std::borrow::Cow;

/// Whether a character is printed as an escape.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Arabic letter mark, left-to-right and right-to-left marks.
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        // Line and paragraph separators: line breaks to some readers.
        | '\u{2028}' | '\u{2029}'
        // Embeddings, overrides and isolates.
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escape(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// `s` with every unsafe character escaped (newlines and tabs too: a message is one line).
pub fn controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A file's text made safe for an excerpt: line breaks (`\n`, and `\r` before `\n`) and tabs
/// stay, every other unsafe character is escaped. Byte offsets into the original map to offsets
/// into the escaped text with [`Excerpt::offset`], so carets still point at the same place.
#[derive(Debug, Clone)]
pub struct Excerpt {
    /// The escaped text.
    pub text: String,
    /// For each escaped character: its offset in the original and the bytes added up to and
    /// including it, in order.
    shifts: Vec<(usize, usize)>,
}

impl Excerpt {
    /// Escapes a file's text.
    pub fn new(text: &str) -> Excerpt {
        let keep = |i: usize, c: char| c == '\n' || c == '\t' || (c == '\r' && text[i + 1..].starts_with('\n'));
        if !text.char_indices().any(|(i, c)| is_unsafe(c) && !keep(i, c)) {
            return Excerpt { text: text.to_string(), shifts: Vec::new() };
        }
        let mut out = String::with_capacity(text.len() + 64);
        let mut shifts = Vec::new();
        let mut added = 0;
        for (i, c) in text.char_indices() {
            if is_unsafe(c) && !keep(i, c) {
                let before = out.len();
                push_escape(&mut out, c);
                added += out.len() - before - c.len_utf8();
                shifts.push((i, added));
            } else {
                out.push(c);
            }
        }
        Excerpt { text: out, shifts }
    }

    /// The offset in the escaped text of byte `offset` of the original.
    pub fn offset(&self, offset: usize) -> usize {
        let n = self.shifts.partition_point(|&(at, _)| at < offset);
        offset + n.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi_overrides() {
        assert_eq!(controls("plain"), "plain");
        assert_eq!(controls("a\u{1b}[31mb\u{202e}c\nd\u{7f}\u{85}"), "a\\u{1b}[31mb\\u{202e}c\\u{a}d\\u{7f}\\u{85}");
    }

    #[test]
    fn excerpts_keep_lines_and_map_offsets() {
        let text = "a: \u{1b}[31mx\r\nk: \u{202e}y\n";
        let e = Excerpt::new(text);
        assert_eq!(e.text, "a: \\u{1b}[31mx\r\nk: \\u{202e}y\n");
        for (orig, want) in [
            (0, 0),
            (3, 3),
            (4, 9),
            (text.find('k').unwrap(), e.text.find('k').unwrap()),
            (text.find('y').unwrap(), e.text.find('y').unwrap()),
        ] {
            assert_eq!(e.offset(orig), want, "{orig}");
        }
        assert_eq!(e.offset(text.len()), e.text.len());
    }
}
