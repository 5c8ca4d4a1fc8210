// SPDX-License-Identifier: Apache-2.0
//! The closed sets of the schema as enums: tier, builder, category, HTTP method, parameter
//! location and type, body encoding. Each lists its values once (`ALL`, `as_str`), and the
//! reader, the rules, serde, the JSON Schema's `enum`, help text and `registryctl new` all use
//! that list. The credential type is an open set: a newtype that knows `oauth2`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diag::Rule;

/// A closed set of wire strings.
pub trait ClosedSet: Copy + Eq + fmt::Debug + 'static {
    /// Every value, in the order the schema lists them.
    const ALL: &'static [Self];
    /// The rule an unknown value is reported with.
    const RULE: Rule;
    /// Whether `registryctl new` writes a TODO marker here, so a marker is reported as a
    /// scaffold placeholder rather than as an unknown value.
    const SCAFFOLDED: bool = false;

    /// The exact wire string.
    fn as_str(self) -> &'static str;

    /// The message for an unknown value, quoting it.
    fn unknown_message(raw: &str) -> String;

    /// The value whose wire string is exactly `s`.
    fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// `a, b or c`: the values of a set, for messages.
pub fn or_list<T: ClosedSet>() -> String {
    let words: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => words.join(""),
    }
}

/// `a, b, c`: the values of a set, for messages and help.
pub fn comma_list<T: ClosedSet>() -> String {
    T::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
}

/// A value that is not in its set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownValue(pub String);

fn string_enum<T: ClosedSet>(extra: &[&str]) -> Schema {
    let values: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).chain(extra.iter().copied()).collect();
    schemars::json_schema!({"type": "string", "enum": values})
}

