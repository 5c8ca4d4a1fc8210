// SPDX-License-Identifier: Apache-2.0
//! `registryctl sign`: the ed25519 signature over index.json's exact bytes, and during a key
//! rotation a second one by the next key.

use std::path::{Path, PathBuf};

use registryctl::fs::{self, Overwrite};
use registryctl::index;
use registryctl::sign::SecretKey;
use registryctl::{Error, Rejected, Result};
use zeroize::Zeroizing;

use super::out;

/// The environment variable holding the signing key (128 hex: seed then public key).
pub const KEY_ENV: &str = "GIG_SIGNING_KEY";
/// The environment variable holding the next key during a rotation (`--next`).
pub const NEXT_KEY_ENV: &str = "GIG_SIGNING_KEY_NEXT";

/// Sign index.json: lowercase hex signature and a newline. The key comes from GIG_SIGNING_KEY or --key-file, never an argument.
///
/// Refuses a key whose second half is not the public key of its first half, and a file that is
/// not a valid index (strict JSON shape, every manifest valid, Go's exact encoding, at most the
/// gateway's 32 MiB). With --next (key rotation) it also signs with the next key, from
/// GIG_SIGNING_KEY_NEXT or --next-key-file, into OUT.<keyid> beside OUT: gateways keep reading
/// OUT, and the next key's signature is there to check before the switch.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  GIG_SIGNING_KEY=\"$KEY\" registryctl sign --in index.json --out index.json.sig\n  registryctl sign --key-file ~/registry-key/index-signing-3f169dbc1dfaede6.key\n  GIG_SIGNING_KEY=\"$KEY\" GIG_SIGNING_KEY_NEXT=\"$NEXT\" registryctl sign --next   # also writes index.json.sig.<next key id>"
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
    /// Also sign with the next key (GIG_SIGNING_KEY_NEXT), into OUT.<next key id>.
    #[arg(long)]
    pub next: bool,
    /// Read the next key from this file instead of GIG_SIGNING_KEY_NEXT; implies --next.
    #[arg(long, value_name = "FILE")]
    pub next_key_file: Option<PathBuf>,
}

fn load_key(file: Option<&Path>, env: &str, flag: &str) -> Result<SecretKey> {
    let text = match file {
        Some(p) => Zeroizing::new(fs::read_to_string(p, "cannot read the key file")?),
        None => Zeroizing::new(std::env::var(env).map_err(|_| Error::Usage(format!("no signing key: set {env} or pass {flag}")))?),
    };
    Ok(SecretKey::from_hex(&text)?)
}

pub fn run(a: &Args) -> Result<()> {
    let key = load_key(a.key_file.as_deref(), KEY_ENV, "--key-file")?;
    let next = match (a.next, &a.next_key_file) {
        (false, None) => None,
        (_, file) => Some(load_key(file.as_deref(), NEXT_KEY_ENV, "--next-key-file")?),
    };
    let (id, next_id) = (key.public().key_id(), next.as_ref().map(|k| k.public().key_id()));
    if next_id == Some(id) {
        return Err(Error::Usage(format!(
            "the next key is the current key ({id}); a rotation needs a new key pair from `registryctl keygen`"
        )));
    }
    let bytes = fs::read_bytes(&a.input, "cannot read")?;
    index::validate_bytes(&bytes).map_err(|source| Rejected::Index { file: a.input.clone(), source })?;
    let mut report = String::new();
    if let (Some(next), Some(next_id)) = (&next, next_id) {
        let mut path = a.out.clone().into_os_string();
        path.push(format!(".{next_id}"));
        let path = PathBuf::from(path);
        fs::write_atomic(&path, next.sign(&bytes).as_bytes(), None, Overwrite::Replace)?;
        report =
            format!("signed {} with next key {next_id} (public key {}): {}\n", a.input.display(), next.public().to_hex(), path.display());
    }
    fs::write_atomic(&a.out, key.sign(&bytes).as_bytes(), None, Overwrite::Replace)?;
    out(&format!("signed {} with key {id} (public key {}): {}\n{report}", a.input.display(), key.public().to_hex(), a.out.display()))
}
