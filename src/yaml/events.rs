// SPDX-License-Identifier: Apache-2.0
//! The event-level rules: anchors, aliases, tags, second documents, nesting depth, non-scalar
//! and duplicate keys, applied to saphyr-parser's events before any value is typed, so an alias
//! bomb is never expanded and every later finding can point at a line and column.

use std::ops::ControlFlow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use super::tree::{Builder, KeyProblem, Node, Style};
use super::MAX_DEPTH;
use crate::diag::{Diagnostic, Rule};
use crate::span::{Pos, Span};

/// Converts char-based parser markers to byte offsets, walking forward only.
struct Offsets<'a> {
    text: &'a str,
    /// In ASCII text a character index is the byte offset: no walking needed.
    ascii: bool,
    char_idx: usize,
    byte_idx: usize,
}

impl Offsets<'_> {
    fn pos(&mut self, m: &Marker) -> Pos {
        let target = m.index();
        if self.ascii {
            return Pos { offset: target.min(self.text.len()), line: m.line(), column: m.col() + 1 };
        }
        if target < self.char_idx {
            self.char_idx = 0;
            self.byte_idx = 0;
        }
        let mut iter = self.text[self.byte_idx..].chars();
        while self.char_idx < target {
            match iter.next() {
                Some(c) => {
                    self.byte_idx += c.len_utf8();
                    self.char_idx += 1;
                }
                None => break,
            }
        }
        Pos { offset: self.byte_idx, line: m.line(), column: m.col() + 1 }
    }
}

/// The event loop's state: positions, the tree under construction and the findings.
struct Events<'t, 'o> {
    offsets: Offsets<'t>,
    tree: Builder,
    documents: usize,
    out: &'o mut Vec<Diagnostic>,
}

/// A finding that makes the whole tree unusable: a syntax error, a second document, nesting
/// too deep.
pub(super) struct Unusable;

/// Reads every event of `text` into a tree; `Ok(None)` for a document without content.
/// Findings are pushed to `out`.
pub(super) fn read(text: &str, out: &mut Vec<Diagnostic>) -> Result<Option<Node>, Unusable> {
    let mut parser = Parser::new_from_str(text);
    let mut ev =
        Events { offsets: Offsets { text, ascii: text.is_ascii(), char_idx: 0, byte_idx: 0 }, tree: Builder::default(), documents: 0, out };
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let d = scan_error(&e, &mut ev.offsets);
                ev.out.push(d);
                return Err(Unusable);
            }
        };
        let span = Span { start: ev.offsets.pos(&span.start), end: ev.offsets.pos(&span.end) };
        if ev.event(event, span).is_break() {
            return Err(Unusable);
        }
    }
    Ok(ev.tree.root())
}

impl Events<'_, '_> {
    fn report(&mut self, rule: Rule, span: Span, message: String) {
        self.out.push(Diagnostic::whole_file(rule, message).with_span(span));
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> ControlFlow<()> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.report(Rule::YamlMultipleDocuments, span, "a second YAML document starts here; a file holds exactly one".into());
                    return ControlFlow::Break(());
                }
            }
            Event::Alias(_) => {
                self.report(Rule::YamlAnchor, span, "YAML aliases (`*name`) are not accepted".into());
                self.add(Node::null(span));
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.properties(anchor, tag.as_deref(), span);
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                self.add(Node { kind: super::tree::Kind::Scalar(value.into_owned(), style), span });
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                self.properties(anchor, tag.as_deref(), span);
                if self.tree.depth() >= MAX_DEPTH {
                    self.report(Rule::YamlTooDeep, span, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return ControlFlow::Break(());
                }
                self.tree.open(matches!(event, Event::SequenceStart(..)), span.start);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(node) = self.tree.close(matches!(event, Event::SequenceEnd), span) {
                    self.add(node);
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// Anchors and tags on a node: reported, never honoured.
    fn properties(&mut self, anchor: usize, tag: Option<&Tag>, span: Span) {
        if anchor != 0 {
            self.report(Rule::YamlAnchor, span, "YAML anchors (`&name`) are not accepted".into());
        }
        if let Some(tag) = tag {
            self.report(Rule::YamlTag, span, format!("YAML tag `{}{}` is not accepted", tag.handle, tag.suffix));
        }
    }

    fn add(&mut self, node: Node) {
        let span = node.span;
        match self.tree.add(node) {
            None => {}
            Some(KeyProblem::NotScalar) => {
                self.report(Rule::YamlWrongType, span, "a mapping key must be a plain name, not a list or mapping".into())
            }
            Some(KeyProblem::Duplicate(key, line)) => {
                self.report(Rule::YamlDuplicateKey, span, format!("key `{key}` appears twice in this mapping (first on line {line})"))
            }
        }
    }
}

fn scan_error(e: &ScanError, offsets: &mut Offsets<'_>) -> Diagnostic {
    let at = Span::point(offsets.pos(e.marker()));
    // The scanner has its own nesting limit, which can trip before ours sees the events.
    if e.info().contains("recursion limit") {
        return Diagnostic::whole_file(Rule::YamlTooDeep, format!("nesting deeper than the parser's limit ({})", e.info())).with_span(at);
    }
    super::syntax::explain(e.info(), at.start, offsets.text)
}
