#!/usr/bin/env bash
# Shows that registryctl builds reproducibly: builds the same source a second time,
# in a different directory with its own target directory, exactly as the workflows
# build it (build-registryctl.sh: --locked, pinned toolchain, remapped paths), and
# compares the bytes with a first build.
# Usage: reproducible-build.sh [FIRST_BINARY]
#   FIRST_BINARY  a registryctl already built by build-registryctl.sh from this
#                 checkout with the same SOURCE_DATE_EPOCH (default: build one now
#                 into target/)
# Copies the files git knows (tracked, and untracked but not ignored: the same
# content the first build saw) to a scratch directory under another name, builds
# there, and exits 1 with both SHA-256 sums when the binaries differ.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
scripts="$root/.github/scripts"
unset GITHUB_ENV
# Both builds embed the same timestamp: the commit's (what build-registryctl.sh uses by default;
# the copy below is not a git checkout, so it is fixed here for both).
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}"
export SOURCE_DATE_EPOCH

first="${1:-}"
if [[ -z "$first" ]]; then
  first="$("$scripts/build-registryctl.sh" "$root")"
fi
[[ -x "$first" ]] || { echo "reproducible-build: $first is not an executable" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/elsewhere/registry-second-copy"
mkdir -p "$copy"
git -C "$root" ls-files -z --cached --others --exclude-standard \
  | tar -C "$root" --null -T - -cf - | tar -C "$copy" -xf -

second="$(CARGO_TARGET_DIR="$tmp/second-target" "$scripts/build-registryctl.sh" "$copy")"

a="$(sha256sum "$first" | cut -d' ' -f1)"
b="$(sha256sum "$second" | cut -d' ' -f1)"
echo "first:  $a  ($first)"
echo "second: $b  ($second)"
if [[ "$a" != "$b" ]]; then
  echo "reproducible-build: the two builds differ" >&2
  if command -v cmp >/dev/null 2>&1; then cmp "$first" "$second" | head -n 5 >&2 || true; fi
  exit 1
fi
echo "reproducible-build: identical ($a)"
