//! Strict YAML: a small tree of positioned nodes built from saphyr-parser events.
//!
//! Anchors, aliases, tags and second documents are rejected here, before any typed reading,
//! so an alias bomb is never expanded and every later error can point at a line and column.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::diag::{Diagnostic, Rule};

/// Largest manifest or toolspec accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Deepest nesting accepted; the schemas need five levels.
pub const MAX_DEPTH: usize = 32;

/// A position in the source: byte offset, 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// A range of source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// A scalar's presentation, enough to tell `true` from `"true"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar(String, Style),
    Seq(Vec<Node>),
    /// Key/value pairs in source order; keys are scalars (anything else was reported).
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
}

impl Node {
    fn null(span: Span) -> Node {
        Node { kind: Kind::Scalar(String::new(), Style::Plain), span }
    }

    /// What a value is, in the words a type error uses.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            Kind::Scalar(_, Style::Quoted | Style::Block) => "a string",
            Kind::Scalar(v, Style::Plain) => match plain_type(v) {
                PlainType::Null => "an empty value",
                PlainType::Bool => "a boolean",
                PlainType::Int => "an integer",
                PlainType::Float => "a number",
                PlainType::Str => "a string",
            },
        }
    }

    /// Finds the node at a field path such as `tools[1].params[0].in`; `key` selects the
    /// mapping key instead of its value. Falls back to the deepest node that exists.
    pub fn locate(&self, path: &str, key: bool) -> Span {
        let mut node = self;
        let mut key_span = None;
        for seg in path_segments(path) {
            let next = match (&node.kind, seg) {
                (Kind::Map(pairs), Segment::Key(k)) => {
                    pairs.iter().find(|(kn, _)| kn.scalar() == Some(k)).map(|(kn, v)| (Some(kn.span), v))
                }
                (Kind::Seq(items), Segment::Index(i)) => items.get(i).map(|v| (None, v)),
                _ => None,
            };
            match next {
                Some((ks, v)) => {
                    key_span = ks;
                    node = v;
                }
                None => return key_span.unwrap_or(node.span),
            }
        }
        if key {
            key_span.unwrap_or(node.span)
        } else {
            node.span
        }
    }

    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainType {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

static FLOAT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").expect("valid regex"));

/// How the YAML 1.2 core schema resolves a plain scalar.
pub fn plain_type(v: &str) -> PlainType {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return PlainType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return PlainType::Bool,
        ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | "+.inf" | "+.Inf" | "+.INF" | ".nan" | ".NaN" | ".NAN" => {
            return PlainType::Float
        }
        _ => {}
    }
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return PlainType::Str;
    }
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return PlainType::Int;
    }
    if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0o")) {
        if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return PlainType::Int;
        }
    }
    // Only a digit, sign or dot can start a number; most plain scalars are words.
    if v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) && FLOAT.is_match(v) {
        return PlainType::Float;
    }
    PlainType::Str
}

/// The words YAML 1.1 read as booleans and YAML 1.2 reads as strings.
pub fn is_yaml11_bool(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "y" | "yes" | "n" | "no" | "on" | "off")
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_segments(path: &str) -> impl Iterator<Item = Segment<'_>> {
    path.split('.').filter(|s| !s.is_empty()).flat_map(|part| {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        let key = (!name.is_empty()).then_some(Segment::Key(name));
        let idx = rest.split('[').filter_map(|s| s.trim_end_matches(']').parse().ok()).map(Segment::Index).collect::<Vec<_>>();
        key.into_iter().chain(idx)
    })
}

/// Converts char-based parser markers to byte offsets, walking forward only.
struct Offsets<'a> {
    text: &'a str,
    /// In ASCII text a character index is the byte offset: no walking needed.
    ascii: bool,
    char_idx: usize,
    byte_idx: usize,
}

