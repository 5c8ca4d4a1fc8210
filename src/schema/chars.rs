// SPDX-License-Identifier: Apache-2.0
//! Characters a person cannot see as written: controls, bidirectional formatting, line
//! separators and invisible format characters. The schema refuses them in manifest and toolspec
//! values (`value-hidden-character`, the `text-*` rules), and every human, Markdown and GitHub
//! output escapes them (`crate::render::escape`), from this one classification.

use std::borrow::Cow;

/// What a hidden character does to the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A C0 control (U+0000..U+001F), DEL or a C1 control (U+0080..U+009F): moves the cursor,
    /// starts a terminal escape, ends a line or a string.
    Control,
    /// A bidirectional formatting character (U+061C, U+200E, U+200F, U+202A..U+202E,
    /// U+2066..U+2069): reorders how the text around it is shown ("Trojan Source").
    Bidi,
    /// U+2028 or U+2029: a line break to some readers, not to others.
    LineSeparator,
    /// An invisible character: zero-width spaces and joiners, word joiners and invisible
    /// operators, the soft hyphen, fillers, the byte-order mark, tag characters, interlinear
    /// annotation marks, and a variation selector after a character no variation sequence
    /// starts with. Text that holds one differs from text that looks the same.
    Invisible,
}

impl Hidden {
    /// The finding's words for the kind: `the control character`, `the bidirectional control`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Hidden::Control => "the control character",
            Hidden::Bidi => "the bidirectional control",
            Hidden::LineSeparator => "the line separator",
            Hidden::Invisible => "the invisible character",
        }
    }
}

/// Bidirectional formatting characters.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Variation selectors: they pick a glyph for the character before them, and are invisible
/// after any other.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{180b}'..='\u{180d}' | '\u{180f}' | '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

/// Unicode's Default_Ignorable_Code_Point characters other than the bidi controls and the
/// variation selectors, plus the format characters that are invisible without being default
/// ignorable (interlinear annotation, Egyptian hieroglyph format controls).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180e}'
        | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2065}' | '\u{206a}'..='\u{206f}'
        | '\u{3164}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}'
        | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e00ff}' | '\u{e01f0}'..='\u{e0fff}')
}

/// Whether a variation selector may follow `base`: text and emoji presentation selectors after
/// symbols, keycap characters and pictographs; the others after CJK ideographs and mathematical
/// symbols (standardized and ideographic variation sequences); the Mongolian ones after
/// Mongolian letters.
fn takes_variation(base: char, vs: char) -> bool {
    let symbol = matches!(base, '#' | '*' | '0'..='9' | '\u{a9}' | '\u{ae}' | '\u{2000}'..='\u{2bff}' | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}' | '\u{1f000}'..='\u{1faff}');
    let ideograph = matches!(base, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3ffff}');
    match vs {
        '\u{fe0e}' | '\u{fe0f}' => symbol,
        '\u{fe00}'..='\u{fe0d}' | '\u{e0100}'..='\u{e01ef}' => ideograph || matches!(base, '\u{2200}'..='\u{2bff}'),
        _ => matches!(base, '\u{1820}'..='\u{18aa}'),
    }
}

/// What `c` hides, `None` for a character shown as written; `prev` is the character before it
/// (a variation selector is visible only after a base that takes one).
pub fn classify(prev: Option<char>, c: char) -> Option<Hidden> {
    // Printable ASCII, nearly every character of a catalog, is never hidden: answer it first.
    if matches!(c, ' '..='~') {
        None
    } else if c.is_control() {
        Some(Hidden::Control)
    } else if is_bidi(c) {
        Some(Hidden::Bidi)
    } else if matches!(c, '\u{2028}' | '\u{2029}') {
        Some(Hidden::LineSeparator)
    } else if is_invisible(c) || is_variation_selector(c) && !prev.is_some_and(|b| takes_variation(b, c)) {
        Some(Hidden::Invisible)
    } else {
        None
    }
}

