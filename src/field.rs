// SPDX-License-Identifier: Apache-2.0
//! Field paths: where a value sits in a manifest, toolspec or policy file, as typed segments.
//!
//! The reader, the rules and the YAML tree share this one type: a path is built from segments,
//! rendered as `tools[1].params[0].in` only for output, and never parsed back from text.

use std::borrow::{Borrow, Cow};
use std::fmt;

/// One step into a value: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A mapping key (field names are static; unknown keys come from the file).
    Key(Cow<'static, str>),
    /// A list index, from 0.
    Index(usize),
}

/// A path from the root of a file to one value; the root itself is the empty path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The whole file.
    pub const fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// A top-level field: `FieldPath::field("name")`.
    pub fn field(key: &'static str) -> FieldPath {
        FieldPath(vec![Segment::Key(Cow::Borrowed(key))])
    }

    /// This path extended by a key.
    #[must_use]
    pub fn key(mut self, key: impl Into<Cow<'static, str>>) -> FieldPath {
        self.0.push(Segment::Key(key.into()));
        self
    }

    /// This path extended by a list index.
    #[must_use]
    pub fn index(mut self, i: usize) -> FieldPath {
        self.0.push(Segment::Index(i));
        self
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether this is the whole file.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `prefix` is this path or contains it (by segments: `tools[1]` does not contain
    /// `tools[10]`).
    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// This path and every path that contains it, longest first, the root excluded.
    pub fn prefixes(&self) -> impl Iterator<Item = &[Segment]> {
        (1..=self.0.len()).rev().map(|n| &self.0[..n])
    }
}

impl Borrow<[Segment]> for FieldPath {
    fn borrow(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl serde::Serialize for FieldPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Compares with the rendered form, for tests and for matching output.
impl PartialEq<str> for FieldPath {
    fn eq(&self, other: &str) -> bool {
        /// Consumes the expected text as the path renders, failing at the first difference.
        struct Expect<'a>(&'a str);
        impl fmt::Write for Expect<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
                Ok(())
            }
        }
        let mut expect = Expect(other);
        fmt::write(&mut expect, format_args!("{self}")).is_ok() && expect.0.is_empty()
    }
}

impl PartialEq<&str> for FieldPath {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_field_paths() {
        let p = FieldPath::field("tools").index(1).key("params").index(0).key("in");
        assert_eq!(p.to_string(), "tools[1].params[0].in");
        assert!(p == "tools[1].params[0].in" && p != "tools[1].params[0]" && p != "tools[1].params[0].in.x");
        assert_eq!(FieldPath::root().to_string(), "");
        assert_eq!(FieldPath::root().index(2).to_string(), "[2]");
    }

    #[test]
    fn prefixes_are_by_segment() {
        let p = FieldPath::field("tools").index(1).key("name");
        assert!(p.starts_with(&FieldPath::field("tools").index(1)));
        assert!(!FieldPath::field("tools").index(10).starts_with(&FieldPath::field("tools").index(1)));
        let rendered: Vec<String> = p.prefixes().map(|s| FieldPath(s.to_vec()).to_string()).collect();
        assert_eq!(rendered, ["tools[1].name", "tools[1]", "tools"]);
    }
}
