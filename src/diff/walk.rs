// SPDX-License-Identifier: Apache-2.0
//! A structural comparison of two JSON values: objects key by key, lists by each item's
//! identity (a scalar by its value, an object by its `id` or `name`), so an inserted, removed or
//! reordered list item is one change rather than a cascade of shifted indexes.

use serde_json::{Map, Value};

use crate::field::FieldPath;

/// Top-level keys that say which file this is rather than what the server may do; a new version
/// compared with the previous one differs in `version` by definition.
const IDENTITY_KEYS: &[&str] = &["schemaVersion", "name", "version"];

/// One difference, before classification.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RawChange {
    /// Where: in the head file for an added or changed value, in the base file for a removed one.
    pub path: FieldPath,
    /// The value before; `None` when it was added.
    pub before: Option<Value>,
    /// The value after; `None` when it was removed.
    pub after: Option<Value>,
    /// The same list items in another order (`before` and `after` list their identities).
    pub reordered: bool,
}

/// Every difference between two serialized manifests or toolspecs (`Null` for a missing file).
pub(super) fn compare(before: &Value, after: &Value) -> Vec<RawChange> {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    for key in union(b, a).filter(|k| !IDENTITY_KEYS.contains(&k.as_str())) {
        value(FieldPath::root().key(key.clone()), b.get(key), a.get(key), &mut out);
    }
    out
}

/// The keys of both objects, in order, once each.
fn union<'a>(b: &'a Map<String, Value>, a: &'a Map<String, Value>) -> impl Iterator<Item = &'a String> {
    b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))).collect::<std::collections::BTreeSet<_>>().into_iter()
}

fn value(path: FieldPath, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<RawChange>) {
    if before == after {
        return;
    }
    let empty_map = Map::new();
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => object(&path, b, a, out),
        (None, Some(Value::Object(a))) => object(&path, &empty_map, a, out),
        (Some(Value::Object(b)), None) => object(&path, b, &empty_map, out),
        (Some(Value::Array(b)), Some(Value::Array(a))) => list(&path, b, a, out),
        (None, Some(Value::Array(a))) => list(&path, &[], a, out),
        (Some(Value::Array(b)), None) => list(&path, b, &[], out),
        _ => out.push(RawChange { path, before: before.cloned(), after: after.cloned(), reordered: false }),
    }
}

fn object(path: &FieldPath, b: &Map<String, Value>, a: &Map<String, Value>, out: &mut Vec<RawChange>) {
    for key in union(b, a) {
        value(path.clone().key(key.clone()), b.get(key), a.get(key), out);
    }
}

/// What identifies a list item across the two sides.
fn identity(v: &Value) -> &Value {
    match v {
        Value::Object(m) => m.get("id").or_else(|| m.get("name")).unwrap_or(v),
        _ => v,
    }
}

/// Pairs items by identity (the k-th occurrence with the k-th), compares the pairs, and reports
/// the unpaired ones whole: an added credential is one change, not one per field.
fn list(path: &FieldPath, b: &[Value], a: &[Value], out: &mut Vec<RawChange>) {
    let mut used = vec![false; b.len()];
    let mut paired = Vec::with_capacity(a.len());
    for item in a {
        let j = (0..b.len()).find(|&j| !used[j] && identity(&b[j]) == identity(item));
        if let Some(j) = j {
            used[j] = true;
        }
        paired.push(j);
    }
    for (i, (item, j)) in a.iter().zip(&paired).enumerate() {
        match j {
            Some(j) => value(path.clone().index(i), Some(&b[*j]), Some(item), out),
            None => out.push(RawChange { path: path.clone().index(i), before: None, after: Some(item.clone()), reordered: false }),
        }
    }
    for (j, item) in b.iter().enumerate().filter(|(j, _)| !used[*j]) {
        out.push(RawChange { path: path.clone().index(j), before: Some(item.clone()), after: None, reordered: false });
    }
    let order: Vec<usize> = paired.iter().flatten().copied().collect();
    if order.windows(2).any(|w| w[0] > w[1]) {
        let ids = |items: &[Value]| Value::Array(items.iter().map(|v| identity(v).clone()).collect());
        out.push(RawChange { path: path.clone(), before: Some(ids(b)), after: Some(ids(a)), reordered: true });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(b: Value, a: Value) -> Vec<String> {
        compare(&b, &a).iter().map(|c| format!("{}{}", c.path, if c.reordered { " (order)" } else { "" })).collect()
    }

    #[test]
    fn lists_pair_items_by_identity() {
        let b = json!({"tools": [{"name": "a", "default": true}, {"name": "b", "default": false}]});
        let a = json!({"tools": [{"name": "c", "default": true}, {"name": "a", "default": true}, {"name": "b", "default": true}]});
        assert_eq!(paths(b, a), ["tools[0]", "tools[2].default"]);
        let b = json!({"entitlements": {"egress": ["a.com", "b.com"]}});
        let a = json!({"entitlements": {"egress": ["b.com", "a.com"]}});
        assert_eq!(paths(b, a), ["entitlements.egress (order)"]);
    }

    #[test]
    fn a_missing_side_is_compared_field_by_field_down_to_list_items() {
        let a = json!({"name": "x", "source": {"repo": "r", "tag": "t"}, "credentials": [{"id": "k", "type": "api_key"}]});
        assert_eq!(paths(Value::Null, a), ["credentials[0]", "source.repo", "source.tag"]);
        let b = json!({"tools": [{"name": "t", "params": [{"name": "a", "in": "query"}]}]});
        let a = json!({"tools": [{"name": "t", "params": [{"name": "a", "in": "query"}, {"name": "b", "in": "query"}]}]});
        assert_eq!(paths(b, a), ["tools[0].params[1]"]);
        assert!(paths(json!({"name": "x", "version": "1.0.0"}), json!({"name": "x", "version": "2.0.0"})).is_empty());
    }
}
