// SPDX-License-Identifier: Apache-2.0
//! Egress allowlist entries: host syntax, wildcards, public suffixes, reserved names, denylist.
//!
//! An egress entry decides where a sealed server's credential may be sent, so every check here
//! errs toward rejecting: a name that a resolver could read as an IP address, a wildcard over a
//! public suffix, a name outside public DNS, or a host of a wildcard-DNS, rebinding or internal
//! namespace. The policy side (which entries need an exception, which reach the denylist) is
//! [`super::policy::apply`].
//!
//! Two readings of a wildcard live here. [`allows`] is the gateway's: `*.acme.com` reaches
//! exactly one more label (`api.acme.com`), as the proxy matches it; pairing uses it, so what
//! lints clean also works. [`within`] is any depth: the security rules (denylist and
//! public-suffix coverage) use it, so they stay safe if the proxy's matching ever widens.

use std::collections::HashSet;

use crate::catalog::name_list;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::closed::Tier;
use crate::schema::public_suffix;
use crate::schema::Manifest;

/// Hosts whose DNS answers any name with any address (`10.0.0.1.nip.io`), or answers one name
/// with a public address and then an internal one (DNS-rebinding services: `rbndr.us`,
/// `rebind.it`, `1u.ms`), so a name under them can point a credential anywhere, including at
/// internal services.
pub const WILDCARD_DNS_SERVICES: &[&str] = &[
    "nip.io",
    "sslip.io",
    "xip.io",
    "nip.direct",
    "localtest.me",
    "lvh.me",
    "vcap.me",
    "traefik.me",
    "fuf.me",
    "1u.ms",
    "backname.io",
    "lacolhost.com",
    "localhost.direct",
    "local.gd",
    "xip.name",
    "localho.st",
    "smackaho.st",
    // DNS rebinding: a name answers with one address, then another (taviso's rbndr, NCC
    // Group's Singularity, whonow, 1u.ms's make-…-rebind names).
    "rbndr.us",
    "lock.cmpxchg8b.com",
    "rebind.it",
    "rebind.network",
];

/// Names that are internal, link-local or reserved and never a public API (RFC 2606, 6761, 6762,
/// 8375, 9476, and names ICANN advises against).
pub const RESERVED_NAMES: &[&str] = &[
    "localhost",
    "local",
    "internal",
    "localdomain",
    "home.arpa",
    "test",
    "invalid",
    "example",
    "onion",
    "alt",
    "lan",
    "intranet",
    "corp",
    "home",
    "private",
    "in-addr.arpa",
    "ip6.arpa",
    "metadata.google.internal",
];

/// What an entry is, once it has passed the syntax checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry<'a> {
    /// An exact host.
    Host(&'a str),
    /// `*.suffix`: matches true subdomains of `suffix` only.
    Wildcard(&'a str),
}

impl<'a> Entry<'a> {
    /// The host, or the suffix of a wildcard.
    pub fn base(self) -> &'a str {
        match self {
            Entry::Host(h) | Entry::Wildcard(h) => h,
        }
    }
}

/// Checks one label: `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, at most 63 characters.
fn label_ok(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Checks a host name as the gateway's egress rule and the stricter fully-qualified rule require.
/// Returns the reason it is rejected.
pub fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the entry is empty".into());
    }
    if host.contains("://") {
        return Err("a scheme is not allowed: write the host only".into());
    }
    if host.contains(':') || host.contains('/') || host.contains('?') || host.contains('@') {
        return Err("ports, paths, queries, userinfo and IPv6 literals are not allowed: write the host only".into());
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("host names are written in lowercase".into());
    }
    if host.len() > 253 {
        return Err(format!("the name is {} characters; at most 253 are allowed", host.len()));
    }
    let labels: Vec<&str> = host.split('.').collect();
    if let Some(bad) = labels.iter().find(|l| !label_ok(l)) {
        return Err(if bad.len() > 63 {
            format!("label `{}…` is longer than 63 characters", bad.chars().take(20).collect::<String>())
        } else {
            format!("label `{bad}` must be lowercase letters, digits and inner hyphens")
        });
    }
    if labels.len() < 2 {
        return Err("a fully qualified name has at least two labels".into());
    }
    let last = labels[labels.len() - 1];
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a name whose last label is all digits is read as an IP address by resolvers".into());
    }
    if let Some(hex) = last.strip_prefix("0x") {
        if hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("a last label in hex form (0x…) is read as an IP address by resolvers".into());
        }
    }
    Ok(())
}

