// SPDX-License-Identifier: Apache-2.0
//! `registryctl sign`: the ed25519 signature over index.json's exact bytes, and during a key
//! rotation a second one by the next key.

use std::path::{Path, PathBuf};

use registryctl::index;
use registryctl::sign::SecretKey;
use registryctl::{fs, Error, Rejected, Result};
use zeroize::Zeroizing;

use super::{input, input_text, note, out, out_path_parser, shown, OutPath};

/// The environment variables that may hold the signing key (128 hex: seed then public key):
/// the repository secret's own name first, then the name the publish workflow has always used.
pub const KEY_ENVS: [&str; 2] = ["GIG_INDEX_SIGNING_KEY", "GIG_SIGNING_KEY"];
/// The same for the next key during a rotation (`--next`).
pub const NEXT_KEY_ENVS: [&str; 2] = ["GIG_INDEX_SIGNING_KEY_NEXT", "GIG_SIGNING_KEY_NEXT"];

/// Sign index.json: lowercase hex signature and a newline. The key comes from GIG_INDEX_SIGNING_KEY or GIG_SIGNING_KEY, or --key-file, never an argument.
///
/// Refuses a key whose second half is not the public key of its first half, and a file that is
/// not a valid index (strict JSON shape, every manifest valid, Go's exact encoding, at most the
/// gateway's 32 MiB). When both variables are set they must hold the same key. With --next
/// (key rotation) it also signs with the next key, from GIG_INDEX_SIGNING_KEY_NEXT or
/// GIG_SIGNING_KEY_NEXT or --next-key-file, into OUT.<keyid> beside OUT: gateways keep reading
/// OUT, and the next key's signature is there to check before the switch.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  GIG_INDEX_SIGNING_KEY=\"$KEY\" registryctl sign --in index.json --out index.json.sig\n      # needs: the private key (the repository never holds one)\n  registryctl sign --key-file \"$HOME/registry-key/index-signing-3f169dbc1dfaede6.key\"\n      # needs: a key pair from keygen, kept outside the repository\n  GIG_INDEX_SIGNING_KEY=\"$KEY\" GIG_INDEX_SIGNING_KEY_NEXT=\"$NEXT\" registryctl sign --next\n      # needs: both private keys of a rotation; also writes index.json.sig.<next key id>"
)]
pub struct Args {
    /// The index to sign.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// Where to write the signature: `-` is standard output; a link's target is written; a FIFO
    /// or device in place; a file through a temporary file and a rename.
    #[arg(long, default_value = "index.json.sig", value_name = "FILE", value_parser = out_path_parser())]
    pub out: OutPath,
    /// Read the key from this file (keep it outside the repository) instead of the environment.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Also sign with the next key (GIG_INDEX_SIGNING_KEY_NEXT or GIG_SIGNING_KEY_NEXT), into OUT.<next key id>.
    #[arg(long)]
    pub next: bool,
    /// Read the next key from this file instead of the environment; implies --next.
    #[arg(long, value_name = "FILE")]
    pub next_key_file: Option<PathBuf>,
}

/// A key from `file` or, without one, from the environment variables `envs` (when both are set
/// they must hold the same key); every error names where the key came from and never the key.
fn load_key(file: Option<&Path>, envs: [&str; 2], flag: &str) -> Result<SecretKey> {
    if let Some(p) = file {
        let text = Zeroizing::new(input_text(p, "cannot read the key file", fs::Input::Key)?);
        return SecretKey::from_hex(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())));
    }
    let set: Vec<(&str, Zeroizing<String>)> =
        envs.iter().filter_map(|name| std::env::var(name).ok().map(|v| (*name, Zeroizing::new(v)))).collect();
    let mut keys = Vec::new();
    for (name, text) in &set {
        keys.push((*name, SecretKey::from_hex(text).map_err(|e| Error::Usage(format!("{name}: {e}")))?));
    }
    match keys.as_slice() {
        [] => {
            Err(Error::Usage(format!("no signing key: set {} (the repository secret's name) or {}, or pass {flag} FILE", envs[0], envs[1])))
        }
        [(_, a), (_, b)] if a.public() != b.public() => Err(Error::Usage(format!(
            "{} and {} are both set and hold different keys; set only one (public keys {} and {})",
            envs[0],
            envs[1],
            a.public().to_hex(),
            b.public().to_hex()
        ))),
        _ => Ok(keys.swap_remove(0).1),
    }
}

pub fn run(a: &Args) -> Result<()> {
    let key = load_key(a.key_file.as_deref(), KEY_ENVS, "--key-file")?;
    let next = match (a.next, &a.next_key_file) {
        (false, None) => None,
        (_, file) => Some(load_key(file.as_deref(), NEXT_KEY_ENVS, "--next-key-file")?),
    };
    let (id, next_id) = (key.public().key_id(), next.as_ref().map(|k| k.public().key_id()));
    if next_id == Some(id) {
        return Err(Error::Usage(format!(
            "the next key is the current key ({id}); a rotation needs a new key pair from `registryctl keygen`"
        )));
    }
    // The next key's signature goes beside the main one: it needs a file to go beside.
    let next_out = match (&a.out, next_id) {
        (_, None) => None,
        (OutPath::Stdout, Some(_)) => return Err(Error::Usage("--next writes OUT.<key id> beside --out FILE: name a file, not -".into())),
        (OutPath::File(p), Some(next_id)) => {
            let mut path = p.clone().into_os_string();
            path.push(format!(".{next_id}"));
            Some(OutPath::File(PathBuf::from(path)))
        }
    };
    let bytes = input(&a.input, "cannot read", fs::Input::Index)?;
    index::validate_bytes(&bytes).map_err(|source| Rejected::Index { file: a.input.clone(), source })?;
    let signed = |what: &str, k: &SecretKey, to: &OutPath| {
        let public = k.public();
        format!(
            "signed {} with {what} {} (public key {}): {}\n",
            shown(&a.input.display().to_string()),
            public.key_id(),
            public.to_hex(),
            to.shown()
        )
    };
    let mut report = String::new();
    if let (Some(next), Some(next_out)) = (&next, &next_out) {
        next_out.write(|w| w.write_all(next.sign(&bytes).as_bytes()))?;
        report = signed("next key", next, next_out);
    }
    a.out.write(|w| w.write_all(key.sign(&bytes).as_bytes()))?;
    let lines = format!("{}{report}", signed("key", &key, &a.out));
    // With the signature on standard output, the summary goes to stderr.
    if a.out == OutPath::Stdout {
        lines.lines().for_each(note);
        return Ok(());
    }
    out(&lines)
}
