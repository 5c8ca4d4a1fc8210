#!/usr/bin/env bash
# Replaces the assets of the rolling `latest` release with a freshly signed
# index, as publish-index.yml runs it; creates the release when it is absent.
# Usage: publish-release.sh DIR   (DIR holds index.json and index.json.sig)
# Needs GH_TOKEN (GITHUB_TOKEN with contents: write) and GITHUB_REPOSITORY.
set -euo pipefail

dir="${1:?usage: publish-release.sh DIR}"
tag="${RELEASE_TAG:-latest}"
: "${GITHUB_REPOSITORY:?}" "${GH_TOKEN:?}"

for f in index.json index.json.sig; do
  if [[ ! -s "$dir/$f" ]]; then
    echo "::error::$dir/$f is missing or empty"
    exit 1
  fi
done

notes="Signed index of the catalog, rebuilt from ${GITHUB_SHA:-the default branch} on every push to main. Verify index.json.sig against keys/index-signing.pub (registryctl verify --pub-file keys/index-signing.pub)."

if ! gh release view "$tag" --repo "$GITHUB_REPOSITORY" >/dev/null 2>&1; then
  gh release create "$tag" --repo "$GITHUB_REPOSITORY" \
    --title "Signed index (rolling)" --notes "$notes" --latest \
    ${GITHUB_SHA:+--target "$GITHUB_SHA"}
fi
gh release upload "$tag" "$dir/index.json" "$dir/index.json.sig" --repo "$GITHUB_REPOSITORY" --clobber
gh release edit "$tag" --repo "$GITHUB_REPOSITORY" --notes "$notes"
echo "release $tag: index.json and index.json.sig replaced"
