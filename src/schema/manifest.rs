//! The entitlements manifest: its types (in the Go struct's field order, so serializing them
//! gives the gateway's bytes), strict reading from YAML, and the schema rules.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::diag::{Diagnostic, Rule};
use super::egress;
use super::read::{index, join, Path, Reader};
use super::yaml::Node;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in regex")
}

pub(crate) static NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"));
pub(crate) static VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"));
static PACKAGE: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-zA-Z0-9._/-]+$"));
static DIGEST: LazyLock<Regex> = LazyLock::new(|| re(r"^sha256:[0-9a-f]{64}$"));
static REPO_SEGMENT: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9._-]+$"));
static TAG: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9][A-Za-z0-9._/+-]*$"));
static OCI_PATH: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$"));
static HEADER: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"));
static ENV: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Z_][A-Z0-9_]*$"));
static CREDENTIAL_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-z0-9][a-z0-9_-]*$"));
static CREDENTIAL_TYPE: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-z][a-z0-9_]*$"));
static TOOL_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9_-]{1,64}$"));

/// Whether `s` is a valid server name (also the tool-namespace prefix).
pub fn is_valid_name(s: &str) -> bool {
    NAME.is_match(s)
}

/// Whether `s` is MAJOR.MINOR.PATCH without leading zeros.
pub fn is_valid_version(s: &str) -> bool {
    VERSION.is_match(s)
}

/// The digest a planned entry carries until its image is built.
pub const PLANNED_DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
/// Builders the gateway accepts; `go-static` when omitted.
pub const BUILDERS: &[&str] = &["go-static", "toolpack", "node", "python"];
pub const TIERS: &[&str] = &["sealed", "entrusted"];
pub const CATEGORIES: &[&str] = &[
    "ai",
    "analytics",
    "comms",
    "CRM",
    "data",
    "design",
    "dev-tools",
    "documents",
    "e-commerce",
    "finance",
    "HR/ATS",
    "marketing",
    "productivity",
    "search",
    "social",
    "storage",
    "support",
];
/// Headers a credential may not be injected into: they frame the request itself.
const FORBIDDEN_HEADERS: &[&str] = &["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer"];
/// Environment variables an entrusted credential may not overwrite: they change how the process runs.
const FORBIDDEN_ENV: &[&str] =
    &["PATH", "HOME", "SHELL", "USER", "PWD", "IFS", "ENV", "BASH_ENV", "NODE_OPTIONS", "PYTHONPATH", "PYTHONSTARTUP"];

/// One MCP server version's entitlements manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl manifest", description = "One MCP server version's entitlements manifest: manifests/<name>/<version>.yaml")]
pub struct Manifest {
    /// Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: i64,
    /// The server's name and tool-namespace prefix.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"))]
    pub name: String,
    /// MAJOR.MINOR.PATCH without leading zeros.
    #[schemars(regex(pattern = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"))]
    pub version: String,
    pub source: Source,
    pub image: Image,
    /// sealed: credentials injected by the gateway; entrusted: handed to the server.
    #[schemars(extend("enum" = ["sealed", "entrusted"]))]
    pub tier: String,
    pub entitlements: Entitlements,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Credential>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("enum" = ["ai", "analytics", "comms", "CRM", "data", "design", "dev-tools", "documents", "e-commerce", "finance", "HR/ATS", "marketing", "productivity", "search", "social", "storage", "support"]))]
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
}

/// Where the server's source code is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// host/path, without a scheme.
    #[schemars(regex(pattern = r"^[a-z0-9.-]+(/[A-Za-z0-9._-]+)+$"))]
    pub repo: String,
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._/+-]*$"))]
    pub tag: String,
    /// Package directory inside the repository; `.` when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub package: String,
}

