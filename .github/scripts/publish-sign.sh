#!/usr/bin/env bash
# Builds and signs the index, as publish-index.yml runs it.
# Usage: publish-sign.sh REGISTRYCTL [OUT_DIR]
# Needs GIG_SIGNING_KEY (the 128-hex signing key, from the repository secret
# GIG_INDEX_SIGNING_KEY) and the committed public key keys/index-signing.pub.
# Writes OUT_DIR/index.json and OUT_DIR/index.json.sig (default OUT_DIR: .)
# and verifies the signature with the committed public key before it returns.
set -euo pipefail

bin="${1:?usage: publish-sign.sh REGISTRYCTL [OUT_DIR]}"
out="${2:-.}"
pub="keys/index-signing.pub"

if [[ ! -s "$pub" ]]; then
  echo "::error file=$pub::$pub is missing. A maintainer must bootstrap the signing key first (see keys/README.md): run 'registryctl keygen --out-dir' on a trusted machine, store the private key as the repository secret GIG_INDEX_SIGNING_KEY and commit the public key as $pub."
  exit 1
fi
if [[ -z "${GIG_SIGNING_KEY:-}" ]]; then
  echo "::error::the repository secret GIG_INDEX_SIGNING_KEY is not set (or not passed as GIG_SIGNING_KEY); see keys/README.md"
  exit 1
fi

mkdir -p "$out"
"$bin" build-index manifests --out "$out/index.json"
"$bin" sign --in "$out/index.json" --out "$out/index.json.sig"
# A signature the committed public key does not accept must never be published:
# it would mean the secret and keys/index-signing.pub have drifted apart.
if ! "$bin" verify --in "$out/index.json" --sig "$out/index.json.sig" --pub-file "$pub"; then
  echo "::error file=$pub::the index signed with GIG_INDEX_SIGNING_KEY does not verify against $pub: the secret and the committed public key do not match"
  exit 1
fi
