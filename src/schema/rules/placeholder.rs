// SPDX-License-Identifier: Apache-2.0
//! Values `registryctl new` left for the author to fill in: each TODO marker is reported in
//! place of any other finding on the same field.

use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::rules::egress::entry_path;
use crate::schema::rules::tools::name_path;
use crate::schema::rules::toolspec::tool_path;
use crate::schema::{Manifest, Toolspec};

/// Whether a value is a `registryctl new` marker.
pub fn is_marker(value: &str) -> bool {
    value.starts_with("TODO")
}

/// The finding for a field still holding a marker.
pub fn finding(field: FieldPath, value: &str) -> Diagnostic {
    let msg = format!("`{field}` still holds the scaffold marker: {value}");
    Diagnostic::new(Rule::ScaffoldPlaceholder, field, msg)
}

/// The manifest fields `new` marks (its category, a closed set, is handled while reading).
pub fn manifest(m: &Manifest, out: &mut Vec<Diagnostic>) {
    let mut marked: Vec<(FieldPath, &str)> = Vec::new();
    for (field, value) in [
        (FieldPath::field("name"), &m.name),
        (FieldPath::field("source").key("repo"), &m.source.repo),
        (FieldPath::field("source").key("tag"), &m.source.tag),
        (FieldPath::field("displayName"), &m.display_name),
        (FieldPath::field("description"), &m.description),
    ] {
        if is_marker(value) {
            marked.push((field, value));
        }
    }
    marked.extend(m.entitlements.egress.iter().enumerate().filter(|(_, e)| is_marker(e)).map(|(i, e)| (entry_path(i), e.as_str())));
    marked.extend(m.tools.iter().enumerate().filter(|(_, t)| is_marker(&t.name)).map(|(i, t)| (name_path(i), t.name.as_str())));
    replace_findings(marked, out);
}

/// The toolspec fields `new` marks.
pub fn toolspec(t: &Toolspec, out: &mut Vec<Diagnostic>) {
    let mut marked = Vec::new();
    if is_marker(&t.base_url) {
        marked.push((FieldPath::field("baseUrl"), t.base_url.as_str()));
    }
    for (key, value) in t.auth.iter().flat_map(|a| [("header", &a.header), ("format", &a.format)]) {
        if is_marker(value) {
            marked.push((FieldPath::field("auth").key(key), value.as_str()));
        }
    }
    for (i, tool) in t.tools.iter().enumerate() {
        for (key, value) in [("name", &tool.name), ("description", &tool.description), ("path", &tool.path)] {
            if is_marker(value) {
                marked.push((tool_path(i, key), value.as_str()));
            }
        }
    }
    replace_findings(marked, out);
}

/// Reports each marked field, in place of any other finding on it.
fn replace_findings(marked: Vec<(FieldPath, &str)>, out: &mut Vec<Diagnostic>) {
    if marked.is_empty() {
        return;
    }
    out.retain(|d| !marked.iter().any(|(f, _)| *f == d.field));
    out.extend(marked.into_iter().map(|(field, value)| finding(field, value)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_replaces_other_findings_on_its_field() {
        let mut out = vec![
            Diagnostic::new(Rule::Name, FieldPath::field("name"), "bad name"),
            Diagnostic::new(Rule::Version, FieldPath::field("version"), "bad version"),
        ];
        replace_findings(vec![(FieldPath::field("name"), "TODO x")], &mut out);
        let rules: Vec<Rule> = out.iter().map(|d| d.rule).collect();
        assert_eq!(rules, [Rule::Version, Rule::ScaffoldPlaceholder]);
        assert_eq!(out[1].message, "`name` still holds the scaffold marker: TODO x");
    }
}
