// SPDX-License-Identifier: Apache-2.0
//! Markdown that holds data, shared by every Markdown registryctl writes (the diff comment, the
//! step summary, CATALOG.md): a value is a code span fenced with more backticks than it holds
//! in a row, in which no HTML, link, mention or emphasis is read; any other text from the data
//! has the characters that start markup backslash-escaped. Both escape hidden characters as
//! `\u{…}` first ([`super::escape`]), so nothing invisible reaches the page.

use super::escape::controls;

/// Values longer than this many characters are cut, with `…`, to keep lines short on a phone.
pub const MAX_VALUE_CHARS: usize = 160;

/// A code span holding `s` exactly (hidden characters escaped, cut at [`MAX_VALUE_CHARS`]),
/// fenced with more backticks than `s` holds in a row; `*(empty)*` for an empty value.
pub fn code(s: &str) -> String {
    if s.is_empty() {
        return "*(empty)*".into();
    }
    let cut = s.char_indices().nth(MAX_VALUE_CHARS).map(|(i, _)| i);
    let mut shown = controls(cut.map_or(s, |i| &s[..i])).into_owned();
    if cut.is_some() {
        shown.push('…');
    }
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') || (shown.starts_with(' ') && shown.ends_with(' ')) { " " } else { "" };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// Text that may hold data, outside a code span: hidden characters escaped, the characters that
/// start emphasis, code, links, HTML, entities or tables backslash-escaped, and a zero-width
/// space after `@`, `#`, and in `://` and `www.`, so no mention, issue reference or autolink
/// forms. The zero-width spaces are the only hidden characters it writes.
pub fn text(s: &str) -> String {
    let s = controls(s).replace("://", ":\u{200B}//").replace("www.", "www\u{200B}.");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
        if matches!(c, '@' | '#') {
            out.push('\u{200B}');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("x`<img src=y> [a](b)``"), "``` x`<img src=y> [a](b)`` ```");
        assert_eq!(code("a\nb"), "`a\\u{a}b`");
        assert_eq!(code("a\u{202e}b\u{200b}\u{9b}"), "`a\\u{202e}b\\u{200b}\\u{9b}`");
        assert_eq!(code(&"x".repeat(200)), format!("`{}…`", "x".repeat(160)));
        assert_eq!(code(""), "*(empty)*");
    }

    #[test]
    fn text_is_inert() {
        assert_eq!(text("<b>@bob #1 [x](y) *a*"), "\\<b\\>@\u{200B}bob #\u{200B}1 \\[x\\](y) \\*a\\*");
        assert_eq!(text("see https://a.b and www.c.d"), "see https:\u{200B}//a.b and www\u{200B}.c.d");
        assert_eq!(text("x`<img src=y>`"), "x\\`\\<img src=y\\>\\`");
        assert_eq!(text("a\u{202e}b\u{200b}c\nd"), "a\\\\u{202e}b\\\\u{200b}c\\\\u{a}d");
        assert_eq!(text("&#64;bob"), "\\&#\u{200B}64;bob");
    }
}
