#!/usr/bin/env bash
# Quick start, first command: install what is missing, build, and launch MpyMemMap.
# With no board attached the app opens the bundled sample session.
set -euo pipefail
cd "$(dirname "$0")"
build-aux/setup.sh
# Run from the build tree: the app's settings schema and translations live there.
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display; starting under Xvfb (screenshot with: import -window root shot.png)" >&2
  exec xvfb-run -a -s "-screen 0 1400x900x24" _build/src/app/mpymemmap "$@"
fi
exec _build/src/app/mpymemmap "$@"
