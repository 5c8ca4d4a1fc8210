// SPDX-License-Identifier: Apache-2.0
//! `--format sarif`: SARIF 2.1.0 for code-scanning upload, with the whole rule table as the
//! tool's rules and one result per diagnostic; a warning a reviewed comment accepted is a result
//! with an in-source suppression and its justification, which code scanning shows as dismissed.

use serde_json::{json, Value};

use super::Render;
use crate::diag::{Diagnostic, Rule, Suppressed};

/// Collects results and writes the SARIF log at the end.
pub(super) struct Sarif<'r> {
    results: Vec<Value>,
    suppressed: &'r [Suppressed],
}

impl<'r> Sarif<'r> {
    pub(super) fn new(suppressed: &'r [Suppressed]) -> Sarif<'r> {
        Sarif { results: Vec::new(), suppressed }
    }
}

/// One result.
fn result(d: &Diagnostic) -> Value {
    let (end_line, end_column) = d.end();
    let field = if d.field.is_root() { json!([]) } else { json!([{"fullyQualifiedName": d.field}]) };
    json!({
        "ruleId": d.rule.id(),
        "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule),
        "level": d.severity.as_str(),
        "message": {"text": format!("{} (help: {})", d.message, d.help)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": d.file_name().trim_start_matches("./")},
                "region": {
                    "startLine": d.line(),
                    "startColumn": d.column(),
                    "endLine": end_line,
                    "endColumn": end_column,
                }
            },
            "logicalLocations": field,
        }],
    })
}

fn rules() -> Vec<Value> {
    Rule::ALL
        .iter()
        .map(|r| {
            let i = r.info();
            json!({
                "id": i.id,
                "shortDescription": {"text": i.summary},
                "help": {"text": i.help},
                "defaultConfiguration": {"level": i.severity.as_str()},
            })
        })
        .collect()
}

impl<'r> Render<'r> for Sarif<'r> {
    fn report(&mut self, d: &'r Diagnostic) {
        self.results.push(result(d));
    }

    fn finish(mut self: Box<Self>) -> Vec<u8> {
        for s in self.suppressed {
            let mut r = result(&s.diagnostic);
            r["suppressions"] = json!([{"kind": "inSource", "justification": s.reason}]);
            self.results.push(r);
        }
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "registryctl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/gigmcp/registry/blob/main/docs/rules.md",
                    "rules": rules(),
                }},
                "results": self.results,
            }],
        });
        let mut v = serde_json::to_vec_pretty(&log).expect("JSON values serialize");
        v.push(b'\n');
        v
    }
}
