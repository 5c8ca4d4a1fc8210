// SPDX-License-Identifier: Apache-2.0
//! What each fuzz target runs, shared with `tests/fuzz_regressions.rs` (which includes this file
//! with `#[path]`), so a saved reproducer is replayed through exactly the code the fuzzer ran.
//!
//! Uses std, `registryctl`, `serde_json` (already a dependency of `registryctl`) and, for the
//! YAML 1.1 oracle in `yaml_oracle.rs`, `unsafe-libyaml` only.
//! Every `assert!` here is an invariant: a failing one is a finding, like a panic inside the crate.
#![allow(dead_code)]

#[path = "yaml_oracle.rs"]
pub mod yaml_oracle;

use std::sync::OnceLock;

use registryctl::diag::{Diagnostic, Report, Severity};
use registryctl::index::{self, Index};
use registryctl::render::{self, Format};
use registryctl::schema::closed::Builder;
use registryctl::schema::rules::egress::{self, Denylist, Entry};
use registryctl::schema::rules::pairing;
use registryctl::schema::rules::policy::Exception;
use registryctl::schema::{self, Manifest, ManifestContext, Policy, RepositoryConfig, Toolspec};
use registryctl::sign::PublicKey;
use registryctl::trust;
use registryctl::yaml::{self, Kind, Node, Style};

/// The manifest every fuzzed toolspec is paired with (a toolpack manifest from the registry).
pub const PAIRED_MANIFEST: &str = include_str!("../fixtures/paired-manifest.yaml");
/// The Go gateway's conformance index, its signature and the throwaway test key that signed it.
pub const CONFORMANCE_INDEX: &[u8] = include_bytes!("../fixtures/index.json");
pub const CONFORMANCE_SIG: &str = include_str!("../fixtures/index.json.sig");
pub const TEST_KEY_PUB: &str = include_str!("../fixtures/test-key.pub");

/// What a run saw, for the regression test's "invalid input yields an error" assertion.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    /// Error-severity diagnostics (a decode failure counts as one).
    pub errors: usize,
}

fn errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.severity == Severity::Error).count()
}

/// Spans must be usable to slice the text (the human renderer does `text[start..]`).
fn assert_spans(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        if let Some(s) = d.span {
            for off in [s.start.offset, s.end.offset] {
                assert!(
                    text.is_char_boundary(off),
                    "span offset {off} of {:?} is not a char boundary of a {}-byte text",
                    d.rule,
                    text.len()
                );
            }
        }
    }
}

/// Renders the diagnostics the way `registryctl lint` prints them.
fn render_all(text: &str, diags: &[Diagnostic]) {
    let mut report = Report::default();
    report.add("fuzz.yaml", Some(text.to_string()), diags.to_vec());
    for &format in Format::ALL {
        let _ = render::render_report(format, &report, false);
    }
    let _ = render::step_summary(&report);
}

pub fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| Policy {
        denylist: Denylist::parse("# capture services\nwebhook.site\n*.requestbin.net\nleak.example.com  # trailing\n"),
        exceptions: vec![Exception {
            server: "shop".into(),
            egress: "*.myshopify.com".into(),
            reason: "per-shop host".into(),
            expires: "2099-01-01".into(),
        }],
        today: "2026-01-01".into(),
    })
}

/// The registry's configuration, as this repository's policy/registry.yaml sets it.
pub fn repository() -> &'static RepositoryConfig {
    static R: OnceLock<RepositoryConfig> = OnceLock::new();
    R.get_or_init(|| RepositoryConfig {
        image_prefix: Some("ghcr.io/gigmcp".into()),
        toolpack_repo: Some("github.com/gigmcp/toolpack".into()),
    })
}

pub fn paired_manifest() -> &'static Manifest {
    static M: OnceLock<Manifest> = OnceLock::new();
    M.get_or_init(|| {
        let c = schema::check_manifest(PAIRED_MANIFEST, None, &Policy::default(), &ManifestContext::default());
        assert_eq!(errors(&c.diags), 0, "fixture manifest is invalid: {:?}", c.diags);
        c.manifest.expect("fixture manifest parses")
    })
}

