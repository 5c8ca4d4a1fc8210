// SPDX-License-Identifier: Apache-2.0
//! Positions in source text: byte offsets for slicing, 1-based lines and columns for people.
//!
//! A leaf module: it imports nothing from the crate, so every other module may use it.

/// A position in the source: byte offset, 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Pos {
    /// Byte offset from the start of the text.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Pos {
    /// The position of a byte offset in `bytes`, counting lines and the bytes since the last
    /// line break (callers pass text that is valid up to `offset`).
    pub fn at_offset(bytes: &[u8], offset: usize) -> Pos {
        let before = &bytes[..offset.min(bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Pos { offset, line, column }
    }
}

/// A range of source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// Where the range starts.
    pub start: Pos,
    /// Where it ends (exclusive).
    pub end: Pos,
}

impl Span {
    /// An empty range at one position.
    pub fn point(pos: Pos) -> Span {
        Span { start: pos, end: pos }
    }
}
