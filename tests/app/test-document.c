/* test-document.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document a window shows, in real windows under Xvfb: a session opens as a document of
 * its own, closing with unsaved changes asks, delete and rename can be undone, a crash loses
 * no document, capture labels never repeat, and a capture is selected, scrolled to and given
 * the keyboard.
 */

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-document.h"
#include "mpy-dump-reader.h"
#include "mpy-session.h"
#include "mpy-snapshot-item.h"
#include "mpy-test-app.h"

#ifdef HAVE_TEST_BOARD
#include "mpy-watch-control.h"

static gboolean
watch_stopped (gpointer watch)
{
  return !mpy_watch_control_get_watching (watch);
}
# include "mpy-test-board.h"
#endif

static MpyApplication *app;

/* The close question's answers (mpy-window-files.c). */
enum {
  CLOSE_DISCARD = 1,
  CLOSE_SAVE = 2,
};

/* Helpers ----------------------------------------------------------------------------------- */

typedef struct {
  char *dir;
  char *path;
  GFile *file;
} TempSession;

/* A session file of @n copies of a fixture's dump, labelled by @format (with %u from 1). */
static void
temp_session_init (TempSession *session,
                   const char  *name,
                   guint        n,
                   const char  *format)
{
  g_autofree char *dump = mpy_test_fixture ("unix-heap256k-after-alloc.txt");
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(GError) error = NULL;

  dumps = mpy_dump_reader_read_file (dump, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = g_strdup_printf (format, i + 1);

      g_ptr_array_add (snapshots, mpy_snapshot_with_label (g_ptr_array_index (dumps, 0), label));
    }

  session->dir = g_dir_make_tmp ("mpy-document-XXXXXX", NULL);
  session->path = g_build_filename (session->dir, name, NULL);
  session->file = g_file_new_for_path (session->path);
  g_assert_true (mpy_session_write_file (session->path, snapshots, &error));
  g_assert_no_error (error);
}

static void
temp_session_clear (TempSession *session)
{
  g_unlink (session->path);
  g_rmdir (session->dir);
  g_clear_object (&session->file);
  g_clear_pointer (&session->path, g_free);
  g_clear_pointer (&session->dir, g_free);
}

typedef struct {
  MpyWindow *window;
  guint      n;
} RowCount;

static gboolean
has_exactly_rows (gpointer data)
{
  RowCount *count = data;

  return mpy_test_n_rows (count->window) == count->n;
}

