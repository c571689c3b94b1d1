/* test-long-session.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Long sessions in a real window under Xvfb (issue 11): a console log of many dumps, each a
 * little different from the one before, opens with every dump in the snapshot list, and the
 * list view scrolls to the last row (once it showed a single row while the canvas showed the
 * last dump). 10,000 dumps of an 8,128-block heap (93 MB of log), as the benchmark
 * (bench/core/bench-long-log.c) reads.
 */

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-snapshot-item.h"
#include "mpy-test-app.h"
#include "mpy-window-testing.h"

#define N_DUMPS  10000
#define N_BLOCKS 8128
#define N_NAMED  3000

static MpyApplication *app;
/* The number in the label of the row at position 0: a log's own names count from 0, the
 * file's numbering from 1. */
static guint first_number;

/* @n dumps of an 8,128-block heap, a few blocks changed from one to the next, with a line the
 * program printed before each. */
static char *
build_log (guint     n,
           gboolean  named,
           gsize    *length)
{
  GString *out = g_string_sized_new ((gsize) n * 9400);
  guint8 map[N_BLOCKS];
  static const char kinds[] = "h=TLDSAB..";
  guint32 seed = 7;

  for (guint b = 0; b < N_BLOCKS; b++)
    map[b] = b % 3 == 0 ? '.' : b % 3 == 1 ? 'h' : '=';
  for (guint d = 0; d < n; d++)
    {
      gsize used = 0;

      for (guint k = 0; k < 20; k++)
        {
          seed = seed * 1103515245u + 12345u;
          map[(seed >> 8) % N_BLOCKS] = kinds[(seed >> 4) % (sizeof kinds - 1)];
        }
      for (guint b = 0; b < N_BLOCKS; b++)
        used += map[b] != '.';
      if (named)
        g_string_append_printf (out, "*** Memory info step %u ***\r\n", d);
      else
        g_string_append_printf (out, "step %u done\r\n", d);
      g_string_append_printf (out, "stack: 928 out of 80000\r\n"
                              "GC: total: %u, used: %zu, free: %zu\r\n"
                              " No. of 1-blocks: 20, 2-blocks: 6, max blk sz: 9, max free sz: 43\r\n"
                              "GC memory layout; from 20000000:\r\n",
                              N_BLOCKS * 16, used * 16, (N_BLOCKS - used) * 16);
      for (guint l = 0; l < N_BLOCKS; l += 64)
        {
          g_string_append_printf (out, "%05x: ", l * 16);
          g_string_append_len (out, (const char *) map + l, MIN (64, N_BLOCKS - l));
          g_string_append (out, "\r\n");
        }
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

typedef struct {
  MpyWindow *window;
  guint      n;
} RowCount;

static gboolean
has_rows (gpointer data)
{
  RowCount *count = data;

  return mpy_test_n_rows (count->window) == count->n;
}

static GtkAdjustment *
list_adjustment (MpyWindow *window)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (mpy_window_get_list_view (window)));
}

static gboolean
scrolled_to_end (gpointer data)
{
  GtkAdjustment *adjustment = list_adjustment (data);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment)
    && gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
       >= gtk_adjustment_get_upper (adjustment) - 1;
}

static gboolean
list_is_tall (gpointer data)
{
  return gtk_adjustment_get_upper (list_adjustment (data)) > (double) N_DUMPS * 10;
}

static gboolean
scrolled_to_top (gpointer data)
{
  return gtk_adjustment_get_value (list_adjustment (data)) < 1;
}

/* The list view's rows on screen show the snapshot at @position. */
static gboolean
row_shown (MpyWindow *window,
           guint      position)
{
  g_autofree char *wanted = g_strdup_printf ("%u", position + first_number);
  GtkWidget *list = GTK_WIDGET (mpy_window_get_list_view (window));
  graphene_rect_t bounds;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child) || !gtk_widget_compute_bounds (child, list, &bounds))
        continue;
      if (bounds.origin.y + bounds.size.height <= 0
          || bounds.origin.y >= gtk_widget_get_height (list))
        continue;
      /* A row shows its snapshot's label; the labels of this log are the file's name and
       * the dump's number. */
      for (GtkWidget *w = child; w != NULL; )
        {
          if (GTK_IS_LABEL (w) || GTK_IS_EDITABLE_LABEL (w))
            {
              const char *text = GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w))
                                                  : gtk_editable_get_text (GTK_EDITABLE (w));

              if (text != NULL && g_str_has_suffix (text, wanted)
                  && (strlen (text) == strlen (wanted)
                      || !g_ascii_isdigit (text[strlen (text) - strlen (wanted) - 1])))
                return TRUE;
            }
          /* Depth first through the row's widgets. */
          if (gtk_widget_get_first_child (w) != NULL && !GTK_IS_EDITABLE_LABEL (w))
            w = gtk_widget_get_first_child (w);
          else
            {
              while (w != child && gtk_widget_get_next_sibling (w) == NULL)
                w = gtk_widget_get_parent (w);
              w = w == child ? NULL : gtk_widget_get_next_sibling (w);
            }
        }
    }
  return FALSE;
}

typedef struct {
  MpyWindow *window;
  guint      position;
} RowShown;

static gboolean
row_shown_cond (gpointer data)
{
  RowShown *shown = data;

  return row_shown (shown->window, shown->position);
}

/* Every one of @n rows is in the list view, the last selected and scrolled to, and the list
 * scrolls to the top and back. */
