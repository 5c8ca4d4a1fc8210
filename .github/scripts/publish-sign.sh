#!/usr/bin/env bash
# Builds, signs and checks the next index, as publish-index.yml's sign job runs it. Only when
# every step passes does the release job publish what it wrote.
#   1. Fetch the index gateways read now (fetch-published-index.sh; PUBLISHED_INDEX_URL) and
#      verify it with the committed key, through index.json.sig or, after a key switch, the
#      second signature index.json.sig.<current key id> the dual-signing phase published.
#   2. Build index.json with serial = the published serial + 1 and expires = 14 days after
#      generated (INDEX_EXPIRES overrides the 14d), and sign it; during a rotation also with the
#      next key, into index.json.sig.<next key id>.
#   3. Verify the signatures with the committed keys, then verify --previous against the
#      published index: the serial grows, no published version's runtime hash changes, and no
#      version disappears unless ALLOW_REMOVALS=true (a workflow_dispatch input).
# The first publish (nothing published: a 404) starts at serial 1 with nothing to compare, and
# says so. A published index that verifies only with a key in keys/revoked.pub (after a
# compromise, keys/README.md) is not trusted and not compared; the serial continues from it,
# and the log says so. Any other published index the committed key does not verify stops the
# publish.
#
# Usage: publish-sign.sh REGISTRYCTL [OUT_DIR]
# Needs the repository secret GIG_INDEX_SIGNING_KEY in the environment under its own name (the
# name registryctl sign reads; GIG_SIGNING_KEY, the Go tool's name, works too) and the committed
# public key keys/index-signing.pub (one key: the one gateways are given); during a rotation also
# keys/index-signing.next.pub and GIG_INDEX_SIGNING_KEY_NEXT (or GIG_SIGNING_KEY_NEXT).
# Writes OUT_DIR/index.json, OUT_DIR/index.json.sig and, during a rotation,
# OUT_DIR/index.json.sig.<next key id> (default OUT_DIR: .).
set -euo pipefail

bin="${1:?usage: publish-sign.sh REGISTRYCTL [OUT_DIR]}"
out="${2:-.}"
scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pub="keys/index-signing.pub"
next_pub="keys/index-signing.next.pub"
revoked="keys/revoked.pub"
expires="${INDEX_EXPIRES:-14d}"

# The keys in a key file: lines that are not blank or comments.
key_lines() { grep -vE '^[[:space:]]*(#|$)' "$1" || true; }
# A one-key file's key id: the first 8 bytes of SHA-256 over the 32-byte key, in hex.
key_id() {
  local hex bytes="" i
  hex="$(key_lines "$1" | sed 's/#.*//' | tr -d '[:space:]')"
  [[ "$hex" =~ ^[0-9a-fA-F]{64}$ ]] || { echo "::error file=$1::$1 does not hold one 64-hex public key" >&2; return 1; }
  for ((i = 0; i < 64; i += 2)); do bytes+="\\x${hex:i:2}"; done
  printf '%b' "$bytes" | sha256sum | cut -c1-16
}

if [[ ! -s "$pub" ]]; then
  echo "::error file=$pub::$pub is missing. A maintainer must bootstrap the signing key first (see keys/README.md): run 'registryctl keygen --out-dir' on a trusted machine, store the private key as the repository secret GIG_INDEX_SIGNING_KEY and commit the public key as $pub."
  exit 1
fi
if [[ "$(key_lines "$pub" | wc -l)" != 1 ]]; then
  echo "::error file=$pub::$pub must hold exactly one key, the one gateways are given as GIG_REGISTRY_PUBKEY; the next key of a rotation goes in $next_pub (keys/README.md)"
  exit 1
fi
if [[ -z "${GIG_INDEX_SIGNING_KEY:-}${GIG_SIGNING_KEY:-}" ]]; then
  echo "::error::the repository secret GIG_INDEX_SIGNING_KEY is not set (or not passed to this step as GIG_INDEX_SIGNING_KEY); see keys/README.md"
  exit 1
fi
current_id="$(key_id "$pub")"
sign_args=()
next_id=""
if [[ -e "$next_pub" ]]; then
  next_id="$(key_id "$next_pub")"
  if [[ -z "${GIG_INDEX_SIGNING_KEY_NEXT:-}${GIG_SIGNING_KEY_NEXT:-}" ]]; then
    echo "::error file=$next_pub::$next_pub is committed (a key rotation is under way) but the repository secret GIG_INDEX_SIGNING_KEY_NEXT is not set; see keys/README.md"
    exit 1
  fi
  sign_args=(--next)
