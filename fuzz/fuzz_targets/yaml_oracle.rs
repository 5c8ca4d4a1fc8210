// SPDX-License-Identifier: Apache-2.0
//! The YAML 1.1 oracle: how the Go side reads a manifest or toolspec. libyaml's events
//! (through `unsafe-libyaml`, the C library go-yaml was ported from), go-yaml's few scanner
//! differences from libyaml 0.2.5, and go-yaml v2's scalar resolution turned into JSON the way
//! sigs.k8s.io/yaml does before the gateway's strict decode.
//!
//! Written from go-yaml's `resolve.go` and `scannerc.go`, not from registryctl's code, so the
//! differential tests compare two independent readings. Where go-yaml v2 and v3 differ, the
//! oracle takes the reading that disagrees with a plain string (their union), since the
//! toolpack engine may use either.
#![allow(dead_code, unsafe_code)]

use std::mem::MaybeUninit;

use serde_json::{Map, Number, Value};
use unsafe_libyaml as unsafe_y;

/// One node as libyaml reads it: the raw scalar text and whether it was plain.
#[derive(Debug, Clone, PartialEq)]
pub enum ONode {
    /// A scalar's text; `plain` when unquoted (only plain scalars are resolved to other types).
    Scalar { value: String, plain: bool },
    /// A sequence.
    Seq(Vec<ONode>),
    /// A mapping, pairs in source order.
    Map(Vec<(ONode, ONode)>),
}

/// What go-yaml v2 (or v3, where it differs towards a non-string) resolves a plain scalar to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `~`, `null`, empty.
    Null,
    /// `y`, `yes`, `on`, `true`, ... in the case variants go-yaml lists.
    Bool(bool),
    /// A decimal, `0x`, `0o`, `0b`, leading-zero octal or `_`-separated integer.
    Int(String),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// `2001-12-14`, `2001-12-14T21:59:43Z`, ...
    Timestamp,
    /// `<<`, the merge key.
    Merge,
    /// Anything else.
    Str,
}

/// Reads `text` as libyaml does, with go-yaml's differences; `Err` says why the Go side
/// would refuse the document.
pub fn read(text: &str) -> Result<ONode, String> {
    let events = events(text)?;
    build(text, &events)
}

/// A libyaml event, copied out of the C structures.
#[derive(Debug)]
enum Ev {
    DocStart { version: Option<(i32, i32)> },
    Scalar { value: String, style: unsafe_y::yaml_scalar_style_t, tagged: bool, anchored: bool, start: usize, end: usize },
    SeqStart { flow: bool, tagged: bool, anchored: bool },
    SeqEnd,
    MapStart { flow: bool, tagged: bool, anchored: bool },
    MapEnd,
    Alias,
    Other,
}

/// Runs libyaml's parser over the whole stream.
fn events(text: &str) -> Result<Vec<Ev>, String> {
    let mut out = Vec::new();
    // SAFETY: the parser is initialized before use and deleted once; the input outlives it;
    // every event is read according to its type and deleted after its data is copied.
    unsafe {
        let mut parser = MaybeUninit::<unsafe_y::yaml_parser_t>::uninit();
        if unsafe_y::yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return Err("libyaml: cannot initialize".into());
        }
        let parser = parser.as_mut_ptr();
        unsafe_y::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as u64);
        let mut result = Ok(());
        loop {
            let mut event = MaybeUninit::<unsafe_y::yaml_event_t>::uninit();
            if unsafe_y::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                result = Err("libyaml refuses the document (a YAML 1.1 syntax error)".to_string());
                break;
            }
            let event = event.as_mut_ptr();
            let done = (*event).type_ == unsafe_y::YAML_STREAM_END_EVENT;
            out.push(copy_event(&*event));
            unsafe_y::yaml_event_delete(event);
            if done {
                break;
            }
        }
        unsafe_y::yaml_parser_delete(parser);
        result?;
    }
    Ok(out)
}

unsafe fn c_bytes(p: *const u8, len: usize) -> Vec<u8> {
    if p.is_null() {
        Vec::new()
    } else {
        std::slice::from_raw_parts(p, len).to_vec()
    }
}

