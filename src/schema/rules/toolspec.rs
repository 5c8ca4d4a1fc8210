// SPDX-License-Identifier: Apache-2.0
//! A toolspec's own rules: base URLs, the auth block, each tool's name, description, path and
//! parameters. The rules that pair it with its manifest are in [`super::pairing`].

use std::collections::{BTreeSet, HashSet};

use super::egress::check_host;
use super::has_control;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::closed::{Method, ParamIn};
use crate::schema::patterns::{PATH_PLACEHOLDER, URL_PATH};
use crate::schema::toolspec::{Param, ToolDef, Toolspec};

/// Fewer words than this draws the short-description warning.
pub const MIN_DESCRIPTION_WORDS: usize = 5;

/// Checks a base URL is exactly `https://<host>` and returns the host.
pub fn base_url_host(url: &str) -> Result<&str, String> {
    let host = url.strip_prefix("https://").ok_or_else(|| format!("`{url}` must start with https://"))?;
    if host.contains(['/', '?', '#', '@', ':']) {
        return Err(format!("`{url}` must be https://<host> only: no port, path, query, fragment or userinfo"));
    }
    check_host(host).map_err(|e| format!("host of `{url}`: {e}"))?;
    Ok(host)
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
    let auth_header = t.auth.as_ref().map(|a| a.header.to_ascii_lowercase());
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
    if !URL_PATH.is_match(&tool.path) || tool.path.split('/').any(|s| s == "..") {
        let msg = format!("path `{}` is not an absolute path without query or fragment", tool.path);
        out.push(Diagnostic::new(Rule::ToolspecPath, tool_path(i, "path"), msg));
    }
    if !tool.base_url.is_empty() {
        if let Err(e) = base_url_host(&tool.base_url) {
            out.push(Diagnostic::new(Rule::ToolspecBaseUrl, tool_path(i, "baseUrl"), e));
        }
    }
    let placeholders: BTreeSet<&str> =
        PATH_PLACEHOLDER.regex().captures_iter(&tool.path).filter_map(|c| c.get(1)).map(|m| m.as_str()).collect();
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
        param_rules(tool, param, &placeholders, auth_header, &at, out);
    }
    for ph in placeholders {
        if !tool.params.iter().any(|x| x.name == ph && x.location.is(ParamIn::Path)) {
            let msg = format!("placeholder {{{ph}}} in `{}` has no in: path parameter", tool.path);
            out.push(Diagnostic::new(Rule::ToolspecPathParam, tool_path(i, "path"), msg));
        }
    }
}

/// One parameter against where it goes: path parameters are required placeholders, body
/// parameters need a method with a body, header parameters may not set the auth header.
fn param_rules(
    tool: &ToolDef,
    param: &Param,
    placeholders: &BTreeSet<&str>,
    auth_header: Option<&str>,
    at: &dyn Fn(&'static str) -> FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let name = &param.name;
    match param.location.known() {
        Some(ParamIn::Path) if !param.required => {
            out.push(Diagnostic::new(Rule::ToolspecPathParam, at("required"), format!("path parameter `{name}` must be required: true")))
        }
        Some(ParamIn::Path) if !placeholders.contains(name.as_str()) => {
            let msg = format!("path parameter `{name}` does not appear as {{{name}}} in `{}`", tool.path);
            out.push(Diagnostic::new(Rule::ToolspecPathParam, at("name"), msg));
        }
        Some(ParamIn::Body) if !tool.method.known().is_some_and(Method::has_body) => {
            let msg = format!("body parameter `{name}` on a {} request", tool.method);
            out.push(Diagnostic::new(Rule::ToolspecBodyParam, at("in"), msg));
        }
        Some(ParamIn::Header) if auth_header == Some(name.to_ascii_lowercase().as_str()) => {
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
    fn base_urls_are_https_hosts_only() {
        assert_eq!(base_url_host("https://api.acme.com"), Ok("api.acme.com"));
        for bad in ["http://api.acme.com", "https://api.acme.com/v1", "https://api.acme.com:443", "https://localhost"] {
            assert!(base_url_host(bad).is_err(), "{bad}");
        }
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
