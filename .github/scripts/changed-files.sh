#!/usr/bin/env bash
# The files a pull request adds or changes, one per line, relative to the
# repository root: what `git diff --name-only --diff-filter=d BASE...HEAD`
# prints, computed from the two checkouts lint.yml already has (the base
# branch's, and the pull request merged into it) without fetching history. A
# file is listed when the base has no file of that path, mode and content.
# lint-catalog.sh gives the list to `registryctl check --annotate-only`.
# Usage: changed-files.sh BASE_DIR PR_DIR
set -euo pipefail

base="${1:?usage: changed-files.sh BASE_DIR PR_DIR}"
pr="${2:?usage: changed-files.sh BASE_DIR PR_DIR}"

# Each index entry is "<mode> <blob> <stage>\t<path>": an identical entry in the
# base means an unchanged file.
declare -A in_base=()
while IFS= read -r -d '' entry; do
  in_base["$entry"]=1
done < <(git -C "$base" ls-files --stage -z)
while IFS= read -r -d '' entry; do
  if [[ -z "${in_base["$entry"]:-}" ]]; then
    printf '%s\n' "${entry#*$'\t'}"
  fi
done < <(git -C "$pr" ls-files --stage -z)
