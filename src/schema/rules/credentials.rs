// SPDX-License-Identifier: Apache-2.0
//! Credentials: ids, types, providers, scopes, vendors, and how each is injected for its tier.
//! Injection decides where a secret goes, so headers that frame the request and environment
//! variables that change how a process runs are refused.

use std::collections::HashSet;

use super::has_control;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::closed::Tier;
use crate::schema::manifest::{Credential, Manifest};
use crate::schema::patterns::{CREDENTIAL_ID, CREDENTIAL_TYPE, ENV, HEADER, NAME};

/// Headers a credential may not be injected into: they frame the request itself.
const FORBIDDEN_HEADERS: &[&str] = &["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer"];
/// Environment variables an entrusted credential may not overwrite: they change how the process runs.
const FORBIDDEN_ENV: &[&str] =
    &["PATH", "HOME", "SHELL", "USER", "PWD", "IFS", "ENV", "BASH_ENV", "NODE_OPTIONS", "PYTHONPATH", "PYTHONSTARTUP"];

/// Every credential of a manifest.
pub fn credentials(m: &Manifest, out: &mut Vec<Diagnostic>) {
    let mut ids = HashSet::new();
    for (i, c) in m.credentials.iter().enumerate() {
        // Paths are built only when a finding needs one.
        let at = |key: &'static str| FieldPath::field("credentials").index(i).key(key);
        if c.id.is_empty() {
            out.push(Diagnostic::new(Rule::CredentialId, at("id"), "credential id is missing"));
        } else if !ids.insert(c.id.as_str()) {
            out.push(Diagnostic::new(Rule::CredentialId, at("id"), format!("credential id `{}` is used twice", c.id)));
        } else if !CREDENTIAL_ID.is_match(&c.id) {
            out.push(Diagnostic::new(Rule::CredentialId, at("id"), format!("credential id `{}` is not lowercase [a-z0-9_-]", c.id)));
        }
        identity(c, &at, out);
        match m.tier.known() {
            Some(Tier::Sealed) => inject_sealed(c, &at, out),
            Some(Tier::Entrusted) => inject_entrusted(c, &at, out),
            None => {}
        }
    }
}

/// Type, provider, scopes and vendor.
fn identity(c: &Credential, at: &dyn Fn(&'static str) -> FieldPath, out: &mut Vec<Diagnostic>) {
    if !CREDENTIAL_TYPE.is_match(c.kind.as_str()) {
        let msg = format!("credential type `{}` is not a lowercase snake_case word", c.kind.as_str());
        out.push(Diagnostic::new(Rule::CredentialType, at("type"), msg));
    }
    if !NAME.is_match(&c.provider) {
        out.push(Diagnostic::new(
            Rule::CredentialProvider,
            at("provider"),
            format!("provider `{}` is not in the name alphabet", c.provider),
        ));
    }
    for (j, s) in c.scopes.iter().enumerate() {
        if s.is_empty() || s.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            out.push(Diagnostic::new(Rule::CredentialScope, at("scopes").index(j), format!("scope `{s}` is empty or contains whitespace")));
        }
    }
    if c.kind.is_oauth2() && c.vendor.is_empty() {
        out.push(Diagnostic::new(Rule::CredentialVendor, at("vendor"), "an oauth2 credential needs a vendor (the OAuth app family)"));
    }
    if !c.vendor.is_empty() && !NAME.is_match(&c.vendor) {
        out.push(Diagnostic::new(Rule::CredentialVendor, at("vendor"), format!("vendor `{}` is not in the name alphabet", c.vendor)));
    }
    if c.kind.is_oauth2() && c.scopes.is_empty() {
        out.push(Diagnostic::new(Rule::OauthNoScopes, at("scopes"), format!("oauth2 credential `{}` lists no scopes", c.id)));
    }
}

