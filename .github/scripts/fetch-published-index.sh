#!/usr/bin/env bash
# Fetches the index gateways are reading now, and its signature(s), as publish-index.yml's
# sign job runs it (through publish-sign.sh) before it builds the next one.
#
# Usage: fetch-published-index.sh OUT_DIR [KEYID...]
#   PUBLISHED_INDEX_URL  the index's URL (default: the stable latest-release download,
#                        https://github.com/$GITHUB_REPOSITORY/releases/latest/download/index.json);
#                        the signature is at URL.sig and, for each KEYID given, a second
#                        signature at URL.sig.KEYID if one is published (keys/README.md:
#                        rotation). An https:// URL, or for tests a file:// URL or a path.
# Writes OUT_DIR/index.json, OUT_DIR/index.json.sig and any OUT_DIR/index.json.sig.KEYID.
# Exit status: 0 fetched; 3 nothing is published there (HTTP 404, or no such local file):
# the first publish; 1 anything else (a network or server error, an index without its
# signature, a file larger than a gateway reads), so a publish never starts from a guess.
set -euo pipefail

out="${1:?usage: fetch-published-index.sh OUT_DIR [KEYID...]}"
shift
url="${PUBLISHED_INDEX_URL:-}"
if [[ -z "$url" ]]; then
  : "${GITHUB_REPOSITORY:?set PUBLISHED_INDEX_URL or GITHUB_REPOSITORY}"
  url="https://github.com/$GITHUB_REPOSITORY/releases/latest/download/index.json"
fi
# A gateway reads at most 32 MiB of index (README: Scale); a signature is 129 bytes.
limit=$((32 << 20))

# fetch URL DEST: 0 fetched, 3 not found, 1 any other failure (said on stderr).
fetch() {
  local from="$1" dest="$2" code
  case "$from" in
    https://*)
      # No --fail: a 404 must be told apart from every other failure.
      if ! code="$(curl --silent --show-error --location --proto '=https' --proto-redir '=https' \
        --retry 3 --retry-delay 2 --connect-timeout 20 --max-time 300 --max-filesize "$limit" \
        --output "$dest" --write-out '%{http_code}' "$from")"; then
        echo "::error::cannot fetch $from" >&2
        return 1
      fi
      case "$code" in
        200) return 0 ;;
        404) rm -f "$dest"; return 3 ;;
        *) rm -f "$dest"; echo "::error::$from answered HTTP $code" >&2; return 1 ;;
      esac
      ;;
    file://* | /* | ./*)
      local path="${from#file://}"
      if [[ ! -e "$path" ]]; then return 3; fi
      if [[ ! -f "$path" ]] || (( $(wc -c < "$path") > limit )); then
        echo "::error::$path is not a regular file of at most $limit bytes" >&2
        return 1
      fi
      cp "$path" "$dest"
      ;;
    *)
      echo "::error::PUBLISHED_INDEX_URL must be an https:// or file:// URL or a path, not $from" >&2
      return 1
      ;;
  esac
}

mkdir -p "$out"
rm -f "$out/index.json" "$out"/index.json.sig "$out"/index.json.sig.*
rc=0
fetch "$url" "$out/index.json" || rc=$?
if (( rc == 3 )); then
  echo "nothing is published at $url (not found)"
  exit 3
fi
(( rc == 0 )) || exit 1
rc=0
fetch "$url.sig" "$out/index.json.sig" || rc=$?
if (( rc == 3 )); then
  echo "::error::$url is published but $url.sig is not: a publish went wrong; nothing is built on it" >&2
  exit 1
fi
(( rc == 0 )) || exit 1
found=(index.json.sig)
for id in "$@"; do
  [[ "$id" =~ ^[0-9a-f]{16}$ ]] || { echo "::error::key id '$id' is not 16 hex characters" >&2; exit 1; }
  rc=0
  fetch "$url.sig.$id" "$out/index.json.sig.$id" || rc=$?
  case "$rc" in
    0) found+=("index.json.sig.$id") ;;
    3) ;;
    *) exit 1 ;;
  esac
done
echo "fetched $url ($(wc -c < "$out/index.json" | tr -d ' ') bytes) and ${found[*]}"
