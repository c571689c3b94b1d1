/* test-leak-dialog.c — the Leak check window against the emulated micro:bit
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-cost-dialog.h"
#include "mpy-heap-view.h"
#include "mpy-leak-dialog.h"
#include "mpy-window.h"
#include "mpy-window-testing.h"
#include "mpy-test-board.h"

static MpyTestBoard *microbit;
static char *microbit_error;
/* One board for every test, as the app has (its sidebar's): a port is not opened twice. */
static MpyBoard *board;

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
 * x=bytearray(40) does not; the board did the sequencing (baseline + one capture per run).
 * The captures go into the main window's document, the last one shown with the survivors
 * outlined on the canvas. */
static void
test_leak_dialog_verdicts (void)
{
  g_autoptr(GtkApplication) app = NULL;
  MpyWindow *window;
  GtkWidget *dialog;
  const MpyLeakReport *report;
  MpyHeapView *view;
  GListModel *list;
  guint n_before;

  if (microbit == NULL)
    {
      g_test_fail_printf ("the emulated micro:bit did not start: %s", microbit_error);
      return;
    }
  app = GTK_APPLICATION (mpy_application_new (G_APPLICATION_NON_UNIQUE));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  window = mpy_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  view = MPY_HEAP_VIEW (mpy_window_get_heap_view (window));
  list = mpy_document_get_snapshots (mpy_window_get_document (window));
  n_before = g_list_model_get_n_items (list);
  dialog = mpy_leak_dialog_new (GTK_WINDOW (window), board);
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
  /* the baseline and the 5 runs are in the document (the untouched sample, if any, made
   * way), the last run on the canvas with every survivor outlined */
  g_assert_cmpuint (g_list_model_get_n_items (list), >=, 6);
  g_assert_cmpuint (g_list_model_get_n_items (list), <=, n_before + 6);
  g_assert_nonnull (mpy_heap_view_get_snapshot (view));
  g_assert_true (g_str_has_suffix (mpy_snapshot_get_label (mpy_heap_view_get_snapshot (view)), "leak check run 5"));
  g_assert_cmpuint (mpy_heap_view_get_n_outline_objects (view), ==, report->survivors->len);

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
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, flag_timed_out, &timed_out);

  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("no result from the board within 60 s");
  g_source_remove (id);
  return *slot;
}

static MpySnapshot *
board_capture (MpyBoard        *board,
               MpyBoardCapture  kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  mpy_board_capture_async (board, kind, NULL, store_result, &result);
  g_assert_true (mpy_board_capture_finish (board, wait_result (&result), &snapshots, &error));
  g_assert_no_error (error);
  return mpy_snapshot_ref (g_ptr_array_index (snapshots, 0));
}

static void
board_exec (MpyBoard   *board,
            const char *code)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  mpy_board_exec_async (board, code, NULL, store_result, &result);
  g_assert_true (mpy_board_exec_finish (board, wait_result (&result), &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
}

static void
measure (MpyCostDialog *dialog,
         const char    *module)
{
  gboolean finished = FALSE, timed_out = FALSE;
  gulong id = g_signal_connect (dialog, "finished", G_CALLBACK (flag_finished), &finished);
  guint timeout = g_timeout_add_seconds (60, flag_timed_out, &timed_out);

  mpy_cost_dialog_set_module (dialog, module);
  mpy_cost_dialog_start (dialog);
  while (!finished && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("the import cost did not end within 60 s");
  g_source_remove (timeout);
  g_signal_handler_disconnect (dialog, id);
}

/* The Import cost window on a freshly reset board gives what a by-hand capture before and
 * after the import on a freshly reset board gives; a missing module is its traceback. */
static void
test_cost_dialog (void)
{
  g_autoptr(MpySnapshot) reset = NULL;
  g_autoptr(MpySnapshot) reset_again = NULL;
  g_autoptr(MpySnapshot) before = NULL;
  g_autoptr(MpySnapshot) after = NULL;
  GtkWidget *dialog;
  gint64 bytes = 0, by_group[MPY_N_COST_GROUPS], sum = 0, qstr_count = 0, qstr_bytes = 0;
  guint64 used_before, used_after;

  if (microbit == NULL)
    {
      g_test_fail_printf ("the emulated micro:bit did not start: %s", microbit_error);
      return;
    }
  board_exec (board, "open('m.py', 'w').write('X = [1, 2, 3]\\ndef twice(value):\\n    return 2 * value\\n')");

  reset = board_capture (board, MPY_BOARD_CAPTURE_SOFT_RESET);
  dialog = mpy_cost_dialog_new (NULL, board);
  gtk_window_present (GTK_WINDOW (dialog));
  measure (MPY_COST_DIALOG (dialog), "m");
  g_assert_true (mpy_cost_dialog_get_cost (MPY_COST_DIALOG (dialog), &bytes, by_group, &qstr_count, &qstr_bytes));
  for (guint k = 0; k < MPY_N_COST_GROUPS; k++)
    sum += by_group[k];
  g_assert_cmpint (sum, ==, bytes);
  g_assert_cmpint (bytes, >, 0);
  g_assert_cmpint (qstr_count, >=, 1);
  g_assert_true (g_str_has_prefix (mpy_cost_dialog_get_result_text (MPY_COST_DIALOG (dialog)), "import m: "));

  measure (MPY_COST_DIALOG (dialog), "nosuchmodule");
  g_assert_false (mpy_cost_dialog_get_cost (MPY_COST_DIALOG (dialog), NULL, NULL, NULL, NULL));
  g_assert_nonnull (g_strstr_len (mpy_cost_dialog_get_result_text (MPY_COST_DIALOG (dialog)), -1, "ImportError"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* by hand */
  reset_again = board_capture (board, MPY_BOARD_CAPTURE_SOFT_RESET);
  board_exec (board, "__import__('micropython').qstr_info()");
  before = board_capture (board, MPY_BOARD_CAPTURE_GC);
  board_exec (board, "import m");
  after = board_capture (board, MPY_BOARD_CAPTURE_GC);
  g_assert_true (mpy_snapshot_get_figure (before, MPY_FIGURE_GC_USED, &used_before));
  g_assert_true (mpy_snapshot_get_figure (after, MPY_FIGURE_GC_USED, &used_after));
  g_assert_cmpint (bytes, ==, (gint64) (used_after - used_before));
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
  else
    {
      board = mpy_board_new (microbit->link);
      mpy_board_set_connect_timeout (board, 10000);
    }
  g_test_add_func ("/app/leak-dialog/verdicts", test_leak_dialog_verdicts);
  g_test_add_func ("/app/cost-dialog/equals-by-hand", test_cost_dialog);

  ret = g_test_run ();
  if (board != NULL)
    mpy_board_disconnect (board);
  g_clear_object (&board);
  mpy_test_board_stop (microbit);
  g_free (microbit_error);
  return ret;
}
