// SPDX-License-Identifier: Apache-2.0
//! Credentials: ids, types, providers, scopes, vendors, and how each is injected for its tier.
//! Injection decides where a secret goes, so headers that frame, route or address a hop rather
//! than the service, and environment variables that change how a process runs, are refused.
//! The one header rule ([`check_header`]) also holds a toolspec's `auth.header` and its header
//! parameters.

use std::collections::HashSet;

use super::has_control;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::field::FieldPath;
use crate::schema::closed::{ParamIn, Tier};
use crate::schema::manifest::{Credential, Manifest};
use crate::schema::patterns::{CREDENTIAL_ID, CREDENTIAL_TYPE, ENV, HEADER, NAME};
use crate::schema::Toolspec;

// Header names are compared as `header_key` writes them: lowercase, `_` read as `-`. Each list
// is a family of headers a hop (proxy, load balancer, CDN, framework) reads, sets or strips,
// by exact name or by prefix; a new member of a family is refused without being listed.

/// Headers that frame the message or the connection: a hop consumes, rewrites or strips them.
const FRAMING: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "expect",
    "http2-settings",
    "cdn-loop",
];
/// Headers that address a proxy (`Proxy` itself is the httpoxy variable `HTTP_PROXY` to CGI).
const PROXY: &[&str] = &["proxy"];
const PROXY_PREFIXES: &[&str] = &["proxy-", "x-proxy-", "x-proxyuser-"];
/// Headers an authenticating proxy sets to tell the service behind it who the client is.
const IDENTITY: &[&str] = &[
    "remote-user",
    "x-remote-user",
    "x-forwarded-user",
    "cf-access-jwt-assertion",
    "cf-access-authenticated-user-email",
    "x-goog-iap-jwt-assertion",
];
const IDENTITY_PREFIXES: &[&str] =
    &["x-auth-request-", "x-webauth-", "x-authenticated-", "x-ms-client-principal", "x-goog-authenticated-user-", "x-amzn-oidc-"];
/// Headers a hop reads to choose the host, scheme, path, method or client address of a request.
/// Any name with a `forwarded` part (`Forwarded`, `Forwarded-For`, `X-Original-Forwarded-For`)
/// is one too.
const ROUTING: &[&str] = &[
    "host",
    "via",
    "max-forwards",
    "x-host",
    "x-scheme",
    "x-url-scheme",
    "front-end-https",
    "x-original",
    "x-method-override",
    "client-ip",
    "true-client-ip",
    "fastly-client-ip",
    "x-cluster-client-ip",
];
const ROUTING_PREFIXES: &[&str] = &[
    "x-forwarded",
    "x-original-",
    "x-real-",
    "x-envoy-",
    "x-rewrite-",
    "x-backend-",
    "x-middleware-",
    "x-client-",
    "x-http-method",
    "x-originating-",
    "x-remote-",
    "x-arr-",
    "x-appengine-",
    "cf-connecting-",
];
/// Headers only a response carries.
const RESPONSE_HEADERS: &[&str] = &["set-cookie", "set-cookie2", "www-authenticate", "authentication-info"];
/// Headers that carry a credential to the service: a credential may go there, a tool argument may not.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "cookie"];
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

/// The sandbox environment today's gateway starts a server with (gigmcp/gigmcp,
/// internal/gateway/spawn.go, `SpawnEgressBackend`): nothing else reaches the server.
pub const SANDBOX_ENV: &[&str] = &["HTTPS_PROXY", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "GIG_PLACEHOLDER", "PATH"];

