// SPDX-License-Identifier: Apache-2.0
//! One accepting and one rejecting case for every in-file rule, with the exact line and column
//! the rejection points at. File-level rules (layout, pairing across files, policy files,
//! freshness, catalog/sources.tsv) are covered by tests/cli.rs and tests/snapshots.rs (and
//! the sources rules' positions by the unit tests in src/schema/sources.rs), the
//! published-version rules by tests/diff.rs; `every_rule_is_covered` keeps the two lists complete.

mod common;

use registryctl::schema::rules::egress::Denylist;
use registryctl::schema::rules::pairing;
use registryctl::schema::rules::policy::{Exception, Policy};
use registryctl::schema::{
    check_manifest, check_toolspec, locate_late, suppress, Diagnostic, Location, ManifestContext, RepositoryConfig, Rule,
};

#[derive(Clone, Copy)]
enum Target {
    Manifest,
    Toolspec,
    /// Edit the manifest, check the toolspec paired with it.
    Pair,
    /// Edit the manifest, report what its toolspec finds on it (`egress-unused`).
    PairOnManifest,
}

struct Case {
    rule: Rule,
    target: Target,
    find: &'static str,
    good: &'static str,
    bad: &'static str,
    at: (usize, usize),
}

const fn case(rule: Rule, target: Target, find: &'static str, good: &'static str, bad: &'static str, at: (usize, usize)) -> Case {
    Case { rule, target, find, good, bad, at }
}

use Target::{Manifest as M, Pair as P, PairOnManifest as PM, Toolspec as T};

/// The base manifest from its tier to its credential's injection, and the same as an entrusted
/// server that reads its key from the environment.
const SEALED_CREDENTIAL: &str = "tier: sealed
entitlements:
  egress:
    - api.acme.com
    - \"*.uploads.acme.com\"
credentials:
  - id: acme_token
    type: oauth2
    provider: acme
    vendor: acme
    scopes: [widgets.read, widgets.write]
    inject:
      header: Authorization
      format: \"Bearer {token}\"
";
const ENTRUSTED_CREDENTIAL: &str = "tier: entrusted
entitlements:
  egress:
    - api.acme.com
    - \"*.uploads.acme.com\"
credentials:
  - id: acme_token
    type: oauth2
    provider: acme
    vendor: acme
    scopes: [widgets.read, widgets.write]
    inject:
      env: ACME_TOKEN
";

