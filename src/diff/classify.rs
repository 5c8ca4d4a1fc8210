// SPDX-License-Identifier: Apache-2.0
//! What a change does to the runtime contract: widens, narrows, neither, or presentation only.
//! One table per file kind maps a field (list indexes written `[]`) to what it is called and
//! how a change to it counts; a field the tables do not name is neutral, so a new schema field
//! is still shown, never silently dropped.

use serde_json::Value;

use super::walk::RawChange;
use super::{ChangeKind, FileKind};
use crate::field::{FieldPath, Segment};
use crate::schema::closed::{Builder, Tier};
use crate::schema::manifest::PLANNED_DIGEST;

/// How a change to a field counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Any change widens: what is built or run changes.
    Widens,
    /// Added widens, removed narrows (credentials, scopes, tools, parameters).
    Grant,
    /// Where a credential or a request goes: removed narrows, set or changed widens.
    Target,
    /// Changes the contract without widening or narrowing it.
    Neutral,
    /// Display only: not in the runtime hash, no consent asked again.
    Presentation,
    /// sealed → entrusted widens, the reverse narrows.
    Tier,
    /// false → true widens, the reverse narrows.
    Default,
    /// An egress entry: widens unless another entry already allows everything it allows.
    Egress,
    /// Widens, unless only the default was written out or dropped.
    Builder,
}

/// Manifest fields: pattern, what it is called, how a change counts.
const MANIFEST: &[(&str, &str, Effect)] = &[
    ("source.repo", "source repository", Effect::Widens),
    ("source.tag", "source tag", Effect::Widens),
    ("source.package", "source package", Effect::Widens),
    ("image.ref", "image repository", Effect::Widens),
    ("image.digest", "image digest", Effect::Widens),
    ("image.entrypoint", "image entrypoint", Effect::Widens),
    ("image.builder", "builder", Effect::Builder),
    ("tier", "tier", Effect::Tier),
    ("entitlements.egress[]", "egress entry", Effect::Egress),
    ("credentials[]", "credential", Effect::Grant),
    ("credentials[].id", "credential id", Effect::Neutral),
    ("credentials[].type", "credential type", Effect::Neutral),
    ("credentials[].provider", "credential provider", Effect::Neutral),
    ("credentials[].scopes[]", "credential scope", Effect::Grant),
    ("credentials[].inject.header", "credential injection header", Effect::Target),
    ("credentials[].inject.env", "credential injection variable", Effect::Target),
    ("credentials[].inject.format", "credential injection format", Effect::Neutral),
    ("credentials[].vendor", "credential vendor", Effect::Presentation),
    ("tools[]", "tool", Effect::Grant),
    ("tools[].default", "tool default", Effect::Default),
    ("displayName", "display name", Effect::Presentation),
    ("description", "description", Effect::Presentation),
    ("category", "category", Effect::Presentation),
    ("icon", "icon", Effect::Presentation),
];

/// Toolspec fields. Every toolspec change reaches the engine; none is presentation.
const TOOLSPEC: &[(&str, &str, Effect)] = &[
    ("baseUrl", "base URL", Effect::Target),
    ("auth.header", "engine auth header", Effect::Target),
    ("auth.format", "engine auth format", Effect::Neutral),
    ("tools[]", "tool endpoint", Effect::Grant),
    ("tools[].method", "tool method", Effect::Widens),
    ("tools[].path", "tool path", Effect::Widens),
    ("tools[].baseUrl", "tool base URL", Effect::Widens),
    ("tools[].encoding", "tool encoding", Effect::Neutral),
    ("tools[].description", "tool description", Effect::Neutral),
    ("tools[].params[]", "parameter", Effect::Grant),
    ("tools[].params[].in", "parameter location", Effect::Widens),
    ("tools[].params[].type", "parameter type", Effect::Neutral),
    ("tools[].params[].required", "parameter required", Effect::Neutral),
    ("tools[].params[].description", "parameter description", Effect::Neutral),
];

/// The field's pattern: keys joined by `.`, every list index written `[]`.
pub(super) fn pattern(path: &FieldPath) -> String {
    let mut s = String::new();
    for seg in path.segments() {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Segment::Index(_) => s.push_str("[]"),
        }
    }
    s
}

/// The egress lists of both sides, for coverage.
pub(super) struct Egress<'a> {
    /// Before.
    pub before: &'a [String],
    /// After.
    pub after: &'a [String],
}

/// How the change counts and a short, data-free phrase for it ("egress host added").
pub(super) fn classify(file: FileKind, c: &RawChange, egress: &Egress<'_>) -> (ChangeKind, String) {
    let pattern = pattern(&c.path);
    let table = match file {
        FileKind::Manifest => MANIFEST,
        FileKind::Toolspec => TOOLSPEC,
    };
    if c.reordered {
        let item = format!("{pattern}[]");
        let name = table.iter().find(|(p, _, _)| *p == item).map_or("list", |(_, n, _)| n);
        return (ChangeKind::Neutral, format!("{name} list reordered"));
    }
    let (name, effect) = table.iter().find(|(p, _, _)| *p == pattern).map_or((pattern.as_str(), Effect::Neutral), |(_, n, e)| (*n, *e));
    let op = match (&c.before, &c.after) {
        (None, _) => "added",
        (_, None) => "removed",
        _ => "changed",
    };
    let plain = |kind| (kind, format!("{name} {op}"));
    match effect {
        // The placeholder makes a version planned: nothing can install it, so it grants nothing.
        Effect::Widens if pattern == "image.digest" && text(&c.after) == Some(PLANNED_DIGEST) => {
            (ChangeKind::Neutral, "image digest: the planned placeholder".into())
        }
        Effect::Widens => plain(ChangeKind::Widens),
        Effect::Neutral => plain(ChangeKind::Neutral),
        Effect::Presentation => plain(ChangeKind::Presentation),
        Effect::Grant | Effect::Target if c.after.is_none() => plain(ChangeKind::Narrows),
        Effect::Grant | Effect::Target => plain(ChangeKind::Widens),
        Effect::Tier => tier(c),
        Effect::Default => default(c),
        Effect::Egress => egress_entry(c, egress),
        Effect::Builder => builder(c, op),
    }
}

