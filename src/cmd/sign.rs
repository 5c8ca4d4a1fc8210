// SPDX-License-Identifier: Apache-2.0
//! `registryctl sign`: the ed25519 signature over index.json's exact bytes.

use std::path::PathBuf;

use registryctl::fs::{self, Overwrite};
use registryctl::index;
use registryctl::sign::SecretKey;
use registryctl::{Error, Rejected, Result};
use zeroize::Zeroizing;

use super::out;

/// The environment variables that may hold the signing key (128 hex: seed then public key):
/// the repository secret's own name first, then the name the publish workflow has always used.
pub const KEY_ENVS: [&str; 2] = ["GIG_INDEX_SIGNING_KEY", "GIG_SIGNING_KEY"];

/// Sign index.json: lowercase hex signature and a newline. The key comes from GIG_INDEX_SIGNING_KEY or GIG_SIGNING_KEY, or --key-file, never an argument.
///
/// Refuses a key whose second half is not the public key of its first half, and a file that is
/// not a valid index (strict JSON shape, every manifest valid, Go's exact encoding). When both
/// variables are set they must hold the same key.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  GIG_INDEX_SIGNING_KEY=\"$KEY\" registryctl sign --in index.json --out index.json.sig\n      # needs: the private key (the repository never holds one)\n  registryctl sign --key-file \"$HOME/registry-key/index-signing.key\"\n      # needs: a key pair from keygen, kept outside the repository"
)]
pub struct Args {
    /// The index to sign.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// Where to write the signature (through a temporary file and a rename).
    #[arg(long, default_value = "index.json.sig", value_name = "FILE")]
    pub out: PathBuf,
    /// Read the key from this file (keep it outside the repository) instead of the environment.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

/// The key from the file or the environment; every error names where the key came from.
fn load_key(a: &Args) -> Result<SecretKey> {
    if let Some(p) = &a.key_file {
        let text = Zeroizing::new(fs::read_to_string(p, "cannot read the key file")?);
        return SecretKey::from_hex(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())));
    }
    let set: Vec<(&str, Zeroizing<String>)> =
        KEY_ENVS.iter().filter_map(|name| std::env::var(name).ok().map(|v| (*name, Zeroizing::new(v)))).collect();
    let mut keys = Vec::new();
    for (name, text) in &set {
        keys.push((*name, SecretKey::from_hex(text).map_err(|e| Error::Usage(format!("{name}: {e}")))?));
    }
    match keys.as_slice() {
        [] => Err(Error::Usage(format!(
            "no signing key: set {} (the repository secret's name) or {}, or pass --key-file FILE",
            KEY_ENVS[0], KEY_ENVS[1]
        ))),
        [(_, a), (_, b)] if a.public() != b.public() => Err(Error::Usage(format!(
            "{} and {} are both set and hold different keys; set only one (public keys {} and {})",
            KEY_ENVS[0],
            KEY_ENVS[1],
            a.public().to_hex(),
            b.public().to_hex()
        ))),
        _ => Ok(keys.swap_remove(0).1),
    }
}

pub fn run(a: &Args) -> Result<()> {
    let key = load_key(a)?;
    let bytes = fs::read_bytes(&a.input, "cannot read")?;
    index::validate_bytes(&bytes).map_err(|source| Rejected::Index { file: a.input.clone(), source })?;
    fs::write_atomic(&a.out, key.sign(&bytes).as_bytes(), None, Overwrite::Replace)?;
    out(&format!("signed {} for public key {}\n", a.input.display(), key.public().to_hex()))
}
