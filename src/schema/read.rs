// SPDX-License-Identifier: Apache-2.0
//! Typed reading of a YAML tree: strict scalars, closed sets, unknown fields, every problem
//! reported. A plain value is read as a string only when YAML 1.2 and YAML 1.1 readers (the
//! Go side) both read it as one; an integer only when both read the same number.
//!
//! A value with the wrong type is reported once here and its path is remembered as broken, so
//! the rules that run afterwards do not report the same field a second time. Paths are built
//! only when a finding needs one, and strings are moved out of the tree rather than copied (the
//! tree keeps its keys and spans for locating findings later).

use std::collections::HashSet;

use super::chars::{self, Hidden};
use super::closed::{Closed, ClosedSet};
use super::rules::placeholder;
use super::SchemaKind;
use crate::diag::{Diagnostic, Rule};
use crate::field::{FieldPath, Segment};
use crate::span::Span;
use crate::yaml::{is_yaml11_bool, plain_type, yaml11_type, Kind, Node, PlainType, Style, Yaml11Type};

/// Collects structural problems while typed values are read out of a tree.
#[derive(Default)]
pub struct Reader {
    /// The findings so far.
    pub diagnostics: Vec<Diagnostic>,
    broken: HashSet<FieldPath>,
    /// The file is read by the Go side too (a manifest or toolspec): plain values that YAML 1.1
    /// types differently are refused.
    go_read: bool,
    /// The schema being read, whose other fields a misplaced key is matched against.
    schema: Option<SchemaKind>,
    /// Fields whose emptiness or absence a misplaced key already explains.
    explained: Vec<FieldPath>,
    /// Where misplaced keys belong; a finding that such a field is missing repeats theirs.
    targets: Vec<FieldPath>,
    /// The raw hidden characters of the file that its character-level scan reports, with their
    /// offsets: a value holding one is not reported again.
    raw: Vec<(usize, char)>,
}

/// The fields of one mapping. The keys asked for are the allowed keys: anything else in the
/// mapping is an unknown field.
pub struct Fields<'n> {
    pairs: &'n mut [(Node, Node)],
    used: Vec<bool>,
    asked: Asked,
    path: FieldPath,
}

/// The keys asked for, in order, without allocating: the schema's structs have at most 13
/// fields, and a longer list would only shorten the "allowed here" help.
#[derive(Default)]
struct Asked {
    keys: [&'static str; 16],
    len: usize,
}

impl Asked {
    fn push(&mut self, key: &'static str) {
        if let Some(slot) = self.keys.get_mut(self.len) {
            *slot = key;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[&'static str] {
        &self.keys[..self.len]
    }
}

impl Fields<'_> {
    /// The value under `key`, marking the key as known.
    pub fn get(&mut self, key: &'static str) -> Option<&mut Node> {
        self.entry(key).map(|(node, _)| node)
    }

    /// The value under `key` and this mapping's path (for a finding about the value).
    fn entry(&mut self, key: &'static str) -> Option<(&mut Node, &FieldPath)> {
        self.asked.push(key);
        let i = self.pairs.iter().position(|(k, _)| k.scalar() == Some(key))?;
        self.used[i] = true;
        Some((&mut self.pairs[i].1, &self.path))
    }

    /// Where this mapping is.
    pub fn path(&self) -> &FieldPath {
        &self.path
    }

    /// The path of one of its fields.
    pub fn child(&self, key: &'static str) -> FieldPath {
        self.path.clone().key(key)
    }
}

impl Reader {
    /// A reader that starts with the findings the YAML parser already made.
    pub fn new(parse_findings: Vec<Diagnostic>) -> Reader {
        Reader { diagnostics: parse_findings, ..Reader::default() }
    }

