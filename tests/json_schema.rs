// SPDX-License-Identifier: Apache-2.0
//! The generated JSON Schemas, checked with an independent validator: they accept every
//! manifest and toolspec in the catalog and reject the schema-level errors of the broken inputs.

mod common;

use std::fs;
use std::path::Path;

use registryctl::yaml::{self, plain_type, Kind, Node, PlainType, Style};
use serde_json::Value;

/// YAML 1.2 core-schema conversion of a parsed tree, the way an editor's YAML plugin reads it.
fn to_json(node: &Node) -> Value {
    match &node.kind {
        Kind::Scalar(s, Style::Plain) => match plain_type(s) {
            PlainType::Null => Value::Null,
            PlainType::Bool => Value::Bool(s.eq_ignore_ascii_case("true")),
            PlainType::Int => s.parse::<i64>().map(Value::from).unwrap_or(Value::String(s.clone())),
            PlainType::Float => s.parse::<f64>().map(Value::from).unwrap_or(Value::String(s.clone())),
            PlainType::Str => Value::String(s.clone()),
        },
        Kind::Scalar(s, _) => Value::String(s.clone()),
        Kind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Kind::Map(pairs) => Value::Object(pairs.iter().map(|(k, v)| (k.scalar().unwrap_or_default().to_string(), to_json(v))).collect()),
    }
}

fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    let mut diags = Vec::new();
    to_json(&yaml::parse(&text, &mut diags).unwrap_or_else(|| panic!("{} parses", path.display())))
}

fn validator(kind: &str) -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(common::repo().join(format!("schemas/{kind}.schema.json"))).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

#[test]
fn the_shipped_schemas_are_the_generated_ones() {
    assert_eq!(
        fs::read_to_string(common::repo().join("schemas/manifest.schema.json")).unwrap(),
        registryctl::schema::manifest_json_schema()
    );
    assert_eq!(
        fs::read_to_string(common::repo().join("schemas/toolspec.schema.json")).unwrap(),
        registryctl::schema::toolspec_json_schema()
    );
    let diff = registryctl::schema::SchemaKind::Diff;
    assert_eq!(fs::read_to_string(common::repo().join(diff.path())).unwrap(), diff.generate());
}

#[test]
fn schemas_accept_the_whole_catalog_and_the_conformance_fixtures() {
    let (m, t) = (validator("manifest"), validator("toolspec"));
    let mut dirs = vec![(common::repo().join("manifests"), &m), (common::repo().join("toolspecs"), &t)];
    dirs.push((common::fixtures().join("conformance/manifests"), &m));
    for (dir, v) in dirs {
        let files = yaml_files(&dir);
        // Whatever the catalog holds, every file is checked; none found means a broken walk.
        assert!(!files.is_empty(), "no YAML files under {}", dir.display());
        for f in files {
            let errors: Vec<String> = v.iter_errors(&load(&f)).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", f.display());
        }
    }
}

#[test]
fn schemas_reject_schema_level_errors() {
    let m = validator("manifest");
    let broken = common::fixtures().join("broken/manifests");
    // creds/ and egress/ break semantic rules only, which no JSON Schema can express.
    for name in ["fields", "yaml-errors", "tools"] {
        let v = load(&broken.join(name).join("0.1.0.yaml"));
        assert!(!m.is_valid(&v), "{name} should be rejected");
    }
    let base = load(Path::new(&common::write(tempfile::tempdir().unwrap().path(), "m.yaml", &common::manifest("acme", "0.1.0"))));
    assert!(m.is_valid(&base));
    for (pointer, bad) in [
        ("/tier", Value::from("trusted")),
        ("/schemaVersion", Value::from("1")),
        ("/name", Value::from("Acme_X")),
        ("/category", Value::from("crm")),
        ("/tools/0/default", Value::from("yes")),
        ("/image/digest", Value::from("latest")),
    ] {
        let mut v = base.clone();
        *v.pointer_mut(pointer).unwrap() = bad;
        assert!(!m.is_valid(&v), "{pointer} should be rejected");
    }
    let mut extra = base.clone();
    extra.as_object_mut().unwrap().insert("displayname".into(), Value::from("x"));
    assert!(!m.is_valid(&extra));
    let t = validator("toolspec");
    let spec = load(&common::fixtures().join("broken/toolspecs/acme/0.1.0.yaml"));
    assert!(!t.is_valid(&spec));
}
