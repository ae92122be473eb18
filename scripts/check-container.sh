#!/usr/bin/env bash
# Proves the container image (packaging/docker/Dockerfile, docs/packaging.md "Container image"):
# builds it with podman from a Debian 12 minbase root made here (debootstrap from this machine's
# mirror, imported as the base and passed as BASE_IMAGE), checks its configuration (non-root
# user, /data volume, port, entrypoint and command, no Qt Widgets) and the size it adds to the base
# (< 250 MB), then runs its command with `podman run`, from its own file system as its own user:
#   no client key        -> exits non-zero with the one line that names `qwen-proxy keys create`;
#   QWEN_PROXY_API_KEYS  -> GET /health 200, GET /v1/models 401 without the key, 200 with it,
#                           the database written into the volume as the image's user.
# The key comes from the image itself (`keys create --print-only`), as the README shows.
#
#   scripts/check-container.sh          (needs root, like the other CI legs; network: the mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "check-container: needs root (debootstrap, podman)" >&2; exit 1; }
start=$(date +%s)
stamp() { echo "--- check-container: $* ($(($(date +%s) - start)) s)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

missing=()
for p in podman runc debootstrap curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "Installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

CACHE=${QP_ROOT_CACHE:-/var/cache/qwen-proxy}/container
RECIPE=1 # bump when the base root's recipe changes
base_tar=$CACHE/bookworm-minbase-v$RECIPE.tar
base_image=localhost/qwen-proxy-ci-base:bookworm-v$RECIPE
image=localhost/qwen-proxy:ci
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
mkdir -p "$CACHE"
work=$(mktemp -d)
name=qwen-proxy-ci-$$
volume=qwen-proxy-ci-data-$$
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# podman's settings for this check only, not the machine's. runc rather than crun: crun refuses
# a cgroup v1 machine whose v2 hierarchy has a controller ("hybrid mode"), as this one has. The
# limits: podman raises every container's open files and processes to values above this
# machine's hard limits, which only CAP_SYS_RESOURCE may do; these stay within them.
export CONTAINERS_CONF=$work/containers.conf
cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF

# The base: a Debian 12 minbase root from this machine's mirror, whose apt sources name that
# mirror, made once and kept. Imported once too, so its image id, and with it podman's cache of
# the build stage's package layer, stays the same from run to run.
if [[ ! -f "$base_tar" ]]; then
  stamp "making the base root (debootstrap minbase, once)"
  root=$work/base
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  chroot "$root" apt-get clean
  tar -C "$root" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
  podman rmi -f "$base_image" >/dev/null 2>&1 || true
fi
if ! podman image exists "$base_image"; then
  stamp "importing the base as $base_image"
  podman import -q "$base_tar" "$base_image" >/dev/null
fi

# The build context is the committed tree of HEAD, as a fresh clone has it.
stamp "podman build (packaging/docker/Dockerfile, BASE_IMAGE=$base_image)"
mkdir "$work/src"
git archive --format=tar HEAD | tar -C "$work/src" -xf -
build_start=$(date +%s)
# The build stage first, under a tag of its own: its layers (the build packages above all) stay
# cached for the next run, while the pruning below drops what earlier runs left untagged.
for target in build final; do
  args=(--target build -t localhost/qwen-proxy-ci-build:latest)
  [[ $target == build ]] || args=(-t "$image")
  nice podman build --layers -q "${args[@]}" -f "$work/src/packaging/docker/Dockerfile" \
    --build-arg BASE_IMAGE="$base_image" --build-arg CMAKE_BUILD_PARALLEL_LEVEL=2 \
    "$work/src" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; fail "podman build"; }
done
podman image prune -f >/dev/null
echo "build: $(($(date +%s) - build_start)) s"

stamp "image configuration"
cfg() { podman image inspect --format "$1" "$image"; }
[[ $(cfg '{{.Config.User}}') == 10001:10001 ]] || fail "the image runs as '$(cfg '{{.Config.User}}')'"
[[ $(cfg '{{json .Config.Entrypoint}}') == '["qwen-proxy"]' ]] || fail "entrypoint $(cfg '{{json .Config.Entrypoint}}')"
[[ $(cfg '{{json .Config.Cmd}}') == '["serve","--host","0.0.0.0","--port","8765"]' ]] ||
  fail "command $(cfg '{{json .Config.Cmd}}')"
[[ $(cfg '{{json .Config.Volumes}}') == '{"/data":{}}' ]] || fail "volumes $(cfg '{{json .Config.Volumes}}')"
[[ $(cfg '{{json .Config.ExposedPorts}}') == '{"8765/tcp":{}}' ]] || fail "ports $(cfg '{{json .Config.ExposedPorts}}')"
# Only what qwen-proxy needs: no Qt Widgets or Gui, no compiler, no apt lists.
leftovers=$(podman run --rm --entrypoint /bin/sh "$image" -c \
  'ls /usr/lib/x86_64-linux-gnu/libQt6Widgets* /usr/lib/x86_64-linux-gnu/libQt6Gui* /usr/bin/g++ \
     /usr/bin/cmake 2>/dev/null; ls /var/lib/apt/lists | grep -v -x -e lock -e partial; true')
