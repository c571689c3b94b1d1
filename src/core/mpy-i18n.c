/* mpy-i18n.c — where the translations are found
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "mpy-i18n.h"

/**
 * mpy_i18n_get_locale_dir:
 *
 * Returns: the folder with the compiled catalogues: $MPY_LOCALE_DIR when set (run from the
 *   build tree: `meson devenv` and run-app.sh point it at the build's po/ folder), else
 *   the installed LOCALEDIR
 */
const char *
mpy_i18n_get_locale_dir (void)
{
  const char *dir = g_getenv ("MPY_LOCALE_DIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

/**
 * mpy_i18n_init:
 *
 * Binds the "mpymemmap" text domain (the app's, the CLI's and the core and device libraries'
 * messages) to mpy_i18n_get_locale_dir(), in UTF-8. Call after setlocale().
 */
void
mpy_i18n_init (void)
{
  bindtextdomain (GETTEXT_PACKAGE, mpy_i18n_get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}
