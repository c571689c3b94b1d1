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
# run-app.sh launches through meson devenv.
grep -q 'meson devenv -C' "$(dirname "$0")/../../run-app.sh"
echo "ok: translations and settings found from the build tree"
