// SPDX-License-Identifier: Apache-2.0
//! The fast scanner (src/yaml/fast.rs) against saphyr-parser: on every input, the same tree
//! (values, styles and every position) and the same findings, whichever reader took the text.
//! Checked over the whole catalog, the synthetic registry's shapes, the adversarial corpus, the
//! fuzz seeds and regressions, every one-line edit of those, and generated documents; the fuzz
//! target `yaml_fast` runs the same comparison on fuzzed bytes. The catalog's files must all be
//! read by the fast scanner itself, or the speed it is for is silently lost.

#[path = "../fuzz/fuzz_targets/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_catalog_is_read_by_the_fast_scanner_and_read_alike() {
    let mut slow = Vec::new();
    let mut n = 0;
    for dir in ["manifests", "toolspecs"] {
        for path in files(&repo().join(dir)) {
            let text = fs::read_to_string(&path).unwrap();
            harness::yaml_fast(text.as_bytes());
            if !registryctl::yaml::read_fast(&text) {
                slow.push(path.display().to_string());
            }
            n += 1;
        }
    }
    assert!(n > 300, "only {n} catalog files");
    assert!(slow.is_empty(), "read by saphyr-parser, not the fast scanner: {slow:#?}");
}

/// Every file of the adversarial corpus, the fuzz seeds and the fuzz regressions.
fn adversarial() -> Vec<PathBuf> {
    let mut all = files(&repo().join("tests/corpus"));
    all.extend(files(&repo().join("tests/fuzz-regressions")));
    all.extend(files(&repo().join("fuzz/seeds")));
    all.extend(files(&repo().join("tests/fixtures")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")));
    all
}

#[test]
fn the_corpus_seeds_and_regressions_are_read_alike() {
    let all = adversarial();
    assert!(all.len() > 50, "only {} files", all.len());
    for path in all {
        let data = fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| harness::yaml_fast(&data));
        assert!(result.is_ok(), "{}", path.display());
    }
}

#[path = "../benches/gen_registry.rs"]
#[allow(dead_code)]
mod gen;

#[test]
fn the_synthetic_registry_is_read_by_the_fast_scanner_and_read_alike() {
    for i in 0..200 {
        for version in ["0.1.0", "1.0.0"] {
            let (name, manifest, toolspec, _) = gen::server(i, "registryctl-bench-1", version);
            for text in [manifest, toolspec] {
                harness::yaml_fast(text.as_bytes());
                assert!(registryctl::yaml::read_fast(&text), "{name}@{version} is read by saphyr-parser:\n{text}");
            }
        }
    }
}

/// Small edits of a valid file, each one a mistake or an odd but valid way of writing: a line
/// deleted, indented or dedented by one, joined to the next, a trailing comment or colon or
/// quote added, a character doubled.
fn edits(text: &str, line: usize) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(l) = lines.get(line) else { return Vec::new() };
    let with = |replacement: Vec<String>| {
        let mut out: Vec<String> = lines[..line].iter().map(|s| s.to_string()).collect();
        out.extend(replacement);
        out.extend(lines[line + 1..].iter().map(|s| s.to_string()));
        out.join("\n")
    };
    let mut variants = vec![
        with(vec![]),
        with(vec![format!(" {l}")]),
        with(vec![l.strip_prefix(' ').unwrap_or(l).to_string()]),
        with(vec![format!("{l} # note")]),
        with(vec![format!("{l}#x")]),
        with(vec![format!("{l}:")]),
        with(vec![format!("{l} ")]),
        with(vec![format!("{l}\"")]),
        with(vec![format!("{l},")]),
        with(vec![l.to_string(), String::new()]),
        with(vec![l.to_string(), format!("  {}", l.trim_start())]),
        with(vec![l.replacen(": ", ":", 1)]),
        with(vec![l.replacen(": ", " : ", 1)]),
        with(vec![l.replacen("- ", "-  ", 1)]),
        with(vec![l.replacen("- ", "", 1)]),
        with(vec![l.replacen(", ", ",", 1)]),
        with(vec![l.replacen("\"", "'", 2)]),
        with(vec![l.replacen('[', "[ ", 1).replacen(']', " ]", 1)]),
    ];
    if let Some(next) = lines.get(line + 1) {
        variants.push(with(vec![format!("{l} {}", next.trim_start())]));
    }
    variants
}

