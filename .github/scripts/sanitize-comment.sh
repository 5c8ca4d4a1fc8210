#!/usr/bin/env bash
# Makes untrusted Markdown safe to post as a pull-request comment (pr-comment.yml): the review
# gate's artifact comes from a workflow run in which the pull request's own code also ran, so
# its text is data, not markup we trust.
# Usage: sanitize-comment.sh < untrusted.md > safe.md
#   MAX_COMMENT_BYTES  cap on the input kept (default 60000; GitHub takes 65536 characters)
# What it does, in order:
#   - keeps at most MAX_COMMENT_BYTES bytes, cut at a line end, with a note when cut;
#   - drops invalid UTF-8, NUL, CR and other control characters (tabs and newlines stay);
#   - neutralizes character references (`&#64;` would become `@` after rendering);
#   - escapes every HTML tag, comment and autolink (`<x`, `</x`, `<!`, `<?`) except exactly
#     <details>, </details>, <summary> and </summary>, which the comment folds with;
#   - puts a zero-width space after `@` (no mention pings anyone), after `#` and `GH-` before a
#     digit (no issue reference), into `://` and `www.` (no autolink), and between `]` and `(`
#     or `:` (no Markdown link, image or link definition), so nothing in it links, pings or loads.
set -euo pipefail

max="${MAX_COMMENT_BYTES:-60000}"
[[ "$max" =~ ^[1-9][0-9]*$ ]] || { echo "sanitize-comment: MAX_COMMENT_BYTES must be a positive number" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

head -c "$((max + 1))" > "$tmp/in"
truncated=false
if (( $(wc -c < "$tmp/in") > max )); then
  truncated=true
  # Cut at the last line end within the cap.
  head -c "$max" "$tmp/in" | sed '$d' > "$tmp/cut"
  mv "$tmp/cut" "$tmp/in"
fi

zw="$(printf '\342\200\213')"
iconv -f UTF-8 -t UTF-8 -c < "$tmp/in" \
  | LC_ALL=C tr -d '\000-\010\013-\037\177' \
  | LC_ALL=C sed -E \
    -e 's/&(#?[A-Za-z0-9]+;)/\&amp;\1/g' \
    -e 's/<([A-Za-z\/!?])/\&lt;\1/g' \
    -e 's/&lt;(\/?)(details|summary)>/<\1\2>/g' \
    -e "s/@/@${zw}/g" \
    -e "s/#([0-9])/#${zw}\\1/g" \
    -e "s/([Gg][Hh])-([0-9])/\\1-${zw}\\2/g" \
    -e "s#://#:${zw}//#g" \
    -e "s/([Ww][Ww][Ww])\\./\\1${zw}./g" \
    -e "s/\\]([(:])/]${zw}\\1/g"
if [[ "$truncated" == true ]]; then
  printf '\n**The diff is longer than a comment can hold; it was cut here. The full diff is in the lint run'"'"'s job summary.**\n'
fi
