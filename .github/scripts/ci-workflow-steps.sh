#!/usr/bin/env bash
# Runs the workflows' shell steps locally (from .ci/run) against this
# repository's own catalog, so the scripts the workflows call are tested on
# every change, not first on GitHub. What cannot run here (docker, gh, PyPI) is
# replaced by stand-ins that record their command lines or serve fixed answers,
# and the steps assert on those. The actions themselves (checkout,
# artifacts, attest-build-provenance, ...) run only on GitHub.
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
unset GITHUB_ACTIONS GITHUB_ENV GITHUB_OUTPUT GITHUB_STEP_SUMMARY GIG_SIGNING_KEY GIG_INDEX_SIGNING_KEY \
  GIG_SIGNING_KEY_NEXT GIG_INDEX_SIGNING_KEY_NEXT
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
  for key in SOURCE_REPO SOURCE_TAG PACKAGE BUILDER NAME VERSION IMAGE; do
    grep -q "^$key=." "$env_file" || { echo "$env_file lacks $key" >&2; cat "$env_file" >&2; return 1; }
  done
  grep -qx "BUILDER=toolpack" "$env_file" || { echo "BUILDER is not toolpack" >&2; return 1; }
  grep -qx "IMAGE=ghcr.io/gigmcp/$name-mcp" "$env_file" || { echo "IMAGE is not ghcr.io/gigmcp/$name-mcp" >&2; return 1; }
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

# lint.yml: one check pass, judged by a policy root (on a pull request, the base
# checkout's), with annotations limited to the changed files (here: none).
lint_catalog() {
  "$scripts/lint-catalog.sh" "$bin" . . "$(changed_files)"
}

# lint.yml: the changed files of an unchanged tree are none.
changed_files() {
  "$scripts/changed-files.sh" "$root" "$root" > "$tmp/changed-files.txt"
  [[ ! -s "$tmp/changed-files.txt" ]] || { echo "an unchanged tree lists changed files" >&2; return 1; }
  printf '%s\n' "$tmp/changed-files.txt"
}

# lint.yml's two judges on the generated files: the base judge skips them (--skip-generated),
# the self judge's check-generated.sh compares all three with its own generators.
generated_files_are_the_self_judges() {
  local site="$tmp/site-generated" out rc=0
  make_site "$site"
  "$scripts/check-generated.sh" "$bin" "$site" > "$tmp/generated.log"
  grep -qx "check-generated: CATALOG.md, schemas/ and docs/rules.md are fresh" "$tmp/generated.log"
  printf '\n' >> "$site/schemas/manifest.schema.json"
  printf '\n' >> "$site/docs/rules.md"
  out="$("$scripts/check-generated.sh" "$bin" "$site" 2>&1)" || rc=$?
  [[ "$rc" == 1 ]] || { echo "stale generated files gave exit $rc, not 1" >&2; return 1; }
  grep -q "STALE: schemas/ is not what this build's generators write; run \`registryctl schema --out-dir schemas\`" <<<"$out"
  grep -q "STALE: docs/rules.md" <<<"$out"
  grep -qx "fresh: CATALOG.md" <<<"$out"
  # The base judge's pass does not compare them; without --skip-generated it does.
  "$scripts/lint-catalog.sh" --skip-generated "$bin" "$site" "$root" > /dev/null 2>&1
  if "$scripts/lint-catalog.sh" "$bin" "$site" "$root" > /dev/null 2>&1; then
    echo "a stale schemas/ passed check without --skip-generated" >&2
    return 1
  fi
}

build_index_planned() {
  "$bin" build-index manifests --include-planned --out "$tmp/index-planned.json"
  [[ -s "$tmp/index-planned.json" ]]
}

# keygen --out-dir: files named by the printed key id; the pair is also copied to NAME.key,
# NAME.pub and NAME.id for the steps below.
throwaway_key() {
  local name="$1" id
  id="$("$bin" keygen --out-dir "$tmp/keys" 2>/dev/null | sed -n 's/^key id:  //p')"
  [[ "$id" =~ ^[0-9a-f]{16}$ ]] || { echo "keygen printed no key id" >&2; return 1; }
  [[ -s "$tmp/keys/index-signing-$id.key" && -s "$tmp/keys/index-signing-$id.pub" ]]
  cp "$tmp/keys/index-signing-$id.key" "$tmp/keys/$name.key"
  cp "$tmp/keys/index-signing-$id.pub" "$tmp/keys/$name.pub"
  echo "$id" > "$tmp/keys/$name.id"
}

# Three throwaway keys: a signs first, b is the next key of a rotation, c replaces b after a
# simulated compromise.
keygen_throwaway() {
  mkdir -p "$tmp/keys"
  throwaway_key a
  throwaway_key b
  throwaway_key c
}

secret() { tr -d '[:space:]' < "$tmp/keys/$1.key"; }

sign_and_verify() {
  GIG_SIGNING_KEY="$(secret a)" \
    "$bin" sign --in "$tmp/index-planned.json" --out "$tmp/index-planned.json.sig"
  "$bin" verify --in "$tmp/index-planned.json" --sig "$tmp/index-planned.json.sig" \
    --pub-file "$tmp/keys/a.pub"
  # A changed index must not verify.
  printf ' ' >> "$tmp/index-planned.json"
  if "$bin" verify --in "$tmp/index-planned.json" --sig "$tmp/index-planned.json.sig" \
    --pub-file "$tmp/keys/a.pub" 2>/dev/null; then
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
  rm -f "$site/keys/"*.pub
}

publish_refuses_missing_pub() {
  local site="$tmp/site-nopub" out
  make_site "$site"
  out="$(cd "$site" && GIG_SIGNING_KEY=00 "$scripts/publish-sign.sh" "$bin" out 2>&1)" && return 1
  grep -q "keys/index-signing.pub is missing" <<<"$out"
}

# publish-index.yml's script, with the throwaway public key committed and nothing published.
# SOURCE_DATE_EPOCH is unset, as in the workflow: the index's 14 days count from now.
publish_sign() {
  local site="$tmp/site"
  make_site "$site"
  mkdir -p "$site/keys"
  cp "$tmp/keys/a.pub" "$site/keys/index-signing.pub"
  (cd "$site" && env -u SOURCE_DATE_EPOCH GIG_SIGNING_KEY="$(secret a)" \
    PUBLISHED_INDEX_URL="file://$tmp/nothing-published/index.json" "$scripts/publish-sign.sh" "$bin" out)
  [[ -s "$site/out/index.json" && -s "$site/out/index.json.sig" ]]
}

# --- Stand-ins for what cannot run here -------------------------------------------------
# docker and gh are replaced by small fakes on PATH that append each command line to a log
# (one line per call, arguments quoted with printf %q) and answer from a scratch state, so the
# steps below can assert on exactly what the workflows' scripts would run.
fakebin="$tmp/fakebin"
mkdir -p "$fakebin"
cat > "$fakebin/docker" <<'FAKE'
#!/usr/bin/env bash
# Fake docker: records the call; `buildx build` writes a metadata file with a digest,
# `buildx imagetools inspect --raw` prints an image index (FAKE_DOCKER_INDEX picks which).
set -euo pipefail
{ printf '%q ' docker "$@"; printf '\n'; } >> "${FAKE_LOG:?}"
digest="sha256:$(printf 'fake-index' | sha256sum | cut -d' ' -f1)"
if [[ "${1:-}" == buildx && "${2:-}" == build ]]; then
  metadata=""
  while (($#)); do
    if [[ "$1" == --metadata-file ]]; then metadata="$2"; fi
    shift
  done
  printf '{"containerimage.digest": "%s", "image.name": "x"}\n' "$digest" > "${metadata:?no --metadata-file}"
  exit 0
fi
if [[ "${1:-}" == buildx && "${2:-}" == imagetools && "${3:-}" == inspect ]]; then
  python3 - "${FAKE_DOCKER_INDEX:-full}" <<'PY'
import json, sys
mode = sys.argv[1]
def d(s): return "sha256:" + (s * 64)[:64]
plats = [("amd64", "a"), ("arm64", "b")] if mode != "amd64-only" else [("amd64", "a")]
manifests = [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d(c), "size": 1,
              "platform": {"os": "linux", "architecture": a}} for a, c in plats]
if mode != "no-attestations":
    manifests += [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d(c.upper()), "size": 1,
                   "platform": {"os": "unknown", "architecture": "unknown"},
                   "annotations": {"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": d(c)}}
                  for a, c in plats]