pub fn conformance_index() -> &'static Index {
    static I: OnceLock<Index> = OnceLock::new();
    I.get_or_init(|| serde_json::from_slice(CONFORMANCE_INDEX).expect("conformance index parses"))
}

fn test_key() -> PublicKey {
    PublicKey::from_hex(TEST_KEY_PUB).expect("test key parses")
}

/// `manifest`: bytes → decode → check_manifest with a denylist and one exception.
/// Invariant: a manifest without error diagnostics survives Go-JSON encoding and decoding.
pub fn manifest(data: &[u8]) -> Outcome {
    let text = match schema::decode(data) {
        Ok(t) => t,
        Err(d) => {
            assert_eq!(d.severity, Severity::Error);
            return Outcome { errors: 1 };
        }
    };
    let ctx = ManifestContext { builders_with_dockerfile: Some(Builder::ALL), toolspec_exists: Some(true), repository: Some(repository()) };
    let check = schema::check_manifest(text, None, policy(), &ctx);
    assert_spans(text, &check.diags);
    render_all(text, &check.diags);
    for &i in &check.exceptions_used {
        assert!(i < policy().exceptions.len());
    }
    let n = errors(&check.diags);
    if let Some(m) = &check.manifest {
        let _ = index::hash(m);
        let _ = index::runtime_hash(m);
        let _ = schema::build_args(m, &repository().image_for(&m.name).unwrap_or_default());
        let mut late = check.diags.clone();
        schema::locate_late(text, &mut late);
        assert_spans(text, &late);
    }
    if n == 0 {
        let m = check.manifest.as_ref().expect("no errors but no manifest");
        let json = index::to_go_json(m);
        let back: Manifest = serde_json::from_slice(&json)
            .unwrap_or_else(|e| panic!("Go JSON of a valid manifest does not parse back: {e}\n{}", String::from_utf8_lossy(&json)));
        assert_eq!(&back, m, "Go JSON round trip changed the manifest");
        assert_eq!(index::to_go_json(&back), json, "Go JSON is not stable");
    }
    Outcome { errors: n }
}

/// `toolspec`: bytes → decode → check_toolspec paired with a fixed toolpack manifest.
/// Invariants: a toolspec without error diagnostics survives Go-JSON encoding and decoding, and
/// its paths hold none of the forms that could leave the base URL's host or path.
pub fn toolspec(data: &[u8]) -> Outcome {
    let text = match schema::decode(data) {
        Ok(t) => t,
        Err(_) => return Outcome { errors: 1 },
    };
    let m = paired_manifest();
    let (spec, diags) = schema::check_toolspec(text, None, |name, _version| (!name.is_empty()).then_some(m));
    assert_spans(text, &diags);
    render_all(text, &diags);
    let n = errors(&diags);
    if n == 0 {
        let t = spec.as_ref().expect("no errors but no toolspec");
        let json = index::to_go_json(t);
        let back: Toolspec = serde_json::from_slice(&json)
            .unwrap_or_else(|e| panic!("JSON of a valid toolspec does not parse back: {e}\n{}", String::from_utf8_lossy(&json)));
        assert_eq!(&back, t, "JSON round trip changed the toolspec");
        for tool in &t.tools {
            let p = &tool.path;
            assert!(p.starts_with('/') && !p.contains("//") && !p.contains(['%', '\\', '?', '#']), "accepted path {p:?}");
            assert!(p.split('/').all(|s| s.is_empty() || !s.bytes().all(|b| b == b'.')), "accepted dot segment in {p:?}");
        }
        let _ = pairing::egress_unused(t, m);
    }
    Outcome { errors: n }
}