unsafe fn copy_event(e: &unsafe_y::yaml_event_t) -> Ev {
    match e.type_ {
        unsafe_y::YAML_DOCUMENT_START_EVENT => {
            let v = e.data.document_start.version_directive;
            Ev::DocStart { version: (!v.is_null()).then(|| ((*v).major, (*v).minor)) }
        }
        unsafe_y::YAML_SCALAR_EVENT => {
            let s = e.data.scalar;
            let bytes = c_bytes(s.value, s.length as usize);
            Ev::Scalar {
                value: String::from_utf8_lossy(&bytes).into_owned(),
                style: s.style,
                tagged: !s.tag.is_null(),
                anchored: !s.anchor.is_null(),
                start: e.start_mark.index as usize,
                end: e.end_mark.index as usize,
            }
        }
        unsafe_y::YAML_SEQUENCE_START_EVENT => {
            let s = e.data.sequence_start;
            Ev::SeqStart { flow: s.style == unsafe_y::YAML_FLOW_SEQUENCE_STYLE, tagged: !s.tag.is_null(), anchored: !s.anchor.is_null() }
        }
        unsafe_y::YAML_SEQUENCE_END_EVENT => Ev::SeqEnd,
        unsafe_y::YAML_MAPPING_START_EVENT => {
            let s = e.data.mapping_start;
            Ev::MapStart { flow: s.style == unsafe_y::YAML_FLOW_MAPPING_STYLE, tagged: !s.tag.is_null(), anchored: !s.anchor.is_null() }
        }
        unsafe_y::YAML_MAPPING_END_EVENT => Ev::MapEnd,
        unsafe_y::YAML_ALIAS_EVENT => Ev::Alias,
        _ => Ev::Other,
    }
}

enum Open {
    Seq(Vec<ONode>),
    Map(Vec<(ONode, ONode)>, Option<ONode>),
}

/// Builds the first document's tree, applying go-yaml's differences from libyaml.
fn build(text: &str, events: &[Ev]) -> Result<ONode, String> {
    let mut stack: Vec<(Open, bool)> = Vec::new();
    let mut root = None;
    let mut documents = 0;
    for ev in events {
        let node = match ev {
            Ev::DocStart { version } => {
                documents += 1;
                if documents > 1 {
                    return Err("a second document (go-yaml reads the first only)".into());
                }
                // go-yaml's parser accepts only `%YAML 1.1`; libyaml 0.2.5 also takes 1.2.
                if let Some((major, minor)) = version {
                    if (*major, *minor) != (1, 1) {
                        return Err(format!("go-yaml: incompatible %YAML {major}.{minor} directive"));
                    }
                }
                continue;
            }
            Ev::Alias => return Err("an alias (registryctl refuses them)".into()),
            Ev::Scalar { tagged: true, .. } | Ev::SeqStart { tagged: true, .. } | Ev::MapStart { tagged: true, .. } => {
                return Err("a tag (registryctl refuses them)".into())
            }
            Ev::Scalar { anchored: true, .. } | Ev::SeqStart { anchored: true, .. } | Ev::MapStart { anchored: true, .. } => {
                return Err("an anchor (registryctl refuses them)".into())
            }
            Ev::Scalar { value, style, start, end, .. } => {
                let in_flow = stack.iter().any(|(_, flow)| *flow);
                go_scanner_differences(text, value, *style, *start, *end, in_flow)?;
                ONode::Scalar { value: value.clone(), plain: *style == unsafe_y::YAML_PLAIN_SCALAR_STYLE }
            }
            Ev::SeqStart { flow, .. } => {
                stack.push((Open::Seq(Vec::new()), *flow));
                continue;
            }
            Ev::MapStart { flow, .. } => {
                stack.push((Open::Map(Vec::new(), None), *flow));
                continue;
            }
            Ev::SeqEnd | Ev::MapEnd => match stack.pop() {
                Some((Open::Seq(items), _)) => ONode::Seq(items),
                Some((Open::Map(pairs, None), _)) => ONode::Map(pairs),
                _ => return Err("oracle: unbalanced events".into()),
            },
            Ev::Other => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some((Open::Seq(items), _)) => items.push(node),
            Some((Open::Map(pairs, pending), _)) => match pending.take() {
                Some(key) => pairs.push((key, node)),
                None => *pending = Some(node),
            },
        }
    }
    root.ok_or_else(|| "an empty document".into())
}

/// What go-yaml's scanner (v2.4 and v3.0) does differently from libyaml 0.2.5 on an
/// accepted scalar: no `\/` escape, and `?` ends a plain scalar inside a flow collection.
fn go_scanner_differences(
    text: &str,
    value: &str,
    style: unsafe_y::yaml_scalar_style_t,
    start: usize,
    end: usize,
    in_flow: bool,
) -> Result<(), String> {
    let source = text.get(start..end).unwrap_or("");
    if style == unsafe_y::YAML_DOUBLE_QUOTED_SCALAR_STYLE {
        let mut chars = source.chars();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.next() == Some('/') {
                return Err("go-yaml: unknown escape `\\/`".into());
            }
        }
    }
    if style == unsafe_y::YAML_PLAIN_SCALAR_STYLE && in_flow && value.contains('?') {
        return Err("go-yaml: `?` ends a plain scalar in a flow collection".into());
    }
    Ok(())
}

// ---------- go-yaml v2's resolve.go ----------