macro_rules! closed_set {
    (
        $(#[$meta:meta])* $name:ident, rule: $rule:ident, $(scaffolded: $scaffolded:literal,)?
        unknown: |$raw:ident| $message:expr,
        { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $(#[$vmeta])* $variant, )* }

        impl $name {
            /// Every value, in the order the schema lists them.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The exact wire string.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $wire, )* }
            }
        }

        impl ClosedSet for $name {
            const ALL: &'static [Self] = $name::ALL;
            const RULE: Rule = Rule::$rule;
            $(const SCAFFOLDED: bool = $scaffolded;)?
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn unknown_message($raw: &str) -> String {
                $message
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                <$name as ClosedSet>::from_wire(s).ok_or_else(|| UnknownValue(<$name as ClosedSet>::unknown_message(s)))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<str>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                string_enum::<$name>(&[])
            }
        }
    };
}

closed_set! {
    /// Where credentials live: injected by the gateway (sealed) or handed to the server (entrusted).
    Tier, rule: Tier,
    unknown: |raw| format!("tier `{raw}` is not {}", or_list::<Tier>()),
    {
        /// The gateway injects credentials into requests; the server never sees them.
        Sealed = "sealed",
        /// The server receives credentials in its environment.
        Entrusted = "entrusted",
    }
}

closed_set! {
    /// The generic image builder that builds the server (`go-static` when omitted).
    Builder, rule: ImageBuilder,
    unknown: |raw| format!("builder `{raw}` is not one of {}", comma_list::<Builder>()),
    {
        /// A static Go binary.
        GoStatic = "go-static",
        /// The generic toolpack engine, driven by a toolspec.
        Toolpack = "toolpack",
        /// A Node.js package.
        Node = "node",
        /// A Python package.
        Python = "python",
    }
}

closed_set! {
    /// The catalog's categories (CATALOG.md and the gateway's browser group by them).
    Category, rule: Category, scaffolded: true,
    unknown: |raw| {
        let hint = Category::ALL
            .iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(raw))
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        format!("category `{raw}` is not in the list{hint}")
    },
    {
        /// AI.
        Ai = "ai",
        /// Analytics.
        Analytics = "analytics",
        /// Communication.
        Comms = "comms",
        /// Customer relationship management.
        Crm = "CRM",
        /// Data.
        Data = "data",
        /// Design.
        Design = "design",
        /// Developer tools.
        DevTools = "dev-tools",
        /// Documents.
        Documents = "documents",
        /// E-commerce.
        ECommerce = "e-commerce",
        /// Finance.
        Finance = "finance",
        /// Human resources and applicant tracking.
        HrAts = "HR/ATS",
        /// Marketing.
        Marketing = "marketing",
        /// Productivity.
        Productivity = "productivity",
        /// Search.
        Search = "search",
        /// Social.
        Social = "social",
        /// Storage.
        Storage = "storage",
        /// Support.
        Support = "support",
    }
}

closed_set! {
    /// The HTTP method of a toolspec tool.
    Method, rule: ToolspecMethod,
    unknown: |raw| format!("method `{raw}` is not one of {}", comma_list::<Method>()),
    {
        /// GET.
        Get = "GET",
        /// POST.
        Post = "POST",
        /// PUT.
        Put = "PUT",
        /// PATCH.
        Patch = "PATCH",
        /// DELETE.
        Delete = "DELETE",
    }
}

impl Method {
    /// Whether requests with this method carry a body (so `in: body` parameters are allowed).
    pub fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

closed_set! {
    /// How a toolspec tool sends its body parameters (`json` when omitted).
    Encoding, rule: ToolspecEncoding,
    unknown: |raw| format!("encoding `{raw}` is not {}", or_list::<Encoding>()),
    {
        /// A JSON object.
        Json = "json",
        /// `application/x-www-form-urlencoded`.
        Form = "form",
    }
}

closed_set! {
    /// Where a toolspec parameter goes in the request.
    ParamIn, rule: ToolspecParamIn,
    unknown: |raw| format!("in `{raw}` is not {}", or_list::<ParamIn>()),
    {
        /// A `{placeholder}` in the path.
        Path = "path",
        /// The query string.
        Query = "query",
        /// The request body.
        Body = "body",
        /// A request header.
        Header = "header",
    }
}

closed_set! {
    /// A toolspec parameter's JSON type.
    ParamType, rule: ToolspecParamType,
    unknown: |raw| format!("type `{raw}` is not one of {}", comma_list::<ParamType>()),
    {
        /// A string.
        String = "string",
        /// An integer.
        Integer = "integer",
        /// Any number.
        Number = "number",
        /// true or false.
        Boolean = "boolean",
        /// A JSON object.
        Object = "object",
        /// A JSON array.
        Array = "array",
    }
}

closed_set! {
    /// What a server's row in catalog/sources.tsv cites: the kind of source its API facts come from.
    SourceKind, rule: SourcesKind,
    unknown: |raw| format!("kind `{raw}` is not one of {}", comma_list::<SourceKind>()),
    {
        /// The vendor's OpenAPI or Swagger document.
        Openapi = "openapi",
        /// The vendor's official SDK or client request code.
        Sdk = "sdk",
        /// Prose documentation only.
        Docs = "docs",
        /// A server without a toolspec; the notes say why it is not a toolpack server.
        NoToolspec = "no-toolspec",
    }
}

/// A closed-set field as the file wrote it: a known value, or the text of an unknown one.
///
/// The reader reports an unknown value (with its rule id) when it reads it; the text is kept so
/// later messages can quote it. Serde writes the text and reads known values only, so an index
/// or any other JSON holds known values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Closed<T> {
    /// A value of the set.
    Known(T),
    /// Anything else, as written (already reported).
    Unknown(String),
}

impl<T: ClosedSet> Closed<T> {
    /// Reads a wire string.
    pub fn from_text(raw: String) -> Closed<T> {
        match T::from_wire(&raw) {
            Some(v) => Closed::Known(v),
            None => Closed::Unknown(raw),
        }
    }

    /// The value, when it is in the set.
    pub fn known(&self) -> Option<T> {
        match self {
            Closed::Known(v) => Some(*v),
            Closed::Unknown(_) => None,
        }
    }

    /// Whether this is `value`.
    pub fn is(&self, value: T) -> bool {
        self.known() == Some(value)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        match self {
            Closed::Known(v) => v.as_str(),
            Closed::Unknown(raw) => raw,
        }
    }
}

impl<T: ClosedSet> From<T> for Closed<T> {
    fn from(v: T) -> Closed<T> {
        Closed::Known(v)
    }
}

impl<T: ClosedSet> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: ClosedSet> Serialize for Closed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, T: ClosedSet> Deserialize<'de> for Closed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        T::from_wire(&s).map(Closed::Known).ok_or_else(|| serde::de::Error::custom(T::unknown_message(&s)))
    }
}

