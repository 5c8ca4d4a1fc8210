// SPDX-License-Identifier: Apache-2.0
//! What the Go side reads must be what registryctl reads (issue 24 item 3, issue 26 item 7).
//!
//! The gateway re-reads the bundled manifest with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1, then
//! a strict JSON decode) and the toolpack engine reads the toolspec with go-yaml. For every
//! manifest or toolspec registryctl accepts (no error), the YAML 1.1 oracle
//! (fuzz/fuzz_targets/yaml_oracle.rs: libyaml's events, go-yaml's scanner differences and
//! resolver, sigs.k8s.io/yaml's JSON) must read the same tree, key for key and scalar for
//! scalar, and the same typed value under YAML 1.1 types. Checked over generated documents
//! seasoned with the hazards (Unicode line breaks, CR, tabs, BOMs, markers, controls, YAML 1.1
//! scalars, escapes, keys), over the whole catalog and over the adversarial corpus; the fuzz
//! target `yaml_differential` runs the same check on fuzzed bytes.

mod common;
#[path = "../fuzz/fuzz_targets/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use proptest::prelude::*;
use registryctl::schema::rules::egress::Denylist;
use registryctl::schema::rules::policy::{self, Policy};
use registryctl::schema::{check_manifest, check_toolspec, Location, Manifest, ManifestContext, Severity};

fn accepted(diags: &[registryctl::schema::Diagnostic]) -> bool {
    diags.iter().all(|d| d.severity != Severity::Error)
}

/// Checks `text` as a manifest (or, with `toolspec`, as a toolspec paired with the base
/// manifest); when registryctl accepts it, the oracle must read it identically. Returns
/// whether it was accepted.
fn differential(text: &str, toolspec: bool) -> bool {
    let base = check_manifest(&common::manifest("acme", "0.1.0"), None, &Policy::default(), &ManifestContext::default());
    let base = base.manifest.expect("the base manifest parses");
    if toolspec {
        let (spec, diags) = check_toolspec(text, None, |n, v| (n == base.name && v == base.version).then_some(&base));
        match spec {
            Some(t) if accepted(&diags) => harness::same_toolspec(text.as_bytes(), &t),
            _ => return false,
        }
    } else {
        let check = check_manifest(text, None, &Policy::default(), &ManifestContext::default());
        match check.manifest {
            Some(m) if accepted(&check.diags) => harness::same_manifest(text.as_bytes(), &m),
            _ => return false,
        }
    }
    true
}

// ---------- the hazards ----------

/// Plain scalars YAML 1.1 readers type differently from YAML 1.2, and other awkward values.
const SCALARS: &[&str] = &[
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "True",
    "~",
    "null",
    "1_000",
    "0b101",
    "0o17",
    "017",
    "09",
    "190:20:30",
    ".5",
    "1e3",
    "+12",
    "0x_1",
    "0x1p3",
    "12e",
    "2001-12-14",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14t21:59:43Z",
    "<<",
    "=",
    "1.0",
    "-",
    "v1.0",
    "a: b",
    "a #b",
    "x#y",
    "what?",
    "a,b",
    "[x]",
    "{x}",
    "-x",
    "? x",
    "x:",
    "%x",
    "@x",
    "'x",
    "!x",
    "&x",
    "*x",
    "|x",
    ">x",
    "...",
    "---",
    "--- x",
    "x\\/y",
    "x\\y",
    "a\u{a0}b",
    "café",
    "🚀",
    "x\u{85}y",
    "x\u{2028}y",
    "x\u{2029}y",
    "x\ry",
    "x\ty",
    "x\u{feff}y",
    "x\u{202e}y",
    "x\u{7f}y",
    "x\u{1b}y",
    "x\u{fffe}y",
    "two  spaces",
    " lead",
    "trail ",
    "a\nb",
    "a\n\nb",
    "a\n  b",
    "\nx",
];

/// The ways a value can be written.
#[derive(Debug, Clone, Copy)]
enum Way {
    Plain,
    Single,
    Double,
    /// Double-quoted with every non-ASCII or control character as a `\u`/`\N`/`\L`/... escape.
    Escaped,
    Literal,
    LiteralStrip,
    Folded,
    FoldedStrip,
    /// Plain, with each space a line break and an indented continuation.
    Wrapped,
}

const WAYS: &[Way] =
    &[Way::Plain, Way::Single, Way::Double, Way::Escaped, Way::Literal, Way::LiteralStrip, Way::Folded, Way::FoldedStrip, Way::Wrapped];

