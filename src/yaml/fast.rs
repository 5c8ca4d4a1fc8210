// SPDX-License-Identifier: Apache-2.0
//! A scanner for the YAML the catalog is written in: block mappings and sequences, flow
//! collections of scalars on one line, plain and quoted scalars on one line, comments. For that
//! subset it produces the events saphyr-parser produces, at the same positions, into the same
//! event loop (`events.rs`), so the tree and every finding are the same; it reads a file in a
//! fraction of the time. Anything outside the subset, or any doubt, and it gives up: the caller
//! then reads the text with saphyr-parser from the start, and what was pushed is taken back.
//!
//! tests/yaml_fast.rs and the fuzz target `yaml_fast` hold the two readers to the same trees and
//! findings on every input.

use std::borrow::Cow;
use std::ops::ControlFlow;

use saphyr_parser::{Event, ScalarStyle};

use super::events::{Events, Unusable};
use super::tree::Node;
use crate::diag::Diagnostic;
use crate::span::{Pos, Span};

/// The text is outside the subset, or the scanner is not sure of it.
struct GiveUp;

type Step<T = ()> = Result<T, GiveUp>;

/// Deepest block nesting read here (the schemas need five levels; the event loop's limit is 32).
const MAX_BLOCKS: usize = 16;
/// Longest key read here: saphyr-parser stops looking for a key's `:` after 1024 characters.
const MAX_KEY_BYTES: usize = 512;
/// The byte [`Scanner::peek`] gives past the end of the text (a NUL never reaches this scanner).
const END: u8 = 0;

/// Characters that cannot start a plain scalar, or start one only in some contexts.
const INDICATORS: &[u8] = b"-?:,[]{}#&*!|>'\"%@`";

/// A block collection: what it is and the column its keys or `-` stand at (0-based, characters).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Map(usize),
    Seq(usize),
}

impl Block {
    fn column(self) -> usize {
        match self {
            Block::Map(c) | Block::Seq(c) => c,
        }
    }
}

/// What ended a plain scalar in a block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Term {
    /// The end of the line.
    Eol,
    /// A comment (`self.pos` is at the blanks before its `#`).
    Comment,
    /// A `:` followed by a blank or the end of the line, at this offset: the scalar is a key.
    Colon(usize),
}

struct Scanner<'t, 'o> {
    text: &'t str,
    bytes: &'t [u8],
    ascii: bool,
    pos: usize,
    /// The current line (1-based) and the offset it starts at.
    line: usize,
    line_start: usize,
    blocks: Vec<Block>,
    /// The `:` of a key with nothing after it on its line: its value is the block below, or empty.
    pending: Option<Pos>,
    ev: Events<'t, 'o>,
}

/// Reads `text` when it lies inside the subset; `None` when the scanner gave up (then `out` is
/// as it was).
pub(super) fn read(text: &str, out: &mut Vec<Diagnostic>) -> Option<Result<Option<Node>, Unusable>> {
    let first = out.len();
    let ascii = text.is_ascii();
    if !ascii && text.contains('\u{feff}') {
        return None;
    }
    let root = {
        let mut s = Scanner {
            text,
            bytes: text.as_bytes(),
            ascii,
            pos: 0,
            line: 1,
            line_start: 0,
            blocks: Vec::with_capacity(8),
            pending: None,
            ev: Events::new(text, ascii, out),
        };
        s.document().ok().map(|()| s.ev.root())
    };
    match root {
        Some(root) => Some(Ok(root)),
        None => {
            out.truncate(first);
            None
        }
    }
}

