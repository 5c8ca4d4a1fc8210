#!/usr/bin/env bash
# Did a pull request change what judges it? Compares the base and PR checkouts
# for registryctl's code (src/, Cargo.toml, Cargo.lock, rust-toolchain.toml, and
# policy/data/, the public-suffix list compiled into it) and the policy
# (denylist/, policy/, images/, catalog/no-public-api.txt). The base judge reads
# the policy from the base checkout; when the PR changes any of this, lint.yml
# also checks the PR with its own build and policy, so main stays green after
# the merge (say, a removed exception a manifest still needs).
# Usage: tool-changed.sh BASE_DIR PR_DIR
# Prints changed=true|false and appends it to $GITHUB_OUTPUT when set.
set -euo pipefail

base="${1:?usage: tool-changed.sh BASE_DIR PR_DIR}"
pr="${2:?usage: tool-changed.sh BASE_DIR PR_DIR}"

changed=false
for path in src denylist policy images catalog/no-public-api.txt Cargo.toml Cargo.lock rust-toolchain.toml; do
  if [[ ! -e "$base/$path" && ! -e "$pr/$path" ]]; then
    continue
  fi
  if ! diff -rq --no-dereference "$base/$path" "$pr/$path" >/dev/null 2>&1; then
    echo "changed: $path" >&2
    changed=true
  fi
done

echo "changed=$changed"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "changed=$changed" >> "$GITHUB_OUTPUT"
fi