/// The digest-pinned OCI image that runs the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    #[serde(rename = "ref")]
    pub reference: String,
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub digest: String,
    #[schemars(regex(pattern = r"^/"))]
    pub entrypoint: String,
    /// go-static when omitted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("enum" = ["go-static", "toolpack", "node", "python", ""]))]
    pub builder: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entitlements {
    /// Hosts the server may reach: `api.acme.com` or `*.acme.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    pub inject: Inject,
    /// The OAuth app family; required for oauth2.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vendor: String,
}

/// How the credential reaches the request (sealed) or the server (entrusted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub header: String,
    /// Contains `{token}`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub format: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub env: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    /// Exposed without the user opting in: true only for read-only tools.
    pub default: bool,
}

impl Manifest {
    /// The builder, with the default applied.
    pub fn builder(&self) -> &str {
        if self.image.builder.is_empty() {
            "go-static"
        } else {
            &self.image.builder
        }
    }

    /// Planned entries carry the all-zero placeholder digest: not installable yet.
    pub fn is_planned(&self) -> bool {
        self.image.digest == PLANNED_DIGEST
    }
}

const MANIFEST_FIELDS: &[&str] = &[
    "schemaVersion",
    "name",
    "version",
    "source",
    "image",
    "tier",
    "entitlements",
    "credentials",
    "tools",
    "displayName",
    "description",
    "category",
    "icon",
];

/// Reads a manifest out of a YAML tree; every structural problem lands in the reader. String
/// values are moved out of the tree, which keeps its keys and spans for locating findings.
pub fn from_node(root: &mut Node, r: &mut Reader) -> Option<Manifest> {
    let top = Path::Root;
    let mut f = r.fields(root, top)?;
    let schema_version = f.get("schemaVersion").and_then(|n| r.int(n, top.key("schemaVersion"))).unwrap_or(0);
    let name = r.opt_string(&mut f, "name");
    let version = r.opt_string(&mut f, "version");
    let source = f.get("source").and_then(|n| r.fields(n, top.key("source"))).map(|mut s| {
        let v = Source { repo: r.opt_string(&mut s, "repo"), tag: r.opt_string(&mut s, "tag"), package: r.opt_string(&mut s, "package") };
        r.finish(s, &["repo", "tag", "package"]);
        v
    });
    let image = f.get("image").and_then(|n| r.fields(n, top.key("image"))).map(|mut s| {
        let v = Image {
            reference: r.opt_string(&mut s, "ref"),
            digest: r.opt_string(&mut s, "digest"),
            entrypoint: r.opt_string(&mut s, "entrypoint"),
            builder: r.opt_string(&mut s, "builder"),
        };
        r.finish(s, &["ref", "digest", "entrypoint", "builder"]);
        v
    });
    let tier = r.opt_string(&mut f, "tier");
    let entitlements = f.get("entitlements").and_then(|n| r.fields(n, top.key("entitlements"))).map(|mut s| {
        let v = Entitlements { egress: r.opt_strings(&mut s, "egress") };
        r.finish(s, &["egress"]);
        v
    });
    let credentials = match f.get("credentials") {
        Some(n) => r.list(n, top.key("credentials"), read_credential),
        None => Vec::new(),
    };
    let tools = match f.get("tools") {
        Some(n) => r.list(n, top.key("tools"), |r, n, p| {
            let mut t = r.fields(n, p)?;
            let name = r.opt_string(&mut t, "name");
            let default = match t.get("default") {
                Some(d) => r.bool(d, p.key("default")),
                None => {
                    r.diags.push(Diagnostic::new(Rule::ToolDefault, p.to_string(), format!("tool `{name}` has no `default: true|false`")));
                    None
                }
            };
            r.finish(t, &["name", "default"]);
            // A missing or malformed `default` is already an error; reading it as true keeps
            // no-default-tool from adding a second, misleading finding about the same line.
            Some(Tool { name, default: default.unwrap_or(true) })
        }),
        None => Vec::new(),
    };
    let display_name = r.opt_string(&mut f, "displayName");
    let description = r.opt_string(&mut f, "description");
    let category = r.opt_string(&mut f, "category");
    let icon = r.opt_string(&mut f, "icon");
    r.finish(f, MANIFEST_FIELDS);
    for (missing, present) in [("source", source.is_some()), ("image", image.is_some()), ("entitlements", entitlements.is_some())] {
        if !present && !r.diags.iter().any(|d| d.field == missing) {
            let rule = match missing {
                "source" => Rule::SourceRepo,
                "image" => Rule::ImageRef,
                _ => Rule::YamlWrongType,
            };
            r.diags.push(Diagnostic::new(rule, "", format!("required field `{missing}` is missing")));
            r.mark_broken(missing);
        }
    }
    Some(Manifest {
        schema_version,
        name,
        version,
        source: source.unwrap_or(Source { repo: String::new(), tag: String::new(), package: String::new() }),
        image: image.unwrap_or(Image {
            reference: String::new(),
            digest: String::new(),
            entrypoint: String::new(),
            builder: String::new(),
        }),
        tier,
        entitlements: entitlements.unwrap_or_default(),
        credentials,
        tools,
        display_name,
        description,
        category,
        icon,
    })
}