/// Whether `b` ends a plain scalar in a flow collection.
fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'t> Scanner<'t, '_> {
    fn peek_at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(END)
    }

    fn peek(&self) -> u8 {
        self.peek_at(self.pos)
    }

    /// Whether offset `i` is at a line break or the end of the text.
    fn eol_at(&self, i: usize) -> bool {
        i >= self.bytes.len() || self.bytes[i] == b'\n'
    }

    /// Whether offset `i` is at a space, a line break or the end of the text.
    fn blank_at(&self, i: usize) -> bool {
        self.peek_at(i) == b' ' || self.eol_at(i)
    }

    /// The 0-based character column of `offset` on the current line.
    fn column(&self, offset: usize) -> usize {
        if self.ascii {
            offset - self.line_start
        } else {
            self.text[self.line_start..offset].chars().count()
        }
    }

    fn at(&self, offset: usize) -> Pos {
        Pos { offset, line: self.line, column: self.column(offset) + 1 }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span { start: self.at(start), end: self.at(end) }
    }

    /// Skips spaces; returns how many.
    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == b' ' {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Skips a comment to the end of its line.
    fn skip_comment(&mut self) {
        self.pos = self.bytes[self.pos..].iter().position(|&b| b == b'\n').map_or(self.bytes.len(), |n| self.pos + n);
    }

    fn emit(&mut self, event: Event<'t>, span: Span) -> Step {
        match self.ev.event(event, span) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(GiveUp),
        }
    }

    fn scalar(&mut self, value: Cow<'t, str>, style: ScalarStyle, span: Span) -> Step {
        self.emit(Event::Scalar(value, style, 0, None), span)
    }

    fn plain(&mut self, start: usize, end: usize) -> Step {
        let span = self.span(start, end);
        self.scalar(Cow::Borrowed(&self.text[start..end]), ScalarStyle::Plain, span)
    }

    /// Whether a `- ` block entry starts at `self.pos`.
    fn is_entry(&self) -> bool {
        self.peek() == b'-' && self.blank_at(self.pos + 1)
    }

    /// Whether a plain scalar may start at `self.pos` (in a flow collection when `flow`).
    fn plain_start(&self, flow: bool) -> bool {
        let (c, next) = (self.peek(), self.peek_at(self.pos + 1));
        if c <= b' ' || c == 0x7f {
            return false;
        }
        if !INDICATORS.contains(&c) {
            return true;
        }
        // `-1`, `-x`: a dash starts a plain scalar when a letter or digit follows it.
        c == b'-' && (next.is_ascii_alphanumeric() || (!flow && next > b' ' && next != 0x7f && !is_flow(next)))
    }
}