/// Checks an egress entry's syntax: a host, or `*.` and a suffix of at least two labels.
pub fn parse_entry(entry: &str) -> Result<Entry<'_>, (Rule, String)> {
    if let Some(suffix) = entry.strip_prefix("*.") {
        if suffix.contains('*') {
            return Err((Rule::EgressWildcard, "only one leading `*.` is allowed".into()));
        }
        if suffix.split('.').count() < 2 {
            return Err((Rule::EgressWildcard, format!("`{entry}` is too broad: the suffix after `*.` needs at least two labels")));
        }
        check_host(suffix).map_err(|e| (Rule::EgressHost, e))?;
        return Ok(Entry::Wildcard(suffix));
    }
    if entry.contains('*') {
        return Err((Rule::EgressWildcard, "a wildcard is only allowed as a leading `*.`".into()));
    }
    check_host(entry).map_err(|e| (Rule::EgressHost, e))?;
    Ok(Entry::Host(entry))
}

/// Whether the gateway lets requests to `host` through `entry`, as its proxy decides
/// (gigmcp/gigmcp `internal/proxy/proxy.go`, `HostAllowed`): an exact entry matches the same
/// name in any case; `*.suffix` matches exactly one more label (`a.suffix`), never the suffix
/// itself nor `a.b.suffix`; a trailing dot is never normalised. Pairing uses this reading; the
/// security rules use [`within`].
pub fn allows(entry: &str, host: &str) -> bool {
    if entry.eq_ignore_ascii_case(host) {
        return true;
    }
    let Some(suffix) = entry.strip_prefix("*.") else { return false };
    let (host, suffix) = (host.to_ascii_lowercase(), suffix.to_ascii_lowercase());
    host.strip_suffix(suffix.as_str()).and_then(|h| h.strip_suffix('.')).is_some_and(|label| !label.is_empty() && !label.contains('.'))
}

/// Whether `name` equals `base` or is a subdomain of it.
pub fn within(name: &str, base: &str) -> bool {
    name == base || name.len() > base.len() && name.ends_with(base) && name.as_bytes()[name.len() - base.len() - 1] == b'.'
}

/// Whether a name is itself a public suffix (ICANN or private section).
pub fn is_public_suffix(suffix: &str) -> bool {
    public_suffix::builtin().is_public_suffix(suffix)
}

/// Why a host (an egress entry's host or wildcard suffix, a base URL's host) is not a name of
/// public DNS: it ends in no suffix of the public-suffix list's ICANN section.
pub fn not_public_dns(host: &str) -> Option<String> {
    if public_suffix::builtin().ends_in_icann_suffix(host) {
        return None;
    }
    let tld = host.rsplit('.').next().unwrap_or(host);
    Some(format!(
        "`{host}` does not end in a public top-level domain (`{tld}` is not in the public-suffix list's ICANN section): \
         only a cluster's or a company's own DNS answers such a name (Kubernetes service names, Consul, corporate TLDs), \
         and there it reaches internal services"
    ))
}

/// The public suffixes (either section) at or below a wildcard's suffix, the suffix itself
/// first when it is one; empty when there are none. A wildcard over any of them reaches hosts
/// strangers can register.
pub fn suffixes_covered(suffix: &str) -> Vec<String> {
    let list = public_suffix::builtin();
    if !list.has_suffix_at_or_below(suffix) {
        return Vec::new();
    }
    list.suffixes_at_or_below(suffix)
}

/// The built-in reserved or wildcard-DNS name an entry falls under, if any.
pub fn reserved(entry: Entry<'_>) -> Option<&'static str> {
    let base = entry.base();
    RESERVED_NAMES.iter().chain(WILDCARD_DNS_SERVICES).copied().find(|r| within(base, r))
}

/// A parsed denylist: lowercase domains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Denylist {
    domains: HashSet<String>,
}