    /// A reader for a file the Go side reads too (a manifest or a toolspec): a plain value is a
    /// string only if YAML 1.1 readers also read it as one (rule `yaml-1.1-scalar`), and holds no
    /// hidden character (`value-hidden-character`). `text` is the file's text, whose raw control,
    /// bidi and line-break characters its own scan reports: a value holding one is not reported a
    /// second time.
    pub fn for_go(parse_findings: Vec<Diagnostic>, text: &str) -> Reader {
        // `at` comes from `char_indices`, so `text[at..]` is a slice at a character boundary.
        let line_end = |at: usize, c: char| c == '\n' || (c == '\r' && text[at..].starts_with("\r\n"));
        // Most files are printable ASCII and line feeds only, with nothing to scan for.
        let plain = text.bytes().all(|b| matches!(b, b' '..=b'~' | b'\n'));
        let raw = chars::hidden(if plain { "" } else { text })
            .filter(|&(at, c, kind)| !line_end(at, c) && (kind != Hidden::Invisible || c == '\u{feff}'))
            .map(|(at, c, _)| (at, c))
            .collect();
        Reader { go_read: true, raw, ..Reader::new(parse_findings) }
    }

    /// Names the schema being read, so a key found at the wrong level is told where it belongs.
    #[must_use]
    pub fn with_schema(mut self, schema: SchemaKind) -> Reader {
        self.schema = Some(schema);
        self
    }

    /// Whether a missing or empty field is explained by a key found at the wrong level (an
    /// `egress:` beside `entitlements:` rather than under it), so it needs no finding of its own.
    pub fn is_explained(&self, path: &FieldPath) -> bool {
        self.explained.contains(path)
    }

    fn wrong_type(&mut self, node: &Node, path: FieldPath, expected: &str) {
        let mut d = Diagnostic::new(Rule::YamlWrongType, path.clone(), format!("expected {expected}, found {}", node.describe()))
            .with_span(node.span);
        if expected == "a string" && matches!(node.kind, Kind::Scalar(..)) {
            d = d.with_help("quote the value to make it a string, e.g. \"1.0\"");
        }
        self.diagnostics.push(d);
        self.broken.insert(path);
    }

    /// Opens a mapping; reports anything else.
    pub fn fields<'n>(&mut self, node: &'n mut Node, path: FieldPath) -> Option<Fields<'n>> {
        if !matches!(node.kind, Kind::Map(_)) {
            self.wrong_type(node, path, "a mapping");
            return None;
        }
        match &mut node.kind {
            Kind::Map(pairs) => Some(Fields { used: vec![false; pairs.len()], asked: Asked::default(), pairs, path }),
            _ => None,
        }
    }

    /// Reports every key that was not asked for: a field of the schema found at the wrong level
    /// is told where it belongs, anything else the field it most resembles.
    pub fn reject_unknown(&mut self, fields: Fields<'_>) {
        let Fields { pairs, used, asked, path } = fields;
        for ((key, _), used) in pairs.iter().zip(&used) {
            if *used {
                continue;
            }
            let name = key.scalar().unwrap_or_default();
            let d = Diagnostic::new(Rule::YamlUnknownField, path.clone().key(name.to_string()), format!("unknown field `{name}`"))
                .with_span(key.span);
            let asked = asked.as_slice();
            let d = match (self.misplaced(name, &path, pairs), asked.iter().find(|a| similar(a, name))) {
                (Some((message, help)), _) => Diagnostic { message, ..d }.with_help(help),
                (None, Some(a)) => d.with_help(format!("did you mean `{a}`? (field names are case-sensitive)")),
                (None, None) => d.with_help(format!("allowed here: {}", asked.join(", "))),
            };
            self.diagnostics.push(d);
        }
    }

    /// A plain value YAML 1.2 reads as a string and a YAML 1.1 reader does not: reported, so
    /// the gateway never reads `yes` as `true` or `017` as `15` where registryctl read text.
    fn yaml11_not_string(&mut self, node: &Node, t: Yaml11Type, path: FieldPath) {
        let v = node.scalar().unwrap_or_default();
        let message = format!("`{v}` is {} to YAML 1.1 readers such as the gateway's, not the string registryctl reads", t.describe());
        let d = Diagnostic::new(Rule::YamlScalar11, path.clone(), message).with_span(node.span);
        self.diagnostics.push(d.with_help(format!("quote the value: \"{v}\"")));
        self.broken.insert(path);
    }

