// SPDX-License-Identifier: Apache-2.0
//! Registry policy beyond the schema: the denylist, built-in reserved names, public-suffix
//! wildcards, and the reviewed exceptions file (`policy/exceptions.yaml`).

use super::egress::{self, entry_path, Denylist, Entry};
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::patterns::DATE;
use crate::schema::read::Reader;
use crate::schema::Manifest;
use crate::yaml;

/// One reviewed exception: this server may keep this exact egress entry until `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The server's name.
    pub server: String,
    /// The exact egress entry.
    pub egress: String,
    /// Why it was granted.
    pub reason: String,
    /// YYYY-MM-DD, inclusive.
    pub expires: String,
}

/// Everything the policy checks need; built once per run.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Exfiltration and internal domains no egress may reach.
    pub denylist: Denylist,
    /// Reviewed exceptions to the public-suffix rule.
    pub exceptions: Vec<Exception>,
    /// Today's date as YYYY-MM-DD, for expiry.
    pub today: String,
}

/// Reads `policy/exceptions.yaml`: `exceptions: [{server, egress, reason, expires}]`.
/// Findings carry spans; the caller names the file.
pub fn parse_exceptions(text: &str, today: &str) -> (Vec<Exception>, Vec<Diagnostic>) {
    let mut parse_findings = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut parse_findings) else { return (Vec::new(), parse_findings) };
    let mut r = Reader::new(parse_findings);
    let mut exceptions = Vec::new();
    if let Some(mut f) = r.fields(&mut root, FieldPath::root()) {
        exceptions = r.opt_list(&mut f, "exceptions", |r, n, p| {
            let mut e = r.fields(n, p)?;
            let v = Exception {
                server: r.opt_string(&mut e, "server"),
                egress: r.opt_string(&mut e, "egress"),
                reason: r.opt_string(&mut e, "reason"),
                expires: r.opt_string(&mut e, "expires"),
            };
            r.reject_unknown(e);
            Some(v)
        });
        r.reject_unknown(f);
    }
    let mut diags = r.with_rule_findings(exception_rules(&exceptions, today));
    root.locate_all(&mut diags);
    (exceptions, diags)
}

/// Each exception is complete, dated, and not expired.
fn exception_rules(exceptions: &[Exception], today: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, e) in exceptions.iter().enumerate() {
        let at = |key: &'static str| FieldPath::field("exceptions").index(i).key(key);
        for (field, value) in [("server", &e.server), ("egress", &e.egress), ("reason", &e.reason)] {
            if value.trim().is_empty() {
                out.push(Diagnostic::new(Rule::PolicyException, at(field), format!("exception needs `{field}`")));
            }
        }
        if !DATE.is_match(&e.expires) {
            out.push(Diagnostic::new(Rule::PolicyException, at("expires"), format!("expires `{}` is not a YYYY-MM-DD date", e.expires)));
        } else if e.expires.as_str() < today {
            let msg = format!("the exception for {} `{}` expired on {}", e.server, e.egress, e.expires);
            out.push(Diagnostic::new(Rule::PolicyExceptionExpired, at("expires"), msg));
        }
    }
    out
}

/// The finding for an exception no manifest needed.
pub fn unused_exception(i: usize, e: &Exception) -> Diagnostic {
    Diagnostic::new(
        Rule::PolicyExceptionUnused,
        FieldPath::field("exceptions").index(i),
        format!("no manifest of `{}` needs the exception for `{}`", e.server, e.egress),
    )
}

/// Applies policy to a manifest's egress entries. Returns the findings and the indexes of the
/// exceptions that were needed.
pub fn apply(m: &Manifest, policy: &Policy) -> (Vec<Diagnostic>, Vec<usize>) {
    let mut out = Vec::new();
    let mut used = Vec::new();
    for (i, entry) in m.entitlements.egress.iter().enumerate() {
        let Ok(parsed) = egress::parse_entry(entry) else { continue };
        if let Some(name) = egress::reserved(parsed) {
            let msg = format!(
                "`{entry}` falls under `{name}`, a wildcard-DNS or DNS-rebinding service or an internal, link-local or reserved name"
            );
            out.push(Diagnostic::new(Rule::EgressReserved, entry_path(i), msg));
            continue;
        }
        if let Some(why) = egress::not_public_dns(parsed.base()) {
            out.push(Diagnostic::new(Rule::EgressInternalName, entry_path(i), format!("egress entry {why}")));
            continue;
        }
        if let Some(hit) = policy.denylist.hit(parsed) {
            let msg = format!("`{entry}` reaches `{hit}`, which is on the exfiltration denylist");
            out.push(Diagnostic::new(Rule::EgressDenylisted, entry_path(i), msg));
            continue;
        }
        let Entry::Wildcard(suffix) = parsed else { continue };
        let covered = egress::suffixes_covered(suffix);
        if covered.is_empty() {
            continue;
        }
        match policy.exceptions.iter().position(|e| e.server == m.name && e.egress == *entry) {
            Some(x) => used.push(x),
            None => out.push(Diagnostic::new(Rule::EgressPublicSuffix, entry_path(i), public_suffix_message(entry, suffix, &covered))),
        }
    }
    (out, used)
}