[[ -z "$leftovers" ]] || fail "the image holds what the server does not need: $leftovers"
# What the upstreams' HTTPS needs at run time: Qt's OpenSSL backend, libssl and the CA bundle.
podman run --rm --entrypoint /bin/sh "$image" -c 'ls /usr/lib/x86_64-linux-gnu/qt6/plugins/tls/libqopensslbackend.so \
  /usr/lib/x86_64-linux-gnu/libssl.so.3 /etc/ssl/certs/ca-certificates.crt /usr/lib/x86_64-linux-gnu/qt6/plugins/sqldrivers/libqsqlite.so' \
  >/dev/null || fail "the image lacks the TLS backend, libssl, the CA bundle or the SQLite driver"
who=$(podman run --rm --entrypoint id "$image")
[[ $who == "uid=10001(qwen-proxy) gid=10001(qwen-proxy) groups=10001(qwen-proxy)" ]] ||
  fail "the image's user is '$who'"
echo "user: $who"

base_size=$(podman image inspect --format '{{.Size}}' "$base_image")
image_size=$(podman image inspect --format '{{.Size}}' "$image")
added=$(((image_size - base_size) / 1000000))
echo "size: image $((image_size / 1000000)) MB, base $((base_size / 1000000)) MB, added by the image $added MB (limit 250 MB)"
((added < 250)) || fail "the image adds $added MB to its base"

stamp "no client key: refuses to listen on 0.0.0.0"
set +e
out=$(timeout 60 podman run --rm "$image" 2>&1)
rc=$?
set -e
echo "$out"
echo "exit code $rc"
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "serve without a key exited with $rc"
# Its one line (a first start logs the new database's schema steps before it) is the last.
refusal=$(tail -1 <<<"$out")
[[ $refusal == "qwen-proxy: refusing to listen on 0.0.0.0 without a client key"* ]] ||
  fail "the last line is not the refusal: $refusal"
grep -q "'qwen-proxy keys create" <<<"$refusal" || fail "the refusal does not name 'qwen-proxy keys create'"
[[ $(grep -c refusing <<<"$out") -eq 1 ]] || fail "more than one refusal line"

stamp "with QWEN_PROXY_API_KEYS: /health, /v1/models"
key=$(podman run --rm "$image" keys create --print-only 2>/dev/null)
[[ $key =~ ^qpk_[A-Za-z0-9_-]+$ ]] || fail "keys create --print-only printed '$key'"
# Published on loopback only, as the README shows; the server sees the bridge's address, not
# loopback, so the key is required.
port=$((20000 + RANDOM % 20000))
podman run -d --name "$name" -p "127.0.0.1:$port:8765" -e QWEN_PROXY_API_KEYS="$key" \
  -v "$volume:/data" "$image" >/dev/null
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
for _ in $(seq 60); do
  [[ $(code "http://127.0.0.1:$port/health") == 200 ]] && break
  sleep 0.5
done
[[ $(code "http://127.0.0.1:$port/health") == 200 ]] ||
  { podman logs "$name" >&2; fail "GET /health did not answer 200"; }
echo "GET /health: 200"
got=$(code "http://127.0.0.1:$port/v1/models")
echo "GET /v1/models without a key: $got"
[[ $got == 401 ]] || { podman logs "$name" >&2; fail "/v1/models without a key answered $got"; }
got=$(code -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/models")
echo "GET /v1/models with the key: $got"
[[ $got == 200 ]] || { podman logs "$name" >&2; fail "/v1/models with the key answered $got"; }
got=$(code -H "Authorization: Bearer ${key}x" "http://127.0.0.1:$port/v1/models")
[[ $got == 401 ]] || fail "/v1/models with a wrong key answered $got"
podman stop -t 10 "$name" >/dev/null
rc=$(podman inspect --format '{{.State.ExitCode}}' "$name")
[[ $rc == 0 ]] || { podman logs "$name" >&2; fail "the server exited with $rc on SIGTERM"; }
echo "podman stop: exit code 0"
# The data stayed in the volume, private to the image's user.
owner=$(podman run --rm -v "$volume:/data" --entrypoint /bin/sh "$image" -c \
  'stat -c "%u %a" /data/share/qwen-proxy/qwen-proxy')
[[ $owner == "10001 700" ]] || fail "the data directory in the volume is '$owner', want '10001 700'"
echo "data directory in the volume: uid 10001, mode 0700"
stamp "OK"
