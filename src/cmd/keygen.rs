// SPDX-License-Identifier: Apache-2.0
//! `registryctl keygen`: the one-time signing-key bootstrap.

use std::io::IsTerminal;
use std::path::PathBuf;

use registryctl::fs::write::PRIVATE_MODE;
use registryctl::fs::{self, Overwrite};
use registryctl::sign::SecretKey;
use registryctl::{Error, Result};

use super::{note, out};

/// Generate an Ed25519 signing key pair.
///
/// With --out-dir, writes index-signing.key (mode 0600, never overwritten) and index-signing.pub
/// and prints only the public key. Without it, prints both, as the Go tool did: the private key
/// goes to the repository secret GIG_INDEX_SIGNING_KEY, the public key to the gateway's
/// GIG_REGISTRY_PUBKEY and to keys/index-signing.pub.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl keygen --out-dir ~/registry-key\n  registryctl keygen")]
pub struct Args {
    /// Write index-signing.key and index-signing.pub into this directory.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub fn run(a: &Args) -> Result<()> {
    let key = SecretKey::generate()?;
    let public = key.public().to_hex();
    let Some(dir) = &a.out_dir else {
        if std::io::stdout().is_terminal() {
            note("warning: printing a private key to a terminal; prefer --out-dir DIR so it never reaches scrollback or logs");
        }
        return out(&format!("public:  {public}\nprivate: {}\n", key.to_hex().as_str()));
    };
    let secret_path = dir.join("index-signing.key");
    let public_path = dir.join("index-signing.pub");
    fs::write::create_dir_all(dir)?;
    if let Some(existing) = fs::first_existing(&[&secret_path, &public_path]) {
        return Err(Error::Usage(format!("{} exists; refusing to overwrite a key", existing.display())));
    }
    let mut secret = key.to_hex();
    secret.push('\n');
    fs::write_atomic(&secret_path, secret.as_bytes(), Some(PRIVATE_MODE), Overwrite::Refuse)?;
    fs::write_atomic(&public_path, format!("{public}\n").as_bytes(), None, Overwrite::Refuse)?;
    note(&format!("wrote {} (secret, mode 0600) and {}", secret_path.display(), public_path.display()));
    out(&format!("public:  {public}\n"))
}
