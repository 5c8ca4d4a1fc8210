// SPDX-License-Identifier: Apache-2.0
//! Shell completion: clap_complete's dynamic completion, so the shell asks the binary itself and
//! an argument can offer the registry's own names. `completions <shell>` prints a registration
//! script that calls `registryctl` back with [`VAR`] set; any argument completes server names by
//! adding one of the candidate lists below (`#[arg(add = complete::server_refs())]`).

use std::path::Path;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::Shells;

use registryctl::registry::{Options, Registry};
use registryctl::{Error, Result};

use super::out;

/// The environment variable that turns a run into a completion request.
pub const VAR: &str = "REGISTRYCTL_COMPLETE";

/// The servers and versions of the registry checkout the current directory is in; none
/// outside a checkout.
fn servers() -> Vec<(String, Vec<String>)> {
    Registry::for_target(Path::new("."), Options::default()).and_then(|r| r.servers()).unwrap_or_default()
}

/// `name` and `name@version` for every server: refs, as resolve and pin take them.
pub fn server_refs() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        servers()
            .into_iter()
            .flat_map(|(name, versions)| {
                let refs = versions.into_iter().map({
                    let name = name.clone();
                    move |v| format!("{name}@{v}")
                });
                std::iter::once(name).chain(refs)
            })
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// `manifests/<name>` and `manifests/<name>/<version>.yaml`: what build-args and hash take.
pub fn server_paths() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        servers()
            .into_iter()
            .flat_map(|(name, versions)| {
                let files = versions.into_iter().map({
                    let name = name.clone();
                    move |v| format!("manifests/{name}/{v}.yaml")
                });
                std::iter::once(format!("manifests/{name}")).chain(files)
            })
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// The shells completion scripts exist for.
pub fn shell_names() -> Vec<&'static str> {
    Shells::builtins().names().collect()
}

/// Prints the registration script for `shell`; it calls `registryctl` (found on PATH) back.
pub fn registration(shell: &str) -> Result<()> {
    let builtins = Shells::builtins();
    let completer = builtins.completer(shell).ok_or_else(|| Error::Usage(format!("no completions for the shell `{shell}`")))?;
    let mut buf = Vec::new();
    completer
        .write_registration(VAR, "registryctl", "registryctl", "registryctl", &mut buf)
        .map_err(|e| Error::Usage(format!("cannot write the completion script: {e}")))?;
    out(&String::from_utf8_lossy(&buf))
}
