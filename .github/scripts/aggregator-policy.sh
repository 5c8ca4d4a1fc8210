#!/usr/bin/env bash
# Aggregator policy: this repository lists MCP servers, it never holds their code.
#
# Decided by an ALLOWLIST of what the registry may hold; every other file is refused,
# with the path, the reason, and (once) the list of what is allowed:
#   catalog      manifests/<name>/<version>.yaml, toolspecs/<name>/<version>.yaml,
#                CATALOG.md, catalog/*.txt|*.tsv
#   policy       denylist/*.txt, policy/*.yaml, schemas/*.json, keys/*.pub,
#                policy/data/public_suffix_list.dat and .version (the compiled-in list)
#   builders     images/<builder>/Dockerfile
#   registryctl  Cargo.toml, Cargo.lock, rustfmt.toml, clippy.toml, deny.toml,
#                rust-toolchain.toml, src/**.rs; under tests/, benches/ and fuzz/:
#                Rust files and the test data this repository uses, by extension
#                (.yaml .json .toml .md .txt .tsv .stdout .stderr .snap .sig .pub
#                .private .proptest-regressions), by name (Cargo.lock, .keep, EXPECT,
#                images/<builder>/Dockerfile of a test registry), and fuzz inputs
#                (any plain name, e.g. registry-12 or alpha@0.2.0, under fuzz/seeds/<target>/
#                and tests/fuzz-regressions/<target>/); build and task files (Makefile,
#                Rakefile, package.json, pyproject.toml, CMakeLists.txt, ...) never
#   automation   .github/workflows/*.yml|*.yaml, .github/scripts/*.sh,
#                .github/CODEOWNERS, .github/dependabot.yml, .github/ISSUE_TEMPLATE/*.md|*.yml,
#                .ci/run, scripts/*.sh
#   docs         *.md anywhere, LICENSE, docs/** (text and images), bench/*.md|*.tsv|*.csv|*.json
#   dotfiles     .gitignore, .gitattributes, .editorconfig (any directory)
# Also refused wherever they are: any directory named examples/, symlinks, programs
# (ELF, Mach-O, PE, WebAssembly, Java class files), scripts with a `#!/` line, and
# executable files outside .ci/run, .github/scripts/ and scripts/.
#
# Usage: aggregator-policy.sh [ROOT]   (default: the current directory)
# Judges the files git tracks (plus untracked, not-ignored ones outside target/)
# when ROOT is a git work tree, otherwise every file under ROOT except .git/
# and target/ (and fuzz/target/, fuzz/corpus/, fuzz/artifacts/).
set -euo pipefail

root="${1:-.}"
cd "$root"

list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached
    # Untracked files too (a local run before `git add`), except build output.
    git ls-files -z --others --exclude-standard | grep -z -v '^target/' || true
  else
    find . \( -name .git -o -path ./target -o -path ./fuzz/target -o -path ./fuzz/corpus \
      -o -path ./fuzz/artifacts \) -prune -o \( -type f -o -type l \) -print0 | sed -z 's|^\./||'
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

# Source code, scripts and programs by extension: named in the refusal, so its reason is clear.
code_ext_re='\.(go|py|pyw|pyi|pyx|pxd|ipynb|js|mjs|cjs|jsx|ts|tsx|mts|cts|vue|svelte|rb|php|phtml|pl|pm|lua|java|kt|kts|scala|groovy|gradle|swift|c|h|cc|cpp|cxx|hh|hpp|m|mm|cs|fs|vb|r|jl|dart|ex|exs|erl|hrl|clj|cljs|hs|ml|zig|nim|sh|bash|zsh|fish|ksh|csh|ps1|psm1|bat|cmd|vbs|wasm|wat|jar|war|class|so|dylib|dll|exe|bin|o|a|deb|rpm|apk|whl|egg|gem|crate|nupkg|rs)$'
# The shell has no NUL in variables: a WebAssembly module's "\0asm" reads as "asm".
is_program() {
  local magic=""
  LC_ALL=C IFS= read -r -n 4 -d '' magic < "$1" 2>/dev/null || true
  case "$magic" in
    $'\x7f'ELF|MZ*|'#!/'*|'#! /'*|$'\xca\xfe\xba\xbe'|$'\xfe\xed\xfa'*|$'\xcf\xfa\xed\xfe'|$'\xce\xfa\xed\xfe'|asm) return 0 ;;
  esac
  return 1
}

