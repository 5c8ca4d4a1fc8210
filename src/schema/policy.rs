//! Registry policy beyond the schema: the denylist, built-in reserved names, public-suffix
//! wildcards, and the reviewed exceptions file (`policy/exceptions.yaml`).

use std::sync::LazyLock;

use regex::Regex;

use super::diag::{Diagnostic, Rule};
use super::egress::{self, Denylist, Entry};
use super::manifest::Manifest;
use super::read::{index, join, Path, Reader};
use super::yaml;

static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$").expect("valid regex"));

/// One reviewed exception: this server may keep this exact egress entry until `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub server: String,
    pub egress: String,
    pub reason: String,
    /// YYYY-MM-DD, inclusive.
    pub expires: String,
}

/// Everything the policy checks need; built once per run.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub denylist: Denylist,
    pub exceptions: Vec<Exception>,
    /// Today's date as YYYY-MM-DD, for expiry.
    pub today: String,
}

/// Reads `policy/exceptions.yaml`: `exceptions: [{server, egress, reason, expires}]`.
/// Diagnostics carry spans; the caller sets the file.
pub fn parse_exceptions(text: &str, today: &str) -> (Vec<Exception>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut diags) else { return (Vec::new(), diags) };
    let mut r = Reader::default();
    let mut out = Vec::new();
    let top = Path::Root;
    if let Some(mut f) = r.fields(&mut root, top) {
        if let Some(list) = f.get("exceptions") {
            out = r.list(list, top.key("exceptions"), |r, n, p| {
                let mut e = r.fields(n, p)?;
                let v = Exception {
                    server: r.opt_string(&mut e, "server"),
                    egress: r.opt_string(&mut e, "egress"),
                    reason: r.opt_string(&mut e, "reason"),
                    expires: r.opt_string(&mut e, "expires"),
                };
                r.finish(e, &["server", "egress", "reason", "expires"]);
                Some(v)
            });
        }
        r.finish(f, &["exceptions"]);
    }
    let mut rules = Vec::new();
    for (i, e) in out.iter().enumerate() {
        let p = index("exceptions", i);
        for (field, value) in [("server", &e.server), ("egress", &e.egress), ("reason", &e.reason)] {
            if value.trim().is_empty() {
                rules.push(Diagnostic::new(Rule::PolicyException, join(&p, field), format!("exception needs `{field}`")));
            }
        }
        if !DATE.is_match(&e.expires) {
            rules.push(Diagnostic::new(
                Rule::PolicyException,
                join(&p, "expires"),
                format!("expires `{}` is not a YYYY-MM-DD date", e.expires),
            ));
        } else if e.expires.as_str() < today {
            rules.push(Diagnostic::new(
                Rule::PolicyExceptionExpired,
                join(&p, "expires"),
                format!("the exception for {} `{}` expired on {}", e.server, e.egress, e.expires),
            ));
        }
    }
    diags.extend(r.merge(rules));
    super::read::locate(Some(&root), &mut diags);
    (out, diags)
}

/// Applies policy to a manifest's egress entries. Returns the findings and the indexes of the
/// exceptions that were needed.
pub fn check(m: &Manifest, policy: &Policy) -> (Vec<Diagnostic>, Vec<usize>) {
    let mut out = Vec::new();
    let mut used = Vec::new();
    for (i, entry) in m.entitlements.egress.iter().enumerate() {
        let Ok(parsed) = egress::parse_entry(entry) else { continue };
        let field = index("entitlements.egress", i);
        if let Some(name) = egress::reserved(parsed) {
            out.push(Diagnostic::new(
                Rule::EgressReserved,
                field,
                format!("`{entry}` falls under `{name}`, a wildcard-DNS service or an internal, link-local or reserved name"),
            ));
            continue;
        }
        if let Some(hit) = policy.denylist.hit(parsed) {
            out.push(Diagnostic::new(
                Rule::EgressDenylisted,
                field,
                format!("`{entry}` reaches `{hit}`, which is on the exfiltration denylist"),
            ));
            continue;
        }
        if let Entry::Wildcard(suffix) = parsed {
            if egress::is_public_suffix(suffix) {
                match policy.exceptions.iter().position(|e| e.server == m.name && e.egress == *entry) {
                    Some(x) => used.push(x),
                    None => out.push(Diagnostic::new(
                        Rule::EgressPublicSuffix,
                        field,
                        format!(
                            "`{entry}`: `{suffix}` is a public suffix, so anyone can register a host under it and receive the credential"
                        ),
                    )),
                }
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
    use crate::schema::manifest::{Entitlements, Image, Source};

    fn manifest(egress: &[&str]) -> Manifest {
        Manifest {
            schema_version: 1,
            name: "shop".into(),
            version: "0.1.0".into(),
            source: Source { repo: "github.com/a/b".into(), tag: "v1".into(), package: String::new() },
            image: Image {
                reference: "ghcr.io/a/b".into(),
                digest: String::new(),
                entrypoint: "/app/server".into(),
                builder: String::new(),
            },
            tier: "sealed".into(),
            entitlements: Entitlements { egress: egress.iter().map(|s| s.to_string()).collect() },
            credentials: vec![],
            tools: vec![],
            display_name: String::new(),
            description: String::new(),
            category: String::new(),
            icon: String::new(),
        }
    }

    fn rules(m: &Manifest, p: &Policy) -> Vec<Rule> {
        check(m, p).0.iter().map(|d| d.rule).collect()
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
        assert_eq!(check(&m, &p), (vec![], vec![0]));
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
        let got: Vec<_> = diags.iter().map(|d| (d.rule, d.field.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Rule::PolicyExceptionExpired, "exceptions[0].expires"),
                (Rule::PolicyException, "exceptions[1].reason"),
                (Rule::PolicyException, "exceptions[1].expires"),
            ]
        );
        assert_eq!(diags[0].span.unwrap().start.line, 5);
        let (_, ok) = parse_exceptions("exceptions:\n  - {server: s, egress: e, reason: r, expires: 2030-02-03}\n", "2026-11-26");
        assert!(ok.is_empty());
    }
}
