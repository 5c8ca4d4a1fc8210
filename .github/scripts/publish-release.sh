#!/usr/bin/env bash
# Publishes a freshly signed index as a NEW GitHub release, as publish-index.yml
# runs it, so that a gateway never reads an index and a signature from two
# different publishes:
#   1. create a draft release `index-<UTC timestamp>-<short sha>` holding
#      index.json, index.json.sig (and the index's attestation bundle, when given);
#      a draft is invisible to readers and to .../releases/latest;
#   2. check that every asset arrived whole (names and sizes);
#   3. publish the release, still not as latest;
#   4. only then mark it latest: from this moment
#      https://github.com/<repo>/releases/latest/download/index.json (and .sig)
#      serve this publish's pair, and before it the previous publish's pair;
#   5. prune: keep the newest KEEP_RELEASES (default 90) index-* releases for
#      audit, delete older ones with their tags, and delete the rolling `latest`
#      release of the old scheme if it is still there.
# A failure before step 4 leaves `latest` where it was.
#
# Usage: publish-release.sh DIR [ATTESTATION_DIR]
#   DIR              holds index.json and index.json.sig (and during a key rotation
#                    index.json.sig.<next key id>, published beside them)
#   ATTESTATION_DIR  holds the Sigstore bundle of the index's build-provenance
#                    attestation (one *.json or *.jsonl file), published as
#                    index.json.sigstore.json
# Needs GH_TOKEN (GITHUB_TOKEN with contents: write), GITHUB_REPOSITORY and
# GITHUB_SHA. PUBLISH_EPOCH (seconds) fixes the timestamp, for tests.
set -euo pipefail

dir="${1:?usage: publish-release.sh DIR [ATTESTATION_DIR]}"
attestation_dir="${2:-}"
: "${GITHUB_REPOSITORY:?}" "${GH_TOKEN:?}" "${GITHUB_SHA:?}"
repo="$GITHUB_REPOSITORY"
keep="${KEEP_RELEASES:-90}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "::error::KEEP_RELEASES must be a positive integer"; exit 2; }
[[ "$GITHUB_SHA" =~ ^[0-9a-f]{40}$ ]] || { echo "::error::GITHUB_SHA is not a commit id"; exit 2; }

for f in index.json index.json.sig; do
  if [[ ! -s "$dir/$f" ]]; then
    echo "::error::$dir/$f is missing or empty"
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$dir/index.json" "$dir/index.json.sig" "$work/"
assets=("$work/index.json" "$work/index.json.sig")
# During a key rotation, the next key's signature index.json.sig.<key id> (keys/README.md).
shopt -s nullglob
for f in "$dir"/index.json.sig.*; do
  if [[ ! "$(basename "$f")" =~ ^index\.json\.sig\.[0-9a-f]{16}$ ]]; then
    echo "::error::$f is not a second signature index.json.sig.<16-hex key id>"
    exit 1
  fi
  cp "$f" "$work/"
  assets+=("$work/$(basename "$f")")
done
shopt -u nullglob
if [[ -n "$attestation_dir" ]]; then
  shopt -s nullglob
  bundles=("$attestation_dir"/*.json "$attestation_dir"/*.jsonl)
  shopt -u nullglob
  if (( ${#bundles[@]} != 1 )) || [[ ! -s "${bundles[0]}" ]]; then
    echo "::error::$attestation_dir must hold exactly one attestation bundle (found ${#bundles[@]})"
    exit 1
  fi
  cp "${bundles[0]}" "$work/index.json.sigstore.json"
  assets+=("$work/index.json.sigstore.json")
fi

if [[ -n "${PUBLISH_EPOCH:-}" ]]; then
  stamp="$(date -u -d "@$PUBLISH_EPOCH" +%Y%m%dT%H%M%SZ)"
else
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
fi
short="${GITHUB_SHA:0:12}"
tag="index-$stamp-$short"
tag_re='^index-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{7,40}$'

notes="Signed index of the catalog, built from ${GITHUB_SHA} on ${stamp}.

Gateways read the newest one at https://github.com/${repo}/releases/latest/download/index.json
(signature: index.json.sig at the same place). Verify it with the committed key:
registryctl verify --in index.json --sig index.json.sig --pub-file keys/index-signing.pub"
if [[ -n "$attestation_dir" ]]; then
  notes+="
and its build provenance:
gh attestation verify index.json --repo ${repo} --signer-workflow ${repo}/.github/workflows/publish-index.yml --source-ref refs/heads/main"
fi

# 1. A draft with every asset: nobody can read it yet.
gh release create "$tag" --repo "$repo" --draft --latest=false --target "$GITHUB_SHA" \
  --title "Signed index $stamp ($short)" --notes "$notes" "${assets[@]}"

# 2. Every asset arrived whole.
uploaded="$(gh release view "$tag" --repo "$repo" --json assets \
  --jq '.assets[] | [.name, (.size | tostring), .state] | join(" ")')"
for f in "${assets[@]}"; do
  name="$(basename "$f")"
  size="$(wc -c < "$f" | tr -d ' ')"
  if ! grep -qx "$name $size uploaded" <<<"$uploaded"; then
    echo "::error::release $tag: asset $name ($size bytes) did not arrive whole; the draft stays unpublished and latest is unchanged"
    printf '%s\n' "$uploaded" >&2
    exit 1
  fi
done

# 3. Published, with both files in place, but not yet what gateways read.
gh release edit "$tag" --repo "$repo" --draft=false --latest=false
# 4. Now the stable URL moves to this publish, assets and all.
gh release edit "$tag" --repo "$repo" --latest
echo "release $tag: published and marked latest (${#assets[@]} assets)"

# 5. Keep the newest $keep index releases; the tag names sort by time.
mapfile -t tags < <(gh release list --repo "$repo" --limit 1000 --exclude-drafts \
  --json tagName --jq '.[].tagName')
index_tags=()
for t in "${tags[@]}"; do
  if [[ "$t" =~ $tag_re ]]; then
    index_tags+=("$t")
  elif [[ "$t" == latest ]]; then
    # The rolling release of the old scheme: its assets were replaced in place,
    # so it holds no history, only a stale pair gateways must not read.
    gh release delete latest --repo "$repo" --yes --cleanup-tag
    echo "deleted the old rolling release 'latest'"
  fi
done
if (( ${#index_tags[@]} > 0 )); then
  mapfile -t index_tags < <(printf '%s\n' "${index_tags[@]}" | sort -r)
fi
pruned=0
for t in "${index_tags[@]:$keep}"; do
  [[ -n "$t" && "$t" != "$tag" ]] || continue
  gh release delete "$t" --repo "$repo" --yes --cleanup-tag
  pruned=$((pruned + 1))
done
echo "kept the newest $(( ${#index_tags[@]} < keep ? ${#index_tags[@]} : keep )) index release(s), deleted $pruned older one(s)"