impl Denylist {
    /// Reads the denylist format: one domain a line, `#` comments and blank lines ignored; a
    /// leading `*.` is dropped (a domain covers its subdomains anyway).
    pub fn parse(text: &str) -> Denylist {
        Denylist { domains: name_list(text).map(|l| l.trim_start_matches("*.").to_ascii_lowercase()).filter(|l| !l.is_empty()).collect() }
    }

    /// How many domains it lists.
    pub fn len(&self) -> usize {
        self.domains.len()
    }

    /// Whether it lists none.
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// The denylisted domain an entry reaches: the entry's host (or wildcard suffix) equals or is
    /// under a denylisted domain, or a wildcard covers a denylisted name.
    pub fn hit(&self, entry: Entry<'_>) -> Option<&str> {
        let base = entry.base().to_ascii_lowercase();
        let mut rest = base.as_str();
        loop {
            if let Some(d) = self.domains.get(rest) {
                return Some(d);
            }
            match rest.split_once('.') {
                Some((_, parent)) => rest = parent,
                None => break,
            }
        }
        if let Entry::Wildcard(_) = entry {
            let mut covered: Vec<&String> = self.domains.iter().filter(|d| within(d, &base)).collect();
            covered.sort();
            return covered.first().map(|d| d.as_str());
        }
        None
    }
}

/// The path of one egress entry.
pub fn entry_path(i: usize) -> FieldPath {
    FieldPath::field("entitlements").key("egress").index(i)
}

