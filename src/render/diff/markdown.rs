// SPDX-License-Identifier: Apache-2.0
//! `registryctl diff --format markdown`: the pull-request comment. One short section per server,
//! readable on a phone: findings and widenings in plain sight, everything else folded into
//! `<details>`. Every value from the data is a code span (no HTML, link, mention or emphasis is
//! read inside one), and every other text from the data is escaped; the only HTML is the
//! renderer's own `<details>` and `<summary>`.

use std::fmt::Write as _;

use serde_json::Value;

use super::{plural, summary_line, values};
use crate::diag::Severity;
use crate::diff::{Change, ChangeKind, Diff, FileKind, Finding, ServerDiff, Status, VersionDiff};
use crate::render::markdown::{code, text};

fn value(v: &Value) -> String {
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
    let strings = |k: &str| v.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(code).collect::<Vec<_>>());
    match v {
        Value::String(s) => code(s),
        Value::Array(items) if items.iter().all(Value::is_string) => strings_list(items),
        // A toolspec tool: its endpoint.
        Value::Object(m) if m.contains_key("method") && m.contains_key("path") => {
            code(&format!("{} {}{}", field("method"), field("baseUrl"), field("path")))
        }
        // A credential: its id, type, scopes and where it is injected.
        Value::Object(m) if m.contains_key("id") && m.contains_key("type") => {
            let mut parts = vec![field("type").to_string()];
            if let Some(scopes) = strings("scopes").filter(|s| !s.is_empty()) {
                parts.push(format!("scopes {}", scopes.join(", ")));
            }
            let inject = v.get("inject").map(|i| (i.get("header"), i.get("env")));
            if let Some((Some(Value::String(h)), _) | (_, Some(Value::String(h)))) = inject {
                parts.push(format!("into {}", code(h)));
            }
            format!("{} ({})", code(field("id")), parts.join("; "))
        }
        // A manifest tool: whether it is on by default.
        Value::Object(m) if m.contains_key("default") => {
            let on = if m.get("default") == Some(&Value::Bool(true)) { "on by default" } else { "opt-in" };
            format!("{} ({on})", code(field("name")))
        }
        // A parameter: where it goes and its type.
        Value::Object(m) if m.contains_key("in") => {
            let required = if m.get("required") == Some(&Value::Bool(true)) { ", required" } else { "" };
            format!("{} ({} {}{required})", code(field("name")), code(field("in")), code(field("type")))
        }
        other => code(&other.to_string()),
    }
}

fn strings_list(items: &[Value]) -> String {
    items.iter().filter_map(Value::as_str).map(code).collect::<Vec<_>>().join(", ")
}

/// For a version with nothing to compare with, what it is granted, in plain sight: its tier,
/// hosts, credentials and tools. The full list follows, folded.
fn grants(out: &mut String, v: &VersionDiff) {
    /// The manifest's whole list items under `prefix` (`tools[0]`, not `tools[0].default`).
    fn items<'a>(v: &'a VersionDiff, prefix: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        v.changes
            .iter()
            .filter(move |c| c.file == FileKind::Manifest && c.field.starts_with(prefix) && !c.field.contains('.'))
            .map(|c| &c.after)
    }
    let in_manifest = |field: &str| v.changes.iter().find(|c| c.file == FileKind::Manifest && c.field == field).map(|c| &c.after);
    let mut lines = Vec::new();
    if let Some(tier) = in_manifest("tier") {
        lines.push(format!("Tier: {}", value(tier)));
    }
    let hosts: Vec<String> = v
        .changes
        .iter()
        .filter(|c| c.file == FileKind::Manifest && c.field.starts_with("entitlements.egress["))
        .map(|c| value(&c.after))
        .collect();
    lines.push(format!("Reaches: {}", if hosts.is_empty() { "no host".into() } else { hosts.join(", ") }));
    let credentials: Vec<String> = items(v, "credentials[").map(value).collect();
    if !credentials.is_empty() {
        lines.push(format!("Credentials: {}", credentials.join("; ")));
    }
    let tools: Vec<String> = items(v, "tools[").map(value).collect();
    if !tools.is_empty() {
        lines.push(format!("Tools: {}", tools.join(", ")));
    }
    for l in lines {
        let _ = writeln!(out, "- {l}");
    }
    out.push('\n');
}