doc = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
if mode == "manifest":
    doc = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": []}
print(json.dumps(doc))
PY
  exit 0
fi
echo "fake docker: unexpected command: $*" >&2
exit 3
FAKE
cat > "$fakebin/gh" <<'FAKE'
#!/usr/bin/env bash
# Fake gh: records the call and keeps releases in $FAKE_GH_STATE/releases/<tag>/
# (draft flag, assets/), the latest release's tag in $FAKE_GH_STATE/latest.
# FAKE_GH_DROP=<asset name> loses that asset on upload.
set -euo pipefail
{ printf '%q ' gh "$@"; printf '\n'; } >> "${FAKE_LOG:?}"
state="${FAKE_GH_STATE:?}"
mkdir -p "$state/releases"
# `gh api` for pr-comment.yml: a pull request whose head is $FAKE_GH_PR_HEAD, and issue comments
# kept as $FAKE_GH_STATE/comments/<id>.json ({id, user: {login}, body}); --jq filters run in jq.
if [[ "${1:-}" == api ]]; then
  shift
  method=GET filter=. input="" path=""
  while (($#)); do
    case "$1" in
      --method) method="$2"; shift ;;
      --paginate) ;;
      --jq) filter="$2"; shift ;;
      --input) input="$2"; shift ;;
      -*) echo "fake gh api: unknown flag $1" >&2; exit 3 ;;
      *) path="$1" ;;
    esac
    shift
  done
  comments="$state/comments"
  mkdir -p "$comments"
  case "$method $path" in
    "GET repos/"*/pulls/*)
      jq -n --arg sha "${FAKE_GH_PR_HEAD:?}" --argjson n "${path##*/}" '{number: $n, head: {sha: $sha}}' | jq -r "$filter" ;;
    "GET repos/"*/issues/*/comments)
      find "$comments" -name '*.json' | sort -V | xargs -r cat | jq -s . | jq -r "$filter" ;;
    "POST repos/"*/issues/*/comments)
      id=$(( $(find "$comments" -name '*.json' | wc -l) + 1 ))
      jq --argjson id "$id" '{id: $id, user: {login: "github-actions[bot]"}, body: .body}' "${input:?}" > "$comments/$id.json"
      cat "$comments/$id.json" ;;
    "PATCH repos/"*/issues/comments/*)
      file="$comments/${path##*/}.json"
      [[ -f "$file" ]] || { echo "fake gh: no comment ${path##*/}" >&2; exit 1; }
      [[ "$(jq -r .user.login "$file")" == "github-actions[bot]" ]] || { echo "fake gh: not our comment" >&2; exit 1; }
      jq --slurpfile new "${input:?}" '.body = $new[0].body' "$file" > "$file.new" && mv "$file.new" "$file"
      cat "$file" ;;
    *) echo "fake gh api: unexpected $method $path" >&2; exit 3 ;;
  esac
  exit 0
