// SPDX-License-Identifier: Apache-2.0
//! `registryctl keygen`: a new signing key pair, named by its key id.

use std::io::IsTerminal;
use std::path::PathBuf;

use registryctl::fs::write::PRIVATE_MODE;
use registryctl::fs::{self, Overwrite};
use registryctl::sign::SecretKey;
use registryctl::{Error, Result};

use super::{note, out};

/// Generate an Ed25519 signing key pair and print its key id (the first 8 bytes of SHA-256 over the public key, in hex).
///
/// With --out-dir, writes index-signing-<keyid>.key (mode 0600, never overwritten) and
/// index-signing-<keyid>.pub and prints only the key id and the public key. Without it, prints
/// the private key too, as the Go tool did. keys/README.md says where each goes: the private key
/// to a repository secret, the public key to keys/ and to the gateways' GIG_REGISTRY_PUBKEY.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  registryctl keygen --out-dir ~/registry-key\n  registryctl keygen")]
pub struct Args {
    /// Write index-signing-<keyid>.key and index-signing-<keyid>.pub into this directory.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub fn run(a: &Args) -> Result<()> {
    // Without --out-dir the private key goes to stdout and nowhere else: a stdout that may be
    // closed (`>&-`) would lose it, so refuse before a key is made. With --out-dir the key is in
    // files and stdout only gets the key id and public key, which may be discarded.
    if a.out_dir.is_none() && fs::write::stdout_may_be_closed() {
        return Err(Error::Usage(
            "stdout is closed or /dev/null, so the private key would be lost; refusing to make one \
             (use --out-dir DIR to write the key pair to files)"
                .into(),
        ));
    }
    let key = SecretKey::generate()?;
    let (public, id) = (key.public().to_hex(), key.public().key_id());
    let Some(dir) = &a.out_dir else {
        if std::io::stdout().is_terminal() {
            note("warning: printing a private key to a terminal; prefer --out-dir DIR so it never reaches scrollback or logs");
        }
        return out(&format!("key id:  {id}\npublic:  {public}\nprivate: {}\n", key.to_hex().as_str()));
    };
    let secret_path = dir.join(format!("index-signing-{id}.key"));
    let public_path = dir.join(format!("index-signing-{id}.pub"));
    fs::write::create_dir_all(dir)?;
    if let Some(existing) = fs::first_existing(&[&secret_path, &public_path]) {
        return Err(Error::Usage(format!("{} exists; refusing to overwrite a key", existing.display())));
    }
    let mut secret = key.to_hex();
    secret.push('\n');
    fs::write_atomic(&secret_path, secret.as_bytes(), Some(PRIVATE_MODE), Overwrite::Refuse)?;
    fs::write_atomic(&public_path, format!("{public}\n").as_bytes(), None, Overwrite::Refuse)?;
    note(&format!("wrote {} (secret, mode 0600) and {}", secret_path.display(), public_path.display()));
    out(&format!("key id:  {id}\npublic:  {public}\n"))
}