/// The document: lines of block collections.
impl Scanner<'_, '_> {
    fn document(&mut self) -> Step {
        let Some(column) = self.next_content(true)? else { return Err(GiveUp) };
        if column != 0 {
            return Err(GiveUp);
        }
        self.emit(Event::DocumentStart(false), Span::point(self.at(self.pos)))?;
        let mut column = column;
        loop {
            self.line_content(column)?;
            match self.next_content(false)? {
                Some(c) => column = c,
                None => break,
            }
        }
        // saphyr-parser closes the blocks deeper than the last line's column where the text
        // ends, then moves to the start of a new line and closes the rest there.
        let end = self.at(self.bytes.len());
        let after = if end.column == 1 { end } else { Pos { offset: end.offset, line: end.line + 1, column: 1 } };
        if let Some(colon) = self.pending.take() {
            self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, Span::point(colon))?;
        }
        while let Some(block) = self.blocks.pop() {
            self.end_block(block, if block.column() + 1 > end.column { end } else { after })?;
        }
        Ok(())
    }

    /// Moves to the next line with content (past the line break at `self.pos`, unless `first`),
    /// skipping blank and comment lines; its column, or `None` at the end of the text.
    fn next_content(&mut self, first: bool) -> Step<Option<usize>> {
        let mut first = first;
        loop {
            if !first {
                if self.pos >= self.bytes.len() {
                    return Ok(None);
                }
                if self.peek() != b'\n' {
                    return Err(GiveUp);
                }
                self.pos += 1;
                self.line += 1;
                self.line_start = self.pos;
            }
            first = false;
            let spaces = self.skip_spaces();
            match self.peek() {
                END if self.pos >= self.bytes.len() => return Ok(None),
                b'\n' => {}
                b'#' => self.skip_comment(),
                c if c < 0x20 => return Err(GiveUp),
                _ => {
                    let rest = &self.bytes[self.pos..];
                    if spaces == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...") || rest.starts_with(b"%")) {
                        return Err(GiveUp);
                    }
                    return Ok(Some(spaces));
                }
            }
        }
    }

    /// One line's content, starting at column `column`: a pending value's block opens, deeper
    /// blocks close, and the line is an entry of the block at its column.
    fn line_content(&mut self, column: usize) -> Step {
        let here = self.at(self.pos);
        if let Some(colon) = self.pending.take() {
            if column > self.blocks.last().map_or(0, |b| b.column()) {
                return self.open_block(column, here);
            }
            self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, Span::point(colon))?;
        }
        while let Some(&block) = self.blocks.last().filter(|b| b.column() > column) {
            self.blocks.pop();
            self.end_block(block, here)?;
        }
        match self.blocks.last() {
            None => self.open_block(column, here),
            Some(Block::Seq(c)) if *c == column => self.seq_entry(),
            Some(Block::Map(c)) if *c == column => self.map_entry(),
            Some(_) => Err(GiveUp),
        }
    }

    fn open_block(&mut self, column: usize, here: Pos) -> Step {
        if self.blocks.len() >= MAX_BLOCKS {
            return Err(GiveUp);
        }
        if self.is_entry() {
            // A list as the whole document is not a manifest: saphyr-parser tells it.
            if self.blocks.is_empty() {
                return Err(GiveUp);
            }
            self.blocks.push(Block::Seq(column));
            self.emit(Event::SequenceStart(0, None), Span::point(here))?;
            self.seq_entry()
        } else {
            self.blocks.push(Block::Map(column));
            self.emit(Event::MappingStart(0, None), Span::point(here))?;
            self.map_entry()
        }
    }

    fn end_block(&mut self, block: Block, at: Pos) -> Step {
        let event = match block {
            Block::Map(_) => Event::MappingEnd,
            Block::Seq(_) => Event::SequenceEnd,
        };
        self.emit(event, Span::point(at))
    }

    /// `key: value`, `key:` (value below or empty), at `self.pos`.
    fn map_entry(&mut self) -> Step {
        let start = self.pos;
        match self.plain_block()? {
            (end, Term::Colon(colon)) => self.key_value(start, end, colon),
            _ => Err(GiveUp),
        }
    }

    /// `- item` at `self.pos`: a scalar, a flow collection, or the first key of a mapping.
    fn seq_entry(&mut self) -> Step {
        if !self.is_entry() {
            return Err(GiveUp);
        }
        self.pos += 1;
        if self.skip_spaces() == 0 {
            return Err(GiveUp);
        }
        match self.peek() {
            b'"' | b'\'' => {
                self.quoted(false)?;
                self.line_end()
            }
            b'[' | b'{' => {
                self.flow()?;
                self.line_end()
            }
            _ => {
                let start = self.pos;
                match self.plain_block()? {
                    (end, Term::Colon(colon)) => {
                        if self.blocks.len() >= MAX_BLOCKS {
                            return Err(GiveUp);
                        }
                        self.blocks.push(Block::Map(self.column(start)));
                        self.emit(Event::MappingStart(0, None), Span::point(self.at(start)))?;
                        self.key_value(start, end, colon)
                    }
                    (end, _) => {
                        self.plain(start, end)?;
                        self.line_end()
                    }
                }
            }
        }
    }

    /// The key `text[start..end]` and what follows its `:` at `colon`.
    fn key_value(&mut self, start: usize, end: usize, colon: usize) -> Step {
        if end != colon || end - start > MAX_KEY_BYTES {
            return Err(GiveUp);
        }
        self.plain(start, end)?;
        self.pos = colon + 1;
        let spaces = self.skip_spaces();
        match self.peek() {
            _ if self.eol_at(self.pos) => {
                self.pending = Some(self.at(colon));
                Ok(())
            }
            b'#' if spaces > 0 => {
                self.skip_comment();
                self.pending = Some(self.at(colon));
                Ok(())
            }
            b'"' | b'\'' => {
                self.quoted(false)?;
                self.line_end()
            }
            b'[' | b'{' => {
                self.flow()?;
                self.line_end()
            }
            _ => {
                let start = self.pos;
                match self.plain_block()? {
                    (_, Term::Colon(_)) => Err(GiveUp),
                    (end, _) => {
                        self.plain(start, end)?;
                        self.line_end()
                    }
                }
            }
        }
    }

    /// Blanks and a comment up to the end of the line, and nothing else.
    fn line_end(&mut self) -> Step {
        let spaces = self.skip_spaces();
        if self.peek() == b'#' && spaces > 0 {
            self.skip_comment();
        }
        if self.eol_at(self.pos) {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }
}

