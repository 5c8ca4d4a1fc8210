// SPDX-License-Identifier: Apache-2.0
//! Property tests: generated valid manifests are accepted and survive the index unchanged;
//! hashes ignore YAML formatting and track runtime fields; one invalid field is rejected with
//! that field's rule; signatures round-trip and any flipped bit fails.

use proptest::prelude::*;
use registryctl::index::{self, Index};
use registryctl::schema::chars::{classify, Hidden};
use registryctl::schema::closed::{Builder, Category, Closed, CredentialType, Tier};
use registryctl::schema::manifest::{Credential, Entitlements, Image, Inject, Manifest, Source, Tool};
use registryctl::schema::{check_manifest, ManifestContext, Policy, Rule, Severity};
use registryctl::sign::{PublicKey, SecretKey};

// ---------- a small YAML writer with formatting knobs ----------

/// A double-quoted YAML scalar; everything outside printable ASCII is escaped.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Plain where that reads back as the same string, quoted otherwise.
fn scalar(s: &str, plain: bool) -> String {
    let safe = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_./-".contains(&b))
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'/')
        && !matches!(s.to_ascii_lowercase().as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n");
    if plain && safe {
        s.to_string()
    } else {
        q(s)
    }
}

#[derive(Debug, Clone, Copy)]
struct Style {
    flow: bool,
    plain: bool,
    reverse_keys: bool,
    comments: bool,
    crlf: bool,
}

enum Y {
    S(String),
    I(i64),
    B(bool),
    L(Vec<Y>),
    M(Vec<(&'static str, Y)>),
}

fn emit(y: &Y, st: Style, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::S(s) => out.push_str(&scalar(s, st.plain)),
        Y::I(i) => out.push_str(&i.to_string()),
        Y::B(b) => out.push_str(&b.to_string()),
        Y::L(items) if st.flow || items.is_empty() => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit(it, Style { flow: true, ..st }, 0, out);
            }
            out.push(']');
        }
        Y::M(pairs) if st.flow || pairs.is_empty() => {
            out.push('{');
            for (i, (k, v)) in ordered(pairs, st).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&format!("{k}: "));
                emit(v, Style { flow: true, ..st }, 0, out);
            }
            out.push('}');
        }
        Y::L(items) => {
            for it in items {
                out.push_str(&format!("\n{pad}- "));
                match it {
                    Y::M(pairs) if !pairs.is_empty() => {
                        let mut first = true;
                        for (k, v) in ordered(pairs, st) {
                            if !first {
                                out.push_str(&format!("\n{pad}  "));
                            }
                            first = false;
                            out.push_str(&format!("{k}:"));
                            emit_value(v, st, indent + 4, out);
                        }
                    }
                    _ => emit(it, st, indent + 2, out),
                }
            }
        }
        Y::M(pairs) => {
            for (k, v) in ordered(pairs, st) {
                if st.comments {
                    out.push_str(&format!("\n{pad}# about {k}"));
                }
                out.push_str(&format!("\n{pad}{k}:"));
                emit_value(v, st, indent + 2, out);
            }
        }
    }
}

fn emit_value(v: &Y, st: Style, indent: usize, out: &mut String) {
    match v {
        Y::L(items) if !items.is_empty() && !st.flow => emit(v, st, indent, out),
        Y::M(pairs) if !pairs.is_empty() && !st.flow => emit(v, st, indent, out),
        _ => {
            out.push(' ');
            emit(v, st, indent, out);
        }
    }
}

