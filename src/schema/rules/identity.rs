// SPDX-License-Identifier: Apache-2.0
//! What a file says it is: schema version, name and version, and whether its path agrees.

use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::schema::patterns::{NAME, VERSION};
use crate::schema::Location;

/// schemaVersion is 1, name is in the name alphabet, version is MAJOR.MINOR.PATCH.
pub fn header(schema_version: i64, name: &str, version: &str, out: &mut Vec<Diagnostic>) {
    if schema_version != 1 {
        out.push(Diagnostic::new(
            Rule::SchemaVersion,
            FieldPath::field("schemaVersion"),
            format!("schemaVersion must be 1, found {schema_version}"),
        ));
    }
    if name.is_empty() {
        let msg = "name is missing: every file names its server (lowercase letters, digits and inner hyphens, as its directory)";
        out.push(Diagnostic::new(Rule::Name, FieldPath::field("name"), msg));
    } else if !NAME.is_match(name) {
        out.push(Diagnostic::new(
            Rule::Name,
            FieldPath::field("name"),
            format!("name `{name}` is not lowercase letters, digits and inner hyphens"),
        ));
    }
    if version.is_empty() {
        let msg = "version is missing: every file names its version (MAJOR.MINOR.PATCH, as its file name)";
        out.push(Diagnostic::new(Rule::Version, FieldPath::field("version"), msg));
    } else if !VERSION.is_match(version) {
        out.push(Diagnostic::new(
            Rule::Version,
            FieldPath::field("version"),
            format!("version `{version}` is not MAJOR.MINOR.PATCH without leading zeros"),
        ));
    }
}

/// Whether a file's identity is whole: a valid name and a valid version. A file without one is
/// compared with no other (pairing, duplicates, CATALOG.md, its own path): like a file that
/// does not parse, only its own findings are reported.
pub fn is_identity(name: &str, version: &str) -> bool {
    is_valid_name(name) && is_valid_version(version)
}

/// A file at `<kind>/<dir>/<file>` must be `<kind>/<name>/<version>.yaml`; judged only when the
/// file's name and version are both valid (else their own findings say what is wrong, and the
/// path they would give means nothing).
pub fn path_mismatch(kind: &str, name: &str, version: &str, at: Option<Location<'_>>) -> Option<Diagnostic> {
    let at = at?;
    if !is_identity(name, version) {
        return None;
    }
    let expected = format!("{version}.yaml");
    (at.dir != name || at.file != expected).then(|| {
        Diagnostic::new(
            Rule::PathMismatch,
            FieldPath::field("name"),
            format!("this file declares {name}@{version}, so it belongs at {kind}/{name}/{expected}, not {kind}/{}/{}", at.dir, at.file),
        )
    })
}

/// Whether `s` is a valid server name (also the tool-namespace prefix).
pub fn is_valid_name(s: &str) -> bool {
    NAME.is_match(s)
}

/// Whether `s` is MAJOR.MINOR.PATCH without leading zeros.
pub fn is_valid_version(s: &str) -> bool {
    VERSION.is_match(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_path() {
        let mut out = Vec::new();
        header(2, "Acme_X", "01.0.0", &mut out);
        let rules: Vec<Rule> = out.iter().map(|d| d.rule).collect();
        assert_eq!(rules, [Rule::SchemaVersion, Rule::Name, Rule::Version]);
        let at = Some(Location { dir: "acme", file: "0.2.0.yaml" });
        assert!(path_mismatch("manifests", "acme", "0.1.0", at).is_some());
        assert!(path_mismatch("manifests", "acme", "0.2.0", at).is_none());
        assert!(path_mismatch("manifests", "acme", "0.1.0", None).is_none());
        // No path from a missing or invalid identity.
        assert!(path_mismatch("manifests", "", "0.1.0", at).is_none());
        assert!(path_mismatch("manifests", "acme", "0.1", at).is_none());
        assert!(path_mismatch("manifests", "Acme", "0.1.0", at).is_none());
        let mut out = Vec::new();
        header(1, "", "", &mut out);
        assert!(out[0].message.starts_with("name is missing") && out[1].message.starts_with("version is missing"));
    }
}
