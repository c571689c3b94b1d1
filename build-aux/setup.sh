#!/usr/bin/env bash
# build-aux/setup.sh — installs the Debian 12 packages the build and the tests need (only the
# missing ones) and the test firmware from npm (tests/device/firmware: package.json and its lock
# file), then configures and builds into _build/. Used by run-app.sh and run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config gettext python3
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libepoxy-dev libcairo2-dev libserialport-dev libjson-glib-dev
  desktop-file-utils appstream libxml2-utils shared-mime-info
  xvfb xauth adwaita-icon-theme fonts-dejavu-core
  qemu-system-arm firmware-microbit-micropython socat ser2net libsoup-3.0-dev
  clang libclang-rt-14-dev valgrind
  libgif-dev
  libsecret-1-dev gnome-keyring dbus-daemon
)

# Node.js runs MicroPython's webassembly port for the device tests. A Node.js from elsewhere
# (e.g. one that bundles npm) is used as it is; Debian's own packages otherwise.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The firmware the device tests run (MicroPython 1.27 and 1.29 for webassembly), exactly as
# the lock file pins it; only when the lock file changed since the last install. Nothing is
# fetched while the tests run.
firmware=tests/device/firmware
if [ ! -f "$firmware/node_modules/.package-lock.json" ] \
   || [ "$firmware/package-lock.json" -nt "$firmware/node_modules/.package-lock.json" ]; then
  echo "setup: installing the test firmware (npm ci in $firmware)"
  (cd "$firmware" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -f _build/build.ninja ]; then
  meson setup _build
fi
meson compile -C _build
