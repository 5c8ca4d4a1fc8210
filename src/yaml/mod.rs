// SPDX-License-Identifier: Apache-2.0
//! Strict YAML: a small tree of positioned nodes built from saphyr-parser events.
//!
//! [`parse`] is the entry point. The character-level rules live in `text`, the event-level
//! rules in `events`, the tree and its lookup by field path in `tree`, plain-scalar typing
//! (YAML 1.2's, and what YAML 1.1 readers make of it) in `scalar`, and syntax errors in plain
//! words in `syntax`. Events come from `fast`, a scanner for the YAML the catalog is written in,
//! or, for any text outside it, from saphyr-parser; both feed the same event loop, so the tree
//! and the findings do not depend on which one read a file.
//!
//! What registryctl accepts must read identically under the Go side's YAML 1.1 readers: the
//! gateway re-reads the bundled manifest with sigs.k8s.io/yaml (go-yaml v2) and the toolpack
//! engine reads the toolspec with go-yaml. `text`, `events` and the typed reader refuse what
//! the two would read differently; tests/yaml_differential.rs checks it against libyaml.

mod events;
mod fast;
mod scalar;
mod syntax;
mod text;
mod tree;

pub use scalar::{is_yaml11_bool, plain_type, yaml11_type, PlainType, Yaml11Type};
pub use text::is_bidi_control;
pub use tree::{Kind, Node, Style};

use crate::diag::{Diagnostic, Rule};

/// Largest manifest or toolspec accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Deepest nesting accepted; the schemas need five levels.
pub const MAX_DEPTH: usize = 32;

/// Which reader turns the text into events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The scanner for the YAML the catalog uses (`fast.rs`), and saphyr-parser for any text
    /// outside it or with a character-level finding: what [`parse`] does.
    Auto,
    /// saphyr-parser alone: the reference the scanner is held to.
    Saphyr,
}

/// Parses one YAML document. Problems are pushed to `out`; `None` means nothing usable was read.
pub fn parse(text: &str, out: &mut Vec<Diagnostic>) -> Option<Node> {
    parse_with(text, out, Reader::Auto)
}

/// Whether the fast scanner reads `text` by itself, without handing it to saphyr-parser (the
/// catalog's files all should, or the speed is lost; the tree is the same either way).
pub fn read_fast(text: &str) -> bool {
    let mut out = Vec::new();
    text.len() <= MAX_FILE_BYTES && text::is_clean(text) && fast::read(text, &mut out).is_some()
}

/// [`parse`] with a choice of reader; both give the same tree and findings for every text.
pub fn parse_with(text: &str, out: &mut Vec<Diagnostic>, reader: Reader) -> Option<Node> {
    if text.len() > MAX_FILE_BYTES {
        out.push(Diagnostic::whole_file(
            Rule::FileTooLarge,
            format!("the file is {} bytes; at most {} are accepted", text.len(), MAX_FILE_BYTES),
        ));
        return None;
    }
    let first = out.len();
    let clean = text::is_clean(text);
    if !clean {
        text::scan(text, out);
    }
    let scanned = out.len();
    let fast = match reader {
        Reader::Auto if clean => fast::read(text, out),
        _ => None,
    };
    let read = fast.unwrap_or_else(|| events::read(text, out));
    if scanned > first {
        one_finding_per_tab(out, first, scanned);
        drop_syntax_error_explained_by(out, first);
    }
    match read {
        Err(events::Unusable) => None,
        Ok(Some(Node { kind: Kind::Scalar(ref s, Style::Plain), .. })) if s.is_empty() => {
            out.push(Diagnostic::whole_file(Rule::YamlWrongType, "the file holds no YAML mapping"));
            None
        }
        Ok(None) => {
            out.push(Diagnostic::whole_file(Rule::YamlWrongType, "the file is empty"));
            None
        }
        Ok(root) => root,
    }
}

