//! Diagnostics as data: one enum of rule ids, and the finding every rule produces.
//!
//! The same table feeds `registryctl explain`, `docs/rules.md` and the SARIF rule list.

use serde::Serialize;

use super::yaml::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Static documentation for one rule.
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
}

macro_rules! rules {
    ($( $variant:ident => $id:literal, $sev:ident, $summary:literal, $help:literal, bad: $bad:literal, good: $good:literal; )*) => {
        /// Every rule registryctl checks, by stable kebab-case id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            pub fn info(self) -> &'static RuleInfo {
                match self {
                    $( Rule::$variant => &RuleInfo { id: $id, severity: Severity::$sev, summary: $summary, help: $help, bad: $bad, good: $good }, )*
                }
            }
        }
    };
}

impl Rule {
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

rules! {
    // ---- files and YAML ----
    FileTooLarge => "file-too-large", Error,
        "A manifest or toolspec is larger than 256 KiB.",
        "keep each file under 256 KiB; real manifests are a few KiB",
        bad: "(a 2 MiB manifest)", good: "(a 2 KiB manifest)";
    FileNotUtf8 => "file-not-utf8", Error,
        "A file is not valid UTF-8.",
        "save the file as UTF-8 (a byte-order mark is accepted)",
        bad: "name: caf\\xe9   # Latin-1 byte", good: "name: cafe";
    FileSymlink => "file-symlink", Error,
        "A symbolic link under manifests/ or toolspecs/; the reference tool silently skips them.",
        "commit the file itself, not a link to it",
        bad: "manifests/acme/0.1.0.yaml -> ../other/0.1.0.yaml", good: "manifests/acme/0.1.0.yaml (a regular file)";
    FileExtension => "file-extension", Error,
        "A file under manifests/ or toolspecs/ that does not end in .yaml.",
        "name the file <version>.yaml; other files are not read and would be silently ignored",
        bad: "manifests/acme/0.1.0.yml", good: "manifests/acme/0.1.0.yaml";
    FileLocation => "file-location", Error,
        "A file or directory at the wrong depth under manifests/ or toolspecs/.",
        "every file lives at manifests/<name>/<version>.yaml or toolspecs/<name>/<version>.yaml",
        bad: "manifests/acme.yaml", good: "manifests/acme/0.1.0.yaml";
    FileNotRegular => "file-not-regular", Error,
        "A device, FIFO or socket where a YAML file is expected.",
        "only regular files belong in the catalog",
        bad: "manifests/acme/0.1.0.yaml (a named pipe)", good: "manifests/acme/0.1.0.yaml (a regular file)";
    PathMismatch => "path-mismatch", Error,
        "The file's path does not match the name and version it declares.",
        "store a manifest at manifests/<name>/<version>.yaml and a toolspec at toolspecs/<name>/<version>.yaml",
        bad: "# manifests/acme/0.2.0.yaml\nname: acme\nversion: 0.1.0", good: "# manifests/acme/0.1.0.yaml\nname: acme\nversion: 0.1.0";
    YamlSyntax => "yaml-syntax", Error,
        "The file is not well-formed YAML.",
        "fix the YAML syntax at the marked position (indentation, quotes, brackets)",
        bad: "tools: [{name: a, default: true}", good: "tools: [{name: a, default: true}]";
    YamlAnchor => "yaml-anchor", Error,
        "YAML anchors and aliases are not accepted (alias bombs, hidden sharing).",
        "write each value out in full",
        bad: "base: &b {name: a}\ncopy: *b", good: "copy: {name: a}";
    YamlTag => "yaml-tag", Error,
        "Explicit YAML tags such as !!str are not accepted.",
        "quote a value to make it a string instead of tagging it",
        bad: "tag: !!str 1.0", good: "tag: \"1.0\"";
    YamlMultipleDocuments => "yaml-multiple-documents", Error,
        "A file holds more than one YAML document.",
        "one manifest or toolspec per file; remove the second `---` document",
        bad: "name: a\n---\nname: b", good: "name: a";
    YamlTooDeep => "yaml-too-deep", Error,
        "The YAML nests deeper than any valid file does.",
        "the schemas need at most a few levels of nesting",
        bad: "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", good: "a: [1]";
    YamlDuplicateKey => "yaml-duplicate-key", Error,
        "The same key appears twice in one mapping.",
        "keep one of the two entries; YAML parsers disagree about which one wins",
        bad: "tier: sealed\ntier: entrusted", good: "tier: sealed";
    YamlUnknownField => "yaml-unknown-field", Error,
        "A field the schema does not define (names are case-sensitive).",
        "remove the field or fix its spelling; see `registryctl schema manifest` for every field",
        bad: "displayname: Acme", good: "displayName: Acme";
    YamlWrongType => "yaml-wrong-type", Error,
        "A value has the wrong type (a list where a string belongs, a number where text belongs, ...).",
        "write the type the schema expects; quote values that must be strings",
        bad: "schemaVersion: \"1\"\ntag: 1.0", good: "schemaVersion: 1\ntag: \"1.0\"";
    YamlBoolean => "yaml-1.1-boolean", Error,
        "A YAML 1.1 boolean word (yes, no, on, off, y, n) where true or false belongs.",
        "write true or false; YAML 1.2 reads yes/no as strings and parsers disagree",
        bad: "default: yes", good: "default: true";
    ScaffoldPlaceholder => "scaffold-placeholder", Error,
        "A field still holds the TODO marker `registryctl new` put there.",
        "replace every value starting with TODO with the real value",
        bad: "description: TODO one sentence on what an agent can do with it", good: "description: Search and read Acme tickets.";

    // ---- manifest ----
    SchemaVersion => "schema-version", Error,
        "schemaVersion is missing or not 1.",
        "write schemaVersion: 1",
        bad: "schemaVersion: 2", good: "schemaVersion: 1";
    Name => "name-format", Error,
        "name is missing or not lowercase letters, digits and inner hyphens.",
        "name must match ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ (it becomes the tool-namespace prefix: no underscores)",
        bad: "name: Acme_Tools", good: "name: acme-tools";
    Version => "version-format", Error,
        "version is missing or not MAJOR.MINOR.PATCH without leading zeros.",
        "version must match ^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$",
        bad: "version: v1.02", good: "version: 1.2.0";
    SourceRepo => "source-repo", Error,
        "source.repo is missing or not host/path.",
        "write the repository as host/owner/name with a lowercase host and path segments of [A-Za-z0-9._-], no scheme",
        bad: "source: {repo: https://github.com/acme/acme-mcp, tag: v1.0.0}", good: "source: {repo: github.com/acme/acme-mcp, tag: v1.0.0}";
    SourceTag => "source-tag", Error,
        "source.tag is missing or not a safe git tag.",
        "a tag of [A-Za-z0-9._/+-] without `..`, a leading `-` or `/`, whitespace or shell metacharacters",
        bad: "tag: \"v1.0.0; curl evil.sh\"", good: "tag: v1.0.0";
    SourcePackage => "source-package", Error,
        "source.package is not a relative path inside the repository.",
        "a relative path of [a-zA-Z0-9._/-] without `..` and not starting with /",
        bad: "package: ../../etc", good: "package: cmd/server";
    ImageRef => "image-ref", Error,
        "image.ref is missing or not an OCI repository without tag or digest.",
        "write registry/path in lowercase, e.g. ghcr.io/gigmcp/acme-mcp; the digest goes in image.digest",
        bad: "ref: ghcr.io/gigmcp/acme-mcp:latest", good: "ref: ghcr.io/gigmcp/acme-mcp";
    ImageDigest => "image-digest", Error,
        "image.digest is not sha256: followed by 64 lowercase hex digits.",
        "pin the image by its manifest digest; sha256:000…0 marks a planned entry",
        bad: "digest: latest", good: "digest: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    ImageEntrypoint => "image-entrypoint", Error,
        "image.entrypoint is missing or not an absolute path.",
        "every builder puts the server at /app/server",
        bad: "entrypoint: server", good: "entrypoint: /app/server";
    ImageBuilder => "image-builder", Error,
        "image.builder is not one of the generic builders.",
        "use go-static (the default), toolpack, node or python; custom per-server builders are not accepted by the gateway",
        bad: "builder: rust", good: "builder: go-static";
    BuilderDockerfile => "builder-dockerfile", Error,
        "The selected builder has no images/<builder>/Dockerfile in this registry.",
        "add images/<builder>/Dockerfile or choose a builder that has one",
        bad: "builder: python   # and no images/python/Dockerfile", good: "builder: go-static";
    Tier => "tier", Error,
        "tier is missing or not sealed or entrusted.",
        "sealed: the gateway injects credentials into requests; entrusted: the server receives them in its environment",
        bad: "tier: trusted", good: "tier: sealed";
    EgressHost => "egress-host", Error,
        "An egress entry is not a fully qualified lowercase host name.",
        "write a host such as api.acme.com: at least two labels, each ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ and at most 63 characters, 253 in all; no scheme, port, path or IP address",
        bad: "egress: [\"https://api.acme.com:443/v1\", 127.1]", good: "egress: [api.acme.com]";
    EgressWildcard => "egress-wildcard", Error,
        "A wildcard egress entry is malformed or too short.",
        "a wildcard is `*.` followed by a suffix of at least two labels; no other `*`",
        bad: "egress: [\"*.com\", \"api.*.acme.com\"]", good: "egress: [\"*.api.acme.com\"]";
    EgressPublicSuffix => "egress-wildcard-public-suffix", Error,
        "A wildcard whose suffix is a public suffix: anyone can register a name under it and receive the credential.",
        "list the exact host, or add a reviewed, dated entry to policy/exceptions.yaml for a per-tenant service",
        bad: "egress: [\"*.myshopify.com\"]   # no exception", good: "egress: [acme-store.myshopify.com]";
    EgressDenylisted => "egress-denylisted", Error,
        "An egress entry reaches a request-capture, paste, file-drop, tunnel or internal domain on the denylist.",
        "credentials must never be sent to such hosts; remove the entry",
        bad: "egress: [abc.webhook.site]", good: "egress: [api.acme.com]";
    EgressReserved => "egress-reserved", Error,
        "An egress entry names a wildcard-DNS service or an internal, link-local or reserved name.",
        "nip.io-style hosts resolve to any address and .local/.internal/.test names are not public: use the service's public API host",
        bad: "egress: [10.0.0.1.nip.io, metadata.google.internal]", good: "egress: [api.acme.com]";
    EgressDuplicate => "egress-duplicate", Warning,
        "The same egress entry is listed twice.",
        "list each host once",
        bad: "egress: [api.acme.com, api.acme.com]", good: "egress: [api.acme.com]";
    EgressMissing => "egress-missing", Error,
        "A sealed-tier manifest has credentials but no egress host to inject them for.",
        "list the hosts the credential is for, or remove the credential",
        bad: "tier: sealed\ncredentials: [...]\nentitlements: {}", good: "tier: sealed\ncredentials: [...]\nentitlements: {egress: [api.acme.com]}";
    CredentialId => "credential-id", Error,
        "A credential id is missing, malformed or used twice.",
        "give each credential a unique id of [a-z0-9_-]",
        bad: "- id: \"\"", good: "- id: acme_api_key";
    CredentialType => "credential-type", Error,
        "A credential type is missing or malformed.",
        "use api_key, oauth2, basic or another lowercase snake_case word",
        bad: "type: API Key", good: "type: api_key";
    CredentialProvider => "credential-provider", Error,
        "A credential provider is missing or not in the name alphabet.",
        "provider must match ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$, usually the server's name",
        bad: "provider: \"\"", good: "provider: acme";
    CredentialInject => "credential-inject", Error,
        "A credential's injection does not fit the tier.",
        "sealed: inject.header (an HTTP header name) and inject.format containing {token}, no env; entrusted: inject.env (an UPPER_SNAKE name) only",
        bad: "tier: sealed\ninject: {env: ACME_KEY}", good: "tier: sealed\ninject: {header: Authorization, format: \"Bearer {token}\"}";
    CredentialVendor => "credential-vendor", Error,
        "An oauth2 credential without a vendor, or a vendor outside the name alphabet.",
        "oauth2 needs vendor: the OAuth app family (google, microsoft, ...); it must match ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
        bad: "type: oauth2   # no vendor", good: "type: oauth2\nvendor: google";
    CredentialScope => "credential-scope", Error,
        "A scope is empty or contains whitespace or control characters.",
        "list each scope name as its own string",
        bad: "scopes: [\"read write\"]", good: "scopes: [read, write]";
    OauthNoScopes => "oauth2-no-scopes", Warning,
        "An oauth2 credential lists no scopes, so consent screens cannot say what is granted.",
        "list the scope names the tools need",
        bad: "type: oauth2\nvendor: acme", good: "type: oauth2\nvendor: acme\nscopes: [tickets:read]";
    Category => "category", Error,
        "category is not one of the catalog's categories.",
        "one of: ai, analytics, comms, CRM, data, design, dev-tools, documents, e-commerce, finance, HR/ATS, marketing, productivity, search, social, storage, support",
        bad: "category: crm", good: "category: CRM";
    ToolName => "tool-name", Error,
        "A tool name is missing, malformed or used twice.",
        "tool names are unique and match ^[A-Za-z0-9_-]{1,64}$ (verb_noun in snake_case)",
        bad: "- {name: list items, default: true}", good: "- {name: list_items, default: true}";
    ToolDefault => "tool-default", Error,
        "A tool does not say whether it is exposed by default.",
        "write default: true for read-only tools and default: false for tools that change things",
        bad: "- name: list_items", good: "- {name: list_items, default: true}";
    NoDefaultTool => "no-default-tool", Warning,
        "No tool is exposed by default, so an install exposes nothing until the user opts in.",
        "mark the read-only tools default: true",
        bad: "tools: [{name: delete_item, default: false}]", good: "tools: [{name: list_items, default: true}, {name: delete_item, default: false}]";

    // ---- policy file ----
    PolicyException => "policy-exception", Error,
        "An entry in policy/exceptions.yaml is malformed.",
        "each entry has server, egress (the exact entry), reason and expires (YYYY-MM-DD)",
        bad: "- {server: shopify, egress: \"*.myshopify.com\"}", good: "- {server: shopify, egress: \"*.myshopify.com\", reason: per-shop API host, expires: 2027-06-30}";
    PolicyExceptionExpired => "policy-exception-expired", Error,
        "A policy exception's expiry date has passed.",
        "review the exception again and move its expiry date, or remove it",
        bad: "expires: 2020-01-01", good: "expires: 2027-06-30";
    PolicyExceptionUnused => "policy-exception-unused", Warning,
        "A policy exception matches no manifest egress entry.",
        "remove the stale exception",
        bad: "- {server: gone, egress: \"*.gone.example\", ...}", good: "(no entry)";

    // ---- toolspec ----
    ToolspecBaseUrl => "toolspec-base-url", Error,
        "A baseUrl is not exactly https://<host>.",
        "write https:// and a host only: no port, path, query, fragment or userinfo; put version prefixes in each tool's path",
        bad: "baseUrl: https://api.acme.com/v2/", good: "baseUrl: https://api.acme.com";
    ToolspecAuth => "toolspec-auth", Error,
        "An auth block without a header or without {token} in its format.",
        "auth: {header: Authorization, format: \"Bearer {token}\"}",
        bad: "auth: {header: Authorization, format: Bearer}", good: "auth: {header: Authorization, format: \"Bearer {token}\"}";
    ToolspecTools => "toolspec-tools", Error,
        "A toolspec has no tools, or a tool name is missing or used twice.",
        "list at least one tool; names are unique and match the manifest's tools",
        bad: "tools: []", good: "tools: [{name: list_items, ...}]";
    ToolspecMethod => "toolspec-method", Error,
        "A tool's method is not an accepted HTTP method.",
        "one of GET, POST, PUT, PATCH, DELETE (uppercase)",
        bad: "method: get", good: "method: GET";
    ToolspecPath => "toolspec-path", Error,
        "A tool's path is missing, relative or malformed.",
        "an absolute path such as /v1/items/{item_id}, without query string, fragment or whitespace",
        bad: "path: v1/items?limit=5", good: "path: /v1/items";
    ToolspecEncoding => "toolspec-encoding", Error,
        "A tool's encoding is not json or form.",
        "encoding: json (the default) or form",
        bad: "encoding: xml", good: "encoding: form";
    ToolspecDescription => "toolspec-description", Error,
        "A tool has no description.",
        "say what the tool returns and when an agent should use it",
        bad: "description: \"\"", good: "description: List open tickets, newest first; use it to find a ticket id.";
    ToolspecDescriptionShort => "toolspec-description-short", Warning,
        "A tool description is too short to tell an agent when to use it.",
        "write at least five words: what it does and when to use it",
        bad: "description: Lists items", good: "description: List the items in a project, newest first, to find an item id.";
    ToolspecParamName => "toolspec-param-name", Error,
        "A parameter name is missing or used twice in one tool.",
        "give every parameter a unique, non-empty name (the service's own name)",
        bad: "params: [{name: id, in: path, ...}, {name: id, in: query, ...}]", good: "params: [{name: id, in: path, ...}]";
    ToolspecParamIn => "toolspec-param-in", Error,
        "A parameter's `in` is not path, query, body or header.",
        "in: path, query, body or header",
        bad: "in: cookie", good: "in: query";
    ToolspecParamType => "toolspec-param-type", Error,
        "A parameter's type is not a JSON type name.",
        "type: string, integer, number, boolean, object or array",
        bad: "type: int", good: "type: integer";
    ToolspecPathParam => "toolspec-path-param", Error,
        "A path placeholder without an in:path parameter, or the reverse, or a path parameter that is not required.",
        "every {placeholder} has a required in:path parameter of the same name, and every in:path parameter appears in the path",
        bad: "path: /items/{id}\nparams: []", good: "path: /items/{id}\nparams: [{name: id, in: path, type: string, required: true}]";
    ToolspecBodyParam => "toolspec-body-param", Error,
        "A body parameter on a method without a request body.",
        "body parameters only on POST, PUT and PATCH; use in: query for GET and DELETE",
        bad: "method: GET\nparams: [{name: q, in: body, type: string}]", good: "method: GET\nparams: [{name: q, in: query, type: string}]";
    ToolspecHeaderParam => "toolspec-header-param", Error,
        "A header parameter would set the credential's header.",
        "the gateway injects the auth header; a tool may not set it from arguments",
        bad: "params: [{name: Authorization, in: header, type: string}]", good: "params: [{name: X-Request-Id, in: header, type: string}]";
    PairingManifest => "pairing-manifest", Error,
        "A toolspec has no manifest of the same name and version.",
        "add manifests/<name>/<version>.yaml, or fix the toolspec's name and version",
        bad: "toolspecs/acme/0.2.0.yaml   # no manifests/acme/0.2.0.yaml", good: "toolspecs/acme/0.1.0.yaml + manifests/acme/0.1.0.yaml";
    PairingBuilder => "pairing-builder", Error,
        "A toolspec pairs with a manifest whose builder is not toolpack, or a toolpack manifest has no toolspec.",
        "builder: toolpack manifests have a toolspec, and only they do",
        bad: "builder: toolpack   # and no toolspecs/acme/0.1.0.yaml", good: "builder: toolpack + toolspecs/acme/0.1.0.yaml";
    PairingTools => "pairing-tools", Error,
        "The toolspec's tools and the manifest's tools differ.",
        "list exactly the same tool names in both files",
        bad: "manifest: [list_items]\ntoolspec: [list_items, delete_item]", good: "manifest: [list_items, delete_item]\ntoolspec: [list_items, delete_item]";
    PairingEgress => "pairing-egress", Error,
        "A baseUrl host is not allowed by the manifest's egress.",
        "add the host to entitlements.egress (a `*.suffix` matches true subdomains only: *.acme.com does not allow acme.com)",
        bad: "egress: [\"*.acme.com\"]\nbaseUrl: https://acme.com", good: "egress: [acme.com]\nbaseUrl: https://acme.com";
    PairingAuth => "pairing-auth", Error,
        "The toolspec's auth block does not fit the manifest's tier.",
        "sealed tier: no auth block (the gateway injects the credential); entrusted tier with credentials: an auth block",
        bad: "tier: sealed\nauth: {header: Authorization, format: \"Bearer {token}\"}", good: "tier: sealed\n# no auth block";
    IndexDuplicate => "index-duplicate", Error,
        "Two manifests declare the same name@version.",
        "each name@version exists once",
        bad: "manifests/acme/0.1.0.yaml and another file declaring acme 0.1.0", good: "one file per name@version";

    // ---- repository ----
    CatalogStale => "catalog-stale", Error,
        "CATALOG.md does not match the manifests.",
        "run `registryctl catalog` and commit CATALOG.md; it is never edited by hand",
        bad: "(CATALOG.md from before a manifest change)", good: "(CATALOG.md regenerated)";
    SchemaStale => "schema-stale", Error,
        "A JSON Schema under schemas/ does not match the tool's types.",
        "run `registryctl schema manifest > schemas/manifest.schema.json` (and toolspec) and commit",
        bad: "(schemas/ from an older registryctl)", good: "(schemas/ regenerated)";
}

/// One finding: which rule, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    /// The file as the user named it; empty until the loader fills it in.
    pub file: String,
    /// Field path such as `entitlements.egress[2]`; empty for the whole file.
    pub field: String,
    #[serde(skip)]
    pub span: Option<Span>,
    /// Whether the span should point at the key rather than the value.
    #[serde(skip)]
    pub at_key: bool,
    pub message: String,
    pub help: String,
}

impl Diagnostic {
    pub fn new(rule: Rule, field: impl Into<String>, message: String) -> Diagnostic {
        let info = rule.info();
        Diagnostic {
            rule,
            severity: info.severity,
            file: String::new(),
            field: field.into(),
            span: None,
            at_key: false,
            message,
            help: info.help.to_string(),
        }
    }

    pub fn with_span(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn at_key(mut self) -> Diagnostic {
        self.at_key = true;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = help.into();
        self
    }

    pub fn line(&self) -> usize {
        self.span.map_or(1, |s| s.start.line)
    }

    pub fn column(&self) -> usize {
        self.span.map_or(1, |s| s.start.column)
    }

    /// The order every output uses: file, position, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, Rule, &str) {
        (&self.file, self.line(), self.column(), self.rule, &self.message)
    }
}

/// Sorts diagnostics into the stable output order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'), "{id}");
            assert_eq!(Rule::from_id(id), Some(*rule));
            assert!(!rule.info().help.is_empty());
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
