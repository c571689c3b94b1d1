/* test-network-board.c — the sidebar's network boards in a real window: "Connect to a
 * network board…", the WebREPL password asked and used, recently used boards
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the emulated micro:bit behind the WebREPL endpoint of tests/device, on 127.0.0.1.
 */

#include <string.h>

#include <gtk/gtk.h>

#include "mpy-device-sidebar.h"
#include "mpy-network-dialog.h"
#include "mpy-test-board.h"
#include "mpy-test-peers.h"

#define PASSWORD "app-test-pw"

static MpyTestBoard *board;

typedef struct
{
  GtkWindow        *window;
  MpyDeviceSidebar *sidebar;
  MpyTestPeer      *peer;
} Fixture;

static gboolean
flag_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_until (GSourceFunc cond,
           gpointer    data,
           guint       timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, flag_done, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* The network dialog on screen, if any. */
static MpyNetworkDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (MPY_IS_NETWORK_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return MPY_NETWORK_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
capture (Fixture  *fixture,
         GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  MpyBoard *b = mpy_device_sidebar_get_board (fixture->sidebar);

  mpy_board_capture_async (b, MPY_BOARD_CAPTURE_PLAIN, NULL, store_result, &result);
  g_assert_true (run_until (has_result, &result, 30000));
  return mpy_board_capture_finish (b, result, &snapshots, error);
}

/* the dialog's "Remember password in the keyring" check button */
static GtkCheckButton *
find_check_button (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_CHECK_BUTTON (widget))
    return GTK_CHECK_BUTTON (widget);
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *found = find_check_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->sidebar = MPY_DEVICE_SIDEBAR (mpy_device_sidebar_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->sidebar));
  gtk_window_present (fixture->window);
  fixture->peer = mpy_test_peer_start_webrepl (board->link, PASSWORD, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  MpyNetworkDialog *dialog;
  gboolean done = FALSE;

  while ((dialog = find_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (fixture->window);
  g_timeout_add (100, flag_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  mpy_test_peer_stop (fixture->peer);
}

/* "Connect to a network board…", address and password, Connect: the board is captured over
 * the WebREPL and goes to the top of the recent boards. */
static void
test_connect_dialog (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const *recent;
  MpyNetworkDialog *dialog;
  GtkCheckButton *remember;
  GtkWidget *connect;

  mpy_device_sidebar_set_recent_network_boards (fixture->sidebar,
                                                (const char *[]) { "socket://10.0.0.9:23", NULL });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->sidebar),
                                             "sidebar.connect-network", NULL));
  g_assert_true (run_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();

  /* no Connect for a serial path, nor for a WebREPL without its password */
  connect = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  mpy_network_dialog_set_address (dialog, "/dev/ttyACM0");
  g_assert_false (gtk_widget_get_sensitive (connect));
  mpy_network_dialog_set_address (dialog, fixture->peer->address);
  g_assert_false (gtk_widget_get_sensitive (connect));
  mpy_network_dialog_set_password (dialog, PASSWORD);
  g_assert_true (gtk_widget_get_sensitive (connect));

  /* "Remember password in the keyring": offered for a WebREPL only (and only with
   * libsecret), off unless the user ticks it */
  remember = find_check_button (GTK_WIDGET (dialog));
  g_assert_nonnull (remember);
  g_assert_false (gtk_check_button_get_active (remember));
  g_assert_false (mpy_network_dialog_get_remember_password (dialog));
#ifdef HAVE_LIBSECRET
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (remember)));
  g_assert_true (mpy_network_keyring_available ());
#else
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (remember)));
#endif
  mpy_network_dialog_set_address (dialog, "socket://10.0.0.9:23");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (remember)));
  gtk_check_button_set_active (remember, TRUE);
  g_assert_false (mpy_network_dialog_get_remember_password (dialog));
  gtk_check_button_set_active (remember, FALSE);
  mpy_network_dialog_set_address (dialog, fixture->peer->address);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_cmpstr (mpy_device_sidebar_get_path (fixture->sidebar), ==, fixture->peer->address);

  g_assert_true (capture (fixture, &error));
  g_assert_no_error (error);
  recent = mpy_device_sidebar_get_recent_network_boards (fixture->sidebar);
  g_assert_cmpstr (recent[0], ==, fixture->peer->address);
  g_assert_cmpstr (recent[1], ==, "socket://10.0.0.9:23");
  g_assert_null (recent[2]);
}

/* A WebREPL without a password (typed, or from the last session): the capture fails with
 * a message, and the password dialog opens for that address. */
static void
test_password_asked (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MpyNetworkDialog *dialog;

  mpy_device_sidebar_set_path (fixture->sidebar, fixture->peer->address);
  g_assert_false (capture (fixture, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (run_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();
  g_assert_cmpstr (mpy_network_dialog_get_address (dialog), ==, fixture->peer->address);

  /* a wrong one: refused, asked again */
  mpy_network_dialog_set_password (dialog, "wrong");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_false (capture (fixture, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "refused the WebREPL password"));
  g_clear_error (&error);
  g_assert_true (run_until (dialog_shown, NULL, 5000));

  mpy_network_dialog_set_password (find_dialog (), PASSWORD);
  gtk_dialog_response (GTK_DIALOG (find_dialog ()), GTK_RESPONSE_ACCEPT);
  g_assert_true (capture (fixture, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  board = mpy_test_board_start_qemu (&error);
  if (board == NULL)
    {
      g_printerr ("# the emulated micro:bit did not start: %s\n", error->message);
      g_test_add_func ("/app/network-board/board", (GTestFunc) g_test_fail);
    }
  else
    {
      g_test_add ("/app/network-board/connect-dialog", Fixture, NULL,
                  fixture_set_up, test_connect_dialog, fixture_tear_down);
      g_test_add ("/app/network-board/password-asked", Fixture, NULL,
                  fixture_set_up, test_password_asked, fixture_tear_down);
    }
  status = g_test_run ();
  mpy_test_board_stop (board);
  return status;
}