/// What today's gateway does with a manifest's credentials at runtime, beyond what its schema
/// accepts: only the first credential's injection is enforced (gigmcp/gigmcp,
/// internal/gateway/resolver.go, `CredResolver.Resolve` reads `Injections[0]`), and an entrusted
/// server's `inject.env` is not delivered ([`SANDBOX_ENV`]). A second credential is an error for
/// a sealed server, whose code never sees a secret and cannot add the header itself, and a
/// warning for an entrusted one; every entrusted `inject.env` is a warning.
pub fn gateway_runtime(m: &Manifest, out: &mut Vec<Diagnostic>) {
    let tier = m.tier.known();
    for (i, c) in m.credentials.iter().enumerate().skip(1) {
        let at = FieldPath::field("credentials").index(i);
        let first = &m.credentials[0].id;
        let d = match tier {
            Some(Tier::Sealed) => {
                let header = if c.inject.header.is_empty() { "its header".to_string() } else { format!("`{}`", c.inject.header) };
                let msg = format!(
                    "credential `{}` is never injected: the gateway enforces only the first credential's injection (`{first}`), and a sealed server never sees a secret, so {header} is never sent",
                    c.id
                );
                Diagnostic::new(Rule::CredentialOnlyFirstInjected, at, msg)
            }
            Some(Tier::Entrusted) => {
                let msg =
                    format!("credential `{}` is not the first (`{first}`): the gateway handles only a server's first credential", c.id);
                let mut d = Diagnostic::new(Rule::CredentialOnlyFirstInjected, at, msg);
                d.severity = Severity::Warning;
                d
            }
            None => continue,
        };
        out.push(d);
    }
    if tier != Some(Tier::Entrusted) {
        return;
    }
    for (i, c) in m.credentials.iter().enumerate().filter(|(_, c)| !c.inject.env.is_empty()) {
        let msg = format!(
            "inject.env `{}` is not delivered today: the gateway starts the sandbox with a fixed environment ({}), so the server starts without this credential",
            c.inject.env,
            SANDBOX_ENV.join(", ")
        );
        out.push(Diagnostic::new(Rule::CredentialEnvUndelivered, FieldPath::field("credentials").index(i).key("inject").key("env"), msg));
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
        } else if let Some(earlier) = c.scopes[..j].iter().find(|e| e.eq_ignore_ascii_case(s)) {
            let msg = if earlier == s {
                format!("scope `{s}` is listed twice")
            } else {
                format!(
                    "scope `{s}` differs from `{earlier}` only in case: a vendor's scope names are case-sensitive, so at most one is right"
                )
            };
            out.push(Diagnostic::new(Rule::CredentialScopeDuplicate, at("scopes").index(j), msg));
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
    } else if let Err(why) = check_header(header, HeaderUse::Credential) {
        out.push(Diagnostic::new(Rule::HeaderName, inject().key("header"), why.message(header)));
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

/// What a header name carries, which decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderUse {
    /// A credential: a manifest's `inject.header` or a toolspec's `auth.header`.
    Credential,
    /// A tool argument: a toolspec parameter with `in: header`.
    Argument,
}

/// Why a header name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderRefusal {
    /// Not an RFC 9110 field name.
    NotToken,
    /// Frames the message or the connection.
    Frames,
    /// Routes the request.
    Routes,
    /// Addresses or authenticates to a proxy.
    Proxy,
    /// Tells a service behind an authenticating proxy who the client is.
    Identity,
    /// Only a response carries it.
    Response,
    /// Carries a credential, and the value would come from a tool argument.
    Credential,
}

impl HeaderRefusal {
    /// The finding's message for `header`, with the reason.
    pub fn message(self, header: &str) -> String {
        let why = match self {
            HeaderRefusal::NotToken => "is not an HTTP field name (RFC 9110 token: letters, digits and !#$%&'*+.^_`|~-)",
            HeaderRefusal::Frames => {
                "frames the message or the connection: the HTTP client or a proxy sets, consumes or strips it, so a value here is lost or splits the request"
            }
            HeaderRefusal::Routes => {
                "routes the request: a proxy or load balancer reads it to choose the host, path, method or client address, so it could send the request elsewhere"
            }
            HeaderRefusal::Proxy => "addresses a proxy, not the service: a hop reads (or strips) it, so the value never reaches the API",
            HeaderRefusal::Identity => {
                "asserts who the client is to a service behind an authenticating proxy: the proxy sets it, so a value here either is stripped or chooses whose account the request acts as"
            }
            HeaderRefusal::Response => "is a response header: it means nothing in a request",
            HeaderRefusal::Credential => {
                "carries a credential: a tool argument would choose whose account the request acts as (the gateway injects credentials)"
            }
        };
        format!("header `{header}` {why}")
    }
}

/// How header names are compared: without case, and with `_` read as `-` (CGI, PHP, Rack and
/// many frameworks expose `X-Api-Key` and `X_Api_Key` alike, as `HTTP_X_API_KEY`).
pub fn header_key(name: &str) -> String {
    name.chars().map(|c| if c == '_' { '-' } else { c.to_ascii_lowercase() }).collect()
}

/// Whether a header name, as [`header_key`] writes it, is in a family: one of `exact`, or
/// starting with one of `prefixes`.
fn in_family(key: &str, exact: &[&str], prefixes: &[&str]) -> bool {
    exact.contains(&key) || prefixes.iter().any(|p| key.starts_with(p))
}

