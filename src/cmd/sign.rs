// SPDX-License-Identifier: Apache-2.0
//! `registryctl sign`: the ed25519 signature over index.json's exact bytes.

use std::path::PathBuf;

use registryctl::fs::read::{MAX_INDEX_BYTES, MAX_KEY_BYTES};
use registryctl::index;
use registryctl::sign::SecretKey;
use registryctl::{Error, Rejected, Result};
use zeroize::Zeroizing;

use super::{input, input_text, note, out, out_path_parser, shown, OutPath};

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
    /// Where to write the signature: `-` is standard output; a link's target is written; a FIFO
    /// or device in place; a file through a temporary file and a rename.
    #[arg(long, default_value = "index.json.sig", value_name = "FILE", value_parser = out_path_parser())]
    pub out: OutPath,
    /// Read the key from this file instead of GIG_SIGNING_KEY.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

fn load_key(a: &Args) -> Result<SecretKey> {
    let text = match &a.key_file {
        Some(p) => Zeroizing::new(input_text(p, "cannot read the key file", MAX_KEY_BYTES)?),
        None => {
            Zeroizing::new(std::env::var(KEY_ENV).map_err(|_| Error::Usage(format!("no signing key: set {KEY_ENV} or pass --key-file")))?)
        }
    };
    Ok(SecretKey::from_hex(&text)?)
}

pub fn run(a: &Args) -> Result<()> {
    let key = load_key(a)?;
    let bytes = input(&a.input, "cannot read", MAX_INDEX_BYTES)?;
    index::validate_bytes(&bytes).map_err(|source| Rejected::Index { file: a.input.clone(), source })?;
    a.out.write(|w| w.write_all(key.sign(&bytes).as_bytes()))?;
    let line = format!("signed {} for public key {}", shown(&a.input.display().to_string()), key.public().to_hex());
    // With the signature on standard output, the summary goes to stderr.
    if a.out == OutPath::Stdout {
        note(&line);
        return Ok(());
    }
    out(&format!("{line}\n"))
}
