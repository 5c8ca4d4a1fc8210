// SPDX-License-Identifier: Apache-2.0
//! `registryctl sign`: the ed25519 signature over index.json's exact bytes.

use std::path::PathBuf;

use registryctl::fs::{self, Overwrite};
use registryctl::index;
use registryctl::sign::SecretKey;
use registryctl::{Error, Rejected, Result};
use zeroize::Zeroizing;

use super::out;

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
        Some(p) => Zeroizing::new(fs::read_to_string(p, "cannot read the key file")?),
        None => {
            Zeroizing::new(std::env::var(KEY_ENV).map_err(|_| Error::Usage(format!("no signing key: set {KEY_ENV} or pass --key-file")))?)
        }
    };
    Ok(SecretKey::from_hex(&text)?)
}

pub fn run(a: &Args) -> Result<()> {
    let key = load_key(a)?;
    let bytes = fs::read_bytes(&a.input, "cannot read")?;
    index::validate_bytes(&bytes).map_err(|source| Rejected::Index { file: a.input.clone(), source })?;
    fs::write_atomic(&a.out, key.sign(&bytes).as_bytes(), None, Overwrite::Replace)?;
    out(&format!("signed {} for public key {}\n", a.input.display(), key.public().to_hex()))
}