/// A tab the parser stopped at is told once, in the parser's plain words (`syntax.rs`), not also
/// as the character-level finding (`out[first..scanned]`) at the same place.
fn one_finding_per_tab(out: &mut Vec<Diagnostic>, first: usize, scanned: usize) {
    let told: Vec<usize> =
        out[scanned..].iter().filter(|d| d.rule == Rule::YamlTab).filter_map(|d| d.span).map(|s| s.start.offset).collect();
    if told.is_empty() {
        return;
    }
    let mut i = 0;
    out.retain(|d| {
        let scan_finding = (first..scanned).contains(&i);
        i += 1;
        !(scan_finding && d.rule == Rule::YamlTab && d.span.is_some_and(|s| told.contains(&s.start.offset)))
    });
}

/// A syntax error at or after a refused character is that character's doing (a tab that
/// breaks indentation, a NUL that ends the parser's input): one mistake, one message.
fn drop_syntax_error_explained_by(out: &mut Vec<Diagnostic>, first: usize) {
    let earliest = out[first..].iter().filter(|d| d.rule != Rule::YamlSyntax).filter_map(|d| d.span).map(|s| s.start.offset).min();
    if let Some(at) = earliest {
        let mut i = first;
        out.retain(|d| {
            i += 1;
            i <= first || !(d.rule == Rule::YamlSyntax && d.span.is_some_and(|s| s.start.offset >= at))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::FieldPath;

    fn rules(text: &str) -> Vec<Rule> {
        let mut out = Vec::new();
        parse(text, &mut out);
        out.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn accepts_plain_document() {
        let mut out = Vec::new();
        let node = parse("a: 1\nb: [x, 'y']\n", &mut out).expect("parses");
        assert!(out.is_empty());
        let b1 = node.locate(&FieldPath::field("b").index(1));
        assert_eq!((b1.start.line, b1.start.column), (2, 8));
        // A missing field points at the deepest key that exists.
        assert_eq!(node.locate(&FieldPath::field("b").index(5)).start.column, 1);
    }

    #[test]
    fn rejects_anchor_alias_tag_duplicate_and_second_document() {
        assert_eq!(rules("a: &x 1\nb: *x\n"), vec![Rule::YamlAnchor, Rule::YamlAnchor]);
        assert_eq!(rules("a: !!str 1\n"), vec![Rule::YamlTag]);
        assert_eq!(rules("a: 1\na: 2\n"), vec![Rule::YamlDuplicateKey]);
        assert_eq!(rules("a: 1\n---\nb: 2\n"), vec![Rule::YamlMultipleDocuments]);
        assert_eq!(rules("a: [1\n"), vec![Rule::YamlSyntax]);
        assert_eq!(rules(""), vec![Rule::YamlWrongType]);
    }

    #[test]
    fn duplicate_keys_in_large_mappings() {
        let mut text: String = (0..40).map(|i| format!("k{i}: 1\n")).collect();
        text.push_str("k3: 2\n");
        let mut out = Vec::new();
        parse(&text, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("first on line 4"), "{}", out[0].message);
    }

    #[test]
    fn rejects_deep_nesting_without_recursion() {
        let nested = format!("{}1{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(rules(&nested), vec![Rule::YamlTooDeep]);
        // Far deeper input stops in the parser's own limit or ours, never in a stack overflow.
        let deep = "[".repeat(100_000);
        assert_eq!(rules(&deep), vec![Rule::YamlTooDeep]);
    }

    #[test]
    fn rejects_oversized_text() {
        let big = format!("a: \"{}\"\n", "x".repeat(MAX_FILE_BYTES));
        assert_eq!(rules(&big), vec![Rule::FileTooLarge]);
    }

    #[test]
    fn flow_collections_end_at_their_bracket_not_at_a_trailing_comment() {
        let mut out = Vec::new();
        let node = parse("a: [x]   # c\nb: {k: v}  # d\n", &mut out).unwrap();
        let a = node.locate(&FieldPath::field("a"));
        assert_eq!((a.start.column, a.end.column, a.end.offset), (4, 7, 6));
        let b = node.locate(&FieldPath::field("b"));
        assert_eq!((b.start.column, b.end.column), (4, 10));
    }

    #[test]
    fn byte_offsets_count_multibyte_characters() {
        let mut out = Vec::new();
        let node = parse("a: \"é🚀\"\nb: x\n", &mut out).unwrap();
        let span = node.locate(&FieldPath::field("b"));
        assert_eq!(span.start.offset, "a: \"é🚀\"\nb: ".len());
    }
}
