// SPDX-License-Identifier: Apache-2.0
//! `registryctl verify`: the signature over the exact bytes, checked before anything parses them.

use std::path::PathBuf;

use registryctl::fs::read::{MAX_INDEX_BYTES, MAX_KEY_BYTES};
use registryctl::sign::PublicKey;
use registryctl::{Error, Rejected, Result};

use super::{input, input_text, out};

/// Verify index.json.sig over index.json's exact bytes (strict Ed25519), as the gateway does.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl verify --pub \"$GIG_REGISTRY_PUBKEY\"\n  registryctl verify --in index.json --sig index.json.sig --pub-file keys/index-signing.pub"
)]
pub struct Args {
    /// The signed file.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// The signature file (one hex signature).
    #[arg(long, default_value = "index.json.sig", value_name = "FILE")]
    pub sig: PathBuf,
    /// The public key, 64 hex characters.
    #[arg(long = "pub", value_name = "HEX", required_unless_present = "pub_file", conflicts_with = "pub_file")]
    pub public: Option<String>,
    /// A file holding the public key.
    #[arg(long, value_name = "FILE")]
    pub pub_file: Option<PathBuf>,
}

pub fn run(a: &Args) -> Result<()> {
    let key_text = match (&a.public, &a.pub_file) {
        (Some(k), _) => k.clone(),
        (None, Some(p)) => input_text(p, "cannot read the public key", MAX_KEY_BYTES)?,
        (None, None) => return Err(Error::Usage("pass --pub HEX or --pub-file FILE".into())),
    };
    let key = PublicKey::from_hex(&key_text)?;
    let data = input(&a.input, "cannot read", MAX_INDEX_BYTES)?;
    let sig = input(&a.sig, "cannot read", MAX_KEY_BYTES)?;
    key.verify_file(&data, &sig).map_err(|source| Rejected::Signature { file: a.sig.clone(), source })?;
    out("signature OK\n")
}
