#!/usr/bin/env bash
# Builds registryctl from a checkout and tells later workflow steps where it is.
# Usage: build-registryctl.sh [SRC_DIR] [ENV_NAME]
#   SRC_DIR   checkout to build (default: .)
#   ENV_NAME  variable that receives the binary's absolute path in $GITHUB_ENV
#             (default: REGISTRYCTL)
# Prints the binary's absolute path on stdout.
set -euo pipefail

src="${1:-.}"
env_name="${2:-REGISTRYCTL}"
if [[ ! "$env_name" =~ ^[A-Z_][A-Z0-9_]*$ ]]; then
  echo "build-registryctl: bad variable name: $env_name" >&2
  exit 2
fi
if [[ ! -f "$src/Cargo.toml" || ! -f "$src/Cargo.lock" ]]; then
  echo "build-registryctl: $src has no Cargo.toml and Cargo.lock" >&2
  exit 2
fi

# Progress on stderr: stdout carries only the path.
(cd "$src" && cargo build --release --locked --bin registryctl) >&2
bin="$(cd "$src" && pwd)/target/release/registryctl"
"$bin" --version >&2 || true

if [[ -n "${GITHUB_ENV:-}" ]]; then
  printf '%s=%s\n' "$env_name" "$bin" >> "$GITHUB_ENV"
fi
printf '%s\n' "$bin"