const CASES: &[Case] = &[
    case(Rule::YamlSyntax, M, "tier: sealed", "tier: sealed", "tier: [sealed", (15, 7)),
    case(Rule::YamlAnchor, M, "tier: sealed", "tier: sealed", "tier: &t sealed", (15, 7)),
    case(Rule::YamlTag, M, "tier: sealed", "tier: sealed", "tier: !!str sealed", (15, 7)),
    case(Rule::YamlMultipleDocuments, M, "    default: false\n", "    default: false\n", "    default: false\n---\nname: x\n", (34, 1)),
    case(Rule::YamlTooDeep, M, "icon_placeholder", "", "", (0, 0)),
    case(Rule::YamlDuplicateKey, M, "tier: sealed", "tier: sealed", "tier: sealed\ntier: sealed", (16, 1)),
    case(Rule::YamlUnknownField, M, "displayName:", "displayName:", "displayname:", (4, 1)),
    case(Rule::YamlWrongType, M, "schemaVersion: 1", "schemaVersion: 1", "schemaVersion: \"1\"", (1, 16)),
    case(Rule::YamlBoolean, M, "default: true", "default: true", "default: yes", (31, 14)),
    // YAML read identically by the Go side.
    case(
        Rule::YamlLineBreak,
        M,
        "description: Read and manage Acme widgets.",
        "description: Read and manage Acme widgets.  # paged",
        "description: Read and manage Acme widgets.  # paged\u{2028}icon: https://collect.attacker.net",
        (5, 52),
    ),
    case(Rule::YamlTab, M, "tier: sealed", "tier: sealed", "tier:\tsealed", (15, 6)),
    case(Rule::YamlControlCharacter, M, "tier: sealed", "tier: sealed  # x", "tier: sealed  # \u{202e}x", (15, 17)),
    case(Rule::YamlDirective, M, "schemaVersion: 1\n", "schemaVersion: 1\n", "%YAML 1.2\n---\nschemaVersion: 1\n", (1, 1)),
    case(Rule::YamlSyntax11, M, "scopes: [widgets.read,", "scopes: [\"widgets.read?\",", "scopes: [widgets.read?,", (25, 14)),
    case(Rule::YamlScalar11, M, "displayName: Acme Tools", "displayName: \"yes\"", "displayName: yes", (4, 14)),
    case(
        Rule::TextControlCharacter,
        M,
        "description: Read and manage Acme widgets.",
        "description: \"Read and manage Acme widgets.\"",
        "description: \"Read and manage Acme widgets.\\u202E\"",
        (5, 14),
    ),
    case(
        Rule::TextLayoutCharacter,
        M,
        "description: Read and manage Acme widgets.",
        "description: >-\n  Read and manage\n  Acme widgets.",
        "description: |\n  Read and manage\n  Acme widgets.",
        (6, 3),
    ),
    // Hidden characters: NUL and invisible characters in consent text, any in other values.
    case(
        Rule::TextControlCharacter,
        M,
        "description: Read and manage Acme widgets.",
        "description: \"Read and manage Acme widgets.\\u0001\"  # registryctl: allow(text-layout-character) the conformance fixture's case",
        "description: \"Read and manage Acme widgets.\\0\"",
        (5, 14),
    ),
    case(Rule::TextInvisibleCharacter, M, "displayName: Acme Tools", "displayName: \"Acme Tools \\u26A0\\uFE0F\"", "displayName: \"Acme\\u200BTools\"", (4, 14)),
    case(Rule::TextInvisibleCharacter, M, "displayName: Acme Tools", "displayName: \"Acme Tools\"", "displayName: Acme\u{2060}Tools", (4, 14)),
    case(Rule::TextInvisibleCharacter, M, "displayName: Acme Tools", "displayName: Acme Tools", "displayName: \"Acme\\U000E0041 Tools\"", (4, 14)),
    case(Rule::ValueHiddenCharacter, M, "format: \"Bearer {token}\"", "format: \"Bearer {token}\"", "format: \"Bearer {token}\\u202E\"", (28, 15)),
    case(Rule::ValueHiddenCharacter, M, "- name: list_widgets", "- name: list_widgets", "- name: list\u{200b}_widgets", (30, 11)),
    case(Rule::ValueHiddenCharacter, M, "tier: sealed", "tier: sealed", "tier: \"sealed\\xAD\"", (15, 7)),
    case(Rule::ValueHiddenCharacter, M, "- api.acme.com", "- api.acme.com", "- \"api.acme.com\\x9b\"", (18, 7)),
    case(Rule::ValueHiddenCharacter, T, "- name: limit", "- name: offset", "- name: \"offset\\u202E\\u2066tesffo\"", (11, 15)),
    case(Rule::ValueHiddenCharacter, T, "- name: X-Request-Id", "- name: X-Request-Id", "- name: \"X-Request-Id\\t\"", (30, 15)),
    case(Rule::ScaffoldPlaceholder, M, "description: Read", "description: Read", "description: TODO Read", (5, 14)),
    case(Rule::SchemaVersion, M, "schemaVersion: 1", "schemaVersion: 1", "schemaVersion: 2", (1, 16)),
    case(Rule::Name, M, "name: acme", "name: acme", "name: Acme_Tools", (2, 7)),
    case(Rule::Version, M, "version: 0.1.0", "version: 0.1.0", "version: 01.0.0", (3, 10)),
    case(Rule::SourceRepo, M, "repo: github.com", "repo: github.com", "repo: https://github.com", (8, 9)),
    case(Rule::SourceTag, M, "tag: v0.1.0", "tag: v0.1.0", "tag: \"v0.1.0;rm -rf\"", (9, 8)),
    case(
        Rule::SourcePackage,
        M,
        "  tag: v0.1.0\n",
        "  tag: v0.1.0\n  package: cmd/server\n",
        "  tag: v0.1.0\n  package: ../etc\n",
        (10, 12),
    ),
    case(Rule::ImageRef, M, "ref: ghcr.io/gigmcp/acme-mcp", "ref: ghcr.io/gigmcp/acme-mcp", "ref: ghcr.io/gigmcp/acme-mcp:latest", (11, 8)),
    case(Rule::ImageRef, M, "ref: ghcr.io/gigmcp/acme-mcp", "ref: ghcr.io/gigmcp/acme-mcp", "ref: docker.io/library/acme", (11, 8)),
    case(Rule::ImageDigest, M, "digest: sha256:1111", "digest: sha256:1111", "digest: sha256:abc1111", (12, 11)),
    case(Rule::ImageEntrypoint, M, "entrypoint: /app", "entrypoint: /app", "entrypoint: app", (13, 15)),
    case(Rule::ImageBuilder, M, "builder: toolpack", "builder: toolpack", "builder: rust", (14, 12)),
    case(
        Rule::ToolpackSource,
        M,
        "repo: github.com/gigmcp/toolpack",
        "repo: github.com/gigmcp/toolpack",
        "repo: github.com/attacker/toolpack-fork",
        (8, 9),
    ),
    case(Rule::ToolpackSource, M, "tag: v0.1.0", "tag: v1.2.3", "tag: main", (9, 8)),
    case(
        Rule::SourceTagBranch,
        M,
        "  tag: v0.1.0\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: toolpack\n",
        "  tag: v0.1.0\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: go-static\n",
        "  tag: patch-1\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: go-static\n",
        (9, 8),
    ),
    case(
        Rule::SourceTagMovingRef,
        M,
        "  tag: v0.1.0\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: toolpack\n",
        "  tag: refs/tags/v2.0.0-rc.1\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: go-static\n",
        "  tag: refs/pull/1/head\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: go-static\n",
        (9, 8),
    ),
    case(
        Rule::SourceTagMovingRef,
        M,
        "  tag: v0.1.0\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: toolpack\n",
        "  tag: cmd/server/v1.2\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: go-static\n",
        "  tag: HEAD\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n  digest: sha256:1111111111111111111111111111111111111111111111111111111111111111\n  entrypoint: /app/server\n  builder: go-static\n",
        (9, 8),
    ),
    case(Rule::Tier, M, "tier: sealed", "tier: sealed", "tier: trusted", (15, 7)),
    case(Rule::EgressHost, M, "- api.acme.com", "- api.acme.com", "- \"api.acme.com:443\"", (18, 7)),
    case(Rule::EgressWildcard, M, "- \"*.uploads.acme.com\"", "- \"*.uploads.acme.com\"", "- \"*.com\"", (19, 7)),
    case(Rule::EgressPublicSuffix, M, "- \"*.uploads.acme.com\"", "- \"*.myshopify.com\"", "- \"*.github.io\"", (19, 7)),
    case(Rule::EgressDenylisted, M, "- api.acme.com", "- api.acme.com", "- hooks.webhook.site", (18, 7)),
    case(Rule::EgressReserved, M, "- api.acme.com", "- api.acme.com", "- 10.0.0.1.nip.io", (18, 7)),
    case(Rule::EgressDuplicate, M, "- \"*.uploads.acme.com\"", "- \"*.uploads.acme.com\"", "- api.acme.com", (19, 7)),
    case(
        Rule::EgressMissing,
        M,
        "  egress:\n    - api.acme.com\n    - \"*.uploads.acme.com\"\n",
        "  egress:\n    - api.acme.com\n",
        "  egress: []\n",
        (17, 11),
    ),
    case(Rule::CredentialId, M, "- id: acme_token", "- id: acme_token", "- id: \"\"", (21, 9)),
    case(Rule::CredentialType, M, "type: oauth2", "type: oauth2", "type: OAuth 2", (22, 11)),
    case(Rule::CredentialProvider, M, "provider: acme", "provider: acme", "provider: Acme", (23, 15)),
    case(Rule::CredentialInject, M, "header: Authorization", "header: Authorization", "env: ACME_TOKEN", (27, 12)),
    case(Rule::CredentialVendor, M, "vendor: acme", "vendor: acme", "vendor: Acme Corp", (24, 13)),
    case(
        Rule::CredentialScope,
        M,
        "scopes: [widgets.read, widgets.write]",
        "scopes: [widgets.read]",
        "scopes: [\"widgets read\"]",
        (25, 14),
    ),
    case(
        Rule::CredentialScopeDuplicate,
        M,
        "scopes: [widgets.read, widgets.write]",
        "scopes: [widgets.read, widgets.write]",
        "scopes: [widgets.read, Widgets.Read]",
        (25, 28),
    ),
    case(Rule::OauthNoScopes, M, "scopes: [widgets.read, widgets.write]", "scopes: [widgets.read]", "scopes: []", (25, 13)),
    case(
        Rule::CredentialOnlyFirstInjected,
        M,
        "tools:\n",
        "tools:\n",
        "  - {id: acme_key, type: api_key, provider: acme, inject: {header: X-Key, format: \"{token}\"}}\ntools:\n",
        (29, 5),
    ),
    case(Rule::CredentialEnvUndelivered, M, SEALED_CREDENTIAL, SEALED_CREDENTIAL, ENTRUSTED_CREDENTIAL, (27, 12)),
    case(Rule::HeaderName, M, "header: Authorization", "header: X-Api-Key", "header: Proxy-Authorization", (27, 15)),
    case(Rule::HeaderName, T, "- name: X-Request-Id", "- name: Notion-Version", "- name: X-Forwarded-Host", (30, 15)),
    // One header rule over families, names compared without case and with `_` as `-`.
    case(Rule::HeaderName, M, "header: Authorization", "header: Proxyman-Key", "header: Proxy", (27, 15)),
    case(Rule::HeaderName, M, "header: Authorization", "header: X_Api_Key", "header: X_Forwarded_Host", (27, 15)),
    case(Rule::HeaderName, T, "- name: X-Request-Id", "- name: X-Originality", "- name: X-Original-URI", (30, 15)),
    case(Rule::HeaderName, T, "- name: X-Request-Id", "- name: X-Envoy", "- name: X-Envoy-Upstream-Host", (30, 15)),
    case(Rule::HeaderName, T, "- name: X-Request-Id", "- name: X-Request-Id", "- name: X-Middleware-Subrequest", (30, 15)),
    case(Rule::HeaderName, T, "- name: X-Request-Id", "- name: Forwardable", "- name: Forwarded-For", (30, 15)),
    case(Rule::ToolspecHeaderParam, P, "header: Authorization", "header: X-Api-Key", "header: X_Request_Id", (30, 15)),
    case(Rule::Category, M, "category: productivity", "category: CRM", "category: crm", (6, 11)),
    case(Rule::ToolName, M, "- name: create_widget", "- name: create_widget", "- name: list_widgets", (32, 11)),
    case(Rule::ToolDefault, M, "    default: false\n", "    default: false\n", "", (32, 5)),
    case(Rule::NoDefaultTool, M, "default: true", "default: true", "default: false", (30, 3)),
    case(
        Rule::ToolspecBaseUrl,
        T,
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://api.acme.com/v1\n",
        (4, 10),
    ),
    case(Rule::ToolspecAuth, T, "tools:\n", "tools:\n", "auth: {header: X-Key, format: key}\ntools:\n", (5, 31)),
    case(Rule::ToolspecTools, T, "- name: create_widget", "- name: create_widget", "- name: list_widgets", (15, 11)),
    case(Rule::ToolspecMethod, T, "method: GET", "method: GET", "method: get", (8, 13)),
    case(Rule::ToolspecPath, T, "path: /v1/widgets\n", "path: /v1/widgets\n", "path: v1/widgets?x=1\n", (9, 11)),
    case(Rule::ToolspecEncoding, T, "encoding: form", "encoding: json", "encoding: xml", (20, 15)),
    case(
        Rule::ToolspecDescription,
        T,
        "description: List the widgets in the account, newest first, to find a widget id.",
        "description: List the widgets in the account, newest first.",
        "description: \"\"",
        (7, 18),
    ),
    case(
        Rule::ToolspecDescriptionShort,
        T,
        "description: List the widgets in the account, newest first, to find a widget id.",
        "description: List the widgets, newest first.",
        "description: Lists widgets",
        (7, 18),
    ),
    case(Rule::ToolspecParamName, T, "- name: X-Request-Id", "- name: X-Request-Id", "- name: title", (30, 15)),
    case(Rule::ToolspecParamIn, T, "in: query", "in: query", "in: cookie", (12, 13)),
    case(Rule::ToolspecParamType, T, "type: integer", "type: number", "type: int", (13, 15)),
    case(
        Rule::ToolspecPathParam,
        T,
        "/v1/folders/{folder_id}/widgets",
        "/v1/folders/{folder_id}/widgets",
        "/v1/folders/{folder}/widgets",
        (18, 11),
    ),
    case(Rule::ToolspecBodyParam, T, "method: POST", "method: PUT", "method: DELETE", (27, 13)),
    case(Rule::PairingManifest, P, "version: 0.1.0", "version: 0.1.0", "version: 0.2.0", (2, 7)),
    case(Rule::PairingTools, T, "- name: create_widget", "- name: create_widget", "- name: delete_widget", (15, 11)),
    case(
        Rule::PairingEgress,
        T,
        "baseUrl: https://eu.uploads.acme.com",
        "baseUrl: https://eu.uploads.acme.com",
        "baseUrl: https://uploads.acme.com",
        (19, 14),
    ),
    case(Rule::PairingAuth, T, "tools:\n", "tools:\n", "auth: {header: X-Key, format: \"{token}\"}\ntools:\n", (5, 7)),
    case(Rule::PairingBuilder, P, "builder: toolpack", "builder: toolpack", "builder: go-static", (1, 1)),
    // ==== hosts, URLs and pairing (issue 16.3, 24.1, 24.2, 26.1, 26.6, 22.3) ====
    case(Rule::EgressInternalName, M, "- api.acme.com", "- api.acme.com", "- kubernetes.default.svc", (18, 7)),
    case(Rule::EgressInternalName, M, "- \"*.uploads.acme.com\"", "- \"*.uploads.acme.com\"", "- \"*.service.consul\"", (19, 7)),
    case(Rule::EgressPublicSuffix, M, "- \"*.uploads.acme.com\"", "- \"*.uploads.acme.com\"", "- \"*.amazonaws.com\"", (19, 7)),
    case(Rule::EgressReserved, M, "- api.acme.com", "- api.acme.com", "- 7f000001.0a000001.rbndr.us", (18, 7)),
    case(
        Rule::ToolWireName,
        M,
        "- name: create_widget",
        "- name: create_widget",
        "- name: create_a_widget_in_the_folder_given_with_the_title_and_the_body",
        (32, 11),
    ),
    case(
        Rule::ToolspecBaseUrl,
        T,
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://kubernetes.default.svc\n",
        (4, 10),
    ),
    case(
        Rule::ToolspecBaseUrl,
        T,
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://api.acme.com/\n",
        (4, 10),
    ),
    case(
        Rule::ToolspecBaseUrl,
        T,
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://api.acme.com\n",
        "baseUrl: https://x@api.acme.com\n",
        (4, 10),
    ),
    case(
        Rule::ToolspecBaseUrl,
        T,
        "baseUrl: https://eu.uploads.acme.com",
        "baseUrl: https://eu.uploads.acme.com",
        "baseUrl: https://eu.uploads.acme.com.",
        (19, 14),
    ),
    case(Rule::ToolspecPath, T, "path: /v1/widgets\n", "path: /v1/widgets/\n", "path: //evil.example.org/x\n", (9, 11)),
    case(Rule::ToolspecPath, T, "path: /v1/widgets\n", "path: /v1/widgets.json\n", "path: /a/%2e%2e/admin\n", (9, 11)),
    case(Rule::ToolspecPath, T, "path: /v1/widgets\n", "path: /v1/widgets:search\n", "path: /open/v1/{projectId/data\n", (9, 11)),
    case(Rule::ToolspecPath, T, "path: /v1/widgets\n", "path: /v1/@me/widgets\n", "path: /a\\b/widgets\n", (9, 11)),
    case(
        Rule::ToolspecPathParam,
        T,
        "/v1/folders/{folder_id}/widgets",
        "/v1/folders/{folder_id}.json",
        "/v1/folders/{folder_id}/{limit}",
        (18, 11),
    ),
    case(
        Rule::PairingEgress,
        T,
        "baseUrl: https://eu.uploads.acme.com",
        "baseUrl: https://us.uploads.acme.com",
        "baseUrl: https://a.eu.uploads.acme.com",
        (19, 14),
    ),
    case(
        Rule::EgressUnused,
        PM,
        "    - \"*.uploads.acme.com\"\n",
        "    - \"*.uploads.acme.com\"\n",
        "    - \"*.uploads.acme.com\"\n    - \"*.cdn.acme.com\"\n",
        (20, 7),
    ),
    case(Rule::ToolDefaultWrite, T, "method: GET", "method: POST", "method: PATCH", (8, 13)),
    case(
        Rule::SuppressionInvalid,
        M,
        "scopes: [widgets.read, widgets.write]",
        "scopes: []  # registryctl: allow(oauth2-no-scopes) Acme's OAuth defines no scopes",
        "scopes: []  # registryctl: allow(oauth2-no-scopes)",
        (25, 17),
    ),
    case(
        Rule::SuppressionUnused,
        M,
        "scopes: [widgets.read, widgets.write]",
        "scopes: []  # registryctl: allow(oauth2-no-scopes) Acme's OAuth defines no scopes",
        "scopes: [widgets.read]  # registryctl: allow(oauth2-no-scopes) Acme's OAuth defines no scopes",
        (25, 29),
    ),
];

