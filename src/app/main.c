/* main.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>

#include <glib/gi18n.h>

#include "mpy-application.h"
#include "mpy-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MpyApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* The installed catalogues, or the build tree's when run from there (MPY_LOCALE_DIR). */
  mpy_i18n_init ();
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("MpyMemMap");

  app = mpy_application_new (G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
