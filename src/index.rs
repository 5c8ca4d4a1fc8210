// SPDX-License-Identifier: Apache-2.0
//! The signed index: its shape, Go-compatible JSON bytes, the manifest hashes, the gateway's
//! ref grammar, the "latest version" rule, and the validation of index bytes before signing.
//!
//! The gateway verifies the signature over the exact bytes, so the encoding must match Go's
//! encoding/json byte for byte: struct field order, sorted map keys, no whitespace, and Go's
//! string escaping (`<`, `>`, `&`, U+2028 and U+2029 escaped; control characters as `\n` or
//! `\u00XX`; DEL and other non-ASCII written raw).
//!
//! Two optional keys follow Go's three, `serial` and `expires` ([`crate::trust`] stamps and
//! checks them). The gateway's decoder ignores keys it does not know but matches known ones
//! case-insensitively, so no added key may fold to `schemaVersion`, `generated` or `servers`.
//! The gateway reads at most [`GATEWAY_INDEX_LIMIT`] bytes of index.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::Severity;
use crate::schema::patterns::NAME;
use crate::schema::{rules, Manifest};

/// `index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Index {
    /// Always 1.
    pub schema_version: i64,
    /// RFC 3339, UTC, whole seconds.
    pub generated: String,
    /// Servers by name.
    pub servers: BTreeMap<String, Server>,
    /// Counts publishes: each signed index has a greater serial than the one before, so an
    /// older index cannot be replayed to a reader that remembers the last one. Written only
    /// when set (`build-index --serial`); 1 to [`MAX_SERIAL`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<u64>,
    /// RFC 3339, UTC, whole seconds: readers refuse the index after this time, so a stale
    /// copy cannot be served forever. Written only when set (`build-index --expires`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// The top-level keys the gateway's Go struct decodes. Its decoder matches keys
/// case-insensitively, so an added key must differ from each of these in more than case.
pub const GO_INDEX_KEYS: [&str; 3] = ["schemaVersion", "generated", "servers"];

/// The largest serial: 2^53 − 1, so every JSON reader (JavaScript's numbers, jq's doubles)
/// reads it exactly.
pub const MAX_SERIAL: u64 = (1 << 53) - 1;

/// The most index bytes a gateway reads: it wraps the download in `io.LimitReader(…, 32<<20)`
/// and verifies what it read, so a larger index is cut short and fails verification on every
/// gateway, silently. About 25,000 server versions fit.
pub const GATEWAY_INDEX_LIMIT: u64 = 32 << 20;

/// How an index's size compares with [`GATEWAY_INDEX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexSize {
    /// At most three quarters of the limit.
    Fits,
    /// Over three quarters of the limit: still read whole, but close to being cut.
    NearLimit,
    /// Over the limit: every gateway would cut it and fail to verify it.
    OverLimit,
}

/// Where `len` bytes of index stand against the gateway's limit.
pub fn index_size(len: u64) -> IndexSize {
    if len > GATEWAY_INDEX_LIMIT {
        IndexSize::OverLimit
    } else if len > GATEWAY_INDEX_LIMIT / 4 * 3 {
        IndexSize::NearLimit
    } else {
        IndexSize::Fits
    }
}

/// One server's versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// The highest version, by [`latest_version`].
    pub latest: String,
    /// Boxed: a B-tree node holds eleven values, and most servers have one version.
    pub versions: BTreeMap<String, Box<Manifest>>,
}

