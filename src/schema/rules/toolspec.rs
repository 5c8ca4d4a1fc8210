// SPDX-License-Identifier: Apache-2.0
//! A toolspec's own rules: base URLs, the auth block, each tool's name, description, path and
//! parameters. The rules that pair it with its manifest are in [`super::pairing`].
//!
//! A base URL and a path together make the URL the engine calls with the credential, so both
//! have a grammar under which no form can change the scheme, host or port, climb out of the
//! path, or be read differently by two URL parsers (the grammars are in the rules' docs:
//! `registryctl explain toolspec-path`, `toolspec-base-url`).

use std::collections::{BTreeSet, HashSet};

use super::credentials::{check_header, header_key, HeaderUse};
use super::egress::{self, check_host, Entry};
use super::has_control;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::closed::{Method, ParamIn};
use crate::schema::toolspec::{Param, ToolDef, Toolspec};

/// Fewer words than this draws the short-description warning.
pub const MIN_DESCRIPTION_WORDS: usize = 5;

/// Checks a base URL is exactly `https://<host>` with a public host name, and returns the host.
pub fn base_url_host(url: &str) -> Result<&str, String> {
    let Some(host) = url.strip_prefix("https://") else {
        return Err(match url.get(..8) {
            Some(scheme) if scheme.eq_ignore_ascii_case("https://") => format!("`{url}`: write the scheme as https:// in lowercase"),
            _ => format!("`{url}` must start with https://"),
        });
    };
    let why = if host.contains('@') {
        Some("no userinfo: parsers disagree on whether `user@host` names a user or a host")
    } else if host.contains(['/', '\\']) {
        Some("no path, not even a trailing /: put the path, version prefix included, in each tool's path")
    } else if host.contains(['?', '#']) {
        Some("no query or fragment")
    } else if host.contains(':') {
        Some("no port: egress entries name hosts, and the engine calls port 443")
    } else if host.ends_with('.') {
        Some("no trailing dot: the gateway compares host names as written")
    } else {
        None
    };
    if let Some(why) = why {
        return Err(format!("`{url}` must be https://<host> only: {why}"));
    }
    check_host(host).map_err(|e| format!("host of `{url}`: {e}"))?;
    if let Some(name) = egress::reserved(Entry::Host(host)) {
        return Err(format!("host of `{url}` falls under `{name}`, a wildcard-DNS or DNS-rebinding service or a reserved name"));
    }
    if let Some(why) = egress::not_public_dns(host) {
        return Err(format!("host of `{url}`: {why}"));
    }
    Ok(host)
}

/// Checks a tool's path against the path grammar (`registryctl explain toolspec-path`) and
/// returns its placeholders' names, in order.
pub fn path_placeholders(path: &str) -> Result<Vec<&str>, String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(if path.is_empty() { "the path is empty".into() } else { format!("`{path}` must start with /") });
    };
    let mut names = Vec::new();
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            if i == last {
                continue; // "/" alone, or one trailing "/"
            }
            return Err(format!(
                "`{path}` has an empty segment (`//`): at the start it names another host, elsewhere servers read it differently"
            ));
        }
        if segment.bytes().all(|b| b == b'.') {
            return Err(format!("`{path}` has the dot segment `{segment}`: resolving it climbs out of the path"));
        }
        segment_placeholders(segment, i == 0, &mut names).map_err(|e| format!("`{path}`: {e}"))?;
    }
    Ok(names)
}

