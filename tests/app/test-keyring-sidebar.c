/* test-keyring-sidebar.c — the sidebar's keyring flow end to end, in real windows: connect to
 * a password-protected WebREPL from the sidebar and have its password saved; a new window
 * captures from it without asking; a saved password the board refuses is forgotten and the
 * dialog asks again, saying why
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the emulated micro:bit behind the WebREPL endpoint of tests/device, on 127.0.0.1,
 * and gnome-keyring's Secret Service on a private D-Bus session (meson's test wrapper).
 */

#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-device-sidebar.h"
#include "mpy-network-dialog.h"
#include "mpy-test-board.h"
#include "mpy-test-peers.h"
#include "mpy-window-testing.h"

#define PASSWORD "keyring-test-pw"

static MpyTestBoard *board;
static MpyApplication *app;

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

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
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

/* the dialog's "Remember password in the keyring" check button */
static GtkCheckButton *
find_check_button (GtkWidget *widget)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    return GTK_CHECK_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *found = find_check_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

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

static gboolean
lookup_done (gpointer data)
{
  return ((Lookup *) data)->done;
}

/* What the keyring holds for @address (it is written in the background: poll for @expected). */
static gboolean
keyring_becomes (const char *address,
                 const char *expected)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      Lookup lookup = { FALSE, NULL };
      gboolean same;

      mpy_network_keyring_lookup_async (address, NULL, lookup_cb, &lookup);
      g_assert_true (run_until (lookup_done, &lookup, 5000));
      same = g_strcmp0 (lookup.password, expected) == 0;
      g_free (lookup.password);
      if (same)
        return TRUE;
      run_for (50);
    }
  return FALSE;
}

/* A main window as the app opens one, on the board of the last session (GSettings, the memory
 * backend of this process). */
static MpyWindow *
open_window (void)
{
  MpyWindow *window = mpy_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  run_for (200);
  return window;
}

