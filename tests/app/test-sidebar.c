/* test-sidebar.c — the device sidebar shows its board truthfully (suite 'app', under Xvfb)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "mpy-device-sidebar-private.h"

#ifdef HAVE_DEVICE

/* A board that never says a word: a pty whose other end nobody reads or writes. */
typedef struct
{
  int   master;
  int   slave;
  char *name;
} SilentBoard;

static SilentBoard *
silent_board_new (void)
{
  SilentBoard *board = g_new0 (SilentBoard, 1);
  struct termios tio;

  board->master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (board->master, >=, 0);
  g_assert_cmpint (grantpt (board->master), ==, 0);
  g_assert_cmpint (unlockpt (board->master), ==, 0);
  board->name = g_strdup (ptsname (board->master));
  /* One end of the slave stays open and raw, so the pty lives between opens. */
  board->slave = open (board->name, O_RDWR | O_NOCTTY);
  g_assert_cmpint (board->slave, >=, 0);
  g_assert_cmpint (tcgetattr (board->slave, &tio), ==, 0);
  cfmakeraw (&tio);
  g_assert_cmpint (tcsetattr (board->slave, TCSANOW, &tio), ==, 0);
  return board;
}

static void
silent_board_free (SilentBoard *board)
{
  close (board->slave);
  close (board->master);
  g_free (board->name);
  g_free (board);
}

static gboolean
flag_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Iterates until @cond holds, at most @ms. */
static gboolean
run_until (GSourceFunc cond,
           gpointer    data,
           guint       ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, flag_done, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

static gboolean
not_busy (gpointer data)
{
  return !mpy_device_sidebar_get_busy (data);
}

/* Every text the status line showed while the test ran. */
static void
record_status (GtkLabel   *label,
               GParamSpec *pspec,
               GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (gtk_label_get_text (label)));
}

static gboolean
seen_text (GPtrArray  *seen,
           const char *text)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_strcmp0 (g_ptr_array_index (seen, i), text) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWindow        *window;
  MpyDeviceSidebar *sidebar;
  GtkLabel         *status;
  GPtrArray        *seen;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->sidebar = MPY_DEVICE_SIDEBAR (mpy_device_sidebar_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->sidebar));
  gtk_window_present (fixture->window);
  fixture->status = mpy_device_sidebar_get_status_label (fixture->sidebar);
  fixture->seen = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->status, "notify::label", G_CALLBACK (record_status), fixture->seen);
  mpy_board_set_connect_timeout (mpy_device_sidebar_get_board (fixture->sidebar), 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->status, fixture->seen);
  gtk_window_destroy (fixture->window);
  run_for (100);
  g_ptr_array_unref (fixture->seen);
}

static void
test_failed_connect (Fixture       *fixture,
                     gconstpointer  data)
{
  SilentBoard *board = silent_board_new ();
  MpyBoard *mpy_board = mpy_device_sidebar_get_board (fixture->sidebar);

  /* Run on board against a board that never answers: the port opens, the raw REPL is never
   * reached. The status line says so and never claimed a ready board on the way. */
  mpy_device_sidebar_set_path (fixture->sidebar, board->name);
  g_assert_cmpstr (mpy_board_get_address (mpy_board), ==, board->name);
  mpy_device_sidebar_run (fixture->sidebar, "x = 1");
  g_assert_true (mpy_device_sidebar_get_busy (fixture->sidebar));
  g_assert_true (run_until (not_busy, fixture->sidebar, 10000));

  g_assert_cmpint (mpy_board_get_state (mpy_board), ==, MPY_BOARD_FAILED);
  g_assert_cmpstr (gtk_label_get_text (fixture->status), ==, _("Not connected: the last attempt failed"));
  g_assert_false (seen_text (fixture->seen, _("Connected, raw REPL ready")));
  g_assert_true (seen_text (fixture->seen, _("Running…")));

  silent_board_free (board);
}

static gboolean
cancel_cb (gpointer data)
{
  mpy_device_sidebar_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancelled_connect (Fixture       *fixture,
                        gconstpointer  data)
{
  SilentBoard *board = silent_board_new ();
  MpyBoard *mpy_board = mpy_device_sidebar_get_board (fixture->sidebar);

  /* Cancel while it waits for the banner: not connected, and it never said it was. */
  mpy_board_set_connect_timeout (mpy_board, 20000);
  mpy_device_sidebar_set_path (fixture->sidebar, board->name);
  mpy_device_sidebar_run (fixture->sidebar, "x = 1");
  g_timeout_add (300, cancel_cb, fixture->sidebar);
  g_assert_true (run_until (not_busy, fixture->sidebar, 10000));

  g_assert_cmpint (mpy_board_get_state (mpy_board), ==, MPY_BOARD_DISCONNECTED);
  g_assert_cmpstr (gtk_label_get_text (fixture->status), ==, _("Not connected"));
  g_assert_false (seen_text (fixture->seen, _("Connected, raw REPL ready")));

  silent_board_free (board);
}

static void
test_board_settings_shown (Fixture       *fixture,
                           gconstpointer  data)
{
  MpyBoard *board = mpy_device_sidebar_get_board (fixture->sidebar);

  /* The window restores settings on the board: the widgets follow, and back. */
  mpy_board_set_address (board, "/dev/ttyACM3");
  mpy_board_set_baud (board, 9600);
  mpy_board_set_lines (board, MPY_LINE_OFF, MPY_LINE_ON);
  g_assert_cmpstr (mpy_device_sidebar_get_path (fixture->sidebar), ==, "/dev/ttyACM3");
  g_assert_cmpuint (mpy_device_sidebar_get_baud (fixture->sidebar), ==, 9600);
  g_assert_cmpuint (mpy_device_sidebar_get_dtr (fixture->sidebar), ==, MPY_LINE_OFF);
  g_assert_cmpuint (mpy_device_sidebar_get_rts (fixture->sidebar), ==, MPY_LINE_ON);

  mpy_device_sidebar_set_path (fixture->sidebar, "/dev/ttyUSB0");
  mpy_device_sidebar_set_baud (fixture->sidebar, 57600);
  mpy_device_sidebar_set_lines (fixture->sidebar, MPY_LINE_DEFAULT, MPY_LINE_OFF);
  g_assert_cmpstr (mpy_board_get_address (board), ==, "/dev/ttyUSB0");
  g_assert_cmpuint (mpy_board_get_baud (board), ==, 57600);
  g_assert_cmpint (mpy_board_get_dtr (board), ==, MPY_LINE_DEFAULT);
  g_assert_cmpint (mpy_board_get_rts (board), ==, MPY_LINE_OFF);
  g_assert_cmpstr (gtk_label_get_text (fixture->status), ==, _("Not connected"));
}

#endif /* HAVE_DEVICE */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

#ifdef HAVE_DEVICE
  g_test_add ("/app/sidebar/failed-connect-never-says-ready", Fixture, NULL,
              fixture_set_up, test_failed_connect, fixture_tear_down);
  g_test_add ("/app/sidebar/cancelled-connect-never-says-ready", Fixture, NULL,
              fixture_set_up, test_cancelled_connect, fixture_tear_down);
  g_test_add ("/app/sidebar/board-settings-shown", Fixture, NULL,
              fixture_set_up, test_board_settings_shown, fixture_tear_down);
#endif

  return g_test_run ();
}
