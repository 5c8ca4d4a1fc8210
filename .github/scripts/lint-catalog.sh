#!/usr/bin/env bash
# The lint a catalog change must pass, as lint.yml runs it.
# Usage: lint-catalog.sh REGISTRYCTL ROOT [DENYLIST]
#   REGISTRYCTL  the binary that judges (on a pull request: built from the base branch)
#   ROOT         the checkout being judged
#   DENYLIST     a denylist to lint ROOT's manifests against as well (on a pull
#                request: the base branch's, so a PR cannot weaken its own check)
# Output uses GitHub annotations when FORMAT=github (the default in Actions).
set -euo pipefail

bin="${1:?usage: lint-catalog.sh REGISTRYCTL ROOT [DENYLIST]}"
root="${2:?usage: lint-catalog.sh REGISTRYCTL ROOT [DENYLIST]}"
denylist="${3:-}"
if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
  format="${FORMAT:-github}"
else
  format="${FORMAT:-human}"
fi

# Absolute paths, then run from inside ROOT: annotations then name files as
# manifests/<name>/<version>.yaml, relative to the repository being judged,
# which is where GitHub attaches them even when ROOT is a side checkout.
abs() { printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"; }
if [[ "$bin" == */* ]]; then bin="$(abs "$bin")"; else bin="$(command -v "$bin")"; fi
if [[ -n "$denylist" ]]; then
  [[ -f "$denylist" ]] || { echo "lint-catalog: denylist $denylist not found" >&2; exit 2; }
  denylist="$(abs "$denylist")"
fi
cd "$root"

status=0
echo "== registryctl check ($root)" >&2
"$bin" check --format "$format" || status=$?

if [[ -n "$denylist" ]]; then
  echo "== registryctl lint manifests --denylist $denylist ($root)" >&2
  rc=0
  "$bin" lint --format "$format" --denylist "$denylist" manifests || rc=$?
  if (( rc > status )); then status=$rc; fi
fi
exit "$status"