/// Scalars and flow collections.
impl<'t> Scanner<'t, '_> {
    /// A plain scalar in a block, on one line, from `self.pos`: where its text ends, and what
    /// ends it. `self.pos` is left at what ended it.
    fn plain_block(&mut self) -> Step<(usize, Term)> {
        if !self.plain_start(false) {
            return Err(GiveUp);
        }
        let mut i = self.pos;
        let mut end = i;
        loop {
            match self.peek_at(i) {
                _ if self.eol_at(i) => {
                    self.pos = i;
                    return Ok((end, Term::Eol));
                }
                b' ' => {
                    let mut j = i;
                    while self.peek_at(j) == b' ' {
                        j += 1;
                    }
                    if self.eol_at(j) || self.peek_at(j) == b'#' {
                        self.pos = i;
                        return Ok((end, if self.eol_at(j) { Term::Eol } else { Term::Comment }));
                    }
                    i = j;
                }
                b':' if self.blank_at(i + 1) => {
                    self.pos = i;
                    return Ok((end, Term::Colon(i)));
                }
                c if c < 0x20 || c == 0x7f => return Err(GiveUp),
                _ => {
                    i += 1;
                    end = i;
                }
            }
        }
    }

    /// A plain scalar inside a flow collection, from `self.pos`: where its text ends, and
    /// whether a `:` ended it (`self.pos` is left at what ended it).
    fn plain_flow(&mut self) -> Step<(usize, bool)> {
        if !self.plain_start(true) {
            return Err(GiveUp);
        }
        let mut i = self.pos;
        let mut end = i;
        loop {
            match self.peek_at(i) {
                c if is_flow(c) => {
                    self.pos = i;
                    return Ok((end, false));
                }
                b':' if self.blank_at(i + 1) || is_flow(self.peek_at(i + 1)) => {
                    self.pos = i;
                    return Ok((end, true));
                }
                b' ' => {
                    while self.peek_at(i) == b' ' {
                        i += 1;
                    }
                    if self.peek_at(i) == b'#' || (self.peek_at(i) == b'-' && is_flow(self.peek_at(i + 1))) {
                        return Err(GiveUp);
                    }
                }
                c if c < 0x20 || c == 0x7f => return Err(GiveUp),
                _ => {
                    i += 1;
                    end = i;
                }
            }
        }
    }

    /// A quoted scalar on one line, from its opening quote; its span takes in the blanks and
    /// comment after it, as saphyr-parser's does. Only the end of the line, or in a flow
    /// collection `,`, `]` or `}`, may follow.
    fn quoted(&mut self, flow: bool) -> Step {
        let start = self.pos;
        let single = self.peek() == b'\'';
        let (value, close) = if single { self.single_quoted(start + 1)? } else { self.double_quoted(start + 1)? };
        self.pos = close + 1;
        let spaces = self.skip_spaces();
        if self.peek() == b'#' {
            if spaces == 0 {
                return Err(GiveUp);
            }
            self.skip_comment();
        }
        let next = self.peek();
        let fits = if flow { matches!(next, b',' | b']' | b'}') } else { self.eol_at(self.pos) };
        if !fits {
            return Err(GiveUp);
        }
        let style = if single { ScalarStyle::SingleQuoted } else { ScalarStyle::DoubleQuoted };
        let span = self.span(start, self.pos);
        self.scalar(value, style, span)
    }

    /// The text of a single-quoted scalar whose content starts at `from`, and its closing quote.
    fn single_quoted(&self, from: usize) -> Step<(Cow<'t, str>, usize)> {
        let mut owned: Option<String> = None;
        let (mut i, mut segment) = (from, from);
        loop {
            match self.peek_at(i) {
                b'\'' if self.peek_at(i + 1) == b'\'' => {
                    owned.get_or_insert_with(String::new).push_str(&self.text[segment..=i]);
                    i += 2;
                    segment = i;
                }
                b'\'' => break,
                c if c < 0x20 || c == 0x7f => return Err(GiveUp),
                _ => i += 1,
            }
        }
        Ok((finish(self.text, owned, segment, from, i), i))
    }

    /// The text of a double-quoted scalar whose content starts at `from`, and its closing quote.
    fn double_quoted(&self, from: usize) -> Step<(Cow<'t, str>, usize)> {
        let mut owned: Option<String> = None;
        let (mut i, mut segment) = (from, from);
        loop {
            match self.peek_at(i) {
                b'"' => break,
                b'\\' => {
                    let (c, len) = self.escape(i)?;
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[segment..i]);
                    s.push(c);
                    i += len;
                    segment = i;
                }
                c if c < 0x20 || c == 0x7f => return Err(GiveUp),
                _ => i += 1,
            }
        }
        Ok((finish(self.text, owned, segment, from, i), i))
    }

    /// The escape sequence at `i` (a backslash): the character, and how many bytes it takes.
    fn escape(&self, i: usize) -> Step<(char, usize)> {
        let simple = match self.peek_at(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i, 2),
            b'u' => return self.hex_escape(i, 4),
            b'U' => return self.hex_escape(i, 8),
            _ => return Err(GiveUp),
        };
        Ok((simple, 2))
    }

    fn hex_escape(&self, i: usize, digits: usize) -> Step<(char, usize)> {
        let hex = self.bytes.get(i + 2..i + 2 + digits).ok_or(GiveUp)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(GiveUp);
        }
        let value = hex.iter().fold(0u32, |v, &b| (v << 4) + char::from(b).to_digit(16).unwrap_or(0));
        char::from_u32(value).map(|c| (c, 2 + digits)).ok_or(GiveUp)
    }

    /// A flow collection on one line, from its `[` or `{`: scalars, or `key: value` pairs of
    /// scalars, separated by `, `.
    fn flow(&mut self) -> Step {
        let open = self.pos;
        let seq = self.peek() == b'[';
        let start = if seq { Event::SequenceStart(0, None) } else { Event::MappingStart(0, None) };
        self.emit(start, self.span(open, open + 1))?;
        self.pos += 1;
        self.skip_spaces();
        let close = if seq { b']' } else { b'}' };
        if self.peek() != close {
            loop {
                if seq {
                    self.flow_item()?;
                } else {
                    self.flow_pair()?;
                }
                self.skip_spaces();
                match self.peek() {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                    }
                    c if c == close => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        let end = if seq { Event::SequenceEnd } else { Event::MappingEnd };
        self.emit(end, self.span(self.pos, self.pos + 1))?;
        self.pos += 1;
        Ok(())
    }

    /// One scalar of a flow collection.
    fn flow_item(&mut self) -> Step {
        if matches!(self.peek(), b'"' | b'\'') {
            return self.quoted(true);
        }
        let start = self.pos;
        match self.plain_flow()? {
            (end, false) => self.plain(start, end),
            (_, true) => Err(GiveUp),
        }
    }

    /// `key: value` in a flow mapping.
    fn flow_pair(&mut self) -> Step {
        let start = self.pos;
        let (end, colon) = self.plain_flow()?;
        if !colon || end != self.pos || self.peek_at(end + 1) != b' ' || end - start > MAX_KEY_BYTES {
            return Err(GiveUp);
        }
        self.plain(start, end)?;
        self.pos += 1;
        self.skip_spaces();
        self.flow_item()
    }
}

/// A quoted scalar's text: borrowed when it held no escape, else the unescaped parts and the
/// rest from `segment` to the closing quote `close`.
fn finish(text: &str, owned: Option<String>, segment: usize, from: usize, close: usize) -> Cow<'_, str> {
    match owned {
        None => Cow::Borrowed(&text[from..close]),
        Some(mut s) => {
            s.push_str(&text[segment..close]);
            Cow::Owned(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_with, read_fast, Reader};

    /// The fast reading of `text`, asserted equal to saphyr-parser's.
    fn same(text: &str) {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let a = parse_with(text, &mut fast, Reader::Auto);
        let b = parse_with(text, &mut slow, Reader::Saphyr);
        assert_eq!(a, b, "{text:?}");
        assert_eq!(fast, slow, "{text:?}");
    }

    #[test]
    fn reads_the_catalog_subset_as_saphyr_parser_does() {
        let texts = [
            "a: 1\nb:\n  - x\n  - \"y\"  # t\nc: [p, q]  # z\nd:\n  e: f\n\n# end\n",
            "tools:\n  - name: a\n    default: true\n  - name: b\n    params:\n      - {name: x, in: query, description: \"Cursor.\"}\n",
            "a:\nb: 1",
            "a:   # c\nb: 'it''s'\n",
            "k:\n  - a\n\n  # x\n  - b\n# y\nc: 1\n",
            "a: \"\\u00e9\\/\\x41\"\nb: café 🚀\n",
            "a:\n  b:\n    - c\n ",
            "a:\n  b: c\n  # d",
            "a: []\nb: {}\nc: [x y, 'z' ]\n",
        ];
        for text in texts {
            assert!(read_fast(text), "{text:?} is left to saphyr-parser");
            same(text);
        }
    }

    #[test]
    fn gives_up_outside_the_subset_and_saphyr_parser_reads_it() {
        let texts = [
            "k:\n- indentless\n",
            "a: b\n  continued\n",
            "a: [x,\n  y]\n",
            "a: \"two\n  lines\"\n",
            "a: |\n  block\n",
            "a: &x 1\nb: *x\n",
            "? a\n: b\n",
            "\"q\": 1\n",
            "---\na: 1\n",
            "- a\n",
            "a: 1\r\nb: 2\r\n",
            "a: [[x]]\n",
            "a: [x, ]\n",
            "a: \"x\" y\n",
            "a: b: c\n",
            "",
            "# only a comment\n",
        ];
        for text in texts {
            assert!(!read_fast(text), "{text:?} is read by the fast scanner");
            same(text);
        }
    }
}