impl Offsets<'_> {
    fn pos(&mut self, m: &saphyr_parser::Marker) -> Pos {
        let target = m.index();
        if self.ascii {
            return Pos { offset: target.min(self.text.len()), line: m.line(), column: m.col() + 1 };
        }
        if target < self.char_idx {
            self.char_idx = 0;
            self.byte_idx = 0;
        }
        let mut iter = self.text[self.byte_idx..].char_indices();
        while self.char_idx < target {
            match iter.next() {
                Some((_, c)) => {
                    self.byte_idx += c.len_utf8();
                    self.char_idx += 1;
                }
                None => break,
            }
        }
        Pos { offset: self.byte_idx, line: m.line(), column: m.col() + 1 }
    }
}

/// Parses one YAML document. Problems are pushed to `out`; `None` means nothing usable was read.
pub fn parse(text: &str, out: &mut Vec<Diagnostic>) -> Option<Node> {
    if text.len() > MAX_FILE_BYTES {
        out.push(Diagnostic::new(
            Rule::FileTooLarge,
            "",
            format!("the file is {} bytes; at most {} are accepted", text.len(), MAX_FILE_BYTES),
        ));
        return None;
    }
    let mut offsets = Offsets { text, ascii: text.is_ascii(), char_idx: 0, byte_idx: 0 };
    let mut parser = Parser::new_from_str(text);
    // Open collections: the node under construction plus a pending key for mappings.
    enum Open {
        Seq(Vec<Node>, Pos),
        // Pairs, the key awaiting its value, the start, and each key's first line (so a
        // duplicate is found in constant time, even in a mapping of thousands of keys).
        Map(Vec<(Node, Node)>, Option<Node>, Pos, HashMap<String, usize>),
    }
    // A flow collection ends just after its bracket; the parser's end event runs on over any
    // trailing comment, and a block collection's end event sits at the next token.
    let close = |span: Span| {
        let flow = span.end.offset > span.start.offset;
        let mut end = span.start;
        if flow {
            end.offset += 1;
            end.column += 1;
        }
        end
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut fatal = false;

    let report = |out: &mut Vec<Diagnostic>, rule: Rule, span: Span, msg: String| {
        out.push(Diagnostic::new(rule, "", msg).with_span(span));
    };

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                out.push(scan_error(&e, &mut offsets));
                return None;
            }
        };
        let span = Span { start: offsets.pos(&span.start), end: offsets.pos(&span.end) };
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    report(out, Rule::YamlMultipleDocuments, span, "a second YAML document starts here; a file holds exactly one".into());
                    fatal = true;
                    break;
                }
                continue;
            }
            Event::Alias(_) => {
                report(out, Rule::YamlAnchor, span, "YAML aliases (`*name`) are not accepted".into());
                Node::null(span)
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 {
                    report(out, Rule::YamlAnchor, span, "YAML anchors (`&name`) are not accepted".into());
                }
                if let Some(tag) = tag {
                    report(out, Rule::YamlTag, span, format!("YAML tag `{}{}` is not accepted", tag.handle, tag.suffix));
                }
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                Node { kind: Kind::Scalar(value.into_owned(), style), span }
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 {
                    report(out, Rule::YamlAnchor, span, "YAML anchors (`&name`) are not accepted".into());
                }
                if let Some(tag) = tag {
                    report(out, Rule::YamlTag, span, format!("YAML tag `{}{}` is not accepted", tag.handle, tag.suffix));
                }
                if stack.len() >= MAX_DEPTH {
                    report(out, Rule::YamlTooDeep, span, format!("nesting deeper than {MAX_DEPTH} levels"));
                    fatal = true;
                    break;
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                stack.push(if is_seq {
                    Open::Seq(Vec::new(), span.start)
                } else {
                    Open::Map(Vec::new(), None, span.start, HashMap::new())
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, start)) => Node { kind: Kind::Seq(items), span: Span { start, end: close(span) } },
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(pairs, _, start, _)) => Node { kind: Kind::Map(pairs), span: Span { start, end: close(span) } },
                _ => continue,
            },
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(items, _)) => items.push(node),
            Some(Open::Map(pairs, pending, _, first_lines)) => match pending.take() {
                None => {
                    if !matches!(node.kind, Kind::Scalar(..)) {
                        report(out, Rule::YamlWrongType, node.span, "a mapping key must be a plain name, not a list or mapping".into());
                    } else if let Some(line) = first_line_of(pairs, first_lines, node.scalar().unwrap_or_default()) {
                        report(
                            out,
                            Rule::YamlDuplicateKey,
                            node.span,
                            format!("key `{}` appears twice in this mapping (first on line {line})", node.scalar().unwrap_or_default()),
                        );
                    }
                    if pairs.len() >= SMALL_MAP {
                        if first_lines.is_empty() {
                            first_lines.extend(pairs.iter().rev().filter_map(|(k, _)| Some((k.scalar()?.to_string(), k.span.start.line))));
                        }
                        if let Some(k) = node.scalar() {
                            first_lines.entry(k.to_string()).or_insert(node.span.start.line);
                        }
                    }
                    *pending = Some(node);
                }
                Some(key) => pairs.push((key, node)),
            },
        }
    }
    if fatal {
        return None;
    }
    match root {
        Some(Node { kind: Kind::Scalar(ref s, Style::Plain), .. }) if s.is_empty() => {
            out.push(Diagnostic::new(Rule::YamlWrongType, "", "the file holds no YAML mapping".into()));
            None
        }
        None => {
            out.push(Diagnostic::new(Rule::YamlWrongType, "", "the file is empty".into()));
            None
        }
        root => root,
    }
}

