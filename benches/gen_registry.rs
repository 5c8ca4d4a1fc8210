// SPDX-License-Identifier: Apache-2.0
//! Generates a synthetic, lint-clean registry for the benchmarks.
//!
//! ```sh
//! cargo run --release --locked --example gen-registry -- N OUTDIR [SEED]
//! ```
//!
//! Writes OUTDIR/manifests/<name>/<version>.yaml and OUTDIR/toolspecs/<name>/<version>.yaml for
//! N servers named svc-00000 …; one server in ten has three versions (0.1.0, 0.2.0, 1.0.0), the
//! rest one. A manifest is about 1 KB (5-10 tools, 1-2 egress hosts, each one a base URL uses,
//! an oauth2 or api_key credential); a toolspec about 2 KB (the same tools with parameters and 8+ word descriptions).
//! No images/, denylist/, policy/, CATALOG.md or schemas/ are written, so `check` skips those;
//! OUTDIR/catalog/sources.tsv holds one row per server, as `check` requires of a registry with
//! toolspecs.
//!
//! Deterministic: each server draws from its own generator seeded with (seed, index), so the
//! registry for N=1000 is exactly the first 1000 servers of the one for N=10000.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use registryctl::schema::closed::Category;
use sha2::{Digest, Sha256};

const NOUNS: &[&str] = &[
    "widgets",
    "invoices",
    "contacts",
    "tickets",
    "projects",
    "tasks",
    "orders",
    "customers",
    "reports",
    "files",
    "webhooks",
    "users",
    "teams",
    "events",
    "comments",
    "labels",
    "campaigns",
    "deals",
    "accounts",
    "documents",
    "forms",
    "payments",
    "subscriptions",
    "products",
    "notes",
];
/// Verb, HTTP method, and whether the tool only reads.
const VERBS: &[(&str, &str, bool)] = &[
    ("list", "GET", true),
    ("get", "GET", true),
    ("search", "GET", true),
    ("export", "GET", true),
    ("create", "POST", false),
    ("update", "PATCH", false),
    ("delete", "DELETE", false),
    ("archive", "POST", false),
];
const ADJECTIVES: &[&str] =
    &["recent", "active", "archived", "shared", "pending", "assigned", "open", "closed", "starred", "visible", "related", "current"];
const PURPOSES: &[&str] = &[
    "to find their ids",
    "for the signed-in user",
    "ordered by last update",
    "with cursor-based pagination of results",
    "before changing anything for them",
    "with their owners and dates",
];
const QUERY_PARAMS: &[(&str, &str, &str)] = &[
    ("limit", "integer", "Results per page (1-100)."),
    ("cursor", "string", "Cursor from the previous page."),
    ("sort", "string", "Field to sort by."),
    ("query", "string", "Free text to match."),
    ("include_archived", "boolean", "Also return archived records."),
];
const BODY_PARAMS: &[(&str, &str, &str)] = &[
    ("title", "string", "Title of the record."),
    ("description", "string", "Longer free text description."),
    ("tags", "array", "Tag names to attach."),
    ("metadata", "object", "Key-value pairs for integrations."),
    ("priority", "integer", "Priority from 1 to 5."),
];

/// SplitMix64: a small, deterministic generator; benchmark data needs no more.
struct Rng(u64);

