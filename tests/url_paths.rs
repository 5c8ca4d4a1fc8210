// SPDX-License-Identifier: Apache-2.0
//! The toolspec path grammar (issue 16.3, `registryctl explain toolspec-path`): every path it
//! accepts, joined to a base URL, is one URL to a WHATWG parser (the `url` crate) and to an
//! RFC 3986 resolver: same scheme, host and port, and a path that starts with the path given.
//! Placeholders are filled first, as the engine fills them (each argument percent-encoded as
//! one segment; here, plain words).

use proptest::prelude::*;
use registryctl::schema::rules::toolspec::path_placeholders;

const BASE: &str = "https://api.example.com";
const HOST: &str = "api.example.com";

/// RFC 3986 section 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path.to_string();
    let mut output = String::new();
    let pop = |out: &mut String| out.truncate(out.rfind('/').unwrap_or(0));
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../").or_else(|| input.strip_prefix("./")) {
            input = rest.to_string();
        } else if input.starts_with("/./") || input == "/." {
            input = format!("/{}", input.get(3..).unwrap_or(""));
        } else if input.starts_with("/../") || input == "/.." {
            input = format!("/{}", input.get(4..).unwrap_or(""));
            pop(&mut output);
        } else if input == "." || input == ".." {
            input.clear();
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = input[end..].to_string();
        }
    }
    output
}

/// RFC 3986 section 5.2.2 with the base `https://api.example.com` (empty path, no query), the
/// reference split by the regular expression of appendix B, recomposed by section 5.3.
fn rfc3986_join(reference: &str) -> String {
    let (rest, fragment) = match reference.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (reference, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let scheme_end = rest.find(':').filter(|&i| i > 0 && !rest[..i].contains('/'));
    let (scheme, rest) = match scheme_end {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => ("https", rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find('/').unwrap_or(r.len());
            (&r[..end], remove_dot_segments(&r[end..]))
        }
        None if scheme_end.is_some() => ("", remove_dot_segments(rest)),
        None if rest.is_empty() => (HOST, String::new()),
        None if rest.starts_with('/') => (HOST, remove_dot_segments(rest)),
        None => (HOST, remove_dot_segments(&format!("/{rest}"))),
    };
    let mut out = format!("{scheme}://{authority}{path}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The path with each placeholder filled with a word.
fn filled(path: &str, words: &[String]) -> String {
    let mut out = String::new();
    let mut rest = path;
    let mut k = 0;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("the grammar pairs braces") + open;
        out.push_str(&rest[..open]);
        out.push_str(&words[k % words.len()]);
        k += 1;
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What the property asserts for one accepted path.
fn joins_agree(path: &str, words: &[String]) -> Result<(), TestCaseError> {
    let path = filled(path, words);
    let whatwg = url::Url::parse(BASE).unwrap().join(&path).map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?;
    let rfc = rfc3986_join(&path);
    prop_assert_eq!(whatwg.as_str(), rfc.as_str(), "the two parsers disagree on {}", path);
    prop_assert_eq!(whatwg.scheme(), "https");
    prop_assert_eq!(whatwg.host_str(), Some(HOST));
    prop_assert_eq!(whatwg.port(), None);
    prop_assert!(whatwg.username().is_empty() && whatwg.password().is_none());
    prop_assert!(whatwg.query().is_none() && whatwg.fragment().is_none());
    prop_assert!(whatwg.path().starts_with(&path), "{} does not start with {}", whatwg.path(), path);
    Ok(())
}

/// One segment of the grammar: its characters, placeholders, and `:`/`@` outside the first.
fn segment(first: bool) -> impl Strategy<Value = String> {
    let chars = if first { "[A-Za-z0-9._~!$&'()*+,=-]" } else { "[A-Za-z0-9._~!$&'()*+,=:@-]" };
    let piece = prop_oneof![3 => proptest::string::string_regex(&format!("{chars}{{1,6}}")).unwrap(), 1 => "[a-z_][a-z0-9_]{0,5}".prop_map(|n| format!("{{{n}}}"))];
    proptest::collection::vec(piece, 1..4).prop_map(|p| p.concat()).prop_filter("not a dot segment", |s| !s.bytes().all(|b| b == b'.'))
}

/// Paths the grammar describes.
fn grammar_path() -> impl Strategy<Value = String> {
    (segment(true), proptest::collection::vec(segment(false), 0..5), any::<bool>(), any::<bool>()).prop_map(
        |(first, rest, empty, slash)| {
            if empty {
                return "/".to_string();
            }
            let mut p = format!("/{first}");
            for s in rest {
                p.push('/');
                p.push_str(&s);
            }
            if slash {
                p.push('/');
            }
            p
        },
    )
}

fn words() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[A-Za-z0-9_-]{1,8}", 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_path_of_the_grammar_is_accepted_and_joins_the_same_way(path in grammar_path(), words in words()) {
        prop_assert!(path_placeholders(&path).is_ok(), "{path}: {:?}", path_placeholders(&path));
        joins_agree(&path, &words)?;
    }

    #[test]
    fn whatever_the_grammar_accepts_joins_the_same_way(
        tail in r#"[a-z/\\.%2eEfF0:@?#{}; \t~'()=+&$!*,\[\]|^`"<>é-]{0,16}"#,
        words in words(),
    ) {
        let path = format!("/{tail}");
        if path_placeholders(&path).is_ok() {
            joins_agree(&path, &words)?;
        }
    }
}

#[test]
fn the_reference_joins_see_the_hostile_forms() {
    // The property is only as good as its two joins: they do see what the grammar refuses.
    assert_eq!(rfc3986_join("//evil.example.org/x"), "https://evil.example.org/x");
    assert_eq!(url::Url::parse(BASE).unwrap().join("//evil.example.org/x").unwrap().host_str(), Some("evil.example.org"));
    assert_eq!(rfc3986_join("/a/../admin"), "https://api.example.com/admin");
    assert_eq!(url::Url::parse(BASE).unwrap().join("/a/%2e%2e/admin").unwrap().path(), "/admin");
    assert_eq!(rfc3986_join("/a/%2e%2e/admin"), "https://api.example.com/a/%2e%2e/admin");
    assert_eq!(url::Url::parse(BASE).unwrap().join("/\\evil.example.org/x").unwrap().host_str(), Some("evil.example.org"));
    for hostile in ["//evil.example.org/x", "/a/%2e%2e/admin", "/a/../admin", "/\\evil.example.org/x", "/open/v1/{projectId/data"] {
        assert!(path_placeholders(hostile).is_err(), "{hostile}");
    }
}