/// The one header rule: `inject.header`, a toolspec's `auth.header` and every `in: header`
/// parameter are RFC 9110 tokens and never a header of a family that frames the message,
/// addresses a proxy, asserts the client's identity, routes the request or belongs to a response
/// (names compared as [`header_key`] writes them). A tool argument may also not set a
/// credential header.
pub fn check_header(name: &str, used_as: HeaderUse) -> Result<(), HeaderRefusal> {
    if !HEADER.is_match(name) {
        return Err(HeaderRefusal::NotToken);
    }
    let key = header_key(name);
    let key = key.as_str();
    if FRAMING.contains(&key) {
        Err(HeaderRefusal::Frames)
    } else if in_family(key, PROXY, PROXY_PREFIXES) {
        Err(HeaderRefusal::Proxy)
    } else if in_family(key, IDENTITY, IDENTITY_PREFIXES) {
        Err(HeaderRefusal::Identity)
    } else if in_family(key, ROUTING, ROUTING_PREFIXES) || key.split('-').any(|part| part == "forwarded") {
        Err(HeaderRefusal::Routes)
    } else if RESPONSE_HEADERS.contains(&key) {
        Err(HeaderRefusal::Response)
    } else if used_as == HeaderUse::Argument && CREDENTIAL_HEADERS.contains(&key) {
        Err(HeaderRefusal::Credential)
    } else {
        Ok(())
    }
}

