#!/bin/sh
# check-devenv.sh BUILD_ROOT TEST_TRANSLATION — run from the build tree the way run-app.sh runs
# the app (`meson devenv`), with nothing set by hand: the German catalogue and the settings
# schema of the build tree are found.
#
# Copyright 2026 The MpyMemMap developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
build=$1
translation_test=$2
unset MPY_LOCALE_DIR GSETTINGS_SCHEMA_DIR || true

# Messages in German (test-translation asserts the German text, from MPY_LOCALE_DIR).
LANGUAGE=de LC_ALL=C.UTF-8 "${MPY_MESON:-meson}" devenv -C "$build" "$translation_test" \
  -p /data/translation/core-message-in-german
# The schema of the build tree.
"${MPY_MESON:-meson}" devenv -C "$build" gsettings list-keys com.example.MpyMemMap | grep -qx last-port
# The shell of `meson devenv` has the build's mpymemmap-cli on PATH (the README's CLI commands
# run as written there), and its help is German all through with LANGUAGE=de.
cli=$("${MPY_MESON:-meson}" devenv -C "$build" sh -c 'command -v mpymemmap-cli')
[ "$cli" = "$build/src/cli/mpymemmap-cli" ] || { echo "mpymemmap-cli on PATH is '$cli'" >&2; exit 1; }
help=$(LANGUAGE=de LC_ALL=C.UTF-8 "${MPY_MESON:-meson}" devenv -C "$build" mpymemmap-cli stats --help)
for german in 'Aufruf:' 'Hilfeoptionen:' 'Anwendungsoptionen:' 'Kennzahlen und Statistik'; do
  echo "$help" | grep -q "$german" || { echo "stats --help lacks '$german'" >&2; exit 1; }
done
for english in 'Usage:' 'Help Options' 'Application Options' 'Show help' 'figures and'; do
  if echo "$help" | grep -q "$english"; then echo "stats --help has '$english'" >&2; exit 1; fi
done
# run-app.sh and run-cli.sh launch through meson devenv.
[ -x "$(dirname "$0")/../../run-cli.sh" ]
grep -q 'meson devenv -C "$root/_build" -w "$here" mpymemmap-cli' "$(dirname "$0")/../../run-cli.sh"
grep -q 'meson devenv -C' "$(dirname "$0")/../../run-app.sh"
echo "ok: translations and settings found from the build tree"
