// SPDX-License-Identifier: Apache-2.0
//! The entitlements manifest: its types, in the Go struct's field order (so serializing them
//! gives the gateway's bytes), and their strict reading from a YAML tree. The rules over them
//! are in [`super::rules`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::closed::{Builder, Category, Closed, CredentialType, EmptyOr, Tier};
use super::patterns::{ABSOLUTE, DIGEST, NAME, REPO, TAG, VERSION};
use super::read::Reader;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::yaml::Node;

/// The digest a planned entry carries until its image is built.
pub const PLANNED_DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// One MCP server version's entitlements manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl manifest", description = "One MCP server version's entitlements manifest: manifests/<name>/<version>.yaml")]
pub struct Manifest {
    /// Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: i64,
    /// The server's name and tool-namespace prefix.
    #[schemars(pattern(NAME.as_str()))]
    pub name: String,
    /// MAJOR.MINOR.PATCH without leading zeros.
    #[schemars(pattern(VERSION.as_str()))]
    pub version: String,
    /// Where the source is.
    pub source: Source,
    /// The image that runs the server.
    pub image: Image,
    /// sealed: credentials injected by the gateway; entrusted: handed to the server.
    pub tier: Closed<Tier>,
    /// What the server may reach.
    pub entitlements: Entitlements,
    /// The credentials the server needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Credential>,
    /// The tools it exposes, and which by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// The service's name as its users write it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// One sentence on what an agent can do with it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The catalog category; omitted when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Closed<Category>")]
    pub category: Option<Closed<Category>>,
    /// An icon URL.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
}

/// Where the server's source code is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// host/path, without a scheme.
    #[schemars(pattern(REPO.as_str()))]
    pub repo: String,
    /// The git tag built.
    #[schemars(pattern(TAG.as_str()))]
    pub tag: String,
    /// Package directory inside the repository; `.` when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub package: String,
}

/// The digest-pinned OCI image that runs the server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// The OCI repository, without tag or digest.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The pinned digest.
    #[schemars(pattern(DIGEST.as_str()))]
    pub digest: String,
    /// The absolute path of the server binary in the image.
    #[schemars(pattern(ABSOLUTE.as_str()))]
    pub entrypoint: String,
    /// go-static when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "EmptyOr<Builder>")]
    pub builder: Option<Closed<Builder>>,
}

/// What the server may reach.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entitlements {
    /// Hosts the server may reach: `api.acme.com` or `*.acme.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<String>,
}

/// One credential the server needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Unique within the manifest.
    pub id: String,
    /// `api_key`, `oauth2`, `basic`, ...
    #[serde(rename = "type")]
    pub kind: CredentialType,
    /// Who issues it, usually the server's name.
    pub provider: String,
    /// The scopes the tools need.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// How it reaches the request or the server.
    pub inject: Inject,
    /// The OAuth app family; required for oauth2.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vendor: String,
}

/// How the credential reaches the request (sealed) or the server (entrusted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// The header the gateway sets (sealed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub header: String,
    /// Contains `{token}`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub format: String,
    /// The environment variable the server reads (entrusted).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub env: String,
}

/// One tool and whether it is exposed by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// The tool's name.
    pub name: String,
    /// Exposed without the user opting in: true only for read-only tools.
    pub default: bool,
}

impl Manifest {
    /// The builder, with the default applied; `None` for an unknown builder.
    pub fn builder(&self) -> Option<Builder> {
        self.image.builder.as_ref().map_or(Some(Builder::GoStatic), Closed::known)
    }

    /// The builder as written, with the default applied.
    pub fn builder_name(&self) -> &str {
        self.image.builder.as_ref().map_or(Builder::GoStatic.as_str(), Closed::as_str)
    }

    /// Planned entries carry the all-zero placeholder digest: not installable yet.
    pub fn is_planned(&self) -> bool {
        self.image.digest == PLANNED_DIGEST
    }
}