fn read_credential(r: &mut Reader, n: &mut Node, p: Path<'_>) -> Option<Credential> {
    let mut c = r.fields(n, p)?;
    let id = r.opt_string(&mut c, "id");
    let kind = r.opt_string(&mut c, "type");
    let provider = r.opt_string(&mut c, "provider");
    let scopes = r.opt_strings(&mut c, "scopes");
    let inject = match c.get("inject") {
        Some(n) => r.fields(n, p.key("inject")).map(|mut i| {
            let v =
                Inject { header: r.opt_string(&mut i, "header"), format: r.opt_string(&mut i, "format"), env: r.opt_string(&mut i, "env") };
            r.finish(i, &["header", "format", "env"]);
            v
        }),
        None => None,
    };
    let vendor = r.opt_string(&mut c, "vendor");
    r.finish(c, &["id", "type", "provider", "scopes", "inject", "vendor"]);
    Some(Credential { id, kind, provider, scopes, inject: inject.unwrap_or_default(), vendor })
}

/// The schema rules: everything the gateway's Go schema checks, plus the stricter checks this
/// tool adds. Policy (denylist, public suffixes, reserved names) lives in [`super::policy`].
pub fn validate(m: &Manifest) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut err = |rule: Rule, field: &str, msg: String| out.push(Diagnostic::new(rule, field, msg));

    if m.schema_version != 1 {
        err(Rule::SchemaVersion, "schemaVersion", format!("schemaVersion must be 1, found {}", m.schema_version));
    }
    if !NAME.is_match(&m.name) {
        err(Rule::Name, "name", format!("name `{}` is not lowercase letters, digits and inner hyphens", m.name));
    }
    if !VERSION.is_match(&m.version) {
        err(Rule::Version, "version", format!("version `{}` is not MAJOR.MINOR.PATCH without leading zeros", m.version));
    }
    check_repo(&m.source.repo).err().into_iter().for_each(|e| err(Rule::SourceRepo, "source.repo", e));
    check_tag(&m.source.tag).err().into_iter().for_each(|e| err(Rule::SourceTag, "source.tag", e));
    if !m.source.package.is_empty() && !package_ok(&m.source.package) {
        err(Rule::SourcePackage, "source.package", format!("package `{}` is not a relative path inside the repository", m.source.package));
    }
    check_image_ref(&m.image.reference).err().into_iter().for_each(|e| err(Rule::ImageRef, "image.ref", e));
    if !DIGEST.is_match(&m.image.digest) {
        err(Rule::ImageDigest, "image.digest", format!("digest `{}` is not sha256: and 64 lowercase hex digits", m.image.digest));
    }
    if !m.image.entrypoint.starts_with('/') || has_control(&m.image.entrypoint) || m.image.entrypoint.split('/').any(|s| s == "..") {
        err(Rule::ImageEntrypoint, "image.entrypoint", format!("entrypoint `{}` is not an absolute path", m.image.entrypoint));
    }
    if !m.image.builder.is_empty() && !BUILDERS.contains(&m.image.builder.as_str()) {
        err(Rule::ImageBuilder, "image.builder", format!("builder `{}` is not one of {}", m.image.builder, BUILDERS.join(", ")));
    }
    let tier_ok = TIERS.contains(&m.tier.as_str());
    if !tier_ok {
        err(Rule::Tier, "tier", format!("tier `{}` is not sealed or entrusted", m.tier));
    }

    let mut seen_egress = HashSet::new();
    for (i, entry) in m.entitlements.egress.iter().enumerate() {
        let field = || index("entitlements.egress", i);
        match egress::parse_entry(entry) {
            Err((rule, why)) => err(rule, &field(), format!("egress entry `{entry}`: {why}")),
            Ok(_) if !seen_egress.insert(entry.as_str()) => {
                err(Rule::EgressDuplicate, &field(), format!("egress entry `{entry}` is listed twice"))
            }
            Ok(_) => {}
        }
    }
    if m.tier == "sealed" && !m.credentials.is_empty() && m.entitlements.egress.is_empty() {
        err(
            Rule::EgressMissing,
            "entitlements.egress",
            "a sealed server with credentials needs at least one egress host to inject them for".into(),
        );
    }

    let mut ids = HashSet::new();
    for (i, c) in m.credentials.iter().enumerate() {
        // Paths are built only when a finding needs one.
        let p = || index("credentials", i);
        if c.id.is_empty() {
            err(Rule::CredentialId, &join(&p(), "id"), "credential id is missing".into());
        } else if !ids.insert(c.id.as_str()) {
            err(Rule::CredentialId, &join(&p(), "id"), format!("credential id `{}` is used twice", c.id));
        } else if !CREDENTIAL_ID.is_match(&c.id) {
            err(Rule::CredentialId, &join(&p(), "id"), format!("credential id `{}` is not lowercase [a-z0-9_-]", c.id));
        }
        if !CREDENTIAL_TYPE.is_match(&c.kind) {
            err(Rule::CredentialType, &join(&p(), "type"), format!("credential type `{}` is not a lowercase snake_case word", c.kind));
        }
        if !NAME.is_match(&c.provider) {
            err(Rule::CredentialProvider, &join(&p(), "provider"), format!("provider `{}` is not in the name alphabet", c.provider));
        }
        for (j, s) in c.scopes.iter().enumerate() {
            if s.is_empty() || s.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
                err(Rule::CredentialScope, &index(&join(&p(), "scopes"), j), format!("scope `{s}` is empty or contains whitespace"));
            }
        }
        if c.kind == "oauth2" && c.vendor.is_empty() {
            err(Rule::CredentialVendor, &join(&p(), "vendor"), "an oauth2 credential needs a vendor (the OAuth app family)".into());
        }
        if !c.vendor.is_empty() && !NAME.is_match(&c.vendor) {
            err(Rule::CredentialVendor, &join(&p(), "vendor"), format!("vendor `{}` is not in the name alphabet", c.vendor));
        }
        if c.kind == "oauth2" && c.scopes.is_empty() {
            err(Rule::OauthNoScopes, &join(&p(), "scopes"), format!("oauth2 credential `{}` lists no scopes", c.id));
        }
        let inject = || join(&p(), "inject");
        match m.tier.as_str() {
            "sealed" => {
                if !c.inject.env.is_empty() {
                    err(
                        Rule::CredentialInject,
                        &join(&inject(), "env"),
                        "sealed tier: the server never sees the credential, so inject.env is not allowed".into(),
                    );
                }
                if c.inject.header.is_empty() {
                    err(Rule::CredentialInject, &inject(), "sealed tier: inject.header is required".into());
                } else if !HEADER.is_match(&c.inject.header) || FORBIDDEN_HEADERS.contains(&c.inject.header.to_ascii_lowercase().as_str()) {
                    err(
                        Rule::CredentialInject,
                        &join(&inject(), "header"),
                        format!("`{}` is not a header a credential can be injected into", c.inject.header),
                    );
                }
                if !c.inject.format.contains("{token}") {
                    let field = if c.inject.format.is_empty() { inject() } else { join(&inject(), "format") };
                    err(Rule::CredentialInject, &field, "sealed tier: inject.format must contain {token}".into());
                } else if has_control(&c.inject.format) {
                    err(
                        Rule::CredentialInject,
                        &join(&inject(), "format"),
                        "inject.format may not contain control characters (header injection)".into(),
                    );
                }
            }
            "entrusted" => {
                if !c.inject.header.is_empty() || !c.inject.format.is_empty() {
                    err(Rule::CredentialInject, &inject(), "entrusted tier: only inject.env is allowed".into());
                }
                if c.inject.env.is_empty() {
                    err(Rule::CredentialInject, &inject(), "entrusted tier: inject.env is required".into());
                } else if !ENV.is_match(&c.inject.env) || FORBIDDEN_ENV.contains(&c.inject.env.as_str()) || c.inject.env.starts_with("LD_")
                {
                    err(
                        Rule::CredentialInject,
                        &join(&inject(), "env"),
                        format!("`{}` is not an UPPER_SNAKE variable a credential may set", c.inject.env),
                    );
                }
            }
            _ => {}
        }
    }

    if !m.category.is_empty() && !CATEGORIES.contains(&m.category.as_str()) {
        let hint =
            CATEGORIES.iter().find(|c| c.eq_ignore_ascii_case(&m.category)).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
        err(Rule::Category, "category", format!("category `{}` is not in the list{hint}", m.category));
    }

    let mut names = HashSet::new();
    for (i, t) in m.tools.iter().enumerate() {
        let field = || join(&index("tools", i), "name");
        if t.name.is_empty() {
            err(Rule::ToolName, &field(), "tool name is missing".into());
        } else if !names.insert(t.name.as_str()) {
            err(Rule::ToolName, &field(), format!("tool `{}` is listed twice", t.name));
        } else if !TOOL_NAME.is_match(&t.name) {
            err(Rule::ToolName, &field(), format!("tool name `{}` is not [A-Za-z0-9_-], 1 to 64 characters", t.name));
        }
    }
    if !m.tools.is_empty() && m.tools.iter().all(|t| !t.default) {
        err(Rule::NoDefaultTool, "tools", "no tool has default: true, so an install exposes nothing".into());
    }
    check_placeholders(m, &mut out);
    out
}