/// One segment's characters and `{name}` placeholders.
fn segment_placeholders<'a>(segment: &'a str, first: bool, names: &mut Vec<&'a str>) -> Result<(), String> {
    let mut rest = segment;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '{' => {
                let end = after.find(['{', '}']).filter(|&e| after.as_bytes()[e] == b'}');
                let Some(end) = end else {
                    return Err("a `{` is not closed by `}` before the next brace: placeholders are `{name}`, not nested".into());
                };
                let name = &after[..end];
                let mut chars = name.chars();
                let starts = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
                if !starts || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!("placeholder `{{{name}}}`: a name is a letter or `_`, then letters, digits and `_`"));
                }
                names.push(name);
                rest = &after[end + 1..];
                continue;
            }
            '}' => return Err("a `}` closes no placeholder".into()),
            ':' | '@' if first => return Err(format!("`{c}` in the first segment reads as a scheme or userinfo to some parsers")),
            c if c.is_ascii_alphanumeric() || "-._~!$&'()*+,=:@".contains(c) => {}
            '%' => return Err("percent-encoding (`%`) is not allowed: parsers disagree on what `%2e`, `%2f` and `%5c` mean".into()),
            '\\' => return Err("a backslash is a `/` to WHATWG URL parsers and not to others".into()),
            ';' => return Err("`;` starts path parameters that servers strip before routing".into()),
            '?' | '#' => return Err("a query or fragment does not belong in the path: use query parameters".into()),
            c if c.is_whitespace() || c.is_control() => {
                return Err(format!("whitespace and control characters ({}) are not allowed", c.escape_unicode()))
            }
            c if !c.is_ascii() => return Err(format!("`{c}` is not ASCII: parsers encode or reject it differently")),
            c => return Err(format!("`{c}` is not allowed in a path")),
        }
        rest = after;
    }
    Ok(())
}

/// The path of a field of one tool.
pub fn tool_path(i: usize, key: &'static str) -> FieldPath {
    FieldPath::field("tools").index(i).key(key)
}

/// The toolspec-level fields, then every tool.
pub fn toolspec(t: &Toolspec, out: &mut Vec<Diagnostic>) {
    if let Err(e) = base_url_host(&t.base_url) {
        out.push(Diagnostic::new(Rule::ToolspecBaseUrl, FieldPath::field("baseUrl"), e));
    }
    if let Some(a) = &t.auth {
        let format = || FieldPath::field("auth").key("format");
        if a.header.is_empty() {
            out.push(Diagnostic::new(Rule::ToolspecAuth, FieldPath::field("auth"), "auth needs a header"));
        }
        if !a.format.contains("{token}") {
            out.push(Diagnostic::new(Rule::ToolspecAuth, format(), format!("auth format `{}` does not contain {{token}}", a.format)));
        } else if has_control(&a.format) || has_control(&a.header) {
            out.push(Diagnostic::new(Rule::ToolspecAuth, format(), "auth header and format may not contain control characters"));
        }
    }
    if t.tools.is_empty() {
        out.push(Diagnostic::new(Rule::ToolspecTools, FieldPath::field("tools"), "a toolspec needs at least one tool"));
    }
    let auth_header = t.auth.as_ref().map(|a| header_key(&a.header));
    let mut names = HashSet::new();
    for (i, tool) in t.tools.iter().enumerate() {
        if tool.name.is_empty() {
            out.push(Diagnostic::new(Rule::ToolspecTools, tool_path(i, "name"), "tool name is missing"));
        } else if !names.insert(tool.name.as_str()) {
            out.push(Diagnostic::new(Rule::ToolspecTools, tool_path(i, "name"), format!("tool `{}` is listed twice", tool.name)));
        }
        tool_rules(i, tool, auth_header.as_deref(), out);
    }
}