/// Sealed: the gateway sets a header (with `{token}` in its format); the server never sees it.
fn inject_sealed(c: &Credential, at: &dyn Fn(&'static str) -> FieldPath, out: &mut Vec<Diagnostic>) {
    let inject = || at("inject");
    let (header, format) = (&c.inject.header, &c.inject.format);
    if !c.inject.env.is_empty() {
        let msg = "sealed tier: the server never sees the credential, so inject.env is not allowed";
        out.push(Diagnostic::new(Rule::CredentialInject, inject().key("env"), msg));
    }
    if header.is_empty() {
        out.push(Diagnostic::new(Rule::CredentialInject, inject(), "sealed tier: inject.header is required"));
    } else if !HEADER.is_match(header) || FORBIDDEN_HEADERS.contains(&header.to_ascii_lowercase().as_str()) {
        let msg = format!("`{header}` is not a header a credential can be injected into");
        out.push(Diagnostic::new(Rule::CredentialInject, inject().key("header"), msg));
    }
    if !format.contains("{token}") {
        let field = if format.is_empty() { inject() } else { inject().key("format") };
        out.push(Diagnostic::new(Rule::CredentialInject, field, "sealed tier: inject.format must contain {token}"));
    } else if has_control(format) {
        let msg = "inject.format may not contain control characters (header injection)";
        out.push(Diagnostic::new(Rule::CredentialInject, inject().key("format"), msg));
    }
}

/// Entrusted: the server reads the credential from one UPPER_SNAKE environment variable.
fn inject_entrusted(c: &Credential, at: &dyn Fn(&'static str) -> FieldPath, out: &mut Vec<Diagnostic>) {
    let env = &c.inject.env;
    if !c.inject.header.is_empty() || !c.inject.format.is_empty() {
        out.push(Diagnostic::new(Rule::CredentialInject, at("inject"), "entrusted tier: only inject.env is allowed"));
    }
    if env.is_empty() {
        out.push(Diagnostic::new(Rule::CredentialInject, at("inject"), "entrusted tier: inject.env is required"));
    } else if !ENV.is_match(env) || FORBIDDEN_ENV.contains(&env.as_str()) || env.starts_with("LD_") {
        let msg = format!("`{env}` is not an UPPER_SNAKE variable a credential may set");
        out.push(Diagnostic::new(Rule::CredentialInject, at("inject").key("env"), msg));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::closed::CredentialType;
    use crate::schema::manifest::Inject;

    fn credential(kind: &str, inject: Inject) -> Credential {
        Credential {
            id: "k".into(),
            kind: CredentialType::from(kind),
            provider: "acme".into(),
            scopes: vec![],
            inject,
            vendor: String::new(),
        }
    }

    fn rules(c: &Credential, sealed: bool) -> Vec<(Rule, String)> {
        let mut out = Vec::new();
        let at = |key: &'static str| FieldPath::field("credentials").index(0).key(key);
        identity(c, &at, &mut out);
        if sealed {
            inject_sealed(c, &at, &mut out);
        } else {
            inject_entrusted(c, &at, &mut out);
        }
        out.into_iter().map(|d| (d.rule, d.field.to_string())).collect()
    }

    #[test]
    fn oauth2_needs_a_vendor_and_should_list_scopes() {
        let c = credential("oauth2", Inject { header: "Authorization".into(), format: "Bearer {token}".into(), env: String::new() });
        let got = rules(&c, true);
        assert_eq!(got, [(Rule::CredentialVendor, "credentials[0].vendor".into()), (Rule::OauthNoScopes, "credentials[0].scopes".into())]);
    }

    #[test]
    fn injection_fits_the_tier() {
        let framing = credential("api_key", Inject { header: "Host".into(), format: "{token}".into(), env: String::new() });
        assert_eq!(rules(&framing, true), [(Rule::CredentialInject, "credentials[0].inject.header".into())]);
        let hijack = credential("api_key", Inject { env: "LD_PRELOAD".into(), ..Inject::default() });
        assert_eq!(rules(&hijack, false), [(Rule::CredentialInject, "credentials[0].inject.env".into())]);
        let ok = credential("api_key", Inject { env: "ACME_KEY".into(), ..Inject::default() });
        assert!(rules(&ok, false).is_empty());
    }
}
