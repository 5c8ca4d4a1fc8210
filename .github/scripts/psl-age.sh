#!/usr/bin/env bash
# How old is the public-suffix list compiled into registryctl? The list comes in
# the `psl` crate (a new release follows each change of the upstream list, about
# weekly); its age is the publish time of the version in Cargo.lock, read from
# the crates.io index (its `pubtime` field), as psl-freshness.yml runs it.
# Usage: psl-age.sh [MAX_AGE_DAYS] [--report]
#   MAX_AGE_DAYS  default 45
#   --report      exit 0 even when stale (the workflow's first job only reports)
# Prints the locked and the newest version with their publish times, and writes
# version, published, age_days, latest, latest_published and stale=true|false to
# $GITHUB_OUTPUT when set. Exits 1 when the locked version is older than
# MAX_AGE_DAYS (unless --report), 2 when it cannot tell.
# CRATES_INDEX (default https://index.crates.io) and NOW_EPOCH (default: now)
# are for tests.
set -euo pipefail

max_days=45
report=false
for arg in "$@"; do
  case "$arg" in
    --report) report=true ;;
    *)
      [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "usage: psl-age.sh [MAX_AGE_DAYS] [--report]" >&2; exit 2; }
      max_days="$arg"
      ;;
  esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
index="${CRATES_INDEX:-https://index.crates.io}"
now="${NOW_EPOCH:-$(date -u +%s)}"

entries="$(mktemp)"
trap 'rm -f "$entries"' EXIT
# The sparse index path of a three-letter crate: 3/<first letter>/<name>.
if ! curl -fsS --retry 3 --max-time 60 -A "gigmcp-registry psl-freshness (https://github.com/gigmcp/registry)" \
  "$index/3/p/psl" -o "$entries"; then
  echo "::error::psl-age: could not read the crates.io index entry of psl from $index"
  exit 2
fi

if ! result="$(python3 - "$root/Cargo.lock" "$entries" "$now" "$max_days" <<'PY'
import json, sys, tomllib
from datetime import datetime, timezone
lock, entries, now, max_days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
locked = [p["version"] for p in tomllib.load(open(lock, "rb")).get("package", []) if p["name"] == "psl"]
if len(locked) != 1:
    sys.exit(f"::error::psl-age: Cargo.lock has {len(locked)} versions of psl, expected 1")
version = locked[0]
versions = {}
for line in open(entries, encoding="utf-8"):
    if line.strip():
        e = json.loads(line)
        versions[e["vers"]] = e
if version not in versions:
    sys.exit(f"::error::psl-age: psl {version} is not in the crates.io index")
def when(e):
    t = e.get("pubtime")
    if not t:
        sys.exit(f"::error::psl-age: the index entry of psl {e['vers']} has no pubtime")
    return datetime.fromisoformat(t.replace("Z", "+00:00"))
def key(v):
    return tuple(int(x) for x in v.split("-")[0].split("."))
published = when(versions[version])
age = (datetime.fromtimestamp(now, timezone.utc) - published).days
stable = [v for v, e in versions.items() if not e.get("yanked") and "-" not in v and key(v)[0] == key(version)[0]]
latest = max(stable, key=key) if stable else version
print(f"version={version}")
print(f"published={published.strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"age_days={age}")
print(f"latest={latest}")
print(f"latest_published={when(versions[latest]).strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"stale={'true' if age > max_days else 'false'}")
PY
)"; then
  exit 2
fi
declare -A out=()
while IFS='=' read -r k v; do out[$k]="$v"; done <<<"$result"

echo "psl ${out[version]} (Cargo.lock) was published ${out[published]}, ${out[age_days]} day(s) ago (limit: $max_days)"
echo "newest psl ${out[latest]%%.*}.x on crates.io: ${out[latest]} (${out[latest_published]})"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  printf '%s\n' "$result" >> "$GITHUB_OUTPUT"
fi
if [[ "${out[stale]}" == true ]]; then
  if [[ "${out[latest]}" == "${out[version]}" ]]; then
    echo "::error::the public-suffix list compiled into registryctl is ${out[age_days]} days old and no newer psl is on crates.io: update the list another way (a newer psl major version, or another crate) and review the catalog's wildcards against it"
  else
    echo "::error::the public-suffix list compiled into registryctl is ${out[age_days]} days old (limit $max_days): update psl to ${out[latest]} (cargo update -p psl) and run registryctl check"
  fi
  [[ "$report" == true ]] || exit 1
fi