fi

# 1. What gateways read now.
prev="$(mktemp -d)"
trap 'rm -rf "$prev"' EXIT
rc=0
bash "$scripts/fetch-published-index.sh" "$prev" "$current_id" || rc=$?
previous_args=()
published_serial() { jq -r 'if (.serial | type) == "number" then .serial else 0 end' "$prev/index.json"; }
verifies() { "$bin" verify --in "$prev/index.json" --sig "$1" --pub-file "$2" --allow-expired >/dev/null 2>&1; }
case "$rc" in
  3)
    serial=1
    echo "::notice::first publish: nothing is published yet (the index URL answered 404); serial 1, nothing to compare against"
    ;;
  0)
    prev_sig=""
    for s in "$prev/index.json.sig" "$prev/index.json.sig.$current_id"; do
      if [[ -f "$s" ]] && verifies "$s" "$pub"; then prev_sig="$s"; break; fi
    done
    old="$(published_serial)"
    [[ "$old" =~ ^[0-9]+$ ]] || { echo "::error::the published index's serial is not a number: $old"; exit 1; }
    serial=$((old + 1))
    if [[ -n "$prev_sig" ]]; then
      previous_args=(--previous "$prev/index.json" --previous-sig "$prev_sig")
      echo "published index: serial $old, verified with $pub (key $current_id, $(basename "$prev_sig")); this publish: serial $serial"
    elif [[ -s "$revoked" ]] && verifies "$prev/index.json.sig" "$revoked"; then
      echo "::warning::the published index (serial $old) is signed by a revoked key ($revoked): it is not trusted and not compared; this publish, signed with key $current_id, continues at serial $serial (keys/README.md: Compromise)"
    else
      echo "::error file=$pub::the published index does not verify with $pub (key $current_id; neither index.json.sig nor index.json.sig.$current_id) nor with a key in $revoked, so nothing is built on it. After a key switch, a dual-signed publish must come first; after a compromise, list the old key in $revoked (keys/README.md)."
      "$bin" verify --in "$prev/index.json" --sig "$prev/index.json.sig" --pub-file "$pub" --allow-expired || true
      exit 1
    fi
    ;;
  *)
    echo "::error::cannot fetch the published index (see above); nothing is published"
    exit 1
    ;;
esac

# 2. The next index.
mkdir -p "$out"
rm -f "$out"/index.json.sig.*
"$bin" build-index manifests --out "$out/index.json" --serial "$serial" --expires "$expires"
"$bin" sign --in "$out/index.json" --out "$out/index.json.sig" "${sign_args[@]}"

# 3. Checks. A signature the committed public key does not accept must never be published:
# it would mean the secret and keys/index-signing.pub have drifted apart.
if ! "$bin" verify --in "$out/index.json" --sig "$out/index.json.sig" --pub-file "$pub" --require-expires; then
  echo "::error file=$pub::the index signed with GIG_INDEX_SIGNING_KEY does not verify against $pub: the secret and the committed public key do not match"
  exit 1
fi
if [[ -n "$next_id" ]] && ! "$bin" verify --in "$out/index.json" --sig "$out/index.json.sig.$next_id" --pub-file "$next_pub"; then
  echo "::error file=$next_pub::the index signed with GIG_INDEX_SIGNING_KEY_NEXT does not verify against $next_pub: the secret and the committed next key do not match"
  exit 1
fi
if (( ${#previous_args[@]} > 0 )); then
  removal_args=()
  if [[ "${ALLOW_REMOVALS:-false}" == true ]]; then
    removal_args=(--allow-removals)
    echo "::notice::removals allowed for this publish (workflow_dispatch input allow_removals)"
  fi
  if ! "$bin" verify --in "$out/index.json" --sig "$out/index.json.sig" --pub-file "$pub" \
    "${previous_args[@]}" "${removal_args[@]}"; then
    echo "::error::the new index does not pass verify --previous against the published one (above); nothing is published. A published version's contract never changes: publish a new version. To publish a removal, run this workflow by hand with allow_removals."
    exit 1
  fi
fi
