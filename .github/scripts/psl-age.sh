#!/usr/bin/env bash
# How old is the public-suffix list compiled into registryctl? The list is
# policy/data/public_suffix_list.dat, taken unchanged from the sdist of the PyPI
# package `publicsuffixlist` (a new release follows each change of the upstream
# list); policy/data/public_suffix_list.version records the package version and
# the list's own VERSION line. The age is the time since that VERSION (when the
# upstream list was cut), as psl-freshness.yml runs it; PyPI's JSON API says
# whether a newer package exists.
# Usage: psl-age.sh [MAX_AGE_DAYS] [--report]
#   MAX_AGE_DAYS  default 45
#   --report      exit 0 even when stale (the workflow's first job only reports)
# Prints the recorded and the newest version with their dates, and writes
# version, published, age_days, latest, latest_published and stale=true|false to
# $GITHUB_OUTPUT when set. Exits 1 when the list is older than MAX_AGE_DAYS
# (unless --report), 2 when it cannot tell.
# PYPI_INDEX (default https://pypi.org), PSL_RECORD (default the record above)
# and NOW_EPOCH (default: now) are for tests.
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
record="${PSL_RECORD:-$root/policy/data/public_suffix_list.version}"
index="${PYPI_INDEX:-https://pypi.org}"
now="${NOW_EPOCH:-$(date -u +%s)}"

meta="$(mktemp)"
trap 'rm -f "$meta"' EXIT
if ! curl -fsS --retry 3 --max-time 60 -A "gigmcp-registry psl-freshness (https://github.com/gigmcp/registry)" \
  "$index/pypi/publicsuffixlist/json" -o "$meta"; then
  echo "::error::psl-age: could not read the PyPI entry of publicsuffixlist from $index"
  exit 2
fi

if ! result="$(python3 - "$record" "$meta" "$now" "$max_days" <<'PY'
import json, re, sys
from datetime import datetime, timezone
record, meta, now, max_days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
try:
    fields = dict(l.strip().split("=", 1) for l in open(record, encoding="utf-8") if "=" in l and not l.startswith("#"))
except OSError as e:
    sys.exit(f"::error::psl-age: cannot read {record}: {e}")
version, cut = fields.get("version", ""), fields.get("list-version", "")
if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", version):
    sys.exit(f"::error::psl-age: {record} has no package version (version=...)")
try:
    published = datetime.strptime(cut, "%Y-%m-%d_%H-%M-%S_UTC").replace(tzinfo=timezone.utc)
except ValueError:
    sys.exit(f"::error::psl-age: {record} has no list version (list-version=YYYY-MM-DD_HH-MM-SS_UTC), found '{cut}'")
data = json.load(open(meta, encoding="utf-8"))
latest = data.get("info", {}).get("version", "")
files = data.get("releases", {}).get(latest) or []
if not latest or not files:
    sys.exit("::error::psl-age: the PyPI entry of publicsuffixlist names no latest release")
latest_published = min(datetime.fromisoformat(f["upload_time_iso_8601"].replace("Z", "+00:00")) for f in files)
age = (datetime.fromtimestamp(now, timezone.utc) - published).days
print(f"version={version}")
print(f"published={published.strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"age_days={age}")
print(f"latest={latest}")
print(f"latest_published={latest_published.strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"stale={'true' if age > max_days else 'false'}")
PY
)"; then
  exit 2
fi
declare -A out=()
while IFS='=' read -r k v; do out[$k]="$v"; done <<<"$result"

echo "public_suffix_list.dat (publicsuffixlist ${out[version]}) was cut ${out[published]}, ${out[age_days]} day(s) ago (limit: $max_days)"
echo "newest publicsuffixlist on PyPI: ${out[latest]} (${out[latest_published]})"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  printf '%s\n' "$result" >> "$GITHUB_OUTPUT"
fi
if [[ "${out[stale]}" == true ]]; then
  if [[ "${out[latest]}" == "${out[version]}" ]]; then
    echo "::error::the public-suffix list compiled into registryctl is ${out[age_days]} days old and PyPI has no newer publicsuffixlist: update policy/data/public_suffix_list.dat another way and review the catalog's wildcards against it"
  else
    echo "::error::the public-suffix list compiled into registryctl is ${out[age_days]} days old (limit $max_days): update it to publicsuffixlist ${out[latest]} (.github/scripts/psl-update-pr.sh) and run registryctl check"
  fi
  [[ "$report" == true ]] || exit 1
fi
