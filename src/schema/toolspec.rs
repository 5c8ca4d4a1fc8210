//! The toolspec: how the generic toolpack engine maps each tool to one REST call, and how a
//! toolspec must agree with the manifest it is paired with.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::diag::{Diagnostic, Rule};
use super::egress;
use super::manifest::{has_control, Manifest};
use super::read::{index, join, Path, Reader};
use super::yaml::Node;

pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
pub const LOCATIONS: &[&str] = &["path", "query", "body", "header"];
pub const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array"];
pub const ENCODINGS: &[&str] = &["json", "form"];
/// Fewer words than this draws the short-description warning.
pub const MIN_DESCRIPTION_WORDS: usize = 5;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{([^{}]*)\}").expect("valid regex"));
static PATH_CHARS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%{}/-]*$").expect("valid regex"));

/// A toolspec: `toolspecs/<name>/<version>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl toolspec", description = "Tool-to-HTTP mapping for the toolpack engine: toolspecs/<name>/<version>.yaml")]
pub struct Toolspec {
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: i64,
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"))]
    pub name: String,
    #[schemars(regex(pattern = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"))]
    pub version: String,
    /// Exactly `https://<host>`.
    #[schemars(regex(pattern = r"^https://[a-z0-9.-]+$"))]
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[schemars(length(min = 1))]
    pub tools: Vec<ToolDef>,
}

/// Where the engine puts the credential itself (entrusted tier only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub header: String,
    /// Contains `{token}`.
    pub format: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolDef {
    pub name: String,
    #[schemars(length(min = 1))]
    pub description: String,
    #[schemars(extend("enum" = ["GET", "POST", "PUT", "PATCH", "DELETE"]))]
    pub method: String,
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(regex(pattern = r"^https://[a-z0-9.-]+$"))]
    pub base_url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("enum" = ["json", "form"]))]
    pub encoding: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    #[serde(rename = "in")]
    #[schemars(extend("enum" = ["path", "query", "body", "header"]))]
    pub location: String,
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["string", "integer", "number", "boolean", "object", "array"]))]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Reads a toolspec out of a YAML tree (string values are moved out of it).
pub fn from_node(root: &mut Node, r: &mut Reader) -> Option<Toolspec> {
    let top = Path::Root;
    let mut f = r.fields(root, top)?;
    let schema_version = f.get("schemaVersion").and_then(|n| r.int(n, top.key("schemaVersion"))).unwrap_or(0);
    let name = r.opt_string(&mut f, "name");
    let version = r.opt_string(&mut f, "version");
    let base_url = r.opt_string(&mut f, "baseUrl");
    let auth = f.get("auth").and_then(|n| r.fields(n, top.key("auth"))).map(|mut a| {
        let v = Auth { header: r.opt_string(&mut a, "header"), format: r.opt_string(&mut a, "format") };
        r.finish(a, &["header", "format"]);
        v
    });
    let tools = match f.get("tools") {
        Some(n) => r.list(n, top.key("tools"), read_tool),
        None => Vec::new(),
    };
    r.finish(f, &["schemaVersion", "name", "version", "baseUrl", "auth", "tools"]);
    Some(Toolspec { schema_version, name, version, base_url, auth, tools })
}

fn read_tool(r: &mut Reader, n: &mut Node, p: Path<'_>) -> Option<ToolDef> {
    let mut t = r.fields(n, p)?;
    let params = match t.get("params") {
        Some(n) => r.list(n, p.key("params"), |r, n, p| {
            let mut f = r.fields(n, p)?;
            let v = Param {
                name: r.opt_string(&mut f, "name"),
                location: r.opt_string(&mut f, "in"),
                kind: r.opt_string(&mut f, "type"),
                required: f.get("required").and_then(|n| r.bool(n, p.key("required"))).unwrap_or(false),
                description: r.opt_string(&mut f, "description"),
            };
            r.finish(f, &["name", "in", "type", "required", "description"]);
            Some(v)
        }),
        None => Vec::new(),
    };
    let v = ToolDef {
        name: r.opt_string(&mut t, "name"),
        description: r.opt_string(&mut t, "description"),
        method: r.opt_string(&mut t, "method"),
        path: r.opt_string(&mut t, "path"),
        base_url: r.opt_string(&mut t, "baseUrl"),
        encoding: r.opt_string(&mut t, "encoding"),
        params,
    };
    r.finish(t, &["name", "description", "method", "path", "baseUrl", "encoding", "params"]);
    Some(v)
}

/// Checks a base URL is exactly `https://<host>` and returns the host.
pub fn base_url_host(url: &str) -> Result<&str, String> {
    let host = url.strip_prefix("https://").ok_or_else(|| format!("`{url}` must start with https://"))?;
    if host.contains(['/', '?', '#', '@', ':']) {
        return Err(format!("`{url}` must be https://<host> only: no port, path, query, fragment or userinfo"));
    }
    egress::check_host(host).map_err(|e| format!("host of `{url}`: {e}"))?;
    Ok(host)
}