/// A toolspec's `auth.header` and header parameters under [`check_header`], and no two header
/// parameters of one tool that are the same header once compared as [`header_key`] does. Names
/// with control characters are left to the rules that already report them.
pub fn toolspec_headers(t: &Toolspec, out: &mut Vec<Diagnostic>) {
    if let Some(a) = t.auth.as_ref().filter(|a| !a.header.is_empty() && !has_control(&a.header)) {
        if let Err(why) = check_header(&a.header, HeaderUse::Credential) {
            out.push(Diagnostic::new(Rule::HeaderName, FieldPath::field("auth").key("header"), why.message(&a.header)));
        }
    }
    for (i, tool) in t.tools.iter().enumerate() {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (j, p) in tool.params.iter().enumerate() {
            if !p.location.is(ParamIn::Header) || p.name.is_empty() || has_control(&p.name) {
                continue;
            }
            let field = || FieldPath::field("tools").index(i).key("params").index(j).key("name");
            let key = header_key(&p.name);
            if let Err(why) = check_header(&p.name, HeaderUse::Argument) {
                out.push(Diagnostic::new(Rule::HeaderName, field(), why.message(&p.name)));
            } else if let Some((_, first)) = seen.iter().find(|(k, first)| *k == key && *first != p.name) {
                let msg = format!(
                    "header `{}` is the same header as `{first}`: servers compare header names without case, and CGI, PHP and Rack read `_` as `-`",
                    p.name
                );
                out.push(Diagnostic::new(Rule::HeaderName, field(), msg));
            }
            seen.push((key, &p.name));
        }
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
        assert_eq!(rules(&framing, true), [(Rule::HeaderName, "credentials[0].inject.header".into())]);
        let hijack = credential("api_key", Inject { env: "LD_PRELOAD".into(), ..Inject::default() });
        assert_eq!(rules(&hijack, false), [(Rule::CredentialInject, "credentials[0].inject.env".into())]);
        let ok = credential("api_key", Inject { env: "ACME_KEY".into(), ..Inject::default() });
        assert!(rules(&ok, false).is_empty());
    }

    #[test]
    fn one_header_rule_with_its_reason() {
        use HeaderRefusal as R;
        let cases: &[(&str, HeaderUse, Result<(), R>)] = &[
            ("Authorization", HeaderUse::Credential, Ok(())),
            ("X-Api-Key", HeaderUse::Credential, Ok(())),
            ("Cookie", HeaderUse::Credential, Ok(())),
            ("Notion-Version", HeaderUse::Argument, Ok(())),
            ("From", HeaderUse::Argument, Ok(())),
            ("Bad Header", HeaderUse::Credential, Err(R::NotToken)),
            (":authority", HeaderUse::Argument, Err(R::NotToken)),
            ("Host", HeaderUse::Credential, Err(R::Routes)),
            ("content-length", HeaderUse::Argument, Err(R::Frames)),
            ("Transfer-Encoding", HeaderUse::Credential, Err(R::Frames)),
            ("Keep-Alive", HeaderUse::Credential, Err(R::Frames)),
            ("Expect", HeaderUse::Argument, Err(R::Frames)),
            ("Proxy-Authorization", HeaderUse::Credential, Err(R::Proxy)),
            ("proxy-connection", HeaderUse::Argument, Err(R::Proxy)),
            ("Forwarded", HeaderUse::Credential, Err(R::Routes)),
            ("X-Forwarded-Host", HeaderUse::Credential, Err(R::Routes)),
            ("x-forwarded-for", HeaderUse::Argument, Err(R::Routes)),
            ("X-Real-IP", HeaderUse::Argument, Err(R::Routes)),
            ("X-Original-URL", HeaderUse::Argument, Err(R::Routes)),
            ("X-HTTP-Method-Override", HeaderUse::Argument, Err(R::Routes)),
            ("Via", HeaderUse::Credential, Err(R::Routes)),
            ("Max-Forwards", HeaderUse::Argument, Err(R::Routes)),
            ("Set-Cookie", HeaderUse::Credential, Err(R::Response)),
            ("Authorization", HeaderUse::Argument, Err(R::Credential)),
            ("cookie", HeaderUse::Argument, Err(R::Credential)),
            // The review's cases: families, not names, and `_` read as `-`.
            ("Proxy", HeaderUse::Argument, Err(R::Proxy)),
            ("Proxy", HeaderUse::Credential, Err(R::Proxy)),
            ("X-ProxyUser-Ip", HeaderUse::Argument, Err(R::Proxy)),
            ("X-Forwarded", HeaderUse::Argument, Err(R::Routes)),
            ("X-ForwardedHost", HeaderUse::Argument, Err(R::Routes)),
            ("X-Original-URI", HeaderUse::Argument, Err(R::Routes)),
            ("X-Original-Forwarded-For", HeaderUse::Argument, Err(R::Routes)),
            ("Forwarded-For", HeaderUse::Argument, Err(R::Routes)),
            ("Cf-Forwarded-Proto", HeaderUse::Credential, Err(R::Routes)),
            ("X-Scheme", HeaderUse::Argument, Err(R::Routes)),
            ("X-Url-Scheme", HeaderUse::Argument, Err(R::Routes)),
            ("Front-End-Https", HeaderUse::Argument, Err(R::Routes)),
            ("X-Envoy-Original-Path", HeaderUse::Argument, Err(R::Routes)),
            ("X-Envoy-Internal", HeaderUse::Credential, Err(R::Routes)),
            ("X-Envoy-Upstream-Host", HeaderUse::Argument, Err(R::Routes)),
            ("X-Client-Address", HeaderUse::Argument, Err(R::Routes)),
            ("X-Rewrite-Host", HeaderUse::Argument, Err(R::Routes)),
            ("X-Backend-Host", HeaderUse::Argument, Err(R::Routes)),
            ("X-Middleware-Subrequest", HeaderUse::Argument, Err(R::Routes)),
            ("X-Real-Port", HeaderUse::Argument, Err(R::Routes)),
            ("X-HTTP-Method", HeaderUse::Argument, Err(R::Routes)),
            ("X-Host", HeaderUse::Argument, Err(R::Routes)),
            ("CF-Connecting-IPv6", HeaderUse::Argument, Err(R::Routes)),
            ("X_Forwarded_For", HeaderUse::Argument, Err(R::Routes)),
            ("x-forwarded_host", HeaderUse::Credential, Err(R::Routes)),
            ("Proxy_Authorization", HeaderUse::Credential, Err(R::Proxy)),
            ("Content_Length", HeaderUse::Argument, Err(R::Frames)),
            ("X_Real_IP", HeaderUse::Argument, Err(R::Routes)),
            ("X-Remote-User", HeaderUse::Argument, Err(R::Identity)),
            ("X-Auth-Request-Email", HeaderUse::Argument, Err(R::Identity)),
            ("X-WEBAUTH-USER", HeaderUse::Credential, Err(R::Identity)),
            ("X-Amzn-Oidc-Identity", HeaderUse::Argument, Err(R::Identity)),
            // Headers the catalog sends stay allowed.
            ("X-API-KEY", HeaderUse::Credential, Ok(())),
            ("api_key", HeaderUse::Credential, Ok(())),
            ("Ocp-Apim-Subscription-Key", HeaderUse::Credential, Ok(())),
            ("X-Goog-FieldMask", HeaderUse::Argument, Ok(())),
            ("xero-tenant-id", HeaderUse::Argument, Ok(())),
            ("X-Restli-Protocol-Version", HeaderUse::Argument, Ok(())),
            ("Accept", HeaderUse::Argument, Ok(())),
            ("X-Originality", HeaderUse::Argument, Ok(())),
            ("Proxyman-Version", HeaderUse::Argument, Ok(())),
        ];
        for (name, used_as, want) in cases {
            assert_eq!(check_header(name, *used_as), *want, "{name} as {used_as:?}");
        }
        assert!(R::Proxy.message("Proxy-Authorization").contains("addresses a proxy"));
        assert_eq!(header_key("X_Api-KEY"), "x-api-key");
    }

    #[test]
    fn two_header_parameters_that_are_one_header_are_refused() {
        use crate::schema::toolspec::{Param, ToolDef};
        let param = |name: &str| Param {
            name: name.into(),
            location: ParamIn::Header.into(),
            kind: crate::schema::closed::ParamType::String.into(),
            required: false,
            description: String::new(),
        };
        let mut t: Toolspec =
            serde_json::from_str(r#"{"schemaVersion":1,"name":"acme","version":"0.1.0","baseUrl":"https://api.acme.com","tools":[]}"#)
                .unwrap();
        let tool: ToolDef = serde_json::from_str(r#"{"name":"t","description":"d","method":"GET","path":"/x"}"#).unwrap();
        t.tools = vec![ToolDef { params: vec![param("X-Tenant-Id"), param("x_tenant_id"), param("X-Other")], ..tool }];
        let mut out = Vec::new();
        toolspec_headers(&t, &mut out);
        let got: Vec<(Rule, String)> = out.into_iter().map(|d| (d.rule, d.field.to_string())).collect();
        assert_eq!(got, [(Rule::HeaderName, "tools[0].params[1].name".to_string())]);
    }

    #[test]
    fn only_the_first_credential_reaches_the_server() {
        use crate::schema::closed::Closed;
        let sealed = |header: &str| credential("api_key", Inject { header: header.into(), format: "{token}".into(), env: String::new() });
        let entrusted = |env: &str| credential("api_key", Inject { env: env.into(), ..Inject::default() });
        let mut m: Manifest = serde_json::from_str(
            r#"{"schemaVersion":1,"name":"acme","version":"0.1.0","source":{"repo":"github.com/a/b","tag":"v1.0.0"},
            "image":{"ref":"ghcr.io/gigmcp/acme-mcp","digest":"","entrypoint":"/app/server"},"tier":"sealed","entitlements":{}}"#,
        )
        .unwrap();
        let got = |m: &Manifest| {
            let mut out = Vec::new();
            gateway_runtime(m, &mut out);
            out.into_iter().map(|d| (d.rule, d.severity, d.field.to_string())).collect::<Vec<_>>()
        };
        m.credentials = vec![sealed("Authorization")];
        assert!(got(&m).is_empty());
        m.credentials.push(sealed("X-Key"));
        assert_eq!(got(&m), [(Rule::CredentialOnlyFirstInjected, Severity::Error, "credentials[1]".to_string())]);
        m.tier = Closed::from(Tier::Entrusted);
        m.credentials = vec![entrusted("A_KEY"), entrusted("B_KEY")];
        assert_eq!(
            got(&m),
            [
                (Rule::CredentialOnlyFirstInjected, Severity::Warning, "credentials[1]".to_string()),
                (Rule::CredentialEnvUndelivered, Severity::Warning, "credentials[0].inject.env".to_string()),
                (Rule::CredentialEnvUndelivered, Severity::Warning, "credentials[1].inject.env".to_string()),
            ]
        );
    }

    #[test]
    fn scopes_are_listed_once_in_one_spelling() {
        let mut c = credential("oauth2", Inject { header: "Authorization".into(), format: "Bearer {token}".into(), env: String::new() });
        c.vendor = "acme".into();
        c.scopes = vec!["read".into(), "Read".into(), "write".into(), "read".into()];
        let got = rules(&c, true);
        let dup = |j: usize| (Rule::CredentialScopeDuplicate, format!("credentials[0].scopes[{j}]"));
        assert_eq!(got, [dup(1), dup(3)]);
    }
}
