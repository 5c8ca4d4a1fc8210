#!/usr/bin/env bash
# The self judge's check of the generated files, as lint.yml runs it with the pull
# request's OWN registryctl: CATALOG.md, schemas/ and docs/rules.md must be exactly
# what this build's generators write. The base judge (built from main) cannot
# decide this: a pull request that changes a rule or a schema regenerates these
# files with its own generators, and main's would call them stale. Together the
# two judges pass a pull request that changes a rule and regenerates the files,
# and fail one that leaves them stale.
# Usage: check-generated.sh REGISTRYCTL ROOT
#   REGISTRYCTL  a registryctl built from ROOT (the pull request's own build)
#   ROOT         the checkout whose generated files are checked
# Each file is reported fresh or stale (a GitHub annotation in Actions), with the
# command that rewrites it; exits 1 when any is stale or missing.
set -euo pipefail

usage="usage: check-generated.sh REGISTRYCTL ROOT"
bin="${1:?$usage}"
root="${2:?$usage}"
[[ -d "$root" ]] || { echo "check-generated: $root is not a directory" >&2; exit 2; }
if [[ "$bin" == */* ]]; then bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"; else bin="$(command -v "$bin")"; fi
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

stale=0
# report FILE FRESH(true|false) FIX: one line per generated file.
report() {
  if [[ "$2" == true ]]; then
    echo "fresh: $1"
    return
  fi
  stale=$((stale + 1))
  if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
    echo "::error file=$1,title=generated file stale::$1 is not what this pull request's own registryctl writes; run \`$3\` and commit the result"
  fi
  echo "STALE: $1 is not what this build's generators write; run \`$3\` and commit the result" >&2
}

# CATALOG.md, from the manifests (and catalog/no-public-api.txt).
if "$bin" catalog --check > "$tmp/catalog.log" 2>&1; then
  report CATALOG.md true
else
  cat "$tmp/catalog.log" >&2
  report CATALOG.md false "registryctl catalog"
fi

# schemas/: every file `schema --out-dir` writes, and nothing else.
"$bin" schema --out-dir "$tmp/schemas" > /dev/null
if [[ -d schemas && ! -L schemas ]] && diff -r "$tmp/schemas" schemas > "$tmp/schemas.diff" 2>&1; then
  report schemas/ true
else
  head -n 40 "$tmp/schemas.diff" >&2 2>/dev/null || true
  report schemas/ false "registryctl schema --out-dir schemas"
fi

# docs/rules.md, from the rule table.
"$bin" explain --all > "$tmp/rules.md"
if [[ -f docs/rules.md && ! -L docs/rules.md ]] && cmp -s "$tmp/rules.md" docs/rules.md; then
  report docs/rules.md true
else
  report docs/rules.md false "registryctl explain --all > docs/rules.md"
fi

if (( stale > 0 )); then
  echo "check-generated: $stale generated file(s) stale" >&2
  exit 1
fi
echo "check-generated: CATALOG.md, schemas/ and docs/rules.md are fresh"
