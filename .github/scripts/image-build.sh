#!/usr/bin/env bash
# Builds and pushes one server image, as build-images.yml runs it, and prints
# the digest to pin into the manifest's image.digest.
# Reads SOURCE_REPO SOURCE_TAG PACKAGE BUILDER NAME VERSION from the environment
# (written by image-build-args.sh) and IMAGE_PREFIX (default ghcr.io/gigmcp).
# The build context is the repository root: the toolpack builder copies
# manifests/ and toolspecs/ from it.
set -euo pipefail

: "${SOURCE_REPO:?}" "${SOURCE_TAG:?}" "${PACKAGE:?}" "${BUILDER:?}" "${NAME:?}" "${VERSION:?}"
prefix="${IMAGE_PREFIX:-ghcr.io/gigmcp}"
dockerfile="images/$BUILDER/Dockerfile"
[[ -f "$dockerfile" ]] || { echo "::error::no $dockerfile"; exit 2; }

repo="$prefix/$NAME-mcp"
ref="$repo:$VERSION"
scratch="${RUNNER_TEMP:-$(mktemp -d)}"
metadata="$scratch/build-metadata.json"

# No provenance or SBOM attestations: the push is then one image manifest for
# linux/amd64, and its digest is the one the gateway pulls and verifies.
docker buildx build \
  --platform linux/amd64 \
  --provenance=false --sbom=false \
  --file "$dockerfile" \
  --build-arg "SOURCE_REPO=$SOURCE_REPO" \
  --build-arg "SOURCE_TAG=$SOURCE_TAG" \
  --build-arg "PACKAGE=$PACKAGE" \
  --build-arg "BUILDER=$BUILDER" \
  --build-arg "NAME=$NAME" \
  --build-arg "VERSION=$VERSION" \
  --tag "$ref" \
  --metadata-file "$metadata" \
  --push \
  .

digest="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["containerimage.digest"])' "$metadata")"
if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::no image digest in $metadata"
  exit 1
fi
echo "pushed $ref@$digest"
docker buildx imagetools inspect "$repo@$digest"

summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
{
  echo "### $ref"
  echo
  echo "Built from \`https://$SOURCE_REPO\` at \`$SOURCE_TAG\` with builder \`$BUILDER\`."
  echo "Pin it in \`manifests/$NAME/$VERSION.yaml\`, replacing the placeholder digest:"
  echo
  echo '```yaml'
  echo "image:"
  echo "  ref: $repo"
  echo "  digest: $digest"
  echo '```'
} >> "$summary"
