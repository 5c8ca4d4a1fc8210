#!/usr/bin/env bash
# Opens a pull request that updates the public-suffix list compiled into
# registryctl (policy/data/public_suffix_list.dat), as psl-freshness.yml runs it
# when psl-age.sh found the list too old.
# Reads the newest release of the PyPI package `publicsuffixlist` from PyPI's JSON
# API, downloads its sdist, checks the download against the sha256 PyPI lists,
# takes publicsuffixlist/public_suffix_list.dat out of it unchanged, checks that
# it is a public-suffix list (both sections, a VERSION line, thousands of rules),
# and rewrites policy/data/public_suffix_list.version (package version, list
# version, sha256). Commits those two files alone on a branch deps/psl-<version>,
# pushes it and opens a pull request against main; does nothing when that pull
# request is already open. Exits 1 when PyPI has nothing newer (the update must
# come another way) or the download is not what PyPI lists.
# Needs GH_TOKEN (contents: write, pull-requests: write) and GITHUB_REPOSITORY.
# PYPI_INDEX (default https://pypi.org) is for tests.
set -euo pipefail

: "${GITHUB_REPOSITORY:?}" "${GH_TOKEN:?}"
repo="$GITHUB_REPOSITORY"
index="${PYPI_INDEX:-https://pypi.org}"
root="$(git rev-parse --show-toplevel)"
cd "$root"
data=policy/data/public_suffix_list.dat
record=policy/data/public_suffix_list.version

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl_get() {
  curl -fsS --retry 3 --max-time 120 -A "gigmcp-registry psl-freshness (https://github.com/gigmcp/registry)" "$@"
}
curl_get "$index/pypi/publicsuffixlist/json" -o "$work/meta.json"

# The newest version, its sdist's URL (PyPI may answer with a URL relative to the
# JSON document) and sha256; the recorded version.
mapfile -t found < <(python3 - "$work/meta.json" "$index/pypi/publicsuffixlist/json" "$record" <<'PY'
import json, sys
from urllib.parse import urljoin
meta, base, record = sys.argv[1], sys.argv[2], sys.argv[3]
data = json.load(open(meta, encoding="utf-8"))
latest = data["info"]["version"]
sdists = [f for f in data["releases"].get(latest, []) if f.get("packagetype") == "sdist"]
if len(sdists) != 1:
    sys.exit(f"::error::publicsuffixlist {latest} has {len(sdists)} sdists on PyPI, expected 1")
fields = dict(l.strip().split("=", 1) for l in open(record, encoding="utf-8") if "=" in l and not l.startswith("#"))
print(fields.get("version", ""))
print(latest)
print(urljoin(base, sdists[0]["url"]))
print(sdists[0]["digests"]["sha256"])
PY
)
old="${found[0]:-}" new="${found[1]:-}" url="${found[2]:-}" want="${found[3]:-}"
if [[ ! "$new" =~ ^[0-9]+(\.[0-9]+)+$ || ! "$want" =~ ^[0-9a-f]{64}$ ]]; then
  echo "::error::unexpected answer from PyPI: version '$new', sha256 '$want'"
  exit 1
fi
if [[ "$new" == "$old" ]]; then
  echo "::error::PyPI has nothing newer than publicsuffixlist $old"
  exit 1
fi

curl_get "$url" -o "$work/sdist.tar.gz"
got="$(sha256sum "$work/sdist.tar.gz" | cut -d' ' -f1)"
if [[ "$got" != "$want" ]]; then
  echo "::error::the sdist of publicsuffixlist $new has sha256 $got; PyPI lists $want"
  exit 1
fi
member="publicsuffixlist-$new/publicsuffixlist/public_suffix_list.dat"
if ! tar -xzf "$work/sdist.tar.gz" -C "$work" "$member"; then
  echo "::error::the sdist of publicsuffixlist $new has no $member"
  exit 1
fi
list="$work/$member"
cut_at="$(sed -n 's|^// VERSION: *\([0-9_:-]*UTC\)$|\1|p' "$list" | head -n 1)"
rules="$(grep -cv -e '^//' -e '^[[:space:]]*$' "$list" || true)"
if [[ -z "$cut_at" ]] || ! grep -q '^// ===BEGIN ICANN DOMAINS===' "$list" \
  || ! grep -q '^// ===BEGIN PRIVATE DOMAINS===' "$list" || (( rules < 5000 )); then
  echo "::error::$member of publicsuffixlist $new is not a public-suffix list (VERSION '$cut_at', $rules rules)"
  exit 1
fi

cp "$list" "$data"
sum="$(sha256sum "$data" | cut -d' ' -f1)"
python3 - "$record" "$new" "$cut_at" "$sum" <<'PY'
import sys
record, version, cut, sha = sys.argv[1:]
values = {"version": version, "list-version": cut, "sha256": sha}
lines = []
for line in open(record, encoding="utf-8"):
    key = line.split("=", 1)[0]
    lines.append(f"{key}={values.pop(key)}\n" if "=" in line and not line.startswith("#") and key in values else line)
if values:
    sys.exit(f"::error::{record} lacks {', '.join(values)}")
open(record, "w", encoding="utf-8").writelines(lines)
PY
changed="$(git status --porcelain)"
if [[ "$changed" != " M $data"$'\n'" M $record" ]]; then
  echo "::error::the update changed more than $data and $record:"
  printf '%s\n' "$changed"
  exit 1
fi

branch="deps/psl-$new"
open_prs="$(gh pr list --repo "$repo" --head "$branch" --state open --json number --jq 'length')"
if [[ "$open_prs" != 0 ]]; then
  echo "a pull request from $branch is already open"
  exit 0
fi

git switch -c "$branch"
git add "$data" "$record"
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit -m "Update the public-suffix list: publicsuffixlist $old -> $new" \
  -m "Opened by psl-freshness.yml: the list compiled into registryctl was older than the limit. The list's VERSION is $cut_at."
# The checkout keeps no credentials; gh lends GH_TOKEN to this one push.
gh auth setup-git
git push origin "$branch"

body="psl-freshness found the public-suffix list compiled into registryctl too old.

This replaces \`$data\` with the list from the PyPI package publicsuffixlist $new (upstream VERSION $cut_at; the sdist matched the sha256 PyPI lists), and records it in \`$record\`. Nothing else changes. Before merging:

- lint must pass: \`registryctl check\` judges every egress host and wildcard against the new list, so a wildcard over a new private suffix, or a host whose top-level domain left the ICANN section, fails here and needs a narrower entry or a reviewed exception;
- a pull request opened with the workflow's token does not start other workflows by itself: close and reopen it (or push to the branch) to run lint."
gh pr create --repo "$repo" --base main --head "$branch" \
  --title "Update the public-suffix list (publicsuffixlist $old -> $new)" --body "$body"
