#!/bin/sh
# Writes the NSIS include that installs a deployed tree and uninstalls exactly that tree
# (qwen-proxy.nsi runs it through !system at build time). Both lists come from one walk of the
# payload, so the uninstaller can never miss or add a file: it deletes each file it installed and
# then each folder it created, deepest first and only when empty, so whatever the user put in
# the install folder stays (and with it the folder). Never RMDir /r on $INSTDIR.
#
#   payload-nsh.sh <payload dir> <output .nsh>
set -eu
payload=$1
out=$2
[ -d "$payload" ] || { echo "payload-nsh: $payload is not a directory" >&2; exit 1; }
cd "$payload"
abs=$(pwd)

# Anything but plain files and folders (a symlink, a file name with a newline) would be installed
# differently from how it is listed: refuse it rather than leave something behind on uninstall.
odd=$(find . ! -type f ! -type d -print | head -n 5)
[ -z "$odd" ] || { echo "payload-nsh: not a plain file or folder: $odd" >&2; exit 1; }
[ "$(find . -name '*
*' -print | head -n 1)" = "" ] || { echo "payload-nsh: a file name holds a newline" >&2; exit 1; }
[ -n "$(find . -type f -print | head -n 1)" ] || { echo "payload-nsh: $payload is empty" >&2; exit 1; }

# NSIS strings: $ is written $$ and a double quote $\"; a backslash is not an escape.
esc() { printf '%s' "$1" | sed -e 's/\$/$$/g' -e 's/"/$\\"/g'; }
win() { esc "$1" | tr '/' '\\'; }
# printf, not echo: sh's echo would read the backslashes of Windows paths as escapes.
line() { printf '%s\n' "$1"; }

{
  # For the uninstall entry's EstimatedSize (KiB, what Windows' "Apps" list shows).
  echo "!define PAYLOAD_KB $(du -sk . | cut -f1)"

  echo '!macro PAYLOAD_INSTALL'
  find . -type d -print | LC_ALL=C sort | while IFS= read -r d; do
    rel=${d#.}
    line "  SetOutPath \"\$INSTDIR$(win "$rel")\""
    find "$d" -mindepth 1 -maxdepth 1 -type f -print | LC_ALL=C sort | while IFS= read -r f; do
      line "  File \"$(esc "$abs/${f#./}")\""
    done
  done
  echo '  SetOutPath "$INSTDIR"'
  echo '!macroend'

  echo '!macro PAYLOAD_UNINSTALL'
  find . -type f -print | LC_ALL=C sort | while IFS= read -r f; do
    line "  Delete \"\$INSTDIR\\$(win "${f#./}")\""
  done
  # Deepest first; RMDir without /r fails (and leaves the folder) when anything is left in it.
  find . -mindepth 1 -type d -print | LC_ALL=C sort -r | while IFS= read -r d; do
    line "  RMDir \"\$INSTDIR\\$(win "${d#./}")\""
  done
  echo '!macroend'
} >"$out"
