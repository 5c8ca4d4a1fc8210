// SPDX-License-Identifier: Apache-2.0
//! Typing of plain (unquoted) scalars: how the YAML 1.2 core schema resolves them, and the
//! YAML 1.1 boolean words that YAML 1.2 reads as strings.

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
}