/// Mappings up to this size find duplicate keys by a scan; larger ones by a hash map, so a
/// mapping of thousands of keys is not quadratic and a real manifest pays nothing for it.
const SMALL_MAP: usize = 16;

/// The line of an earlier key equal to `key`, if any.
fn first_line_of(pairs: &[(Node, Node)], index: &HashMap<String, usize>, key: &str) -> Option<usize> {
    if pairs.len() > SMALL_MAP {
        index.get(key).copied()
    } else {
        pairs.iter().find(|(k, _)| k.scalar() == Some(key)).map(|(k, _)| k.span.start.line)
    }
}

fn scan_error(e: &ScanError, offsets: &mut Offsets<'_>) -> Diagnostic {
    let pos = offsets.pos(e.marker());
    // The scanner has its own nesting limit, which can trip before ours sees the events.
    if e.info().contains("recursion limit") {
        return Diagnostic::new(Rule::YamlTooDeep, "", format!("nesting deeper than the parser's limit ({})", e.info()))
            .with_span(Span { start: pos, end: pos });
    }
    Diagnostic::new(Rule::YamlSyntax, "", format!("YAML syntax error: {}", e.info())).with_span(Span { start: pos, end: pos })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(node.locate("b[1]", false).start.line, 2);
        assert_eq!(node.locate("b[1]", false).start.column, 8);
        assert_eq!(node.locate("b", true).start.column, 1);
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
        let a = node.locate("a", false);
        assert_eq!((a.start.column, a.end.column, a.end.offset), (4, 7, 6));
        let b = node.locate("b", false);
        assert_eq!((b.start.column, b.end.column), (4, 10));
    }

    #[test]
    fn byte_offsets_count_multibyte_characters() {
        let mut out = Vec::new();
        let node = parse("a: \"é🚀\"\nb: x\n", &mut out).unwrap();
        let span = node.locate("b", false);
        assert_eq!(span.start.offset, "a: \"é🚀\"\nb: ".len());
    }

    #[test]
    fn resolves_plain_scalars_like_yaml_1_2() {
        assert_eq!(plain_type("1"), PlainType::Int);
        assert_eq!(plain_type("1.0"), PlainType::Float);
        assert_eq!(plain_type("0.1.0"), PlainType::Str);
        assert_eq!(plain_type("true"), PlainType::Bool);
        assert_eq!(plain_type("yes"), PlainType::Str);
        assert_eq!(plain_type("~"), PlainType::Null);
        assert!(is_yaml11_bool("Yes"));
        assert!(!is_yaml11_bool("true"));
    }
}