fi
area="${1:-}" verb="${2:-}"
shift 2 || true
case "$area $verb" in
  "release create")
    tag="$1"; shift
    draft=false latest=true files=()
    while (($#)); do
      case "$1" in
        --draft) draft=true ;;
        --latest=false) latest=false ;;
        --latest) latest=true ;;
        --repo|--target|--title|--notes) shift ;;
        -*) echo "fake gh: unknown flag $1" >&2; exit 3 ;;
        *) files+=("$1") ;;
      esac
      shift
    done
    [[ ! -e "$state/releases/$tag" ]] || { echo "fake gh: release $tag exists" >&2; exit 1; }
    mkdir -p "$state/releases/$tag/assets"
    echo "$draft" > "$state/releases/$tag/draft"
    for f in "${files[@]}"; do
      [[ "$(basename "$f")" == "${FAKE_GH_DROP:-}" ]] && continue
      cp "$f" "$state/releases/$tag/assets/"
    done
    if [[ "$draft" == false && "$latest" == true ]]; then echo "$tag" > "$state/latest"; fi
    echo "https://github.com/example/releases/tag/$tag"
    ;;
  "release view")
    tag="$1"
    [[ -d "$state/releases/$tag" ]] || { echo "release not found" >&2; exit 1; }
    for f in "$state/releases/$tag/assets"/*; do
      [[ -e "$f" ]] || continue
      printf '%s %s uploaded\n' "$(basename "$f")" "$(wc -c < "$f" | tr -d ' ')"
    done
    ;;
  "release edit")
    tag="$1"; shift
    [[ -d "$state/releases/$tag" ]] || { echo "release not found" >&2; exit 1; }
    while (($#)); do
      case "$1" in
        --draft=false) echo false > "$state/releases/$tag/draft" ;;
        --latest=false) ;;
        --latest)
          if [[ "$(cat "$state/releases/$tag/draft")" == true ]]; then
            echo "fake gh: a draft cannot be the latest release" >&2; exit 1
          fi
          echo "$tag" > "$state/latest" ;;
        --repo) shift ;;
        *) echo "fake gh: unknown flag $1" >&2; exit 3 ;;
      esac
      shift
    done
    ;;
  "release list")
    for d in "$state/releases"/*; do
      [[ -d "$d" && "$(cat "$d/draft")" == false ]] && basename "$d"
    done
    ;;
  "release delete")
    tag="$1"
    [[ -d "$state/releases/$tag" ]] || { echo "release not found" >&2; exit 1; }
    rm -rf "${state:?}/releases/$tag"
    if [[ -f "$state/latest" && "$(cat "$state/latest")" == "$tag" ]]; then rm -f "$state/latest"; fi
    ;;
  "pr list") echo "${FAKE_GH_OPEN_PRS:-0}" ;;
  "pr create") echo "https://github.com/example/pull/1" ;;
  "auth setup-git") ;;
  *) echo "fake gh: unexpected command: $area $verb $*" >&2; exit 3 ;;
esac
FAKE
chmod +x "$fakebin/docker" "$fakebin/gh"

# Runs a command with the fakes first on PATH, logging into a fresh file named by $1.
with_fakes() {
  local log="$1"
  shift
  : > "$log"
  PATH="$fakebin:$PATH" FAKE_LOG="$log" "$@"
}

# build-images.yml: image-build.sh with the toolpack build args resolved above.
image_env() {
  set -a
  # shellcheck disable=SC1090,SC1091 # the KEY=VALUE lines image-build-args.sh wrote
  source "$tmp/github_env"
  set +a
  export RUNNER_TEMP="$tmp/runner" GITHUB_OUTPUT="$tmp/image-output" GITHUB_STEP_SUMMARY="$tmp/image-summary"
  mkdir -p "$RUNNER_TEMP"
  : > "$GITHUB_OUTPUT"
  : > "$GITHUB_STEP_SUMMARY"
}

# shellcheck disable=SC2153 # NAME, VERSION, ... come from image_env
image_build_multiarch_attested() {
  image_env
  local log="$tmp/docker.log" build
  with_fakes "$log" "$scripts/image-build.sh" > "$tmp/image-build.out"
  build="$(grep '^docker buildx build ' "$log")"
  local want
  for want in "--platform linux/amd64\\,linux/arm64" "--provenance=mode=max" "--sbom=true" "--push" \
    "--file images/$BUILDER/Dockerfile" "--tag ghcr.io/gigmcp/$NAME-mcp:$VERSION" \
    "--build-arg SOURCE_REPO=$SOURCE_REPO" "--build-arg SOURCE_TAG=$SOURCE_TAG" "--build-arg PACKAGE=$PACKAGE" \
    "--build-arg BUILDER=$BUILDER" "--build-arg NAME=$NAME" "--build-arg VERSION=$VERSION"; do
    if [[ "$build" != *" $want "* ]]; then
      echo "the build command lacks '$want': $build" >&2
      return 1
    fi
  done
  if [[ "$build" == *"--provenance=false"* || "$build" == *"--sbom=false"* ]]; then
    echo "attestations are turned off: $build" >&2
    return 1
  fi
  grep -q "^docker buildx imagetools inspect --raw ghcr.io/gigmcp/$NAME-mcp@sha256:" "$log"
  grep -qx "image=ghcr.io/gigmcp/$NAME-mcp" "$GITHUB_OUTPUT"
  grep -qE '^digest=sha256:[0-9a-f]{64}$' "$GITHUB_OUTPUT"
  grep -q "index OK: linux/amd64, linux/arm64" "$tmp/image-build.out"
  grep -q "gh attestation verify oci://ghcr.io/gigmcp/$NAME-mcp@sha256:" "$GITHUB_STEP_SUMMARY"
}

image_build_refuses_a_bad_index() {
  image_env
  local mode
  for mode in amd64-only no-attestations manifest; do
    : > "$GITHUB_OUTPUT"
    if FAKE_DOCKER_INDEX="$mode" with_fakes "$tmp/docker-$mode.log" "$scripts/image-build.sh" >/dev/null 2>&1; then
      echo "image-build.sh accepted a pushed $mode" >&2
      return 1
    fi
    if grep -q '^digest=' "$GITHUB_OUTPUT"; then
      echo "image-build.sh handed on the digest of a $mode" >&2
      return 1
    fi
  done
}

# publish-index.yml's release job: publish-release.sh against the fake gh.
release_env() {
  export GITHUB_REPOSITORY=gigmcp/registry GH_TOKEN=fake GITHUB_SHA=0123456789abcdef0123456789abcdef01234567
  export FAKE_GH_STATE="$tmp/gh-state-$1" PUBLISH_EPOCH=1767323045 KEEP_RELEASES=90
  rm -rf "$FAKE_GH_STATE"
  mkdir -p "$FAKE_GH_STATE/releases"
  mkdir -p "$tmp/attestation"
  printf '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}\n' > "$tmp/attestation/attestation.jsonl"
}

# 95 earlier publishes (one a day) and the old scheme's rolling `latest` release.
seed_releases() {
  local i tag
  for i in $(seq 1 95); do
    tag="index-$(date -u -d "@$((PUBLISH_EPOCH - (96 - i) * 86400))" +%Y%m%dT%H%M%SZ)-$(printf '%012x' "$i")"
    mkdir -p "$FAKE_GH_STATE/releases/$tag/assets"
    echo false > "$FAKE_GH_STATE/releases/$tag/draft"
    echo "old $i" > "$FAKE_GH_STATE/releases/$tag/assets/index.json"
  done
  echo "$tag" > "$FAKE_GH_STATE/latest"
  mkdir -p "$FAKE_GH_STATE/releases/latest/assets"
  echo false > "$FAKE_GH_STATE/releases/latest/draft"
}

publish_release_new_release_then_latest() {
  release_env ok
  seed_releases
  local log="$tmp/gh-release.log" new="index-20260102T030405Z-0123456789ab" dir="$tmp/site/out"
  with_fakes "$log" "$scripts/publish-release.sh" "$dir" "$tmp/attestation"
  # The calls, in order: a draft holding every asset, a check, publish, then latest.
  local calls
  calls="$(awk '{print $2, $3, $4}' "$log" | head -n 4 | tr '\n' ';')"
  if [[ "$calls" != "release create $new;release view $new;release edit $new;release edit $new;" ]]; then
    echo "unexpected order of gh calls: $calls" >&2
    cat "$log" >&2
    return 1
  fi
  local create publish latest
  create="$(sed -n 1p "$log")"
  publish="$(sed -n 3p "$log")"
  latest="$(sed -n 4p "$log")"
  [[ "$create" == *" --draft "* && "$create" == *" --latest=false "* && "$create" == *" --target $GITHUB_SHA "* ]] \
    || { echo "not created as a draft: $create" >&2; return 1; }
  local f
  for f in index.json index.json.sig index.json.sigstore.json; do
    [[ "$create" == *"/$f "* ]] || { echo "the draft was created without $f: $create" >&2; return 1; }
  done
  [[ "$publish" == *" --draft=false --latest=false "* ]] || { echo "published as latest at once: $publish" >&2; return 1; }
  [[ "$latest" == *" --latest "* ]] || { echo "never marked latest: $latest" >&2; return 1; }
  # The release holds exactly the signed bytes, and it is what readers now get.
  cmp "$dir/index.json" "$FAKE_GH_STATE/releases/$new/assets/index.json"
  cmp "$dir/index.json.sig" "$FAKE_GH_STATE/releases/$new/assets/index.json.sig"
  cmp "$tmp/attestation/attestation.jsonl" "$FAKE_GH_STATE/releases/$new/assets/index.json.sigstore.json"
  [[ "$(cat "$FAKE_GH_STATE/releases/$new/draft")" == false ]]
  [[ "$(cat "$FAKE_GH_STATE/latest")" == "$new" ]]
  # Pruned to the newest 90 index releases (the 6 oldest of 96 gone); the rolling one deleted.
  local kept
  kept="$(find "$FAKE_GH_STATE/releases" -mindepth 1 -maxdepth 1 -name 'index-*' | wc -l)"
  [[ "$kept" == 90 ]] || { echo "kept $kept index releases, not 90" >&2; return 1; }
  [[ ! -e "$FAKE_GH_STATE/releases/latest" ]] || { echo "the old rolling release survived" >&2; return 1; }
  [[ ! -e "$FAKE_GH_STATE/releases/index-$(date -u -d "@$((PUBLISH_EPOCH - 95 * 86400))" +%Y%m%dT%H%M%SZ)-000000000001" ]]
  [[ -e "$FAKE_GH_STATE/releases/index-$(date -u -d "@$((PUBLISH_EPOCH - 89 * 86400))" +%Y%m%dT%H%M%SZ)-000000000007" ]]
  [[ "$(grep -c '^gh release delete index-' "$log")" == 6 ]]
}

publish_release_keeps_latest_when_an_upload_fails() {
  release_env drop
  seed_releases
  local before log="$tmp/gh-drop.log"
  before="$(cat "$FAKE_GH_STATE/latest")"
  if FAKE_GH_DROP=index.json.sig with_fakes "$log" "$scripts/publish-release.sh" "$tmp/site/out" "$tmp/attestation" 2>/dev/null; then
    echo "published although index.json.sig never arrived" >&2
    return 1
  fi
  [[ "$(cat "$FAKE_GH_STATE/latest")" == "$before" ]] || { echo "latest moved" >&2; return 1; }
  [[ "$(cat "$FAKE_GH_STATE/releases/index-20260102T030405Z-0123456789ab/draft")" == true ]]
  if grep -q '^gh release edit\|^gh release delete' "$log"; then
    echo "it went on after the failed upload:" >&2
    cat "$log" >&2
    return 1
  fi
}

publish_release_refuses_a_missing_signature() {
  release_env nosig
  mkdir -p "$tmp/nosig"
  cp "$tmp/site/out/index.json" "$tmp/nosig/"
  if with_fakes "$tmp/gh-nosig.log" "$scripts/publish-release.sh" "$tmp/nosig" >/dev/null 2>&1; then
    echo "published without a signature" >&2
    return 1
  fi
  [[ ! -s "$tmp/gh-nosig.log" ]] || { echo "gh was called" >&2; return 1; }
}

# --- publish-index.yml end to end: successive publishes through the fake gh -----------------
# Each publish runs publish-sign.sh (the sign job) against what the fake gh's latest release
# serves, through fetch-published-index.sh with PUBLISHED_INDEX_URL pointing at that release's
# assets, then publish-release.sh (the release job). SOURCE_DATE_EPOCH is unset, as in the
# workflow, so each index expires 14 days from now.
chain_site="$tmp/chain-site"
chain_latest="$tmp/chain-latest"
chain_env() {
  export GITHUB_REPOSITORY=gigmcp/registry GH_TOKEN=fake GITHUB_SHA=0123456789abcdef0123456789abcdef01234567
  export FAKE_GH_STATE="$tmp/gh-state-chain" KEEP_RELEASES=90 PUBLISHED_INDEX_URL="file://$chain_latest/index.json"
  unset SOURCE_DATE_EPOCH
}

# chain_sign N [VAR=value...]: the sign job with the given environment; its log in $tmp/chain-N.log.
chain_sign() {
  local n="$1"
  shift
  chain_env
  rm -rf "$chain_site/out"
  (cd "$chain_site" && env "$@" "$scripts/publish-sign.sh" "$bin" out) > "$tmp/chain-$n.log" 2>&1
}

# chain_release N: the release job for publish N; the stable URL then serves its assets.
chain_release() {
  local n="$1"
  chain_env
  PUBLISH_EPOCH=$((1767323045 + n * 86400)) with_fakes "$tmp/gh-chain-$n.log" \
    "$scripts/publish-release.sh" "$chain_site/out" > /dev/null
  ln -sfn "$FAKE_GH_STATE/releases/$(cat "$FAKE_GH_STATE/latest")/assets" "$chain_latest"
}

# Fails with the log when publish N's sign job does not pass.
chain_publish() {
  local n="$1"
  if ! chain_sign "$@"; then
    cat "$tmp/chain-$n.log" >&2
    return 1
  fi
  chain_release "$n"
}

# Fails unless the published index has this serial.
published_serial_is() {
  local got
  got="$(jq -r .serial "$chain_latest/index.json")"
  [[ "$got" == "$1" ]] || { echo "published serial $got, not $1" >&2; return 1; }
}

# The server whose first version the chain publishes: the first planned one in manifests/.
# (grep lists them all: a reader that stops early would kill it under pipefail.)
first_planned() {
  local planned
  mapfile -t planned < <(grep -l -E '^  digest: sha256:0{64}' "$1"/manifests/*/*.yaml)
  [[ -n "${planned[0]:-}" ]] || { echo "no planned manifest in $1/manifests/" >&2; return 1; }
  printf '%s %s\n' "$(basename "$(dirname "${planned[0]}")")" "$(basename "${planned[0]}" .yaml)"
}
chain_server() { first_planned "$chain_site"; }

