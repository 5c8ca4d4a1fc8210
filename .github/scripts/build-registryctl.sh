#!/usr/bin/env bash
# Builds registryctl from a checkout and tells later workflow steps where it is.
# Usage: build-registryctl.sh [SRC_DIR] [ENV_NAME]
#   SRC_DIR   checkout to build (default: .)
#   ENV_NAME  variable that receives the binary's absolute path in $GITHUB_ENV
#             (default: REGISTRYCTL)
# Prints the binary's absolute path on stdout.
#
# The build is reproducible: `--locked` (exactly Cargo.lock's dependencies), the
# toolchain pinned by rust-toolchain.toml, every machine-specific path remapped
# (the checkout to /registry, the target directory to /target, CARGO_HOME to
# /cargo) for rustc and for the C compiler (mimalloc), and SOURCE_DATE_EPOCH set
# (default: the checkout's last commit time; mimalloc embeds __DATE__/__TIME__,
# which GCC and clang take from it), so two builds of one commit in different
# directories, on different machines, give the same bytes. CARGO_TARGET_DIR is
# honoured (the remap follows it). The Rust flags are passed as
# CARGO_ENCODED_RUSTFLAGS, which takes precedence over RUSTFLAGS: any RUSTFLAGS in
# the environment are not used for this build.
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

src_abs="$(cd "$src" && pwd -P)"
target_dir="${CARGO_TARGET_DIR:-$src_abs/target}"
mkdir -p "$target_dir"
target_abs="$(cd "$target_dir" && pwd -P)"
cargo_home="$(cd "${CARGO_HOME:-$HOME/.cargo}" 2>/dev/null && pwd -P || printf '%s' "${CARGO_HOME:-$HOME/.cargo}")"

# rustc applies the last matching --remap-path-prefix, so the more specific
# prefixes (a target directory inside the checkout) come after the checkout.
flags=(
  "--remap-path-prefix=$cargo_home=/cargo"
  "--remap-path-prefix=$src_abs=/registry"
  "--remap-path-prefix=$target_abs=/target"
)
encoded="$(IFS=$'\x1f'; printf '%s' "${flags[*]}")"
# cc-rs splits CFLAGS on whitespace, so the C remaps are added only for paths without any.
cflags="${CFLAGS:-}"
for pair in "$cargo_home=/cargo" "$src_abs=/registry" "$target_abs=/target"; do
  if [[ "$pair" != *[[:space:]]* ]]; then cflags+="${cflags:+ }-ffile-prefix-map=$pair"; fi
done
if [[ -z "${SOURCE_DATE_EPOCH:-}" ]]; then
  SOURCE_DATE_EPOCH="$(git -C "$src_abs" log -1 --format=%ct 2>/dev/null || true)"
fi
epoch="${SOURCE_DATE_EPOCH:-0}"

# Progress on stderr: stdout carries only the path.
(cd "$src_abs" && CARGO_TARGET_DIR="$target_abs" CARGO_ENCODED_RUSTFLAGS="$encoded" \
  CFLAGS="$cflags" SOURCE_DATE_EPOCH="$epoch" cargo build --release --locked --bin registryctl) >&2
bin="$target_abs/release/registryctl"
"$bin" --version >&2 || true

if [[ -n "${GITHUB_ENV:-}" ]]; then
  printf '%s=%s\n' "$env_name" "$bin" >> "$GITHUB_ENV"
fi
printf '%s\n' "$bin"