/// The toolspec's own rules (pairing with the manifest is [`pair`]).
pub fn validate(t: &Toolspec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut err = |rule: Rule, field: &str, msg: String| out.push(Diagnostic::new(rule, field, msg));
    if t.schema_version != 1 {
        err(Rule::SchemaVersion, "schemaVersion", format!("schemaVersion must be 1, found {}", t.schema_version));
    }
    if !super::manifest::NAME.is_match(&t.name) {
        err(Rule::Name, "name", format!("name `{}` is not lowercase letters, digits and inner hyphens", t.name));
    }
    if !super::manifest::VERSION.is_match(&t.version) {
        err(Rule::Version, "version", format!("version `{}` is not MAJOR.MINOR.PATCH without leading zeros", t.version));
    }
    if let Err(e) = base_url_host(&t.base_url) {
        err(Rule::ToolspecBaseUrl, "baseUrl", e);
    }
    let auth_header = t.auth.as_ref().map(|a| a.header.to_ascii_lowercase());
    if let Some(a) = &t.auth {
        if a.header.is_empty() {
            err(Rule::ToolspecAuth, "auth", "auth needs a header".into());
        }
        if !a.format.contains("{token}") {
            err(Rule::ToolspecAuth, "auth.format", format!("auth format `{}` does not contain {{token}}", a.format));
        } else if has_control(&a.format) || has_control(&a.header) {
            err(Rule::ToolspecAuth, "auth.format", "auth header and format may not contain control characters".into());
        }
    }
    if t.tools.is_empty() {
        err(Rule::ToolspecTools, "tools", "a toolspec needs at least one tool".into());
    }
    let mut names = HashSet::new();
    for (i, tool) in t.tools.iter().enumerate() {
        // Paths are built only when a finding needs one.
        let p = || index("tools", i);
        if tool.name.is_empty() {
            err(Rule::ToolspecTools, &join(&p(), "name"), "tool name is missing".into());
        } else if !names.insert(tool.name.as_str()) {
            err(Rule::ToolspecTools, &join(&p(), "name"), format!("tool `{}` is listed twice", tool.name));
        }
        let words = tool.description.split_whitespace().count();
        if words == 0 {
            err(Rule::ToolspecDescription, &join(&p(), "description"), format!("tool `{}` has no description", tool.name));
        } else if words < MIN_DESCRIPTION_WORDS {
            err(
                Rule::ToolspecDescriptionShort,
                &join(&p(), "description"),
                format!("the description of `{}` has {words} word(s); write at least {MIN_DESCRIPTION_WORDS}", tool.name),
            );
        }
        if !METHODS.contains(&tool.method.as_str()) {
            err(Rule::ToolspecMethod, &join(&p(), "method"), format!("method `{}` is not one of {}", tool.method, METHODS.join(", ")));
        }
        if !PATH_CHARS.is_match(&tool.path) || tool.path.split('/').any(|s| s == "..") {
            err(Rule::ToolspecPath, &join(&p(), "path"), format!("path `{}` is not an absolute path without query or fragment", tool.path));
        }
        if !tool.base_url.is_empty() {
            if let Err(e) = base_url_host(&tool.base_url) {
                err(Rule::ToolspecBaseUrl, &join(&p(), "baseUrl"), e);
            }
        }
        if !tool.encoding.is_empty() && !ENCODINGS.contains(&tool.encoding.as_str()) {
            err(Rule::ToolspecEncoding, &join(&p(), "encoding"), format!("encoding `{}` is not json or form", tool.encoding));
        }
        let placeholders: BTreeSet<&str> = PLACEHOLDER.captures_iter(&tool.path).filter_map(|c| c.get(1)).map(|m| m.as_str()).collect();
        let mut params = HashSet::new();
        for (j, param) in tool.params.iter().enumerate() {
            let pp = || index(&join(&p(), "params"), j);
            if param.name.is_empty() {
                err(Rule::ToolspecParamName, &join(&pp(), "name"), "parameter name is missing".into());
            } else if !params.insert(param.name.as_str()) {
                err(Rule::ToolspecParamName, &join(&pp(), "name"), format!("parameter `{}` is listed twice", param.name));
            } else if has_control(&param.name) {
                err(Rule::ToolspecParamName, &join(&pp(), "name"), "parameter names may not contain control characters".into());
            }
            if !LOCATIONS.contains(&param.location.as_str()) {
                err(Rule::ToolspecParamIn, &join(&pp(), "in"), format!("in `{}` is not path, query, body or header", param.location));
            }
            if !TYPES.contains(&param.kind.as_str()) {
                err(Rule::ToolspecParamType, &join(&pp(), "type"), format!("type `{}` is not one of {}", param.kind, TYPES.join(", ")));
            }
            match param.location.as_str() {
                "path" if !param.required => err(
                    Rule::ToolspecPathParam,
                    &join(&pp(), "required"),
                    format!("path parameter `{}` must be required: true", param.name),
                ),
                "path" if !placeholders.contains(param.name.as_str()) => err(
                    Rule::ToolspecPathParam,
                    &join(&pp(), "name"),
                    format!("path parameter `{}` does not appear as {{{}}} in `{}`", param.name, param.name, tool.path),
                ),
                "body" if !matches!(tool.method.as_str(), "POST" | "PUT" | "PATCH") => err(
                    Rule::ToolspecBodyParam,
                    &join(&pp(), "in"),
                    format!("body parameter `{}` on a {} request", param.name, tool.method),
                ),
                "header" if auth_header.as_deref() == Some(param.name.to_ascii_lowercase().as_str()) => err(
                    Rule::ToolspecHeaderParam,
                    &join(&pp(), "name"),
                    format!("header parameter `{}` would set the auth header", param.name),
                ),
                _ => {}
            }
        }
        for ph in placeholders {
            if !tool.params.iter().any(|x| x.name == ph && x.location == "path") {
                err(
                    Rule::ToolspecPathParam,
                    &join(&p(), "path"),
                    format!("placeholder {{{ph}}} in `{}` has no in: path parameter", tool.path),
                );
            }
        }
    }
    let mut fields = Vec::new();
    if super::manifest::is_placeholder(&t.base_url) {
        fields.push(("baseUrl".to_string(), t.base_url.as_str()));
    }
    for (i, tool) in t.tools.iter().enumerate() {
        for (key, value) in [("name", &tool.name), ("description", &tool.description), ("path", &tool.path)] {
            if super::manifest::is_placeholder(value) {
                fields.push((join(&index("tools", i), key), value.as_str()));
            }
        }
    }
    super::manifest::report_placeholders(fields, &mut out);
    out
}

