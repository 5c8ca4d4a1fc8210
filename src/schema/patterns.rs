// SPDX-License-Identifier: Apache-2.0
//! The regular expressions of the schema, each written once: the rules match with them and the
//! JSON Schema's `pattern` attributes quote them (`#[schemars(pattern(NAME.as_str()))]`).

use std::sync::LazyLock;

use regex::Regex;

/// A built-in pattern: its source text and its regex, compiled on first use.
pub struct Pattern {
    source: &'static str,
    regex: LazyLock<Regex>,
}

impl Pattern {
    /// The pattern as written.
    pub const fn as_str(&self) -> &'static str {
        self.source
    }

    /// Whether the whole of `s` matches (every pattern is anchored).
    pub fn is_match(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }

    /// The compiled regex.
    pub fn regex(&self) -> &Regex {
        &self.regex
    }
}

macro_rules! patterns {
    ($( $(#[$meta:meta])* $name:ident = $re:literal; )*) => {
        $(
            $(#[$meta])*
            pub static $name: Pattern =
                Pattern { source: $re, regex: LazyLock::new(|| Regex::new($re).expect("valid built-in pattern")) };
        )*

        /// Every pattern, for the test that compiles them all.
        #[cfg(test)]
        static ALL: &[&Pattern] = &[ $( &$name, )* ];
    };
}

patterns! {
    /// A server, provider or vendor name: lowercase letters, digits and inner hyphens.
    NAME = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";
    /// MAJOR.MINOR.PATCH without leading zeros.
    VERSION = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$";
    /// `source.repo` as the JSON Schema states it: host/path (the rules check more, segment by segment).
    REPO = r"^[a-z0-9.-]+(/[A-Za-z0-9._-]+)+$";
    /// One path segment of `source.repo`.
    REPO_SEGMENT = r"^[A-Za-z0-9._-]+$";
    /// A git tag that is safe on a command line and in `$GITHUB_ENV`.
    TAG = r"^[A-Za-z0-9][A-Za-z0-9._/+-]*$";
    /// A tag that reads as a release: optional prefix path segments (`cmd/server/`,
    /// `refs/tags/`), an optional `v`, two or more dot-separated numbers, then an optional
    /// pre-release (`-rc.1`) and build (`+build.5`) suffix of dot- or hyphen-separated
    /// alphanumerics.
    RELEASE_TAG = r"^([A-Za-z0-9][A-Za-z0-9._+-]*/)*[vV]?[0-9]+(\.[0-9]+)+(-[0-9A-Za-z]+([.-][0-9A-Za-z]+)*)?(\+[0-9A-Za-z]+([.-][0-9A-Za-z]+)*)?$";
    /// `source.package`'s characters.
    PACKAGE = r"^[a-zA-Z0-9._/-]+$";
    /// One path component of an OCI repository.
    OCI_PATH = r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$";
    /// An image digest.
    DIGEST = r"^sha256:[0-9a-f]{64}$";
    /// An absolute path (entrypoints, toolspec paths) as the JSON Schema states it.
    ABSOLUTE = r"^/";
    /// An HTTP header name (the RFC 9110 token characters).
    HEADER = r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$";
    /// An UPPER_SNAKE environment variable.
    ENV = r"^[A-Z_][A-Z0-9_]*$";
    /// A credential id.
    CREDENTIAL_ID = r"^[a-z0-9][a-z0-9_-]*$";
    /// A credential type: a lowercase snake_case word.
    CREDENTIAL_TYPE = r"^[a-z][a-z0-9_]*$";
    /// A tool name, as MCP clients accept it.
    TOOL_NAME = r"^[A-Za-z0-9_-]{1,64}$";
    /// A toolspec base URL as the JSON Schema states it (the rules check the host as egress does).
    BASE_URL = r"^https://[a-z0-9.-]+$";
    /// A YYYY-MM-DD date.
    DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
    /// A file in a public repository at a commit, as catalog/sources.tsv cites it: `owner/repo@<40 hex>:path`.
    SOURCE_IN_REPO = r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+@[0-9a-f]{40}:[^/\x00-\x1f\x7f][^\x00-\x1f\x7f]*$";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for p in ALL {
            assert_eq!(p.regex().as_str(), p.as_str());
        }
        assert!(NAME.is_match("acme-tools") && !NAME.is_match("Acme_Tools"));
        assert!(VERSION.is_match("0.10.0") && !VERSION.is_match("01.0.0"));
    }
}