/// Why an index could not be built, read or resolved against, or is not one `build-index`
/// would write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// Two manifests with the same name and version.
    #[error("{name}@{version} is declared twice")]
    Duplicate {
        /// The server.
        name: String,
        /// The version.
        version: String,
    },
    /// A ref outside the grammar.
    #[error("`{0}`: a ref is name, name@version or sha256:<64 hex>")]
    BadRef(String),
    /// No server of that name.
    #[error("no server `{0}` in the index")]
    NoServer(String),
    /// No such version of the server.
    #[error("no version {1} of `{0}` in the index")]
    NoVersion(String, String),
    /// No manifest pins that digest.
    #[error("no manifest in the index pins image digest {0}")]
    NoDigest(String),
    /// More than one manifest pins that digest, so the ref names none of them.
    #[error("{digest} is pinned by {} entries ({}); resolve one of them as name@version", candidates.len(), candidates.join(", "))]
    AmbiguousDigest {
        /// The digest ref.
        digest: String,
        /// Every `name@version` that pins it, in index order.
        candidates: Vec<String>,
    },
    /// The bytes do not parse as an index.
    #[error("not an index: {0}")]
    NotAnIndex(String),
    /// A schema version other than 1.
    #[error("schemaVersion {0} is not 1")]
    SchemaVersion(i64),
    /// A manifest under another server's or version's key.
    #[error("servers.{name}.versions.{version} holds {found}")]
    Misplaced {
        /// The server key.
        name: String,
        /// The version key.
        version: String,
        /// What the manifest says it is.
        found: String,
    },
    /// A manifest that fails a rule.
    #[error("{name}@{version}: {finding}")]
    InvalidManifest {
        /// The server.
        name: String,
        /// The version.
        version: String,
        /// The first error: field, rule id and message.
        finding: String,
    },
    /// `latest` is not the highest version.
    #[error("servers.{name}.latest is {latest} but the highest version is {highest}")]
    WrongLatest {
        /// The server.
        name: String,
        /// What the index says.
        latest: String,
        /// What it should say.
        highest: String,
    },
    /// Valid content in other bytes than `build-index` writes.
    #[error("the bytes are not the canonical encoding build-index writes")]
    NotCanonical,
    /// A serial outside 1 ..= [`MAX_SERIAL`].
    #[error("serial {0} is not between 1 and {MAX_SERIAL} (2^53 - 1)")]
    BadSerial(u64),
    /// A timestamp that is not RFC 3339 UTC in whole seconds.
    #[error("{field} `{value}` is not an RFC 3339 UTC time in whole seconds, like 2026-01-16T03:04:05Z")]
    BadTime {
        /// `generated` or `expires`.
        field: &'static str,
        /// What the index says.
        value: String,
    },
    /// A time before 1970 or after 9999-12-31T23:59:59Z, which RFC 3339 cannot write.
    #[error("`{field}` would be {value}, which is not between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the times an index can hold")]
    TimeOutOfRange {
        /// `generated` or `expires`.
        field: &'static str,
        /// How the time was given.
        value: String,
    },
    /// An expiry that is not after the index was generated.
    #[error("expires {expires} is not after generated {generated}")]
    ExpiresTooEarly {
        /// When the index would expire.
        expires: String,
        /// When it was generated.
        generated: String,
    },
    /// An index larger than a gateway reads.
    #[error(
        "the index is {size} bytes, over the gateway's limit of {limit} bytes (32 MiB): every gateway would read it cut short and fail to verify it"
    )]
    TooLarge {
        /// The index's size in bytes.
        size: u64,
        /// [`GATEWAY_INDEX_LIMIT`].
        limit: u64,
    },
}

/// Compares two MAJOR.MINOR.PATCH versions numerically, at any length of digits.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let num = |x: &str| -> Vec<(usize, String)> {
        x.split('.').map(|p| (p.trim_start_matches('0').len(), p.trim_start_matches('0').to_string())).collect()
    };
    num(a).cmp(&num(b))
}

/// The highest of some versions: what `latest` means in the index, in CATALOG.md and for
/// build-args on a server directory.
pub fn latest_version<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    versions.into_iter().max_by(|a, b| compare_versions(a, b))
}

/// Builds the index from valid manifests. `generated` is the RFC 3339 timestamp.
pub fn build(manifests: impl IntoIterator<Item = Manifest>, generated: String) -> Result<Index, IndexError> {
    let mut servers: BTreeMap<String, Server> = BTreeMap::new();
    for m in manifests {
        let server = servers.entry(m.name.clone()).or_insert_with(|| Server { latest: String::new(), versions: BTreeMap::new() });
        if server.versions.contains_key(&m.version) {
            return Err(IndexError::Duplicate { name: m.name, version: m.version });
        }
        server.versions.insert(m.version.clone(), Box::new(m));
    }
    for server in servers.values_mut() {
        server.latest = latest_version(server.versions.keys().map(String::as_str)).unwrap_or_default().to_string();
    }
    Ok(Index { schema_version: 1, generated, servers, serial: None, expires: None })
}