fn escaped(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            ' '..='~' => out.push(c),
            c if u32::from(c) < 0x100 => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// `v` written the given way as the value of a key indented by `indent` spaces.
fn write_value(v: &str, way: Way, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let block = |header: &str| format!("{header}\n{}", v.lines().map(|l| format!("{pad}{l}")).collect::<Vec<_>>().join("\n"));
    match way {
        Way::Plain => v.to_string(),
        Way::Single => format!("'{}'", v.replace('\'', "''")),
        Way::Double => format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")),
        Way::Escaped => escaped(v),
        Way::Literal => block("|"),
        Way::LiteralStrip => block("|-"),
        Way::Folded => block(">"),
        Way::FoldedStrip => block(">-"),
        Way::Wrapped => v.replace(' ', &format!("\n{pad}")),
    }
}

/// Replaces the value of the first line `<indent>key: ...` (or `- key: ...`) with `value`
/// written `way`.
fn with_way(text: &str, key: &str, value: &str, way: Way) -> Option<String> {
    let mut out = Vec::new();
    let mut done = false;
    for line in text.lines() {
        let trimmed = line.trim_start_matches([' ', '-']);
        if !done && trimmed.starts_with(&format!("{key}: ")) {
            let head = &line[..line.len() - trimmed.len()];
            let indent = head.len();
            out.push(format!("{head}{key}: {}", write_value(value, way, indent)));
            done = true;
        } else {
            out.push(line.to_string());
        }
    }
    done.then(|| out.join("\n") + "\n")
}

/// Manifest fields whose value is free text or close to it, and toolspec ones.
const MANIFEST_FIELDS: &[&str] = &["displayName", "description", "icon", "tag", "package", "format", "vendor"];
const TOOLSPEC_FIELDS: &[&str] = &["description", "name", "path"];

/// Whole-file transformations: line ends, BOMs, markers, directives, comments, keys, flow
/// collections.
fn transform(text: &str, how: usize, hazard: &str) -> String {
    match how % 14 {
        0 => text.replace('\n', "\r\n"),
        1 => format!("\u{feff}{text}"),
        2 => format!("---\n{text}"),
        3 => format!("{text}...\n"),
        4 => format!("%YAML 1.1\n---\n{text}"),
        5 => text.replacen("\ntier:", &format!("  # {hazard}\ntier:"), 1).replacen("\ntools:", &format!("  # {hazard}\ntools:"), 1),
        6 => text.replacen("\nname:", "\n\"name\":", 1).replacen("\nversion:", "\n'version':", 1),
        7 => text.replacen("\nname: ", "\n? name\n: ", 1),
        8 => text.replacen("\nversion:", "\nversion   :", 1),
        9 => text.replacen("\n", &format!("\n# {hazard}\n"), 1),
        10 => text.replace(": ", ":  "),
        11 => text.replacen("\nname:", "\n<<: {}\nname:", 1),
        // A plain and a double-quoted value inside a flow collection.
        12 => text.replacen("scopes: [widgets.read,", &format!("scopes: [{hazard},"), 1).replacen(
            "- name: limit\n",
            &format!("- {{name: {hazard}}}\n"),
            1,
        ),
        _ => text.replacen("scopes: [widgets.read,", &format!("scopes: [{},", escaped(hazard)), 1),
    }
}

#[test]
fn every_hazard_in_every_way_reads_the_same_or_is_refused() {
    let manifest = common::manifest("acme", "0.1.0");
    let toolspec = common::toolspec("acme", "0.1.0");
    let (mut tried, mut kept) = (0, 0);
    for &v in SCALARS {
        for &way in WAYS {
            for (base, fields, is_toolspec) in [(&manifest, MANIFEST_FIELDS, false), (&toolspec, TOOLSPEC_FIELDS, true)] {
                for &field in fields {
                    let Some(text) = with_way(base, field, v, way) else { continue };
                    tried += 1;
                    kept += usize::from(differential(&text, is_toolspec));
                }
            }
        }
        for how in 0..14 {
            tried += 2;
            kept += usize::from(differential(&transform(&manifest, how, v), false));
            kept += usize::from(differential(&transform(&toolspec, how, v), true));
        }
    }
    // Not vacuous: many of the variants are accepted, and each of those was compared.
    assert!(kept > 300, "only {kept} of {tried} variants were accepted and compared");
}

fn hazard_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        '\u{85}', '\u{2028}', '\u{2029}', '\r', '\t', '\u{feff}', '\u{202e}', '\u{2066}', '\u{200f}', '\0', '\u{1b}', '\u{7f}', '\u{9b}',
        '\u{fdd0}', '\u{a0}', 'é', '🚀', '#', ':', '?', ',', '[', ']', '{', '}', '"', '\'', '\\', '/', '-', '.', '%', '&', '*', '!', '|',
        '>', '@', '`', '~', '=', '<', ' ', '\n', '0', '1', '_', 'e', 'x', 'y', 'n', 'o',
    ])
}

