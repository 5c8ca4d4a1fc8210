// SPDX-License-Identifier: Apache-2.0
//! The event-level rules: anchors, aliases, tags, second documents, nesting depth, non-scalar
//! and duplicate keys, applied to saphyr-parser's events before any value is typed, so an alias
//! bomb is never expanded and every later finding can point at a line and column. Also the
//! syntax go-yaml reads differently: explicit `?` keys, `<<` merge keys, the `\/` escape, and
//! a `?` inside an unquoted value in a flow collection.

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
pub(super) struct Events<'t, 'o> {
    offsets: Offsets<'t>,
    tree: Builder,
    documents: usize,
    /// For each open collection, whether it is a flow (`[...]`, `{...}`) collection.
    flow: Vec<bool>,
    out: &'o mut Vec<Diagnostic>,
}

/// A finding that makes the whole tree unusable: a syntax error, a second document, nesting
/// too deep.
pub(super) struct Unusable;

/// Reads every event of `text` into a tree with saphyr-parser; `Ok(None)` for a document without
/// content. Findings are pushed to `out`.
pub(super) fn read(text: &str, out: &mut Vec<Diagnostic>) -> Result<Option<Node>, Unusable> {
    let mut parser = Parser::new_from_str(text);
    let mut ev = Events::new(text, text.is_ascii(), out);
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
    Ok(ev.root())
}

impl<'t, 'o> Events<'t, 'o> {
    /// The event loop over `text`, pushing findings to `out`; `ascii` when the text is ASCII.
    pub(super) fn new(text: &'t str, ascii: bool, out: &'o mut Vec<Diagnostic>) -> Events<'t, 'o> {
        Events { offsets: Offsets { text, ascii, char_idx: 0, byte_idx: 0 }, tree: Builder::default(), documents: 0, flow: Vec::new(), out }
    }

    /// The tree, once every event is in.
    pub(super) fn root(self) -> Option<Node> {
        self.tree.root()
    }
}

impl Events<'_, '_> {
    fn report(&mut self, rule: Rule, span: Span, message: String) {
        self.out.push(Diagnostic::whole_file(rule, message).with_span(span));
    }

    /// Takes one event at its place in the text; `Break` when the tree is unusable.
    pub(super) fn event(&mut self, event: Event<'_>, span: Span) -> ControlFlow<()> {
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
                self.go_scalar_syntax(&value, style, span);
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
                let at = self.offsets.text.as_bytes().get(span.start.offset);
                self.flow.push(matches!(at, Some(b'[' | b'{')));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.flow.pop();
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
        if self.tree.expects_key() {
            self.go_key_syntax(&node);
        }
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

impl Events<'_, '_> {
    /// Scalars go-yaml reads differently: the `\/` escape (YAML 1.2 only; go-yaml refuses the
    /// file), an unquoted value starting with an indicator such as `|` or `>` (saphyr-parser
    /// takes one inside a flow collection, libyaml refuses it), and a `?` in an unquoted value
    /// inside a flow collection (go-yaml ends the value there, libyaml 0.2.5 and YAML 1.2 do
    /// not).
    fn go_scalar_syntax(&mut self, value: &str, style: ScalarStyle, span: Span) {
        let source = self.offsets.text.get(span.start.offset..span.end.offset).unwrap_or_default();
        if style == ScalarStyle::DoubleQuoted && has_slash_escape(source) {
            let msg = "`\\/` is an escape in YAML 1.2 only: go-yaml refuses the file".to_string();
            self.report_11(span, msg, "write `/` without the backslash");
        }
        if style == ScalarStyle::Plain
            && value.starts_with(['|', '>', '%', '@', '`', ',', '[', ']', '{', '}', '#', '&', '*', '!', '\'', '"'])
        {
            let msg = format!("`{value}` starts with an indicator character: YAML 1.1 readers refuse it unquoted");
            self.report_11(span, msg, "quote the value");
        }
        if style == ScalarStyle::Plain && value.contains('?') && self.flow.last() == Some(&true) {
            let msg =
                format!("`{value}` holds a `?` inside a flow collection: go-yaml ends the value at the `?` and reads the rest as a key");
            self.report_11(span, msg, &format!("quote the value: \"{value}\""));
        }
    }

    /// Keys go-yaml reads differently: an explicit `? key` (refused to keep one way of writing
    /// a key) and a plain `<<`, which YAML 1.1 readers take as a merge of the value's keys.
    fn go_key_syntax(&mut self, key: &Node) {
        let before = self.offsets.text.get(..key.span.start.offset).unwrap_or_default();
        let before = before.trim_end_matches(' ');
        if before.ends_with('?') && before[..before.len() - 1].ends_with([' ', '\n', '{', '[', ',']) || before == "?" {
            self.report_11(key.span, "an explicit `? ` key".into(), "write the key as `key: value`");
        }
        if matches!(&key.kind, super::tree::Kind::Scalar(k, Style::Plain) if k == "<<") {
            let msg = "`<<` is a merge key to YAML 1.1 readers: the gateway would copy the value's keys into this mapping".to_string();
            self.out.push(Diagnostic::whole_file(Rule::YamlScalar11, msg).with_span(key.span).with_help("write every key out in full"));
        }
    }

    fn report_11(&mut self, span: Span, message: String, help: &str) {
        self.out.push(Diagnostic::whole_file(Rule::YamlSyntax11, message).with_span(span).with_help(help));
    }
}

/// Whether a double-quoted scalar's source holds the `\/` escape.
fn has_slash_escape(source: &str) -> bool {
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('/') {
            return true;
        }
    }
    false
}

fn scan_error(e: &ScanError, offsets: &mut Offsets<'_>) -> Diagnostic {
    let at = Span::point(offsets.pos(e.marker()));
    // The scanner has its own nesting limit, which can trip before ours sees the events.
    if e.info().contains("recursion limit") {
        return Diagnostic::whole_file(Rule::YamlTooDeep, format!("nesting deeper than the parser's limit ({})", e.info())).with_span(at);
    }
    super::syntax::explain(e.info(), at.start, offsets.text)
}
