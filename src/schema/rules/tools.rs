// SPDX-License-Identifier: Apache-2.0
//! A manifest's tools: unique names MCP clients accept, and at least one exposed by default.
//! (Whether each tool says `default: true|false` at all is checked while reading.)

use std::collections::HashSet;

use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::manifest::Tool;
use crate::schema::patterns::TOOL_NAME;

/// The path of one tool's name.
pub fn name_path(i: usize) -> FieldPath {
    FieldPath::field("tools").index(i).key("name")
}

/// Tool names, and the warning when no tool is exposed by default.
pub fn tools(tools: &[Tool], out: &mut Vec<Diagnostic>) {
    let mut names = HashSet::new();
    for (i, t) in tools.iter().enumerate() {
        if t.name.is_empty() {
            out.push(Diagnostic::new(Rule::ToolName, name_path(i), "tool name is missing"));
        } else if !names.insert(t.name.as_str()) {
            out.push(Diagnostic::new(Rule::ToolName, name_path(i), format!("tool `{}` is listed twice", t.name)));
        } else if !TOOL_NAME.is_match(&t.name) {
            let msg = format!("tool name `{}` is not [A-Za-z0-9_-], 1 to 64 characters", t.name);
            out.push(Diagnostic::new(Rule::ToolName, name_path(i), msg));
        }
    }
    if !tools.is_empty() && tools.iter().all(|t| !t.default) {
        out.push(Diagnostic::new(
            Rule::NoDefaultTool,
            FieldPath::field("tools"),
            "no tool has default: true, so an install exposes nothing",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_one_tool_is_on_by_default() {
        let t = |name: &str, default| Tool { name: name.into(), default };
        let mut out = Vec::new();
        tools(&[t("a", false), t("a", false), t("b c", false), t("", false)], &mut out);
        let got: Vec<_> = out.iter().map(|d| (d.rule, d.field.to_string())).collect();
        assert_eq!(
            got,
            [
                (Rule::ToolName, "tools[1].name".to_string()),
                (Rule::ToolName, "tools[2].name".to_string()),
                (Rule::ToolName, "tools[3].name".to_string()),
                (Rule::NoDefaultTool, "tools".to_string())
            ]
        );
    }
}