/// Reads a manifest out of a YAML tree; every structural problem lands in the reader. String
/// values are moved out of the tree, which keeps its keys and spans for locating findings.
pub fn read_manifest(root: &mut Node, r: &mut Reader) -> Option<Manifest> {
    let mut f = r.fields(root, FieldPath::root())?;
    let schema_version = f.get("schemaVersion").and_then(|n| r.int(n, FieldPath::field("schemaVersion"))).unwrap_or(0);
    let name = r.opt_string(&mut f, "name");
    let version = r.opt_string(&mut f, "version");
    let source = r.opt_struct(&mut f, "source", |r, s| Source {
        repo: r.opt_string(s, "repo"),
        tag: r.opt_string(s, "tag"),
        package: r.opt_string(s, "package"),
    });
    let image = r.opt_struct(&mut f, "image", |r, s| Image {
        reference: r.opt_string(s, "ref"),
        digest: r.opt_string(s, "digest"),
        entrypoint: r.opt_string(s, "entrypoint"),
        builder: r.opt_closed(s, "builder"),
    });
    let tier = r.closed(&mut f, "tier");
    let entitlements = r.opt_struct(&mut f, "entitlements", |r, s| Entitlements { egress: r.opt_strings(s, "egress") });
    let credentials = r.opt_list(&mut f, "credentials", read_credential);
    let tools = r.opt_list(&mut f, "tools", read_tool);
    let display_name = r.opt_text(&mut f, "displayName");
    let description = r.opt_text(&mut f, "description");
    let category = r.opt_closed(&mut f, "category");
    let icon = r.opt_string(&mut f, "icon");
    r.reject_unknown(f);
    require(
        r,
        [
            ("source", source.is_some(), Rule::SourceRepo),
            ("image", image.is_some(), Rule::ImageRef),
            ("entitlements", entitlements.is_some(), Rule::YamlWrongType),
        ],
    );
    Some(Manifest {
        schema_version,
        name,
        version,
        source: source.unwrap_or_default(),
        image: image.unwrap_or_default(),
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

/// Reports a required section that is missing, with the rule of its most important field
/// (unless its absence was already reported as a type error or is explained by one of its keys
/// found at the top level), and marks it broken so its own rules stay quiet.
fn require<const N: usize>(r: &mut Reader, sections: [(&'static str, bool, Rule); N]) {
    for (missing, present, rule) in sections {
        let path = FieldPath::field(missing);
        if present {
            continue;
        }
        if !r.diagnostics.iter().any(|d| d.field == path) && !r.is_explained(&path) {
            r.diagnostics.push(Diagnostic::whole_file(rule, format!("required field `{missing}` is missing")));
        }
        r.mark_broken(path);
    }
}

fn read_credential(r: &mut Reader, n: &mut Node, p: FieldPath) -> Option<Credential> {
    let mut c = r.fields(n, p)?;
    let id = r.opt_string(&mut c, "id");
    let kind = CredentialType(r.opt_string(&mut c, "type"));
    let provider = r.opt_string(&mut c, "provider");
    let scopes = r.opt_strings(&mut c, "scopes");
    let inject = r.opt_struct(&mut c, "inject", |r, i| Inject {
        header: r.opt_string(i, "header"),
        format: r.opt_string(i, "format"),
        env: r.opt_string(i, "env"),
    });
    let vendor = r.opt_string(&mut c, "vendor");
    r.reject_unknown(c);
    Some(Credential { id, kind, provider, scopes, inject: inject.unwrap_or_default(), vendor })
}

fn read_tool(r: &mut Reader, n: &mut Node, p: FieldPath) -> Option<Tool> {
    let mut t = r.fields(n, p.clone())?;
    let name = r.opt_string(&mut t, "name");
    let default = match t.get("default") {
        Some(d) => r.bool(d, p.key("default")),
        None => {
            r.diagnostics.push(Diagnostic::new(Rule::ToolDefault, p, format!("tool `{name}` has no `default: true|false`")));
            None
        }
    };
    r.reject_unknown(t);
    // A missing or malformed `default` is already an error; reading it as true keeps
    // no-default-tool from adding a second, misleading finding about the same line.
    Some(Tool { name, default: default.unwrap_or(true) })
}