/// Rules exercised with real files by tests/cli.rs and tests/snapshots.rs instead.
const FILE_LEVEL: &[Rule] = &[
    Rule::FileTooLarge,
    Rule::FileNotUtf8,
    Rule::FileSymlink,
    Rule::FileExtension,
    Rule::FileLocation,
    Rule::FileNotRegular,
    Rule::FileHardlink,
    Rule::PathMismatch,
    Rule::BuilderDockerfile,
    Rule::PolicyException,
    Rule::PolicyExceptionExpired,
    Rule::PolicyExceptionUnused,
    Rule::RegistryConfig,
    Rule::IndexDuplicate,
    Rule::ImageDigestDuplicate,
    Rule::CatalogStale,
    Rule::SchemaStale,
    Rule::SourcesMissing,
    Rule::SourcesUnknownServer,
    Rule::SourcesRow,
    Rule::SourcesKind,
    Rule::SourcesWhere,
    Rule::SourcesChecked,
    Rule::SourcesTools,
    // Two trees compared by `registryctl diff`: tests/diff.rs.
    Rule::PublishedVersionChanged,
    Rule::PublishedDigestChanged,
    Rule::PublishedVersionRemoved,
];

fn policy() -> Policy {
    Policy {
        denylist: Denylist::parse("webhook.site\n"),
        exceptions: vec![Exception {
            server: "acme".into(),
            egress: "*.myshopify.com".into(),
            reason: "test".into(),
            expires: "2999-01-01".into(),
        }],
        today: "2026-01-01".into(),
    }
}

