#!/usr/bin/env bash
# Resolves a build-images dispatch to its build args, as build-images.yml runs it.
# Usage: image-build-args.sh REGISTRYCTL NAME [VERSION]
# NAME and VERSION are untrusted workflow inputs: they are checked against the
# manifest schema's name and version patterns before they touch a path. The
# KEY=VALUE lines registryctl prints are checked too, then appended to
# $GITHUB_ENV (or printed when it is unset). IMAGE, the repository to push to,
# is <imagePrefix>/<name>-mcp from policy/registry.yaml: the one place the prefix
# is configured.
set -euo pipefail

bin="${1:?usage: image-build-args.sh REGISTRYCTL NAME [VERSION]}"
name="${2:-}"
version="${3:-}"

name_re='^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'
version_re='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'

if [[ ! "$name" =~ $name_re ]] || (( ${#name} > 64 )); then
  echo "::error::input name must match $name_re (got '${name//[^a-zA-Z0-9._-]/?}')"
  exit 2
fi
if [[ -n "$version" && ! "$version" =~ $version_re ]]; then
  echo "::error::input version must be MAJOR.MINOR.PATCH without leading zeros (got '${version//[^a-zA-Z0-9._-]/?}')"
  exit 2
fi

if [[ -n "$version" ]]; then
  target="manifests/$name/$version.yaml"
  [[ -f "$target" ]] || { echo "::error::no manifest $target"; exit 2; }
else
  target="manifests/$name"
  [[ -d "$target" ]] || { echo "::error::no manifest directory $target"; exit 2; }
fi

out="$("$bin" build-args "$target")"

declare -A got=()
while IFS= read -r line; do
  [[ -z "$line" ]] && continue
  if [[ ! "$line" =~ ^(SOURCE_REPO|SOURCE_TAG|PACKAGE|BUILDER|NAME|VERSION|IMAGE)=([A-Za-z0-9._/+@-]*)$ ]]; then
    echo "::error::unexpected build-args line: ${line//[^a-zA-Z0-9._=\/-]/?}"
    exit 1
  fi
  got[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]}"
done <<<"$out"

for key in SOURCE_REPO SOURCE_TAG PACKAGE BUILDER NAME VERSION IMAGE; do
  if [[ -z "${got[$key]:-}" ]]; then
    echo "::error::build-args printed no $key for $target"
    exit 1
  fi
done
case "${got[BUILDER]}" in
  go-static|toolpack|node|python) ;;
  *) echo "::error::unknown builder ${got[BUILDER]}"; exit 1 ;;
esac
if [[ "${got[NAME]}" != "$name" ]]; then
  echo "::error::$target declares name ${got[NAME]}, not $name"
  exit 1
fi
if [[ -n "$version" && "${got[VERSION]}" != "$version" ]]; then
  echo "::error::$target declares version ${got[VERSION]}, not $version"
  exit 1
fi
image_re="^[a-z0-9.-]+(/[a-z0-9._-]+)*/$name-mcp\$"
if [[ ! "${got[IMAGE]}" =~ $image_re ]]; then
  echo "::error::build-args printed IMAGE=${got[IMAGE]}, not <imagePrefix>/$name-mcp"
  exit 1
fi

if [[ -n "${GITHUB_ENV:-}" ]]; then
  printf '%s\n' "$out" >> "$GITHUB_ENV"
fi
printf '%s\n' "$out"
