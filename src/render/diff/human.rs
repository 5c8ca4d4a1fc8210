// SPDX-License-Identifier: Apache-2.0
//! `registryctl diff` as plain text: per server, per version, one line per change (widenings
//! first) with values as JSON, so an empty string or a trailing space is visible; then the
//! findings under the version they are about. Names and messages are escaped one by one (a line
//! feed in a name must not start a line); the caller escapes the whole text again.

use std::fmt::Write as _;

use super::{summary_line, values};
use crate::diff::{Change, Diff, FileKind, Finding, Status, VersionDiff};
use crate::render::escape::controls;

/// The whole diff as text.
pub(super) fn render(diff: &Diff) -> String {
    let mut out = String::new();
    for server in &diff.servers {
        let _ = writeln!(out, "{} ({})", controls(&server.name), server.status.as_str());
        for v in &server.versions {
            version(&mut out, v);
            for f in diff.findings.iter().filter(|f| f.server == server.name && f.version == v.version) {
                finding(&mut out, f, "    ");
            }
        }
    }
    let listed = |f: &&Finding| diff.servers.iter().any(|s| s.name == f.server && s.versions.iter().any(|v| v.version == f.version));
    let rest: Vec<&Finding> = diff.findings.iter().filter(|f| !listed(f)).collect();
    if !rest.is_empty() {
        out.push_str("not compared\n");
        for f in rest {
            let _ = writeln!(out, "  {}@{} ({})", controls(&f.server), controls(&f.version), controls(&f.file));
            finding(&mut out, f, "    ");
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "diff: {}", summary_line(diff));
    out
}

fn version(out: &mut String, v: &VersionDiff) {
    let mut notes = vec![v.status.as_str().to_string()];
    if let Some(prev) = &v.compared_with {
        notes.push(format!("compared with {}", controls(prev)));
    }
    notes.push(if v.published { "published" } else { "planned" }.into());
    if v.status == Status::Added && v.compared_with.is_none() {
        notes.push("every field is new".into());
    }
    match (v.runtime_hash_changed, v.published) {
        (Some(true), true) => notes.push("runtime hash changed: every gateway that installed it asks its users to consent again".into()),
        (Some(true), false) => notes.push("runtime hash changed".into()),
        _ => {}
    }
    let _ = writeln!(out, "  {}: {}", controls(&v.version), notes.join("; "));
    for c in &v.changes {
        change(out, c);
    }
}

fn change(out: &mut String, c: &Change) {
    let json = |v: &serde_json::Value| serde_json::to_string(v).unwrap_or_default();
    let shown = match values(c) {
        (Some(b), Some(a)) => format!("{} → {}", json(b), json(a)),
        (Some(v), None) | (None, Some(v)) => json(v),
        (None, None) => String::new(),
    };
    let file = if c.file == FileKind::Toolspec { "toolspec " } else { "" };
    let _ = writeln!(out, "    {:<12}  {file}{}: {}: {shown}", c.kind.as_str(), controls(&c.field), controls(&c.what));
}

fn finding(out: &mut String, f: &Finding, indent: &str) {
    let _ = writeln!(out, "{indent}{}[{}]: {}", f.severity.as_str(), f.rule.id(), controls(&f.message));
    let _ = writeln!(out, "{indent}  in {}", controls(&f.file));
    let _ = writeln!(out, "{indent}  help: {}", controls(&f.help));
}
