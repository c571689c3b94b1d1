/* mpy-test-app.c — helpers for the tests of the application in real windows
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include "mpy-snapshot-item.h"
#include "mpy-test-app.h"

static char *recent_dir;

/* GTK 4.8's own size check on a GtkInfoBar whose wrapping label is measured while the
 * bar's revealer is still opening ("reports a minimum height of 88, but minimum height
 * for width … is 91"): a GTK bug seen a few times in many runs under load, with nothing
 * wrong in the window. It is still printed but does not end the test; every other
 * message goes to GLib's default writer, so other warnings and criticals stay fatal.
 * GTK logs structured messages, which a fatal handler (g_test_log_set_fatal_handler)
 * never sees: hence a writer function. */
static gboolean
is_gtk_infobar_size_bug (const GLogField *fields,
                         gsize            n_fields)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length != -1)
        continue;
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  return g_strcmp0 (domain, "Gtk") == 0 && message != NULL
         && g_str_has_prefix (message, "GtkInfoBar ")
         && strstr (message, " reports a minimum ") != NULL;
}

static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  if (is_gtk_infobar_size_bug (fields, n_fields))
    return g_log_writer_standard_streams (log_level & ~G_LOG_FLAG_FATAL, fields, n_fields,
                                          user_data);
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
mpy_test_app_init (int    *argc,
                   char ***argv)
{
  /* The per-test folders of G_TEST_OPTION_ISOLATE_DIRS go after each test. */
  recent_dir = g_dir_make_tmp ("mpy-test-recent-XXXXXX", NULL);
  g_assert_nonnull (recent_dir);
  g_setenv ("XDG_DATA_HOME", recent_dir, TRUE);
  g_object_ref (gtk_recent_manager_get_default ());
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  gtk_init ();
}

void
mpy_test_app_cleanup (void)
{
  g_autofree char *recent_file = g_build_filename (recent_dir, "recently-used.xbel", NULL);

  g_unlink (recent_file);
  g_rmdir (recent_dir);
  g_clear_pointer (&recent_dir, g_free);
}

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
mpy_test_run_until (MpyTestCondition cond,
                    gpointer         data,
                    guint            timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint wake = g_timeout_add (10, wake_up_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);
  return ok;
}

static gboolean
always_false (gpointer data)
{
  return FALSE;
}

void
mpy_test_run_for (guint ms)
{
  mpy_test_run_until (always_false, NULL, ms);
}

gboolean
mpy_test_window_mapped (gpointer data)
{
  MpyWindow *window = data;
  GtkWidget *view = mpy_window_get_heap_view (window);

  /* The canvas is allocated once a map is shown; with nothing to show it is not. */
  return gtk_widget_get_mapped (GTK_WIDGET (window))
    && (mpy_window_get_view_mode (window) != MPY_VIEW_MAP || gtk_widget_get_width (view) > 0);
}

MpyWindow *
mpy_test_new_window (GtkApplication *app,
                     gboolean        with_sample)
{
  MpyWindow *window = mpy_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  if (with_sample)
    mpy_window_load_sample (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (mpy_test_run_until (mpy_test_window_mapped, window, 5000));
  mpy_test_run_for (100);

  return window;
}

char *
mpy_test_fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

guint
mpy_test_n_rows (MpyWindow *window)
{
  return g_list_model_get_n_items (mpy_window_get_snapshots (window));
}

MpySnapshot *
mpy_test_row (MpyWindow *window,
              guint      position)
{
  g_autoptr(MpySnapshotItem) item = g_list_model_get_item (mpy_window_get_snapshots (window), position);

  return mpy_snapshot_item_get_snapshot (item);
}

GList *
mpy_test_windows (GtkApplication *app)
{
  GList *windows = NULL;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (MPY_IS_WINDOW (l->data))
      windows = g_list_append (windows, l->data);
  return windows;
}

GtkDialog *
mpy_test_find_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (toplevel)
          && gtk_window_get_transient_for (GTK_WINDOW (toplevel)) == parent)
        return GTK_DIALOG (toplevel);
    }
  return NULL;
}

GtkInfoBar *
mpy_test_revealed_info_bar (MpyWindow *window)
{
  for (GtkWidget *w = gtk_widget_get_first_child (gtk_window_get_child (GTK_WINDOW (window)));
       w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_INFO_BAR (w) && gtk_info_bar_get_revealed (GTK_INFO_BAR (w)))
      return GTK_INFO_BAR (w);
  return NULL;
}
