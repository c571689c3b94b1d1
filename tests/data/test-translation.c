/* test-translation.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Run with LANGUAGE=de (and a non-C locale such as C.UTF-8): messages of the core library
 * come out in German from the catalogue built into the build tree (MPY_LOCALE_DIR). */

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-i18n.h"
#include "mpy-session.h"

static void
test_core_message_in_german (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = mpy_session_read_text ("# MpyMemMap session 9\n", -1, &error);

  g_assert_null (back);
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION);
  g_test_message ("%s", error->message);
  /* The German sentence, with the numbers filled in, and no English left. */
  g_assert_nonnull (strstr (error->message, "neueren MpyMemMap"));
  g_assert_nonnull (strstr (error->message, "9"));
  g_assert_null (strstr (error->message, "newer"));
}

static void
test_english_without_language (void)
{
  /* Without a catalogue for the language the original text is used. */
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) back = NULL;

      g_setenv ("LANGUAGE", "xx", TRUE);
      setlocale (LC_ALL, "");
      back = mpy_session_read_text ("# MpyMemMap session 9\n", -1, &error);
      g_assert_nonnull (error);
      g_printerr ("%s\n", error->message);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*written by a newer MpyMemMap (format 9)*");
}

int
main (int   argc,
      char *argv[])
{
  const char *locale_dir = g_getenv ("MPY_LOCALE_DIR");

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  /* Set by the test (or by `meson devenv`, as run-app.sh runs the app): the app and the CLI
   * bind the domain to it the same way. */
  g_assert_nonnull (locale_dir);
  mpy_i18n_init ();
  g_assert_cmpstr (mpy_i18n_get_locale_dir (), ==, locale_dir);

  g_test_add_func ("/data/translation/core-message-in-german", test_core_message_in_german);
  g_test_add_func ("/data/translation/english-without-catalogue", test_english_without_language);

  return g_test_run ();
}