const AT: Option<Location<'static>> = Some(Location { dir: "acme", file: "0.1.0.yaml" });

/// The repository configuration every case is checked with (this repository's values).
fn repository() -> RepositoryConfig {
    RepositoryConfig { image_prefix: Some("ghcr.io/gigmcp".into()), toolpack_repo: Some("github.com/gigmcp/toolpack".into()) }
}

fn run(target: Target, edit: &dyn Fn(&str) -> String) -> Vec<Diagnostic> {
    let manifest_text = common::manifest("acme", "0.1.0");
    let toolspec_text = common::toolspec("acme", "0.1.0");
    let repository = repository();
    let ctx = ManifestContext { repository: Some(&repository), ..ManifestContext::default() };
    let (m_text, t_text) = match target {
        Target::Manifest => {
            // As the registry pipeline does: the file's suppression comments apply to its findings.
            let text = edit(&manifest_text);
            let mut diags = check_manifest(&text, AT, &policy(), &ctx).diags;
            suppress::apply(&text, &mut diags);
            return diags;
        }
        Target::Toolspec => (manifest_text, edit(&toolspec_text)),
        Target::Pair => (edit(&manifest_text), toolspec_text),
        Target::PairOnManifest => return on_manifest(&edit(&manifest_text), &toolspec_text),
    };
    let checked = check_manifest(&m_text, AT, &policy(), &ctx);
    let m = checked.manifest.expect("the manifest parses");
    check_toolspec(&t_text, AT, |n, v| (n == m.name && v == m.version).then_some(&m)).1
}

