#!/bin/sh
# check-po.sh SOURCE_ROOT — the catalogue is complete and sound:
#  1. every source file with translatable strings is listed in po/POTFILES.in;
#  2. every string of those files has a German translation (not fuzzy) in po/de.po;
#  3. msgfmt --check accepts de.po (printf formats of msgid and msgstr agree).
#
# Copyright 2026 The MpyMemMap developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
status=0

# 1. Files with _( / N_( / C_( in C, translatable="yes" in .ui.
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
for f in $(grep -rlE '\b(N|C|NC)?_\(' --include='*.c' src) \
         $(grep -rl 'translatable="yes"' --include='*.ui' src); do
  if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
    echo "po/POTFILES.in lacks $f, which has translatable strings"
    status=1
  fi
done
for f in $listed; do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done

# 2. The strings as meson's glib preset extracts them, against de.po.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
  --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
  --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
  --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
  --flag=g_log:3:c-format --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
  --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format \
  --flag=g_snprintf:3:c-format \
  --files-from=po/POTFILES.in --directory="$src" --output="$tmp/mpymemmap.pot" 2>"$tmp/xgettext.log" \
  || { cat "$tmp/xgettext.log"; exit 1; }
if ! msgcmp po/de.po "$tmp/mpymemmap.pot" 2>"$tmp/msgcmp.log"; then
  echo "po/de.po does not translate every string (run: meson compile -C BUILD mpymemmap-update-po):"
  head -n 40 "$tmp/msgcmp.log"
  status=1
fi
if msgattrib --only-fuzzy po/de.po | grep -q '^msgid'; then
  echo "po/de.po has fuzzy entries:"
  msgattrib --only-fuzzy --no-obsolete po/de.po | head -n 20
  status=1
fi

# 3. Formats agree (a wrong %s in a translation crashes the program).
msgfmt --check --statistics -o /dev/null po/de.po || status=1

exit $status