static void
close_window (MpyWindow *window)
{
  MpyNetworkDialog *dialog;

  while ((dialog = find_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

typedef struct
{
  MpyWindow *window;
  guint      n;
  gboolean   failed;
} Capture;

static void
board_state_cb (MpyBoard   *b,
                GParamSpec *pspec,
                Capture    *c)
{
  if (mpy_board_get_state (b) == MPY_BOARD_FAILED)
    c->failed = TRUE;
}

static gboolean
capture_ended (gpointer data)
{
  Capture *c = data;

  return c->failed || g_list_model_get_n_items (mpy_window_get_snapshots (c->window)) > c->n;
}

/* Capture (the window's action, as the button does): whether a snapshot came. */
static gboolean
capture (MpyWindow *window)
{
  MpyBoard *b = mpy_device_sidebar_get_board (mpy_window_get_device_sidebar (window));
  Capture c = { window, g_list_model_get_n_items (mpy_window_get_snapshots (window)), FALSE };
  gulong id = g_signal_connect (b, "notify::state", G_CALLBACK (board_state_cb), &c);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (capture_ended, &c, 30000));
  g_signal_handler_disconnect (b, id);
  run_for (50);
  return !c.failed;
}

static gboolean
board_has_password (gpointer data)
{
  return mpy_board_has_password (mpy_device_sidebar_get_board (mpy_window_get_device_sidebar (data)));
}

static void
test_saved_password (void)
{
  g_autoptr(GError) error = NULL;
  MpyTestPeer *peer = mpy_test_peer_start_webrepl (board->link, PASSWORD, NULL, &error);
  MpyWindow *window;
  MpyDeviceSidebar *sidebar;
  MpyNetworkDialog *dialog;
  GtkCheckButton *remember;

  g_assert_no_error (error);
  g_assert_true (mpy_network_keyring_available ());
  g_assert_true (keyring_becomes (peer->address, NULL));

  /* Connect from the sidebar, ticking "Remember password in the keyring". */
  window = open_window ();
  sidebar = mpy_window_get_device_sidebar (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), "sidebar.connect-network", NULL));
  g_assert_true (run_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();
  g_assert_null (mpy_network_dialog_get_notice (dialog));
  mpy_network_dialog_set_address (dialog, peer->address);
  mpy_network_dialog_set_password (dialog, PASSWORD);
  remember = find_check_button (GTK_WIDGET (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (remember)));
  gtk_check_button_set_active (remember, TRUE);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (capture (window));
  /* kept once the board accepted it */
  g_assert_true (keyring_becomes (peer->address, PASSWORD));
  close_window (window);

  /* A new window: the last board, its password from the keyring, captured without asking. */
  window = open_window ();
  g_assert_cmpstr (mpy_device_sidebar_get_path (mpy_window_get_device_sidebar (window)), ==, peer->address);
  g_assert_true (run_until (board_has_password, window, 10000));
  g_assert_true (capture (window));
  g_assert_null (mpy_window_get_error_message (window));
  g_assert_null (find_dialog ());
  close_window (window);

  /* The saved password is wrong now (changed on the board): the capture fails, the saved one
   * is forgotten, and the dialog asks again and says why. */
  mpy_network_keyring_store (peer->address, "not-the-password");
  g_assert_true (keyring_becomes (peer->address, "not-the-password"));
  window = open_window ();
  g_assert_true (run_until (board_has_password, window, 10000));
  g_assert_false (capture (window));
  g_assert_nonnull (mpy_window_get_error_message (window));
  g_assert_true (run_until (dialog_shown, NULL, 10000));
  dialog = find_dialog ();
  g_assert_cmpstr (mpy_network_dialog_get_address (dialog), ==, peer->address);
  g_assert_nonnull (mpy_network_dialog_get_notice (dialog));
  g_assert_nonnull (strstr (mpy_network_dialog_get_notice (dialog), "refused the password saved in the keyring"));
  g_assert_true (keyring_becomes (peer->address, NULL));

  /* The right one typed (and remembered again): captured. */
  mpy_network_dialog_set_password (dialog, PASSWORD);
  gtk_check_button_set_active (find_check_button (GTK_WIDGET (dialog)), TRUE);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (capture (window));
  g_assert_true (keyring_becomes (peer->address, PASSWORD));

  close_window (window);
  mpy_network_keyring_clear (peer->address);
  g_assert_true (keyring_becomes (peer->address, NULL));
  mpy_test_peer_stop (peer);
}

/* A typed password the board refuses: asked again, saying so. */
static void
test_wrong_typed_password (void)
{
  g_autoptr(GError) error = NULL;
  MpyTestPeer *peer = mpy_test_peer_start_webrepl (board->link, PASSWORD, NULL, &error);
  MpyWindow *window;
  MpyNetworkDialog *dialog;

  g_assert_no_error (error);
  window = open_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_device_sidebar (window)),
                                             "sidebar.connect-network", NULL));
  g_assert_true (run_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();
  mpy_network_dialog_set_address (dialog, peer->address);
  mpy_network_dialog_set_password (dialog, "wrong");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_false (capture (window));
  g_assert_true (run_until (dialog_shown, NULL, 10000));
  g_assert_nonnull (strstr (mpy_network_dialog_get_notice (find_dialog ()), "refused this password"));
  /* nothing was remembered */
  g_assert_true (keyring_becomes (peer->address, NULL));
  close_window (window);
  mpy_test_peer_stop (peer);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  board = mpy_test_board_start_qemu (&error);
  if (board == NULL)
    {
      g_printerr ("# the emulated micro:bit did not start: %s\n", error->message);
      g_test_add_func ("/app/keyring-sidebar/board", (GTestFunc) g_test_fail);
    }
  else
    {
      g_test_add_func ("/app/keyring-sidebar/saved-password", test_saved_password);
      g_test_add_func ("/app/keyring-sidebar/wrong-typed-password", test_wrong_typed_password);
    }
  status = g_test_run ();
  if (board != NULL)
    mpy_test_board_stop (board);
  g_clear_object (&app);
  return status;
}
