// SPDX-License-Identifier: Apache-2.0
//! A toolspec and its manifest must agree: same name, version and tools, a toolpack builder,
//! base URLs the egress allowlist reaches (as the gateway's proxy matches hosts, see
//! [`super::egress::allows`]) and no egress entry they leave unused, an auth block only where
//! the tier wants one, and no parameter that would set the credential header the gateway injects.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::credentials::{check_header, header_key, HeaderUse};
use super::egress::{self, allows, entry_path};
use super::toolspec::{base_url_host, tool_path};
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::chars::visible;
use crate::schema::closed::{Builder, Method, ParamIn, Tier};
use crate::schema::{Manifest, Toolspec};

/// A toolpack manifest whose toolspec does not exist (reported on the manifest).
pub fn toolspec_missing(m: &Manifest) -> Option<Diagnostic> {
    (m.builder() == Some(Builder::Toolpack)).then(|| {
        let msg = format!("builder toolpack needs toolspecs/{}/{}.yaml, which does not exist", m.name, m.version);
        Diagnostic::new(Rule::PairingBuilder, FieldPath::field("image").key("builder"), msg)
    })
}

/// A toolspec whose manifest does not exist (reported on the toolspec).
pub fn manifest_missing(t: &Toolspec) -> Option<Diagnostic> {
    let (n, v) = (&t.name, &t.version);
    (!n.is_empty() && !v.is_empty()).then(|| {
        Diagnostic::new(
            Rule::PairingManifest,
            FieldPath::field("name"),
            format!("no manifest {n}@{v} (manifests/{n}/{v}.yaml) to pair with"),
        )
    })
}

/// The rules that pair a toolspec with its manifest.
pub fn pair(t: &Toolspec, m: &Manifest) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if t.name != m.name || t.version != m.version {
        let msg = format!("toolspec {}@{} is paired with manifest {}@{}", t.name, t.version, m.name, m.version);
        out.push(Diagnostic::new(Rule::PairingManifest, FieldPath::field("name"), msg));
    }
    if m.builder() != Some(Builder::Toolpack) {
        let msg = format!(
            "manifest {}@{} uses builder {}, which does not read a toolspec; use builder: toolpack",
            m.name,
            m.version,
            m.builder_name()
        );
        out.push(Diagnostic::whole_file(Rule::PairingBuilder, msg));
    }
    tools(t, m, &mut out);
    write_tools_off_by_default(t, m, &mut out);
    egress(t, m, &mut out);
    auth(t, m, &mut out);
    out
}

/// The same tool names in both files, as a reader sees them ([`visible`]: a hidden character in
/// a name is its own finding).
fn tools(t: &Toolspec, m: &Manifest, out: &mut Vec<Diagnostic>) {
    let spec: BTreeSet<Cow<'_, str>> = t.tools.iter().map(|x| visible(&x.name)).collect();
    let declared: BTreeSet<Cow<'_, str>> = m.tools.iter().map(|x| visible(&x.name)).collect();
    for (i, tool) in t.tools.iter().enumerate() {
        if !declared.contains(&visible(&tool.name)) {
            out.push(Diagnostic::new(
                Rule::PairingTools,
                tool_path(i, "name"),
                format!("tool `{}` is not in the manifest's tools", tool.name),
            ));
        }
    }
    let missing: Vec<&str> = declared.difference(&spec).map(AsRef::as_ref).collect();
    if !missing.is_empty() {
        let msg = format!("the manifest's tools {} have no mapping here", missing.join(", "));
        out.push(Diagnostic::new(Rule::PairingTools, FieldPath::field("tools"), msg));
    }
}

/// A tool whose call is DELETE, PUT or PATCH changes or removes data: the toolspec decides that,
/// so the manifest may not expose it by default. (POST stays a reviewer's call: many searches
/// are POST.)
fn write_tools_off_by_default(t: &Toolspec, m: &Manifest, out: &mut Vec<Diagnostic>) {
    for (i, tool) in t.tools.iter().enumerate() {
        let Some(method @ (Method::Delete | Method::Put | Method::Patch)) = tool.method.known() else { continue };
        if m.tools.iter().any(|x| visible(&x.name) == visible(&tool.name) && x.default) {
            let msg = format!(
                "tool `{}` is a {method} call and manifests/{}/{}.yaml exposes it with default: true; a tool that deletes, replaces or edits is exposed only when the user opts in",
                tool.name, m.name, m.version
            );
            out.push(Diagnostic::new(Rule::ToolDefaultWrite, tool_path(i, "method"), msg));
        }
    }
}