chain_first_publish() {
  rm -rf "$chain_site" "$chain_latest" "$tmp/gh-state-chain"
  make_site "$chain_site"
  cp "$tmp/keys/a.pub" "$chain_site/keys/index-signing.pub"
  # Planned entries (placeholder digest) stay out of the index, so give one server an image,
  # with registryctl pin as build-images does: then there is a version to compare and to remove.
  local name version
  read -r name version < <(chain_server)
  (cd "$chain_site" && "$bin" pin "$name@$version" "sha256:$(printf '1%.0s' {1..64})" > /dev/null 2>&1)
  echo "$name $version" > "$tmp/chain-server"
  # The workflow passes the secret under its own name.
  chain_publish 1 GIG_INDEX_SIGNING_KEY="$(secret a)"
  grep -q "first publish: nothing is published yet" "$tmp/chain-1.log"
  published_serial_is 1
  jq -e --arg n "$name" --arg v "$version" '.servers[$n].versions[$v]' "$chain_latest/index.json" > /dev/null
  jq -e '.expires | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' "$chain_latest/index.json" > /dev/null
  "$bin" verify --in "$chain_latest/index.json" --sig "$chain_latest/index.json.sig" --pub-file "$tmp/keys/a.pub" --max-age 1h > /dev/null
}

# The second publish, or the weekly re-sign of an unchanged catalog: serial 2, verify --previous
# against the first passes and finds nothing changed.
chain_second_publish() {
  chain_publish 2 GIG_SIGNING_KEY="$(secret a)"
  grep -q "published index: serial 1, verified with keys/index-signing.pub (key $(cat "$tmp/keys/a.id"), index.json.sig)" "$tmp/chain-2.log"
  grep -q "previous: serial 1" "$tmp/chain-2.log"
  grep -q "changes from serial 1 to 2: none" "$tmp/chain-2.log"
  published_serial_is 2
}

# A replayed older index (the first publish's pair, served again) fails verify --previous
# against the one trusted now.
chain_replay_fails() {
  local first out rc=0
  first="$(find "$tmp/gh-state-chain/releases" -path '*/assets/index.json' -exec grep -l '"serial":1,' {} + | head -n 1)"
  [[ -n "$first" ]] || { echo "the first release is gone" >&2; return 1; }
  out="$("$bin" verify --in "$first" --sig "$first.sig" --pub-file "$tmp/keys/a.pub" \
    --previous "$chain_latest/index.json" 2>&1)" || rc=$?
  [[ "$rc" == 1 ]] || { echo "a replayed index gave exit $rc, not 1: $out" >&2; return 1; }
  grep -q "serial 1 is not greater than the previous index's 2" <<<"$out"
}

