// SPDX-License-Identifier: Apache-2.0
//! The positioned YAML tree: nodes with spans, located by field path, and the builder that
//! assembles them from parser events.

use std::collections::HashMap;

use super::scalar::{plain_type, PlainType};
use crate::diag::Diagnostic;
use crate::field::{FieldPath, Segment};
use crate::span::{Pos, Span};

/// A scalar's presentation, enough to tell `true` from `"true"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted: typed by the YAML 1.2 core schema.
    Plain,
    /// Single- or double-quoted: always a string.
    Quoted,
    /// A literal or folded block: always a string.
    Block,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar's text and presentation.
    Scalar(String, Style),
    /// A list.
    Seq(Vec<Node>),
    /// Key/value pairs in source order; keys are scalars (anything else was reported).
    Map(Vec<(Node, Node)>),
}

/// One value of the document and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: Kind,
    /// Where it is written.
    pub span: Span,
}

impl Node {
    /// The empty value an alias is read as.
    pub(super) fn null(span: Span) -> Node {
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

    /// The scalar's text, if this is a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// The span of the value at `path`. When the path leaves the tree (a missing field), the
    /// deepest key that exists is pointed at, else the deepest value.
    pub fn locate(&self, path: &FieldPath) -> Span {
        let mut node = self;
        let mut key_span = None;
        for seg in path.segments() {
            let next = match (&node.kind, seg) {
                (Kind::Map(pairs), Segment::Key(k)) => {
                    pairs.iter().find(|(kn, _)| kn.scalar() == Some(k.as_ref())).map(|(kn, v)| (Some(kn.span), v))
                }
                (Kind::Seq(items), Segment::Index(i)) => items.get(*i).map(|v| (None, v)),
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
        node.span
    }

    /// Sets each finding's span from its field path, unless it already has one.
    pub fn locate_all(&self, diags: &mut [Diagnostic]) {
        for d in diags.iter_mut().filter(|d| d.span.is_none()) {
            d.span = Some(self.locate(&d.field));
        }
    }
}

/// Mappings up to this size find duplicate keys by a scan; larger ones by a hash map, so a
/// mapping of thousands of keys is not quadratic and a real manifest pays nothing for it.
const SMALL_MAP: usize = 16;

/// A collection under construction.
enum Open {
    Seq(Vec<Node>, Pos),
    /// Pairs, the key awaiting its value, the start, and each key's first line once the
    /// mapping is large (so a duplicate is found in constant time).
    Map(Vec<(Node, Node)>, Option<Node>, Pos, HashMap<String, usize>),
}

/// What adding a node to an open mapping found wrong with it as a key.
pub(super) enum KeyProblem {
    /// A list or mapping used as a key.
    NotScalar,
    /// The key was already used: its text and the line of its first use.
    Duplicate(String, usize),
}

/// Assembles nodes into a tree as the parser's events arrive.
#[derive(Default)]
pub(super) struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
}

impl Builder {
    /// How many collections are open.
    pub(super) fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Whether the next node added is a mapping key.
    pub(super) fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Open::Map(_, None, _, _)))
    }

    /// Opens a list or a mapping.
    pub(super) fn open(&mut self, seq: bool, start: Pos) {
        self.stack.push(if seq { Open::Seq(Vec::new(), start) } else { Open::Map(Vec::new(), None, start, HashMap::new()) });
    }

    /// Closes the innermost collection, if it is of the kind the end event says.
    pub(super) fn close(&mut self, seq: bool, end: Span) -> Option<Node> {
        // A flow collection ends just after its bracket; the parser's end event runs on over any
        // trailing comment, and a block collection's end event sits at the next token.
        let mut at = end.start;
        if end.end.offset > end.start.offset {
            at.offset += 1;
            at.column += 1;
        }
        match (self.stack.pop(), seq) {
            (Some(Open::Seq(items, start)), true) => Some(Node { kind: Kind::Seq(items), span: Span { start, end: at } }),
            (Some(Open::Map(pairs, _, start, _)), false) => Some(Node { kind: Kind::Map(pairs), span: Span { start, end: at } }),
            _ => None,
        }
    }

    /// Adds a finished node where it belongs: the root, a list item, a key or a value.
    pub(super) fn add(&mut self, node: Node) -> Option<KeyProblem> {
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return None;
        };
        match open {
            Open::Seq(items, _) => items.push(node),
            Open::Map(pairs, pending, _, first_lines) => match pending.take() {
                Some(key) => pairs.push((key, node)),
                None => {
                    let problem = key_problem(pairs, first_lines, &node);
                    *pending = Some(node);
                    return problem;
                }
            },
        }
        None
    }

    /// The document's root, once every event is in.
    pub(super) fn root(self) -> Option<Node> {
        self.root
    }
}

/// Checks a new key against the mapping's earlier keys and remembers it.
fn key_problem(pairs: &[(Node, Node)], first_lines: &mut HashMap<String, usize>, key: &Node) -> Option<KeyProblem> {
    let Some(k) = key.scalar() else { return Some(KeyProblem::NotScalar) };
    let duplicate = if pairs.len() > SMALL_MAP {
        first_lines.get(k).copied()
    } else {
        pairs.iter().find(|(kn, _)| kn.scalar() == Some(k)).map(|(kn, _)| kn.span.start.line)
    };
    if pairs.len() >= SMALL_MAP {
        if first_lines.is_empty() {
            first_lines.extend(pairs.iter().rev().filter_map(|(kn, _)| Some((kn.scalar()?.to_string(), kn.span.start.line))));
        }
        first_lines.entry(k.to_string()).or_insert(key.span.start.line);
    }
    duplicate.map(|line| KeyProblem::Duplicate(k.to_string(), line))
}
