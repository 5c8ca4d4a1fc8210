// SPDX-License-Identifier: Apache-2.0
//! `registryctl verify`: the signature over the exact bytes, then the freshness and rollback
//! policy, all before anything else reads the index (the library's `trust::verify_index`).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use registryctl::output::{self, VerifyOutput};
use registryctl::render::trust as render;
use registryctl::sign::{KeyError, PublicKey};
use registryctl::trust::{self, Policy, TrustError, Verified};
use registryctl::{fs, Error, Rejected, Result};

use super::{input, input_text, out, ResultArgs, ResultFormat};

/// Where the registry's public key lives once bootstrapped (keys/README.md).
const REGISTRY_PUB: &str = "keys/index-signing.pub";

/// Verify index.json.sig over index.json's exact bytes (strict Ed25519), then its freshness and, with --previous, that it does not roll back.
///
/// The signature verifies if any trusted key verifies it: the registry's keys/index-signing.pub
/// (--pub-file, a file of keys one per line) or the 64 hex characters a gateway is configured
/// with (--pub), each repeatable; the output names that key's id. An index whose `expires` has
/// passed fails unless --allow-expired. With --previous (the index trusted before, verified with
/// the same keys), the serial must be greater, no published version's runtime hash may change,
/// and no version may disappear unless --allow-removals; what changed is printed either way.
/// With --format json, prints one object (schemas/verify-output.schema.json), also when the
/// index does not verify.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl verify --pub-file keys/index-signing.pub\n      # needs: the published index.json and .sig, and keys/index-signing.pub once bootstrapped\n  registryctl verify --pub \"$GIG_REGISTRY_PUBKEY\" --format json\n      # needs: the published index.json and .sig\n  registryctl verify --pub-file test-key.pub\n      # needs: tests/fixtures/conformance as the working directory (a signed index.json)\n  registryctl verify --pub-file keys/index-signing.pub --max-age 8d --previous old/index.json\n      # needs: the published index and the one trusted before it, with their .sig files"
)]
pub struct Args {
    /// The signed file.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// The signature file (one hex signature).
    #[arg(long, default_value = "index.json.sig", value_name = "FILE")]
    pub sig: PathBuf,
    /// A trusted public key, 64 hex characters (a gateway's GIG_REGISTRY_PUBKEY); repeat for several.
    #[arg(long = "pub", value_name = "HEX")]
    pub public: Vec<String>,
    /// A file of trusted public keys, one per line (`#` starts a comment); the registry's is
    /// keys/index-signing.pub. Repeatable.
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
    #[command(flatten)]
    pub output: ResultArgs,
}

/// The trusted keys from --pub and --pub-file, each once, in the order given; every error
/// names the likely mistake and never repeats a key.
fn load_keys(a: &Args) -> Result<Vec<PublicKey>> {
    if a.public.is_empty() && a.pub_file.is_empty() {
        return Err(Error::Usage(format!(
            "no public key: pass --pub-file {REGISTRY_PUB} (the registry's key, once bootstrapped: see keys/README.md) or --pub HEX (64 hex, a gateway's GIG_REGISTRY_PUBKEY)"
        )));
    }
    let mut keys: Vec<PublicKey> = Vec::new();
    for text in &a.public {
        let key = PublicKey::from_hex(text).map_err(|e| {
            let exposed = if e == KeyError::PublicIsSecret {
                "; a private key typed on a command line can be read from shell history and the process list: rotate it (keys/README.md)"
            } else {
                ""
            };
            Error::Usage(format!("--pub: {e}{exposed}"))
        })?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for path in &a.pub_file {
        let text = read_public(path)?;
        let listed = trust::parse_key_list(&text).map_err(|e| {
            // A file of one key needs no line number to find the mistake.
            let one_key = text.lines().filter(|l| !l.split('#').next().unwrap_or_default().trim().is_empty()).count() == 1;
            let why = if one_key { e.source.to_string() } else { e.to_string() };
            Error::Usage(format!("{}: {why}", path.display()))
        })?;
        if listed.is_empty() {
            return Err(Error::Usage(format!("{}: holds no public key", path.display())));
        }
        keys.extend(listed.into_iter().filter(|k| !keys.contains(k)).collect::<Vec<_>>());
    }
    Ok(keys)
}

/// A key file's text; a missing one says where the registry's key is.
fn read_public(p: &Path) -> Result<String> {
    if !fs::exists_no_follow(p) {
        let hint = if p.ends_with(REGISTRY_PUB) {
            "the registry's key is not bootstrapped yet (keys/README.md), or this is not the repository root"
        } else {
            "the registry's public key is keys/index-signing.pub once bootstrapped (keys/README.md)"
        };
        return Err(Error::Usage(format!("{} does not exist; {hint}", p.display())));
    }
    input_text(p, "cannot read the public key file", fs::Input::Key)
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
    let bytes = input(path, "cannot read the previous index", fs::Input::Index)?;
    let signature = input(&sig, "cannot read the previous index's signature", fs::Input::Signature)?;
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
    let data = input(&a.input, "cannot read", fs::Input::Index)?;
    let sig = input(&a.sig, "cannot read", fs::Input::Signature)?;
    let verdict = trust::verify_index(&data, &sig, &keys, &policy);
    let json = a.output.format == ResultFormat::Json;
    if json {
        let (file, signature) = (a.input.display().to_string(), a.sig.display().to_string());
        out(&output::to_json(&VerifyOutput::of(file, signature, &keys, &verdict)))?;
    }
    match verdict {
        Ok(_) if json => Ok(()),
        Ok(v) => out(&render::verified(&v, previous.as_ref())),
        Err(e) => {
            if let (false, TrustError::Rollback { changes, .. }) = (json, &e) {
                out(&render::changes(changes))?;
            }
            Err(rejected(&a.input, &a.sig, e))
        }
    }
}