# The sign job stops when the published index does not verify with the committed key, or
# when versions disappeared (unless allowed); nothing reaches the release job.
chain_refusals() {
  local tampered="$tmp/chain-tampered" saved
  mkdir -p "$tampered"
  cp "$chain_latest"/* "$tampered/"
  printf ' ' >> "$tampered/index.json"
  if chain_sign 3 GIG_SIGNING_KEY="$(secret a)" PUBLISHED_INDEX_URL="file://$tampered/index.json"; then
    echo "built on a published index that does not verify" >&2
    return 1
  fi
  grep -q "the published index does not verify with keys/index-signing.pub" "$tmp/chain-3.log"
  [[ ! -e "$chain_site/out/index.json" ]] || { echo "an index was built anyway" >&2; return 1; }
  # A published version removed from manifests/: refused, unless allow_removals.
  local name version
  read -r name version < "$tmp/chain-server"
  saved="$(mktemp -d)"
  mv "$chain_site/manifests/$name" "$saved/"
  if chain_sign 3 GIG_SIGNING_KEY="$(secret a)"; then
    mv "$saved/$name" "$chain_site/manifests/"
    echo "published a removal without allow_removals" >&2
    return 1
  fi
  grep -q "$name@$version is in the previous index but not in this one" "$tmp/chain-3.log"
  chain_sign 3 GIG_SIGNING_KEY="$(secret a)" ALLOW_REMOVALS=true || { mv "$saved/$name" "$chain_site/manifests/"; cat "$tmp/chain-3.log" >&2; return 1; }
  mv "$saved/$name" "$chain_site/manifests/"
  grep -q "removals allowed for this publish" "$tmp/chain-3.log"
  grep -q -- "- $name@$version (removed)" "$tmp/chain-3.log"
}

# keys/README.md's planned rotation: publish the next key (b) and dual-sign, switch to it,
# retire a. Every publish passes verify --previous; the switch verifies the last dual-signed
# index through its second signature.
chain_rotation() {
  local a_id b_id
  a_id="$(cat "$tmp/keys/a.id")"
  b_id="$(cat "$tmp/keys/b.id")"
  cp "$tmp/keys/b.pub" "$chain_site/keys/index-signing.next.pub"
  # The next key committed without its secret: refused.
  if chain_sign 3 GIG_SIGNING_KEY="$(secret a)"; then echo "dual-signed without the next key's secret" >&2; return 1; fi
  grep -q "GIG_INDEX_SIGNING_KEY_NEXT is not set" "$tmp/chain-3.log"
  # Dual-sign: index.json.sig by a (gateways), index.json.sig.<b> by b, both released.
  chain_publish 3 GIG_SIGNING_KEY="$(secret a)" GIG_SIGNING_KEY_NEXT="$(secret b)"
  [[ -s "$chain_latest/index.json.sig.$b_id" ]] || { echo "index.json.sig.$b_id was not released" >&2; return 1; }
  "$bin" verify --in "$chain_latest/index.json" --sig "$chain_latest/index.json.sig" --pub-file "$tmp/keys/a.pub" > /dev/null
  "$bin" verify --in "$chain_latest/index.json" --sig "$chain_latest/index.json.sig.$b_id" --pub-file "$tmp/keys/b.pub" > /dev/null
  # Switch: b is the key, signing alone.
  mv "$chain_site/keys/index-signing.next.pub" "$chain_site/keys/index-signing.pub"
  chain_publish 4 GIG_SIGNING_KEY="$(secret b)"
  grep -q "published index: serial 3, verified with keys/index-signing.pub (key $b_id, index.json.sig.$b_id)" "$tmp/chain-4.log"
  published_serial_is 4
  [[ ! -e "$chain_latest/index.json.sig.$b_id" && ! -e "$chain_latest/index.json.sig.$a_id" ]]
  "$bin" verify --in "$chain_latest/index.json" --sig "$chain_latest/index.json.sig" --pub-file "$tmp/keys/b.pub" > /dev/null
  if "$bin" verify --in "$chain_latest/index.json" --sig "$chain_latest/index.json.sig" --pub-file "$tmp/keys/a.pub" 2>/dev/null; then
    echo "the retired key still verifies" >&2
    return 1
  fi
}

# keys/README.md's compromise: b leaked. c replaces it at once; without b in keys/revoked.pub
# the published index (signed by b) stops the publish; with it, the chain continues, logged.
chain_compromise() {
  cp "$tmp/keys/c.pub" "$chain_site/keys/index-signing.pub"
  if chain_sign 5 GIG_SIGNING_KEY="$(secret c)"; then echo "built on an index signed by an unlisted key" >&2; return 1; fi
  grep -q "the published index does not verify with keys/index-signing.pub" "$tmp/chain-5.log"
  { echo "# b: compromised (simulated), replaced by c"; cat "$tmp/keys/b.pub"; } > "$chain_site/keys/revoked.pub"
  chain_publish 5 GIG_SIGNING_KEY="$(secret c)"
  grep -q "is signed by a revoked key (keys/revoked.pub): it is not trusted and not compared" "$tmp/chain-5.log"
  published_serial_is 5
  "$bin" verify --in "$chain_latest/index.json" --sig "$chain_latest/index.json.sig" --pub-file "$tmp/keys/c.pub" > /dev/null
}

# fetch-published-index.sh alone: a 404 is exit 3, a missing signature and a bad URL are errors.
fetch_published_index() {
  local rc=0 empty="$tmp/fetch-empty"
  mkdir -p "$empty"
  PUBLISHED_INDEX_URL="file://$empty/index.json" "$scripts/fetch-published-index.sh" "$tmp/fetch-out" > /dev/null || rc=$?
  [[ "$rc" == 3 ]] || { echo "nothing published gave exit $rc, not 3" >&2; return 1; }
  echo '{}' > "$empty/index.json"
  rc=0
  PUBLISHED_INDEX_URL="$empty/index.json" "$scripts/fetch-published-index.sh" "$tmp/fetch-out" > /dev/null 2>&1 || rc=$?
  [[ "$rc" == 1 ]] || { echo "an index without its signature gave exit $rc, not 1" >&2; return 1; }
  rc=0
  PUBLISHED_INDEX_URL="http://example.com/index.json" "$scripts/fetch-published-index.sh" "$tmp/fetch-out" > /dev/null 2>&1 || rc=$?
  [[ "$rc" == 1 ]] || { echo "a plain http URL gave exit $rc, not 1" >&2; return 1; }
}

# psl-freshness.yml: psl-age.sh against a stand-in PyPI JSON entry of publicsuffixlist.
# pypi_entry VERSION [SDIST SHA256]: the entry's latest release is VERSION.
pypi_entry() {
  local version="$1" sdist="${2:-}" sha="${3:-}"
  mkdir -p "$tmp/pypi/pypi/publicsuffixlist"
  python3 - "$version" "$sdist" "$sha" > "$tmp/pypi/pypi/publicsuffixlist/json" <<'PY'
import json, sys
version, sdist, sha = sys.argv[1:]
files = [{"packagetype": "bdist_wheel", "url": "https://files.example/x.whl", "digests": {"sha256": "0" * 64},
          "upload_time_iso_8601": "2026-01-01T00:00:05.000000Z"}]
if sdist:
    files.append({"packagetype": "sdist", "url": "../../" + sdist, "digests": {"sha256": sha},
                  "upload_time_iso_8601": "2026-01-01T00:00:06.000000Z"})
print(json.dumps({"info": {"version": version}, "releases": {"1.0.0": [], version: files}}))
PY
  export PYPI_INDEX="file://$tmp/pypi"
}

psl_record_field() {
  sed -n "s/^$1=//p" "${2:-policy/data/public_suffix_list.version}"
}

# The epoch DAYS days after the recorded list was cut.
psl_cut_plus() {
  local cut
  cut="$(psl_record_field list-version)"
  date -u -d "${cut:0:10} ${cut:11:2}:${cut:14:2}:${cut:17:2} UTC + $1 days" +%s
}

psl_age_limits() {
  local recorded out rc
  recorded="$(psl_record_field version)"
  export GITHUB_OUTPUT="$tmp/psl-output"
  # Cut 10 days before "now": fresh.
  pypi_entry "$recorded"
  : > "$GITHUB_OUTPUT"
  NOW_EPOCH="$(psl_cut_plus 10)" "$scripts/psl-age.sh" 45 > "$tmp/psl.out"
  grep -qx "stale=false" "$GITHUB_OUTPUT"
  grep -qx "age_days=10" "$GITHUB_OUTPUT"
  grep -qx "version=$recorded" "$GITHUB_OUTPUT"
  # Cut 60 days before: stale; fails, except in report mode, and names the newer version.
  pypi_entry 9.9.9.20991231
  : > "$GITHUB_OUTPUT"
  rc=0
  out="$(NOW_EPOCH="$(psl_cut_plus 60)" "$scripts/psl-age.sh" 45 2>&1)" || rc=$?
  [[ "$rc" == 1 ]] || { echo "a 60-day-old list passed (rc $rc)" >&2; return 1; }
  grep -q "update it to publicsuffixlist 9.9.9.20991231" <<<"$out"
  grep -qx "stale=true" "$GITHUB_OUTPUT"
  grep -qx "latest=9.9.9.20991231" "$GITHUB_OUTPUT"
  grep -qx "latest_published=2026-01-01T00:00:05Z" "$GITHUB_OUTPUT"
  NOW_EPOCH="$(psl_cut_plus 60)" "$scripts/psl-age.sh" 45 --report >/dev/null
  NOW_EPOCH="$(psl_cut_plus 60)" "$scripts/psl-age.sh" 90 >/dev/null
  # Stale with nothing newer on PyPI: says so.
  pypi_entry "$recorded"
  rc=0
  out="$(NOW_EPOCH="$(psl_cut_plus 60)" "$scripts/psl-age.sh" 45 2>&1)" || rc=$?
  [[ "$rc" == 1 ]] && grep -q "PyPI has no newer publicsuffixlist" <<<"$out"
  # A record without a list version: cannot tell, exit 2.
  grep -v '^list-version=' policy/data/public_suffix_list.version > "$tmp/psl-record"
  rc=0
  PSL_RECORD="$tmp/psl-record" "$scripts/psl-age.sh" 45 >/dev/null 2>&1 || rc=$?
  [[ "$rc" == 2 ]] || { echo "a record without list-version gave rc $rc, not 2" >&2; return 1; }
  # PyPI unreachable: exit 2.
  export PYPI_INDEX="file://$tmp/no-such-pypi"
  rc=0
  "$scripts/psl-age.sh" 45 >/dev/null 2>&1 || rc=$?
  [[ "$rc" == 2 ]] || { echo "an unreachable PyPI gave rc $rc, not 2" >&2; return 1; }
}

# psl-freshness.yml's update job: psl-update-pr.sh in a scratch clone, a stand-in PyPI
# (JSON entry and sdist) and the fake gh.
psl_update_pr() {
  local work="$tmp/psl-pr" origin="$tmp/psl-origin.git" log="$tmp/gh-psl.log" recorded new=9.9.9.20991231
  recorded="$(psl_record_field version)"
  rm -rf "$work" "$origin"
  git init -q --bare -b main "$origin"
  git init -q -b main "$work"
  mkdir -p "$work/policy/data"
  cp policy/data/public_suffix_list.dat policy/data/public_suffix_list.version "$work/policy/data/"
  (cd "$work" && git add policy && git -c user.name=t -c user.email=t@example.com commit -q -m base \
    && git remote add origin "$origin" && git push -q origin main)
  # The new release's sdist: the list with a new VERSION line and one more private rule.
  local pkg="$tmp/sdist/publicsuffixlist-$new/publicsuffixlist" sha
  mkdir -p "$pkg" "$tmp/pypi/packages"
  sed 's|^// VERSION: .*|// VERSION: 2099-12-30_01-02-03_UTC|; s|^// ===END PRIVATE DOMAINS===|new-suffix.example.com\n&|' \
    policy/data/public_suffix_list.dat > "$pkg/public_suffix_list.dat"
  tar -C "$tmp/sdist" -czf "$tmp/pypi/packages/publicsuffixlist-$new.tar.gz" "publicsuffixlist-$new"
  sha="$(sha256sum "$tmp/pypi/packages/publicsuffixlist-$new.tar.gz" | cut -d' ' -f1)"
  export GITHUB_REPOSITORY=gigmcp/registry GH_TOKEN=fake FAKE_GH_STATE="$tmp/gh-state-psl"
  # Nothing newer on PyPI: no branch, no pull request, exit 1.
  pypi_entry "$recorded" "packages/publicsuffixlist-$new.tar.gz" "$sha"
  if (cd "$work" && with_fakes "$log" "$scripts/psl-update-pr.sh" >/dev/null 2>&1); then
    echo "opened a pull request with nothing to update" >&2
    return 1
  fi
  if grep -q '^gh pr create' "$log"; then echo "a pull request was opened" >&2; return 1; fi
  # A download that is not what PyPI lists: refused, nothing pushed.
  pypi_entry "$new" "packages/publicsuffixlist-$new.tar.gz" "$(printf '%064d' 0)"
  if (cd "$work" && with_fakes "$log" "$scripts/psl-update-pr.sh" >/dev/null 2>&1); then
    echo "accepted an sdist with the wrong sha256" >&2
    return 1
  fi
  git -C "$work" diff --quiet || { echo "a refused download changed the tree" >&2; return 1; }
  # A newer release: one commit touching the list and its record, pushed as deps/psl-<new>, and a pull request.
  pypi_entry "$new" "packages/publicsuffixlist-$new.tar.gz" "$sha"
  (cd "$work" && with_fakes "$log" "$scripts/psl-update-pr.sh" >/dev/null)
  [[ "$(git -C "$origin" diff --name-only main "deps/psl-$new")" == $'policy/data/public_suffix_list.dat\npolicy/data/public_suffix_list.version' ]]
  # (captured first: grep -q closing a pipe early would kill the writer under pipefail)
  local pushed_record pushed_list subject
  pushed_record="$(git -C "$origin" show "deps/psl-$new:policy/data/public_suffix_list.version")"
  pushed_list="$(git -C "$origin" show "deps/psl-$new:policy/data/public_suffix_list.dat")"
  subject="$(git -C "$origin" log -1 --format=%s "deps/psl-$new")"
  grep -qx "version=$new" <<<"$pushed_record"
  grep -qx "list-version=2099-12-30_01-02-03_UTC" <<<"$pushed_record"
  grep -qx "sha256=$(sha256sum "$pkg/public_suffix_list.dat" | cut -d' ' -f1)" <<<"$pushed_record"
  grep -qx "new-suffix.example.com" <<<"$pushed_list"
  grep -qF "publicsuffixlist $recorded -> $new" <<<"$subject"
  grep -q '^gh auth setup-git' "$log"
  grep -q "^gh pr create --repo gigmcp/registry --base main --head deps/psl-$new " "$log"
  # Already open: nothing new.
  git -C "$work" switch -q main
  git -C "$work" branch -q -D "deps/psl-$new"
  (cd "$work" && FAKE_GH_OPEN_PRS=1 with_fakes "$log" "$scripts/psl-update-pr.sh" >/dev/null)
  if grep -q '^gh pr create' "$log"; then echo "a pull request was opened" >&2; return 1; fi
}

# lint.yml: the aggregator policy refuses every kind of file outside its allowlist.
aggregator_refuses_forbidden_files() {
  local site="$tmp/site-aggregator" out rc path
  make_site "$site"
  "$scripts/aggregator-policy.sh" "$site" >/dev/null
  local forbidden=(
    "web/app.mts" "web/app.cts" "web/view.jsx" "tool/gui.pyw" "tool/types.pyi" "tools/run.sh"
    "lib/server.rb" "web/index.php" "bin/server" "tests/fixtures/evil.py" "tests/fixtures/hook.sh"
    "hooks/post-install" "docs/notes.txt.exe" "main.go" "server.py" "src/helper.py"
    "manifests/acme/0.1.0/extra.yaml" "manifests/acme/notes.txt" "images/node/entry.sh" "Makefile"
    "docs/run-me.txt" "docs/link.md" "examples/"
  )
  # Under tests/, benches/ and fuzz/ an allowlist too: every other language, markup, bytecode
  # and build file is refused, wherever it sits.
  local test_code=(
    tests/x.coffee tests/x.tcl tests/x.awk tests/x.el tests/x.scm tests/x.lisp tests/x.hta tests/x.wsf tests/x.jse
    tests/x.vbe tests/x.pyc tests/x.html tests/x.sol tests/x.astro tests/Makefile tests/Rakefile
    tests/fixtures/package.json tests/cmd/x.in/CMakeLists.txt benches/page.htm fuzz/seeds/egress/Makefile
    fuzz/seeds/egress/x.coffee tests/fuzz-regressions/resolve/run.tcl tests/fixtures/images/x/Gemfile tests/data.bin
    tests/fixtures/broken/images/go-static/Dockerfile.sh fuzz/Dockerfile
  )
  forbidden+=("${test_code[@]}")
  mkdir -p "$site/web" "$site/tool" "$site/tools" "$site/lib" "$site/bin" "$site/hooks" \
    "$site/manifests/acme/0.1.0" "$site/examples"
  for path in web/app.mts web/app.cts web/view.jsx tool/gui.pyw tool/types.pyi tools/run.sh lib/server.rb \
    web/index.php tests/fixtures/evil.py tests/fixtures/hook.sh docs/notes.txt.exe main.go server.py src/helper.py \
    manifests/acme/0.1.0/extra.yaml manifests/acme/notes.txt images/node/entry.sh Makefile examples/demo.yaml \
    "${test_code[@]}"; do
    mkdir -p "$(dirname "$site/$path")"
    echo "x" > "$site/$path"
  done
  # The test data this repository uses stays allowed: its own copy passed above, and new files
  # of the same kinds do too.
  for path in tests/fixtures/new.yaml tests/cmd/new.in/images/node/Dockerfile fuzz/seeds/resolve/beta@1.0.0 \
    tests/fuzz-regressions/egress/new-case tests/cmd/new.in/.keep; do
    mkdir -p "$(dirname "$site/$path")"
    echo "x" > "$site/$path"
  done
  printf '\x7fELF\x02\x01\x01\x00' > "$site/bin/server"
  printf '#!/bin/sh\necho hi\n' > "$site/hooks/post-install"
  echo "notes" > "$site/docs/run-me.txt"
  chmod +x "$site/docs/run-me.txt"
  ln -s ../README.md "$site/docs/link.md"
  rc=0
  out="$("$scripts/aggregator-policy.sh" "$site" 2>&1)" || rc=$?
  [[ "$rc" == 1 ]] || { echo "aggregator policy exit $rc, not 1" >&2; return 1; }
  for path in "${forbidden[@]}"; do
    if ! grep -q "^$path: " <<<"$out"; then
      echo "not refused: $path" >&2
      printf '%s\n' "$out" >&2
      return 1
    fi
  done
  grep -q "aggregator policy: ${#forbidden[@]} offending path(s)" <<<"$out"
  grep -q "Allowed: manifests/<name>/<version>.yaml" <<<"$out"
}

# lint.yml's review job: review-diff.sh on a copy of the catalog and a changed copy.
review_sites() {
  local base="$tmp/review-base" pr="$tmp/review-pr" manifest
  rm -rf "$base" "$pr"
  make_site "$base"
  make_site "$pr"
  manifest="$(cd "$pr" && grep -l -m1 '^  egress:$' manifests/*/*.yaml | head -n 1)"
  [[ -n "$manifest" ]] || { echo "no manifest with an egress list" >&2; return 1; }
  sed -i 's/^  egress:$/  egress:\n    - files.review-gate.example/' "$pr/$manifest"
  printf '%s\n' "$manifest"
}

