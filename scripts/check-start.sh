#!/usr/bin/env bash
# Checks the README's start command the way a user meets it: `scripts/run.sh` without a display
# brings up the headless server, and with a display (a private Xvfb) the tray app, whose embedded
# server must answer /health too. CI runs it in the pristine roots after scripts/test.sh
# (docs/fresh-machine.md). Each wait is bounded; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-start: FAIL: $*" >&2; exit 1; }

# A port nobody listens on (the roots share the host's network).
free_port() {
  local p
  for p in $(seq 18700 18799); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  fail "no free port in 18700-18799"
}

# Waits until /health on $1 answers {"status":"ok"} while process $2 lives; $3 names the log.
wait_health() {
  local port=$1 pid=$2 log=$3 body=""
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "the process exited before /health answered"; }
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null || true)
    [[ $body == *'"status":"ok"'* ]] && return 0
    sleep 0.5
  done
  cat "$log" >&2
  fail "/health on port $port did not answer within 120 s"
}

stop() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
}

pids=()
trap 'for p in "${pids[@]}"; do stop "$p"; done' EXIT
logs=$(mktemp -d)

# 1. No display: the headless server.
port=$(free_port)
env -u DISPLAY -u WAYLAND_DISPLAY scripts/run.sh --port "$port" >"$logs/serve.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_health "$port" "$pid" "$logs/serve.log"
exe=$(readlink "/proc/$pid/exe")
[[ $exe == */qwen-proxy ]] || fail "without a display run.sh started $exe, not qwen-proxy"
grep -q "listening" "$logs/serve.log" || fail "the server printed no 'listening' line"
echo "check-start: headless server answers /health on port $port"
stop "$pid"

# 2. A display: the tray app (Xvfb picks a free display number itself).
command -v Xvfb >/dev/null || fail "Xvfb is missing (scripts/setup-deps.sh --test installs it)"
Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$logs/display" 2>"$logs/xvfb.log" &
pids+=("$!")
for _ in $(seq 1 40); do [[ -s $logs/display ]] && break; sleep 0.25; done
[[ -s $logs/display ]] || { cat "$logs/xvfb.log" >&2; fail "Xvfb did not start"; }
display=":$(head -1 "$logs/display")"
port=$(free_port)
DISPLAY=$display PORT=$port scripts/run.sh >"$logs/tray.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_health "$port" "$pid" "$logs/tray.log"
exe=$(readlink "/proc/$pid/exe")
[[ $exe == */qwen-proxy-tray ]] || fail "with a display run.sh started $exe, not qwen-proxy-tray"
echo "check-start: tray app on display $display answers /health on port $port"
stop "$pid"