# Build and task files: programs by name, whatever their extension.
build_file_re='^(gnu)?makefile$|^(rake|gem|just|vagrant|jenkins|proc|brew|pod|fast|danger|guard|cap|earth|cake|grunt|gulp|task)file(\..*)?$|^(build|build\.bazel|workspace|workspace\.bazel|module\.bazel|cmakelists\.txt|meson\.build|sconstruct|sconscript|package\.json|package-lock\.json|deno\.jsonc?|tsconfig\.json|composer\.json|pyproject\.toml|setup\.cfg|tox\.ini|pipfile|go\.mod|go\.work|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|pom\.xml|mix\.exs|dune|dune-project|.*\.cabal|stack\.yaml)$'
# Test data under tests/, benches/ and fuzz/: an allowlist of what this repository's tests
# use (`git ls-files tests benches fuzz` lists them). Sets $why for a refusal.
test_data() {
  local path="$1" lower="${1,,}" base="${1##*/}"
  local lbase="${base,,}"
  if [[ "$lbase" =~ $build_file_re ]]; then
    why="build and task files (Makefile, Rakefile, package.json, ...) are programs, not test data"
    return 1
  fi
  if [[ "$lower" =~ $code_ext_re ]]; then
    why="source code, scripts and programs are not allowed, not even as test data"
    return 1
  fi
  case "$lower" in
    *.yaml|*.json|*.toml|*.md|*.txt|*.tsv|*.stdout|*.stderr|*.snap|*.sig|*.pub|*.private|*.proptest-regressions) return 0 ;;
  esac
  case "$base" in
    Cargo.lock|.keep|EXPECT) return 0 ;;
    Dockerfile) [[ "$path" == */images/*/Dockerfile ]] && return 0 ;;
  esac
  # Fuzz inputs are raw bytes under names of their own: plain names, no extension but a
  # version's digits.
  case "$path" in
    fuzz/seeds/*/*|tests/fuzz-regressions/*/*)
      [[ "$path" != fuzz/seeds/*/*/* && "$path" != tests/fuzz-regressions/*/*/* \
        && "$base" =~ ^[A-Za-z0-9][A-Za-z0-9_@=+-]*(\.[0-9]+)*$ ]] && return 0 ;;
  esac
  why="not test data this repository uses: tests, benches and fuzz hold Rust files, .yaml .json .toml .md .txt .tsv .stdout .stderr .snap .sig .pub .private .proptest-regressions files, Cargo.lock, .keep, EXPECT, a test registry's images/<builder>/Dockerfile and plain-named fuzz inputs"
  return 1
}

# Is this path on the allowlist? Sets $why for a refusal.
allowed() {
  local path="$1" lower="${1,,}" base="${1##*/}"
  case "$path" in
    manifests/*/*/*|toolspecs/*/*/*) why="catalog files live at manifests/<name>/<version>.yaml and toolspecs/<name>/<version>.yaml only"; return 1 ;;
    manifests/*/*.yaml|toolspecs/*/*.yaml) return 0 ;;
    manifests/*|toolspecs/*) why="only <name>/<version>.yaml files belong under manifests/ and toolspecs/"; return 1 ;;
  esac
  case "$lower" in
    *.md) return 0 ;;
  esac
  case "$base" in
    .gitignore|.gitattributes|.editorconfig) return 0 ;;
  esac
  case "$path" in
    LICENSE|Cargo.toml|Cargo.lock|rustfmt.toml|.rustfmt.toml|clippy.toml|deny.toml|rust-toolchain.toml) return 0 ;;
    policy/data/public_suffix_list.dat|policy/data/public_suffix_list.version) return 0 ;;
    catalog/*/*|denylist/*/*|policy/*/*|schemas/*/*|keys/*/*) ;;
    catalog/*.txt|catalog/*.tsv|denylist/*.txt|policy/*.yaml|schemas/*.json|keys/*.pub) return 0 ;;
    images/*/Dockerfile) [[ "$path" != images/*/*/* ]] && return 0 ;;
    src/*.rs|benches/*.rs|tests/*.rs|fuzz/*.rs) return 0 ;;
    tests/*|benches/*|fuzz/*) test_data "$path"; return ;;
    .github/workflows/*.yml|.github/workflows/*.yaml|.github/scripts/*.sh|.github/CODEOWNERS|.github/dependabot.yml|.github/ISSUE_TEMPLATE/*.yml|.github/ISSUE_TEMPLATE/*.yaml)
      [[ "$path" != .github/*/*/* ]] && return 0 ;;
    .ci/run|scripts/*.sh) [[ "$path" != scripts/*/* ]] && return 0 ;;
    docs/*)
      case "$lower" in
        *.txt|*.png|*.svg|*.jpg|*.jpeg|*.gif|*.webp) return 0 ;;
      esac
      ;;
    bench/*.tsv|bench/*.csv|bench/*.json) [[ "$path" != bench/*/* ]] && return 0 ;;
  esac
  case "$lower" in
    *.go|*.py|*.pyw|*.pyi|*.js|*.mjs|*.cjs|*.jsx|*.ts|*.tsx|*.mts|*.cts|*.rb|*.php|*.java|*.kt|*.swift|*.c|*.cc|*.cpp|*.cs|*.lua|*.pl)
      why="server source code is not allowed here: publish it in its own tagged repository and reference it from the manifest's source" ;;
    *.rs) why="Rust code belongs only under src/, tests/, benches/ or fuzz/ (registryctl itself)" ;;
    *.sh|*.bash|*.zsh|*.ps1|*.bat|*.cmd) why="scripts belong only in .github/scripts/ (the workflows' steps) and scripts/ (registryctl's bench and fuzz drivers)" ;;
    *) why="not on the list of files this registry may hold" ;;
  esac
  return 1
}