/// Flags values `registryctl new` left for the author to fill in.
fn check_placeholders(m: &Manifest, out: &mut Vec<Diagnostic>) {
    let mut marked: Vec<(String, &str)> = Vec::new();
    for (field, value) in [
        ("name", &m.name),
        ("source.repo", &m.source.repo),
        ("source.tag", &m.source.tag),
        ("displayName", &m.display_name),
        ("description", &m.description),
        ("category", &m.category),
    ] {
        if is_placeholder(value) {
            marked.push((field.to_string(), value));
        }
    }
    marked.extend(
        m.entitlements
            .egress
            .iter()
            .enumerate()
            .filter(|(_, e)| is_placeholder(e))
            .map(|(i, e)| (index("entitlements.egress", i), e.as_str())),
    );
    marked.extend(
        m.tools
            .iter()
            .enumerate()
            .filter(|(_, t)| is_placeholder(&t.name))
            .map(|(i, t)| (join(&index("tools", i), "name"), t.name.as_str())),
    );
    report_placeholders(marked, out);
}

/// Reports each field still holding a scaffold marker, in place of any other finding on it.
/// `marked` holds only the fields whose value is a marker.
pub(crate) fn report_placeholders(marked: Vec<(String, &str)>, out: &mut Vec<Diagnostic>) {
    if marked.is_empty() {
        return;
    }
    out.retain(|d| !marked.iter().any(|(f, _)| *f == d.field));
    for (field, value) in marked {
        let msg = format!("`{field}` still holds the scaffold marker: {value}");
        out.push(Diagnostic::new(Rule::ScaffoldPlaceholder, field, msg));
    }
}

