//! `registryctl keygen`: the one-time signing-key bootstrap.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use registryctl::load::{self, Overwrite};
use registryctl::schema::sign::SecretKey;

use super::{out, Failure, Result};

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

pub fn run(a: &Args) -> Result<ExitCode> {
    let key = SecretKey::generate();
    let public = key.public().to_hex();
    match &a.out_dir {
        Some(dir) => {
            let secret_path = dir.join("index-signing.key");
            let public_path = dir.join("index-signing.pub");
            std::fs::create_dir_all(dir).map_err(|e| load::LoadError::new(dir, "cannot create directory", e))?;
            if let Some(existing) = [&secret_path, &public_path].into_iter().find(|p| p.exists()) {
                return Err(Failure::Usage(format!("{} exists; refusing to overwrite a key", existing.display())));
            }
            let mut secret = key.to_hex();
            secret.push('\n');
            load::write_atomic(&secret_path, secret.as_bytes(), Some(0o600), Overwrite::Refuse)?;
            load::write_atomic(&public_path, format!("{public}\n").as_bytes(), Some(0o644), Overwrite::Refuse)?;
            eprintln!("wrote {} (secret, mode 0600) and {}", secret_path.display(), public_path.display());
            out(&format!("public:  {public}\n"))?;
        }
        None => {
            if std::io::stdout().is_terminal() {
                eprintln!("warning: printing a private key to a terminal; prefer --out-dir DIR so it never reaches scrollback or logs");
            }
            out(&format!("public:  {public}\nprivate: {}\n", key.to_hex().as_str()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