fn hazard_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(SCALARS.to_vec()).prop_map(str::to_string),
        prop::collection::vec(prop_oneof![hazard_char(), prop::char::range('a', 'z')], 0..12).prop_map(|c| c.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Random hazards, in random ways, in random fields, under random whole-file changes.
    #[test]
    fn whatever_is_accepted_reads_the_same_under_yaml_1_1(
        value in hazard_text(),
        way in prop::sample::select(WAYS.to_vec()),
        field in 0usize..10,
        how in prop::option::of(0usize..14),
        toolspec in any::<bool>(),
    ) {
        let (base, fields) = if toolspec {
            (common::toolspec("acme", "0.1.0"), TOOLSPEC_FIELDS)
        } else {
            (common::manifest("acme", "0.1.0"), MANIFEST_FIELDS)
        };
        let mut text = with_way(&base, fields[field % fields.len()], &value, way).unwrap_or(base);
        if let Some(how) = how {
            text = transform(&text, how, &value);
        }
        differential(&text, toolspec);
    }
}

// ---------- the catalog and the corpus ----------

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = walk(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().map(Result::unwrap) {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

fn location(p: &Path) -> (String, String) {
    let dir = p.parent().and_then(Path::file_name).unwrap().to_string_lossy().into_owned();
    (dir, p.file_name().unwrap().to_string_lossy().into_owned())
}

/// Every catalog manifest and toolspec registryctl accepts reads the same under the oracle.
/// (Whether the catalog is accepted at all is `registryctl check`'s job in CI.)
#[test]
fn the_catalog_reads_the_same_under_yaml_1_1() {
    let repo = common::repo();
    let today = policy::today();
    let (exceptions, _) = policy::parse_exceptions(&fs::read_to_string(repo.join("policy/exceptions.yaml")).unwrap(), &today);
    let denylist = Denylist::parse(&fs::read_to_string(repo.join("denylist/exfil-domains.txt")).unwrap());
    let policy = Policy { denylist, exceptions, today };
    let mut manifests: HashMap<(String, String), Manifest> = HashMap::new();
    let (mut compared, mut refused) = (0, Vec::new());
    for path in yaml_files(&repo.join("manifests")) {
        let bytes = fs::read(&path).unwrap();
        let text = registryctl::schema::decode(&bytes).unwrap();
        let (dir, file) = location(&path);
        let check = check_manifest(text, Some(Location { dir: &dir, file: &file }), &policy, &ManifestContext::default());
        match check.manifest {
            Some(m) if accepted(&check.diags) => {
                harness::same_manifest(&bytes, &m);
                compared += 1;
                manifests.insert((m.name.clone(), m.version.clone()), m);
            }
            _ => refused.push(path.display().to_string()),
        }
    }
    for path in yaml_files(&repo.join("toolspecs")) {
        let bytes = fs::read(&path).unwrap();
        let text = registryctl::schema::decode(&bytes).unwrap();
        let (dir, file) = location(&path);
        let (spec, diags) =
            check_toolspec(text, Some(Location { dir: &dir, file: &file }), |n, v| manifests.get(&(n.to_string(), v.to_string())));
        match spec {
            Some(t) if accepted(&diags) => {
                harness::same_toolspec(&bytes, &t);
                compared += 1;
            }
            _ => refused.push(path.display().to_string()),
        }
    }
    // Whatever the catalog holds: every file is compared (check refuses none of them in CI).
    let files = yaml_files(&repo.join("manifests")).len() + yaml_files(&repo.join("toolspecs")).len();
    assert!(compared > 0 && compared == files, "{compared} of {files} catalog files compared; refused: {refused:?}");
}

/// The adversarial corpus and the saved fuzz inputs: none may be accepted and read otherwise.
#[test]
fn the_corpus_reads_the_same_or_is_refused() {
    let repo = common::repo();
    let mut n = 0;
    for dir in
        ["tests/corpus", "tests/fuzz-regressions/manifest", "tests/fuzz-regressions/toolspec", "fuzz/seeds/manifest", "fuzz/seeds/toolspec"]
    {
        for e in fs::read_dir(repo.join(dir)).unwrap() {
            let path = e.unwrap().path();
            if path.file_name().is_some_and(|f| f != "EXPECT") {
                harness::yaml_differential(&fs::read(&path).unwrap());
                n += 1;
            }
        }
    }
    assert!(n > 60, "{n}");
}