/// One tool: description, path, base URL, and its parameters against its path.
fn tool_rules(i: usize, tool: &ToolDef, auth_header: Option<&str>, out: &mut Vec<Diagnostic>) {
    let words = tool.description.split_whitespace().count();
    if words == 0 {
        out.push(Diagnostic::new(
            Rule::ToolspecDescription,
            tool_path(i, "description"),
            format!("tool `{}` has no description", tool.name),
        ));
    } else if words < MIN_DESCRIPTION_WORDS {
        let msg = format!("the description of `{}` has {words} word(s); write at least {MIN_DESCRIPTION_WORDS}", tool.name);
        out.push(Diagnostic::new(Rule::ToolspecDescriptionShort, tool_path(i, "description"), msg));
    }
    let parsed = path_placeholders(&tool.path);
    if let Err(e) = &parsed {
        out.push(Diagnostic::new(Rule::ToolspecPath, tool_path(i, "path"), format!("path {e}")));
    }
    if !tool.base_url.is_empty() {
        if let Err(e) = base_url_host(&tool.base_url) {
            out.push(Diagnostic::new(Rule::ToolspecBaseUrl, tool_path(i, "baseUrl"), e));
        }
    }
    // A path outside the grammar is one finding; its placeholders are not compared again.
    let path_ok = parsed.is_ok();
    let placeholders: BTreeSet<&str> = parsed.unwrap_or_default().into_iter().collect();
    let mut names = HashSet::new();
    for (j, param) in tool.params.iter().enumerate() {
        let at = |key: &'static str| tool_path(i, "params").index(j).key(key);
        if param.name.is_empty() {
            out.push(Diagnostic::new(Rule::ToolspecParamName, at("name"), "parameter name is missing"));
        } else if !names.insert(param.name.as_str()) {
            out.push(Diagnostic::new(Rule::ToolspecParamName, at("name"), format!("parameter `{}` is listed twice", param.name)));
        } else if has_control(&param.name) {
            out.push(Diagnostic::new(Rule::ToolspecParamName, at("name"), "parameter names may not contain control characters"));
        }
        param_rules(tool, param, path_ok.then_some(&placeholders), auth_header, &at, out);
    }
    for ph in placeholders {
        if !tool.params.iter().any(|x| x.name == ph && x.location.is(ParamIn::Path)) {
            let msg = format!("placeholder {{{ph}}} in `{}` has no in: path parameter", tool.path);
            out.push(Diagnostic::new(Rule::ToolspecPathParam, tool_path(i, "path"), msg));
        }
    }
}

