#!/usr/bin/env bash
# Quick start, first command: install what is missing, build, and launch MpyMemMap.
# With no board attached the app opens the bundled sample session.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")"
root="$PWD"
build-aux/setup.sh
# Run from the build tree as `meson devenv` does: the settings schema and the translations
# (MPY_LOCALE_DIR) come from _build, so `LANGUAGE=de ./run-app.sh` shows German. Files named
# on the command line are relative to where the script was started.
# LANGUAGE is ignored in the plain C/POSIX locale: use C.UTF-8 for messages then.
messages="${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}"
if [ -n "${LANGUAGE:-}" ] && { [ -z "$messages" ] || [ "$messages" = C ] || [ "$messages" = POSIX ]; }; then
  if [ -n "${LC_ALL:-}" ]; then export LC_ALL=C.UTF-8; else export LC_MESSAGES=C.UTF-8; fi
fi
run=(meson devenv -C "$root/_build" -w "$here" "$root/_build/src/app/mpymemmap")
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display; starting under Xvfb (screenshot with: import -window root shot.png)" >&2
  exec xvfb-run -a -s "-screen 0 1400x900x24" "${run[@]}" "$@"
fi
exec "${run[@]}" "$@"