static gboolean
has_n_windows (gpointer data)
{
  g_autoptr(GList) windows = mpy_test_windows (GTK_APPLICATION (app));

  return g_list_length (windows) == GPOINTER_TO_UINT (data);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

typedef struct {
  const char *path;
  guint       n;
} FileCount;

static gboolean
file_has_snapshots (gpointer data)
{
  FileCount *count = data;
  g_autoptr(GPtrArray) found = mpy_session_read_file (count->path, NULL);

  return found != NULL && found->len == count->n;
}

static void
paste_fixture (MpyWindow  *window,
               const char *name)
{
  g_autofree char *path = mpy_test_fixture (name);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  mpy_window_add_text (window, text);
}

static void
destroy_all_windows (void)
{
  g_autoptr(GList) windows = mpy_test_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  mpy_test_run_for (50);
}

/* Tests ------------------------------------------------------------------------------------- */

/* Opening a session while the window holds the user's snapshots opens it in a window of its
 * own: nothing is merged, and Save writes each document to its own file. */
static void
test_session_opens_in_its_own_window (void)
{
  TempSession first, second;
  MpyWindow *window, *other;
  RowCount count;
  FileCount on_disk;
  g_autoptr(GList) windows = NULL;

  temp_session_init (&first, "first.mpysession", 2, "first %u");
  temp_session_init (&second, "second.mpysession", 1, "second %u");

  /* A window with only the untouched sample is reused. */
  window = mpy_test_new_window (GTK_APPLICATION (app), TRUE);
  mpy_window_open_files (window, &first.file, 1);
  count.window = window;
  count.n = 2;
  g_assert_true (mpy_test_run_until (has_exactly_rows, &count, 10000));
  g_assert_true (g_file_equal (mpy_window_get_file (window), first.file));
  g_assert_false (mpy_document_get_dirty (mpy_window_get_document (window)));
  g_assert_true (has_n_windows (GUINT_TO_POINTER (1)));

  /* The user adds a paste; the second session then opens beside it, not into it. */
  paste_fixture (window, "qemu-mps2-an385-fragmented.txt");
  g_assert_cmpuint (mpy_test_n_rows (window), ==, 3);
  mpy_window_open_files (window, &second.file, 1);
  g_assert_true (mpy_test_run_until (has_n_windows, GUINT_TO_POINTER (2), 10000));
  windows = mpy_test_windows (GTK_APPLICATION (app));
  other = windows->data == window ? windows->next->data : windows->data;
  count.window = other;
  count.n = 1;
  g_assert_true (mpy_test_run_until (has_exactly_rows, &count, 10000));
  g_assert_true (g_file_equal (mpy_window_get_file (other), second.file));
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (other, 0)), ==, "second 1");
  g_assert_cmpuint (mpy_test_n_rows (window), ==, 3);
  g_assert_true (g_file_equal (mpy_window_get_file (window), first.file));

  /* Save (Ctrl+S) writes this window's document to its own file; the other file is as it was. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  on_disk.path = first.path;
  on_disk.n = 3;
  g_assert_true (mpy_test_run_until (file_has_snapshots, &on_disk, 10000));
  on_disk.path = second.path;
  on_disk.n = 1;
  g_assert_true (file_has_snapshots (&on_disk));

  /* Opening a session that is open already shows its window, no third one. */
  mpy_window_open_files (window, &second.file, 1);
  mpy_test_run_for (200);
  g_assert_true (has_n_windows (GUINT_TO_POINTER (2)));

  /* Import… adds any file, a session too, to this document. */
  mpy_window_import_files (window, &second.file, 1);
  count.window = window;
  count.n = 4;
  g_assert_true (mpy_test_run_until (has_exactly_rows, &count, 10000));
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (window, 3)), ==, "second 1");
  g_assert_true (g_file_equal (mpy_window_get_file (window), first.file));
  g_assert_true (has_n_windows (GUINT_TO_POINTER (2)));

  destroy_all_windows ();
  temp_session_clear (&first);
  temp_session_clear (&second);
}

/* Closing a window with unsaved changes asks Save / Discard / Cancel. */
static void
test_close_asks_save_discard_cancel (void)
{
  TempSession session;
  MpyWindow *window;
  GtkDialog *dialog;
  RowCount count;
  FileCount on_disk;
  g_autoptr(MpySnapshotItem) item = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(GPtrArray) saved = NULL;

  temp_session_init (&session, "heap.mpysession", 2, "capture %u");
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  mpy_window_open_files (window, &session.file, 1);
  count.window = window;
  count.n = 2;
  g_assert_true (mpy_test_run_until (has_exactly_rows, &count, 10000));

  /* Unchanged: it closes without a question. Changed (a rename): it asks. */
  item = g_list_model_get_item (mpy_window_get_snapshots (window), 0);
  mpy_snapshot_item_set_label (item, "renamed before closing");
  g_assert_true (mpy_document_get_dirty (mpy_window_get_document (window)));
  gtk_window_close (GTK_WINDOW (window));
  mpy_test_run_for (50);
  g_assert_nonnull (window);
  dialog = mpy_test_find_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_nonnull (gtk_dialog_get_widget_for_response (dialog, GTK_RESPONSE_CANCEL));
  g_assert_nonnull (gtk_dialog_get_widget_for_response (dialog, CLOSE_DISCARD));
  g_assert_nonnull (gtk_dialog_get_widget_for_response (dialog, CLOSE_SAVE));

  /* Cancel: the window stays, with its changes. */
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  mpy_test_run_for (50);
  g_assert_nonnull (window);
  g_assert_null (mpy_test_find_dialog (GTK_WINDOW (window)));
  g_assert_true (mpy_document_get_dirty (mpy_window_get_document (window)));

  /* Quitting asks too. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  mpy_test_run_for (50);
  g_assert_nonnull (window);
  dialog = mpy_test_find_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);

  /* Save: the file gets the change, then the window closes. */
  gtk_dialog_response (dialog, CLOSE_SAVE);
  g_assert_true (mpy_test_run_until (is_null, &window, 10000));
  on_disk.path = session.path;
  on_disk.n = 2;
  g_assert_true (file_has_snapshots (&on_disk));
  saved = mpy_session_read_file (session.path, NULL);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (saved, 0)), ==, "renamed before closing");

  /* Discard: the window closes, and its journal goes (nothing to offer at the next start). */
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  journal = g_strdup (mpy_window_get_autosave_path (window));
  paste_fixture (window, "qemu-mps2-an385-fragmented.txt");
  mpy_document_flush_journal (mpy_window_get_document (window));
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  gtk_window_close (GTK_WINDOW (window));
  mpy_test_run_for (50);
  dialog = mpy_test_find_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  gtk_dialog_response (dialog, CLOSE_DISCARD);
  g_assert_true (mpy_test_run_until (is_null, &window, 10000));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  temp_session_clear (&session);
}

