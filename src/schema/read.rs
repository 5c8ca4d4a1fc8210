//! Typed reading of a YAML node tree: strict types, unknown fields, every problem reported.
//!
//! A value with the wrong type is reported once here and its path is remembered as broken, so
//! the semantic rules that run afterwards do not report the same field a second time. Field
//! paths are built as text only when a finding needs one, and strings are moved out of the
//! tree rather than copied (the tree keeps its keys and spans for locating findings later).

use std::fmt;

use super::diag::{Diagnostic, Rule};
use super::yaml::{is_yaml11_bool, plain_type, Kind, Node, PlainType, Style};

/// Collects structural problems while typed values are read out of a tree.
#[derive(Default)]
pub struct Reader {
    pub diags: Vec<Diagnostic>,
    broken: Vec<String>,
}

/// Where a value sits, as a chain of borrowed segments: free to extend, rendered as
/// `tools[1].params[0].in` only when a finding is reported.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    pub fn at(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, k) => f.write_str(k),
            Path::Key(parent, k) => write!(f, "{parent}.{k}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// The fields of one mapping, with a note of which were read.
pub struct Fields<'n, 'p> {
    pairs: &'n mut [(Node, Node)],
    used: Vec<bool>,
    pub path: Path<'p>,
}

/// Joins a field path: `a` + `b` = `a.b`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends an index: `a` + 2 = `a[2]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

impl Fields<'_, '_> {
    /// The value under `key`, marking the key as known.
    pub fn get(&mut self, key: &str) -> Option<&mut Node> {
        let i = self.pairs.iter().position(|(k, _)| k.scalar() == Some(key))?;
        self.used[i] = true;
        Some(&mut self.pairs[i].1)
    }
}

impl Reader {
    /// A reader that starts with the diagnostics the YAML parser already found.
    pub fn with(diags: Vec<Diagnostic>) -> Reader {
        Reader { diags, broken: Vec::new() }
    }

    fn wrong_type(&mut self, node: &Node, path: Path<'_>, expected: &str) {
        let path = path.to_string();
        let mut d = Diagnostic::new(Rule::YamlWrongType, path.clone(), format!("expected {expected}, found {}", node.describe()))
            .with_span(node.span);
        if expected == "a string" && matches!(node.kind, Kind::Scalar(..)) {
            d = d.with_help("quote the value to make it a string, e.g. \"1.0\"");
        }
        self.diags.push(d);
        self.broken.push(path);
    }

    /// Opens a mapping; reports anything else.
    pub fn fields<'n, 'p>(&mut self, node: &'n mut Node, path: Path<'p>) -> Option<Fields<'n, 'p>> {
        if !matches!(node.kind, Kind::Map(_)) {
            self.wrong_type(node, path, "a mapping");
            return None;
        }
        match &mut node.kind {
            Kind::Map(pairs) => Some(Fields { used: vec![false; pairs.len()], pairs, path }),
            _ => None,
        }
    }

    /// Reports every key that was not read, suggesting the field it most resembles.
    pub fn finish(&mut self, fields: Fields<'_, '_>, allowed: &[&str]) {
        let parent = fields.path;
        for ((key, _), used) in fields.pairs.iter().zip(fields.used) {
            if used {
                continue;
            }
            let name = key.scalar().unwrap_or_default();
            let path = parent.key(name).to_string();
            let mut d = Diagnostic::new(Rule::YamlUnknownField, path, format!("unknown field `{name}`")).with_span(key.span);
            d = match allowed.iter().find(|a| similar(a, name)) {
                Some(a) => d.with_help(format!("did you mean `{a}`? (field names are case-sensitive)")),
                None => d.with_help(format!("allowed here: {}", allowed.join(", "))),
            };
            self.diags.push(d);
        }
    }

    /// A string value, moved out of the tree; anything else is reported and read as empty.
    pub fn string(&mut self, node: &mut Node, path: Path<'_>) -> String {
        let is_string = match &node.kind {
            Kind::Scalar(_, Style::Quoted | Style::Block) => true,
            Kind::Scalar(v, Style::Plain) => plain_type(v) == PlainType::Str,
            _ => false,
        };
        match &mut node.kind {
            Kind::Scalar(v, _) if is_string => {
                // The parser over-allocates; a manifest may live for the whole run.
                let mut s = std::mem::take(v);
                s.shrink_to_fit();
                s
            }
            _ => {
                self.wrong_type(node, path, "a string");
                String::new()
            }
        }
    }

    /// An optional string field: absent reads as empty, like the Go schema's zero value.
    pub fn opt_string(&mut self, f: &mut Fields<'_, '_>, key: &str) -> String {
        let parent = f.path;
        match f.get(key) {
            Some(node) => self.string(node, parent.key(key)),
            None => String::new(),
        }
    }

    /// A boolean written exactly `true` or `false`.
    pub fn bool(&mut self, node: &Node, path: Path<'_>) -> Option<bool> {
        match &node.kind {
            Kind::Scalar(v, Style::Plain) if v == "true" => Some(true),
            Kind::Scalar(v, Style::Plain) if v == "false" => Some(false),
            Kind::Scalar(v, _) if is_yaml11_bool(v) || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") => {
                let path = path.to_string();
                self.diags.push(
                    Diagnostic::new(Rule::YamlBoolean, path.clone(), format!("`{v}` is not a boolean here; write true or false"))
                        .with_span(node.span),
                );
                self.broken.push(path);
                None
            }
            _ => {
                self.wrong_type(node, path, "true or false");
                None
            }
        }
    }

    /// A plain decimal integer.
    pub fn int(&mut self, node: &Node, path: Path<'_>) -> Option<i64> {
        match &node.kind {
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
        path: Path<'_>,
        mut item: impl FnMut(&mut Reader, &mut Node, Path<'_>) -> Option<T>,
    ) -> Vec<T> {
        if !matches!(node.kind, Kind::Seq(_)) {
            self.wrong_type(node, path, "a list");
            return Vec::new();
        }
        match &mut node.kind {
            Kind::Seq(items) => items.iter_mut().enumerate().filter_map(|(i, n)| item(self, n, path.at(i))).collect(),
            _ => Vec::new(),
        }
    }

    /// An optional list of strings.
    pub fn opt_strings(&mut self, f: &mut Fields<'_, '_>, key: &str) -> Vec<String> {
        let parent = f.path;
        match f.get(key) {
            Some(node) => self.list(node, parent.key(key), |r, n, p| Some(r.string(n, p))),
            None => Vec::new(),
        }
    }

    /// Drops rule findings on fields already reported as structurally broken, then returns all.
    pub fn merge(mut self, rules: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let broken: std::collections::HashSet<String> = std::mem::take(&mut self.broken).into_iter().collect();
        self.diags.extend(rules.into_iter().filter(|d| !prefixes(&d.field).any(|p| broken.contains(p))));
        self.diags
    }

    /// Reports a value that is present but unusable, outside of type checks.
    pub fn mark_broken(&mut self, path: &str) {
        self.broken.push(path.to_string());
    }
}

/// A field path and every path that contains it: `a.b[1]`, `a.b`, `a`.
fn prefixes(field: &str) -> impl Iterator<Item = &str> {
    let cuts = field.match_indices(['.', '[']).map(|(i, _)| i);
    std::iter::once(field).chain(cuts.map(|i| &field[..i]))
}

/// Case-insensitive equality, or one edit apart.
fn similar(allowed: &str, name: &str) -> bool {
    allowed.eq_ignore_ascii_case(name) || strsim::levenshtein(allowed, name) <= 2 && name.len() > 3
}

/// Sets each diagnostic's span from the tree, unless the reader already set one.
pub fn locate(root: Option<&Node>, diags: &mut [Diagnostic]) {
    let Some(root) = root else { return };
    for d in diags.iter_mut().filter(|d| d.span.is_none()) {
        d.span = Some(root.locate(&d.field, d.at_key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::yaml;

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
        let mut f = r.fields(&mut node, Path::Root).unwrap();
        assert!(f.get("name").is_none());
        r.finish(f, &["name"]);
        assert_eq!(r.diags.len(), 2);
        assert!(r.diags[0].help.contains("did you mean `name`"));
        assert_eq!(r.diags[1].field, "zzz");
    }

    #[test]
    fn strict_scalars() {
        let mut node = tree("a: yes\nb: true\nc: 1.0\nd: \"1.0\"\ne: 7\nf: '7'\n");
        let mut r = Reader::default();
        let mut f = r.fields(&mut node, Path::Root).unwrap();
        let root = Path::Root;
        assert_eq!(r.bool(f.get("a").unwrap(), root.key("a")), None);
        assert_eq!(r.bool(f.get("b").unwrap(), root.key("b")), Some(true));
        assert_eq!(r.string(f.get("c").unwrap(), root.key("c")), "");
        assert_eq!(r.string(f.get("d").unwrap(), root.key("d")), "1.0");
        assert_eq!(r.int(f.get("e").unwrap(), root.key("e")), Some(7));
        assert_eq!(r.int(f.get("f").unwrap(), root.key("f")), None);
        let rules: Vec<_> = r.diags.iter().map(|d| d.rule).collect();
        assert_eq!(rules, vec![Rule::YamlBoolean, Rule::YamlWrongType, Rule::YamlWrongType]);
    }

    #[test]
    fn paths_render_like_field_paths() {
        let root = Path::Root;
        let tools = root.key("tools");
        let t1 = tools.at(1);
        let params = t1.key("params");
        let p0 = params.at(0);
        assert_eq!(p0.key("in").to_string(), "tools[1].params[0].in");
        assert_eq!(root.to_string(), "");
    }

    #[test]
    fn merge_drops_findings_under_broken_fields() {
        let mut r = Reader::default();
        r.mark_broken("source");
        let kept = Diagnostic::new(Rule::Name, "name", "x".into());
        let dropped = Diagnostic::new(Rule::SourceRepo, "source.repo", "x".into());
        let out = r.merge(vec![kept.clone(), dropped]);
        assert_eq!(out, vec![kept]);
        assert_eq!(
            prefixes("tools[1].params[0].in").collect::<Vec<_>>(),
            ["tools[1].params[0].in", "tools", "tools[1]", "tools[1].params", "tools[1].params[0]"]
        );
        assert!(!prefixes("tools[10]").any(|p| p == "tools[1]"));
    }
}