/// Each egress entry's syntax, duplicates, and a sealed server with credentials but no egress.
pub fn manifest_entries(m: &Manifest, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (i, entry) in m.entitlements.egress.iter().enumerate() {
        match parse_entry(entry) {
            Err((rule, why)) => out.push(Diagnostic::new(rule, entry_path(i), format!("egress entry `{entry}`: {why}"))),
            Ok(_) if !seen.insert(entry.as_str()) => {
                out.push(Diagnostic::new(Rule::EgressDuplicate, entry_path(i), format!("egress entry `{entry}` is listed twice")))
            }
            Ok(_) => {}
        }
    }
    if m.tier.is(Tier::Sealed) && !m.credentials.is_empty() && m.entitlements.egress.is_empty() {
        out.push(Diagnostic::new(
            Rule::EgressMissing,
            FieldPath::field("entitlements").key("egress"),
            "a sealed server with credentials needs at least one egress host to inject them for",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hosts_and_wildcards() {
        assert_eq!(parse_entry("api.acme.com"), Ok(Entry::Host("api.acme.com")));
        assert_eq!(parse_entry("*.api.acme.com"), Ok(Entry::Wildcard("api.acme.com")));
        assert_eq!(parse_entry("a-1.b2.io"), Ok(Entry::Host("a-1.b2.io")));
    }

    #[test]
    fn rejects_malformed_hosts() {
        for bad in [
            "",
            "API.acme.com",
            "api.acme.com:443",
            "https://api.acme.com",
            "api.acme.com/v1",
            "localhost",
            "127.0.0.1",
            "127.1",
            "2130706433",
            "0x7f.1",
            "1.0x7f",
            "-a.com",
            "a-.com",
            "a..com",
            "a_b.com",
            "[::1]",
            "a.com.",
        ] {
            assert!(parse_entry(bad).is_err(), "{bad} should be rejected");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(parse_entry(&long_label).is_err());
        // Found by fuzzing: the message quotes the label's start, by characters, not bytes.
        let multibyte = format!("{}é{}.com", "a".repeat(19), "a".repeat(50));
        assert!(parse_entry(&multibyte).is_err());
        let long_name = format!("{}com", "abcdefghi.".repeat(26));
        assert!(long_name.len() > 253 && parse_entry(&long_name).is_err());
        assert!(parse_entry(&format!("{}.com", "a".repeat(63))).is_ok());
    }

    #[test]
    fn rejects_bad_wildcards() {
        for bad in ["*.com", "*", "*.*.acme.com", "api.*.acme.com", "*acme.com", "**.acme.com"] {
            assert!(parse_entry(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_entry("*.com").unwrap_err().0, Rule::EgressWildcard);
    }

    #[test]
    fn the_gateway_reading_matches_one_label_and_any_case() {
        // The cases of gigmcp/gigmcp internal/proxy/hostmatch_test.go, TestHostAllowed.
        assert!(allows("*.github.com", "api.github.com"));
        assert!(allows("*.github.com", "API.GitHub.com"));
        assert!(!allows("*.github.com", "a.b.github.com"));
        assert!(!allows("*.github.com", "evil.com.github.com"));
        assert!(!allows("*.github.com", "github.com"));
        assert!(!allows("*.github.com", "notgithub.com"));
        assert!(allows("github.com", "github.com"));
        assert!(allows("github.com", "GitHub.COM"));
        assert!(!allows("github.com", "api.github.com"));
        // A trailing dot is never normalised, on either side.
        assert!(!allows("github.com", "github.com."));
        assert!(!allows("*.github.com", "api.github.com."));
        assert!(!allows("*.github.com", ".github.com"));
    }

    #[test]
    fn the_security_reading_is_any_depth() {
        assert!(within("a.b.acme.com", "acme.com") && within("acme.com", "acme.com"));
        assert!(!within("evilacme.com", "acme.com"));
    }

    #[test]
    fn names_outside_public_dns() {
        for internal in ["kubernetes.default.svc", "x.consul", "vault.service.consul", "db.corp", "a.cluster.local"] {
            let why = not_public_dns(internal).unwrap_or_else(|| panic!("{internal} accepted"));
            assert!(why.contains("ICANN"), "{why}");
        }
        assert_eq!(not_public_dns("api.acme.com"), None);
        assert_eq!(not_public_dns("api.acme.co.uk"), None);
    }

    #[test]
    fn wildcards_over_public_suffixes_below_them() {
        let covered = suffixes_covered("amazonaws.com");
        assert!(covered.iter().any(|s| s == "s3.amazonaws.com"), "{covered:?}");
        assert_eq!(suffixes_covered("myshopify.com").first().map(String::as_str), Some("myshopify.com"));
        assert!(suffixes_covered("acme.com").is_empty());
        assert!(suffixes_covered("uploads.acme.com").is_empty());
    }

    #[test]
    fn public_suffixes_from_both_sections() {
        for ps in ["co.uk", "github.io", "myshopify.com", "herokuapp.com"] {
            assert!(is_public_suffix(ps), "{ps}");
        }
        for not in ["acme.com", "api.acme.co.uk", "uploads.beta.example.com"] {
            assert!(!is_public_suffix(not), "{not}");
        }
    }

    #[test]
    fn reserved_names_and_wildcard_dns() {
        assert_eq!(reserved(Entry::Host("10.0.0.1.nip.io")), Some("nip.io"));
        assert_eq!(reserved(Entry::Wildcard("sslip.io")), Some("sslip.io"));
        assert_eq!(reserved(Entry::Host("printer.local")), Some("local"));
        assert_eq!(reserved(Entry::Host("metadata.google.internal")), Some("internal"));
        assert_eq!(reserved(Entry::Host("api.acme.com")), None);
        assert_eq!(reserved(Entry::Host("notlocal.com")), None);
        for rebinding in ["7f000001.c0a80001.rbndr.us", "a.rebind.it", "x.rebind.network", "make-1-2-3-4-rebind-127-0-0-1-rr.1u.ms"] {
            assert!(reserved(Entry::Host(rebinding)).is_some(), "{rebinding}");
        }
    }

    #[test]
    fn denylist_matches_hosts_under_and_wildcards_over() {
        let d = Denylist::parse("# capture\nwebhook.site\n\nleak.example.com  # trailing\n");
        assert_eq!(d.len(), 2);
        assert_eq!(d.hit(Entry::Host("webhook.site")), Some("webhook.site"));
        assert_eq!(d.hit(Entry::Host("x.webhook.site")), Some("webhook.site"));
        assert_eq!(d.hit(Entry::Wildcard("example.com")), Some("leak.example.com"));
        assert_eq!(d.hit(Entry::Host("example.com")), None);
        assert_eq!(d.hit(Entry::Host("site.com")), None);
    }
}