review_diff_comments_and_summarizes() {
  local manifest out="$tmp/review-out" rc=0
  manifest="$(review_sites)"
  rm -rf "$out"
  PR_NUMBER=7 GITHUB_STEP_SUMMARY="$tmp/review-summary" "$scripts/review-diff.sh" "$bin" "$tmp/review-base" "$tmp/review-pr" "$out" \
    > "$tmp/review.log" || rc=$?
  [[ "$rc" == 0 ]] || { echo "a planned version's change failed the gate (rc $rc)" >&2; return 1; }
  grep -qF "egress host added: \`files.review-gate.example\`" "$out/comment.md"
  grep -qx 7 "$out/pr-number"
  grep -q '^## registryctl diff' "$tmp/review-summary"
  grep -q 'egress host added' "$tmp/review.log"
  # The same change to a published version fails the job, and the comment says why.
  local real=sha256:1111111111111111111111111111111111111111111111111111111111111111
  sed -i "s/digest: sha256:0\{64\}/digest: $real/" "$tmp/review-base/$manifest" "$tmp/review-pr/$manifest"
  rc=0
  "$scripts/review-diff.sh" "$bin" "$tmp/review-base" "$tmp/review-pr" "$out" > /dev/null || rc=$?
  [[ "$rc" == 1 ]] || { echo "a published version's change passed the gate (rc $rc)" >&2; return 1; }
  grep -q 'published-version-changed' "$out/comment.md"
  if PR_NUMBER='7; x' "$scripts/review-diff.sh" "$bin" "$tmp/review-base" "$tmp/review-pr" "$out" > /dev/null 2>&1; then
    echo "accepted a PR_NUMBER that is not a number" >&2
    return 1
  fi
}