/* Delete shows a banner with Undo; Undo brings the snapshots back where they were. Undo also
 * takes back a rename. */
static void
test_delete_and_rename_can_be_undone (void)
{
  MpyWindow *window = mpy_test_new_window (GTK_APPLICATION (app), TRUE);
  GtkSelectionModel *selection = mpy_window_get_selection (window);
  guint before = mpy_test_n_rows (window);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(MpySnapshotItem) item = NULL;
  g_autofree char *old_label = NULL;

  for (guint i = 0; i < before; i++)
    g_ptr_array_add (kept, mpy_snapshot_ref (mpy_test_row (window, i)));
  g_assert_false (mpy_document_get_can_undo (mpy_window_get_document (window)));

  /* Two apart: the second and the fourth. */
  gtk_selection_model_select_item (selection, 1, TRUE);
  gtk_selection_model_select_item (selection, 3, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-snapshots", NULL));
  g_assert_cmpuint (mpy_test_n_rows (window), ==, before - 2);
  g_assert_nonnull (mpy_window_get_undo_message (window));
  g_assert_nonnull (strstr (mpy_window_get_undo_message (window), "2 snapshots deleted"));
  /* The one after the first deleted is selected, for the next Delete. */
  g_assert_true (gtk_selection_model_is_selected (selection, 1));
  g_assert_true (mpy_test_row (window, 1) == g_ptr_array_index (kept, 2));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (mpy_test_n_rows (window), ==, before);
  for (guint i = 0; i < before; i++)
    g_assert_true (mpy_test_row (window, i) == g_ptr_array_index (kept, i));
  g_assert_true (gtk_selection_model_is_selected (selection, 1));
  g_assert_true (gtk_selection_model_is_selected (selection, 3));
  g_assert_null (mpy_window_get_undo_message (window));

  /* A rename, undone. */
  item = g_list_model_get_item (mpy_window_get_snapshots (window), 0);
  old_label = g_strdup (mpy_snapshot_item_get_label (item));
  mpy_snapshot_item_set_label (item, "a slip of the keyboard");
  g_assert_true (mpy_document_get_can_undo (mpy_window_get_document (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (mpy_snapshot_item_get_label (item), ==, old_label);
  g_assert_false (mpy_document_get_can_undo (mpy_window_get_document (window)));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* After a crash every unsaved document comes back as it was: each in its own window, with
 * every snapshot however it arrived (opened, renamed, imported, pasted), in order, with the
 * file it belongs to. */
static void
test_crash_restores_every_document (void)
{
  TempSession session;
  g_autofree char *log = NULL;
  g_autoptr(GFile) log_file = NULL;
  g_autoptr(GPtrArray) log_dumps = NULL;
  g_autoptr(GPtrArray) pasted = NULL;
  g_autofree char *pasted_text = NULL;
  g_autofree char *pasted_path = mpy_test_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autofree char *journal_1 = NULL;
  g_autofree char *journal_2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) windows = NULL;
  MpyWindow *window, *with_file = NULL, *without_file = NULL;
  guint n_first;

  /* The run that crashes had two documents: a session, renamed and with a log imported into
   * it, and a paste never saved. (Dropping the documents leaves their journals unlocked, as a
   * killed process does.) */
  temp_session_init (&session, "crashed.mpysession", 2, "saved %u");
  /* A console log: two dumps among other output. */
  {
    g_autofree char *a_path = mpy_test_fixture ("microbit-v1.0.1-after-alloc.txt");
    g_autofree char *b_path = mpy_test_fixture ("microbit-v1.0.1-fragmented.txt");
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (a_path, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (b_path, &b, NULL, NULL));
    text = g_strconcat ("boot\n>>> run()\n", a, "\nworking...\n", b, NULL);
    log = g_build_filename (session.dir, "console.log", NULL);
    g_assert_true (g_file_set_contents (log, text, -1, NULL));
    log_file = g_file_new_for_path (log);
  }
  log_dumps = mpy_dump_reader_read_file (log, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pasted_path, &pasted_text, NULL, NULL));
  {
    g_autoptr(MpyDocument) first = mpy_document_new ();
    g_autoptr(MpyDocument) second = mpy_document_new ();
    g_autoptr(GPtrArray) saved = mpy_session_read_file (session.path, NULL);
    g_autoptr(MpySnapshotItem) item = NULL;

    mpy_document_load (first, session.file, saved);
    item = g_list_model_get_item (mpy_document_get_snapshots (first), 1);
    mpy_snapshot_item_set_label (item, "renamed after saving");
    mpy_document_import (first, log_file, log_dumps);
    n_first = g_list_model_get_n_items (mpy_document_get_snapshots (first));
    g_assert_cmpuint (n_first, ==, 2 + log_dumps->len);
    g_assert_true (mpy_document_add_text (second, pasted_text, &error));
    g_assert_no_error (error);
    journal_1 = g_strdup (mpy_document_get_journal_path (first));
    journal_2 = g_strdup (mpy_document_get_journal_path (second));
  }
  g_assert_true (g_file_test (journal_1, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (journal_2, G_FILE_TEST_EXISTS));

  /* The next start offers them; Restore brings back both, each in a window of its own. */
  window = mpy_window_new (GTK_APPLICATION (app));
  mpy_window_load_initial (window);
  gtk_window_present (GTK_WINDOW (window));
  mpy_test_run_for (100);
  g_assert_nonnull (mpy_test_revealed_info_bar (window));
  gtk_info_bar_response (mpy_test_revealed_info_bar (window), 2 /* Restore */);
  g_assert_true (mpy_test_run_until (has_n_windows, GUINT_TO_POINTER (2), 5000));

  windows = mpy_test_windows (GTK_APPLICATION (app));
  for (GList *l = windows; l != NULL; l = l->next)
    if (mpy_window_get_file (l->data) != NULL)
      with_file = l->data;
    else
      without_file = l->data;
  g_assert_nonnull (with_file);
  g_assert_nonnull (without_file);

  g_assert_true (g_file_equal (mpy_window_get_file (with_file), session.file));
  g_assert_true (mpy_document_get_dirty (mpy_window_get_document (with_file)));
  g_assert_cmpuint (mpy_test_n_rows (with_file), ==, n_first);
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (with_file, 0)), ==, "saved 1");
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (with_file, 1)), ==, "renamed after saving");
  for (guint i = 0; i < log_dumps->len; i++)
    g_assert_cmpstr (mpy_snapshot_get_raw_text (mpy_test_row (with_file, 2 + i)), ==,
                     mpy_snapshot_get_raw_text (g_ptr_array_index (log_dumps, i)));

  pasted = mpy_session_read_text (pasted_text, -1, NULL);
  g_assert_cmpuint (mpy_test_n_rows (without_file), ==, pasted->len);
  g_assert_cmpstr (mpy_snapshot_get_raw_text (mpy_test_row (without_file, 0)), ==,
                   mpy_snapshot_get_raw_text (g_ptr_array_index (pasted, 0)));
  g_assert_true (mpy_document_get_dirty (mpy_window_get_document (without_file)));

  /* The crashed run's journals are gone: their documents live in these windows' journals. */
  g_assert_false (g_file_test (journal_1, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal_2, G_FILE_TEST_EXISTS));

  destroy_all_windows ();
  g_unlink (log);
  temp_session_clear (&session);
}

