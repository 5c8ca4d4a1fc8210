// SPDX-License-Identifier: Apache-2.0
//! The toolspec: how the generic toolpack engine maps each tool to one REST call; its types
//! and their strict reading from a YAML tree. The rules over them are in [`super::rules`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::closed::{Closed, Encoding, Method, ParamIn, ParamType};
use super::patterns::{ABSOLUTE, BASE_URL, NAME, VERSION};
use super::read::Reader;
use crate::field::FieldPath;
use crate::yaml::Node;

/// A toolspec: `toolspecs/<name>/<version>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "registryctl toolspec", description = "Tool-to-HTTP mapping for the toolpack engine: toolspecs/<name>/<version>.yaml")]
pub struct Toolspec {
    /// Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: i64,
    /// The paired manifest's name.
    #[schemars(pattern(NAME.as_str()))]
    pub name: String,
    /// The paired manifest's version.
    #[schemars(pattern(VERSION.as_str()))]
    pub version: String,
    /// Exactly `https://<host>`.
    #[schemars(pattern(BASE_URL.as_str()))]
    pub base_url: String,
    /// Where the engine puts the credential (entrusted tier only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// One entry per tool of the manifest.
    #[schemars(length(min = 1))]
    pub tools: Vec<ToolDef>,
}

/// Where the engine puts the credential itself (entrusted tier only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// The header name.
    pub header: String,
    /// Contains `{token}`.
    pub format: String,
}

/// One tool's HTTP call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolDef {
    /// The tool's name, as in the manifest.
    pub name: String,
    /// What it returns and when an agent should use it.
    #[schemars(length(min = 1))]
    pub description: String,
    /// The HTTP method.
    pub method: Closed<Method>,
    /// The absolute path, with `{placeholders}` for path parameters.
    #[schemars(pattern(ABSOLUTE.as_str()))]
    pub path: String,
    /// Overrides the toolspec's base URL for this tool.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(pattern(BASE_URL.as_str()))]
    pub base_url: String,
    /// How body parameters are sent; json when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Closed<Encoding>")]
    pub encoding: Option<Closed<Encoding>>,
    /// The tool's arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
}

/// One argument of a tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// The service's own name for it.
    pub name: String,
    /// Where it goes in the request.
    #[serde(rename = "in")]
    pub location: Closed<ParamIn>,
    /// Its JSON type.
    #[serde(rename = "type")]
    pub kind: Closed<ParamType>,
    /// Whether the agent must pass it.
    #[serde(default)]
    pub required: bool,
    /// What it means.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Reads a toolspec out of a YAML tree (string values are moved out of it).
pub fn read_toolspec(root: &mut Node, r: &mut Reader) -> Option<Toolspec> {
    let mut f = r.fields(root, FieldPath::root())?;
    let schema_version = f.get("schemaVersion").and_then(|n| r.int(n, FieldPath::field("schemaVersion"))).unwrap_or(0);
    let name = r.opt_string(&mut f, "name");
    let version = r.opt_string(&mut f, "version");
    let base_url = r.opt_string(&mut f, "baseUrl");
    let auth = r.opt_struct(&mut f, "auth", |r, a| Auth { header: r.opt_string(a, "header"), format: r.opt_string(a, "format") });
    let tools = r.opt_list(&mut f, "tools", read_tool);
    r.reject_unknown(f);
    Some(Toolspec { schema_version, name, version, base_url, auth, tools })
}

fn read_tool(r: &mut Reader, n: &mut Node, p: FieldPath) -> Option<ToolDef> {
    let mut t = r.fields(n, p)?;
    let v = ToolDef {
        name: r.opt_string(&mut t, "name"),
        description: r.opt_text(&mut t, "description"),
        method: r.closed(&mut t, "method"),
        path: r.opt_string(&mut t, "path"),
        base_url: r.opt_string(&mut t, "baseUrl"),
        encoding: r.opt_closed(&mut t, "encoding"),
        params: r.opt_list(&mut t, "params", read_param),
    };
    r.reject_unknown(t);
    Some(v)
}

fn read_param(r: &mut Reader, n: &mut Node, p: FieldPath) -> Option<Param> {
    let mut f = r.fields(n, p.clone())?;
    let v = Param {
        name: r.opt_string(&mut f, "name"),
        location: r.closed(&mut f, "in"),
        kind: r.closed(&mut f, "type"),
        required: f.get("required").and_then(|n| r.bool(n, p.key("required"))).unwrap_or(false),
        description: r.opt_text(&mut f, "description"),
    };
    r.reject_unknown(f);
    Some(v)
}