#[test]
fn edits_of_catalog_and_synthetic_files_are_read_alike() {
    let mut texts: Vec<String> = Vec::new();
    for dir in ["manifests", "toolspecs"] {
        texts.extend(files(&repo().join(dir)).iter().step_by(23).map(|p| fs::read_to_string(p).unwrap()));
    }
    for i in 0..6 {
        let (_, manifest, toolspec, _) = gen::server(i, "registryctl-bench-1", "0.1.0");
        texts.push(manifest);
        texts.push(toolspec);
    }
    let mut n = 0;
    for text in &texts {
        let lines = text.split('\n').count();
        for line in 0..lines {
            for edited in edits(text, line) {
                let result = std::panic::catch_unwind(|| harness::yaml_fast(edited.as_bytes()));
                assert!(result.is_ok(), "line {line} of:\n{edited}");
                n += 1;
            }
        }
    }
    assert!(n > 5_000, "only {n} edits");
}

// ---------- generated documents ----------

use proptest::prelude::*;

/// Keys, including ones the fast scanner gives up on.
const KEYS: &[&str] =
    &["name", "a", "tools", "default", "x-y", "k_1", "é", "\"q\"", "'s'", "? k", "-k", "a b", "<<", "a:b", "a#b", "[k]", "&a k"];
/// Values, including every kind of scalar, flow collection and indicator.
const VALUES: &[&str] = &[
    "x",
    "1",
    "true",
    "yes",
    "~",
    "-1",
    "- x",
    "a b  c",
    "café 🚀",
    "\"q\"",
    "\"a\\\"b\\\\c\\/d\\n\\u00e9\\x41\\U0001F680\"",
    "\"bad \\q\"",
    "'it''s'",
    "'a\"b'",
    "\"\"",
    "''",
    "[]",
    "{}",
    "[a, b]",
    "[a,b]",
    "[ a , 'b' , \"c\" ]",
    "[a, ]",
    "[a b, c]",
    "[a:b, c: d]",
    "[a?b]",
    "[-a, -]",
    "[[a]]",
    "{a: b, c: \"d\"}",
    "{a: b,c: d}",
    "{a:b}",
    "{a: }",
    "{a}",
    "{\"a\": b}",
    "\"x\" y",
    "\"x\":",
    "x: y",
    "x #c",
    "x#c",
    "|",
    ">",
    "*a",
    "&a x",
    "!t x",
    "%x",
    "@x",
    "`x",
    ",x",
    ":x",
    "?x",
    "]",
    "\"open",
    "'open",
    "[open",
    "{open",
    "\"x\" # c",
    "[a]  # c",
    "[a]# c",
    "\"x\"# c",
];
/// Line shapes.
#[derive(Debug, Clone)]
enum LineKind {
    KeyValue(usize, usize),
    KeyOnly(usize),
    Item(usize),
    ItemKeyValue(usize, usize),
    ItemKeyOnly(usize),
    Comment,
    Blank,
    Raw(String),
}

fn line_kind() -> impl Strategy<Value = LineKind> {
    let k = 0..KEYS.len();
    let v = 0..VALUES.len();
    prop_oneof![
        6 => (k.clone(), v.clone()).prop_map(|(k, v)| LineKind::KeyValue(k, v)),
        3 => k.clone().prop_map(LineKind::KeyOnly),
        3 => v.clone().prop_map(LineKind::Item),
        3 => (k.clone(), v).prop_map(|(k, v)| LineKind::ItemKeyValue(k, v)),
        1 => k.prop_map(LineKind::ItemKeyOnly),
        1 => Just(LineKind::Comment),
        1 => Just(LineKind::Blank),
        1 => "[ -~]{0,12}".prop_map(LineKind::Raw),
    ]
}

