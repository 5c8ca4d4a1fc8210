//! `registryctl verify`: the signature over the exact bytes, checked before anything parses them.

use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::LoadError;
use registryctl::schema::sign::{KeyError, PublicKey};

use super::{out, Failure, Result};

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

pub fn run(a: &Args) -> Result<ExitCode> {
    let key_text = match (&a.public, &a.pub_file) {
        (Some(k), _) => k.clone(),
        (None, Some(p)) => std::fs::read_to_string(p).map_err(|e| LoadError::new(p, "cannot read the public key", e))?,
        (None, None) => return Err(Failure::Usage("pass --pub HEX or --pub-file FILE".into())),
    };
    let key = PublicKey::from_hex(&key_text).map_err(|e| Failure::Usage(e.to_string()))?;
    let data = std::fs::read(&a.input).map_err(|e| LoadError::new(&a.input, "cannot read", e))?;
    let sig = std::fs::read(&a.sig).map_err(|e| LoadError::new(&a.sig, "cannot read", e))?;
    let sig = String::from_utf8(sig).map_err(|_| KeyError::SignatureFormat);
    match sig.and_then(|s| key.verify(&data, &s)) {
        Ok(()) => {
            out("signature OK\n")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", a.sig.display());
            Ok(ExitCode::from(1))
        }
    }
}
