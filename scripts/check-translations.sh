#!/usr/bin/env bash
# Fails when translations/*.ts are stale (a string in ui/ was added, changed or removed without
# running lupdate) or not fully translated (unfinished or empty entries). lupdate runs on a temporary
# copy, so the check never changes the tree; --update writes the result into translations/ instead
# (then translate what it marks unfinished).
#
#   scripts/check-translations.sh [LUPDATE] [--update]
#
# The comparison is by message counts and markers, not bytes, so a newer lupdate (Qt 6.8) that
# formats the file a little differently does not fail an up-to-date tree. The options match
# ui/CMakeLists.txt: no line numbers, no obsolete entries.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lupdate=""
update=0
for arg in "$@"; do
  case "$arg" in
    --update) update=1 ;;
    *) lupdate="$arg" ;;
  esac
done
if [[ -z "$lupdate" ]]; then
  for candidate in "$(qtpaths6 --query QT_HOST_LIBEXECS 2>/dev/null)/lupdate" \
                   "$(qtpaths6 --query QT_HOST_BINS 2>/dev/null)/lupdate" \
                   /usr/lib/qt6/bin/lupdate /usr/lib/qt6/libexec/lupdate; do
    [[ -x "$candidate" ]] && { lupdate="$candidate"; break; }
  done
fi
[[ -x "$lupdate" ]] || { echo "lupdate not found (Debian: qt6-l10n-tools)" >&2; exit 2; }

files=("$root"/translations/qwen-proxy_*.ts)
if [[ $update -eq 1 ]]; then
  "$lupdate" -silent -locations none -no-obsolete "$root/ui" -ts "${files[@]}"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
copies=()
for f in "${files[@]}"; do
  cp "$f" "$tmp/"
  copies+=("$tmp/$(basename "$f")")
done
"$lupdate" -silent -locations none -no-obsolete "$root/ui" -ts "${copies[@]}"

count() { grep -c -E "$1" "$2" || true; }
failed=0
for f in "${files[@]}"; do
  name="$(basename "$f")"
  fresh="$tmp/$name"
  committed_msgs=$(count '<message' "$f")
  fresh_msgs=$(count '<message' "$fresh")
  new=$(count 'type="unfinished"' "$fresh")
  unfinished=$(count 'type="(unfinished|vanished|obsolete)"' "$f")
  empty=$(count '<translation></translation>|<numerusform></numerusform>' "$f")
  if [[ "$committed_msgs" != "$fresh_msgs" || "$new" != "$unfinished" ]]; then
    echo "$name is stale: lupdate finds $fresh_msgs messages ($new untranslated), the file has" \
         "$committed_msgs. Run scripts/check-translations.sh --update and translate." >&2
    diff <(grep -o '<source>.*</source>' "$f" | sort) \
         <(grep -o '<source>.*</source>' "$fresh" | sort) >&2 || true
    failed=1
  fi
  if [[ "$unfinished" != 0 || "$empty" != 0 ]]; then
    echo "$name has $unfinished unfinished and $empty empty translations:" >&2
    grep -B3 -E 'type="(unfinished|vanished|obsolete)"|<translation></translation>' "$f" \
      | grep -o '<source>.*</source>' >&2 || true
    failed=1
  fi
done
[[ $failed -eq 0 ]] && echo "translations up to date: ${files[*]##*/}"
exit $failed
