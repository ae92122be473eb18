#!/usr/bin/env bash
# The command line and its docs cannot drift: every command `qwen-proxy help` lists under
# "Commands:" must be a COMMANDS entry of qwen-proxy(1) and be completed by bash, zsh and fish,
# and none of them may offer a command the program does not have. The man pages must render
# without groff warnings, and each completion script must parse in its shell (a shell that is
# not installed is skipped, unless QP_REQUIRE_SHELLS=1, as scripts/check-package.sh sets).
#
# With the tray binary too, every option of `qwen-proxy-tray --help` must be in qwen-proxy-tray(1)
# and in the three completions.
#
#   tests/packaging/check-commands.sh QWEN_PROXY_BINARY [SOURCE_DIR [QWEN_PROXY_TRAY_BINARY]]
set -euo pipefail
bin=$1
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
tray=${3:-}
linux=$src/packaging/linux
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# The "Commands:" block: from that line to the next empty one, "  name  summary".
mapfile -t cmds < <("$bin" help | sed -n '/^Commands:$/,/^$/{s/^  \([a-z][a-z-]*\) .*/\1/p}')
[[ ${#cmds[@]} -ge 5 ]] || { echo "FAIL: 'qwen-proxy help' lists ${#cmds[@]} commands" >&2; exit 1; }
echo "commands: ${cmds[*]}"
want=$(printf '%s\n' "${cmds[@]}" | sort)

# qwen-proxy(1): each command is a ".TP" item whose tag is ".B name" in the COMMANDS section.
man_cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$linux/man/qwen-proxy.1" | grep -A1 '^\.TP' |
  sed -n 's/^\.B \([a-z-]*\)$/\1/p' | sort)
[[ "$man_cmds" == "$want" ]] || bad "qwen-proxy.1 COMMANDS: $(echo $man_cmds) (want $(echo $want))"

# bash: the word list completed for the first argument.
bash_cmds=$(sed -n 's/^ *local commands="\(.*\)"$/\1/p' "$linux/completions/qwen-proxy.bash" |
  tr ' ' '\n' | sort)
[[ "$bash_cmds" == "$want" ]] || bad "bash completion: $(echo $bash_cmds) (want $(echo $want))"

# zsh: the 'name:description' entries of the commands array.
zsh_cmds=$(sed -n "/^  commands=(/,/^  )/s/^ *'\([a-z-]*\):.*/\1/p" "$linux/completions/_qwen-proxy" | sort)
[[ "$zsh_cmds" == "$want" ]] || bad "zsh completion: $(echo $zsh_cmds) (want $(echo $want))"

# fish: the commands offered while no command has been typed yet.
fish_cmds=$(sed -n 's/.*-n "not __fish_seen_subcommand_from $commands" -a \([a-z-]*\) .*/\1/p' \
  "$linux/completions/qwen-proxy.fish" | sort)
[[ "$fish_cmds" == "$want" ]] || bad "fish completion: $(echo $fish_cmds) (want $(echo $want))"

if [[ -n "$tray" ]]; then
  mapfile -t opts < <("$tray" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
  [[ ${#opts[@]} -ge 3 ]] || bad "'qwen-proxy-tray --help' lists ${#opts[@]} options"
  echo "tray options: ${opts[*]}"
  bash_tray=$(sed -n '/^_qwen_proxy_tray()/,/^}/p' "$linux/completions/qwen-proxy.bash")
  zsh_tray=$(sed -n '/qwen-proxy-tray ]]; then/,/return/p' "$linux/completions/_qwen-proxy")
  for o in "${opts[@]}"; do
    grep -qF -- "${o//-/\\-}" "$linux/man/qwen-proxy-tray.1" || bad "qwen-proxy-tray.1 lacks $o"
    grep -qw -- "$o" <<<"$bash_tray" || bad "bash completion of qwen-proxy-tray lacks $o"
    grep -qF -- "'$o[" <<<"$zsh_tray" || bad "zsh completion of qwen-proxy-tray lacks $o"
    grep -qF -- "-l ${o#--} " "$linux/completions/qwen-proxy-tray.fish" ||
      bad "fish completion of qwen-proxy-tray lacks $o"
  done
fi

# Each script must parse in its own shell.
check_parse() {
  local shell=$1 file=$2
  if ! command -v "$shell" >/dev/null; then
    [[ "${QP_REQUIRE_SHELLS:-0}" == 1 ]] && bad "$shell is not installed" ||
      echo "skip: $shell is not installed"
    return
  fi
  local out
  out=$("$shell" -n "$file" 2>&1) || bad "$shell -n $file: $out"
  [[ -z "$out" ]] || bad "$shell -n $file: $out"
}
check_parse bash "$linux/completions/qwen-proxy.bash"
check_parse zsh "$linux/completions/_qwen-proxy"
check_parse fish "$linux/completions/qwen-proxy.fish"
check_parse fish "$linux/completions/qwen-proxy-tray.fish"

# Man pages: no groff warnings (-ww: all of them), as Debian's man and lintian render them.
if command -v groff >/dev/null; then
  for page in "$linux"/man/*.1; do
    out=$(groff -man -ww -z -Tutf8 "$page" 2>&1) || bad "groff $page failed"
    [[ -z "$out" ]] || bad "groff warnings in $page: $out"
  done
elif [[ "${QP_REQUIRE_SHELLS:-0}" == 1 ]]; then
  bad "groff is not installed"
fi

[[ $fail -eq 0 ]] && echo "check-commands: OK"
exit $fail