/// Every hidden character of `s`, with its byte offset and kind, in order.
pub fn hidden(s: &str) -> impl Iterator<Item = (usize, char, Hidden)> + '_ {
    let mut prev = None;
    s.char_indices().filter_map(move |(i, c)| {
        let found = classify(prev, c).map(|h| (i, c, h));
        prev = Some(c);
        found
    })
}

/// Whether `s` holds any hidden character.
pub fn has_hidden(s: &str) -> bool {
    // A byte test first: every value holds text, and most of it is printable ASCII only.
    !s.bytes().all(|b| matches!(b, b' '..=b'~')) && hidden(s).next().is_some()
}

/// `s` as a reader sees it: without its hidden characters. Rules that compare values across
/// files (a toolspec's tools with its manifest's, catalog/sources.tsv with the toolspec) compare
/// these, so a hidden character is one finding (`value-hidden-character`), not one more for
/// every file the value is compared with.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !has_hidden(s) {
        return Cow::Borrowed(s);
    }
    let mut prev = None;
    let shown = s.chars().filter(|&c| {
        let hidden = classify(prev, c).is_some();
        prev = Some(c);
        !hidden
    });
    Cow::Owned(shown.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(char, Hidden)> {
        hidden(s).map(|(_, c, h)| (c, h)).collect()
    }

    #[test]
    fn plain_text_and_emoji_are_shown_as_written() {
        for s in ["Acme Tools", "café", "émoji 🚀", "⚠️ warning", "❤️", "1️⃣", "葛󠄀", "≩︀", "Ŋ", "日本語", "a\u{a0}b"]
        {
            assert!(!has_hidden(s), "{s:?}: {:?}", kinds(s));
        }
    }

    #[test]
    fn visible_drops_what_is_hidden_and_keeps_the_rest() {
        assert_eq!(visible("list_\u{34f}widgets\u{202e}"), "list_widgets");
        assert_eq!(visible("a\u{fe0f}b ⚠️ 日本"), "ab ⚠️ 日本");
        assert!(matches!(visible("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn each_kind_is_found() {
        use Hidden::*;
        let cases: &[(&str, char, Hidden)] = &[
            ("a\0b", '\0', Control),
            ("a\tb", '\t', Control),
            ("a\u{7f}", '\u{7f}', Control),
            ("a\u{9b}31m", '\u{9b}', Control),
            ("a\u{202e}b", '\u{202e}', Bidi),
            ("a\u{2066}b", '\u{2066}', Bidi),
            ("a\u{200f}b", '\u{200f}', Bidi),
            ("a\u{2028}b", '\u{2028}', LineSeparator),
            ("a\u{200b}b", '\u{200b}', Invisible),
            ("a\u{200d}b", '\u{200d}', Invisible),
            ("a\u{2060}b", '\u{2060}', Invisible),
            ("a\u{2064}b", '\u{2064}', Invisible),
            ("soft\u{ad}hyphen", '\u{ad}', Invisible),
            ("a\u{34f}b", '\u{34f}', Invisible),
            ("\u{115f}", '\u{115f}', Invisible),
            ("\u{1160}", '\u{1160}', Invisible),
            ("\u{3164}", '\u{3164}', Invisible),
            ("\u{ffa0}", '\u{ffa0}', Invisible),
            ("\u{feff}x", '\u{feff}', Invisible),
            ("a\u{180e}b", '\u{180e}', Invisible),
            ("a\u{e0041}", '\u{e0041}', Invisible),
            ("a\u{e007f}", '\u{e007f}', Invisible),
            ("a\u{fe0f}", '\u{fe0f}', Invisible),
            ("\u{fe0f}", '\u{fe0f}', Invisible),
            ("a\u{e0100}", '\u{e0100}', Invisible),
            ("🚀\u{fe0f}\u{fe0f}", '\u{fe0f}', Invisible),
            ("a\u{fff9}b", '\u{fff9}', Invisible),
        ];
        for (s, c, h) in cases {
            assert_eq!(kinds(s), [(*c, *h)], "{s:?}");
        }
    }
}
