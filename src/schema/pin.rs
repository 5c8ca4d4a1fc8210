// SPDX-License-Identifier: Apache-2.0
//! `registryctl pin`: the one edit build-images makes to a manifest once its image is pushed,
//! the digest scalar of `image.digest` replaced in place. Every other byte (comments, quotes,
//! key order, line breaks) stays as written, so the pull request that pins an image is a
//! one-line diff a reviewer reads at a glance. Text in, text out; nothing here reads or writes.

use std::fmt;

use super::manifest::PLANNED_DIGEST;
use super::patterns::DIGEST;
use crate::field::FieldPath;
use crate::yaml::{self, Kind, Node, Style};

/// How the digest scalar is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// `digest: sha256:…`
    Plain,
    /// `digest: "sha256:…"`
    Double,
    /// `digest: 'sha256:…'`
    Single,
}

/// Where a manifest's `image.digest` value is, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestScalar {
    /// The value.
    pub value: String,
    /// The byte range of the value's characters in the text (inside any quotes).
    pub start: usize,
    /// The end of that range (exclusive).
    pub end: usize,
    /// How it is quoted.
    pub quoting: Quoting,
    /// Its 1-based line.
    pub line: usize,
}

impl DigestScalar {
    /// Whether it holds the planned placeholder rather than an image's digest.
    pub fn is_planned(&self) -> bool {
        self.value == PLANNED_DIGEST
    }
}

/// Why a manifest's digest cannot be pinned in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinError {
    /// The digest given is not `sha256:` and 64 lowercase hex digits.
    MalformedDigest(String),
    /// The digest given is the planned placeholder.
    Placeholder,
    /// The text is not a YAML mapping that registryctl reads (its lint says why).
    Unreadable,
    /// There is no `image.digest` scalar.
    NoDigest,
    /// `image.digest` is written in a form this edit does not rewrite.
    Form(&'static str),
}

impl fmt::Display for PinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinError::MalformedDigest(d) => {
                write!(f, "`{d}` is not an image digest: write sha256: and the 64 lowercase hex digits build-images printed")
            }
            PinError::Placeholder => write!(f, "that is the planned placeholder, not an image digest: pin the digest build-images printed"),
            PinError::Unreadable => write!(f, "the manifest does not read as YAML; `registryctl lint` says why"),
            PinError::NoDigest => write!(f, "the manifest has no image.digest to pin"),
            PinError::Form(why) => write!(f, "image.digest is {why}; write it as `digest: sha256:…` (plain or quoted) and pin again"),
        }
    }
}

impl std::error::Error for PinError {}

/// Checks a digest as `pin` takes it: `sha256:` and 64 lowercase hex digits, not the planned
/// placeholder.
pub fn check_digest(digest: &str) -> Result<(), PinError> {
    if !DIGEST.is_match(digest) {
        return Err(PinError::MalformedDigest(digest.to_string()));
    }
    if digest == PLANNED_DIGEST {
        return Err(PinError::Placeholder);
    }
    Ok(())
}

/// Finds the `image.digest` scalar of a manifest's text (without a byte-order mark).
pub fn find_digest(text: &str) -> Result<DigestScalar, PinError> {
    let mut ignored = Vec::new();
    let root = yaml::parse(text, &mut ignored).ok_or(PinError::Unreadable)?;
    let Kind::Map(_) = root.kind else { return Err(PinError::Unreadable) };
    let node = child(&root, "image").and_then(|image| child(image, "digest")).ok_or(PinError::NoDigest)?;
    let Kind::Scalar(value, style) = &node.kind else { return Err(PinError::Form("a list or a mapping")) };
    let at = node.span.start.offset;
    let (quoting, start, end) = match (style, text.as_bytes().get(at)) {
        (Style::Block, _) => return Err(PinError::Form("a block scalar")),
        (Style::Plain, _) => (Quoting::Plain, at, node.span.end.offset),
        (Style::Quoted, Some(b'"')) => (Quoting::Double, at + 1, closing(text, at + 1, '"')),
        (Style::Quoted, Some(b'\'')) => (Quoting::Single, at + 1, closing(text, at + 1, '\'')),
        (Style::Quoted, _) => return Err(PinError::Form("a quoted scalar this edit cannot find the quotes of")),
    };
    // The characters between the delimiters must be the value itself: an escape (`\x73ha256…`)
    // or a plain scalar folded over two lines would be rewritten as something else.
    if text.get(start..end) != Some(value.as_str()) {
        return Err(PinError::Form("written with escapes or over more than one line"));
    }
    Ok(DigestScalar { value: value.clone(), start, end, quoting, line: node.span.start.line })
}

