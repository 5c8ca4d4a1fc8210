// SPDX-License-Identifier: Apache-2.0
//! Tool names on the wire: the gateway exposes each tool as `<server>_<tool>`, and MCP clients
//! commonly accept at most 64 characters of `[A-Za-z0-9_-]` (`registryctl explain tool-wire-name`).

use super::tools::name_path;
use crate::diag::{Diagnostic, Rule};
use crate::schema::patterns::{NAME, TOOL_NAME};
use crate::schema::Manifest;

/// The longest tool name MCP clients commonly accept (Anthropic's and OpenAI's tool-name limit).
pub const MAX_WIRE_NAME: usize = 64;

/// The separator the gateway puts between the server's and the tool's name.
pub const SEPARATOR: char = '_';

/// The name a client sees for a tool of a server.
pub fn wire_name(server: &str, tool: &str) -> String {
    format!("{server}{SEPARATOR}{tool}")
}

/// Each tool's wire name fits the clients' limit. Names that are malformed on their own are
/// left to `name-format` and `tool-name`.
pub fn tool_names(m: &Manifest, out: &mut Vec<Diagnostic>) {
    if !NAME.is_match(&m.name) {
        return;
    }
    for (i, t) in m.tools.iter().enumerate() {
        if !TOOL_NAME.is_match(&t.name) {
            continue;
        }
        let wire = wire_name(&m.name, &t.name);
        if wire.len() > MAX_WIRE_NAME {
            let fix = match MAX_WIRE_NAME.saturating_sub(m.name.len() + 1) {
                0 => format!("the server name alone has {} characters: shorten it", m.name.len()),
                room => format!("shorten the tool name to {room} or fewer"),
            };
            let msg = format!(
                "tool `{}` is `{wire}` on the wire, {} characters; MCP clients accept at most {MAX_WIRE_NAME}: {fix}",
                t.name,
                wire.len()
            );
            out.push(Diagnostic::new(Rule::ToolWireName, name_path(i), msg));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::closed::Tier;
    use crate::schema::manifest::{Entitlements, Image, Source, Tool};

    fn manifest(name: &str, tools: &[&str]) -> Manifest {
        Manifest {
            schema_version: 1,
            name: name.into(),
            version: "0.1.0".into(),
            source: Source::default(),
            image: Image::default(),
            tier: Tier::Sealed.into(),
            entitlements: Entitlements::default(),
            credentials: vec![],
            tools: tools.iter().map(|t| Tool { name: t.to_string(), default: true }).collect(),
            display_name: String::new(),
            description: String::new(),
            category: None,
            icon: String::new(),
        }
    }

    #[test]
    fn the_wire_name_fits_in_64() {
        let server = "acme-enterprise-analytics"; // 25 characters: 38 left for the tool
        let fits = "a".repeat(38);
        let long = "a".repeat(39);
        let mut out = Vec::new();
        tool_names(&manifest(server, &[&fits, &long]), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule, Rule::ToolWireName);
        assert_eq!(out[0].field.to_string(), "tools[1].name");
        assert!(out[0].message.contains("65 characters") && out[0].message.contains("38 or fewer"), "{}", out[0].message);
    }

    #[test]
    fn a_server_name_with_no_room_left() {
        let mut out = Vec::new();
        tool_names(&manifest(&"a".repeat(70), &["t"]), &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("the server name alone has 70 characters"), "{}", out[0].message);
    }

    #[test]
    fn malformed_names_are_left_to_their_own_rules() {
        let mut out = Vec::new();
        tool_names(&manifest("Acme_Tools", &[&"a".repeat(60)]), &mut out);
        tool_names(&manifest("acme", &[&"a b".repeat(30)]), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn server_names_never_hold_the_separator_so_the_wire_name_splits_back() {
        for name in ["acme", "acme-tools", "a1", "acme_tools", "_acme", "acme_", "a__b"] {
            assert_eq!(NAME.is_match(name), !name.contains(SEPARATOR), "{name}");
        }
        let wire = wire_name("acme-tools", "list_open_items");
        assert_eq!(wire.split_once(SEPARATOR), Some(("acme-tools", "list_open_items")));
    }
}