/// The spec's base URL, then each tool's own, must be allowed by the manifest's egress.
fn egress(t: &Toolspec, m: &Manifest, out: &mut Vec<Diagnostic>) {
    let tool_urls = t.tools.iter().enumerate().filter(|(_, x)| !x.base_url.is_empty()).map(|(i, x)| (Some(i), x.base_url.as_str()));
    for (tool, url) in std::iter::once((None, t.base_url.as_str())).chain(tool_urls) {
        if let Ok(host) = base_url_host(url) {
            if !m.entitlements.egress.iter().any(|e| allows(e, host)) {
                let field = tool.map_or_else(|| FieldPath::field("baseUrl"), |i| tool_path(i, "baseUrl"));
                let msg = format!("host `{host}` is not allowed by the manifest's egress ({})", m.entitlements.egress.join(", "));
                out.push(Diagnostic::new(Rule::PairingEgress, field, msg));
            }
        }
    }
}

/// The base URL hosts of a toolspec: its own and each tool's; `None` when one is malformed
/// (that is its own finding, and every entry would look unused).
fn base_hosts(t: &Toolspec) -> Option<Vec<&str>> {
    let tool_urls = t.tools.iter().map(|x| x.base_url.as_str()).filter(|u| !u.is_empty());
    let mut hosts: Vec<&str> =
        std::iter::once(t.base_url.as_str()).chain(tool_urls).map(|u| base_url_host(u).ok()).collect::<Option<_>>()?;
    let mut seen = BTreeSet::new();
    hosts.retain(|h| seen.insert(*h));
    Some(hosts)
}

/// A toolpack manifest's egress entries that reach none of its toolspec's base URL hosts, as
/// the gateway matches them: warnings on the manifest's entries (the caller locates them in the
/// manifest's text).
pub fn egress_unused(t: &Toolspec, m: &Manifest) -> Vec<Diagnostic> {
    let hosts = match base_hosts(t) {
        Some(h) if m.builder() == Some(Builder::Toolpack) && t.name == m.name && t.version == m.version => h,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for (i, entry) in m.entitlements.egress.iter().enumerate() {
        if egress::parse_entry(entry).is_ok() && !hosts.iter().any(|h| allows(entry, h)) {
            let msg =
                format!("egress entry `{entry}` is used by no base URL of toolspecs/{}/{}.yaml ({})", m.name, m.version, hosts.join(", "));
            out.push(Diagnostic::new(Rule::EgressUnused, entry_path(i), msg));
        }
    }
    out
}

/// Sealed: no auth block, and no header parameter that sets an injected header; entrusted
/// with credentials: an auth block.
fn auth(t: &Toolspec, m: &Manifest, out: &mut Vec<Diagnostic>) {
    match (m.tier.known(), &t.auth) {
        (Some(Tier::Sealed), Some(_)) => out.push(Diagnostic::new(
            Rule::PairingAuth,
            FieldPath::field("auth"),
            "sealed tier: the gateway injects the credential, so the toolspec may not have an auth block",
        )),
        (Some(Tier::Entrusted), None) if !m.credentials.is_empty() => {
            out.push(Diagnostic::whole_file(Rule::PairingAuth, "entrusted tier with credentials: the toolspec needs an auth block"))
        }
        _ => {}
    }
    if !m.tier.is(Tier::Sealed) {
        return;
    }
    let injected: Vec<(String, &str)> = m.credentials.iter().map(|c| (header_key(&c.inject.header), c.inject.header.as_str())).collect();
    for (i, tool) in t.tools.iter().enumerate() {
        for (j, param) in tool.params.iter().enumerate() {
            // A name `header-name` refuses as an argument (Authorization, Cookie) is its finding alone.
            if check_header(&param.name, HeaderUse::Argument).is_err() {
                continue;
            }
            let key = header_key(&param.name);
            let Some((_, header)) = injected.iter().find(|(k, _)| param.location.is(ParamIn::Header) && *k == key) else { continue };
            let msg = if *header == param.name {
                format!("header parameter `{header}` would set the injected credential header")
            } else {
                format!("header parameter `{}` would set the injected credential header `{header}` (header names compare without case, and `_` reads as `-`)", param.name)
            };
            out.push(Diagnostic::new(Rule::ToolspecHeaderParam, tool_path(i, "params").index(j).key("name"), msg));
        }
    }
}
