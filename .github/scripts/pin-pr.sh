#!/usr/bin/env bash
# Opens the pull request that pins a freshly pushed image, as build-images.yml's
# `pin` job runs it after the push and the attestation: `registryctl pin` writes
# the index digest into manifests/<name>/<version>.yaml (that value and nothing
# else), `registryctl catalog` regenerates CATALOG.md (the version's status is no
# longer "planned"), the change is checked to be exactly the digest line of that
# manifest (and CATALOG.md), committed on the branch pin/<name>-<version>, pushed,
# and a pull request is opened against main.
# The pull request is judged like any other (lint.yml's base and self judges and
# the review gate); once merged, publish-index signs the version into the index.
#
# Usage: pin-pr.sh REGISTRYCTL NAME VERSION DIGEST
#   NAME, VERSION  the server version built (build-images' outputs, from the
#                  dispatch inputs checked by image-build-args.sh; checked again)
#   DIGEST         the pushed OCI image index's digest, sha256:<64 hex>
# Run from a checkout of main. Never re-pins: a version whose manifest already
# holds a real digest is refused by `registryctl pin` (publish a new version
# instead). When the branch's pull request is already open (a rebuild of the same
# version), the branch is updated and no second pull request is opened.
# Needs GH_TOKEN (contents: write, pull-requests: write) and GITHUB_REPOSITORY;
# BASE_BRANCH (default main) is the branch the pull request targets.
set -euo pipefail

usage="usage: pin-pr.sh REGISTRYCTL NAME VERSION DIGEST"
bin="${1:?$usage}"
name="${2:-}"
version="${3:-}"
digest="${4:-}"
: "${GITHUB_REPOSITORY:?}" "${GH_TOKEN:?}"
repo="$GITHUB_REPOSITORY"
base="${BASE_BRANCH:-main}"

name_re='^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'
version_re='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
digest_re='^sha256:[0-9a-f]{64}$'
if [[ ! "$name" =~ $name_re ]] || (( ${#name} > 64 )) || [[ ! "$version" =~ $version_re ]]; then
  echo "::error::not a server version: '${name//[^a-zA-Z0-9._-]/?}@${version//[^a-zA-Z0-9._-]/?}'"
  exit 2
fi
if [[ ! "$digest" =~ $digest_re ]]; then
  echo "::error::not an image digest: '${digest//[^a-zA-Z0-9:._-]/?}'"
  exit 2
fi
if [[ "$bin" == */* ]]; then bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"; fi

root="$(git rev-parse --show-toplevel)"
cd "$root"
manifest="manifests/$name/$version.yaml"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  echo "::error::the checkout has changes already; pin-pr.sh starts from a clean checkout of $base"
  exit 1
fi

"$bin" pin "$name@$version" "$digest"

if git diff --quiet HEAD --; then
  echo "$manifest pins $digest already: nothing to propose"
  exit 0
fi
# CATALOG.md is generated from the manifests, and shows whether a version is planned.
"$bin" catalog > /dev/null

# Exactly one line of that one manifest changed, and it is the digest; else only CATALOG.md.
changed="$(git diff --numstat HEAD -- . ':(exclude)CATALOG.md')"
if [[ "$changed" != $'1\t1\t'"$manifest" || -n "$(git status --porcelain --untracked-files=all -- . ':(exclude)CATALOG.md' ':(exclude)'"$manifest")" ]]; then
  echo "::error::pin changed more than the digest line of $manifest:"
  git status --porcelain --untracked-files=all
  git diff HEAD --
  exit 1
fi
# The line before and after, with any digest blanked out, must be the same line.
lines="$(git diff -U0 HEAD -- "$manifest" | grep -E '^[-+]' | grep -vE '^(---|\+\+\+) ')"
removed="$(sed -n 's/^-//p' <<<"$lines")"
added="$(sed -n 's/^+//p' <<<"$lines")"
blank() { sed -E 's/sha256:[0-9a-f]{64}/sha256:DIGEST/' <<<"$1"; }
if [[ "$added" != *"$digest"* || "$(blank "$added")" != "$(blank "$removed")" ]]; then
  echo "::error::the changed line of $manifest is not its image digest"
  git diff HEAD --
  exit 1
fi
git diff HEAD --

branch="pin/$name-$version"
git switch -q -C "$branch"
git add "$manifest" CATALOG.md
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit -q -m "Pin $name@$version to $digest" \
  -m "Opened by build-images.yml after pushing and attesting the image: image.digest now names the pushed OCI image index (linux/amd64 and linux/arm64). The manifest's diff is this one line; CATALOG.md is regenerated."
# The checkout keeps no credentials; gh lends GH_TOKEN to this one push. A rebuild of
# the same version replaces the branch of its still-open pull request.
gh auth setup-git
git push --force origin "HEAD:refs/heads/$branch"

open_prs="$(gh pr list --repo "$repo" --head "$branch" --state open --json number --jq 'length')"
if [[ "$open_prs" != 0 ]]; then
  echo "the pull request from $branch is open already; its branch now pins $digest"
  exit 0
fi
body="build-images built, pushed and attested the image of $name@$version (linux/amd64 and linux/arm64, with provenance and SBOM); this pins its image index digest in \`$manifest\`, one line:

\`image.digest: $digest\`

and regenerates CATALOG.md, where the version is no longer listed as planned.

Before merging: lint's base and self judges and the review gate must pass (the review gate lists the digest as a widening of a planned version). Once merged, publish-index signs the version into the index and gateways can install it. Verify the image first if you like (images/README.md: What is attested).
A pull request opened with the workflow's token does not start other workflows by itself: close and reopen it (or push to the branch) to run lint."
gh pr create --repo "$repo" --base "$base" --head "$branch" --title "Pin $name@$version" --body "$body"