/// The manifest's own findings, and those its toolspec makes on it, located in its text.
fn on_manifest(m_text: &str, t_text: &str) -> Vec<Diagnostic> {
    let checked = check_manifest(m_text, AT, &policy(), &ManifestContext::default());
    let m = checked.manifest.expect("the manifest parses");
    let t = check_toolspec(t_text, AT, |_, _| Some(&m)).0.expect("the toolspec parses");
    let mut found = pairing::egress_unused(&t, &m);
    locate_late(m_text, &mut found);
    checked.diags.into_iter().chain(found).collect()
}

fn describe(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("{}@{}:{} {} ", d.rule.id(), d.line(), d.column(), d.message)).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_valid_bases_are_clean() {
    assert_eq!(describe(&run(Target::Manifest, &|s| s.to_string())), "");
    assert_eq!(describe(&run(Target::Toolspec, &|s| s.to_string())), "");
}

#[test]
fn each_rule_accepts_its_good_case_and_rejects_its_bad_case_at_the_right_place() {
    for c in CASES.iter().filter(|c| c.rule != Rule::YamlTooDeep) {
        let id = c.rule.id();
        let base = match c.target {
            Target::Manifest | Target::Pair | Target::PairOnManifest => common::manifest("acme", "0.1.0"),
            Target::Toolspec => common::toolspec("acme", "0.1.0"),
        };
        assert!(base.contains(c.find), "{id}: the base has no `{}`", c.find);
        let good = run(c.target, &|s| s.replacen(c.find, c.good, 1));
        assert_eq!(describe(&good), "", "{id}: the good case must be clean");
        let bad = run(c.target, &|s| s.replacen(c.find, c.bad, 1));
        let hit = bad.iter().find(|d| d.rule == c.rule && (d.line(), d.column()) == c.at);
        let hit = hit.unwrap_or_else(|| panic!("{id}: not reported at {:?}; got:\n{}", c.at, describe(&bad)));
        assert!(!hit.help.is_empty() && !hit.message.is_empty());
    }
}

