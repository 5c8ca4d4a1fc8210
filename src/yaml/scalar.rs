// SPDX-License-Identifier: Apache-2.0
//! Typing of plain (unquoted) scalars: how the YAML 1.2 core schema resolves them, and what
//! YAML 1.1 readers (go-yaml, under the gateway's sigs.k8s.io/yaml and the toolpack engine)
//! make of the ones YAML 1.2 reads as strings.

use std::sync::LazyLock;

use regex::Regex;

/// What a plain scalar resolves to under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainType {
    /// Empty, `~` or `null`.
    Null,
    /// `true` or `false` in any of the three spellings.
    Bool,
    /// A decimal, hex or octal integer.
    Int,
    /// A decimal number, infinity or not-a-number.
    Float,
    /// Anything else.
    Str,
}

static FLOAT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").expect("valid regex"));

/// How the YAML 1.2 core schema resolves a plain scalar.
pub fn plain_type(v: &str) -> PlainType {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return PlainType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return PlainType::Bool,
        ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | "+.inf" | "+.Inf" | "+.INF" | ".nan" | ".NaN" | ".NAN" => {
            return PlainType::Float
        }
        _ => {}
    }
    // Only a digit, sign or dot can start a number; most plain scalars are words.
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return PlainType::Str;
    }
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return PlainType::Int;
    }
    if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0o")) {
        if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return PlainType::Int;
        }
    }
    if FLOAT.is_match(v) {
        return PlainType::Float;
    }
    PlainType::Str
}

/// The words YAML 1.1 read as booleans and YAML 1.2 reads as strings.
pub fn is_yaml11_bool(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "y" | "yes" | "n" | "no" | "on" | "off")
}

/// What a YAML 1.1 reader makes of a plain scalar that is not a string to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yaml11Type {
    /// `y`, `yes`, `on`, `off`, `n`, `no`, `true`, `false`, in any letter case.
    Bool,
    /// Empty, `~` or `null`.
    Null,
    /// `1_000`, `0b101`, `0o17`, `017`, `0x_1`, `+12`, `190:20:30`, ...
    Int,
    /// `.5`, `1e3`, `1.`, `09`, `.inf`, `1:20.5`, ...
    Float,
    /// `2001-12-14`, `2001-12-14 21:59:43.10 -5`, ...
    Timestamp,
    /// `<<`, the merge key.
    Merge,
    /// `=`, YAML 1.1's value key.
    Value,
}

impl Yaml11Type {
    /// The type in the words a finding uses.
    pub fn describe(self) -> &'static str {
        match self {
            Yaml11Type::Bool => "a boolean",
            Yaml11Type::Null => "null",
            Yaml11Type::Int => "an integer",
            Yaml11Type::Float => "a number",
            Yaml11Type::Timestamp => "a timestamp",
            Yaml11Type::Merge => "a merge key",
            Yaml11Type::Value => "a value key",
        }
    }
}

/// YAML 1.1's integer forms once `_` separators are dropped, as go-yaml reads them (Go's
/// base-0 integer syntax: `0x`, `0o`, `0b`, a leading-zero octal) plus the specification's
/// sexagesimal `190:20:30`.
static INT_11: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|[0-9]+|[1-9][0-9]*(:[0-5]?[0-9])+)$").expect("valid regex")
});
/// YAML 1.1's float forms once `_` separators are dropped: go-yaml's decimal float and
/// `.inf`/`.nan`, and the specification's sexagesimal `190:20:30.15`.
static FLOAT_11: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?[0-9]+(:[0-5]?[0-9])+\.[0-9]*)$",
    )
    .expect("valid regex")
});
/// YAML 1.1 timestamps: a date, optionally followed by a time.
static TIMESTAMP_11: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|$)").expect("valid regex"));

/// How a YAML 1.1 reader types a plain scalar, when it is not a string there. A union of
/// go-yaml v2's resolver, go-yaml v3's, and the YAML 1.1 types they leave out (sexagesimal
/// numbers, `=`): a value any Go reader could take for something other than a string.
pub fn yaml11_type(v: &str) -> Option<Yaml11Type> {
    if v.is_empty() || v == "~" || v.eq_ignore_ascii_case("null") {
        return Some(Yaml11Type::Null);
    }
    if is_yaml11_bool(v) || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
        return Some(Yaml11Type::Bool);
    }
    match v {
        "<<" => return Some(Yaml11Type::Merge),
        "=" => return Some(Yaml11Type::Value),
        _ => {}
    }
    // go-yaml drops every `_` of a scalar that starts with a sign, a digit or a dot.
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return None;
    }
    if TIMESTAMP_11.is_match(v) {
        return Some(Yaml11Type::Timestamp);
    }
    let plain = v.replace('_', "");
    if INT_11.is_match(&plain) {
        return Some(Yaml11Type::Int);
    }
    if FLOAT_11.is_match(&plain) {
        return Some(Yaml11Type::Float);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_scalars_like_yaml_1_2() {
        assert_eq!(plain_type("1"), PlainType::Int);
        assert_eq!(plain_type("1.0"), PlainType::Float);
        assert_eq!(plain_type("0.1.0"), PlainType::Str);
        assert_eq!(plain_type("true"), PlainType::Bool);
        assert_eq!(plain_type("yes"), PlainType::Str);
        assert_eq!(plain_type("~"), PlainType::Null);
        assert!(is_yaml11_bool("Yes"));
        assert!(!is_yaml11_bool("true"));
    }

    #[test]
    fn types_plain_scalars_like_yaml_1_1_readers() {
        use Yaml11Type::*;
        let cases = [
            ("yes", Some(Bool)),
            ("ON", Some(Bool)),
            ("n", Some(Bool)),
            ("yEs", Some(Bool)),
            ("~", Some(Null)),
            ("", Some(Null)),
            ("1_000", Some(Int)),
            ("0b101", Some(Int)),
            ("0o17", Some(Int)),
            ("017", Some(Int)),
            ("190:20:30", Some(Int)),
            ("0x_1", Some(Int)),
            ("+12", Some(Int)),
            ("-_1", Some(Int)),
            ("-0b11", Some(Int)),
            ("00", Some(Int)),
            (".5", Some(Float)),
            ("1e3", Some(Float)),
            ("1.", Some(Float)),
            ("09", Some(Int)),
            ("+.inf", Some(Float)),
            ("1:20.5", Some(Float)),
            ("2001-12-14", Some(Timestamp)),
            ("2001-1-1t1:2:3Z", Some(Timestamp)),
            ("<<", Some(Merge)),
            ("=", Some(Value)),
            ("0.1.0", None),
            ("v1.0.0", None),
            ("12e", None),
            ("0x1p3", None),
            ("1:2:3:a", None),
            ("api.acme.com", None),
            ("2001-12", None),
            ("tasks:read", None),
            ("-", None),
            ("/v1/items", None),
            (".", None),
        ];
        for (v, want) in cases {
            assert_eq!(yaml11_type(v), want, "{v}");
        }
    }
}