/// The `generated` timestamp: `SOURCE_DATE_EPOCH` seconds when given, else now; refused past
/// 9999-12-31T23:59:59Z (and before 1970, a clock set wrong), which RFC 3339 cannot write.
pub fn timestamp(source_date_epoch: Option<u64>) -> Result<String, IndexError> {
    let (t, value) = match source_date_epoch {
        Some(s) => (crate::trust::from_unix_seconds(s), format!("SOURCE_DATE_EPOCH {s}")),
        None => (Some(std::time::SystemTime::now()), "the system clock".to_string()),
    };
    t.and_then(crate::trust::rfc3339).ok_or(IndexError::TimeOutOfRange { field: "generated", value })
}

/// Parses index bytes (no validation beyond the shape; see [`validate_bytes`]).
pub fn parse(bytes: &[u8]) -> Result<Index, IndexError> {
    serde_json::from_slice(bytes).map_err(|e| IndexError::NotAnIndex(e.to_string()))
}

/// Checks that `bytes` are an index this tool would have written: strict shape, valid
/// manifests under the right keys, the right latest versions, and Go's exact encoding.
pub fn validate_bytes(bytes: &[u8]) -> Result<Index, IndexError> {
    if index_size(bytes.len() as u64) == IndexSize::OverLimit {
        return Err(IndexError::TooLarge { size: bytes.len() as u64, limit: GATEWAY_INDEX_LIMIT });
    }
    let idx = parse(bytes)?;
    if idx.schema_version != 1 {
        return Err(IndexError::SchemaVersion(idx.schema_version));
    }
    crate::trust::check_stamp(&idx)?;
    for (name, server) in &idx.servers {
        for (version, m) in &server.versions {
            if &m.name != name || &m.version != version {
                let found = format!("{}@{}", m.name, m.version);
                return Err(IndexError::Misplaced { name: name.clone(), version: version.clone(), found });
            }
            if let Some(d) = rules::manifest_rules(m).into_iter().find(|d| d.severity == Severity::Error) {
                let finding = format!("{} [{}] {}", d.field, d.rule.id(), d.message);
                return Err(IndexError::InvalidManifest { name: name.clone(), version: version.clone(), finding });
            }
        }
        let highest = latest_version(server.versions.keys().map(String::as_str));
        if highest != Some(server.latest.as_str()) {
            let highest = highest.unwrap_or("none").to_string();
            return Err(IndexError::WrongLatest { name: name.clone(), latest: server.latest.clone(), highest });
        }
    }
    if to_go_json(&idx) != bytes {
        return Err(IndexError::NotCanonical);
    }
    Ok(idx)
}

/// Escapes strings the way Go's encoding/json does.
struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let esc: &[u8] = match c {
                '<' => b"\\u003c",
                '>' => b"\\u003e",
                '&' => b"\\u0026",
                '\u{2028}' => b"\\u2028",
                '\u{2029}' => b"\\u2029",
                _ => continue,
            };
            w.write_all(&fragment.as_bytes()[start..i])?;
            w.write_all(esc)?;
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes a value exactly as Go's `json.Marshal` would, to any writer (the index is streamed
/// to its file rather than built in memory).
pub fn write_go_json<T: Serialize, W: io::Write>(value: &T, writer: W) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, GoFormatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// [`write_go_json`] that passes at most `cap` bytes to `writer` and counts the rest, so an
/// index over the gateway's limit is measured without being written whole. Returns the
/// encoding's full length.
pub fn write_go_json_capped<T: Serialize, W: io::Write>(value: &T, writer: W, cap: u64) -> io::Result<u64> {
    let mut capped = Capped { inner: writer, cap, count: 0 };
    write_go_json(value, &mut capped)?;
    Ok(capped.count)
}

/// A writer that forwards the first `cap` bytes and only counts the rest.
struct Capped<W> {
    inner: W,
    cap: u64,
    count: u64,
}

impl<W: io::Write> io::Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = usize::try_from(self.cap.saturating_sub(self.count)).unwrap_or(usize::MAX).min(buf.len());
        self.inner.write_all(&buf[..room])?;
        self.count += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Serializes a value exactly as Go's `json.Marshal` would.