/// go-yaml v2's resolution of a plain scalar, widened by v3's where v3 finds a non-string.
pub fn resolve(v: &str) -> Resolved {
    match v {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Resolved::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => return Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        "<<" => return Resolved::Merge,
        _ => {}
    }
    match v.as_bytes()[0] {
        // go: strconv.ParseFloat(in, 64) on the text as written.
        b'.' => match go_parse_float(v) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'+' | b'-' | b'0'..=b'9' => {
            if go_timestamp(v) {
                return Resolved::Timestamp;
            }
            let plain: String = v.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int_base0(&plain) {
                return Resolved::Int(i.to_string());
            }
            if yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            for (prefix, neg) in [("0b", false), ("-0b", true)] {
                if let Some(digits) = plain.strip_prefix(prefix) {
                    if !digits.is_empty() && digits.bytes().all(|b| b == b'0' || b == b'1') {
                        let n = i128::from_str_radix(digits, 2).ok();
                        if let Some(n) = n {
                            return Resolved::Int((if neg { -n } else { n }).to_string());
                        }
                    }
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml's yamlStyleFloat.
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)` (underscores already removed):
/// a sign, then `0x`, `0o`, `0b` or a leading `0` (octal) prefix, or decimal. Values out of
/// range still resolve to an integer in go-yaml (it falls back to big.Int).
fn go_parse_int_base0(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Out-of-range values are still integers to go-yaml (big.Int); saturate for the oracle.
    let n = i128::from_str_radix(digits, radix).unwrap_or(i128::MAX);
    Some(if neg { -n } else { n })
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms the resolver reaches (hex floats
/// and `inf`/`nan` spellings cannot start with a digit, sign-then-digit or a dot here, except
/// `+inf`-style words, which start with a sign and are handled).
fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return Some(if lower == "nan" {
            f64::NAN
        } else if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if body.contains('_') || lower.starts_with("0x") {
        // Go takes underscores and hex floats only with a base prefix (`0x1p-2`); treat both as
        // numbers, which only widens what the oracle calls non-string.
        return lower.starts_with("0x").then_some(0.0);
    }
    let ok = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    s.parse::<f64>().ok()
}

/// go-yaml's parseTimestamp: four digits and a dash, then one of its formats
/// (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` with `T`, `t` or a space, ...).
fn go_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().unwrap_or("");
    let Some(tail) = parts.next() else { return false };
    let day_len = tail.bytes().take_while(u8::is_ascii_digit).count();
    let short = |f: &str| (1..=2).contains(&f.len()) && f.bytes().all(|c| c.is_ascii_digit());
    if !short(month) || !short(&tail[..day_len]) {
        return false;
    }
    let time = &tail[day_len..];
    // Date only, or a separator and a time; Go's time.Parse decides the details, and any
    // date-time-looking text is taken as a timestamp here (wider, so stricter tests).
    time.is_empty() || time.starts_with(['T', 't', ' ']) && time[1..].bytes().next().is_some_and(|c| c.is_ascii_digit())
}

// ---------- sigs.k8s.io/yaml: YAML to JSON ----------

/// The JSON sigs.k8s.io/yaml hands to the gateway's strict decoder (before its per-field
/// coercions, which only hide a difference). Values JSON cannot hold, and keys that are not
/// strings, become `Err`.
pub fn to_json(node: &ONode) -> Result<Value, String> {
    match node {
        ONode::Scalar { value, plain: false } => Ok(Value::String(value.clone())),
        ONode::Scalar { value, plain: true } => match resolve(value) {
            Resolved::Str => Ok(Value::String(value.clone())),
            Resolved::Null => Ok(Value::Null),
            Resolved::Bool(b) => Ok(Value::Bool(b)),
            Resolved::Int(i) => Ok(i.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(format!("!!int {i}")))),
            Resolved::Float(f) => Number::from_f64(f).map(Value::Number).ok_or_else(|| format!("`{value}` is a float JSON cannot hold")),
            Resolved::Timestamp => Ok(Value::String(format!("!!timestamp {value}"))),
            Resolved::Merge => Err("`<<` is a merge key to go-yaml".into()),
        },
        ONode::Seq(items) => items.iter().map(to_json).collect::<Result<Vec<_>, _>>().map(Value::Array),
        ONode::Map(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                let key = match k {
                    ONode::Scalar { value, plain: true } if resolve(value) == Resolved::Merge => {
                        return Err("`<<` is a merge key to go-yaml".into())
                    }
                    ONode::Scalar { value, plain: true } if resolve(value) != Resolved::Str => {
                        return Err(format!("key `{value}` is not a string to go-yaml"))
                    }
                    ONode::Scalar { value, .. } => value.clone(),
                    _ => return Err("a key that is a collection".into()),
                };
                if m.insert(key.clone(), to_json(v)?).is_some() {
                    return Err(format!("duplicate key `{key}` (go-yaml's strict decoder refuses it)"));
                }
            }
            Ok(Value::Object(m))
        }
    }
}