impl<T: ClosedSet + JsonSchema> JsonSchema for Closed<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// The JSON Schema of an optional closed-set field where an empty string means "omitted"
/// (`builder: ""` is go-static), so the schema lists `""` after the set's values.
pub struct EmptyOr<T>(PhantomData<T>);

impl<T: ClosedSet> JsonSchema for EmptyOr<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "EmptyOr".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_enum::<T>(&[""])
    }
}

/// A credential's type: an open set of lowercase snake_case words (`api_key`, `oauth2`,
/// `basic`, ...), of which `oauth2` has rules of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CredentialType(pub String);

impl JsonSchema for CredentialType {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "CredentialType".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

impl CredentialType {
    /// The type whose credentials need a vendor and should list scopes.
    pub const OAUTH2: &'static str = "oauth2";

    /// Whether this is `oauth2`.
    pub fn is_oauth2(&self) -> bool {
        self.0 == Self::OAUTH2
    }

    /// The type as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for CredentialType {
    fn from(s: &str) -> CredentialType {
        CredentialType(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: ClosedSet + FromStr + Serialize + for<'de> Deserialize<'de>>() {
        for v in T::ALL {
            assert_eq!(T::from_wire(v.as_str()), Some(*v));
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
            assert_eq!(serde_json::from_str::<T>(&json).ok(), Some(*v));
        }
        assert!(serde_json::from_str::<T>("\"no such value\"").is_err());
    }

    #[test]
    fn every_set_round_trips_through_its_wire_strings() {
        round_trip::<Tier>();
        round_trip::<Builder>();
        round_trip::<Category>();
        round_trip::<Method>();
        round_trip::<Encoding>();
        round_trip::<ParamIn>();
        round_trip::<ParamType>();
    }

    #[test]
    fn unknown_values_are_quoted_in_their_messages() {
        assert_eq!(Tier::unknown_message("open"), "tier `open` is not sealed or entrusted");
        assert_eq!(ParamIn::unknown_message("cookie"), "in `cookie` is not path, query, body or header");
        assert_eq!(Category::unknown_message("crm"), "category `crm` is not in the list (did you mean `CRM`?)");
        assert_eq!(Builder::unknown_message("rust"), "builder `rust` is not one of go-static, toolpack, node, python");
        let err = serde_json::from_str::<Closed<Tier>>("\"open\"").unwrap_err().to_string();
        assert!(err.contains("tier `open`"), "{err}");
    }

    #[test]
    fn the_rule_table_help_lists_each_set() {
        // The rule documentation is static text; these keep it in step with the sets.
        assert!(Rule::Category.info().help.ends_with(&comma_list::<Category>()));
        assert!(Rule::ToolspecMethod.info().help.starts_with(&format!("one of {}", comma_list::<Method>())));
        assert_eq!(Rule::ToolspecParamIn.info().help, format!("in: {}", or_list::<ParamIn>()));
        assert_eq!(Rule::ToolspecParamType.info().help, format!("type: {}", or_list::<ParamType>()));
    }

    #[test]
    fn closed_values_keep_unknown_text() {
        let c: Closed<Method> = Closed::from_text("FETCH".into());
        assert_eq!((c.known(), c.as_str()), (None, "FETCH"));
        assert!(Closed::<Method>::from_text("GET".into()).is(Method::Get));
        assert!(CredentialType::from("oauth2").is_oauth2());
    }
}