declare -A seen_examples=()
why=""
while IFS= read -r -d '' path; do
  # git lists deleted-but-unstaged files too; judge only what is there.
  [[ -e "$path" || -L "$path" ]] || continue
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
  if [[ -L "$path" ]]; then
    report "$path" "symlinks are not allowed: commit the file itself"
    continue
  fi
  if [[ ! -f "$path" ]]; then
    report "$path" "only regular files are allowed"
    continue
  fi
  if ! allowed "$path"; then
    report "$path" "$why"
    continue
  fi
  case "$path" in
    .ci/run|.github/scripts/*.sh|scripts/*.sh) ;;
    *)
      if [[ -x "$path" ]]; then
        report "$path" "executable files are allowed only as .ci/run, .github/scripts/*.sh and scripts/*.sh"
      elif is_program "$path"; then
        report "$path" "programs and scripts (a #! line or a binary executable format) are not allowed here"
      fi
      ;;
  esac
done < <(list_files)

if (( offenders > 0 )); then
  cat >&2 <<'EOF'
aggregator policy: this registry holds manifests, toolspecs and the tool that checks them, never a
server's code. Allowed: manifests/<name>/<version>.yaml, toolspecs/<name>/<version>.yaml, *.md,
LICENSE, catalog/*.txt|*.tsv, denylist/*.txt, policy/*.yaml, schemas/*.json, keys/*.pub,
images/<builder>/Dockerfile, Cargo.toml, Cargo.lock, deny.toml, rust-toolchain.toml, rustfmt.toml,
registryctl's Rust files under src/ tests/ benches/ fuzz/ and, under tests/ benches/ fuzz/, the
kinds of test data its tests use (.yaml .json .toml .txt .tsv .stdout .stderr .snap .sig .pub
.private .proptest-regressions, Cargo.lock, .keep, EXPECT, images/<builder>/Dockerfile, plain-named
fuzz inputs under fuzz/seeds/<target>/ and tests/fuzz-regressions/<target>/), .github/workflows/*.yml,
.github/scripts/*.sh, .github/CODEOWNERS, .github/dependabot.yml, .ci/run, scripts/*.sh, docs/,
bench/ results, and .gitignore/.gitattributes/.editorconfig. See .github/scripts/aggregator-policy.sh.
EOF
  echo "aggregator policy: ${offenders} offending path(s)" >&2
  exit 1
fi
echo "aggregator policy OK"