/// The whole comment body.
pub(super) fn render(diff: &Diff) -> String {
    let mut out = String::from("## registryctl diff\n\n");
    let _ = writeln!(out, "{}\n", summary_line(diff));
    for server in &diff.servers {
        section(&mut out, diff, server);
    }
    let listed = |f: &&Finding| diff.servers.iter().any(|s| s.name == f.server && s.versions.iter().any(|v| v.version == f.version));
    let rest: Vec<&Finding> = diff.findings.iter().filter(|f| !listed(f)).collect();
    if !rest.is_empty() {
        out.push_str("### ❌ Not compared\n\n");
        for f in rest {
            finding(&mut out, f, true);
        }
        out.push('\n');
    }
    out.push_str(
        "Kinds: widens, the server can do or reach more; narrows, less; neutral, the contract changes neither way; \
         presentation, display only. A published version (a real image digest) is immutable: publish a new version instead.\n",
    );
    out
}

fn section(out: &mut String, diff: &Diff, server: &ServerDiff) {
    let findings: Vec<&Finding> = diff.findings.iter().filter(|f| f.server == server.name).collect();
    let widenings: usize = server.versions.iter().map(|v| v.count(ChangeKind::Widens)).sum();
    let flag = if findings.iter().any(|f| f.severity == Severity::Error) {
        "❌ "
    } else if widenings > 0 || !findings.is_empty() {
        "⚠️ "
    } else {
        ""
    };
    let status = match server.status {
        Status::Added => "new server",
        Status::Removed => "removed",
        Status::Changed => "changed",
    };
    let _ = writeln!(out, "### {flag}{} · {status}\n", code(&server.name));
    for v in &server.versions {
        version(out, v, findings.iter().copied().filter(|f| f.version == v.version));
    }
}

fn version<'a>(out: &mut String, v: &VersionDiff, findings: impl Iterator<Item = &'a Finding>) {
    let mut head = vec![format!("**{}**", code(&v.version)), v.status.as_str().to_string()];
    if let Some(prev) = &v.compared_with {
        head.push(format!("compared with {}", code(prev)));
    }
    head.push(if v.published { "published" } else { "planned" }.into());
    let widens = v.count(ChangeKind::Widens);
    if widens > 0 {
        head.push(format!("⚠️ {}", plural(widens, "widening")));
    }
    let _ = writeln!(out, "{}\n", head.join(" · "));
    if v.runtime_hash_changed == Some(true) && v.published {
        out.push_str("Runtime hash changed: every gateway that installed this version asks its users to consent again.\n\n");
    }
    let mut listed = false;
    for f in findings {
        finding(out, f, false);
        listed = true;
    }
    // A version with nothing to compare with is all new: its widenings are the whole grant, so
    // they are folded too; otherwise only what does not widen is.
    let all_new = v.status == Status::Added && v.compared_with.is_none();
    if all_new {
        grants(out, v);
    }
    let (shown, folded): (Vec<&Change>, Vec<&Change>) = v.changes.iter().partition(|c| c.kind == ChangeKind::Widens && !all_new);
    for c in &shown {
        change(out, c);
        listed = true;
    }
    if listed {
        out.push('\n');
    }
    if !folded.is_empty() {
        let _ = writeln!(out, "<details><summary>{}</summary>\n", fold_title(&folded, all_new));
        for c in &folded {
            change(out, c);
        }
        out.push_str("\n</details>\n\n");
    }
}

/// `12 changes: 7 widens, 5 presentation`, counted by kind.
fn fold_title(changes: &[&Change], all_new: bool) -> String {
    let kinds = [ChangeKind::Widens, ChangeKind::Narrows, ChangeKind::Neutral, ChangeKind::Presentation];
    let counts: Vec<String> = kinds
        .iter()
        .map(|k| (k, changes.iter().filter(|c| c.kind == *k).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {}", k.as_str()))
        .collect();
    let what = if all_new { "every field, as new" } else { "other changes" };
    format!("{what}: {}", counts.join(", "))
}

fn change(out: &mut String, c: &Change) {
    let flag = if c.kind == ChangeKind::Widens { "⚠️ " } else { "" };
    let shown = match values(c) {
        (Some(b), Some(a)) => format!("{} → {}", value(b), value(a)),
        (Some(v), None) | (None, Some(v)) => value(v),
        (None, None) => String::new(),
    };
    let file = if c.file == FileKind::Toolspec { " (toolspec)" } else { "" };
    let _ = writeln!(out, "- {flag}**{}** · {}: {shown} · {}{file}", c.kind.as_str(), text(&c.what), code(&c.field));
}

fn finding(out: &mut String, f: &Finding, named: bool) {
    let flag = if f.severity == Severity::Error { "❌" } else { "⚠️" };
    let at = if named { format!(" · {}", code(&f.file)) } else { String::new() };
    let _ = writeln!(out, "- {flag} **{}** {}{at}: {}", f.severity.as_str(), code(f.rule.id()), text(&f.message));
    let _ = writeln!(out, "  - {}", text(&f.help));
}