/// `verify_index`: signature checks with a fixed key, then the bytes as an index.
/// Invariants: nothing but the conformance bytes verifies under the conformance signature; only
/// the conformance signature (in any hex case, whitespace around it) verifies the conformance
/// bytes; bytes `index::validate_bytes` accepts are canonical; an index that parses re-encodes
/// to bytes that parse to the same index.
pub fn verify_index(data: &[u8]) -> Outcome {
    let key = test_key();
    // The whole input as data under the real signature.
    assert_eq!(key.verify(data, CONFORMANCE_SIG).is_ok(), data == CONFORMANCE_INDEX, "signature verified other data");
    let text = String::from_utf8_lossy(data);
    // The whole input as the signature text over the real data.
    if key.verify(CONFORMANCE_INDEX, &text).is_ok() {
        assert_eq!(text.trim().to_ascii_lowercase(), CONFORMANCE_SIG.trim(), "a second signature verified (malleability)");
    }
    // The first 64 bytes as a public key, the rest as data, under the real signature.
    let (head, rest) = data.split_at(data.len().min(64));
    if let Ok(k) = PublicKey::from_hex(&String::from_utf8_lossy(head)) {
        let _ = k.to_hex();
        let _ = k.verify(rest, CONFORMANCE_SIG);
        let _ = k.verify(rest, &text);
    }
    // The first 128 bytes as a signature over the rest.
    let (sig, rest) = data.split_at(data.len().min(128));
    let _ = key.verify(rest, &String::from_utf8_lossy(sig));

    // The bytes as `sign` checks them before signing: what it accepts is canonical and valid.
    if let Ok(idx) = index::validate_bytes(data) {
        assert_eq!(index::to_go_json(&idx), data, "validate_bytes accepted bytes build-index would not write");
    }
    if let Ok(idx) = serde_json::from_slice::<Index>(data) {
        let json = index::to_go_json(&idx);
        let back: Index = serde_json::from_slice(&json).expect("re-encoded index parses");
        assert_eq!(back, idx, "Go JSON round trip changed the index");
        assert_eq!(index::to_go_json(&back), json, "Go JSON is not stable");
        resolve_refs(&idx);
        // Any parsed index against the conformance one as the previous: the comparison is total.
        let conformance = index::parse(CONFORMANCE_INDEX).expect("the conformance index parses");
        let changes = trust::compare(&conformance, &idx);
        let _ = changes.problems(false);
    }
    // The whole input through the policy a gateway or mirror applies: only the signed bytes pass.
    let policy = trust::Policy::at(std::time::UNIX_EPOCH);
    let verified = trust::verify_index(data, CONFORMANCE_SIG.as_bytes(), &[key], &policy);
    assert_eq!(verified.is_ok(), data == CONFORMANCE_INDEX, "verify_index accepted other bytes: {verified:?}");
    Outcome::default()
}

fn resolve_refs(idx: &Index) {
    for fixed in
        ["alpha", "alpha@0.2.0", "beta@", "@1.0.0", "sha256:4444444444444444444444444444444444444444444444444444444444444444", "sha256:x"]
    {
        let _ = index::resolve(idx, fixed);
    }
    for (name, server) in idx.servers.iter().take(8) {
        let _ = index::resolve(idx, name);
        let _ = index::resolve(idx, &format!("{name}@{}", server.latest));
        for (version, m) in server.versions.iter().take(8) {
            let _ = index::resolve(idx, &format!("{name}@{version}"));
            let _ = index::resolve(idx, &m.image.digest);
            let _ = index::hash(m);
            let _ = index::runtime_hash(m);
        }
    }
}