fn ordered<'a>(pairs: &'a [(&'static str, Y)], st: Style) -> Vec<&'a (&'static str, Y)> {
    let mut v: Vec<_> = pairs.iter().collect();
    if st.reverse_keys {
        v.reverse();
    }
    v
}

fn s(x: &str) -> Y {
    Y::S(x.to_string())
}

fn opt(pairs: &mut Vec<(&'static str, Y)>, k: &'static str, v: &str) {
    if !v.is_empty() {
        pairs.push((k, s(v)));
    }
}

fn to_y(m: &Manifest) -> Y {
    let mut source = vec![("repo", s(&m.source.repo)), ("tag", s(&m.source.tag))];
    opt(&mut source, "package", &m.source.package);
    let mut image = vec![("ref", s(&m.image.reference)), ("digest", s(&m.image.digest)), ("entrypoint", s(&m.image.entrypoint))];
    opt(&mut image, "builder", m.image.builder.as_ref().map_or("", |b| b.as_str()));
    let creds = m
        .credentials
        .iter()
        .map(|c| {
            let mut inject = Vec::new();
            opt(&mut inject, "header", &c.inject.header);
            opt(&mut inject, "format", &c.inject.format);
            opt(&mut inject, "env", &c.inject.env);
            let mut p = vec![("id", s(&c.id)), ("type", s(c.kind.as_str())), ("provider", s(&c.provider))];
            if !c.scopes.is_empty() {
                p.push(("scopes", Y::L(c.scopes.iter().map(|x| s(x)).collect())));
            }
            p.push(("inject", Y::M(inject)));
            opt(&mut p, "vendor", &c.vendor);
            Y::M(p)
        })
        .collect();
    let tools = m.tools.iter().map(|t| Y::M(vec![("name", s(&t.name)), ("default", Y::B(t.default))])).collect();
    let mut pairs = vec![
        ("schemaVersion", Y::I(m.schema_version)),
        ("name", s(&m.name)),
        ("version", s(&m.version)),
        ("source", Y::M(source)),
        ("image", Y::M(image)),
        ("tier", s(m.tier.as_str())),
        ("entitlements", Y::M(vec![("egress", Y::L(m.entitlements.egress.iter().map(|e| s(e)).collect()))])),
        ("credentials", Y::L(creds)),
        ("tools", Y::L(tools)),
    ];
    opt(&mut pairs, "displayName", &m.display_name);
    opt(&mut pairs, "description", &m.description);
    opt(&mut pairs, "category", m.category.as_ref().map_or("", |c| c.as_str()));
    opt(&mut pairs, "icon", &m.icon);
    Y::M(pairs)
}

fn to_yaml(m: &Manifest, st: Style) -> String {
    let mut out = String::from("# generated\n");
    emit(&to_y(m), st, 0, &mut out);
    out.push('\n');
    if st.crlf {
        out = out.replace('\n', "\r\n");
    }
    out
}

// ---------- strategies ----------

fn host() -> impl Strategy<Value = String> {
    ("h[a-z0-9]{0,6}", "k[a-z0-9]{0,6}", prop::sample::select(vec!["com", "io", "net", "dev"])).prop_map(|(a, b, t)| format!("{a}.{b}.{t}"))
}

/// Consent-screen text: anything but the characters `text-control-character` and
/// `text-invisible-character` refuse (layout characters are only a warning).
fn text() -> impl Strategy<Value = String> {
    let shown = |s: String| s.chars().filter(|c| !matches!(classify(None, *c), Some(Hidden::Invisible | Hidden::Bidi))).collect();
    prop_oneof![
        Just(String::new()),
        "[ -~]{1,30}",
        "\\PC{1,20}".prop_map(shown),
        Just("<Tools> & \"Friends\"\n\t\u{2028}\u{1}\u{7f} é🚀".to_string())
    ]
}

/// Any other string value: no hidden character at all (`value-hidden-character`).
fn plain_value() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[ -~]{1,30}", "\\PC{1,20}".prop_map(|s| s.chars().filter(|c| classify(None, *c).is_none()).collect())]
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(|(flow, plain, reverse_keys, comments, crlf)| Style { flow, plain, reverse_keys, comments: comments && !flow, crlf })
}

prop_compose! {
    fn manifest()(
        name in "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?",
        v in (0u32..30, 0u32..30, 0u32..30),
        digest in "[0-9a-f]{64}",
        package in prop_oneof![Just(String::new()), "[a-z]{1,6}(/[a-z0-9]{1,6})?"],
        builder in prop::sample::select(vec!["", "go-static", "toolpack", "node", "python"]),
        sealed in any::<bool>(),
        egress in prop::collection::btree_set(prop_oneof![host(), host().prop_map(|h| format!("*.{h}"))], 1..4),
        creds in prop::collection::vec((prop::sample::select(vec!["api_key", "oauth2", "basic"]), prop::collection::btree_set("[a-z]{1,6}(:[a-z]{1,6})?", 1..3)), 0..3),
        defaults in prop::collection::vec(any::<bool>(), 1..6),
        category in prop::sample::select([&[""][..], &Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>()].concat()),
        display_name in text(), description in text(), icon in plain_value(),
    ) -> Manifest {
        let credentials = creds.iter().enumerate().map(|(i, (kind, scopes))| Credential {
            id: format!("cred_{i}"),
            kind: CredentialType::from(*kind),
            provider: name.clone(),
            scopes: if kind == &"oauth2" { scopes.iter().cloned().collect() } else { Vec::new() },
            inject: if sealed {
                Inject { header: format!("X-Key-{i}"), format: "Bearer {token}".into(), env: String::new() }
            } else {
                Inject { env: format!("KEY_{i}"), ..Inject::default() }
            },
            vendor: if kind == &"oauth2" { "acme".into() } else { String::new() },
        }).collect();
        let mut tools: Vec<Tool> = defaults.iter().enumerate().map(|(i, d)| Tool { name: format!("tool_{i}"), default: *d }).collect();
        tools[0].default = true;
        Manifest {
            schema_version: 1,
            name: name.clone(),
            version: format!("{}.{}.{}", v.0, v.1, v.2),
            source: Source { repo: format!("github.com/acme/{name}-mcp"), tag: format!("v{}.{}.{}", v.0, v.1, v.2), package },
            image: Image { reference: format!("ghcr.io/gigmcp/{name}-mcp"), digest: format!("sha256:{digest}"), entrypoint: "/app/server".into(), builder: (!builder.is_empty()).then(|| Closed::from_text(builder.to_string())) },
            tier: if sealed { Tier::Sealed } else { Tier::Entrusted }.into(),
            entitlements: Entitlements { egress: egress.into_iter().collect() },
            credentials,
            tools,
            display_name, description, category: (!category.is_empty()).then(|| Closed::from_text(category.to_string())), icon,
        }
    }
}

fn check(text: &str) -> (Option<Manifest>, Vec<registryctl::schema::Diagnostic>) {
    let c = check_manifest(text, None, &Policy::default(), &ManifestContext::default());
    (c.manifest, c.diags)
}

fn errors(d: &[registryctl::schema::Diagnostic]) -> Vec<String> {
    d.iter().filter(|d| d.severity == Severity::Error).map(|d| format!("{} {} {}", d.rule.id(), d.field, d.message)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_manifests_are_accepted_and_read_back_exactly(m in manifest(), st in style()) {
        let text = to_yaml(&m, st);
        let (parsed, diags) = check(&text);
        prop_assert!(errors(&diags).is_empty(), "{:?}\n{}", errors(&diags), text);
        prop_assert_eq!(parsed.as_ref(), Some(&m), "{}", text);
    }

    #[test]
    fn the_index_round_trips_through_json(ms in prop::collection::vec(manifest(), 1..8)) {
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<Manifest> = ms.into_iter().filter(|m| seen.insert((m.name.clone(), m.version.clone()))).collect();
        let idx = index::build(unique.clone(), index::timestamp(Some(0)).unwrap()).unwrap();
        let bytes = index::to_go_json(&idx);
        let back: Index = serde_json::from_slice(&bytes).unwrap();
        prop_assert_eq!(&back, &idx);
        prop_assert_eq!(index::to_go_json(&back), bytes);
        for m in &unique {
            prop_assert_eq!(&*back.servers[&m.name].versions[&m.version], m);
        }
    }

    #[test]
    fn hashes_ignore_formatting(m in manifest(), a in style(), b in style()) {
        let (x, _) = check(&to_yaml(&m, a));
        let (y, _) = check(&to_yaml(&m, b));
        let (x, y) = (x.unwrap(), y.unwrap());
        prop_assert_eq!(index::hash(&x), index::hash(&y));
        prop_assert_eq!(index::runtime_hash(&x), index::runtime_hash(&y));
    }

    #[test]
    fn runtime_hash_tracks_runtime_fields_only(m in manifest(), which in 0usize..8, text in "[a-z]{1,8}") {
        let mut changed = m.clone();
        match which {
            0 => changed.tier = if m.tier.is(Tier::Sealed) { Tier::Entrusted.into() } else { Tier::Sealed.into() },
            1 => changed.entitlements.egress.push(format!("api.{text}.dev")),
            2 => changed.tools[0].default = !m.tools[0].default,
            3 => changed.image.entrypoint = format!("/app/{text}-x"),
            4 => changed.source.tag = format!("v{text}-x"),
            5 => changed.tools.push(Tool { name: format!("{text}_extra"), default: false }),
            6 => changed.image.reference = format!("ghcr.io/{text}/x-y"),
            _ => changed.name = format!("{text}-x"),
        }
        prop_assert_ne!(index::runtime_hash(&changed), index::runtime_hash(&m));
        let mut presentation = m.clone();
        presentation.description.push_str(&text);
        presentation.display_name = text.clone();
        presentation.image.digest = format!("sha256:{}", "f".repeat(64));
        prop_assert_eq!(index::runtime_hash(&presentation), index::runtime_hash(&m));
        prop_assert_ne!(index::hash(&presentation), index::hash(&m));
    }

    #[test]
    fn one_invalid_field_is_rejected_with_its_rule(m in manifest(), pick in 0usize..12, junk in "[A-Z_ ]{1,6}", st in style()) {
        let mut bad = m.clone();
        let rule = match pick {
            0 => { bad.name = format!("{}{junk}", m.name); Rule::Name }
            1 => { bad.version = format!("0{}", m.version); Rule::Version }
            2 => { bad.schema_version = 2 + junk.len() as i64; Rule::SchemaVersion }
            3 => { bad.source.repo = format!("https://{}", m.source.repo); Rule::SourceRepo }
            4 => { bad.source.tag = format!("{}{junk};x", m.source.tag); Rule::SourceTag }
            5 => { bad.image.digest = format!("sha256:{}", junk.to_lowercase()); Rule::ImageDigest }
            6 => { bad.image.entrypoint = format!("app{junk}"); Rule::ImageEntrypoint }
            7 => { bad.image.builder = Some(Closed::Unknown(format!("custom{}", junk.len()))); Rule::ImageBuilder }
            8 => { bad.tier = Closed::Unknown(format!("t{}", junk.to_lowercase())); Rule::Tier }
            9 => { bad.entitlements.egress[0] = format!("{}:8443", m.entitlements.egress[0]); Rule::EgressHost }
            10 => { bad.category = Some(Closed::Unknown(format!("cat{junk}"))); Rule::Category }
            _ => { bad.image.reference = format!("{}:latest", m.image.reference); Rule::ImageRef }
        };
        let (_, diags) = check(&to_yaml(&bad, st));
        prop_assert!(diags.iter().any(|d| d.rule == rule), "{} not in {:?}", rule.id(), errors(&diags));
    }

    #[test]
    fn sign_then_verify_and_every_flipped_bit_fails(seed in any::<[u8; 32]>(), data in prop::collection::vec(any::<u8>(), 0..200), bit in any::<prop::sample::Index>(), target in 0usize..3) {
        let key = SecretKey::from_seed(&seed);
        let public = key.public();
        let sig = key.sign(&data);
        prop_assert!(public.verify(&data, &sig).is_ok());
        let sig_bytes = hex::decode(sig.trim()).unwrap();
        let pub_bytes = hex::decode(public.to_hex()).unwrap();
        let verified = match target {
            0 if !data.is_empty() => {
                let mut d = data.clone();
                let i = bit.index(d.len() * 8);
                d[i / 8] ^= 1 << (i % 8);
                public.verify(&d, &sig).is_ok()
            }
            1 => {
                let mut s = sig_bytes.clone();
                let i = bit.index(s.len() * 8);
                s[i / 8] ^= 1 << (i % 8);
                public.verify(&data, &hex::encode(s)).is_ok()
            }
            _ => {
                let mut p = pub_bytes.clone();
                let i = bit.index(p.len() * 8);
                p[i / 8] ^= 1 << (i % 8);
                PublicKey::from_hex(&hex::encode(p)).is_ok_and(|k| k.verify(&data, &sig).is_ok())
            }
        };
        prop_assert!(!verified || (target == 0 && data.is_empty()));
    }
}

#[test]
fn builders_listed_in_the_strategy_are_the_schemas() {
    assert_eq!(Builder::ALL.iter().map(|b| b.as_str()).collect::<Vec<_>>(), ["go-static", "toolpack", "node", "python"]);
}
