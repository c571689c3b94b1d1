/* test-keyring.c — WebREPL passwords in a real keyring (gnome-keyring's Secret Service on a
 * private D-Bus session started by meson's test wrapper): stored by address, found again,
 * not found for another address, forgotten when cleared
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gtk/gtk.h>

#include "mpy-network-dialog.h"

#define ADDRESS "ws://127.0.0.1:8266"

typedef struct
{
  gboolean  done;
  char     *password;
} Lookup;

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->password = mpy_network_keyring_lookup_finish (result, &error);
  g_assert_no_error (error);
  lookup->done = TRUE;
}

/* the password remembered for @address, waited for at most 5 s */
static char *
look_up (const char *address)
{
  Lookup lookup = { FALSE, NULL };
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  mpy_network_keyring_lookup_async (address, NULL, lookup_cb, &lookup);
  while (!lookup.done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (lookup.done);
  return lookup.password;
}

/* the store and clear run in the background: poll until the keyring shows @expected */
static gboolean
becomes (const char *expected)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *password = look_up (ADDRESS);

      if (g_strcmp0 (password, expected) == 0)
        return TRUE;
      g_usleep (20000);
    }
  return FALSE;
}

static void
test_store_lookup_clear (void)
{
  g_autofree char *none = look_up (ADDRESS);
  g_autofree char *other = NULL;

  g_assert_true (mpy_network_keyring_available ());
  g_assert_null (none);

  mpy_network_keyring_store (ADDRESS, "secret-pw");
  g_assert_true (becomes ("secret-pw"));
  other = look_up ("ws://127.0.0.2:8266");
  g_assert_null (other);

  /* a refused password is forgotten */
  mpy_network_keyring_clear (ADDRESS);
  g_assert_true (becomes (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/keyring/store-lookup-clear", test_store_lookup_clear);
  return g_test_run ();
}
