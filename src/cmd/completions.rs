// SPDX-License-Identifier: Apache-2.0
//! `registryctl completions`: the shell's registration script for dynamic completion (see
//! `complete`), which completes subcommands, options and the registry's server names.

use clap::builder::PossibleValuesParser;

use registryctl::Result;

use super::complete;

/// Print a shell completion script.
///
/// The script asks registryctl (on PATH) for candidates as you type, so it completes server
/// names from manifests/ in the current directory for resolve, build-args and hash.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  mkdir -p ~/.local/share/bash-completion/completions\n  registryctl completions bash > ~/.local/share/bash-completion/completions/registryctl\n  mkdir -p ~/.zfunc\n  registryctl completions zsh > ~/.zfunc/_registryctl\n      # then fpath=(~/.zfunc $fpath) in ~/.zshrc, before compinit\n  mkdir -p ~/.config/fish/completions\n  registryctl completions fish > ~/.config/fish/completions/registryctl.fish"
)]
pub struct Args {
    /// The shell.
    #[arg(value_parser = PossibleValuesParser::new(complete::shell_names()))]
    pub shell: String,
}

pub fn run(a: &Args) -> Result<()> {
    complete::registration(&a.shell)
}
