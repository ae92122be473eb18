#!/usr/bin/env bash
# Proves the Windows installer (packaging/windows/qwen-proxy.nsi, docs/packaging.md) on Linux:
# builds it with makensis -WX from a stub payload (the real Windows binaries are built on a
# Windows runner by the release workflow; the installer's logic does not depend on what the
# files hold), then runs it silently under wine64 in a throw-away prefix, headless:
#   install with /AUTOSTART -> files, HKCU uninstall entry, Run value, Start menu shortcut;
#   user data appears; upgrade to a higher version without /AUTOSTART -> start at login and data
#   kept, a file only the old version shipped gone; a foreign file in the install folder;
#   a running app is never overwritten or uninstalled around (silent setup and uninstall give up
#   with exit code 3);
#   uninstall /S -> every installed file, the entry, the Run value and the shortcut gone, the
#   foreign file and its folder and the data kept;
#   reinstall (signed with a throw-away certificate: the signing hook), install again into another
#   folder (/D=) -> the first folder gone; uninstall /S /PURGE -> data gone, install folder gone.
# Also checks the portable zip (packaging/windows/portable-zip.sh) made from the same stub.
#
#   scripts/check-windows-installer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
start=$(date +%s)
stamp() { echo "--- check-windows-installer: $* ($(($(date +%s) - start)) s)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

scripts/setup-deps.sh --windows
work=$(mktemp -d)
export WINEPREFIX=$work/prefix WINEDEBUG=-all
# No Mono or Gecko install prompts (nothing here uses .NET or HTML); no display: wine runs the
# silent installer without one, so the check also runs where there is no X server.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
cleanup() { wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# Stub payloads: what windeployqt's tree looks like (both programs, Qt DLLs, plugin folders),
# with random bytes so a wrong or truncated copy shows. 0.1.0 ships a file 0.2.0 no longer does.
stub() { # dir file...
  local dir=$1 f
  shift
  for f in "$@"; do
    mkdir -p "$(dirname "$dir/$f")"
    head -c $((1000 + RANDOM)) /dev/urandom >"$dir/$f"
  done
}
common=(qwen-proxy.exe qwen-proxy-tray.exe Qt6Core.dll Qt6Network.dll
  platforms/qwindows.dll sqldrivers/qsqlite.dll tls/qschannelbackend.dll
  styles/qmodernwindowsstyle.dll "translations/qt_zh_CN.qm" "docs/read me.txt")
stub "$work/payload1" "${common[@]}" old-only.dll
stub "$work/payload2" "${common[@]}" imageformats/qico.dll

stamp "makensis -WX"
build() { # version payload outdir [makensis args]
  mkdir -p "$3"
  makensis -WX -V2 -DVERSION="$1" -DPAYLOAD="$2" -DOUTDIR="$3" "${@:4}" \
    packaging/windows/qwen-proxy.nsi >/dev/null
  [[ -f "$3/qwen-proxy-$1-windows-x64-setup.exe" ]] || fail "makensis wrote no setup.exe for $1"
}
build 0.1.0 "$work/payload1" "$work/out"
build 0.2.0 "$work/payload2" "$work/out"
# The signing hook, with a throw-away self-signed certificate: !uninstfinalize and !finalize.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Qwen Proxy test" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl pkcs12 -export -passout pass:test -inkey "$work/key.pem" -in "$work/cert.pem" \
  -out "$work/cert.p12"
QP_SIGN_PKCS12=$work/cert.p12 QP_SIGN_PASSWORD=test build 0.2.0 "$work/payload2" "$work/signed" -DSIGN
osslsigncode verify -CAfile "$work/cert.pem" "$work/signed/qwen-proxy-0.2.0-windows-x64-setup.exe" \
  >/dev/null || fail "the signed installer does not verify"
! osslsigncode verify -CAfile "$work/cert.pem" "$work/out/qwen-proxy-0.2.0-windows-x64-setup.exe" \
  >/dev/null 2>&1 || fail "the installer built without -DSIGN is signed"

# Runs a Windows program to its end: wineserver -w waits for every process of the prefix (the
# uninstaller re-runs itself from a temporary copy and returns at once) and for the registry to
# be written to user.reg.
run() {
  local rc=0
  timeout 180 wine "$@" || rc=$?
  timeout 180 wineserver -w || fail "wine did not finish: $*"
  [[ $rc -eq 0 ]] || fail "$* exited with $rc"
}

stamp "install 0.1.0 /S /AUTOSTART (wine's first start creates the prefix)"
run "$work/out/qwen-proxy-0.1.0-windows-x64-setup.exe" /S /AUTOSTART
users=$WINEPREFIX/drive_c/users
user=$(ls "$users" | grep -vx Public | head -n 1)
[[ -n "$user" ]] || fail "no user folder in the wine prefix"
home=$users/$user
inst=$home/AppData/Local/Programs/Qwen\ Proxy
winst="C:\\\\users\\\\$user\\\\AppData\\\\Local\\\\Programs\\\\Qwen Proxy" # as user.reg writes it
lnk=$home/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/Qwen\ Proxy.lnk
data=$home/AppData/Local/qwen-proxy
settings=$home/AppData/Roaming/qwen-proxy
uninst='Software\Microsoft\Windows\CurrentVersion\Uninstall\QwenProxy'
runkey='Software\Microsoft\Windows\CurrentVersion\Run'

# A value of HKCU as user.reg holds it (quoted, backslashes doubled); fails when there is none.
# Keys and names go through ENVIRON, since awk -v would read their backslashes as escapes.
regval() { # key name
  K="[${1//\\/\\\\}]" N="\"$2\"=" awk '
    index($0, ENVIRON["K"] " ") == 1 || $0 == ENVIRON["K"] { inkey = 1; next }
    /^\[/ { inkey = 0 }
    inkey && index($0, ENVIRON["N"]) == 1 { print substr($0, length(ENVIRON["N"]) + 1); found = 1 }
    END { exit !found }' "$WINEPREFIX/user.reg"
}
expect_reg() { # key name value
  local got
  got=$(regval "$1" "$2") || fail "HKCU\\$1 has no value $2"
  [[ "$got" == "$3" ]] || fail "HKCU\\$1 $2 is $got, expected $3"
}
expect_no_reg() { # key name
  ! regval "$1" "$2" >/dev/null || fail "HKCU\\$1 $2 is still there: $(regval "$1" "$2")"
}
expect_payload() { # payload dir: every file installed, byte for byte
  local f
  while IFS= read -r f; do
    cmp -s "$1/$f" "$inst/$f" || fail "$f is not installed as shipped"
  done < <(cd "$1" && find . -type f | sed 's#^\./##')
}
runval="\"\\\"$winst\\\\qwen-proxy-tray.exe\\\" --minimized\""

expect_payload "$work/payload1"
[[ -f "$inst/uninstall.exe" ]] || fail "no uninstall.exe"
[[ -f "$lnk" ]] || fail "no Start menu shortcut"
expect_reg "$uninst" DisplayName '"Qwen Proxy"'
expect_reg "$uninst" DisplayVersion '"0.1.0"'
expect_reg "$uninst" Publisher '"Qwen Proxy team"'
expect_reg "$uninst" DisplayIcon "\"$winst\\\\qwen-proxy-tray.exe,0\""
expect_reg "$uninst" UninstallString "\"\\\"$winst\\\\uninstall.exe\\\"\""
expect_reg "$uninst" QuietUninstallString "\"\\\"$winst\\\\uninstall.exe\\\" /S\""
expect_reg "$uninst" NoModify dword:00000001
expect_reg "$uninst" NoRepair dword:00000001
size=$(regval "$uninst" EstimatedSize) || fail "no EstimatedSize"
[[ "$size" =~ ^dword:([0-9a-f]{8})$ ]] && ((16#${BASH_REMATCH[1]} >= $(du -sk "$work/payload1" | cut -f1))) ||
  fail "EstimatedSize $size is not the payload's size in KiB"
expect_reg "$runkey" QwenProxy "$runval"

# What the app would have written by now: accounts and usage (data), the config (settings).
mkdir -p "$data/qwen-proxy" "$settings/qwen-proxy"
echo accounts >"$data/qwen-proxy/accounts.db"
echo '{}' >"$settings/qwen-proxy/config.json"

stamp "upgrade to 0.2.0 /S (no /AUTOSTART)"
run "$work/out/qwen-proxy-0.2.0-windows-x64-setup.exe" /S
expect_payload "$work/payload2"
[[ ! -e "$inst/old-only.dll" ]] || fail "the upgrade left 0.1.0's old-only.dll"
expect_reg "$uninst" DisplayVersion '"0.2.0"'
expect_reg "$runkey" QwenProxy "$runval"
[[ -f "$data/qwen-proxy/accounts.db" && -f "$settings/qwen-proxy/config.json" ]] ||
  fail "the upgrade lost user data"

stamp "a running tray app holds its .exe: silent setup and uninstall wait, then give up (exit code 3)"
# Any long-running Windows program stands in for the tray app; wine's own ping.exe is a real one.
# It ignores --quit, so the installer must not touch it: wait 15 s, then give up untouched.
ping_exe=$(find /usr/lib -path '*/x86_64-windows/ping.exe' -print -quit)
[[ -n "$ping_exe" ]] || fail "wine64 has no ping.exe to stand in for a running app"
cp "$ping_exe" "$inst/qwen-proxy-tray.exe"
wine "$inst/qwen-proxy-tray.exe" -n 120 127.0.0.1 >/dev/null 2>&1 &
sleep 2
rc=0
timeout 180 wine "$work/out/qwen-proxy-0.2.0-windows-x64-setup.exe" /S || rc=$?
[[ $rc -eq 3 ]] || fail "setup with the app running exited with $rc, expected 3"
cmp -s "$ping_exe" "$inst/qwen-proxy-tray.exe" || fail "setup replaced a running program"
# The uninstaller likewise, run in place (_?=) so its exit code is its own; NSIS takes the rest of
# the command line as the folder, so the space in it needs no quotes (wine would add them to one
# argument holding a space).
rc=0
timeout 180 wine "$inst/uninstall.exe" /S "_?=C:\\users\\$user\\AppData\\Local\\Programs\\Qwen" Proxy || rc=$?
[[ $rc -eq 3 ]] || fail "uninstall with the app running exited with $rc, expected 3"
expect_payload_except_tray() {
  local f
  while IFS= read -r f; do
    [[ "$f" == qwen-proxy-tray.exe ]] || cmp -s "$work/payload2/$f" "$inst/$f" ||
      fail "the uninstaller removed $f while the app was running"
  done < <(cd "$work/payload2" && find . -type f | sed 's#^\./##')
}
expect_payload_except_tray
wineserver -k
timeout 180 wineserver -w || true
expect_reg "$uninst" DisplayVersion '"0.2.0"'

stamp "uninstall /S with a foreign file in the install folder"
echo mine >"$inst/notes.txt"
run "$inst/uninstall.exe" /S
[[ -f "$inst/notes.txt" ]] || fail "the uninstaller deleted a file it did not install (or its folder)"
left=$(cd "$inst" && find . -mindepth 1 | sort | tr '\n' ' ')
[[ "$left" == "./notes.txt " ]] || fail "the uninstaller left or removed the wrong things: $left"
[[ ! -e "$lnk" ]] || fail "the uninstaller left the Start menu shortcut"
expect_no_reg "$runkey" QwenProxy
expect_no_reg "$uninst" DisplayName
[[ -f "$data/qwen-proxy/accounts.db" && -f "$settings/qwen-proxy/config.json" ]] ||
  fail "the uninstaller removed user data without being asked"

stamp "reinstall 0.2.0 (signed), again into another folder, uninstall /S /PURGE"
rm "$inst/notes.txt"
run "$work/signed/qwen-proxy-0.2.0-windows-x64-setup.exe" /S
expect_payload "$work/payload2"
expect_no_reg "$runkey" QwenProxy # start at login is off unless asked for
osslsigncode verify -CAfile "$work/cert.pem" "$inst/uninstall.exe" >/dev/null ||
  fail "the installed uninstaller is not signed"
# Installing again into another folder (/D=, which must come last and cannot be quoted, hence no
# space in it) moves the install: the previous one is uninstalled from where the registry says.
old_inst=$inst
inst=$home/AppData/Local/QP-elsewhere
run "$work/out/qwen-proxy-0.2.0-windows-x64-setup.exe" /S "/D=C:\\users\\$user\\AppData\\Local\\QP-elsewhere"
expect_payload "$work/payload2"
[[ ! -e "$old_inst" ]] || fail "installing into another folder left the old one: $(find "$old_inst" | tr '\n' ' ')"
expect_reg "$uninst" InstallLocation "\"C:\\\\users\\\\$user\\\\AppData\\\\Local\\\\QP-elsewhere\""
run "$inst/uninstall.exe" /S /PURGE
[[ ! -e "$inst" ]] || fail "the install folder is left: $(find "$inst" | tr '\n' ' ')"
[[ ! -e "$data" && ! -e "$settings" ]] || fail "/PURGE left user data"
expect_no_reg "$uninst" DisplayName

stamp "portable zip"
zip=$(packaging/windows/portable-zip.sh "$work/payload2" 0.2.0 "$work/out")
[[ "$zip" == "$work/out/qwen-proxy-0.2.0-windows-x64-portable.zip" ]] || fail "portable zip at $zip"
top=qwen-proxy-0.2.0-windows-x64-portable
listing=$(unzip -Z1 "$zip" | grep -v '/$' | sort)
expected=$( (cd "$work/payload2" && find . -type f | sed "s#^\./#$top/#"; echo "$top/.portable") | sort)
[[ "$listing" == "$expected" ]] || fail "the zip holds $listing, expected $expected"
[[ $(unzip -p "$zip" "$top/.portable" | wc -c) -eq 0 ]] || fail ".portable is not empty"
mkdir "$work/unzipped"
unzip -q "$zip" -d "$work/unzipped"
diff -r "$work/payload2" "$work/unzipped/$top" | grep -qvx "Only in $work/unzipped/$top: .portable" &&
  fail "the zip's files differ from the tree"
stamp "OK"
