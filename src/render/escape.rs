// SPDX-License-Identifier: Apache-2.0
//! Text that reaches a terminal, a log or a Markdown page is safe: control characters (C0, DEL,
//! C1), line and paragraph separators, bidirectional controls and invisible format characters
//! (zero-width spaces and joiners, the soft hyphen, fillers, tag characters, a stray variation
//! selector: [`crate::schema::chars`]) in a message, label, file name, value or excerpt are
//! printed as `\u{…}` escapes, so a file cannot recolour the terminal, move the cursor, fake a
//! line of output, reorder what a reviewer reads or show two different values alike. JSON and
//! SARIF carry the data as JSON escapes it; the human, Markdown and GitHub formats and the
//! binary's own messages escape here.

use std::borrow::Cow;

use crate::schema::chars::hidden;

fn push_escape(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// `s` with every hidden character escaped (newlines and tabs too: a message is one line).
pub fn controls(s: &str) -> Cow<'_, str> {
    escape_except(s, |_, _| false)
}

/// `s` with every hidden character escaped except line feeds: a block of lines.
pub fn lines(s: &str) -> Cow<'_, str> {
    escape_except(s, |_, c| c == '\n')
}

/// `s` with every hidden character escaped for which `keep(offset, c)` is false.
fn escape_except(s: &str, keep: impl Fn(usize, char) -> bool) -> Cow<'_, str> {
    let mut found = hidden(s).filter(|&(i, c, _)| !keep(i, c)).peekable();
    if found.peek().is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut from = 0;
    for (i, c, _) in found {
        out.push_str(&s[from..i]);
        push_escape(&mut out, c);
        from = i + c.len_utf8();
    }
    out.push_str(&s[from..]);
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
        // `i` comes from `char_indices`, so `text[i..]` is a slice at a character boundary.
        let keep = |i: usize, c: char| c == '\n' || c == '\t' || (c == '\r' && text[i..].starts_with("\r\n"));
        let escaped = escape_except(text, keep);
        let Cow::Owned(out) = escaped else { return Excerpt { text: text.to_string(), shifts: Vec::new() } };
        let mut shifts = Vec::new();
        let mut added = 0;
        for (i, c, _) in hidden(text).filter(|&(i, c, _)| !keep(i, c)) {
            // `\u{…}` is 4 bytes plus the hex digits, in place of the character's own bytes.
            added += 4 + format!("{:x}", c as u32).len() - c.len_utf8();
            shifts.push((i, added));
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
        // A lone carriage return is escaped, one before a line feed kept, after any character.
        let text = "é\rü\r\n🚀\r";
        assert_eq!(Excerpt::new(text).text, "é\\u{d}ü\r\n🚀\\u{d}");
    }
}