static void
check_every_row (MpyWindow *window,
                 guint      n)
{
  GListModel *model;
  RowCount count;
  RowShown shown;

  count.window = window;
  count.n = n;
  g_assert_true (mpy_test_run_until (has_rows, &count, 60000));
  mpy_test_run_for (200);
  g_assert_null (mpy_window_get_error_message (window));

  /* The list view's model holds every dump, in order. */
  model = G_LIST_MODEL (gtk_list_view_get_model (mpy_window_get_list_view (window)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_true (g_str_has_prefix (mpy_snapshot_get_raw_text (mpy_test_row (window, 0)),
                                   "stack: 928 out of 80000"));
  {
    g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_window_get_selection (window));

    /* The last dump is the one shown, and it is selected in the list. */
    g_assert_true (gtk_bitset_contains (selected, n - 1));
  }

  /* The list is as tall as all its rows (not one: a row is more than 10 px high), and its
   * last row is on screen without any scrolling by the user. */
  if (!mpy_test_run_until (list_is_tall, window, 5000))
    g_error ("the list of %u snapshots is %g px tall (its view %g px)", n,
             gtk_adjustment_get_upper (list_adjustment (window)),
             gtk_adjustment_get_page_size (list_adjustment (window)));
  shown.window = window;
  shown.position = n - 1;
  if (!mpy_test_run_until (row_shown_cond, &shown, 10000))
    g_error ("the selected last row of %u is not on screen (list at %g of %g px)", n,
             gtk_adjustment_get_value (list_adjustment (window)),
             gtk_adjustment_get_upper (list_adjustment (window)));
  g_assert_true (scrolled_to_end (window));

  /* It scrolls to the top and back to the last. */
  gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_list_view (window)), "list.scroll-to-item", "u", 0);
  g_assert_true (mpy_test_run_until (scrolled_to_top, window, 5000));
  shown.position = 0;
  g_assert_true (mpy_test_run_until (row_shown_cond, &shown, 5000));
  g_assert_false (row_shown (window, n - 1));

  gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_list_view (window)), "list.scroll-to-item", "u",
                              n - 1);
  g_assert_true (mpy_test_run_until (scrolled_to_end, window, 5000));
  shown.position = n - 1;
  g_assert_true (mpy_test_run_until (row_shown_cond, &shown, 5000));
  g_assert_false (row_shown (window, 0));
}

static GFile *
write_log (const char *dir,
           guint       n,
           gboolean    named)
{
  g_autofree char *path = g_build_filename (dir, named ? "long.log" : "watch.log", NULL);
  g_autofree char *text = NULL;
  gsize length;

  text = build_log (n, named, &length);
  g_assert_true (g_file_set_contents (path, text, length, NULL));

  return g_file_new_for_path (path);
}

/* A log opened into an empty window that is on screen already (the Open dialog). */
static void
test_every_row (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-long-XXXXXX", NULL);
  g_autoptr(GFile) file = write_log (dir, N_DUMPS, FALSE);
  MpyWindow *window;

  first_number = 1;
  /* An empty window, as the app opens when there is no sample (the list had no rows). */
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  mpy_window_open_files (window, &file, 1);
  check_every_row (window, N_DUMPS);

  gtk_window_destroy (GTK_WINDOW (window));
  mpy_test_run_for (100);
  g_file_delete (file, NULL, NULL);
  g_rmdir (dir);
}

/* The user's path (`./run-app.sh long.log`): the application's open, the file read while the
 * new window is being shown for the first time, the dumps named by the log. */
/* Playback has gone well past the rows shown at the top. */
static gboolean
played_far (gpointer data)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_window_get_selection (data));

  return !gtk_bitset_is_empty (selected) && gtk_bitset_get_maximum (selected) >= 40;
}

static void
test_command_line (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-long-XXXXXX", NULL);
  g_autoptr(GFile) file = write_log (dir, N_NAMED, TRUE);
  GtkWindow *window;

  first_number = 0;
  g_application_open (G_APPLICATION (app), &file, 1, "");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (MPY_IS_WINDOW (window));
  check_every_row (MPY_WINDOW (window), N_NAMED);
  {
    g_autoptr(MpySnapshotItem) item = g_list_model_get_item (mpy_window_get_snapshots (MPY_WINDOW (window)),
                                                             N_NAMED - 1);

    g_assert_cmpstr (mpy_snapshot_item_get_label (item), ==, "step 2999");
  }

  /* Playback from the top: the list follows the frame played (its later snapshot selected and
   * on screen), not left where it was. */
  gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_list_view (MPY_WINDOW (window))),
                              "list.scroll-to-item", "u", 0);
  gtk_selection_model_select_item (mpy_window_get_selection (MPY_WINDOW (window)), 0, TRUE);
  g_assert_true (mpy_test_run_until (scrolled_to_top, window, 5000));
  g_object_set (gtk_widget_get_template_child (GTK_WIDGET (window), MPY_TYPE_WINDOW, "playback_speed"),
                "selected", 4, NULL);   /* 30 frames/s */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_true (mpy_test_run_until (played_far, window, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_false (mpy_window_get_playing (MPY_WINDOW (window)));
  {
    g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_window_get_selection (MPY_WINDOW (window)));
    RowShown shown = { MPY_WINDOW (window), gtk_bitset_get_maximum (selected) };

    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 2);
    if (!mpy_test_run_until (row_shown_cond, &shown, 5000))
      g_error ("playback is at snapshot %u, not on screen (list at %g px)", shown.position,
               gtk_adjustment_get_value (list_adjustment (MPY_WINDOW (window))));
  }

  gtk_window_destroy (window);
  mpy_test_run_for (100);
  g_file_delete (file, NULL, NULL);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  mpy_test_app_init (&argc, &argv);
  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_test_add_func ("/app/long-session/every-row", test_every_row);
  g_test_add_func ("/app/long-session/command-line", test_command_line);
  ret = g_test_run ();
  g_object_unref (app);
  mpy_test_app_cleanup ();
  return ret;
}
