#!/usr/bin/env bash
# Makes untrusted Markdown safe to post as a pull-request comment (pr-comment.yml): the review
# gate's artifact comes from a workflow run in which the pull request's own code also ran, so
# its text is data, not markup we trust.
# Usage: sanitize-comment.sh < untrusted.md > safe.md
#   MAX_COMMENT_BYTES  cap on the input kept (default 60000; GitHub takes 65536 characters)
# What it does, in order:
#   - keeps at most MAX_COMMENT_BYTES bytes, cut at a line end, with a note when cut;
#   - drops invalid UTF-8, NUL, CR and other C0 controls and DEL (tabs and newlines stay);
#   - drops zero-width spaces (U+200B: the renderer's own mention breakers, re-added below) and
#     writes every other character a reader cannot see as the text \u{…}: C1 controls,
#     bidirectional controls (U+202E reorders a line), U+2028/U+2029, and invisible format
#     characters (zero-width joiners, word joiners, the soft hyphen, fillers, U+FEFF, tag
#     characters, a variation selector after a character no variation sequence starts with),
#     the same set registryctl's own outputs escape (src/schema/chars.rs);
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
# Hidden characters, as src/schema/chars.rs classifies them. A variation selector is kept only
# right after a character that takes one (an emoji or symbol, a CJK ideograph, a Mongolian letter).
hidden_re='[\x{80}-\x{9F}\x{61C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}\x{2028}\x{2029}\x{AD}\x{34F}\x{115F}\x{1160}\x{17B4}\x{17B5}\x{180E}\x{200C}\x{200D}\x{2060}-\x{2065}\x{206A}-\x{206F}\x{3164}\x{FEFF}\x{FFA0}\x{FFF0}-\x{FFFB}\x{13430}-\x{1343F}\x{1BCA0}-\x{1BCA3}\x{1D173}-\x{1D17A}\x{E0000}-\x{E00FF}\x{E01F0}-\x{E0FFF}]'
symbol='#*0-9\x{A9}\x{AE}\x{2000}-\x{2BFF}\x{3030}\x{303D}\x{3297}\x{3299}\x{1F000}-\x{1FAFF}'
ideograph='\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3FFFF}\x{2200}-\x{2BFF}'
iconv -f UTF-8 -t UTF-8 -c < "$tmp/in" \
  | LC_ALL=C tr -d '\000-\010\013-\037\177' \
  | perl -CSD -pe '
      BEGIN { $h = sub { sprintf("\\u{%x}", ord $_[0]) } }
      s/\x{200B}//g;
      s/('"$hidden_re"')/$h->($1)/ge;
      s/(?<!['"$symbol"'])([\x{FE0E}\x{FE0F}])/$h->($1)/ge;
      s/(?<!['"$ideograph"'])([\x{FE00}-\x{FE0D}\x{E0100}-\x{E01EF}])/$h->($1)/ge;
      s/(?<![\x{1820}-\x{18AA}])([\x{180B}-\x{180D}\x{180F}])/$h->($1)/ge;' \
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
