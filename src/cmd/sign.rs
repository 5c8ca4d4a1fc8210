//! `registryctl sign`: the ed25519 signature over index.json's exact bytes.

use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::{self, LoadError, Overwrite};
use registryctl::schema::index::{self, Index};
use registryctl::schema::sign::SecretKey;
use registryctl::schema::{manifest, Severity};
use zeroize::Zeroizing;

use super::{out, Failure, Result};

/// The environment variable holding the signing key (128 hex: seed then public key).
pub const KEY_ENV: &str = "GIG_SIGNING_KEY";

/// Sign index.json: lowercase hex signature and a newline. The key comes from GIG_SIGNING_KEY or --key-file, never an argument.
///
/// Refuses a key whose second half is not the public key of its first half, and a file that is
/// not a valid index (strict JSON shape, every manifest valid, Go's exact encoding).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  GIG_SIGNING_KEY=\"$KEY\" registryctl sign --in index.json --out index.json.sig\n  registryctl sign --key-file keys/index-signing.key"
)]
pub struct Args {
    /// The index to sign.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// Where to write the signature (through a temporary file and a rename).
    #[arg(long, default_value = "index.json.sig", value_name = "FILE")]
    pub out: PathBuf,
    /// Read the key from this file instead of GIG_SIGNING_KEY.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

fn load_key(a: &Args) -> Result<SecretKey> {
    let text = match &a.key_file {
        Some(p) => Zeroizing::new(std::fs::read_to_string(p).map_err(|e| LoadError::new(p, "cannot read the key file", e))?),
        None => {
            Zeroizing::new(std::env::var(KEY_ENV).map_err(|_| Failure::Usage(format!("no signing key: set {KEY_ENV} or pass --key-file")))?)
        }
    };
    SecretKey::from_hex(&text).map_err(|e| Failure::Usage(e.to_string()))
}

/// Checks that `bytes` are an index this tool would have written: strict shape, valid
/// manifests under the right keys, the right latest versions, and Go's exact encoding.
pub fn check_index(bytes: &[u8]) -> std::result::Result<Index, String> {
    let idx: Index = serde_json::from_slice(bytes).map_err(|e| format!("not an index: {e}"))?;
    if idx.schema_version != 1 {
        return Err(format!("schemaVersion {} is not 1", idx.schema_version));
    }
    for (name, server) in &idx.servers {
        for (version, m) in &server.versions {
            if &m.name != name || &m.version != version {
                return Err(format!("servers.{name}.versions.{version} holds {}@{}", m.name, m.version));
            }
            if let Some(d) = manifest::validate(m).into_iter().find(|d| d.severity == Severity::Error) {
                return Err(format!("{name}@{version}: {} [{}] {}", d.field, d.rule.id(), d.message));
            }
        }
        let latest = server.versions.keys().max_by(|a, b| index::compare_versions(a, b));
        if latest != Some(&server.latest) {
            return Err(format!(
                "servers.{name}.latest is {} but the highest version is {}",
                server.latest,
                latest.map_or("none", |s| s.as_str())
            ));
        }
    }
    if index::to_go_json(&idx) != bytes {
        return Err("the bytes are not the canonical encoding build-index writes".into());
    }
    Ok(idx)
}

pub fn run(a: &Args) -> Result<ExitCode> {
    let key = load_key(a)?;
    let bytes = std::fs::read(&a.input).map_err(|e| LoadError::new(&a.input, "cannot read", e))?;
    if let Err(why) = check_index(&bytes) {
        eprintln!("error: refusing to sign {}: {why}", a.input.display());
        return Ok(ExitCode::from(1));
    }
    load::write_atomic(&a.out, key.sign(&bytes).as_bytes(), None, Overwrite::Replace)?;
    out(&format!("signed {} for public key {}\n", a.input.display(), key.public().to_hex()))?;
    Ok(ExitCode::SUCCESS)
}
