#!/bin/sh
# Authenticode-signs Windows files in place with osslsigncode: the deployed .exe and .dll files
# before they are packed, and (through qwen-proxy.nsi's !uninstfinalize and !finalize, with
# -DSIGN) the uninstaller and the installer. The certificate comes from the environment, so it
# never enters a command line or the repository:
#   QP_SIGN_PKCS12    path of a .pfx/.p12 holding the certificate and its key
#   QP_SIGN_PASSWORD  its password (may be empty)
#   QP_SIGN_TIMESTAMP RFC 3161 time-stamp URL (optional; without it a signature ends with the
#                     certificate)
#
#   sign.sh FILE...
set -eu
[ -n "${QP_SIGN_PKCS12:-}" ] || { echo "sign.sh: QP_SIGN_PKCS12 is not set" >&2; exit 1; }
for f in "$@"; do
  set -- -pkcs12 "$QP_SIGN_PKCS12" -pass "${QP_SIGN_PASSWORD:-}" -h sha256 -n "Qwen Proxy" \
    -i "https://github.com/qwenproxy/qwen-proxy"
  [ -z "${QP_SIGN_TIMESTAMP:-}" ] || set -- "$@" -ts "$QP_SIGN_TIMESTAMP"
  osslsigncode sign "$@" -in "$f" -out "$f.signed" >/dev/null
  mv -f "$f.signed" "$f"
done