fn render(lines: &[(usize, LineKind, bool)], final_newline: bool) -> String {
    let mut out = String::new();
    for (i, (indent, kind, comment)) in lines.iter().enumerate() {
        let pad = " ".repeat(*indent);
        let body = match kind {
            LineKind::KeyValue(k, v) => format!("{pad}{}: {}", KEYS[*k], VALUES[*v]),
            LineKind::KeyOnly(k) => format!("{pad}{}:", KEYS[*k]),
            LineKind::Item(v) => format!("{pad}- {}", VALUES[*v]),
            LineKind::ItemKeyValue(k, v) => format!("{pad}- {}: {}", KEYS[*k], VALUES[*v]),
            LineKind::ItemKeyOnly(k) => format!("{pad}- {}:", KEYS[*k]),
            LineKind::Comment => format!("{pad}# comment"),
            LineKind::Blank => pad,
            LineKind::Raw(s) => format!("{pad}{s}"),
        };
        out.push_str(&body);
        if *comment {
            out.push_str("  # trailing");
        }
        if i + 1 < lines.len() || final_newline {
            out.push('\n');
        }
    }
    out
}

/// Indentation steps that mostly nest sensibly (0, 2, 4, ...) and sometimes do not.
fn indent() -> impl Strategy<Value = usize> {
    prop_oneof![8 => (0usize..4).prop_map(|n| n * 2), 1 => 0usize..9]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_are_read_alike(
        lines in prop::collection::vec((indent(), line_kind(), prop::bool::weighted(0.15)), 1..14),
        final_newline in prop::bool::weighted(0.9),
    ) {
        let text = render(&lines, final_newline);
        harness::yaml_fast(text.as_bytes());
    }

    #[test]
    fn mutated_documents_are_read_alike(
        lines in prop::collection::vec((indent(), line_kind(), prop::bool::weighted(0.1)), 1..10),
        at in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(&[" ", "\n", ":", "-", "#", "\"", "'", "[", "]", "{", "}", ",", "?", "\\", "é", "\t", "\r", "x", "  "][..])), 1..4),
    ) {
        let mut text = render(&lines, true);
        insert_at(&mut text, at);
        harness::yaml_fast(text.as_bytes());
    }
}

/// Values inside the fast scanner's subset.
const GOOD: &[&str] = &[
    "x",
    "1",
    "true",
    "-1",
    "a b  c",
    "café 🚀 ü",
    "x#y",
    "a:b",
    "{x}y",
    "\"q\"",
    "\"a\\\"b\\\\c\\/d\\n\\u00e9\\x41\\U0001F680\"",
    "'it''s'",
    "'a\"b'",
    "\"\"",
    "''",
    "[]",
    "{}",
    "[a, b]",
    "[ a , 'b' , \"c\" ]",
    "[a b, c]",
    "[é, 'ü']",
    "{a: b, c: \"d\"}",
    "{ name: x,  in: query }",
];