/// The value of `key` in a mapping node.
fn child<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.kind {
        Kind::Map(pairs) => pairs.iter().find(|(k, _)| k.scalar() == Some(key)).map(|(_, v)| v),
        _ => None,
    }
}

/// The offset of the quote that closes a scalar opened just before `from`: the next `quote`
/// (for `'`, one that is not doubled; for `"`, one that is not escaped). The text is valid YAML,
/// so there is one.
fn closing(text: &str, from: usize, quote: char) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == '"' => i += 2,
            b'\'' if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote as u8 => return i,
            _ => i += 1,
        }
    }
    text.len()
}

/// `text` with its `image.digest` value replaced by `digest` (already checked with
/// [`check_digest`]), every other byte unchanged, and the scalar it replaced.
pub fn set_digest(text: &str, digest: &str) -> Result<(String, DigestScalar), PinError> {
    check_digest(digest)?;
    let found = find_digest(text)?;
    let mut out = String::with_capacity(text.len() - (found.end - found.start) + digest.len());
    out.push_str(&text[..found.start]);
    out.push_str(digest);
    out.push_str(&text[found.end..]);
    Ok((out, found))
}

/// The field `pin` edits, for messages.
pub fn digest_field() -> FieldPath {
    FieldPath::field("image").key("digest")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "sha256:abababababababababababababababababababababababababababababababab";

    fn manifest(digest_line: &str) -> String {
        format!("schemaVersion: 1\nname: acme\nimage:\n  ref: ghcr.io/gigmcp/acme-mcp\n{digest_line}\n  entrypoint: /app/server\n")
    }

    #[test]
    fn only_the_digest_characters_change_whatever_the_quoting() {
        let zeros = PLANNED_DIGEST;
        for (line, quoting) in [
            (format!("  digest: {zeros}  # planned: build-images prints the digest to pin"), Quoting::Plain),
            (format!("  digest: \"{zeros}\"  # \"quoted\" comment"), Quoting::Double),
            (format!("  digest: '{zeros}'"), Quoting::Single),
            (format!("  digest:     {zeros}"), Quoting::Plain),
        ] {
            let text = manifest(&line);
            let (out, found) = set_digest(&text, NEW).unwrap();
            assert_eq!(out, manifest(&line.replace(zeros, NEW)), "{line}");
            assert_eq!((found.quoting, found.line, found.is_planned()), (quoting, 5, true));
        }
    }

    #[test]
    fn a_flow_mapping_is_edited_in_place_too() {
        let text = format!("name: acme\nimage: {{ref: x, digest: \"{PLANNED_DIGEST}\", builder: toolpack}}  # c\n");
        let (out, _) = set_digest(&text, NEW).unwrap();
        assert_eq!(out, text.replace(PLANNED_DIGEST, NEW));
    }

    #[test]
    fn forms_it_cannot_rewrite_faithfully_are_refused() {
        let escaped = manifest("  digest: \"\\x73ha256:0000000000000000000000000000000000000000000000000000000000000000\"");
        assert_eq!(set_digest(&escaped, NEW).unwrap_err(), PinError::Form("written with escapes or over more than one line"));
        let block = manifest(&format!("  digest: |\n    {PLANNED_DIGEST}"));
        assert_eq!(set_digest(&block, NEW).unwrap_err(), PinError::Form("a block scalar"));
        assert_eq!(set_digest("name: acme\nimage:\n  ref: x\n", NEW).unwrap_err(), PinError::NoDigest);
        assert_eq!(set_digest("name: [acme\n", NEW).unwrap_err(), PinError::Unreadable);
        assert_eq!(set_digest("- a\n", NEW).unwrap_err(), PinError::Unreadable);
    }

    #[test]
    fn digests_are_checked_before_anything_is_read() {
        for bad in ["sha256:ABAB", "sha256:abab", "sha512:ab", &format!("{NEW}0"), &NEW.to_uppercase(), " sha256:ab"] {
            assert!(matches!(set_digest("x", bad), Err(PinError::MalformedDigest(_))), "{bad}");
        }
        assert_eq!(set_digest("x", PLANNED_DIGEST).unwrap_err(), PinError::Placeholder);
    }
}
