#!/usr/bin/env bash
# Opens a pull request that updates the public-suffix list compiled into
# registryctl (the `psl` crate in Cargo.lock), as psl-freshness.yml runs it when
# psl-age.sh found the locked version too old.
# Runs `cargo update -p psl` (the newest release within Cargo.toml's requirement),
# commits Cargo.lock alone on a branch deps/psl-<version>, pushes it and opens a
# pull request against main; does nothing when that pull request is already open.
# Exits 1 when crates.io has nothing newer (the update must come another way).
# Needs GH_TOKEN (contents: write, pull-requests: write) and GITHUB_REPOSITORY.
# CARGO (default cargo) is for tests.
set -euo pipefail

: "${GITHUB_REPOSITORY:?}" "${GH_TOKEN:?}"
repo="$GITHUB_REPOSITORY"
cargo="${CARGO:-cargo}"
root="$(git rev-parse --show-toplevel)"
cd "$root"

locked_psl() {
  python3 -c 'import sys, tomllib; print(" ".join(p["version"] for p in tomllib.load(open("Cargo.lock", "rb"))["package"] if p["name"] == "psl"))'
}

old="$(locked_psl)"
"$cargo" update -p psl
new="$(locked_psl)"
if [[ "$new" == "$old" ]]; then
  echo "::error::cargo update -p psl found nothing newer than $old on crates.io"
  exit 1
fi
if [[ ! "$new" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "::error::unexpected psl version after the update: '$new'"
  exit 1
fi
changed="$(git status --porcelain)"
if [[ "$changed" != " M Cargo.lock" ]]; then
  echo "::error::the update changed more than Cargo.lock:"
  printf '%s\n' "$changed"
  exit 1
fi

branch="deps/psl-$new"
open_prs="$(gh pr list --repo "$repo" --head "$branch" --state open --json number --jq 'length')"
if [[ "$open_prs" != 0 ]]; then
  echo "a pull request from $branch is already open"
  exit 0
fi

git switch -c "$branch"
git add Cargo.lock
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit -m "Update the public-suffix list: psl $old -> $new" \
  -m "Opened by psl-freshness.yml: the list compiled into registryctl was older than the limit."
# The checkout keeps no credentials; gh lends GH_TOKEN to this one push.
gh auth setup-git
git push origin "$branch"

body="psl-freshness found the public-suffix list compiled into registryctl too old.

This updates \`psl\` from $old to $new in Cargo.lock, nothing else. Before merging:

- lint must pass: \`registryctl check\` judges every egress wildcard against the new list, so a wildcard that a new private suffix now covers fails here, and needs a narrower entry or a reviewed exception;
- a pull request opened with the workflow's token does not start other workflows by itself: close and reopen it (or push to the branch) to run lint."
gh pr create --repo "$repo" --base main --head "$branch" \
  --title "Update the public-suffix list (psl $old -> $new)" --body "$body"