#[test]
fn too_deep_nesting_is_rejected_at_the_level_that_exceeds() {
    let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
    let diags = run(Target::Manifest, &|s| s.replacen("Acme Tools", &deep, 1));
    let hit = diags.iter().find(|d| d.rule == Rule::YamlTooDeep).expect("reported");
    // The root mapping is one level, so the 32nd bracket is the first one too deep.
    assert_eq!((hit.line(), hit.column()), (4, 14 + 31));
}

#[test]
fn every_rule_is_covered() {
    for rule in Rule::ALL {
        let in_table = CASES.iter().any(|c| c.rule == *rule);
        assert!(in_table ^ FILE_LEVEL.contains(rule), "{} must be in exactly one of CASES and FILE_LEVEL", rule.id());
    }
}

#[test]
fn every_problem_in_a_file_is_reported_not_only_the_first() {
    let text = common::manifest("acme", "0.1.0")
        .replacen("tier: sealed", "tier: trusted", 1)
        .replacen("- api.acme.com", "- 127.1.2.3", 1)
        .replacen("category: productivity", "category: crm", 1)
        .replacen("displayName:", "displayname:", 1);
    let diags = run(Target::Manifest, &|_| text.clone());
    let rules: Vec<Rule> = diags.iter().map(|d| d.rule).collect();
    for r in [Rule::Tier, Rule::EgressHost, Rule::Category, Rule::YamlUnknownField] {
        assert!(rules.contains(&r), "{} missing from {rules:?}", r.id());
    }
}