impl Rng {
    fn new(seed: &str, index: usize) -> Rng {
        let h = Sha256::digest(format!("{seed}:{index}"));
        Rng(u64::from_le_bytes(h[..8].try_into().expect("8 bytes")))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Tool {
    verb: &'static str,
    noun: &'static str,
    method: &'static str,
    read: bool,
}

/// A server's name, manifest, toolspec, and its catalog/sources.tsv row (also used by
/// tests/yaml_fast.rs, which holds the fast YAML scanner to these files).
pub(crate) fn server(index: usize, seed: &str, version: &str) -> (String, String, String, String) {
    let mut rng = Rng::new(seed, index);
    let name = format!("svc-{index:05}");
    let domain = format!("{name}.example-corp.com");
    let n_egress = rng.range(1, 3);
    let mut tools: Vec<Tool> = Vec::new();
    let want = rng.range(5, 10);
    while tools.len() < want {
        let (verb, method, read) = *rng.pick(VERBS);
        let noun = *rng.pick(NOUNS);
        if !tools.iter().any(|t| t.verb == verb && t.noun == noun) {
            tools.push(Tool { verb, noun, method, read });
        }
    }
    if !tools.iter().any(|t| t.read) {
        tools[0] = Tool { verb: "list", noun: tools[0].noun, method: "GET", read: true };
    }
    // Only hosts a base URL uses (egress-unused): the file tools' host when there are any.
    let files_host = n_egress >= 2 && tools.iter().any(|t| matches!(t.noun, "files" | "documents" | "reports"));
    let mut egress = vec![format!("api.{domain}")];
    if files_host {
        egress.push(format!("\"*.files.{domain}\""));
    }

    let oauth = rng.chance(60);
    let credential = if oauth {
        let mut scopes: Vec<String> = tools.iter().map(|t| format!("{}.{}", t.noun, if t.read { "read" } else { "write" })).collect();
        scopes.sort();
        scopes.dedup();
        scopes.truncate(4);
        let scopes: String = scopes.iter().map(|s| format!("      - \"{s}\"\n")).collect();
        format!(
            "  - id: {id}_oauth\n    type: oauth2\n    provider: {name}\n    vendor: {name}\n    scopes:\n{scopes}    inject:\n      header: Authorization\n      format: \"Bearer {{token}}\"\n",
            id = name.replace('-', "_")
        )
    } else {
        format!(
            "  - id: api_key\n    type: api_key\n    provider: {name}\n    inject:\n      header: X-Api-Key\n      format: \"{{token}}\"\n"
        )
    };
    let num = &name[4..];
    let (first, last) = (tools[0].noun, tools[tools.len() - 1].noun);
    let mut manifest = String::with_capacity(1200);
    for line in [
        "# yaml-language-server: $schema=../../schemas/manifest.schema.json".to_string(),
        "schemaVersion: 1".into(),
        format!("name: {name}"),
        format!("version: {version}"),
        format!("displayName: Service {num}"),
        format!("description: Read and manage {first} and {last} in Service {num} through its REST API, on behalf of the signed-in user."),
        format!("category: {}", rng.pick(Category::ALL).as_str()),
        "source:".into(),
        "  repo: github.com/gigmcp/toolpack".into(),
        format!("  tag: v{version}"),
        "image:".into(),
        format!("  ref: ghcr.io/gigmcp/{name}-mcp"),
        format!("  digest: sha256:{}", hex::encode(Sha256::digest(format!("{name}@{version}")))),
        "  entrypoint: /app/server".into(),
        "  builder: toolpack".into(),
        "tier: sealed".into(),
        "entitlements:".into(),
        "  egress:".into(),
    ] {
        manifest.push_str(&line);
        manifest.push('\n');
    }
    for e in &egress {
        let _ = writeln!(manifest, "    - {e}");
    }
    manifest.push_str("credentials:\n");
    manifest.push_str(&credential);
    manifest.push_str("tools:\n");
    for t in &tools {
        let _ = writeln!(manifest, "  - name: {}_{}\n    default: {}", t.verb, t.noun, t.read);
    }

    let mut spec = format!("schemaVersion: 1\nname: {name}\nversion: {version}\nbaseUrl: https://api.{domain}\ntools:\n");
    for t in &tools {
        let base = format!("/v{}/{}", rng.range(1, 3), t.noun);
        let id = format!("{}_id", &t.noun[..t.noun.len() - 1]);
        let mut params: Vec<(String, &str, &str, bool, &str)> = Vec::new();
        let path = match t.verb {
            "list" | "export" | "create" => base,
            "search" => format!("{base}/search"),
            "archive" => format!("{base}/{{{id}}}/archive"),
            _ => format!("{base}/{{{id}}}"),
        };
        if path.contains('{') {
            params.push((id, "path", "string", true, ""));
        }
        if t.method == "GET" && rng.chance(50) {
            let (n, k, d) = *rng.pick(QUERY_PARAMS);
            params.push((n.to_string(), "query", k, false, d));
        }
        if matches!(t.method, "POST" | "PATCH") && t.verb != "archive" {
            let (n, k, d) = *rng.pick(BODY_PARAMS);
            params.push((n.to_string(), "body", k, false, d));
        }
        let _ = write!(
            spec,
            "  - name: {}_{}\n    description: {} the {} {} {}.\n    method: {}\n    path: {path}\n",
            t.verb,
            t.noun,
            capitalize(t.verb),
            rng.pick(ADJECTIVES),
            t.noun,
            rng.pick(PURPOSES),
            t.method
        );
        if n_egress >= 2 && matches!(t.noun, "files" | "documents" | "reports") {
            let _ = writeln!(spec, "    baseUrl: https://eu.files.{domain}");
        }
        if !params.is_empty() {
            spec.push_str("    params:\n");
            for (n, loc, kind, required, desc) in params {
                let req = if required { ", required: true" } else { "" };
                let desc = if desc.is_empty() { String::new() } else { format!(", description: \"{desc}\"") };
                let _ = writeln!(spec, "      - {{name: {n}, in: {loc}, type: {kind}{req}{desc}}}");
            }
        }
    }
    let tool_names: Vec<String> = tools.iter().map(|t| format!("{}_{}", t.verb, t.noun)).collect();
    let row = format!("{name}\tdocs\thttps://docs.{domain}/api\t2026-01-01\t{}\t-\tsynthetic\n", tool_names.join(","));
    (name, manifest, spec, row)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn write(path: &Path, text: &str) -> std::io::Result<usize> {
    fs::create_dir_all(path.parent().expect("a parent directory"))?;
    fs::write(path, text)?;
    Ok(text.len())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first().and_then(|n| n.parse::<usize>().ok()), args.get(1)) else {
        eprintln!("usage: gen-registry N OUTDIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).map_or("registryctl-bench-1", String::as_str);
    let out = Path::new(out);
    if !(1..=100_000).contains(&n) || out.join("manifests").exists() {
        eprintln!("gen-registry: N must be 1..=100000 and {}/manifests must not exist", out.display());
        return ExitCode::from(2);
    }
    let (mut files, mut bytes) = (0, 0);
    let mut sources = String::from("# synthetic: one row per server\n");
    for i in 0..n {
        let versions: &[&str] = if i % 10 == 0 { &["0.1.0", "0.2.0", "1.0.0"] } else { &["0.1.0"] };
        for (j, v) in versions.iter().enumerate() {
            let (name, manifest, spec, row) = server(i, seed, v);
            if j + 1 == versions.len() {
                sources.push_str(&row);
            }
            let written = write(&out.join("manifests").join(&name).join(format!("{v}.yaml")), &manifest)
                .and_then(|a| Ok(a + write(&out.join("toolspecs").join(&name).join(format!("{v}.yaml")), &spec)?));
            match written {
                Ok(b) => bytes += b,
                Err(e) => {
                    eprintln!("gen-registry: {e}");
                    return ExitCode::from(2);
                }
            }
            files += 2;
        }
    }
    if let Err(e) = write(&out.join("catalog/sources.tsv"), &sources) {
        eprintln!("gen-registry: {e}");
        return ExitCode::from(2);
    }
    println!("wrote {n} servers ({files} files, {:.1} MB of YAML) to {}", bytes as f64 / 1e6, out.display());
    ExitCode::SUCCESS
}