/// The rules that pair a toolspec with its manifest.
pub fn pair(t: &Toolspec, m: &Manifest) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if t.name != m.name || t.version != m.version {
        out.push(Diagnostic::new(
            Rule::PairingManifest,
            "name",
            format!("toolspec {}@{} is paired with manifest {}@{}", t.name, t.version, m.name, m.version),
        ));
    }
    if m.builder() != "toolpack" {
        out.push(Diagnostic::new(
            Rule::PairingBuilder,
            "",
            format!(
                "manifest {}@{} uses builder {}, which does not read a toolspec; use builder: toolpack",
                m.name,
                m.version,
                m.builder()
            ),
        ));
    }
    let spec: BTreeSet<&str> = t.tools.iter().map(|x| x.name.as_str()).collect();
    let declared: BTreeSet<&str> = m.tools.iter().map(|x| x.name.as_str()).collect();
    for (i, tool) in t.tools.iter().enumerate() {
        if !declared.contains(tool.name.as_str()) {
            out.push(Diagnostic::new(
                Rule::PairingTools,
                join(&index("tools", i), "name"),
                format!("tool `{}` is not in the manifest's tools", tool.name),
            ));
        }
    }
    let missing: Vec<&str> = declared.difference(&spec).copied().collect();
    if !missing.is_empty() {
        out.push(Diagnostic::new(Rule::PairingTools, "tools", format!("the manifest's tools {} have no mapping here", missing.join(", "))));
    }
    // The spec's base URL, then each tool's own; a path is built only for a finding.
    let tool_urls = t.tools.iter().enumerate().filter(|(_, x)| !x.base_url.is_empty()).map(|(i, x)| (Some(i), x.base_url.as_str()));
    for (tool, url) in std::iter::once((None, t.base_url.as_str())).chain(tool_urls) {
        if let Ok(host) = base_url_host(url) {
            if !m.entitlements.egress.iter().any(|e| egress::allows(e, host)) {
                let field = tool.map_or_else(|| "baseUrl".to_string(), |i| join(&index("tools", i), "baseUrl"));
                let msg = format!("host `{host}` is not allowed by the manifest's egress ({})", m.entitlements.egress.join(", "));
                out.push(Diagnostic::new(Rule::PairingEgress, field, msg));
            }
        }
    }
    match (m.tier.as_str(), &t.auth) {
        ("sealed", Some(_)) => out.push(Diagnostic::new(
            Rule::PairingAuth,
            "auth",
            "sealed tier: the gateway injects the credential, so the toolspec may not have an auth block".into(),
        )),
        ("entrusted", None) if !m.credentials.is_empty() => {
            out.push(Diagnostic::new(Rule::PairingAuth, "", "entrusted tier with credentials: the toolspec needs an auth block".into()))
        }
        _ => {}
    }
    if m.tier == "sealed" {
        let injected: Vec<String> = m.credentials.iter().map(|c| c.inject.header.to_ascii_lowercase()).collect();
        for (i, tool) in t.tools.iter().enumerate() {
            for (j, param) in tool.params.iter().enumerate() {
                if param.location == "header" && injected.contains(&param.name.to_ascii_lowercase()) {
                    let field = join(&index(&join(&index("tools", i), "params"), j), "name");
                    out.push(Diagnostic::new(
                        Rule::ToolspecHeaderParam,
                        field,
                        format!("header parameter `{}` would set the injected credential header", param.name),
                    ));
                }
            }
        }
    }
    out
}
