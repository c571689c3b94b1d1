/* test-leak-dialog.c — the Leak check window against the emulated micro:bit
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gtk/gtk.h>

#include "mpy-leak-dialog.h"
#include "mpy-test-board.h"

static MpyTestBoard *microbit;
static char *microbit_error;

static gboolean
flag_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
flag_finished (MpyLeakDialog *dialog,
               gboolean      *finished)
{
  *finished = TRUE;
}

/* Runs a check in the window and waits (bounded) for its end. */
static void
check (MpyLeakDialog *dialog,
       const char    *setup,
       const char    *code)
{
  gboolean finished = FALSE, timed_out = FALSE;
  gulong id = g_signal_connect (dialog, "finished", G_CALLBACK (flag_finished), &finished);
  guint timeout = g_timeout_add_seconds (60, flag_timed_out, &timed_out);

  mpy_leak_dialog_set_code (dialog, setup, code, 5);
  mpy_leak_dialog_start (dialog);
  while (!finished && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("the leak check did not end within 60 s");
  g_source_remove (timeout);
  g_signal_handler_disconnect (dialog, id);
}

/* The window's verdicts are the CLI's: L.append(bytearray(40)) leaks about 64 B per run,
 * x=bytearray(40) does not; the board did the sequencing (baseline + one capture per run). */
static void
test_leak_dialog_verdicts (void)
{
  g_autoptr(MpyBoard) board = NULL;
  GtkWidget *dialog;
  const MpyLeakReport *report;

  if (microbit == NULL)
    {
      g_test_fail_printf ("the emulated micro:bit did not start: %s", microbit_error);
      return;
    }
  board = mpy_board_new (microbit->link);
  mpy_board_set_connect_timeout (board, 10000);
  dialog = mpy_leak_dialog_new (NULL, board);
  gtk_window_present (GTK_WINDOW (dialog));

  check (MPY_LEAK_DIALOG (dialog), "L=[]", "L.append(bytearray(40))");
  report = mpy_leak_dialog_get_report (MPY_LEAK_DIALOG (dialog));
  g_assert_nonnull (report);
  g_assert_cmpuint (mpy_leak_dialog_get_snapshots (MPY_LEAK_DIALOG (dialog))->len, ==, 6);
  g_assert_true (report->leaking);
  g_assert_cmpfloat (report->growth_bytes_per_run, >=, 64);
  g_assert_cmpfloat (report->growth_bytes_per_run, <, 96);
  g_assert_cmpuint (report->survivors->len, >=, 3);
  g_assert_true (g_str_has_prefix (mpy_leak_dialog_get_result_text (MPY_LEAK_DIALOG (dialog)), "Leaking"));

  check (MPY_LEAK_DIALOG (dialog), "x=None", "x=bytearray(40)");
  report = mpy_leak_dialog_get_report (MPY_LEAK_DIALOG (dialog));
  g_assert_nonnull (report);
  g_assert_false (report->leaking);
  g_assert_cmpfloat (report->growth_bytes_per_run, ==, 0);
  g_assert_cmpuint (report->survivors->len, ==, 0);
  g_assert_true (g_str_has_prefix (mpy_leak_dialog_get_result_text (MPY_LEAK_DIALOG (dialog)), "Not leaking"));

  /* a traceback is the answer, not a hang */
  check (MPY_LEAK_DIALOG (dialog), "", "undefined_name.append(1)");
  g_assert_null (mpy_leak_dialog_get_report (MPY_LEAK_DIALOG (dialog)));
  g_assert_nonnull (g_strstr_len (mpy_leak_dialog_get_result_text (MPY_LEAK_DIALOG (dialog)), -1, "NameError"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  mpy_board_disconnect (board);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);

  microbit = mpy_test_board_start_qemu (&error);
  if (microbit == NULL)
    microbit_error = g_strdup (error->message);
  g_test_add_func ("/app/leak-dialog/verdicts", test_leak_dialog_verdicts);

  ret = g_test_run ();
  mpy_test_board_stop (microbit);
  g_free (microbit_error);
  return ret;
}