# build-images.yml's pin job: pin-pr.sh in a scratch clone of the catalog with a bare origin
# and the fake gh: a branch pin/<name>-<version> whose diff is the manifest's digest line (and
# the regenerated CATALOG.md), and one pull request; a real digest is never re-pinned; bad
# outputs are refused before any call.
pin_pr_one_line() {
  local work="$tmp/pin-pr" origin="$tmp/pin-origin.git" log="$tmp/gh-pin.log" name version out rc=0
  local digest other
  digest="sha256:$(printf 'ab%.0s' {1..32})"
  other="sha256:$(printf 'cd%.0s' {1..32})"
  rm -rf "$work" "$origin"
  git init -q --bare -b main "$origin"
  make_site "$work"
  (cd "$work" && git init -q -b main && git add -A && git -c user.name=t -c user.email=t@example.com commit -q -m base \
    && git remote add origin "$origin" && git push -q origin main)
  read -r name version < <(first_planned "$work")
  export GITHUB_REPOSITORY=gigmcp/registry GH_TOKEN=fake FAKE_GH_STATE="$tmp/gh-state-pin"
  (cd "$work" && with_fakes "$log" "$scripts/pin-pr.sh" "$bin" "$name" "$version" "$digest") > "$tmp/pin-pr.out" 2>&1 \
    || { cat "$tmp/pin-pr.out" >&2; return 1; }
  [[ "$(git -C "$origin" diff --numstat main "pin/$name-$version" -- manifests)" == $'1\t1\t'"manifests/$name/$version.yaml" ]]
  [[ "$(git -C "$origin" diff --name-only main "pin/$name-$version")" == $'CATALOG.md\n'"manifests/$name/$version.yaml" ]]
  git -C "$origin" diff main "pin/$name-$version" | grep -q "^+  digest: $digest"
  grep -q '^gh auth setup-git' "$log"
  grep -q "^gh pr create --repo gigmcp/registry --base main --head pin/$name-$version " "$log"
  # Merged, then a rebuild of the same version: pin refuses to replace the real digest.
  git -C "$origin" update-ref refs/heads/main "refs/heads/pin/$name-$version"
  (cd "$work" && git switch -q main && git pull -q --ff-only origin main)
  out="$(cd "$work" && with_fakes "$log" "$scripts/pin-pr.sh" "$bin" "$name" "$version" "$other" 2>&1)" || rc=$?
  [[ "$rc" == 2 ]] || { echo "a re-pin gave exit $rc, not 2: $out" >&2; return 1; }
  grep -q "replacing a real digest needs --repin" <<<"$out"
  grep -q "publish a new version instead" <<<"$out"
  if grep -q '^gh pr create' "$log"; then echo "a re-pin opened a pull request" >&2; return 1; fi
  # Outputs that are not a server version or a digest never reach a command.
  for bad in "../x 0.1.0 $digest" "$name 1.0 $digest" "$name $version sha256:AB" "$name $version"; do
    # shellcheck disable=SC2086 # word splitting of the bad triple, on purpose
    if (cd "$work" && with_fakes "$log" "$scripts/pin-pr.sh" "$bin" $bad > /dev/null 2>&1); then
      echo "pin-pr.sh accepted '$bad'" >&2
      return 1
    fi
    [[ ! -s "$log" ]] || { echo "gh was called for '$bad'" >&2; return 1; }
  done
}

