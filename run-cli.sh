#!/usr/bin/env bash
# ./run-cli.sh COMMAND ARGS… runs mpymemmap-cli from the build tree, as `meson devenv -C _build`
# does: the translations of _build are found, so `LANGUAGE=de ./run-cli.sh stats --help` is
# German. Builds first when _build is missing or stale (build output goes to stderr, so
# `./run-cli.sh stats --json FILE | jq` sees only the command's output). FILE arguments are
# relative to where the script was started.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")"
root="$PWD"
if [ ! -x "$root/_build/src/cli/mpymemmap-cli" ]; then
  build-aux/setup.sh >&2
else
  meson compile -C "$root/_build" >&2
fi
# LANGUAGE is ignored in the plain C/POSIX locale: use C.UTF-8 for messages then.
messages="${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}"
if [ -n "${LANGUAGE:-}" ] && { [ -z "$messages" ] || [ "$messages" = C ] || [ "$messages" = POSIX ]; }; then
  if [ -n "${LC_ALL:-}" ]; then export LC_ALL=C.UTF-8; else export LC_MESSAGES=C.UTF-8; fi
fi
exec meson devenv -C "$root/_build" -w "$here" mpymemmap-cli "$@"