fn text(v: &Option<Value>) -> Option<&str> {
    v.as_ref().and_then(Value::as_str)
}

fn tier(c: &RawChange) -> (ChangeKind, String) {
    let (sealed, entrusted) = (Some(Tier::Sealed.as_str()), Some(Tier::Entrusted.as_str()));
    match (text(&c.before), text(&c.after)) {
        (b, a) if b != entrusted && a == entrusted => {
            (ChangeKind::Widens, "tier entrusted: the server itself receives its credentials".into())
        }
        (b, a) if b == entrusted && a == sealed => (ChangeKind::Narrows, "tier sealed: the gateway injects the credentials".into()),
        (None, a) if a == sealed => (ChangeKind::Neutral, "tier sealed: the gateway injects the credentials".into()),
        _ => (ChangeKind::Neutral, "tier changed".into()),
    }
}

fn default(c: &RawChange) -> (ChangeKind, String) {
    match c.after {
        Some(Value::Bool(true)) => (ChangeKind::Widens, "tool switched on by default".into()),
        Some(Value::Bool(false)) => (ChangeKind::Narrows, "tool switched off by default".into()),
        _ => (ChangeKind::Neutral, "tool default changed".into()),
    }
}

fn builder(c: &RawChange, op: &str) -> (ChangeKind, String) {
    let effective = |v: &Option<Value>| text(v).unwrap_or(Builder::GoStatic.as_str()).to_string();
    if effective(&c.before) == effective(&c.after) {
        (ChangeKind::Neutral, format!("builder {op}, the same builder (go-static is the default)"))
    } else {
        (ChangeKind::Widens, format!("builder {op}"))
    }
}

fn egress_entry(c: &RawChange, lists: &Egress<'_>) -> (ChangeKind, String) {
    let noun = |e: &str| if e.starts_with("*.") { "egress wildcard" } else { "egress host" };
    match (text(&c.before), text(&c.after)) {
        (None, Some(added)) if lists.before.iter().any(|o| covers(o, added)) => {
            (ChangeKind::Neutral, format!("{} added, already allowed by another entry", noun(added)))
        }
        (None, Some(added)) => (ChangeKind::Widens, format!("{} added", noun(added))),
        (Some(removed), None) if lists.after.iter().any(|o| covers(o, removed)) => {
            (ChangeKind::Neutral, format!("{} removed, still allowed by another entry", noun(removed)))
        }
        (Some(removed), None) => (ChangeKind::Narrows, format!("{} removed", noun(removed))),
        _ => (ChangeKind::Neutral, "egress entry changed".into()),
    }
}

/// Whether entry `a` allows every host entry `b` allows, in the gateway's reading: exact hosts
/// compare case-insensitively, and `*.s` matches exactly one label under `s` (so `*.s` covers
/// `x.s` but neither `*.x.s` nor `x.y.s`). That reading is the narrower one, so every entry that
/// could reach a new host, today or under a proxy that matches any depth, counts as a widening.
pub fn covers(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    if a == b {
        return true;
    }
    match (a.strip_prefix("*."), b.starts_with("*.")) {
        (Some(suffix), false) => {
            b.strip_suffix(suffix).and_then(|rest| rest.strip_suffix('.')).is_some_and(|label| !label.is_empty() && !label.contains('.'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_the_gateways_one_label_reading() {
        assert!(covers("*.acme.com", "api.acme.com"));
        assert!(covers("API.acme.com", "api.ACME.com"));
        assert!(!covers("*.acme.com", "acme.com"));
        assert!(!covers("*.acme.com", "a.b.acme.com"));
        assert!(!covers("*.acme.com", "*.eu.acme.com"));
        assert!(!covers("api.acme.com", "*.acme.com"));
        assert!(!covers("*.acme.com", "xacme.com"));
    }

    fn raw(path: FieldPath, before: Option<Value>, after: Option<Value>) -> RawChange {
        RawChange { path, before, after, reordered: false }
    }

    #[test]
    fn the_default_builder_written_out_is_no_widening() {
        let egress = Egress { before: &[], after: &[] };
        let path = FieldPath::field("image").key("builder");
        let same = raw(path.clone(), None, Some(Value::from("go-static")));
        assert_eq!(classify(FileKind::Manifest, &same, &egress).0, ChangeKind::Neutral);
        let other = raw(path, None, Some(Value::from("node")));
        assert_eq!(classify(FileKind::Manifest, &other, &egress), (ChangeKind::Widens, "builder added".into()));
    }

    #[test]
    fn an_unknown_field_is_shown_as_neutral() {
        let egress = Egress { before: &[], after: &[] };
        let c = raw(FieldPath::field("future").key("thing"), None, Some(Value::from(1)));
        assert_eq!(classify(FileKind::Manifest, &c, &egress), (ChangeKind::Neutral, "future.thing added".into()));
    }

    #[test]
    fn patterns_drop_indexes() {
        let p = FieldPath::field("tools").index(3).key("params").index(0).key("in");
        assert_eq!(pattern(&p), "tools[].params[].in");
    }
}
