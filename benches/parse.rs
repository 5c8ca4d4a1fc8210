// SPDX-License-Identifier: Apache-2.0
//! Per-file micro-benchmarks: what one manifest or toolspec costs, split into the YAML tree and
//! the full check, plus the egress-entry parser and the Go-compatible JSON encoder.
//!
//! Inputs are real files from the repository: the `asana` manifest and toolspec (a 10-tool,
//! 6 KB toolspec, one of the larger ones) and the conformance index. Whole-registry timings
//! (walk, read, parallelism, output) are in scripts/bench.sh and bench/RESULTS.md.
//!
//!     cargo bench --locked --bench parse
//!     cargo bench --locked --bench parse -- manifest      # a subset

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use registryctl::index::{self, Index};
use registryctl::schema::rules::egress::{self, Denylist};
use registryctl::schema::rules::policy::Policy;
use registryctl::schema::{check_manifest, check_toolspec, Location, ManifestContext};
use registryctl::yaml;

const SERVER: &str = "asana";
const VERSION_FILE: &str = "0.1.0.yaml";

fn read(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The policy `lint` builds for this repository: its own denylist, no exceptions needed.
fn policy() -> Policy {
    Policy { denylist: Denylist::parse(&read("denylist/exfil-domains.txt")), exceptions: Vec::new(), today: "2026-01-01".into() }
}

fn benches(c: &mut Criterion) {
    let manifest_text = read(&format!("manifests/{SERVER}/{VERSION_FILE}"));
    let toolspec_text = read(&format!("toolspecs/{SERVER}/{VERSION_FILE}"));
    let at = Some(Location { dir: SERVER, file: VERSION_FILE });
    let policy = policy();
    let ctx = ManifestContext { builders_with_dockerfile: None, toolspec_exists: Some(true), repository: None };

    // Sanity: the inputs are clean, so the benchmarks measure the no-findings path CI takes.
    let checked = check_manifest(&manifest_text, at, &policy, &ctx);
    assert!(checked.diags.is_empty(), "manifest has findings: {:?}", checked.diags);
    let manifest = checked.manifest.expect("manifest parses");
    let (_, tdiags) = check_toolspec(&toolspec_text, at, |n, v| (n == manifest.name && v == manifest.version).then_some(&manifest));
    assert!(tdiags.is_empty(), "toolspec has findings: {tdiags:?}");

    let mut g = c.benchmark_group("manifest");
    g.throughput(Throughput::Bytes(manifest_text.len() as u64));
    g.bench_function("yaml_tree", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            black_box(yaml::parse(black_box(&manifest_text), &mut out))
        })
    });
    g.bench_function("check", |b| b.iter(|| black_box(check_manifest(black_box(&manifest_text), at, &policy, &ctx))));
    g.finish();

    let mut g = c.benchmark_group("toolspec");
    g.throughput(Throughput::Bytes(toolspec_text.len() as u64));
    g.bench_function("yaml_tree", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            black_box(yaml::parse(black_box(&toolspec_text), &mut out))
        })
    });
    g.bench_function("check_paired", |b| {
        b.iter(|| {
            black_box(check_toolspec(black_box(&toolspec_text), at, |n, v| {
                (n == manifest.name && v == manifest.version).then_some(&manifest)
            }))
        })
    });
    g.finish();

    let entries =
        ["app.asana.com", "*.uploads.acme.com", "api.eu.example-corp.com", "*.myshopify.com", "10.0.0.1.nip.io", "API.acme.com:443"];
    let mut g = c.benchmark_group("egress");
    g.throughput(Throughput::Elements(entries.len() as u64));
    g.bench_function("parse_entry_x6", |b| {
        b.iter(|| {
            for e in entries {
                let _ = black_box(egress::parse_entry(black_box(e)));
            }
        })
    });
    g.finish();

    let index_text = read("tests/fixtures/conformance/index.json");
    let idx: Index = serde_json::from_str(&index_text).expect("the conformance index parses");
    assert_eq!(index::to_go_json(&idx), index_text.as_bytes(), "to_go_json reproduces the conformance bytes");
    let mut g = c.benchmark_group("index");
    g.throughput(Throughput::Bytes(index_text.len() as u64));
    g.bench_function("to_go_json_conformance", |b| b.iter(|| black_box(index::to_go_json(black_box(&idx)))));
    g.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(50)
}

criterion_group! {
    name = parse;
    config = config();
    targets = benches
}
criterion_main!(parse);