/// Why a wildcard over public suffixes is refused, naming a few of them.
fn public_suffix_message(entry: &str, suffix: &str, covered: &[String]) -> String {
    if covered[0] == suffix {
        return format!("`{entry}`: `{suffix}` is a public suffix, so anyone can register a host under it and receive the credential");
    }
    let shown: Vec<&str> = covered.iter().take(3).map(String::as_str).collect();
    let more = if covered.len() > shown.len() { format!(", … {} in all", covered.len()) } else { String::new() };
    format!(
        "`{entry}` reaches public suffixes below `{suffix}` ({}{more}): anyone who registers a host under one of them receives the credential",
        shown.join(", ")
    )
}

/// Today's date (UTC) as YYYY-MM-DD. A clock outside the years RFC 3339 writes (before 1970,
/// after 9999) reads as the nearest day it can write, rather than failing every run.
pub fn today() -> String {
    let now = std::time::SystemTime::now();
    let before_1970 = now < std::time::UNIX_EPOCH;
    match crate::trust::rfc3339(now) {
        Some(t) => t[..10].to_string(),
        None if before_1970 => "1970-01-01".to_string(),
        None => "9999-12-31".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::closed::Tier;
    use crate::schema::manifest::{Entitlements, Image, Source};

    fn manifest(egress: &[&str]) -> Manifest {
        Manifest {
            schema_version: 1,
            name: "shop".into(),
            version: "0.1.0".into(),
            source: Source { repo: "github.com/a/b".into(), tag: "v1".into(), package: String::new() },
            image: Image { reference: "ghcr.io/a/b".into(), digest: String::new(), entrypoint: "/app/server".into(), builder: None },
            tier: Tier::Sealed.into(),
            entitlements: Entitlements { egress: egress.iter().map(|s| s.to_string()).collect() },
            credentials: vec![],
            tools: vec![],
            display_name: String::new(),
            description: String::new(),
            category: None,
            icon: String::new(),
        }
    }

    fn rules(m: &Manifest, p: &Policy) -> Vec<Rule> {
        apply(m, p).0.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn public_suffix_wildcard_needs_an_exception() {
        let mut p = Policy::default();
        let m = manifest(&["*.myshopify.com", "*.api.acme.com"]);
        assert_eq!(rules(&m, &p), vec![Rule::EgressPublicSuffix]);
        p.exceptions.push(Exception {
            server: "shop".into(),
            egress: "*.myshopify.com".into(),
            reason: "r".into(),
            expires: "2099-01-01".into(),
        });
        assert_eq!(apply(&m, &p), (vec![], vec![0]));
        p.exceptions[0].server = "other".into();
        assert_eq!(rules(&m, &p), vec![Rule::EgressPublicSuffix]);
    }

    #[test]
    fn reserved_and_denylisted_without_a_file() {
        let p = Policy { denylist: Denylist::parse("webhook.site\n"), ..Policy::default() };
        let m = manifest(&["a.nip.io", "x.webhook.site", "printer.local", "api.acme.com", "x.rbndr.us"]);
        assert_eq!(rules(&m, &p), vec![Rule::EgressReserved, Rule::EgressDenylisted, Rule::EgressReserved, Rule::EgressReserved]);
    }

    #[test]
    fn names_only_an_inside_resolver_answers() {
        let m = manifest(&["kubernetes.default.svc", "*.service.consul", "api.acme.com", "git.corp"]);
        let (found, _) = apply(&m, &Policy::default());
        let got: Vec<_> = found.iter().map(|d| (d.rule, d.field.to_string())).collect();
        assert_eq!(
            got,
            vec![
                (Rule::EgressInternalName, "entitlements.egress[0]".to_string()),
                (Rule::EgressInternalName, "entitlements.egress[1]".to_string()),
                (Rule::EgressReserved, "entitlements.egress[3]".to_string()),
            ]
        );
        assert!(found[0].message.contains("`svc` is not in the public-suffix list's ICANN section"), "{}", found[0].message);
    }

    #[test]
    fn a_wildcard_over_public_suffixes_below_it() {
        let m = manifest(&["*.amazonaws.com", "*.uploads.acme.com"]);
        let (found, _) = apply(&m, &Policy::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::EgressPublicSuffix);
        assert!(found[0].message.contains("public suffixes below `amazonaws.com`"), "{}", found[0].message);
        let p = Policy {
            exceptions: vec![Exception {
                server: "shop".into(),
                egress: "*.amazonaws.com".into(),
                reason: "r".into(),
                expires: "2099-01-01".into(),
            }],
            ..Policy::default()
        };
        assert_eq!(apply(&m, &p), (vec![], vec![0]));
    }

    #[test]
    fn exceptions_file_expiry_and_shape() {
        let text = "exceptions:\n  - server: shop\n    egress: \"*.myshopify.com\"\n    reason: per-shop host\n    expires: 2020-01-01\n  - server: x\n    egress: y\n    reason: \"\"\n    expires: soon\n";
        let (ex, diags) = parse_exceptions(text, "2026-11-26");
        assert_eq!(ex.len(), 2);
        let got: Vec<_> = diags.iter().map(|d| (d.rule, d.field.to_string())).collect();
        assert_eq!(
            got,
            vec![
                (Rule::PolicyExceptionExpired, "exceptions[0].expires".to_string()),
                (Rule::PolicyException, "exceptions[1].reason".to_string()),
                (Rule::PolicyException, "exceptions[1].expires".to_string()),
            ]
        );
        assert_eq!(diags[0].span.unwrap().start.line, 5);
        let (_, ok) = parse_exceptions("exceptions:\n  - {server: s, egress: e, reason: r, expires: 2030-02-03}\n", "2026-11-26");
        assert!(ok.is_empty());
    }
}
