#!/usr/bin/env bash
# The review gate of a pull request (lint.yml, a step of the base judge): what the change does
# to each server, as `registryctl diff` sees it.
# Usage: review-diff.sh REGISTRYCTL BASE_DIR PR_DIR OUT_DIR
#   REGISTRYCTL  the binary that judges (built from the base branch)
#   BASE_DIR     a checkout of the base branch
#   PR_DIR       a checkout of the pull request
#   OUT_DIR      receives comment.md (the Markdown for the pull-request comment) and, when
#                PR_NUMBER is set, pr-number; pr-comment.yml posts them
# The diff is printed to the log (human format) and appended to $GITHUB_STEP_SUMMARY when set.
# Exits with the diff's status: 1 when a published version changed (published-version-changed,
# published-digest-changed), so the gate fails the job; the comment is written either way.
set -euo pipefail

usage="usage: review-diff.sh REGISTRYCTL BASE_DIR PR_DIR OUT_DIR"
bin="${1:?$usage}"
base="${2:?$usage}"
pr="${3:?$usage}"
out="${4:?$usage}"
for dir in "$base" "$pr"; do
  [[ -d "$dir" ]] || { echo "review-diff: $dir is not a directory" >&2; exit 2; }
done
if [[ -n "${PR_NUMBER:-}" && ! "$PR_NUMBER" =~ ^[1-9][0-9]{0,9}$ ]]; then
  echo "review-diff: PR_NUMBER is not a pull-request number" >&2
  exit 2
fi
mkdir -p "$out"

status=0
"$bin" diff --format markdown "$base" "$pr" > "$out/comment.md" || status=$?
if (( status > 1 )); then
  echo "review-diff: registryctl diff failed (exit $status)" >&2
  rm -f "$out/comment.md"
  exit "$status"
fi
"$bin" diff "$base" "$pr" || true
if [[ -n "${PR_NUMBER:-}" ]]; then
  printf '%s\n' "$PR_NUMBER" > "$out/pr-number"
fi
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  cat "$out/comment.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$status"
