// SPDX-License-Identifier: Apache-2.0
//! `registryctl completions` and `registryctl man`: generated from the same clap definitions.

use clap::CommandFactory;
use clap_complete::Shell;

use registryctl::{Error, Result};

use super::{out, Cli};

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  registryctl completions bash > /etc/bash_completion.d/registryctl\n  registryctl completions zsh > \"${fpath[1]}/_registryctl\""
)]
pub struct Args {
    /// The shell.
    pub shell: Shell,
}

/// Print the man page (roff).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  registryctl man > registryctl.1 && man ./registryctl.1")]
pub struct ManArgs {}

pub fn run(a: &Args) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "registryctl", &mut buf);
    out(&String::from_utf8_lossy(&buf))
}

pub fn run_man(_: &ManArgs) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf).map_err(|e| Error::Usage(format!("cannot render the man page: {e}")))?;
    out(&String::from_utf8_lossy(&buf))
}
