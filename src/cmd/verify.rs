// SPDX-License-Identifier: Apache-2.0
//! `registryctl verify`: the signature over the exact bytes, checked before anything parses them.

use std::path::{Path, PathBuf};

use registryctl::output::{self, VerifyOutput};
use registryctl::sign::{KeyError, PublicKey};
use registryctl::{fs, Error, Rejected, Result};

use super::{out, ResultArgs, ResultFormat};

/// Where the registry's public key lives once bootstrapped (keys/README.md).
const REGISTRY_PUB: &str = "keys/index-signing.pub";

/// Verify index.json.sig over index.json's exact bytes (strict Ed25519), as the gateway does.
///
/// The public key is the registry's keys/index-signing.pub (--pub-file) or the 64 hex
/// characters a gateway is configured with (--pub). With --format json, prints one object
/// (schemas/verify-output.schema.json), also when the signature does not verify.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl verify --pub-file keys/index-signing.pub\n      # needs: the published index.json and .sig, and keys/index-signing.pub once bootstrapped\n  registryctl verify --pub \"$GIG_REGISTRY_PUBKEY\" --format json\n      # needs: the published index.json and .sig\n  registryctl verify --pub-file test-key.pub\n      # in tests/fixtures/conformance, which holds a signed index.json"
)]
pub struct Args {
    /// The signed file.
    #[arg(long = "in", default_value = "index.json", value_name = "FILE")]
    pub input: PathBuf,
    /// The signature file (one hex signature).
    #[arg(long, default_value = "index.json.sig", value_name = "FILE")]
    pub sig: PathBuf,
    /// The public key, 64 hex characters (a gateway's GIG_REGISTRY_PUBKEY).
    #[arg(long = "pub", value_name = "HEX", conflicts_with = "pub_file")]
    pub public: Option<String>,
    /// A file holding the public key: the registry's is keys/index-signing.pub.
    #[arg(long, value_name = "FILE")]
    pub pub_file: Option<PathBuf>,
    #[command(flatten)]
    pub output: ResultArgs,
}

/// The public key from --pub or --pub-file; every error names the likely mistake.
fn public_key(a: &Args) -> Result<PublicKey> {
    match (&a.public, &a.pub_file) {
        (Some(k), _) => PublicKey::from_hex(k).map_err(|e| {
            let exposed = if e == KeyError::PublicIsSecret {
                "; a private key typed on a command line can be read from shell history and the process list: rotate it (keys/README.md)"
            } else {
                ""
            };
            Error::Usage(format!("--pub: {e}{exposed}"))
        }),
        (None, Some(p)) => {
            let text = read_public(p)?;
            PublicKey::from_hex(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
        }
        (None, None) => Err(Error::Usage(format!(
            "no public key: pass --pub-file {REGISTRY_PUB} (the registry's key, once bootstrapped: see keys/README.md) or --pub HEX (64 hex, a gateway's GIG_REGISTRY_PUBKEY)"
        ))),
    }
}

fn read_public(p: &Path) -> Result<String> {
    if !fs::exists(p) {
        let hint = if p.ends_with(REGISTRY_PUB) {
            "the registry's key is not bootstrapped yet (keys/README.md), or this is not the repository root"
        } else {
            "the registry's public key is keys/index-signing.pub once bootstrapped (keys/README.md)"
        };
        return Err(Error::Usage(format!("{} does not exist; {hint}", p.display())));
    }
    fs::read_to_string(p, "cannot read the public key")
}

pub fn run(a: &Args) -> Result<()> {
    let key = public_key(a)?;
    let data = fs::read_bytes(&a.input, "cannot read")?;
    let sig = fs::read_bytes(&a.sig, "cannot read")?;
    let verdict = key.verify_file(&data, &sig);
    if a.output.format == ResultFormat::Json {
        let doc = VerifyOutput {
            file: a.input.display().to_string(),
            signature: a.sig.display().to_string(),
            public_key: key.to_hex(),
            verified: verdict.is_ok(),
            reason: verdict.as_ref().err().map(ToString::to_string),
        };
        out(&output::to_json(&doc))?;
    }
    verdict.map_err(|source| Rejected::Signature { file: a.sig.clone(), source })?;
    match a.output.format {
        ResultFormat::Human => out("signature OK\n"),
        ResultFormat::Json => Ok(()),
    }
}
