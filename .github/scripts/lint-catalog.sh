#!/usr/bin/env bash
# The lint a catalog change must pass, as lint.yml runs it: ONE `registryctl
# check` pass (manifests, toolspecs, pairing, policy, CATALOG.md, schemas/), so
# every finding is reported, and annotated, once.
# Usage: lint-catalog.sh [--skip-generated] REGISTRYCTL ROOT [POLICY_ROOT [CHANGED_FILES]]
#   --skip-generated  do not compare CATALOG.md and schemas/ with this binary's
#                  generators (check --skip-generated): the base judge of a pull
#                  request, built from main, rules on catalog content only; the
#                  pull request may change the generators and regenerate the files,
#                  and its own build (the self judge, check-generated.sh) compares them
#   REGISTRYCTL    the binary that judges (on a pull request: built from the base branch)
#   ROOT           the checkout being judged
#   POLICY_ROOT    the checkout every policy input is taken from (on a pull request:
#                  the base branch's): the denylist, policy/exceptions.yaml,
#                  images/<builder>/Dockerfile, catalog/no-public-api.txt. A pull
#                  request that edits them is judged by the policy it would change.
#                  Default: ROOT's own.
#   CHANGED_FILES  a file listing the paths the pull request changes, one per line
#                  (changed-files.sh): with FORMAT=github only findings in those
#                  files become inline annotations; every finding is still printed
#                  and listed in $GITHUB_STEP_SUMMARY.
# Output uses GitHub annotations when FORMAT=github (the default in Actions).
set -euo pipefail

usage="usage: lint-catalog.sh [--skip-generated] REGISTRYCTL ROOT [POLICY_ROOT [CHANGED_FILES]]"
generated=()
if [[ "${1:-}" == --skip-generated ]]; then
  generated=(--skip-generated)
  shift
fi
bin="${1:?$usage}"
root="${2:?$usage}"
policy="${3:-}"
changed="${4:-}"
if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
  format="${FORMAT:-github}"
else
  format="${FORMAT:-human}"
fi

# Absolute paths, then run from inside ROOT. (registryctl names files relative
# to the registry root wherever it runs; GitHub attaches annotations by those
# names even when ROOT is a side checkout.)
abs() { printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")"; }
if [[ "$bin" == */* ]]; then bin="$(abs "$bin")"; else bin="$(command -v "$bin")"; fi
args=(check --format "$format" "${generated[@]}")
if [[ -n "$policy" ]]; then
  [[ -d "$policy" ]] || { echo "lint-catalog: policy root $policy is not a directory" >&2; exit 2; }
  args+=(--policy-root "$(cd "$policy" && pwd)")
fi
if [[ -n "$changed" ]]; then
  [[ -f "$changed" ]] || { echo "lint-catalog: list of changed files $changed not found" >&2; exit 2; }
  args+=(--annotate-only "$(abs "$changed")")
fi
cd "$root"

echo "== registryctl ${args[*]} ($root)" >&2
exec "$bin" "${args[@]}"
