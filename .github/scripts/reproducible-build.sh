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
#   REPRODUCIBLE_BUILD_DIR  keep the second copy (DIR/build) and its target directory
#                 (DIR/target) there instead of in a scratch directory removed
#                 afterwards. .ci/run passes target/tmp/operations, the directory
#                 tests/operations.rs builds its judges in (as build-registryctl.sh
#                 does, paths included), so that test finds their dependencies
#                 compiled instead of compiling them a second time.
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

if [[ -n "${REPRODUCIBLE_BUILD_DIR:-}" ]]; then
  mkdir -p "$REPRODUCIBLE_BUILD_DIR"
  kept="$(cd "$REPRODUCIBLE_BUILD_DIR" && pwd -P)"
  copy="$kept/build"
  second_target="$kept/target"
  rm -rf "$copy"
else
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  copy="$tmp/elsewhere/registry-second-copy"
  second_target="$tmp/second-target"
fi
mkdir -p "$copy"
git -C "$root" ls-files -z --cached --others --exclude-standard \
  | tar -C "$root" --null -T - -cf - | tar -C "$copy" -xf -

second="$(CARGO_TARGET_DIR="$second_target" "$scripts/build-registryctl.sh" "$copy")"

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
