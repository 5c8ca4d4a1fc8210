// SPDX-License-Identifier: Apache-2.0
//! Reviewed suppressions: a `# registryctl: allow(<rule-id>) <reason>` comment accepts a
//! warning where it stands, with its reason, in the same diff a reviewer reads.
//!
//! A comment covers the findings of its rules that are on its own line or on the line directly
//! below it, where a finding is on the line its value starts and on the line of its field's key.
//! So it can trail the value (`scopes: []  # registryctl: allow(...) ...`), trail the key of a
//! block value (`tools:  # ...`), or sit on a line of its own just above either. Only warnings
//! can be accepted; a comment without a reason, naming an unknown rule or an error is itself an
//! error, and one that accepts nothing is a warning.

use std::ops::Range;

use crate::diag::{Diagnostic, Rule, Severity, Suppressed};
use crate::field::{FieldPath, Segment};
use crate::span::{Pos, Span};
use crate::yaml::{self, Kind, Node, Style};

/// The word that makes a comment a suppression.
pub const MARKER: &str = "registryctl:";

/// One suppression comment, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Allow {
    /// From the `#` to the end of the line.
    span: Span,
    /// The rules it names, in order.
    rules: Vec<Rule>,
    /// Its reason, trimmed.
    reason: String,
}

/// Applies a file's suppression comments to its findings: the warnings they accept move out of
/// `diags` into the returned list, and problems with the comments themselves are added to
/// `diags`. A file whose text does not parse as YAML is left as it is (its syntax error is the
/// one thing to fix first).
pub fn apply(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Suppressed> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut ignored = Vec::new();
    let Some(root) = yaml::parse(text, &mut ignored) else { return Vec::new() };
    let (allows, mut problems) = comments(text, &string_ranges(text, &root));
    let mut used = vec![false; allows.len()];
    let mut suppressed = Vec::new();
    diags.retain(|d| {
        let lines = [Some(d.line()), key_line(&root, &d.field)];
        let hit = allows.iter().position(|a| covers(a, d, &lines));
        match hit {
            Some(i) => {
                used[i] = true;
                suppressed.push(Suppressed {
                    diagnostic: d.clone(),
                    reason: allows[i].reason.clone(),
                    comment_line: allows[i].span.start.line,
                });
                false
            }
            None => true,
        }
    });
    for (a, _) in allows.iter().zip(&used).filter(|(_, used)| !**used) {
        let ids: Vec<&str> = a.rules.iter().map(|r| r.id()).collect();
        let msg = format!("`allow({})` accepts no finding on this line or the next", ids.join(", "));
        problems.push(Diagnostic::whole_file(Rule::SuppressionUnused, msg).with_span(a.span));
    }
    diags.extend(problems);
    suppressed
}

/// Whether a comment accepts a finding on `lines`: one of its rules, a warning, on the
/// comment's line or the next.
fn covers(a: &Allow, d: &Diagnostic, lines: &[Option<usize>]) -> bool {
    let line = a.span.start.line;
    d.severity == Severity::Warning && a.rules.contains(&d.rule) && lines.iter().flatten().any(|&l| l == line || l == line + 1)
}

/// The line of the key of the field at `path`, when the path ends in a key that exists.
fn key_line(root: &Node, path: &FieldPath) -> Option<usize> {
    let mut node = root;
    let mut key = None;
    for seg in path.segments() {
        (key, node) = match (&node.kind, seg) {
            (Kind::Map(pairs), Segment::Key(k)) => {
                pairs.iter().find(|(kn, _)| kn.scalar() == Some(k.as_ref())).map(|(kn, v)| (Some(kn), v))?
            }
            (Kind::Seq(items), Segment::Index(i)) => (None, items.get(*i)?),
            _ => return None,
        };
    }
    key.map(|k| k.span.start.line)
}

