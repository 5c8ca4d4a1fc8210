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
            let msg = format!("`{entry}` falls under `{name}`, a wildcard-DNS service or an internal, link-local or reserved name");
            out.push(Diagnostic::new(Rule::EgressReserved, entry_path(i), msg));
            continue;
        }
        if let Some(hit) = policy.denylist.hit(parsed) {
            let msg = format!("`{entry}` reaches `{hit}`, which is on the exfiltration denylist");
            out.push(Diagnostic::new(Rule::EgressDenylisted, entry_path(i), msg));
            continue;
        }
        let Entry::Wildcard(suffix) = parsed else { continue };
        if !egress::is_public_suffix(suffix) {
            continue;
        }
        match policy.exceptions.iter().position(|e| e.server == m.name && e.egress == *entry) {
            Some(x) => used.push(x),
            None => {
                let msg =
                    format!("`{entry}`: `{suffix}` is a public suffix, so anyone can register a host under it and receive the credential");
                out.push(Diagnostic::new(Rule::EgressPublicSuffix, entry_path(i), msg));
            }
        }
    }
    (out, used)
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
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
        let m = manifest(&["a.nip.io", "x.webhook.site", "printer.local", "api.acme.com"]);
        assert_eq!(rules(&m, &p), vec![Rule::EgressReserved, Rule::EgressDenylisted, Rule::EgressReserved]);
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