# pr-comment.yml: what the sanitizer leaves of hostile Markdown.
sanitize_comment_is_inert() {
  local out zw
  zw="$(printf '\342\200\213')"
  out="$(printf '%s\n' '## t' '<details><summary>3 more</summary>' '<script>x</script> <img src=x> <!-- m --> <https://a.b>' \
    '@octocat @org/team #12 GH-3 https://x.y www.z.com [a](b) ![i](u) [r]: http://e &#64;bob' '</details>' \
    | "$scripts/sanitize-comment.sh")"
  for bad in '<script' '<img' '<!--' '<https' '@octocat' '@org' '#12' 'GH-3' 'https://' 'www.z' '](' ']:' '&#64;'; do
    if grep -qF -- "$bad" <<<"$out"; then echo "sanitized text still holds '$bad': $out" >&2; return 1; fi
  done
  grep -qxF '<details><summary>3 more</summary>' <<<"$out"
  grep -qxF '</details>' <<<"$out"
  grep -qF "@${zw}octocat" <<<"$out"
  # Invalid UTF-8 and control characters go; a long text is cut at a line end, with a note.
  out="$(printf 'a\001b\377c\r\n' | "$scripts/sanitize-comment.sh")"
  [[ "$out" == abc ]] || { echo "control characters survived: $(cat -A <<<"$out")" >&2; return 1; }
  # C1, bidi, line separators and invisible characters are written as \u{…}; zero-width spaces
  # go (the sanitizer adds its own); an emoji keeps its variation selector, a letter does not.
  out="$(printf 'a\u202eb\u2066c \u009b31m d\u2028e \u200b@x f\u200dg h\u00adi \u2060j \ufeffk \u3164l \U000E0041m n\ufe0f \u26a0\ufe0f ok\n' \
    | "$scripts/sanitize-comment.sh")"
  local want='a\u{202e}b\u{2066}c \u{9b}31m d\u{2028}e @'"$zw"'x f\u{200d}g h\u{ad}i \u{2060}j \u{feff}k \u{3164}l \u{e0041}m n\u{fe0f} '$'\u26a0\ufe0f'' ok'
  [[ "$out" == "$want" ]] || { echo "hidden characters survived: $(cat -A <<<"$out")" >&2; return 1; }
  out="$(for i in $(seq 1 200); do echo "line $i of a long comment"; done | MAX_COMMENT_BYTES=1000 "$scripts/sanitize-comment.sh")"
  (( ${#out} < 1200 )) || { echo "not capped: ${#out} bytes" >&2; return 1; }
  grep -q 'it was cut here' <<<"$out"
  [[ "$(grep -c '^line ' <<<"$out")" == "$(grep -c '^line .* comment$' <<<"$out")" ]]
}

# pr-comment.yml: post-review-comment.sh posts one comment and updates it (fake gh).
post_review_comment_once_per_pr() {
  local dir="$tmp/artifact" log="$tmp/gh-comment.log" head=0123456789abcdef0123456789abcdef01234567 body
  export GITHUB_REPOSITORY=gigmcp/registry GH_TOKEN=fake FAKE_GH_STATE="$tmp/gh-state-comment" HEAD_SHA="$head"
  export RUN_URL=https://github.com/gigmcp/registry/actions/runs/1 FAKE_GH_PR_HEAD="$head"
  rm -rf "$FAKE_GH_STATE" "$dir"
  mkdir -p "$FAKE_GH_STATE/comments" "$dir"
  # Someone else's comment carrying the marker is never edited.
  printf '{"id": 1, "user": {"login": "mallory"}, "body": "<!-- registryctl-diff -->\\nmine"}\n' > "$FAKE_GH_STATE/comments/1.json"
  printf '## registryctl diff\n\n<script>x</script> @octocat\n' > "$dir/comment.md"
  echo 7 > "$dir/pr-number"
  with_fakes "$log" "$scripts/post-review-comment.sh" "$dir" > /dev/null
  grep -q '^gh api repos/gigmcp/registry/pulls/7 ' "$log"
  grep -q '^gh api --method POST repos/gigmcp/registry/issues/7/comments ' "$log"
  body="$(jq -r .body "$FAKE_GH_STATE/comments/2.json")"
  [[ "$body" == '<!-- registryctl-diff -->'* ]] || { echo "no marker: $body" >&2; return 1; }
  grep -q '^## registryctl diff' <<<"$body"
  if grep -qF -e '<script' -e '@octocat' <<<"$body"; then echo "unsanitized: $body" >&2; return 1; fi
  # The next push updates the same comment.
  printf '## registryctl diff\n\nsecond push\n' > "$dir/comment.md"
  with_fakes "$log" "$scripts/post-review-comment.sh" "$dir" > /dev/null
  grep -q '^gh api --method PATCH repos/gigmcp/registry/issues/comments/2 ' "$log"
  if grep -q -- '--method POST' "$log"; then echo "a second comment was posted" >&2; return 1; fi
  [[ "$(find "$FAKE_GH_STATE/comments" -name '*.json' | wc -l)" == 2 ]]
  jq -r .body "$FAKE_GH_STATE/comments/2.json" | grep -q 'second push'
  [[ "$(jq -r .body "$FAKE_GH_STATE/comments/1.json")" == *mine ]]
  # A pull request that has moved on (or a forged number): no comment.
  FAKE_GH_PR_HEAD=ffffffffffffffffffffffffffffffffffffffff with_fakes "$log" "$scripts/post-review-comment.sh" "$dir" > /dev/null
  if grep -q -- '--method' "$log"; then echo "commented on a pull request at another commit" >&2; return 1; fi
  # A number that is not one: refused before any call.
  echo '7; rm -rf /' > "$dir/pr-number"
  if with_fakes "$log" "$scripts/post-review-comment.sh" "$dir" > /dev/null 2>&1; then echo "accepted a bad pr-number" >&2; return 1; fi
  [[ ! -s "$log" ]] || { echo "gh was called" >&2; return 1; }
  # No artifact: nothing to do.
  with_fakes "$log" "$scripts/post-review-comment.sh" "$tmp/no-such-artifact" > /dev/null
  [[ ! -s "$log" ]]
}

step "build-images: build-args for a toolpack manifest into GITHUB_ENV" build_args_toolpack
step "build-images: bad dispatch inputs are refused" build_args_rejects_bad_input
step "lint: registryctl check, judged by a policy root, annotating changed files" lint_catalog
step "lint: the base judge skips the generated files, the self judge's check-generated.sh compares them" generated_files_are_the_self_judges
step "lint: aggregator policy" "$scripts/aggregator-policy.sh" .
step "build-index --include-planned" build_index_planned
step "keygen --out-dir (throwaway key)" keygen_throwaway
step "sign with GIG_SIGNING_KEY, verify with --pub-file" sign_and_verify
step "publish-index: sign script refuses a missing public key" publish_refuses_missing_pub
step "publish-index: sign script builds, signs and verifies" publish_sign
step "build-images: image-build.sh builds both platforms with provenance and SBOM (fake docker)" image_build_multiarch_attested
step "build-images: image-build.sh refuses a pushed digest that is not a complete index" image_build_refuses_a_bad_index
step "lint: aggregator policy refuses each kind of file outside its allowlist" aggregator_refuses_forbidden_files
step "publish-index: a new release with both files, published, then latest; pruned to 90 (fake gh)" publish_release_new_release_then_latest
step "publish-index: latest stays put when an asset fails to upload" publish_release_keeps_latest_when_an_upload_fails
step "publish-index: no release without a signature" publish_release_refuses_a_missing_signature
step "publish-index: fetch-published-index.sh tells a 404 from an error" fetch_published_index
step "publish-index: the first publish (404) starts at serial 1 and says so" chain_first_publish
step "publish-index: the second publish (or the weekly re-sign) passes verify --previous" chain_second_publish
step "publish-index: a replayed older index fails verify --previous" chain_replay_fails
step "publish-index: a published index the key does not verify, or a removal, stops the publish" chain_refusals
step "publish-index: planned key rotation (next key, dual-sign, switch, retire)" chain_rotation
step "publish-index: a compromised key replaced, the old one revoked" chain_compromise
step "psl-freshness: age limits from the recorded list version, newest release from PyPI" psl_age_limits
step "psl-freshness: the update pull request touches the list and its record alone (stand-in PyPI, fake gh)" psl_update_pr
step "lint: the review gate comments, summarizes, and fails on a published version's change" review_diff_comments_and_summarizes
step "build-images: the pin job's pull request is the digest line and CATALOG.md; a real digest is never re-pinned (fake gh)" pin_pr_one_line
step "pr-comment: hostile Markdown is made inert, capped and cleaned" sanitize_comment_is_inert
step "pr-comment: one comment per pull request, updated on every push, only at the run's head (fake gh)" post_review_comment_once_per_pr

echo "workflow-steps: $passed passed, $failed failed"
(( failed == 0 ))
