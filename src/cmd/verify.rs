// SPDX-License-Identifier: Apache-2.0
//! `registryctl verify`: the signature over the exact bytes, then the freshness and rollback
//! policy, all before anything else reads the index (the library's `trust::verify_index`).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use registryctl::fs::read::{MAX_INDEX_BYTES, MAX_KEY_BYTES};
use registryctl::render::trust as render;
use registryctl::sign::PublicKey;
use registryctl::trust::{self, Policy, TrustError, Verified};
use registryctl::{Error, Rejected, Result};

use super::{input, input_text, out};

/// Verify index.json.sig over index.json's exact bytes (strict Ed25519), then its freshness and, with --previous, that it does not roll back.
///
/// The signature verifies if any trusted key (--pub, --pub-file, each repeatable) verifies it;
/// the output names that key's id. An index whose `expires` has passed fails unless
/// --allow-expired. With --previous (the index trusted before, verified with the same keys),
/// the serial must be greater, no published version's runtime hash may change, and no version
/// may disappear unless --allow-removals; what changed is printed either way.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl verify --pub \"$GIG_REGISTRY_PUBKEY\"\n  registryctl verify --in index.json --sig index.json.sig --pub-file keys/index-signing.pub\n  registryctl verify --pub-file keys/index-signing.pub --max-age 8d --previous old/index.json"
)]
pub struct Args {
    /// The signed file.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// The signature file (one hex signature).
    #[arg(long, default_value = "index.json.sig", value_name = "FILE")]
    pub sig: PathBuf,
    /// A trusted public key, 64 hex characters; repeat for several.
    #[arg(long = "pub", value_name = "HEX", required_unless_present = "pub_file")]
    pub public: Vec<String>,
    /// A file of trusted public keys, one per line (`#` starts a comment); repeatable.
    #[arg(long, value_name = "FILE")]
    pub pub_file: Vec<PathBuf>,
    /// Accept an index whose `expires` has passed.
    #[arg(long)]
    pub allow_expired: bool,
    /// Fail an index that has no `expires` (one that would never expire).
    #[arg(long)]
    pub require_expires: bool,
    /// Fail an index generated longer ago than this, e.g. 8d or 36h.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub max_age: Option<Duration>,
    /// The index trusted before this one, verified with the same keys; this one must not roll back from it.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// The previous index's signature [default: FILE.sig beside --previous FILE].
    #[arg(long, value_name = "FILE", requires = "previous")]
    pub previous_sig: Option<PathBuf>,
    /// With --previous: accept versions it has that this index no longer has.
    #[arg(long, requires = "previous")]
    pub allow_removals: bool,
}

fn load_keys(a: &Args) -> Result<Vec<PublicKey>> {
    let mut keys = Vec::new();
    for text in &a.public {
        keys.push(PublicKey::from_hex(text)?);
    }
    for path in &a.pub_file {
        let text = input_text(path, "cannot read the public key file", MAX_KEY_BYTES)?;
        let listed = trust::parse_key_list(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        if listed.is_empty() {
            return Err(Error::Usage(format!("{}: holds no public key", path.display())));
        }
        keys.extend(listed.into_iter().filter(|k| !keys.contains(k)).collect::<Vec<_>>());
    }
    Ok(keys)
}

/// A refusal, named by the file it is about: the signature file for signature problems.
fn rejected(index: &Path, sig: &Path, source: TrustError) -> Error {
    let file = match source {
        TrustError::Signature(_) | TrustError::NoKeyVerifies { .. } => sig,
        _ => index,
    };
    Rejected::Trust { file: file.to_path_buf(), source }.into()
}

fn load_previous(a: &Args, path: &Path, keys: &[PublicKey]) -> Result<Verified> {
    let sig = a.previous_sig.clone().unwrap_or_else(|| {
        let mut sig = path.as_os_str().to_owned();
        sig.push(".sig");
        PathBuf::from(sig)
    });
    let bytes = input(path, "cannot read the previous index", MAX_INDEX_BYTES)?;
    let signature = input(&sig, "cannot read the previous index's signature", MAX_KEY_BYTES)?;
    trust::verify_previous(&bytes, &signature, keys).map_err(|e| rejected(path, &sig, e))
}

pub fn run(a: &Args) -> Result<()> {
    let keys = load_keys(a)?;
    let previous = a.previous.as_deref().map(|p| load_previous(a, p, &keys)).transpose()?;
    let policy = Policy {
        now: SystemTime::now(),
        allow_expired: a.allow_expired,
        require_expires: a.require_expires,
        max_age: a.max_age,
        previous: previous.as_ref().map(|p| &p.index),
        allow_removals: a.allow_removals,
    };
    let data = input(&a.input, "cannot read", MAX_INDEX_BYTES)?;
    let sig = input(&a.sig, "cannot read", MAX_KEY_BYTES)?;
    match trust::verify_index(&data, &sig, &keys, &policy) {
        Ok(v) => out(&render::verified(&v, previous.as_ref())),
        Err(e) => {
            if let TrustError::Rollback { changes, .. } = &e {
                out(&render::changes(changes))?;
            }
            Err(rejected(&a.input, &a.sig, e))
        }
    }
}
