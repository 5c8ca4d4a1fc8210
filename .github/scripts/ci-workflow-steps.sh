#!/usr/bin/env bash
# Runs the workflows' shell steps locally (from .ci/run) against this
# repository's own catalog, so the scripts the workflows call are tested on
# every change, not first on GitHub. Docker pushes and `gh release` are the only
# steps not exercised.
# Usage: ci-workflow-steps.sh REGISTRYCTL   (path to a built binary)
set -euo pipefail

bin="${1:?usage: ci-workflow-steps.sh REGISTRYCTL}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
[[ -x "$bin" ]] || { echo "ci-workflow-steps: $bin is not executable" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scripts="$root/.github/scripts"
cd "$root"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The workflows' scripts must not write into a real runner's files here.
unset GITHUB_ACTIONS GITHUB_ENV GITHUB_OUTPUT GITHUB_STEP_SUMMARY GIG_SIGNING_KEY
export SOURCE_DATE_EPOCH=1767323045

passed=0
failed=0
step() {
  local title="$1"
  shift
  echo "--- $title"
  # A subshell outside any condition, so that `set -e` holds inside the step.
  local rc=0
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  if (( rc == 0 )); then
    echo "ok: $title"
    passed=$((passed + 1))
  else
    echo "FAILED ($rc): $title" >&2
    failed=$((failed + 1))
  fi
}

# build-images.yml: build-args for a toolpack manifest into a scratch GITHUB_ENV.
build_args_toolpack() {
  local manifest name version env_file key toolpacks
  mapfile -t toolpacks < <(grep -l -E '^[[:space:]]*builder:[[:space:]]*toolpack[[:space:]]*$' manifests/*/*.yaml)
  manifest="${toolpacks[0]:-}"
  [[ -n "$manifest" ]] || { echo "no toolpack manifest in manifests/" >&2; return 1; }
  name="$(basename "$(dirname "$manifest")")"
  version="$(basename "$manifest" .yaml)"
  env_file="$tmp/github_env"
  : > "$env_file"
  GITHUB_ENV="$env_file" "$scripts/image-build-args.sh" "$bin" "$name" "$version" >/dev/null
  for key in SOURCE_REPO SOURCE_TAG PACKAGE BUILDER NAME VERSION; do
    grep -q "^$key=." "$env_file" || { echo "$env_file lacks $key" >&2; cat "$env_file" >&2; return 1; }
  done
  grep -qx "BUILDER=toolpack" "$env_file" || { echo "BUILDER is not toolpack" >&2; return 1; }
  grep -qx "NAME=$name" "$env_file" || { echo "NAME is not $name" >&2; return 1; }
  # The directory form picks the latest version.
  : > "$env_file"
  GITHUB_ENV="$env_file" "$scripts/image-build-args.sh" "$bin" "$name" >/dev/null
  grep -qx "NAME=$name" "$env_file"
}

# Untrusted dispatch inputs are refused before they reach a path.
build_args_rejects_bad_input() {
  local bad
  # shellcheck disable=SC2016 # a literal command substitution, on purpose
  for bad in "../etc" "Name" "a_b" 'x$(id)' ""; do
    if "$scripts/image-build-args.sh" "$bin" "$bad" >/dev/null 2>&1; then
      echo "accepted name '$bad'" >&2
      return 1
    fi
  done
  if "$scripts/image-build-args.sh" "$bin" ably "1.0" >/dev/null 2>&1; then
    echo "accepted version 1.0" >&2
    return 1
  fi
}

# lint.yml: check (and the PR-time lint against a given denylist).
lint_catalog() {
  "$scripts/lint-catalog.sh" "$bin" . denylist/exfil-domains.txt
}

lint_tool_unchanged() {
  [[ "$("$scripts/tool-changed.sh" . . 2>/dev/null)" == "changed=false" ]]
}

build_index_planned() {
  "$bin" build-index manifests --include-planned --out "$tmp/index-planned.json"
  [[ -s "$tmp/index-planned.json" ]]
}

keygen_throwaway() {
  mkdir -p "$tmp/keys"
  "$bin" keygen --out-dir "$tmp/keys" >/dev/null
  [[ -s "$tmp/keys/index-signing.key" && -s "$tmp/keys/index-signing.pub" ]]
}

sign_and_verify() {
  GIG_SIGNING_KEY="$(tr -d '[:space:]' < "$tmp/keys/index-signing.key")" \
    "$bin" sign --in "$tmp/index-planned.json" --out "$tmp/index-planned.json.sig"
  "$bin" verify --in "$tmp/index-planned.json" --sig "$tmp/index-planned.json.sig" \
    --pub-file "$tmp/keys/index-signing.pub"
  # A changed index must not verify.
  printf ' ' >> "$tmp/index-planned.json"
  if "$bin" verify --in "$tmp/index-planned.json" --sig "$tmp/index-planned.json.sig" \
    --pub-file "$tmp/keys/index-signing.pub" 2>/dev/null; then
    echo "a tampered index verified" >&2
    return 1
  fi
}

# A scratch copy of the repository's files (tracked and untracked-but-not-ignored, so no
# .git and no build directories that may change while they are read) without a public key,
# so publish-sign.sh runs exactly as in the workflow but with a throwaway key.
make_site() {
  local site="$1"
  mkdir -p "$site"
  git -C "$root" ls-files -z --cached --others --exclude-standard | tar -C "$root" --null -T - -cf - | tar -C "$site" -xf -
  rm -f "$site/keys/index-signing.pub"
}

publish_refuses_missing_pub() {
  local site="$tmp/site-nopub" out
  make_site "$site"
  out="$(cd "$site" && GIG_SIGNING_KEY=00 "$scripts/publish-sign.sh" "$bin" out 2>&1)" && return 1
  grep -q "keys/index-signing.pub is missing" <<<"$out"
}

# publish-index.yml's script, with the throwaway public key committed.
publish_sign() {
  local site="$tmp/site"
  make_site "$site"
  mkdir -p "$site/keys"
  cp "$tmp/keys/index-signing.pub" "$site/keys/index-signing.pub"
  (cd "$site" && GIG_SIGNING_KEY="$(tr -d '[:space:]' < "$tmp/keys/index-signing.key")" \
    "$scripts/publish-sign.sh" "$bin" out)
  [[ -s "$site/out/index.json" && -s "$site/out/index.json.sig" ]]
}

step "build-images: build-args for a toolpack manifest into GITHUB_ENV" build_args_toolpack
step "build-images: bad dispatch inputs are refused" build_args_rejects_bad_input
step "lint: registryctl check and lint with the denylist" lint_catalog
step "lint: tool-changed reports an unchanged tree" lint_tool_unchanged
step "lint: aggregator policy" "$scripts/aggregator-policy.sh" .
step "build-index --include-planned" build_index_planned
step "keygen --out-dir (throwaway key)" keygen_throwaway
step "sign with GIG_SIGNING_KEY, verify with --pub-file" sign_and_verify
step "publish-index: sign script refuses a missing public key" publish_refuses_missing_pub
step "publish-index: sign script builds, signs and verifies" publish_sign

echo "workflow-steps: $passed passed, $failed failed"
(( failed == 0 ))