/// Whether a value is a `registryctl new` marker.
pub fn is_placeholder(value: &str) -> bool {
    value.starts_with("TODO")
}

pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn package_ok(p: &str) -> bool {
    PACKAGE.is_match(p) && !p.starts_with('/') && !p.split('/').any(|s| s == "..")
}

/// source.repo: `host/path`, lowercase host, path segments of `[A-Za-z0-9._-]`.
pub fn check_repo(repo: &str) -> Result<(), String> {
    if repo.is_empty() {
        return Err("source.repo is required".into());
    }
    if repo.contains("://") {
        return Err(format!("`{repo}` has a scheme: write host/path, e.g. github.com/acme/acme-mcp"));
    }
    let (host, path) = repo.split_once('/').ok_or_else(|| format!("`{repo}` is not host/path"))?;
    egress::check_host(host).map_err(|e| format!("host of `{repo}`: {e}"))?;
    if path.split('/').any(|s| !REPO_SEGMENT.is_match(s) || s == "." || s == "..") {
        return Err(format!("`{repo}`: path segments are [A-Za-z0-9._-], without `.` or `..`"));
    }
    Ok(())
}

/// source.tag: a git tag that is safe on a command line and in `$GITHUB_ENV`.
pub fn check_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("source.tag is required".into());
    }
    if !TAG.is_match(tag) || tag.contains("..") || tag.ends_with('/') || tag.ends_with(".lock") || tag.contains("//") {
        return Err(format!("`{}` is not a safe git tag", tag.escape_debug()));
    }
    Ok(())
}