/// The byte ranges of quoted and block scalars, inside which a `#` is text, not a comment.
fn string_ranges(text: &str, root: &Node) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.kind {
            Kind::Scalar(_, Style::Block) => ranges.push(n.span.start.offset..n.span.end.offset),
            Kind::Scalar(_, Style::Quoted) => ranges.push(n.span.start.offset..quoted_end(text, n.span.start.offset)),
            Kind::Scalar(..) => {}
            Kind::Seq(items) => stack.extend(items),
            Kind::Map(pairs) => stack.extend(pairs.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    ranges
}

/// Where a quoted scalar starting at `start` ends, just after its closing quote. (The parser's
/// span of a quoted scalar runs on over a trailing comment, so it is found here.)
fn quoted_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(&quote) = bytes.get(start) else { return start };
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote => return i + 1,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Every `# registryctl:` comment: the valid ones, and findings for the rest.
fn comments(text: &str, strings: &[Range<usize>]) -> (Vec<Allow>, Vec<Diagnostic>) {
    let (mut allows, mut problems) = (Vec::new(), Vec::new());
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let Some(hash) = comment_start(line, start, strings) else { continue };
        let Some(body) = line[hash + 1..].trim_start().strip_prefix(MARKER) else { continue };
        let column = line[..hash].chars().count() + 1;
        let end_column = column + line[hash..].chars().count();
        let span = Span {
            start: Pos { offset: start + hash, line: i + 1, column },
            end: Pos { offset: start + line.len(), line: i + 1, column: end_column },
        };
        match parse(body) {
            Ok(allow) => allows.push(Allow { span, ..allow }),
            Err((message, help)) => {
                problems.push(Diagnostic::whole_file(Rule::SuppressionInvalid, message).with_span(span).with_help(help))
            }
        }
    }
    (allows, problems)
}

/// The byte index in `line` of the `#` that starts its comment: the first `#` at the start of
/// the line or after whitespace that is not inside a quoted or block scalar.
fn comment_start(line: &str, line_offset: usize, strings: &[Range<usize>]) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes[i] == b'#'
            && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t')
            && !strings.iter().any(|s| s.contains(&(line_offset + i)))
    })
}

/// Reads `allow(<rule-id>[, <rule-id>…]) <reason>`.
fn parse(body: &str) -> Result<Allow, (String, String)> {
    const FORM: &str = "write `# registryctl: allow(<rule-id>) <why this warning is accepted here>`";
    let body = body.trim();
    let Some((ids, reason)) = body.strip_prefix("allow(").and_then(|rest| rest.split_once(')')) else {
        return Err((format!("`# registryctl: {body}` is not a suppression"), FORM.to_string()));
    };
    let mut rules = Vec::new();
    for id in ids.split(',').map(str::trim) {
        rules.push(allowed_rule(id)?);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        let msg = format!("`allow({ids})` gives no reason");
        return Err((msg, format!("say why the warning is accepted here, after the parenthesis: `# registryctl: allow({ids}) <reason>`")));
    }
    Ok(Allow { span: Span::default(), rules, reason: reason.to_string() })
}