#ifdef HAVE_TEST_BOARD

static gboolean
not_busy (gpointer data)
{
  return !mpy_device_sidebar_get_busy (MPY_DEVICE_SIDEBAR (data));
}

static gboolean
scrolled_to_end (gpointer data)
{
  GtkWidget *list = GTK_WIDGET (mpy_window_get_list_view (data));
  GtkScrollable *scrollable = GTK_SCROLLABLE (list);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (scrollable);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment)
    && gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
       >= gtk_adjustment_get_upper (adjustment) - 1;
}

static gboolean
not_scrolled_to_end (gpointer data)
{
  return !scrolled_to_end (data);
}

static void
capture_once (MpyWindow *window,
              guint      n_rows_after)
{
  RowCount count = { window, n_rows_after };
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (mpy_test_run_until (has_exactly_rows, &count, 30000));
  g_assert_true (mpy_test_run_until (not_busy, sidebar, 30000));
  g_assert_null (mpy_window_get_error_message (window));
}

static gboolean
focus_in_list (MpyWindow *window)
{
  GtkWidget *list = GTK_WIDGET (mpy_window_get_list_view (window));

  for (GtkWidget *w = gtk_root_get_focus (GTK_ROOT (window)); w != NULL; w = gtk_widget_get_parent (w))
    if (w == list)
      return TRUE;
  return FALSE;
}