/// image.ref: an OCI repository (`registry/path`), lowercase, without tag or digest.
pub fn check_image_ref(reference: &str) -> Result<(), String> {
    if reference.is_empty() {
        return Err("image.ref is required".into());
    }
    if reference.contains('@') {
        return Err(format!("`{reference}` carries a digest: put it in image.digest"));
    }
    let (registry, path) = reference.split_once('/').ok_or_else(|| format!("`{reference}` needs a registry host and a path"))?;
    egress::check_host(registry).map_err(|e| format!("registry of `{reference}`: {e}"))?;
    if path.contains(':') {
        return Err(format!("`{reference}` carries a tag: the image is pinned by image.digest"));
    }
    if path.split('/').any(|s| !OCI_PATH.is_match(s)) {
        return Err(format!("`{reference}`: path components are lowercase [a-z0-9] joined by `.`, `_`, `__` or `-`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_rule() {
        assert!(check_repo("github.com/acme/acme-mcp").is_ok());
        assert!(check_repo("gitlab.com/a/b/c_d.e").is_ok());
        for bad in
            ["", "https://github.com/a/b", "github.com", "GitHub.com/a/b", "github.com/a b", "github.com/../x", "github.com/a\nFOO=1"]
        {
            assert!(check_repo(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tag_rule() {
        for ok in ["v1.0.0", "1.2.3", "release/2024-01", "v1.0.0+build.1"] {
            assert!(check_tag(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-v1", "v1..2", "v1 0", "v1;rm", "$(x)", "v1\nX=1", "a/", "/a", "v`x`", "x.lock"] {
            assert!(check_tag(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn image_ref_rule() {
        assert!(check_image_ref("ghcr.io/gigmcp/acme-mcp").is_ok());
        assert!(check_image_ref("registry.example.com/a/b__c").is_ok());
        for bad in ["", "ghcr.io/gigmcp/acme-mcp:latest", "ghcr.io/a@sha256:00", "acme-mcp", "ghcr.io/Acme/x", "ghcr.io:443/a/b"] {
            assert!(check_image_ref(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn package_rule() {
        assert!(package_ok("cmd/server"));
        assert!(package_ok("."));
        for bad in ["/abs", "../up", "a/../b", "a b", "a;b"] {
            assert!(!package_ok(bad), "{bad}");
        }
    }
}