/// One parameter against where it goes: path parameters are required placeholders (when the
/// path could be read), body parameters need a method with a body, header parameters may not
/// set the auth header.
fn param_rules(
    tool: &ToolDef,
    param: &Param,
    placeholders: Option<&BTreeSet<&str>>,
    auth_header: Option<&str>,
    at: &dyn Fn(&'static str) -> FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let name = &param.name;
    match param.location.known() {
        Some(ParamIn::Path) if !param.required => {
            out.push(Diagnostic::new(Rule::ToolspecPathParam, at("required"), format!("path parameter `{name}` must be required: true")))
        }
        Some(ParamIn::Path) if placeholders.is_some_and(|p| !p.contains(name.as_str())) => {
            let msg = format!("path parameter `{name}` does not appear as {{{name}}} in `{}`", tool.path);
            out.push(Diagnostic::new(Rule::ToolspecPathParam, at("name"), msg));
        }
        Some(ParamIn::Body) if !tool.method.known().is_some_and(Method::has_body) => {
            let msg = format!("body parameter `{name}` on a {} request", tool.method);
            out.push(Diagnostic::new(Rule::ToolspecBodyParam, at("in"), msg));
        }
        // A name `header-name` refuses as an argument (Authorization, Cookie) is its finding alone.
        Some(ParamIn::Header) if auth_header == Some(header_key(name).as_str()) && check_header(name, HeaderUse::Argument).is_ok() => {
            out.push(Diagnostic::new(Rule::ToolspecHeaderParam, at("name"), format!("header parameter `{name}` would set the auth header")))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::closed::{Closed, ParamType};

    fn tool(method: &str, path: &str, params: Vec<Param>) -> ToolDef {
        ToolDef {
            name: "t".into(),
            description: "List the items to find one item id.".into(),
            method: Closed::from_text(method.into()),
            path: path.into(),
            base_url: String::new(),
            encoding: None,
            params,
        }
    }

    fn param(name: &str, location: ParamIn, required: bool) -> Param {
        Param { name: name.into(), location: location.into(), kind: ParamType::String.into(), required, description: String::new() }
    }

    fn rules(t: &ToolDef) -> Vec<(Rule, String)> {
        let mut out = Vec::new();
        tool_rules(0, t, Some("x-key"), &mut out);
        out.into_iter().map(|d| (d.rule, d.field.to_string())).collect()
    }

    #[test]
    fn base_urls_are_https_and_a_public_host_only() {
        assert_eq!(base_url_host("https://api.acme.com"), Ok("api.acme.com"));
        for bad in [
            "http://api.acme.com",
            "HTTPS://api.acme.com",
            "https:/api.acme.com",
            "https://api.acme.com/v1",
            "https://api.acme.com/",
            "https://api.acme.com:443",
            "https://user@api.acme.com",
            "https://api.acme.com@evil.example.org",
            "https://api.acme.com?x=1",
            "https://api.acme.com#x",
            "https://api.acme.com.",
            "https://api.acme.com\\@evil.example.org",
            "https://API.acme.com",
            "https://localhost",
            "https://127.0.0.1",
            "https://kubernetes.default.svc",
            "https://vault.service.consul",
            "https://10.0.0.1.nip.io",
            "https://x.rbndr.us",
            "https://",
            "https://é.com",
        ] {
            assert!(base_url_host(bad).is_err(), "{bad}");
        }
        assert!(base_url_host("https://kubernetes.default.svc").unwrap_err().contains("ICANN"));
    }

    #[test]
    fn paths_in_the_grammar() {
        assert_eq!(path_placeholders("/v1/items/{item_id}"), Ok(vec!["item_id"]));
        assert_eq!(path_placeholders("/"), Ok(vec![]));
        for ok in [
            "/account/",
            "/.api/v1/card/{id}/",
            "/v0/item/{id}.json",
            "/v25.0/act_{ad_account_id}/ads",
            "/v4/spreadsheets/{spreadsheetId}/values/{range}:append",
            "/api/v10/users/@me",
            "/v1.0/me/drive/root/search(q='{q}')",
            "/a-b~c/x!$&*+,=",
        ] {
            assert!(path_placeholders(ok).is_ok(), "{ok}: {:?}", path_placeholders(ok));
        }
    }

    #[test]
    fn paths_outside_the_grammar() {
        for bad in [
            "",
            "v1/items",
            "//evil.example.org/x",
            "/a//b",
            "/a/%2e%2e/admin",
            "/a/%2E./admin",
            "/a/%2f/b",
            "/a/%00",
            "/a/../admin",
            "/a/./b",
            "/a/...",
            "/..",
            "/a\\b",
            "/\\evil.example.org/x",
            "/open/v1/{projectId/data",
            "/open/v1/projectId}/data",
            "/a/{{id}}",
            "/a/{x{y}}",
            "/a/{}",
            "/a/{1x}",
            "/a/{x-y}",
            "/a:b/c",
            "/user@evil.example.org/x",
            "/a;jsessionid=1/b",
            "/a?x=1",
            "/a#frag",
            "/a b",
            "/a\tb",
            "/a\nb",
            "/caf\u{e9}",
            "/a/\u{202e}b",
            "/a/[x]",
            "/a/<x>",
            "/a/`x`",
            "/a/\"x\"",
            "/a/|x",
            "/a/^x",
        ] {
            assert!(path_placeholders(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_bad_path_is_one_finding() {
        let t = tool("GET", "/open/v1/{projectId/data", vec![param("projectId", ParamIn::Path, true)]);
        assert_eq!(rules(&t), [(Rule::ToolspecPath, "tools[0].path".into())]);
    }

    #[test]
    fn parameters_agree_with_the_path_and_method() {
        let ok = tool("GET", "/items/{id}", vec![param("id", ParamIn::Path, true)]);
        assert!(rules(&ok).is_empty());
        let missing = tool("GET", "/items/{id}", vec![]);
        assert_eq!(rules(&missing), [(Rule::ToolspecPathParam, "tools[0].path".into())]);
        let body_on_get = tool("GET", "/items", vec![param("q", ParamIn::Body, false)]);
        assert_eq!(rules(&body_on_get), [(Rule::ToolspecBodyParam, "tools[0].params[0].in".into())]);
        let auth = tool("POST", "/items", vec![param("X-Key", ParamIn::Header, false)]);
        assert_eq!(rules(&auth), [(Rule::ToolspecHeaderParam, "tools[0].params[0].name".into())]);
    }
}
