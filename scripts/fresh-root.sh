#!/usr/bin/env bash
# Runs a command the way a new user would meet this repository: in a pristine Debian root
# (debootstrap minbase plus only sudo, git, curl and ca-certificates), as an ordinary user with
# sudo, in a copy of the committed source tree (HEAD). Nothing else is installed, so every package the command needs
# must come through scripts/setup-deps.sh; a package missing from its list fails here even when the
# host has it (docs/fresh-machine.md).
#
#   scripts/fresh-root.sh bookworm|trixie COMMAND...     (needs root: debootstrap, chroot, mounts)
#
# QP_ROOT_SHARE=DIR mounts that host directory at ~/share in the root: how a .deb built in one
# root reaches the host and another root (scripts/check-package.sh).
#
# QP_CCACHE=1 (CI) installs ccache in the root, outside setup-deps.sh, and keeps its cache in
# $QP_ROOT_CACHE/ccache-<suite> across runs, so an unchanged file is not compiled again. It cannot
# hide a missing package: on a miss ccache runs the real compiler, and every hit was checked
# against the headers the root has now, so a header that is not installed fails as before
# (docs/fresh-machine.md).
#
# The pristine root is made once per suite and kept as a tarball in $QP_ROOT_CACHE
# (/var/cache/qwen-proxy); every run unpacks a new copy, so no run sees what an earlier one
# installed. Downloaded .debs and npm tarballs are cached across runs: that saves the download,
# not the install, so the package list is still what is proved.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "fresh-root: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
[[ $# -ge 2 ]] || { echo "usage: scripts/fresh-root.sh bookworm|trixie COMMAND..." >&2; exit 2; }
suite=$1
shift
case "$suite" in bookworm | trixie) ;; *) echo "fresh-root: unknown suite '$suite'" >&2; exit 2 ;; esac

CACHE=${QP_ROOT_CACHE:-/var/cache/qwen-proxy}
RECIPE=1 # bump when the pristine root's recipe changes, so cached tarballs are remade
tarball="$CACHE/$suite-pristine-v$RECIPE.tar"
# QP_ROOT_NAME gives a check a root directory of its own, so it does not first have to delete the
# big one an earlier check left (scripts/check-package.sh: minutes saved on a loaded machine).
root="$CACHE/run-$suite${QP_ROOT_NAME:+-$QP_ROOT_NAME}"
user=dev
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
mkdir -p "$CACHE/apt-$suite" "$CACHE/npm"

stamp() { echo "--- fresh-root $suite: $* ($(date +%T))" >&2; }

unmount_all() {
  local m
  # Deepest first; lazily, so a process that outlived its command cannot keep a mount busy.
  for m in $(findmnt -rn -o TARGET | grep -F "$root/" | sort -r); do umount -l "$m" 2>/dev/null || true; done
}

if [[ ! -f "$tarball" ]]; then
  command -v debootstrap >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  stamp "making the pristine root (debootstrap, once)"
  build="$CACHE/make-$suite"
  rm -rf "$build"
  debootstrap --variant=minbase --include=sudo,git,curl,ca-certificates "$suite" "$build" "$MIRROR" \
    >"$CACHE/debootstrap-$suite.log" 2>&1 || { tail -20 "$CACHE/debootstrap-$suite.log" >&2; exit 1; }
  chroot "$build" useradd --create-home --shell /bin/bash "$user"
  echo "$user ALL=(ALL) NOPASSWD:ALL" >"$build/etc/sudoers.d/$user"
  chmod 0440 "$build/etc/sudoers.d/$user"
  chroot "$build" apt-get clean
  tar -C "$build" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$build"
fi

trap unmount_all EXIT
unmount_all
rm -rf "$root"
mkdir -p "$root"
stamp "unpacking a fresh copy"
tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
mount --bind "$CACHE/apt-$suite" "$root/var/cache/apt/archives"
mkdir -p "$root/home/$user/.npm"
mount --bind "$CACHE/npm" "$root/home/$user/.npm"
root_env=()
if [[ -n "${QP_CCACHE:-}" ]]; then
  mkdir -p "$CACHE/ccache-$suite" "$root/home/$user/.cache/ccache"
  mount --bind "$CACHE/ccache-$suite" "$root/home/$user/.cache/ccache"
  root_env=(CCACHE_DIR="/home/$user/.cache/ccache" CCACHE_MAXSIZE=3G
    CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [[ -n "${QP_ROOT_SHARE:-}" ]]; then
  mkdir -p "$QP_ROOT_SHARE" "$root/home/$user/share"
  mount --bind "$QP_ROOT_SHARE" "$root/home/$user/share"
fi
for f in resolv.conf hosts hostname; do cp "/etc/$f" "$root/etc/$f" 2>/dev/null || true; done
# The machine's own network trust (a site CA for its egress proxy, say) is part of the machine,
# not of the project: carry it over so apt, git and npm reach their registries as on the host.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
fi

if [[ -n "${QP_CCACHE:-}" ]]; then
  stamp "installing ccache (CI's compiler cache, not a project dependency)"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  chroot "$root" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends ccache >/dev/null
fi

# The source as a fresh clone has it: the committed tree of HEAD, nothing built, nothing local.
src="/home/$user/qwen-proxy"
mkdir -p "$root$src"
git archive --format=tar HEAD | tar -C "$root$src" -xf -
chroot "$root" chown -R "$user:$user" "/home/$user"

stamp "running as $user: $*"
# A clean environment, as a login shell on a new machine would have it; CI's variables stay out.
chroot "$root" /usr/sbin/runuser -u "$user" -- env -i HOME="/home/$user" USER="$user" LOGNAME="$user" \
  PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM=dumb \
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "${root_env[@]}" ${QP_ROOT_ENV:-} \
  bash -c 'cd "$1" && shift && "$@"' fresh-root "$src" "$@"