pub fn to_go_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    // Writing plain data structs into a Vec cannot fail.
    write_go_json(value, &mut out).expect("serializing plain data into memory");
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 of the manifest's JSON encoding: changes whenever anything in the manifest changes.
pub fn hash(m: &Manifest) -> String {
    sha256_hex(&to_go_json(m))
}

/// The hash with presentation fields and the image digest cleared: it changes only when what
/// the server may do changes, which is what forces re-consent in a gateway.
pub fn runtime_hash(m: &Manifest) -> String {
    let mut r = m.clone();
    r.image.digest.clear();
    r.display_name.clear();
    r.description.clear();
    r.category = None;
    r.icon.clear();
    for c in &mut r.credentials {
        c.vendor.clear();
    }
    sha256_hex(&to_go_json(&r))
}

/// Resolves `name`, `name@version` or `sha256:<digest>` to a manifest in the index.
pub fn resolve<'a>(index: &'a Index, reference: &str) -> Result<&'a Manifest, IndexError> {
    if let Some(hex) = reference.strip_prefix("sha256:") {
        if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(IndexError::BadRef(reference.into()));
        }
        let mut pinned = index.servers.values().flat_map(|s| s.versions.values()).filter(|m| m.image.digest == reference);
        let first = pinned.next().ok_or_else(|| IndexError::NoDigest(reference.into()))?;
        let rest: Vec<&Manifest> = pinned.map(|m| &**m).collect();
        if rest.is_empty() {
            return Ok(first);
        }
        let candidates = std::iter::once(&**first).chain(rest).map(|m| format!("{}@{}", m.name, m.version)).collect();
        return Err(IndexError::AmbiguousDigest { digest: reference.into(), candidates });
    }
    let (name, version) = match reference.split_once('@') {
        Some((_, "")) | Some(("", _)) => return Err(IndexError::BadRef(reference.into())),
        Some((n, v)) => (n, Some(v)),
        None => (reference, None),
    };
    if !NAME.is_match(name) {
        return Err(IndexError::BadRef(reference.into()));
    }
    let server = index.servers.get(name).ok_or_else(|| IndexError::NoServer(name.into()))?;
    let version = version.unwrap_or(&server.latest);
    server.versions.get(version).map(|m| &**m).ok_or_else(|| IndexError::NoVersion(name.into(), version.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("0.10.0", "0.9.1"), Ordering::Greater);
        assert_eq!(compare_versions("0.2.0", "0.10.0"), Ordering::Less);
        assert_eq!(compare_versions("1.0.0", "1.0.0"), Ordering::Equal);
        assert_eq!(compare_versions("99999999999999999999999.0.0", "9.0.0"), Ordering::Greater);
        assert_eq!(latest_version(["0.9.0", "0.10.0", "0.2.0"]), Some("0.10.0"));
        assert_eq!(latest_version([]), None);
    }

    #[test]
    fn go_string_escaping() {
        let s = "<a> & \u{2028}\u{2029} \n\t\u{1} \u{7f} é 🚀 \\ / \"";
        let got = String::from_utf8(to_go_json(&s)).unwrap();
        assert_eq!(got, "\"\\u003ca\\u003e \\u0026 \\u2028\\u2029 \\n\\t\\u0001 \u{7f} é 🚀 \\\\ / \\\"\"");
    }

    #[test]
    fn index_bytes_are_validated() {
        assert!(matches!(validate_bytes(b"{}"), Err(IndexError::NotAnIndex(_))));
        let empty = br#"{"schemaVersion":1,"generated":"2026-01-01T00:00:00Z","servers":{}}"#;
        assert!(validate_bytes(empty).is_ok());
        let pretty = br#"{"schemaVersion": 1,"generated":"2026-01-01T00:00:00Z","servers":{}}"#;
        assert_eq!(validate_bytes(pretty), Err(IndexError::NotCanonical));
        let v2 = br#"{"schemaVersion":2,"generated":"x","servers":{}}"#;
        assert_eq!(validate_bytes(v2), Err(IndexError::SchemaVersion(2)));
    }

    #[test]
    fn a_digest_pinned_twice_resolves_to_neither() {
        let m = |name: &str, version: &str, digest: &str| {
            serde_json::from_value::<Manifest>(serde_json::json!({
                "schemaVersion": 1, "name": name, "version": version,
                "source": {"repo": "github.com/a/b", "tag": "v1.0.0"},
                "image": {"ref": "ghcr.io/a/b", "digest": digest, "entrypoint": "/app/server"},
                "tier": "sealed", "entitlements": {}
            }))
            .unwrap()
        };
        let (one, two) = (format!("sha256:{}", "1".repeat(64)), format!("sha256:{}", "2".repeat(64)));
        let idx = build([m("a", "1.0.0", &one), m("b", "1.0.0", &two), m("c", "2.0.0", &two)], "t".into()).unwrap();
        assert_eq!(resolve(&idx, &one).map(|m| m.name.as_str()), Ok("a"));
        let err = resolve(&idx, &two).unwrap_err();
        assert_eq!(err, IndexError::AmbiguousDigest { digest: two.clone(), candidates: vec!["b@1.0.0".into(), "c@2.0.0".into()] });
        assert!(err.to_string().contains("pinned by 2 entries (b@1.0.0, c@2.0.0)"));
    }

    #[test]
    fn serial_and_expires_come_after_gos_keys_and_only_when_set() {
        let mut idx = build([], "2026-01-02T03:04:05Z".into()).unwrap();
        let plain = br#"{"schemaVersion":1,"generated":"2026-01-02T03:04:05Z","servers":{}}"#;
        assert_eq!(to_go_json(&idx), plain);
        idx.serial = Some(7);
        idx.expires = Some("2026-01-16T03:04:05Z".into());
        let stamped = br#"{"schemaVersion":1,"generated":"2026-01-02T03:04:05Z","servers":{},"serial":7,"expires":"2026-01-16T03:04:05Z"}"#;
        assert_eq!(to_go_json(&idx), stamped);
        assert_eq!(validate_bytes(stamped), Ok(idx));
    }

    #[test]
    fn no_added_key_folds_to_a_key_the_gateway_decodes() {
        // Go's encoding/json matches object keys to struct fields case-insensitively
        // (bytes.EqualFold): an added key equal to a Go key in any letter case would be decoded
        // into that field. Both sides are ASCII, where EqualFold is ASCII case folding.
        let mut idx = build([], "2026-01-02T03:04:05Z".into()).unwrap();
        idx.serial = Some(1);
        idx.expires = Some("2026-01-16T03:04:05Z".into());
        let value: serde_json::Value = serde_json::from_slice(&to_go_json(&idx)).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), GO_INDEX_KEYS.len() + 2, "{keys:?}");
        for key in keys.iter().filter(|k| !GO_INDEX_KEYS.contains(&k.as_str())) {
            assert!(key.is_ascii(), "{key} is not ASCII");
            for go in GO_INDEX_KEYS {
                assert!(!key.eq_ignore_ascii_case(go), "`{key}` folds to the gateway's `{go}`");
            }
        }
    }

    #[test]
    fn the_gateway_size_limit() {
        assert_eq!(GATEWAY_INDEX_LIMIT, 33_554_432);
        assert_eq!(index_size(0), IndexSize::Fits);
        assert_eq!(index_size(25_165_824), IndexSize::Fits);
        assert_eq!(index_size(25_165_825), IndexSize::NearLimit);
        assert_eq!(index_size(33_554_432), IndexSize::NearLimit);
        assert_eq!(index_size(33_554_433), IndexSize::OverLimit);
        let mut out = Vec::new();
        let idx = build([], "2026-01-02T03:04:05Z".into()).unwrap();
        assert_eq!(write_go_json_capped(&idx, &mut out, 10).unwrap(), to_go_json(&idx).len() as u64);
        assert_eq!(out, &to_go_json(&idx)[..10]);
        let big = vec![b' '; GATEWAY_INDEX_LIMIT as usize + 1];
        assert_eq!(validate_bytes(&big), Err(IndexError::TooLarge { size: GATEWAY_INDEX_LIMIT + 1, limit: GATEWAY_INDEX_LIMIT }));
    }
}