    /// Where a schema field found at `here` belongs, as a message and help text; `None` when
    /// `name` is no field of the schema. When it belongs under a sibling key that is empty or
    /// missing, that key's own finding is dropped: the misplaced key explains it.
    fn misplaced(&mut self, name: &str, here: &FieldPath, siblings: &[(Node, Node)]) -> Option<(String, String)> {
        let places = self.schema?.field_places();
        let shape = shape_of(here);
        let prefix = if shape.is_empty() { String::new() } else { format!("{shape}.") };
        let targets: Vec<&str> =
            places.iter().filter(|(n, p)| n == name && *p != format!("{prefix}{name}")).map(|(_, p)| p.as_str()).collect();
        let first = *targets.first()?;
        let names = targets.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" or ");
        let parent = first.strip_suffix(name).and_then(|p| p.strip_suffix('.')).unwrap_or_default();
        // A parent that is a sibling key here (`entitlements` beside a top-level `egress`).
        let sibling = parent.strip_prefix(prefix.as_str()).filter(|s| !s.is_empty() && !s.contains(['.', '[']));
        let how = match sibling {
            Some(s) => {
                let sibling_path = here.clone().key(s.to_string());
                let key = siblings.iter().find(|(k, _)| k.scalar() == Some(s));
                if key.is_some_and(|(_, v)| v.scalar() == Some("")) {
                    self.diagnostics.retain(|d| !(d.rule == Rule::YamlWrongType && d.field == sibling_path));
                }
                self.targets.push(sibling_path.clone().key(name.to_string()));
                self.explained.push(sibling_path);
                let here_line = siblings.iter().find(|(k, _)| k.scalar() == Some(name)).map(|(k, _)| k.span.start.line);
                match key.map(|(k, _)| k.span.start.line) {
                    Some(line) if here_line == Some(line + 1) => {
                        format!("indent `{name}:` and the lines under it by two more spaces, under `{s}:` (line {line})")
                    }
                    Some(line) => format!("move `{name}:` under `{s}:` (line {line}), indented like its other fields"),
                    None => format!("add `{s}:` and write `{name}:` under it, indented by two spaces"),
                }
            }
            None if parent.is_empty() => {
                self.targets.push(FieldPath::root().key(name.to_string()));
                format!("move `{name}:` out to the top level, at column 1")
            }
            None if parent.ends_with("[]") => {
                format!("put `{name}:` inside an item of `{}`, lined up with the item's other fields", parent.trim_end_matches("[]"))
            }
            None => format!("move `{name}:` under `{parent}`"),
        };
        let at = if here.is_root() { "at the top level".to_string() } else { format!("in `{here}`") };
        let belongs = if parent.is_empty() { "at the top level".to_string() } else { format!("in `{parent}`") };
        Some((format!("`{name}` belongs {belongs}, not {at}"), format!("did you mean {names}? {how}")))
    }

    /// A string value, moved out of the tree; anything else is reported and read as `None`. In a
    /// file the Go side reads, a value holding a hidden character is reported
    /// (`value-hidden-character`) and its field marked broken, so no rule reports it again; the
    /// value is kept as written, for the review gate to show it.
    fn string_value(&mut self, node: &mut Node, path: impl Fn() -> FieldPath) -> Option<String> {
        let s = self.text_value(node, &path)?;
        if !self.go_read || !chars::has_hidden(&s) {
            return Some(s);
        }
        // A raw character the file's scan already reported needs no second finding; the field is
        // still not checked again.
        if let Some((i, c, kind)) = self.unreported_hidden(&s, node.span) {
            let at = s[..i].chars().count() + 1;
            let message = format!(
                "`{s}` holds {} U+{:04X} (character {at}): what a reviewer reads is not what the gateway and the service receive",
                kind.describe(),
                u32::from(c)
            );
            self.diagnostics.push(Diagnostic::new(Rule::ValueHiddenCharacter, path(), message).with_span(node.span));
        }
        self.broken.insert(path());
        Some(s)
    }

    /// The first hidden character of a value `s` read from `span` that the character-level scan
    /// of the file did not already report: a raw control, bidi, tab or line-break character in the
    /// file is its finding (`yaml-control-character`, ...), and the value's would repeat it.
    fn unreported_hidden(&self, s: &str, span: Span) -> Option<(usize, char, Hidden)> {
        chars::hidden(s).find(|&(_, c, _)| !self.scanned(c, span))
    }

    /// Whether the file holds `c` raw within `span`, where its character-level scan reported it.
    fn scanned(&self, c: char, span: Span) -> bool {
        // `raw` is in file order: the characters within the span are one slice of it.
        let from = self.raw.partition_point(|&(at, _)| at < span.start.offset);
        let to = self.raw.partition_point(|&(at, _)| at < span.end.offset);
        self.raw.get(from..to).is_some_and(|here| here.iter().any(|&(_, r)| r == c))
    }

    /// [`Reader::string_value`] without the hidden-character check: consent-screen text has
    /// rules of its own ([`Reader::opt_text`]).
    fn text_value(&mut self, node: &mut Node, path: &impl Fn() -> FieldPath) -> Option<String> {
        let is_string = match &node.kind {
            Kind::Scalar(_, Style::Quoted | Style::Block) => true,
            Kind::Scalar(v, Style::Plain) if plain_type(v) == PlainType::Str => {
                if let Some(t) = yaml11_type(v).filter(|_| self.go_read) {
                    self.yaml11_not_string(node, t, path());
                    return None;
                }
                true
            }
            _ => false,
        };
        match &mut node.kind {
            Kind::Scalar(v, _) if is_string => {
                // The parser over-allocates; a manifest may live for the whole run.
                let mut s = std::mem::take(v);
                s.shrink_to_fit();
                Some(s)
            }
            _ => {
                self.wrong_type(node, path(), "a string");
                None
            }
        }
    }

    /// A string value; anything else is reported and read as empty.
    pub fn string(&mut self, node: &mut Node, path: &FieldPath) -> String {
        self.string_value(node, || path.clone()).unwrap_or_default()
    }

    /// An optional string field: absent reads as empty, like the Go schema's zero value.
    pub fn opt_string(&mut self, f: &mut Fields<'_>, key: &'static str) -> String {
        match f.entry(key) {
            Some((node, path)) => self.string_value(node, || path.clone().key(key)).unwrap_or_default(),
            None => String::new(),
        }
    }

    /// An optional field of text shown on a consent screen (displayName, descriptions): a
    /// string without characters that reorder text, start a terminal escape, return the cursor or
    /// end a string (`text-control-character`), nor invisible ones (`text-invisible-character`),
    /// both errors; other control characters and line separators, which garble its layout, are a
    /// warning (`text-layout-character`). One finding per rule, at its first character.
    pub fn opt_text(&mut self, f: &mut Fields<'_>, key: &'static str) -> String {
        let Some((node, path)) = f.entry(key) else { return String::new() };
        let span = node.span;
        let Some(text) = self.text_value(node, &|| path.clone().key(key)) else { return String::new() };
        let mut reported: Vec<Rule> = Vec::new();
        let scan = if chars::has_hidden(&text) { text.as_str() } else { "" };
        for (i, c, kind) in chars::hidden(scan) {
            let rule = text_rule(kind, c);
            if reported.contains(&rule) || self.scanned(c, span) {
                continue;
            }
            reported.push(rule);
            let at = text[..i].chars().count() + 1;
            let message =
                format!("{key} holds {} U+{:04X} (character {at}): the text reaches a consent screen", kind.describe(), u32::from(c));
            self.diagnostics.push(Diagnostic::new(rule, path.clone().key(key), message).with_span(span));
        }
        text
    }

    /// A closed-set string field that must be present: absent or unknown values are reported
    /// with the set's rule and kept as written.
    pub fn closed<T: ClosedSet>(&mut self, f: &mut Fields<'_>, key: &'static str) -> Closed<T> {
        let raw = match f.entry(key) {
            Some((node, path)) => match self.string_value(node, || path.clone().key(key)) {
                Some(raw) => raw,
                None => return Closed::Unknown(String::new()),
            },
            None => String::new(),
        };
        if self.is_broken(&f.child(key)) {
            return Closed::Unknown(raw);
        }
        self.closed_value(raw, || f.path.clone().key(key))
    }

    /// A closed-set string field that may be omitted; empty is the same as omitted.
    pub fn opt_closed<T: ClosedSet>(&mut self, f: &mut Fields<'_>, key: &'static str) -> Option<Closed<T>> {
        let (node, path) = f.entry(key)?;
        let raw = self.string_value(node, || path.clone().key(key))?;
        if self.is_broken(&f.child(key)) {
            return Some(Closed::Unknown(raw));
        }
        (!raw.is_empty()).then(|| self.closed_value(raw, || f.path.clone().key(key)))
    }

    fn closed_value<T: ClosedSet>(&mut self, raw: String, path: impl FnOnce() -> FieldPath) -> Closed<T> {
        let value = Closed::from_text(raw);
        if let Closed::Unknown(raw) = &value {
            let d = if T::SCAFFOLDED && placeholder::is_marker(raw) {
                placeholder::finding(path(), raw)
            } else {
                Diagnostic::new(T::RULE, path(), T::unknown_message(raw))
            };
            self.diagnostics.push(d);
        }
        value
    }

    /// A boolean written exactly `true` or `false`.
    pub fn bool(&mut self, node: &Node, path: FieldPath) -> Option<bool> {
        match &node.kind {
            Kind::Scalar(v, Style::Plain) if v == "true" => Some(true),
            Kind::Scalar(v, Style::Plain) if v == "false" => Some(false),
            Kind::Scalar(v, _) if is_yaml11_bool(v) || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") => {
                self.diagnostics.push(
                    Diagnostic::new(Rule::YamlBoolean, path.clone(), format!("`{v}` is not a boolean here; write true or false"))
                        .with_span(node.span),
                );
                self.broken.insert(path);
                None
            }
            _ => {
                self.wrong_type(node, path, "true or false");
                None
            }
        }
    }

    /// A plain decimal integer without leading zeros or `_`, which YAML 1.2 and YAML 1.1
    /// readers read as the same number (`010` is 10 to one and 8 to the other).
    pub fn int(&mut self, node: &Node, path: FieldPath) -> Option<i64> {
        let decimal = |v: &str| {
            let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'))
        };
        match &node.kind {
            Kind::Scalar(v, Style::Plain) if plain_type(v) == PlainType::Int && !decimal(v) => {
                self.wrong_type(node, path, "a decimal integer without leading zeros");
                None
            }
            Kind::Scalar(v, Style::Plain) if plain_type(v) == PlainType::Int => match v.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.wrong_type(node, path, "a decimal integer");
                    None
                }
            },
            _ => {
                self.wrong_type(node, path, "an integer");
                None
            }
        }
    }

    /// A list, each item read by `item`; a wrong item type drops that item only.
    pub fn list<T>(
        &mut self,
        node: &mut Node,
        path: FieldPath,
        mut item: impl FnMut(&mut Reader, &mut Node, FieldPath) -> Option<T>,
    ) -> Vec<T> {
        if !matches!(node.kind, Kind::Seq(_)) {
            self.wrong_type(node, path, "a list");
            return Vec::new();
        }
        match &mut node.kind {
            Kind::Seq(items) => items.iter_mut().enumerate().filter_map(|(i, n)| item(self, n, path.clone().index(i))).collect(),
            _ => Vec::new(),
        }
    }

    /// An optional list field, each item read by `item`.
    pub fn opt_list<T>(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        item: impl FnMut(&mut Reader, &mut Node, FieldPath) -> Option<T>,
    ) -> Vec<T> {
        let path = f.child(key);
        match f.get(key) {
            Some(node) => self.list(node, path, item),
            None => Vec::new(),
        }
    }

    /// An optional list of strings.
    pub fn opt_strings(&mut self, f: &mut Fields<'_>, key: &'static str) -> Vec<String> {
        self.opt_list(f, key, |r, n, p| Some(r.string(n, &p)))
    }

    /// An optional nested mapping, read by `read` and then checked for unknown fields.
    pub fn opt_struct<T>(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        read: impl FnOnce(&mut Reader, &mut Fields<'_>) -> T,
    ) -> Option<T> {
        let path = f.child(key);
        let node = f.get(key)?;
        let mut fields = self.fields(node, path)?;
        let value = read(self, &mut fields);
        self.reject_unknown(fields);
        Some(value)
    }

    /// Drops the findings that a field is missing where a misplaced key belongs (the key's own
    /// finding says where it went), and keeps the rules off that field.
    pub fn drop_explained(&mut self, root: &Node) {
        for target in std::mem::take(&mut self.targets) {
            if !present(root, &target) {
                self.diagnostics.retain(|d| d.field != target || d.rule == Rule::YamlUnknownField);
                self.broken.insert(target);
            }
        }
    }

    /// Reports a value that is present but unusable, outside of type checks.
    pub fn mark_broken(&mut self, path: FieldPath) {
        self.broken.insert(path);
    }

    /// Whether a finding at `path` would repeat one already made about it or a field around it.
    fn is_broken(&self, path: &FieldPath) -> bool {
        !self.broken.is_empty() && path.prefixes().any(|p| self.broken.contains(p))
    }

    /// All findings: the reader's own, then the rules' findings on fields that are not broken.
    pub fn with_rule_findings(mut self, rules: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let kept: Vec<Diagnostic> = rules.into_iter().filter(|d| !self.is_broken(&d.field)).collect();
        self.diagnostics.extend(kept);
        self.diagnostics
    }
}