/* Capture labels never repeat in a document: not after an opened session's captures, not
 * after a delete, not after a reconnect. A capture is selected, scrolled to, and the keyboard
 * is back on the list. */
static void
test_capture_labels_and_focus (void)
{
  g_autofree char *dump = mpy_test_fixture ("unix-heap256k-after-alloc.txt");
  g_autoptr(MpyTestBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkBitset) selected = NULL;
  TempSession session;
  MpyWindow *window;
  RowCount count;

  board = mpy_test_board_start_fake ("normal", dump, &error);
  g_assert_no_error (error);

  /* Yesterday's session: 30 captures, more than the list shows at once. */
  temp_session_init (&session, "yesterday.mpysession", 30, "Capture %u");
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  mpy_window_open_files (window, &session.file, 1);
  count.window = window;
  count.n = 30;
  g_assert_true (mpy_test_run_until (has_exactly_rows, &count, 10000));
  mpy_device_sidebar_set_path (mpy_window_get_device_sidebar (window), board->link);
  /* the open shows the last row (and asks again once the rows are laid out): let it end */
  g_assert_true (mpy_test_run_until (scrolled_to_end, window, 30000));
  mpy_test_run_for (200);

  /* The keyboard elsewhere (the canvas), and the list scrolled to the top. */
  gtk_selection_model_select_item (mpy_window_get_selection (window), 0, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_list_view (window)), "list.scroll-to-item", "u", 0);
  gtk_widget_grab_focus (mpy_window_get_heap_view (window));
  g_assert_true (mpy_test_run_until (not_scrolled_to_end, window, 30000));

  capture_once (window, 31);
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (window, 30)), ==, "Capture 31");
  selected = gtk_selection_model_get_selection (mpy_window_get_selection (window));
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
  g_assert_true (gtk_bitset_contains (selected, 30));
  g_assert_true (mpy_test_run_until (scrolled_to_end, window, 5000));
  g_assert_true (focus_in_list (window));

  /* Deleted, the number is still taken. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-snapshots", NULL));
  g_assert_cmpuint (mpy_test_n_rows (window), ==, 30);
  capture_once (window, 31);
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (window, 30)), ==, "Capture 32");

  /* Another board (a reconnect): the numbers go on. */
  g_clear_pointer (&board, mpy_test_board_stop);
  board = mpy_test_board_start_fake ("normal", dump, &error);
  g_assert_no_error (error);
  mpy_device_sidebar_set_path (mpy_window_get_device_sidebar (window), board->link);
  capture_once (window, 32);
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (window, 31)), ==, "Capture 33");

  gtk_window_destroy (GTK_WINDOW (window));
  mpy_test_run_for (200);  /* the connection closes the port */
  temp_session_clear (&session);
}

