#!/usr/bin/env bash
# build-aux/setup.sh — installs the Debian 12 packages the build and the tests need (only the
# missing ones), then configures and builds into _build/. Used by run-app.sh and run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config gettext python3
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libcairo2-dev libserialport-dev libjson-glib-dev
  desktop-file-utils appstream libxml2-utils shared-mime-info
  xvfb xauth adwaita-icon-theme fonts-dejavu-core
  qemu-system-arm firmware-microbit-micropython socat ser2net libsoup-3.0-dev
  clang libclang-rt-14-dev valgrind
)

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

if [ ! -f _build/build.ninja ]; then
  meson setup _build
fi
meson compile -C _build
