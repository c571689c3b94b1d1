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

static MpyApplication *app;

/* @n dumps of an 8,128-block heap, a few blocks changed from one to the next, with a line the
 * program printed before each. */
static char *
build_log (guint  n,
           gsize *length)
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
      g_string_append_printf (out, "step %u done\r\nstack: 928 out of 80000\r\n"
                              "GC: total: %u, used: %zu, free: %zu\r\n"
                              " No. of 1-blocks: 20, 2-blocks: 6, max blk sz: 9, max free sz: 43\r\n"
                              "GC memory layout; from 20000000:\r\n",
                              d, N_BLOCKS * 16, used * 16, (N_BLOCKS - used) * 16);
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
  g_autofree char *wanted = g_strdup_printf ("%u", position + 1);
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

static void
test_every_row (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-long-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "watch.log", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;
  MpyWindow *window;
  GListModel *model;
  RowCount count;
  RowShown shown;
  gsize length;

  text = build_log (N_DUMPS, &length);
  g_assert_true (g_file_set_contents (path, text, length, NULL));
  g_clear_pointer (&text, g_free);

  /* An empty window, as the app opens when there is no sample (the list had no rows). */
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  mpy_window_open_files (window, &file, 1);
  count.window = window;
  count.n = N_DUMPS;
  g_assert_true (mpy_test_run_until (has_rows, &count, 60000));
  mpy_test_run_for (200);
  g_assert_null (mpy_window_get_error_message (window));

  /* The list view's model holds every dump, in order. */
  model = G_LIST_MODEL (gtk_list_view_get_model (mpy_window_get_list_view (window)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_DUMPS);
  g_assert_true (g_str_has_prefix (mpy_snapshot_get_raw_text (mpy_test_row (window, 0)),
                                   "stack: 928 out of 80000"));
  {
    g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (mpy_window_get_selection (window));

    /* The last dump is the one shown, and it is selected in the list. */
    g_assert_true (gtk_bitset_contains (selected, N_DUMPS - 1));
  }

  /* The list is as tall as all its rows (not one: a row is more than 10 px high), and it
   * scrolls to the top and to the last. */
  if (!mpy_test_run_until (list_is_tall, window, 5000))
    g_error ("the list of %u snapshots is %g px tall (its view %g px)", N_DUMPS,
             gtk_adjustment_get_upper (list_adjustment (window)),
             gtk_adjustment_get_page_size (list_adjustment (window)));
  /* Opening scrolled by itself to the last, the one shown (the list once stayed at the top,
   * its first row half drawn: the scroll was asked before the list had the new rows). */
  if (!mpy_test_run_until (scrolled_to_end, window, 10000))
    g_error ("after opening, the list is at %g of %g px, not at its last row",
             gtk_adjustment_get_value (list_adjustment (window)),
             gtk_adjustment_get_upper (list_adjustment (window)));
  shown.window = window;
  shown.position = N_DUMPS - 1;
  g_assert_true (mpy_test_run_until (row_shown_cond, &shown, 5000));
  gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_list_view (window)), "list.scroll-to-item", "u", 0);
  g_assert_true (mpy_test_run_until (scrolled_to_top, window, 5000));
  shown.position = 0;
  g_assert_true (mpy_test_run_until (row_shown_cond, &shown, 5000));
  g_assert_false (row_shown (window, N_DUMPS - 1));

  gtk_widget_activate_action (GTK_WIDGET (mpy_window_get_list_view (window)), "list.scroll-to-item", "u",
                              N_DUMPS - 1);
  g_assert_true (mpy_test_run_until (scrolled_to_end, window, 5000));
  shown.position = N_DUMPS - 1;
  g_assert_true (mpy_test_run_until (row_shown_cond, &shown, 5000));
  g_assert_false (row_shown (window, 0));

  gtk_window_destroy (GTK_WINDOW (window));
  mpy_test_run_for (100);
  g_unlink (path);
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
  ret = g_test_run ();
  g_object_unref (app);
  mpy_test_app_cleanup ();
  return ret;
}