#[test]
fn a_wrong_type_is_reported_once_not_again_by_the_field_rule() {
    let diags = run(Target::Manifest, &|s| s.replacen("name: acme", "name: [acme]", 1));
    assert_eq!(diags.iter().filter(|d| d.field == "name").count(), 1, "{}", describe(&diags));
}

/// A hidden character in a value is one finding, not one more from the field's own rule; a raw
/// one the file's character scan reports is not reported again by the value or text rules.
#[test]
fn a_hidden_character_in_a_value_is_one_finding() {
    for (find, bad, rule) in [
        ("tier: sealed", "tier: \"sealed\\u200B\"", Rule::ValueHiddenCharacter),
        ("name: acme", "name: \"acme\\u2060\"", Rule::ValueHiddenCharacter),
        ("header: Authorization", "header: \"Authori\\u00ADzation\"", Rule::ValueHiddenCharacter),
        ("- name: list_widgets", "- name: \"list_widgets\\uFE0F\"", Rule::ValueHiddenCharacter),
        ("category: productivity", "category: \"productivity\\u034F\"", Rule::ValueHiddenCharacter),
        ("tag: v0.1.0", "tag: \"v0.1.0\\n\"", Rule::ValueHiddenCharacter),
        ("tier: sealed", "tier: seal\u{200b}ed", Rule::ValueHiddenCharacter),
        ("tier: sealed", "tier: \"sealed\u{1}\"", Rule::YamlControlCharacter),
        ("tier: sealed", "tier: \"sealed\u{202e}\"", Rule::YamlControlCharacter),
        ("displayName: Acme Tools", "displayName: Acme\u{202e}Tools", Rule::YamlControlCharacter),
        ("displayName: Acme Tools", "displayName: \"Acme\u{7f}Tools\"", Rule::YamlControlCharacter),
        ("displayName: Acme Tools", "displayName: \"Acmé\u{85}Tools\"", Rule::YamlLineBreak),
        ("displayName: Acme Tools", "displayName: \"Ácme\u{2028}Tools\"", Rule::YamlLineBreak),
        ("description: Read and manage Acme widgets.", "description: \"Réad\tand\"", Rule::YamlTab),
        ("description: Read and manage Acme widgets.", "description: >-\n  Réad 🚀\u{202e} and\n  manage", Rule::YamlControlCharacter),
        ("description: Read and manage Acme widgets.", "description: >-\n  Réad\u{1b}[31m\n  manage", Rule::YamlControlCharacter),
    ] {
        let diags = run(Target::Manifest, &|s| s.replacen(find, bad, 1));
        assert_eq!(diags.len(), 1, "{bad}: {}", describe(&diags));
        assert_eq!(diags[0].rule, rule, "{bad}");
    }
    // A tool name is compared with the other file's as a reader sees it: no pairing-tools too,
    // on the toolspec (its own finding) nor on the toolspec paired with such a manifest.
    for (target, want) in [(Target::Toolspec, &[Rule::ValueHiddenCharacter][..]), (Target::Pair, &[])] {
        let diags = run(target, &|s| s.replacen("- name: list_widgets", "- name: \"list_widgets\\u034F\"", 1));
        assert_eq!(diags.iter().map(|d| d.rule).collect::<Vec<_>>(), want, "{}", describe(&diags));
    }
    // A toolspec's consent-screen text, the same way.
    let diags = run(Target::Toolspec, &|s| s.replacen("description: Maximum number of widgets.", "description: \"Máximum\u{1}\"", 1));
    assert_eq!(diags.iter().map(|d| d.rule).collect::<Vec<_>>(), [Rule::YamlControlCharacter], "{}", describe(&diags));
    // A raw character and an escaped one in the same value: the escaped one is still reported.
    let diags = run(Target::Manifest, &|s| s.replacen("tier: sealed", "tier: \"sealed\u{1}\\u200B\"", 1));
    let rules: Vec<Rule> = diags.iter().map(|d| d.rule).collect();
    assert_eq!(rules, [Rule::YamlControlCharacter, Rule::ValueHiddenCharacter], "{}", describe(&diags));
    // CRLF line ends are not hidden characters; a lone carriage return is the scan's finding alone.
    let diags = run(Target::Manifest, &|s| s.replace('\n', "\r\n").replacen("tier: sealed", "tier: \"séaled\\u200B\"", 1));
    assert_eq!(diags.iter().map(|d| d.rule).collect::<Vec<_>>(), [Rule::ValueHiddenCharacter], "{}", describe(&diags));
    let diags = run(Target::Manifest, &|s| s.replacen("displayName: Acme Tools", "displayName: Ácme\rTools", 1));
    assert_eq!(diags.iter().map(|d| d.rule).collect::<Vec<_>>(), [Rule::YamlLineBreak], "{}", describe(&diags));
}