/// A rule a comment may name: a known warning other than the suppression rules themselves.
fn allowed_rule(id: &str) -> Result<Rule, (String, String)> {
    let Some(rule) = Rule::from_id(id) else {
        let help = match Rule::closest(id).first() {
            Some(near) => format!("did you mean `{}`? (`registryctl explain --all` lists every rule)", near.id()),
            None => "name a warning's rule id, as printed in brackets: `registryctl explain --all` lists every rule".to_string(),
        };
        return Err((format!("no rule `{id}`"), help));
    };
    if !rule.can_warn() {
        let msg = format!("`{id}` is an error, and errors cannot be suppressed");
        return Err((msg, "fix the finding; only warnings can be accepted with a reason".to_string()));
    }
    if matches!(rule, Rule::SuppressionUnused | Rule::SuppressionInvalid) {
        return Err((format!("`{id}` cannot be suppressed"), "remove the suppression comment that accepts nothing".to_string()));
    }
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning_at(rule: Rule, line: usize) -> Diagnostic {
        let pos = Pos { offset: 0, line, column: 3 };
        Diagnostic::new(rule, FieldPath::field("x"), "w").with_span(Span::point(pos))
    }

    /// What is left (rule, line) and what was accepted (rule, reason).
    type Outcome = (Vec<(Rule, usize)>, Vec<(Rule, String)>);

    fn run(text: &str, diags: Vec<Diagnostic>) -> Outcome {
        let mut diags = diags;
        let suppressed = apply(text, &mut diags);
        (diags.iter().map(|d| (d.rule, d.line())).collect(), suppressed.into_iter().map(|s| (s.diagnostic.rule, s.reason)).collect())
    }

    #[test]
    fn a_comment_accepts_its_warning_on_its_line_or_the_next() {
        let text = "a: 1  # registryctl: allow(oauth2-no-scopes) the vendor has none\nb:\n  - 2\n";
        let (left, gone) = run(text, vec![warning_at(Rule::OauthNoScopes, 1), warning_at(Rule::OauthNoScopes, 2)]);
        assert_eq!(left, []);
        assert_eq!(gone, vec![(Rule::OauthNoScopes, "the vendor has none".to_string()); 2]);
        let (left, gone) = run(text, vec![warning_at(Rule::OauthNoScopes, 3), warning_at(Rule::NoDefaultTool, 1)]);
        assert_eq!(left, [(Rule::OauthNoScopes, 3), (Rule::NoDefaultTool, 1), (Rule::SuppressionUnused, 1)]);
        assert!(gone.is_empty());
    }

    #[test]
    fn a_block_value_is_also_on_its_key_line() {
        // The finding is at the first item (line 3); its key `tools` is on line 2.
        let text = "a: 1\ntools:\n  - x\n";
        let at_tools = |d: Diagnostic| Diagnostic { field: FieldPath::field("tools"), ..d };
        for comment_line in [0, 1] {
            let mut lines: Vec<&str> = text.lines().collect();
            let commented = format!("{}  # registryctl: allow(no-default-tool) reviewed", lines[comment_line]);
            lines[comment_line] = &commented;
            let (left, gone) = run(&(lines.join("\n") + "\n"), vec![at_tools(warning_at(Rule::NoDefaultTool, 3))]);
            assert_eq!((left.len(), gone.len()), (0, 1), "comment on line {}", comment_line + 1);
        }
    }

    #[test]
    fn a_rule_that_warns_in_some_cases_is_accepted_only_where_it_warns() {
        // credential-only-first-injected: an error for a sealed server, a warning for an entrusted one.
        let text = "a: 1  # registryctl: allow(credential-only-first-injected) the server reads both keys\n";
        let warning = Diagnostic { severity: Severity::Warning, ..warning_at(Rule::CredentialOnlyFirstInjected, 1) };
        let (left, gone) = run(text, vec![warning]);
        assert_eq!((left, gone.len()), (vec![], 1));
        let error = Diagnostic { severity: Severity::Error, ..warning_at(Rule::CredentialOnlyFirstInjected, 1) };
        let (left, gone) = run(text, vec![error]);
        assert_eq!(left, [(Rule::CredentialOnlyFirstInjected, 1), (Rule::SuppressionUnused, 1)]);
        assert!(gone.is_empty());
    }

    #[test]
    fn errors_unknown_rules_and_missing_reasons_are_errors() {
        let text = "# registryctl: allow(oauth2-no-scopes)\na: 1 # registryctl: allow(egress-host) because\nb: 2 # registryctl: allow(oauth2-no-scope) x\nc: 3 # registryctl: deny(x)\n";
        let mut diags = Vec::new();
        apply(text, &mut diags);
        let got: Vec<_> = diags.iter().map(|d| (d.rule, d.line(), d.column(), d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (Rule::SuppressionInvalid, 1, 1, "`allow(oauth2-no-scopes)` gives no reason"),
                (Rule::SuppressionInvalid, 2, 6, "`egress-host` is an error, and errors cannot be suppressed"),
                (Rule::SuppressionInvalid, 3, 6, "no rule `oauth2-no-scope`"),
                (Rule::SuppressionInvalid, 4, 6, "`# registryctl: deny(x)` is not a suppression"),
            ]
        );
        assert!(diags[2].help.contains("did you mean `oauth2-no-scopes`"), "{}", diags[2].help);
    }

    #[test]
    fn a_hash_inside_a_quoted_or_block_string_is_not_a_comment() {
        let text = "a: \"x # registryctl: allow(no-default-tool)\"\nb: |\n  # registryctl: allow(no-default-tool)\nc: d#registryctl: allow(no-default-tool)\ne: 'it''s # registryctl: x'\n";
        let mut diags = Vec::new();
        assert!(apply(text, &mut diags).is_empty());
        assert!(diags.is_empty(), "{diags:?}");
        // After the closing quote, a comment is a comment.
        let text = "a:\n  - \"*.dev\"  # registryctl: allow(egress-wildcard) no\n  - 'x\\'  # registryctl: allow(x) y\n";
        let mut diags = Vec::new();
        apply(text, &mut diags);
        let got: Vec<_> = diags.iter().map(|d| (d.line(), d.column())).collect();
        assert_eq!(got, [(2, 14), (3, 11)]);
    }

    #[test]
    fn several_rules_in_one_comment_and_unparsable_files_are_left_alone() {
        let text = "tools:  # registryctl: allow(no-default-tool, egress-duplicate) reviewed\n  - x\n";
        let (left, gone) = run(text, vec![warning_at(Rule::NoDefaultTool, 2), warning_at(Rule::EgressDuplicate, 1)]);
        assert!(left.is_empty() && gone.len() == 2);
        let broken = "a: [1\n# registryctl: allow(no-default-tool)\n";
        let (left, gone) = run(broken, vec![warning_at(Rule::NoDefaultTool, 2)]);
        assert_eq!((left, gone.len()), (vec![(Rule::NoDefaultTool, 2)], 0));
    }
}