/// `egress`: the input as one allowlist entry; a line break splits off a host to match and a
/// denylist text. Invariant: an accepted entry has no ':' or '/' and no uppercase letter, and
/// wildcard matching agrees with the gateway's definition (exactly one label).
pub fn egress(data: &[u8]) -> Outcome {
    let Ok(input) = std::str::from_utf8(data) else { return Outcome::default() };
    let (entry, rest) = input.split_once('\n').unwrap_or((input, ""));
    let host = rest.lines().next().unwrap_or("");
    let _ = egress::allows(entry, host);
    let _ = egress::within(entry, host);
    let _ = egress::check_host(entry);
    let _ = egress::is_public_suffix(entry);
    let _ = egress::not_public_dns(entry);
    let _ = egress::suffixes_covered(entry);
    let custom = Denylist::parse(rest);
    for candidate in [input, entry, host] {
        let Ok(e) = egress::parse_entry(candidate) else { continue };
        for s in [candidate, e.base()] {
            assert!(!s.contains(':') && !s.contains('/') && !s.bytes().any(|b| b.is_ascii_uppercase()), "accepted entry {candidate:?}");
        }
        match e {
            Entry::Host(h) => {
                assert_eq!(h, candidate);
                assert!(egress::allows(candidate, h));
            }
            Entry::Wildcard(suffix) => {
                assert_eq!(format!("*.{suffix}"), candidate);
                assert!(egress::allows(candidate, &format!("a.{suffix}")));
                assert!(!egress::allows(candidate, suffix));
                assert!(!egress::allows(candidate, &format!("a.b.{suffix}")));
                assert!(egress::within(&format!("a.b.{suffix}"), suffix));
            }
        }
        let _ = egress::allows(candidate, host);
        let _ = egress::reserved(e);
        let _ = egress::is_public_suffix(e.base());
        let _ = egress::not_public_dns(e.base());
        let _ = egress::suffixes_covered(e.base());
        let _ = policy().denylist.hit(e);
        let _ = custom.hit(e);
    }
    Outcome::default()
}

/// `resolve`: the input as a ref against the conformance index.
/// Invariant: what resolves is what was asked for.
pub fn resolve(data: &[u8]) -> Outcome {
    let idx = conformance_index();
    let reference = String::from_utf8_lossy(data);
    if let Ok(m) = index::resolve(idx, &reference) {
        if reference.starts_with("sha256:") {
            assert_eq!(m.image.digest, reference);
        } else {
            let (name, version) = reference.split_once('@').map_or((&*reference, None), |(n, v)| (n, Some(v)));
            assert_eq!(m.name, name);
            if let Some(v) = version {
                assert_eq!(m.version, v);
            }
        }
    }
    Outcome::default()
}

/// `yaml_differential`: the input as a manifest and as a toolspec (paired with the fixture
/// manifest). Invariant: whatever registryctl accepts without an error, the YAML 1.1 oracle
/// (what the gateway and the toolpack engine read) reads as the same tree and the same typed
/// value. Returns how many of the two readings had errors.
pub fn yaml_differential(data: &[u8]) -> Outcome {
    let Ok(text) = schema::decode(data) else { return Outcome { errors: 2 } };
    let ctx = ManifestContext { builders_with_dockerfile: Some(Builder::ALL), toolspec_exists: Some(true), repository: None };
    let check = schema::check_manifest(text, None, policy(), &ctx);
    let mut rejected = 0;
    match &check.manifest {
        Some(m) if errors(&check.diags) == 0 => same_manifest(data, m),
        _ => rejected += 1,
    }
    let m = paired_manifest();
    let (spec, diags) = schema::check_toolspec(text, None, |name, _version| (!name.is_empty()).then_some(m));
    match &spec {
        Some(t) if errors(&diags) == 0 => same_toolspec(data, t),
        _ => rejected += 1,
    }
    Outcome { errors: rejected }
}