static gboolean
has_at_least_rows (gpointer data)
{
  RowCount *count = data;

  return mpy_test_n_rows (count->window) >= count->n;
}

/* The sidebar's Watch control, every 0.5 s on the fake board: the snapshots arrive in the
 * document one by one while the watch runs, and stop coming when it is stopped. */
static void
test_watch_adds_snapshots_live (void)
{
  g_autofree char *dump = mpy_test_fixture ("unix-heap256k-after-alloc.txt");
  g_autoptr(MpyTestBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  MpyWatchControl *watch;
  MpyWindow *window;
  RowCount count;
  gint64 first_at, third_at;
  guint stopped_at;

  board = mpy_test_board_start_fake ("normal", dump, &error);
  g_assert_no_error (error);
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  mpy_device_sidebar_set_path (mpy_window_get_device_sidebar (window), board->link);
  watch = MPY_WATCH_CONTROL (mpy_device_sidebar_get_watch_control (mpy_window_get_device_sidebar (window)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (watch)));
  mpy_watch_control_set_mode (watch, MPY_BOARD_WATCH_EVERY);
  mpy_watch_control_set_interval (watch, 0.5);
  mpy_watch_control_toggle (watch);
  g_assert_true (mpy_watch_control_get_watching (watch));

  count.window = window;
  count.n = 1;
  g_assert_true (mpy_test_run_until (has_at_least_rows, &count, 10000));
  first_at = g_get_monotonic_time ();
  g_assert_true (mpy_watch_control_get_watching (watch));
  count.n = 3;
  g_assert_true (mpy_test_run_until (has_at_least_rows, &count, 10000));
  third_at = g_get_monotonic_time ();
  /* one every half second, not all at once */
  g_assert_cmpint (third_at - first_at, >=, 700 * 1000);
  g_assert_true (mpy_watch_control_get_watching (watch));
  g_assert_true (mpy_document_get_dirty (mpy_window_get_document (window)));
  g_assert_cmpstr (mpy_snapshot_get_label (mpy_test_row (window, 0)), ==, "Capture 1");
  g_assert_nonnull (strstr (mpy_watch_control_get_status (watch), "Watching"));

  mpy_watch_control_toggle (watch);
  g_assert_true (mpy_test_run_until ((MpyTestCondition) watch_stopped, watch, 5000));
  stopped_at = mpy_test_n_rows (window);
  mpy_test_run_for (1200);
  g_assert_cmpuint (mpy_test_n_rows (window), ==, stopped_at);
  g_assert_nonnull (strstr (mpy_watch_control_get_status (watch), "stopped"));
  /* the snippet offered is the one the reader reads */
  g_assert_nonnull (strstr (mpy_watch_control_get_snippet (), "*** Memory info"));

  gtk_window_destroy (GTK_WINDOW (window));
  mpy_test_run_for (200);  /* the connection closes the port */
}

#else

static void
test_capture_labels_and_focus (void)
{
  g_test_skip ("Built without the device test boards (tests/device)");
}

static void
test_watch_adds_snapshots_live (void)
{
  g_test_skip ("Built without the device test boards (tests/device)");
}

#endif

int
main (int   argc,
      char *argv[])
{
  int ret;

  mpy_test_app_init (&argc, &argv);

  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/app/document/session-opens-in-its-own-window", test_session_opens_in_its_own_window);
  g_test_add_func ("/app/document/close-asks-save-discard-cancel", test_close_asks_save_discard_cancel);
  g_test_add_func ("/app/document/delete-and-rename-can-be-undone", test_delete_and_rename_can_be_undone);
  g_test_add_func ("/app/document/crash-restores-every-document", test_crash_restores_every_document);
  g_test_add_func ("/app/document/capture-labels-and-focus", test_capture_labels_and_focus);
  g_test_add_func ("/app/document/watch-adds-snapshots-live", test_watch_adds_snapshots_live);

  ret = g_test_run ();
  g_object_unref (app);
  mpy_test_app_cleanup ();
  return ret;
}