/// The rule for a hidden character in consent-screen text: what hides, reorders or cuts the text
/// (bidirectional controls, ESC, carriage return, NUL, C1) and what is invisible are errors;
/// the other C0 controls (tab, line feed, backspace included), DEL and the line separators only
/// garble the layout, a warning the gateway's own conformance fixture carries.
fn text_rule(kind: Hidden, c: char) -> Rule {
    match kind {
        Hidden::Bidi => Rule::TextControlCharacter,
        Hidden::Control if matches!(c, '\0' | '\u{1b}' | '\r' | '\u{80}'..='\u{9f}') => Rule::TextControlCharacter,
        Hidden::Control | Hidden::LineSeparator => Rule::TextLayoutCharacter,
        Hidden::Invisible => Rule::TextInvisibleCharacter,
    }
}

/// Whether the tree has a value at `path`.
fn present(root: &Node, path: &FieldPath) -> bool {
    let mut node = root;
    for seg in path.segments() {
        let next = match (&node.kind, seg) {
            (Kind::Map(pairs), Segment::Key(k)) => pairs.iter().find(|(kn, _)| kn.scalar() == Some(k.as_ref())).map(|(_, v)| v),
            (Kind::Seq(items), Segment::Index(i)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    true
}

/// A path with its list indexes left out, as the schema's places are written:
/// `tools[2].params` becomes `tools[].params`.
fn shape_of(path: &FieldPath) -> String {
    let mut s = String::new();
    for seg in path.segments() {
        match seg {
            Segment::Key(k) if s.is_empty() => s.push_str(k),
            Segment::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Segment::Index(_) => s.push_str("[]"),
        }
    }
    s
}

/// Case-insensitive equality, or one edit apart.
fn similar(allowed: &str, name: &str) -> bool {
    allowed.eq_ignore_ascii_case(name) || strsim::levenshtein(allowed, name) <= 2 && name.len() > 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::closed::Tier;
    use crate::yaml;

    fn tree(text: &str) -> Node {
        let mut out = Vec::new();
        let n = yaml::parse(text, &mut out).unwrap();
        assert!(out.is_empty(), "{out:?}");
        n
    }

    #[test]
    fn reports_unknown_fields_with_suggestion() {
        let mut node = tree("nmae: x\nzzz: 1\n");
        let mut r = Reader::default();
        let mut f = r.fields(&mut node, FieldPath::root()).unwrap();
        assert!(f.get("name").is_none());
        r.reject_unknown(f);
        assert_eq!(r.diagnostics.len(), 2);
        assert!(r.diagnostics[0].help.contains("did you mean `name`"));
        assert_eq!(r.diagnostics[1].field, "zzz");
        assert_eq!(r.diagnostics[1].help, "allowed here: name");
    }

    #[test]
    fn strict_scalars() {
        let mut node = tree("a: yes\nb: true\nc: 1.0\nd: \"1.0\"\ne: 7\nf: '7'\n");
        let mut r = Reader::default();
        let mut f = r.fields(&mut node, FieldPath::root()).unwrap();
        let at = FieldPath::field;
        assert_eq!(r.bool(f.get("a").unwrap(), at("a")), None);
        assert_eq!(r.bool(f.get("b").unwrap(), at("b")), Some(true));
        assert_eq!(r.string(f.get("c").unwrap(), &at("c")), "");
        assert_eq!(r.string(f.get("d").unwrap(), &at("d")), "1.0");
        assert_eq!(r.int(f.get("e").unwrap(), at("e")), Some(7));
        assert_eq!(r.int(f.get("f").unwrap(), at("f")), None);
        let rules: Vec<_> = r.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(rules, vec![Rule::YamlBoolean, Rule::YamlWrongType, Rule::YamlWrongType]);
    }

    #[test]
    fn closed_sets_are_read_once_and_keep_unknown_text() {
        let mut node = tree("a: sealed\nb: open\nc: [x]\n");
        let mut r = Reader::default();
        let mut f = r.fields(&mut node, FieldPath::root()).unwrap();
        assert_eq!(r.closed::<Tier>(&mut f, "a"), Closed::Known(Tier::Sealed));
        assert_eq!(r.closed::<Tier>(&mut f, "b"), Closed::Unknown("open".into()));
        assert_eq!(r.closed::<Tier>(&mut f, "c"), Closed::Unknown(String::new()));
        assert_eq!(r.opt_closed::<Tier>(&mut f, "d"), None);
        let got: Vec<_> = r.diagnostics.iter().map(|d| (d.rule, d.field.to_string(), d.message.clone())).collect();
        assert_eq!(
            got,
            [
                (Rule::Tier, "b".to_string(), "tier `open` is not sealed or entrusted".to_string()),
                (Rule::YamlWrongType, "c".to_string(), "expected a string, found a list".to_string())
            ]
        );
    }

    #[test]
    fn rule_findings_under_broken_fields_are_dropped() {
        let mut r = Reader::default();
        r.mark_broken(FieldPath::field("source"));
        let kept = Diagnostic::new(Rule::Name, FieldPath::field("name"), "x");
        let dropped = Diagnostic::new(Rule::SourceRepo, FieldPath::field("source").key("repo"), "x");
        assert_eq!(r.with_rule_findings(vec![kept.clone(), dropped]), vec![kept]);
        let mut r = Reader::default();
        r.mark_broken(FieldPath::field("tools").index(1));
        let other = Diagnostic::new(Rule::ToolName, FieldPath::field("tools").index(10).key("name"), "x");
        assert_eq!(r.with_rule_findings(vec![other.clone()]), vec![other]);
    }
}