/// A document as a tree, rendered in [`render_tree`].
#[derive(Debug, Clone)]
enum Doc {
    Scalar(&'static str),
    Map(Vec<(&'static str, Doc)>),
    Seq(Vec<Doc>),
}

fn doc() -> impl Strategy<Value = Doc> {
    let value = prop_oneof![12 => prop::sample::select(GOOD), 1 => prop::sample::select(VALUES)];
    let key = prop_oneof![12 => prop::sample::select(&["name", "a", "tools", "default", "x-y", "k_1", "é", "params"][..]), 1 => prop::sample::select(KEYS)];
    let leaf = value.prop_map(Doc::Scalar);
    leaf.prop_recursive(4, 48, 5, move |inner| {
        prop_oneof![
            prop::collection::vec((key.clone(), inner.clone()), 1..5).prop_map(Doc::Map),
            prop::collection::vec(inner, 1..4).prop_map(Doc::Seq),
        ]
    })
}

/// How a tree is written out: the indentation step, the spaces after `- `, how often a
/// comment or a blank line comes, and whether lists under a key are indented.
#[derive(Debug, Clone)]
struct Layout {
    step: usize,
    dash_gap: usize,
    comment_every: usize,
    blank_every: usize,
    indent_lists: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (1usize..5, prop_oneof![6 => Just(1usize), 1 => 2usize..4], 2usize..12, 3usize..15, prop::bool::weighted(0.9)).prop_map(
        |(step, dash_gap, comment_every, blank_every, indent_lists)| Layout { step, dash_gap, comment_every, blank_every, indent_lists },
    )
}

struct Writer<'l> {
    out: String,
    layout: &'l Layout,
    n: usize,
}

impl Writer<'_> {
    fn line(&mut self, indent: usize, text: &str) {
        self.n += 1;
        if self.n % self.layout.blank_every == 0 {
            self.out.push('\n');
        }
        if self.n % self.layout.comment_every == 0 {
            self.out.push_str(&format!("{}# note {}\n", " ".repeat(indent), self.n));
        }
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(text);
        if self.n % (self.layout.comment_every + 1) == 0 {
            self.out.push_str("   # trailing");
        }
        self.out.push('\n');
    }

    /// The pairs of a mapping at `indent`; the first one's text after `first` on the current line.
    fn map(&mut self, pairs: &[(&str, Doc)], indent: usize, first: Option<&str>) {
        for (i, (k, v)) in pairs.iter().enumerate() {
            let (at, lead) = match (i, first) {
                (0, Some(lead)) => (indent - lead.len(), lead.to_string()),
                _ => (indent, String::new()),
            };
            match v {
                Doc::Scalar(s) => self.line(at, &format!("{lead}{k}: {s}")),
                Doc::Map(inner) => {
                    self.line(at, &format!("{lead}{k}:"));
                    self.map(inner, indent + self.layout.step, None);
                }
                Doc::Seq(items) => {
                    self.line(at, &format!("{lead}{k}:"));
                    self.seq(items, if self.layout.indent_lists { indent + self.layout.step } else { indent });
                }
            }
        }
    }

    fn seq(&mut self, items: &[Doc], indent: usize) {
        let dash = format!("-{}", " ".repeat(self.layout.dash_gap));
        for item in items {
            match item {
                Doc::Scalar(s) => self.line(indent, &format!("{dash}{s}")),
                Doc::Map(pairs) => self.map(pairs, indent + dash.len(), Some(&dash)),
                Doc::Seq(inner) => {
                    self.line(indent, "-");
                    self.seq(inner, indent + self.layout.step);
                }
            }
        }
    }
}

fn render_tree(doc: &Doc, layout: &Layout) -> String {
    let mut w = Writer { out: String::from("# generated\n"), layout, n: 0 };
    match doc {
        Doc::Map(pairs) => w.map(pairs, 0, None),
        other => w.map(&[("root", other.clone())], 0, None),
    }
    w.out
}

fn structured() -> impl Strategy<Value = String> {
    (doc(), layout()).prop_map(|(d, l)| render_tree(&d, &l))
}

#[test]
fn most_generated_trees_are_read_by_the_fast_scanner() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = structured();
    let fast = (0..1000).filter(|_| registryctl::yaml::read_fast(&strategy.new_tree(&mut runner).unwrap().current())).count();
    assert!(fast > 400, "only {fast} of 1000 generated trees were read by the fast scanner");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn generated_trees_are_read_alike(text in structured()) {
        harness::yaml_fast(text.as_bytes());
    }

    #[test]
    fn mutated_trees_are_read_alike(
        text in structured(),
        at in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(&[" ", "\n", ":", "-", "#", "\"", "'", "[", "]", "{", "}", ",", "?", "\\", "é", "\t", "\r", "x", "  ", "- ", ": ", " #"][..])), 1..3),
    ) {
        let mut text = text;
        insert_at(&mut text, at);
        harness::yaml_fast(text.as_bytes());
    }
}

/// Inserts each string at its drawn index of `text`, moved back to a character boundary.
fn insert_at(text: &mut String, at: Vec<(prop::sample::Index, &str)>) {
    for (i, s) in at {
        let mut p = i.index(text.len() + 1);
        while !text.is_char_boundary(p) {
            p -= 1;
        }
        text.insert_str(p, s);
    }
}