/// `build-args` refuses a value with any hidden character, not only a control character: the
/// lint refuses such a manifest first, and what reaches `$GITHUB_ENV` is checked again.
#[test]
fn build_args_refuses_a_hidden_character_in_any_value() {
    let text = common::manifest("acme", "0.1.0");
    let m = check_manifest(&text, AT, &policy(), &ManifestContext::default()).manifest.expect("the base manifest reads");
    assert!(registryctl::schema::build_args(&m, "ghcr.io/gigmcp/acme-mcp").is_ok());
    for bad in ["0.1.0\nEVIL=1", "0.1.0\u{202e}", "0.1.0\u{200b}", "0.1.0\u{85}"] {
        let mut m = m.clone();
        m.version = bad.to_string();
        let err = registryctl::schema::build_args(&m, "ghcr.io/gigmcp/acme-mcp").expect_err(bad);
        assert!(err.starts_with("VERSION is empty or holds a control, bidi or invisible character"), "{bad:?}: {err}");
    }
}

/// A header parameter `header-name` refuses as an argument (a credential header) is that one
/// finding, not also `toolspec-header-param` for the credential header it would set.
#[test]
fn a_credential_header_parameter_is_one_finding() {
    for name in ["authorization", "Cookie", "AUTHORIZATION"] {
        let diags = run(Target::Toolspec, &|s| s.replacen("- name: X-Request-Id", &format!("- name: {name}"), 1));
        assert_eq!(
            diags.iter().map(|d| (d.rule, d.line(), d.column())).collect::<Vec<_>>(),
            [(Rule::HeaderName, 30, 15)],
            "{name}: {}",
            describe(&diags)
        );
    }
}
