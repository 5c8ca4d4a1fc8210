// SPDX-License-Identifier: Apache-2.0
//! What `verify` prints: which key verified, the index's serial and times, and what changed
//! since the previous index.

use std::fmt::Write as _;

use crate::index::Index;
use crate::trust::{Changes, Verified};

/// The lines for a verified index, and for the previous one it was checked against; what the
/// indexes hold (times, names) is escaped ([`super::escape::lines`]).
pub fn verified(v: &Verified, previous: Option<&Verified>) -> String {
    super::escape::lines(&verified_lines(v, previous)).into_owned()
}

fn verified_lines(v: &Verified, previous: Option<&Verified>) -> String {
    let mut out = format!("signature OK: key {}\n", v.key);
    let _ = writeln!(out, "index: {}", summary(&v.index));
    if let Some(p) = previous {
        let _ = writeln!(out, "previous: {} (signature OK: key {})", summary(&p.index), p.key);
    }
    if let Some(c) = &v.changes {
        out.push_str(&change_lines(c));
    }
    out
}

/// `serial N, generated T, expires T`, saying so when a field is absent.
pub fn summary(index: &Index) -> String {
    let serial = index.serial.map_or("no serial".to_string(), |s| format!("serial {s}"));
    let expires = index.expires.as_deref().map_or("never expires".to_string(), |e| format!("expires {}", super::escape::controls(e)));
    format!("{serial}, generated {}, {expires}", super::escape::controls(&index.generated))
}

/// The change list between two indexes: a count line, then one line per changed version,
/// escaped as [`verified`] is.
pub fn changes(c: &Changes) -> String {
    super::escape::lines(&change_lines(c)).into_owned()
}

fn change_lines(c: &Changes) -> String {
    let serial = |s: Option<u64>| s.map_or("none".to_string(), |s| s.to_string());
    let mut out = format!("changes from serial {} to {}: ", serial(c.old_serial), serial(c.new_serial));
    if c.is_empty() {
        out.push_str("none\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{} added, {} removed, {} contract changed, {} updated",
        c.added.len(),
        c.removed.len(),
        c.contract_changed.len(),
        c.updated.len()
    );
    let groups = [
        ("+", &c.added, "added"),
        ("-", &c.removed, "removed"),
        ("!", &c.contract_changed, "runtime hash changed"),
        ("~", &c.updated, "image digest or presentation changed"),
    ];
    for (mark, entries, what) in groups {
        for e in entries {
            let _ = writeln!(out, "  {mark} {} ({what})", super::escape::controls(&e.to_string()));
        }
    }
    out
}