/// `yaml_fast`: the input read by the fast scanner (with saphyr-parser behind it for whatever it
/// gives up on) and by saphyr-parser alone. Invariant: the same tree, every value, style and
/// position, and the same findings in the same order; and then the same typed manifest,
/// toolspec and findings from the whole check, whichever reader read the text. Returns how many
/// errors the YAML reading found.
pub fn yaml_fast(data: &[u8]) -> Outcome {
    let Ok(text) = schema::decode(data) else { return Outcome { errors: 1 } };
    let (mut fast, mut slow) = (Vec::new(), Vec::new());
    let fast_tree = yaml::parse_with(text, &mut fast, yaml::Reader::Auto);
    let slow_tree = yaml::parse_with(text, &mut slow, yaml::Reader::Saphyr);
    assert_eq!(fast_tree, slow_tree, "the trees differ (fast scanner: {})", yaml::read_fast(text));
    assert_eq!(fast, slow, "the findings differ (fast scanner: {})", yaml::read_fast(text));
    assert_spans(text, &fast);
    Outcome { errors: errors(&fast) }
}

/// Panics unless the oracle reads the accepted manifest `data` exactly as registryctl did.
pub fn same_manifest(data: &[u8], ours: &Manifest) {
    let json = same_tree(data);
    let theirs: Manifest = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("accepted, but the Go side's JSON does not decode into a manifest: {e}\n{json}"));
    assert_eq!(&theirs, ours, "accepted, but the Go side reads another manifest");
    assert_eq!(index::runtime_hash(&theirs), index::runtime_hash(ours));
}

/// Panics unless the oracle reads the accepted toolspec `data` exactly as registryctl did.
pub fn same_toolspec(data: &[u8], ours: &Toolspec) {
    let json = same_tree(data);
    let theirs: Toolspec = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("accepted, but the Go side's JSON does not decode into a toolspec: {e}\n{json}"));
    assert_eq!(&theirs, ours, "accepted, but the Go side reads another toolspec");
}

/// The oracle's tree must equal registryctl's, key for key and scalar for scalar; returns the
/// oracle's JSON (YAML 1.1 types) for the typed comparison.
fn same_tree(data: &[u8]) -> serde_json::Value {
    let raw = std::str::from_utf8(data).expect("decoded text is UTF-8");
    let text = schema::decode(data).expect("decoded before");
    let theirs = yaml_oracle::read(raw).unwrap_or_else(|e| panic!("accepted, but the Go side refuses it: {e}"));
    let mut ignored = Vec::new();
    let ours = yaml::parse(text, &mut ignored).expect("accepted text parses");
    if let Err(at) = same_node(&ours, &theirs) {
        panic!("accepted, but the Go side reads another tree at {at}");
    }
    let mut json = yaml_oracle::to_json(&theirs).unwrap_or_else(|e| panic!("accepted, but the Go side reads it differently: {e}"));
    drop_empty_strings(&mut json);
    json
}

/// An empty string is Go's zero value, the same as an absent field (registryctl reads an empty
/// `builder` or `category` as absent); drop them so the typed comparison sees Go's reading.
fn drop_empty_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|_, x| x.as_str() != Some(""));
            m.values_mut().for_each(drop_empty_strings);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(drop_empty_strings),
        _ => {}
    }
}

fn same_node(ours: &Node, theirs: &yaml_oracle::ONode) -> Result<(), String> {
    use yaml_oracle::ONode;
    match (&ours.kind, theirs) {
        (Kind::Scalar(a, style), ONode::Scalar { value, plain }) => {
            if a != value || (*style == Style::Plain) != *plain {
                return Err(format!("line {}: {a:?} ({style:?}) vs {value:?} (plain: {plain})", ours.span.start.line));
            }
        }
        (Kind::Seq(a), ONode::Seq(b)) if a.len() == b.len() => {
            for (x, y) in a.iter().zip(b) {
                same_node(x, y)?;
            }
        }
        (Kind::Map(a), ONode::Map(b)) if a.len() == b.len() => {
            for ((ka, va), (kb, vb)) in a.iter().zip(b) {
                same_node(ka, kb)?;
                same_node(va, vb)?;
            }
        }
        _ => return Err(format!("line {}: {} vs {theirs:?}", ours.span.start.line, ours.describe())),
    }
    Ok(())
}
