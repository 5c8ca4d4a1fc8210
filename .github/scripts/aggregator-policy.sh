#!/usr/bin/env bash
# Aggregator policy: this repository lists MCP servers, it never holds their code.
# Rejects, printing each offending path:
#   - server source files anywhere: *.go *.py *.js *.mjs *.cjs *.ts *.tsx
#   - any directory named examples/
#   - Rust files (*.rs) outside registryctl's own src/ tests/ benches/ fuzz/
# Usage: aggregator-policy.sh [ROOT]   (default: the current directory)
# Judges the files git tracks (plus untracked, not-ignored ones outside target/)
# when ROOT is a git work tree, otherwise every file under ROOT except .git/
# and target/.
set -euo pipefail

root="${1:-.}"
cd "$root"

list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached
    # Untracked files too (a local run before `git add`), except build output.
    git ls-files -z --others --exclude-standard | grep -z -v '^target/' || true
  else
    find . \( -name .git -o -name target \) -prune -o -type f -print0 | sed -z 's|^\./||'
  fi
}

offenders=0
report() {
  printf '%s: %s\n' "$1" "$2"
  if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
    printf '::error file=%s,title=aggregator-policy::%s\n' "$1" "$2"
  fi
  offenders=$((offenders + 1))
}

declare -A seen_examples=()
while IFS= read -r -d '' path; do
  # git lists deleted-but-unstaged files too; judge only what is there.
  [[ -e "$path" || -L "$path" ]] || continue
  lower="${path,,}"
  # The first path component named examples (any case) makes the whole
  # directory an offender; report it once, not every file in it.
  prefix=""
  IFS=/ read -r -a parts <<<"$path"
  for part in "${parts[@]:0:${#parts[@]}-1}"; do
    prefix+="$part/"
    if [[ "${part,,}" == examples ]]; then
      if [[ -z "${seen_examples[$prefix]:-}" ]]; then
        seen_examples[$prefix]=1
        report "$prefix" "examples/ directories are not allowed: server code and samples live in the server's own repository"
      fi
      continue 2
    fi
  done
  case "$lower" in
    *.go|*.py|*.js|*.mjs|*.cjs|*.ts|*.tsx)
      report "$path" "server source code is not allowed here: publish it in its own tagged repository and reference it from the manifest's source"
      ;;
    *.rs)
      case "$path" in
        src/*|tests/*|benches/*|fuzz/*) ;;
        *) report "$path" "Rust code belongs only under src/, tests/, benches/ or fuzz/ (registryctl itself)" ;;
      esac
      ;;
  esac
done < <(list_files)

if (( offenders > 0 )); then
  echo "aggregator policy: ${offenders} offending path(s)" >&2
  exit 1
fi
echo "aggregator policy OK"
