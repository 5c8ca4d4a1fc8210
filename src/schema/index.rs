//! The signed index: its shape, Go-compatible JSON bytes, the manifest hashes, and the gateway's
//! ref grammar.
//!
//! The gateway verifies the signature over the exact bytes, so the encoding must match Go's
//! encoding/json byte for byte: struct field order, sorted map keys, no whitespace, and Go's
//! string escaping (`<`, `>`, `&`, U+2028 and U+2029 escaped; control characters as `\n` or
//! `\u00XX`; DEL and other non-ASCII written raw).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::manifest::Manifest;

/// `index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Index {
    pub schema_version: i64,
    /// RFC 3339, UTC, whole seconds.
    pub generated: String,
    pub servers: BTreeMap<String, Server>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub latest: String,
    /// Boxed: a B-tree node holds eleven values, and most servers have one version.
    pub versions: BTreeMap<String, Box<Manifest>>,
}

/// Why an index could not be built or a ref not resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("{name}@{version} is declared twice")]
    Duplicate { name: String, version: String },
    #[error("`{0}`: a ref is name, name@version or sha256:<64 hex>")]
    BadRef(String),
    #[error("no server `{0}` in the index")]
    NoServer(String),
    #[error("no version {1} of `{0}` in the index")]
    NoVersion(String, String),
    #[error("no manifest in the index pins image digest {0}")]
    NoDigest(String),
}

/// Compares two MAJOR.MINOR.PATCH versions numerically, at any length of digits.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let num = |x: &str| -> Vec<(usize, String)> {
        x.split('.').map(|p| (p.trim_start_matches('0').len(), p.trim_start_matches('0').to_string())).collect()
    };
    num(a).cmp(&num(b))
}

/// Builds the index from valid manifests. `generated` is the RFC 3339 timestamp.
pub fn build(manifests: impl IntoIterator<Item = Manifest>, generated: String) -> Result<Index, IndexError> {
    let mut servers: BTreeMap<String, Server> = BTreeMap::new();
    for m in manifests {
        let server = servers.entry(m.name.clone()).or_insert_with(|| Server { latest: String::new(), versions: BTreeMap::new() });
        if server.versions.contains_key(&m.version) {
            return Err(IndexError::Duplicate { name: m.name, version: m.version });
        }
        if server.latest.is_empty() || compare_versions(&m.version, &server.latest) == Ordering::Greater {
            server.latest = m.version.clone();
        }
        server.versions.insert(m.version.clone(), Box::new(m));
    }
    Ok(Index { schema_version: 1, generated, servers })
}

/// The `generated` timestamp: `SOURCE_DATE_EPOCH` seconds when given, else now.
pub fn timestamp(source_date_epoch: Option<u64>) -> String {
    let t = match source_date_epoch {
        Some(s) => std::time::UNIX_EPOCH + std::time::Duration::from_secs(s),
        None => std::time::SystemTime::now(),
    };
    humantime::format_rfc3339_seconds(t).to_string()
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
    r.category.clear();
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
        return index
            .servers
            .values()
            .flat_map(|s| s.versions.values())
            .find(|m| m.image.digest == reference)
            .map(|m| &**m)
            .ok_or_else(|| IndexError::NoDigest(reference.into()));
    }
    let (name, version) = match reference.split_once('@') {
        Some((_, "")) | Some(("", _)) => return Err(IndexError::BadRef(reference.into())),
        Some((n, v)) => (n, Some(v)),
        None => (reference, None),
    };
    if !super::manifest::NAME.is_match(name) {
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
    }

    #[test]
    fn go_string_escaping() {
        let s = "<a> & \u{2028}\u{2029} \n\t\u{1} \u{7f} é 🚀 \\ / \"";
        let got = String::from_utf8(to_go_json(&s)).unwrap();
        assert_eq!(got, "\"\\u003ca\\u003e \\u0026 \\u2028\\u2029 \\n\\t\\u0001 \u{7f} é 🚀 \\\\ / \\\"\"");
    }
}
