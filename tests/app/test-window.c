/* test-window.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window in a real display (Xvfb): sample session, diff by selecting two snapshots,
 * PNG export, opening a console log, pasting, saving, autosave restore, list editing, and a
 * capture from a fake board on a pty while the main loop keeps running.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-autosave.h"
#include "mpy-dump-reader.h"
#include "mpy-journal-lock.h"
#include "mpy-renderer.h"
#include "mpy-session.h"
#include "mpy-snapshot-item.h"
#include "mpy-test-app.h"
#include "mpy-window-testing.h"

#ifdef HAVE_TEST_BOARD
# include "mpy-test-board.h"
#endif

#include "mpy-figures-panel.h"
#include "mpy-heap-view.h"

static MpyApplication *app;

/* Helpers ----------------------------------------------------------------------------------- */

/* The shared helpers of tests/app (mpy-test-app.c) under their short names here. */
#define run_until(cond, data, timeout_ms) mpy_test_run_until ((cond), (data), (timeout_ms))
#define run_for(ms) mpy_test_run_for (ms)
#define new_window(with_sample) mpy_test_new_window (GTK_APPLICATION (app), (with_sample))
#define fixture_path(name) mpy_test_fixture (name)
#define n_rows(window) mpy_test_n_rows (window)
#define row_snapshot(window, position) mpy_test_row ((window), (position))
#define revealed_restore_bar(window) mpy_test_revealed_info_bar (window)

typedef struct {
  MpyWindow *window;
  guint      n;
} RowCount;

static gboolean
has_rows (gpointer data)
{
  RowCount *count = data;

  return n_rows (count->window) >= count->n;
}

static gboolean
has_exactly_rows (gpointer data)
{
  RowCount *count = data;

  return n_rows (count->window) == count->n;
}

static gboolean
error_shown (gpointer data)
{
  return mpy_window_get_error_message (MPY_WINDOW (data)) != NULL;
}

static GPtrArray *
read_sample_independently (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sample;
  gsize length;
  const char *data;

  bytes = g_resources_lookup_data ("/com/example/MpyMemMap/sample.mpysession", 0, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &length);
  sample = mpy_session_read_text (data, length, &error);
  g_assert_no_error (error);

  return sample;
}

/* The widget's last painted frame, or NULL while it has not been painted since it changed. */
static GskRenderNode *
paint_node (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static gboolean
has_painted (gpointer data)
{
  g_autoptr(GskRenderNode) node = NULL;

  if (gtk_widget_get_width (data) <= 0 || gtk_widget_get_height (data) <= 0)
    return FALSE;
  node = paint_node (data);
  return node != NULL;
}

/* The canvas as the user sees it: the widget rendered to a texture by the window's renderer. */
static guint32 *
render_widget (GtkWidget *widget,
               int       *width,
               int       *height)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guint32 *pixels;

  /* (under load the frame that lays it out and paints it may still be to come) */
  g_assert_true (mpy_test_run_until (has_painted, widget, 10000));
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  node = paint_node (widget);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                        &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  pixels = g_new (guint32, (gsize) *width * *height);
  gdk_texture_download (texture, (guchar *) pixels, (gsize) *width * 4);

  return pixels;
}

static gboolean
texture_has_color (const guint32 *pixels,
                   gsize          n,
                   guint32        rgb)
{
  for (gsize i = 0; i < n; i++)
    if ((pixels[i] & 0xffffff) == rgb)
      return TRUE;
  return FALSE;
}

static gboolean
same_block_at (MpyHeapView *view,
               double       x,
               double       y,
               gsize        block)
{
  gsize other;

  return mpy_heap_view_get_block_at (view, x, y, &other) && other == block;
}

/* Renders the canvas as the window shows it and checks the colour inside every block it can
 * see against the palette: the kind of the block for a map, its diff state for a diff. */
static void
check_canvas_colours (MpyWindow *window)
{
  MpyHeapView *view = MPY_HEAP_VIEW (mpy_window_get_heap_view (window));
  MpySnapshot *snapshot = mpy_heap_view_get_snapshot (view);
  MpyDiff *diff = mpy_heap_view_get_diff (view);
  const guint8 *kinds = mpy_snapshot_get_kinds (snapshot);
  const guint8 *states = diff ? mpy_diff_get_states (diff) : NULL;
  MpyRenderOptions options;
  g_autofree guint32 *pixels = NULL;
  guint checked = 0, matched = 0;
  int width, height;

  mpy_heap_view_get_options (view, &options);
  g_assert_false (options.rainbow);
  pixels = render_widget (GTK_WIDGET (view), &width, &height);

  for (int y = 1; y + 1 < height; y += 2)
    for (int x = 1; x + 1 < width; x += 2)
      {
        gsize block;
        guint32 expected;

        /* Only pixels well inside a block: no grid line, outline or edge blur. */
        if (!mpy_heap_view_get_block_at (view, x + 0.5, y + 0.5, &block)
            || !same_block_at (view, x - 0.5, y + 0.5, block)
            || !same_block_at (view, x + 1.5, y + 0.5, block)
            || !same_block_at (view, x + 0.5, y - 0.5, block)
            || !same_block_at (view, x + 0.5, y + 1.5, block))
          continue;

        expected = states != NULL
          ? mpy_palette_get_diff_color (states[block], options.dark)
          : mpy_palette_get_kind_color ((char) kinds[block], options.dark);
        checked++;
        if ((pixels[(gsize) y * width + x] & 0xffffff) == expected)
          matched++;
      }

  g_test_message ("%u of %u block pixels in the palette colour", matched, checked);
  g_assert_cmpuint (checked, >, 1000);
  g_assert_cmpuint (matched, >=, checked * 9 / 10);
}

/* Tests ------------------------------------------------------------------------------------- */

static void
test_sample_session (void)
{
  MpyWindow *window;
  g_autoptr(GPtrArray) sample = read_sample_independently ();
  MpySnapshot *shown;

  window = mpy_window_new (GTK_APPLICATION (app));
  /* No journal in this fresh state dir and no files: the sample session is what opens. */
  mpy_window_load_initial (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (run_until (mpy_test_window_mapped, window, 5000));
  run_for (200);

  g_assert_cmpuint (sample->len, >=, 2);
  g_assert_cmpuint (n_rows (window), ==, sample->len);
  g_assert_null (mpy_window_get_error_message (window));

  /* A newcomer sees a map at once. */
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);
  shown = mpy_window_get_shown_snapshot (window);
  g_assert_nonnull (shown);
  g_assert_true (mpy_snapshot_has_map (shown));
  g_assert_true (gtk_widget_get_visible (mpy_window_get_heap_view (window)));
  g_assert_true (gtk_widget_get_mapped (mpy_window_get_heap_view (window)));

  {
    g_autofree guint32 *pixels = NULL;
    int width, height;

    g_assert_true (mpy_heap_view_get_snapshot (MPY_HEAP_VIEW (mpy_window_get_heap_view (window))) == shown);
    /* The canvas really paints the map: object heads appear in their palette colour. */
    pixels = render_widget (mpy_window_get_heap_view (window), &width, &height);
    g_assert_true (texture_has_color (pixels, (gsize) width * height, mpy_palette_get_kind_color (MPY_KIND_HEAD, FALSE))
                   || texture_has_color (pixels, (gsize) width * height, mpy_palette_get_kind_color (MPY_KIND_HEAD, TRUE)));
    /* And every visible block in the colour of its kind. */
    check_canvas_colours (window);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_select_two_shows_diff (void)
{
  MpyWindow *window = new_window (TRUE);
  GtkSelectionModel *selection = mpy_window_get_selection (window);
  MpySnapshot *earlier = row_snapshot (window, 0);
  MpySnapshot *later = row_snapshot (window, 1);
  MpyDiff *diff;
  guint64 used_before, used_after;

  /* The sample's first two are the same heap before and after allocations. */
  gtk_selection_model_select_range (selection, 0, 2, TRUE);
  run_for (50);

  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);
  diff = mpy_window_get_shown_diff (window);
  g_assert_nonnull (diff);
  /* The later over the earlier. */
  g_assert_true (mpy_diff_get_before (diff) == earlier);
  g_assert_true (mpy_diff_get_after (diff) == later);

  g_assert_true (mpy_heap_view_get_diff (MPY_HEAP_VIEW (mpy_window_get_heap_view (window))) == diff);
  {
    /* The figures show the delta of the used heap, as the two dumps printed it. */
    const char *text = mpy_figures_panel_get_value_text (MPY_FIGURES_PANEL (mpy_window_get_figures_panel (window)), "gc_used");
    g_autofree char *delta = NULL;

    g_assert_true (mpy_snapshot_get_figure (earlier, MPY_FIGURE_GC_USED, &used_before));
    g_assert_true (mpy_snapshot_get_figure (later, MPY_FIGURE_GC_USED, &used_after));
    g_assert_cmpuint (used_before, !=, used_after);
    delta = g_strdup_printf ("%+" G_GINT64_FORMAT, (gint64) used_after - (gint64) used_before);
    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, delta));
  }
  {
    /* The canvas paints diff colours: allocated blocks appear. */
    g_autofree guint32 *pixels = NULL;
    int width, height;

    pixels = render_widget (mpy_window_get_heap_view (window), &width, &height);
    g_assert_true (texture_has_color (pixels, (gsize) width * height, mpy_palette_get_diff_color (MPY_DIFF_ALLOCATED, FALSE))
                   || texture_has_color (pixels, (gsize) width * height, mpy_palette_get_diff_color (MPY_DIFF_ALLOCATED, TRUE)));
    /* And every visible block in the colour of its diff state. */
    check_canvas_colours (window);
  }

  /* A single click on one row goes back to its map. */
  gtk_selection_model_select_item (selection, 1, TRUE);
  run_for (20);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);
  g_assert_null (mpy_window_get_shown_diff (window));

  /* Three selected: a hint how to compare, no map pretending to be a diff. */
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  run_for (20);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MESSAGE);
  g_assert_nonnull (strstr (mpy_window_get_view_message (window), "two"));
  g_assert_null (mpy_window_get_shown_diff (window));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_incompatible_pair_is_explained (void)
{
  MpyWindow *window = new_window (FALSE);
  g_autoptr(GPtrArray) two = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autofree char *unix_path = fixture_path ("unix-heap256k-after-alloc.txt");
  g_autofree char *qemu_path = fixture_path ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GError) error = NULL;

  a = mpy_dump_reader_read_file (unix_path, &error);
  g_assert_no_error (error);
  b = mpy_dump_reader_read_file (qemu_path, &error);
  g_assert_no_error (error);
  g_ptr_array_add (two, mpy_snapshot_ref (g_ptr_array_index (a, 0)));
  g_ptr_array_add (two, mpy_snapshot_ref (g_ptr_array_index (b, 0)));

  /* Two boards with different heaps, selected together. */
  mpy_window_add_snapshots (window, two, TRUE);
  run_for (20);

  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MESSAGE);
  g_assert_null (mpy_window_get_shown_diff (window));
  g_assert_nonnull (strstr (mpy_window_get_view_message (window), "cannot be compared"));
  /* Said once, not "cannot be compared: the snapshots cannot be compared". */
  g_assert_null (strstr (strstr (mpy_window_get_view_message (window), "cannot be compared") + 1,
                         "cannot be compared"));
  {
    MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_window_get_figures_panel (window));
    const char *note = mpy_figures_panel_get_value_text (panel, "note");

    g_autoptr(MpySnapshotItem) first = g_list_model_get_item (mpy_window_get_snapshots (window), 0);
    g_autoptr(MpySnapshotItem) second = g_list_model_get_item (mpy_window_get_snapshots (window), 1);

    /* The figures shown are of the later (here the second), with their change since the
     * first (a figure diff, issue 11): the panel says which. */
    mpy_snapshot_item_set_label (first, "Unix port");
    mpy_snapshot_item_set_label (second, "QEMU board");
    run_for (20);
    note = mpy_figures_panel_get_value_text (panel, "note");
    g_assert_nonnull (note);
    g_assert_nonnull (strstr (note, "of “QEMU board”"));
    g_assert_nonnull (strstr (note, "since “Unix port”"));
    g_assert_true (mpy_window_get_shown_snapshot (window) == mpy_snapshot_item_get_snapshot (second));
    g_assert_nonnull (strstr (mpy_figures_panel_get_value_text (panel, "gc_total"), "Δ"));
    /* no block counts for a pair without a block diff */
    g_assert_null (mpy_figures_panel_get_value_text (panel, "diff_blocks_allocated"));

    /* Three selected: the panel says so and how to compare, not "No snapshot selected". */
    mpy_window_add_snapshots (window, a, FALSE);
    gtk_selection_model_select_all (mpy_window_get_selection (window));
    run_for (20);
    note = mpy_figures_panel_get_value_text (panel, "note");
    g_assert_nonnull (note);
    g_assert_nonnull (strstr (note, "3 snapshots selected"));
    g_assert_nonnull (strstr (note, "select two to compare"));
    g_assert_null (mpy_figures_panel_get_value_text (panel, "gc_used"));

    /* One selected again: no note over its own figures. */
    gtk_selection_model_select_item (mpy_window_get_selection (window), 0, TRUE);
    run_for (20);
    g_assert_null (mpy_figures_panel_get_value_text (panel, "note"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A named log (real MicroPython, tests/core/data): labels from the log, the console context
 * of the shown dump under the figures, and two dumps without maps compared by figures. */
static void
test_named_log_console_and_figure_diff (void)
{
  MpyWindow *window = new_window (FALSE);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "core", "data",
                                                 "webassembly-named-log-localtime.txt", NULL);
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GError) error = NULL;
  MpyFiguresPanel *panel = MPY_FIGURES_PANEL (mpy_window_get_figures_panel (window));
  g_autofree char *console = NULL;

  dumps = mpy_dump_reader_read_file (path, &error);
  g_assert_no_error (error);
  mpy_window_add_snapshots (window, dumps, TRUE);
  run_for (20);

  /* the last added is selected: "with x", and what the program printed before it */
  {
    g_autoptr(MpySnapshotItem) item = g_list_model_get_item (mpy_window_get_snapshots (window), 1);

    g_autofree char *time_text = mpy_snapshot_item_dup_time_text (item);

    g_assert_cmpstr (mpy_snapshot_item_get_label (item), ==, "with x");
    /* read from a file, no capture time: the list shows the board's clock */
    g_assert_cmpstr (time_text, ==, "2026-12-04 18:30:07 (board clock)");
  }
  gtk_selection_model_select_item (mpy_window_get_selection (window), 1, TRUE);
  run_for (20);
  console = mpy_window_dup_console_text (window);
  g_assert_cmpstr (console, ==, "x is 300\n");
  g_assert_nonnull (mpy_figures_panel_get_value_text (panel, "board_time"));

  /* the first printed nothing before it: no console shown */
  gtk_selection_model_select_item (mpy_window_get_selection (window), 0, TRUE);
  run_for (20);
  g_assert_null (mpy_window_dup_console_text (window));

  /* both (mem_info() without argument): no map to overlay, the figures with deltas */
  gtk_selection_model_select_all (mpy_window_get_selection (window));
  run_for (20);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MESSAGE);
  g_assert_nonnull (strstr (mpy_window_get_view_message (window), "no map to overlay"));
  g_assert_nonnull (strstr (mpy_figures_panel_get_value_text (panel, "gc_used"), "Δ\u00a0+608"));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} AsyncDone;

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncDone *done = user_data;

  done->ok = mpy_window_export_png_finish (MPY_WINDOW (object), result, &done->error);
  done->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((AsyncDone *) data)->done;
}

static void
check_export (MpyWindow  *window,
              const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AsyncDone done = { 0 };
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;
  cairo_surface_t *png;
  int width, height;
  double scale = mpy_window_get_export_scale (window);
  guint max_scale;
  double map_w, map_h;

  mpy_window_export_png_async (window, file, NULL, export_done_cb, &done);
  g_assert_true (run_until (is_done, &done, 20000));
  g_assert_no_error (done.error);
  g_assert_true (done.ok);

  mpy_heap_view_get_options (MPY_HEAP_VIEW (mpy_window_get_heap_view (window)), &options);
  options.dark = FALSE;
  mpy_renderer_get_size (mpy_window_get_shown_snapshot (window), mpy_window_get_shown_diff (window),
                         &options, scale, &width, &height);
  /* The map is the picture, at the canvas's columns: at least ~1000 px on its longer side
   * (a strip under large text was not), unless that would pass Cairo's limit. */
  max_scale = mpy_renderer_get_max_scale (mpy_window_get_shown_snapshot (window),
                                          mpy_window_get_shown_diff (window), &options);
  map_w = mpy_layout_get_row_width (&options) * scale;
  map_h = mpy_layout_get_n_rows (mpy_window_get_shown_snapshot (window), &options) * scale;
  g_test_message ("export at %g px per block: map %g × %g, picture %d × %d", scale, map_w, map_h,
                  width, height);
  g_assert_cmpfloat (scale, >=, MPY_WINDOW_EXPORT_SCALE);
  g_assert_true (MAX (map_w, map_h) >= MPY_WINDOW_EXPORT_MAP_SIZE || scale == max_scale);

  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, height);
  /* At least the map itself: a row of blocks at the export scale, every row of the heap. */
  g_assert_cmpint (width, >=, (int) map_w);
  g_assert_cmpint (height, >=, (int) map_h);
  cairo_surface_destroy (png);
}

static void
test_export_png (void)
{
  MpyWindow *window = new_window (TRUE);
  g_autofree char *dir = g_dir_make_tmp ("mpy-export-XXXXXX", NULL);
  g_autofree char *map_path = g_build_filename (dir, "map.png", NULL);
  g_autofree char *diff_path = g_build_filename (dir, "diff.png", NULL);

  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);
  check_export (window, map_path);

  gtk_selection_model_select_range (mpy_window_get_selection (window), 0, 2, TRUE);
  run_for (20);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);
  check_export (window, diff_path);

  /* At the view's columns: a wider map is exported wider. */
  g_object_set (mpy_window_get_heap_view (window), "columns", 4, NULL);
  run_for (20);
  check_export (window, diff_path);
  /* (The column count is a setting: back to the default for the tests after this one.) */
  g_object_set (mpy_window_get_heap_view (window), "columns", 1, NULL);

  g_unlink (map_path);
  g_unlink (diff_path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A session whose label and port are not UTF-8: the list and the canvas show U+FFFD, with no
 * Pango warning (warnings are fatal here), and saving keeps the bytes (issue 8.7). */
static void
test_import_invalid_utf8_label (void)
{
  MpyWindow *window = new_window (TRUE);
  g_autofree char *dir = g_dir_make_tmp ("mpy-utf8-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hostile.mpysession", NULL);
  g_autofree char *dump_path = fixture_path ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *dump = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gsize length = 0;
  RowCount count;
  MpySnapshot *shown;

  g_assert_true (g_file_get_contents (dump_path, &dump, &length, NULL));
  text = g_strdup_printf ("# MpyMemMap session 1\n"
                          "@snapshot port=\"/dev/tty\\xff\" bytes=%" G_GSIZE_FORMAT
                          " label=bad \\xc3\\x28 label\n%s\n", length, dump);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  mpy_window_import_files (window, &file, 1);
  count.window = window;
  count.n = 1;
  g_assert_true (run_until (has_exactly_rows, &count, 10000));
  run_for (100);
  shown = row_snapshot (window, 0);
  g_assert_cmpstr (mpy_snapshot_get_label (shown), ==, "bad \xef\xbf\xbd( label");
  g_assert_true (g_utf8_validate (mpy_snapshot_get_port (shown), -1, NULL));
  /* Drawn: the row and the canvas lay the label out. */
  {
    int width = 0, height = 0;
    g_autofree guint32 *pixels = render_widget (GTK_WIDGET (window), &width, &height);

    g_assert_cmpint (width, >, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_open_console_log (void)
{
  static const char *dumps[] = { "qemu-mps2-an385-after-alloc.txt", "qemu-mps2-an385-after-del-gc.txt" };
  MpyWindow *window = new_window (TRUE);
  g_autofree char *dir = g_dir_make_tmp ("mpy-log-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "picocom.log", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  RowCount count;

  /* A terminal session as picocom records it: boot text, prompts, prints, and two dumps. */
  g_string_append (log, "Terminal ready\r\nMicroPython v1.29.0-preview on 2026-11-25; MPS2 with CM3\r\n"
                        "Type \"help()\" for more information.\r\n>>> import micropython\r\n"
                        ">>> micropython.mem_info(1)\r\n");
  for (guint i = 0; i < G_N_ELEMENTS (dumps); i++)
    {
      g_autofree char *dump_path = fixture_path (dumps[i]);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (dump_path, &text, NULL, NULL));
      g_string_append (log, text);
      g_string_append (log, ">>> del a; import gc; gc.collect()\r\n>>> print('step', 2)\r\nstep 2\r\n"
                            ">>> micropython.mem_info(1)\r\n");
    }
  g_string_append (log, ">>> \r\nThanks for using picocom\r\n");
  g_assert_true (g_file_set_contents (path, log->str, log->len, NULL));

  expected = mpy_dump_reader_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, G_N_ELEMENTS (dumps));

  mpy_window_open_files (window, &file, 1);
  /* The log's dumps replace the untouched sample. */
  count.window = window;
  count.n = expected->len;
  g_assert_true (run_until (has_exactly_rows, &count, 10000));
  run_for (50);
  g_assert_cmpuint (n_rows (window), ==, expected->len);
  g_assert_null (mpy_window_get_error_message (window));
  for (guint i = 0; i < expected->len; i++)
    {
      g_assert_cmpstr (mpy_snapshot_get_raw_text (row_snapshot (window, i)), ==,
                       mpy_snapshot_get_raw_text (g_ptr_array_index (expected, i)));
      /* Unlabelled dumps are named after the file. */
      g_assert_nonnull (strstr (mpy_snapshot_get_label (row_snapshot (window, i)), "picocom.log"));
    }
  /* Both are selected: the second over the first. */
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);
  /* A log is not a session: Save must not write over it. */
  g_assert_null (mpy_window_get_file (window));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_open_bad_file_shows_error (void)
{
  MpyWindow *window = new_window (TRUE);
  guint before = n_rows (window);
  g_autofree char *dir = g_dir_make_tmp ("mpy-bad-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_true (g_file_set_contents (path, "hello\nno heap dump in here\n", -1, NULL));
  mpy_window_open_files (window, &file, 1);
  g_assert_true (run_until (error_shown, window, 10000));

  /* The message names the file, and the open session is untouched. */
  g_assert_nonnull (strstr (mpy_window_get_error_message (window), "notes.txt"));
  g_assert_cmpuint (n_rows (window), ==, before);

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
open_batch_finished (gpointer data)
{
  RowCount *count = data;

  return n_rows (count->window) == count->n && mpy_window_get_error_message (count->window) != NULL;
}

static void
test_open_truncated_session_says_what_was_cut (void)
{
  /* A session cut off inside its third record: the two whole records open, and the banner
   * names the file and the snapshot that was cut (issue 8, item 4). */
  MpyWindow *window = new_window (TRUE);
  g_autofree char *dir = g_dir_make_tmp ("mpy-cut-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cut.mpysession", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  const char *names[] = { "qemu-mps2-an385-after-alloc.txt", "unix-heap256k-fragmented.txt",
                          "microbit-v1.0.1-after-alloc.txt" };
  g_autofree char *text = NULL;
  const char *message;
  gsize length = 0;
  RowCount count;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *fixture = fixture_path (names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (fixture, &error);

      g_assert_no_error (error);
      g_ptr_array_add (list, mpy_snapshot_ref (g_ptr_array_index (dumps, 0)));
    }
  text = mpy_session_to_text (list, &length);
  g_assert_true (g_file_set_contents (path, text, length - 100, NULL));

  mpy_window_open_files (window, &file, 1);
  count.window = window;
  count.n = 2;
  g_assert_true (run_until (open_batch_finished, &count, 10000));
  message = mpy_window_get_error_message (window);
  g_assert_nonnull (strstr (message, "cut.mpysession"));
  g_assert_nonnull (strstr (message, "truncated"));
  g_assert_nonnull (strstr (message, "snapshot 3"));
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (mpy_snapshot_get_raw_text (row_snapshot (window, i)), ==,
                     mpy_snapshot_get_raw_text (g_ptr_array_index (list, i)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}


static void
test_open_several_keeps_order_and_reports_each_failure (void)
{
  MpyWindow *window = new_window (TRUE);
  g_autofree char *dir = g_dir_make_tmp ("mpy-several-XXXXXX", NULL);
  g_autofree char *fixture = fixture_path ("unix-heap256k-after-alloc.txt");
  g_autofree char *small_fixture = fixture_path ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *dump = NULL;
  g_autofree char *small_dump = NULL;
  /* A FIFO with no writer: opening it must fail at once, not stall the batch (issue 8.5). */
  const char *names[] = { "big.txt", "small.txt", "junk.bin", "empty.txt", "missing.txt", "adir",
                          "pipe" };
  GFile *files[G_N_ELEMENTS (names)];
  g_autoptr(GString) big = g_string_new (NULL);
  const char *message;
  const guint n_big = 150;
  RowCount count;

  g_assert_true (g_file_get_contents (fixture, &dump, NULL, NULL));
  g_assert_true (g_file_get_contents (small_fixture, &small_dump, NULL, NULL));
  /* The first file takes much longer to read than the second. */
  for (guint i = 0; i < n_big; i++)
    g_string_append (big, dump);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      files[i] = g_file_new_for_path (path);
      if (i == 0)
        g_assert_true (g_file_set_contents (path, big->str, big->len, NULL));
      else if (i == 1)
        g_assert_true (g_file_set_contents (path, small_dump, -1, NULL));
      else if (i == 2)
        g_assert_true (g_file_set_contents (path, "\x7f" "ELF\x01\x02\x00\xff\xfe binary", 16, NULL));
      else if (i == 3)
        g_assert_true (g_file_set_contents (path, "", 0, NULL));
      else if (i == 5)
        g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      else if (i == 6)
        g_assert_cmpint (mkfifo (path, 0600), ==, 0);
    }

  mpy_window_open_files (window, files, G_N_ELEMENTS (files));
  count.window = window;
  count.n = n_big + 1;
  g_assert_true (run_until (open_batch_finished, &count, 30000));
  run_for (100);

  /* The list is in the order given, not the order the reads finished. */
  g_assert_cmpuint (n_rows (window), ==, n_big + 1);
  for (guint i = 0; i < n_big; i++)
    g_assert_nonnull (strstr (mpy_snapshot_get_label (row_snapshot (window, i)), "big.txt"));
  g_assert_nonnull (strstr (mpy_snapshot_get_label (row_snapshot (window, n_big)), "small.txt"));

  /* One banner names every file that failed, each with its reason. */
  message = mpy_window_get_error_message (window);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "5 files could not be opened"));
  g_assert_nonnull (strstr (message, "not a regular file"));
  for (guint i = 2; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s: ", names[i]);

      g_assert_nonnull (strstr (message, line));
    }
  g_assert_null (strstr (message, "big.txt"));
  g_assert_null (strstr (message, "small.txt"));
  /* Each file is named once, by its name, not again by its full path. */
  g_assert_null (strstr (message, dir));

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (i == 5)
        g_rmdir (path);
      else
        g_unlink (path);
      g_object_unref (files[i]);
    }
  g_rmdir (dir);
}

static void
test_opened_session_is_journaled_once_changed (void)
{
  g_autofree char *journal_path = NULL;
  g_autofree char *file_note = NULL;
  g_autofree char *note_path = NULL;
  g_autofree char *dump = fixture_path ("unix-heap256k-after-alloc.txt");
  g_autofree char *pasted = fixture_path ("qemu-mps2-an385-fragmented.txt");
  g_autofree char *dir = g_dir_make_tmp ("mpy-journal-XXXXXX", NULL);
  g_autofree char *session = g_build_filename (dir, "two.mpysession", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (session);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GPtrArray) two = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GError) error = NULL;
  MpyWindow *window;
  RowCount count;
  gint64 start;

  dumps = mpy_dump_reader_read_file (dump, &error);
  g_assert_no_error (error);
  g_ptr_array_add (two, mpy_snapshot_with_label (g_ptr_array_index (dumps, 0), "first"));
  g_ptr_array_add (two, mpy_snapshot_with_label (g_ptr_array_index (dumps, 0), "second"));
  g_assert_true (mpy_session_write_file (session, two, &error));
  g_assert_no_error (error);

  window = new_window (TRUE);
  journal_path = g_strdup (mpy_window_get_autosave_path (window));

  /* An opened session is on disk already: no journal while it is unchanged. */
  mpy_window_open_files (window, &file, 1);
  count.window = window;
  count.n = 2;
  g_assert_true (run_until (has_exactly_rows, &count, 10000));
  mpy_document_flush_journal (mpy_window_get_document (window));
  g_assert_false (g_file_test (journal_path, G_FILE_TEST_EXISTS));

  /* A paste changes it: the journal is the whole document now, in order, with its file, so a
   * crash brings back all three where they belong. */
  g_assert_true (g_file_get_contents (pasted, &text, NULL, NULL));
  mpy_window_add_text (window, text);
  g_assert_cmpuint (n_rows (window), ==, 3);
  start = g_get_monotonic_time ();
  while ((journal == NULL || journal->len < 3) && g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC)
    {
      g_clear_pointer (&journal, g_ptr_array_unref);
      run_for (20);
      journal = mpy_autosave_load (journal_path, NULL);
    }
  g_assert_nonnull (journal);
  g_assert_cmpuint (journal->len, ==, 3);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (journal, 0)), ==, "first");
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (journal, 1)), ==, "second");
  g_assert_cmpstr (mpy_snapshot_get_raw_text (g_ptr_array_index (journal, 2)), ==,
                   mpy_snapshot_get_raw_text (row_snapshot (window, 2)));
  note_path = g_strconcat (journal_path, ".file", NULL);
  g_assert_true (g_file_get_contents (note_path, &file_note, NULL, NULL));
  g_assert_cmpstr (file_note, ==, session);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
  g_unlink (journal_path);
  g_unlink (note_path);
  g_unlink (session);
  g_rmdir (dir);
}

static void
test_paste_text (void)
{
  MpyWindow *window = new_window (FALSE);
  g_autofree char *path = fixture_path ("microbit-v1.0.1-fragmented.txt");
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkClipboard *clipboard;
  RowCount count = { window, 1 };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));

  /* Ctrl+V with dump text on the clipboard adds it as a snapshot and shows it. */
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  gdk_clipboard_set_text (clipboard, text);
  gtk_widget_grab_focus (GTK_WIDGET (mpy_window_get_heap_view (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL);
  g_assert_true (run_until (has_rows, &count, 5000));
  g_assert_cmpuint (n_rows (window), ==, 1);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);

  /* With the focus in a text entry (Run on Board), Ctrl+V pastes into the entry instead. */
  {
    GtkWidget *entry = NULL;
    GtkWidget *sidebar = GTK_WIDGET (mpy_window_get_device_sidebar (window));

    for (GtkWidget *w = gtk_widget_get_first_child (sidebar); w != NULL; )
      {
        if (GTK_IS_ENTRY (w) && g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (w)), NULL) != 0
            && gtk_widget_has_css_class (w, "monospace"))
          {
            entry = w;
            break;
          }
        /* depth-first walk */
        if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != sidebar && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = w == sidebar ? NULL : gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_nonnull (entry);
    gdk_clipboard_set_text (clipboard, "x = [0] * 100");
    g_assert_true (gtk_widget_grab_focus (entry));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL);
    run_for (200);
    g_assert_cmpuint (n_rows (window), ==, 1);
    g_assert_null (mpy_window_get_error_message (window));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "x = [0] * 100");
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  }

  /* Text without a dump: a message in the window, nothing added. */
  mpy_window_add_text (window, "just some text\n>>> print(1)\n1\n");
  g_assert_nonnull (mpy_window_get_error_message (window));
  g_assert_cmpuint (n_rows (window), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncDone *done = user_data;

  done->ok = mpy_window_save_to_finish (MPY_WINDOW (object), result, &done->error);
  done->done = TRUE;
}

static void
test_save_round_trip (void)
{
  MpyWindow *window = new_window (TRUE);
  g_autofree char *dir = g_dir_make_tmp ("mpy-save-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "heap.mpysession", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpySnapshotItem) item = NULL;
  AsyncDone done = { 0 };

  /* Rename the first snapshot, then save. */
  item = g_list_model_get_item (mpy_window_get_snapshots (window), 0);
  mpy_snapshot_item_set_label (item, "my renamed snapshot");
  mpy_window_save_to_async (window, file, NULL, save_done_cb, &done);
  g_assert_true (run_until (is_done, &done, 10000));
  g_assert_no_error (done.error);
  g_assert_true (g_file_equal (mpy_window_get_file (window), file));

  reread = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reread->len, ==, n_rows (window));
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (reread, 0)), ==, "my renamed snapshot");
  for (guint i = 0; i < reread->len; i++)
    g_assert_cmpstr (mpy_snapshot_get_raw_text (g_ptr_array_index (reread, i)), ==,
                     mpy_snapshot_get_raw_text (row_snapshot (window, i)));

  gtk_window_destroy (GTK_WINDOW (window));

  /* Main menu → Open Recent brings the saved session back into a new window. */
  {
    MpyWindow *again = new_window (FALSE);
    RowCount count = { again, reread->len };

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (again), "win.open-recent", "s", path));
    g_assert_true (run_until (has_rows, &count, 10000));
    g_assert_cmpuint (n_rows (again), ==, reread->len);
    g_assert_true (g_file_equal (mpy_window_get_file (again), file));
    gtk_window_destroy (GTK_WINDOW (again));
  }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_autosave_restore (void)
{
  g_autofree char *journal_path = mpy_autosave_get_default_path ();
  g_autofree char *path = fixture_path ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own_path = NULL;
  MpyWindow *window;

  /* A crashed run left two captures in the journal. */
  dumps = mpy_dump_reader_read_file (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(MpyAutosave) autosave = mpy_autosave_new (journal_path);
    g_autoptr(MpySnapshot) first = mpy_snapshot_with_label (g_ptr_array_index (dumps, 0), "lost capture 1");
    g_autoptr(MpySnapshot) second = mpy_snapshot_with_label (g_ptr_array_index (dumps, 0), "lost capture 2");

    mpy_autosave_add (autosave, first);
    mpy_autosave_add (autosave, second);
    mpy_autosave_flush (autosave);
  }

  window = mpy_window_new (GTK_APPLICATION (app));
  mpy_window_load_initial (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (run_until (mpy_test_window_mapped, window, 5000));

  /* Offered, not forced: the sample shows until the user restores. */
  g_assert_cmpuint (n_rows (window), >, 0);
  g_assert_cmpstr (mpy_snapshot_get_label (row_snapshot (window, 0)), !=, "lost capture 1");
  {
    /* The "Restore" button of the banner. */
    GtkWidget *bar = NULL;
    for (GtkWidget *w = gtk_widget_get_first_child (gtk_window_get_child (GTK_WINDOW (window)));
         w != NULL; w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_INFO_BAR (w) && gtk_info_bar_get_revealed (GTK_INFO_BAR (w)))
        bar = w;
    g_assert_nonnull (bar);
    gtk_info_bar_response (GTK_INFO_BAR (bar), 2 /* Restore */);
  }
  run_for (50);

  g_assert_cmpuint (n_rows (window), ==, 2);
  g_assert_cmpstr (mpy_snapshot_get_label (row_snapshot (window, 0)), ==, "lost capture 1");
  g_assert_cmpstr (mpy_snapshot_get_label (row_snapshot (window, 1)), ==, "lost capture 2");

  /* Deleting one rewrites the journal: a crash now would bring back exactly one. */
  gtk_selection_model_select_item (mpy_window_get_selection (window), 0, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-snapshots", NULL);
  g_assert_cmpuint (n_rows (window), ==, 1);
  /* The ended run's journal is gone once restored: its snapshots are in this window's. */
  g_assert_false (g_file_test (journal_path, G_FILE_TEST_EXISTS));
  own_path = g_strdup (mpy_window_get_autosave_path (window));
  gtk_window_destroy (GTK_WINDOW (window));  /* flushes the journal */
  run_for (50);

  journal = mpy_autosave_load (own_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (journal);
  g_assert_cmpuint (journal->len, ==, 1);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (journal, 0)), ==, "lost capture 2");
}

static void
test_pasted_snapshot_is_journaled (void)
{
  const char *journal_path;
  g_autofree char *path = fixture_path ("qemu-mps2-an385-fragmented.txt");
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GError) error = NULL;
  MpyWindow *window = new_window (TRUE);
  gint64 start;

  journal_path = mpy_window_get_autosave_path (window);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  start = g_get_monotonic_time ();
  mpy_window_add_text (window, text);

  /* On disk within a second, without waiting for a clean exit (kill -9 loses nothing). */
  while ((journal == NULL || journal->len == 0) && g_get_monotonic_time () - start < G_USEC_PER_SEC)
    {
      g_clear_pointer (&journal, g_ptr_array_unref);
      g_clear_error (&error);
      run_for (20);
      journal = mpy_autosave_load (journal_path, NULL);
    }
  g_assert_nonnull (journal);
  g_assert_cmpuint (journal->len, ==, 1);
  g_assert_cmpstr (mpy_snapshot_get_raw_text (g_ptr_array_index (journal, 0)), ==,
                   mpy_snapshot_get_raw_text (row_snapshot (window, 0)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
journal_file_has_snapshots (gpointer data)
{
  g_autoptr(GPtrArray) journal = mpy_autosave_load (data, NULL);

  return journal != NULL && journal->len > 0;
}

/* Two instances (no session bus: two processes) each journal to a file of their own, locked
 * while they run: neither offers nor deletes the other's live journal; a journal whose process
 * ended is offered, and Discard deletes only that one. */
static void
test_journals_of_running_instances_are_not_offered (void)
{
  g_autofree char *text = NULL;
  g_autofree char *dump_path = fixture_path ("qemu-mps2-an385-fragmented.txt");
  g_autofree char *live_path = NULL;
  g_autofree char *other_path = mpy_journal_lock_new_own_path ();
  g_autofree char *other_dir = g_path_get_dirname (other_path);
  g_autofree char *foreign_path = g_build_filename (other_dir, "autosave-4000000-1.mpysession", NULL);
  g_autofree char *foreign_lock = g_strconcat (foreign_path, ".lock", NULL);
  g_autoptr(GPtrArray) dumps = NULL;
  g_autoptr(GError) error = NULL;
  MpyWindow *a, *b;
  int ready[2];
  pid_t child;
  int status;
  char byte;

  /* Instance A runs and has an unsaved paste in its journal. */
  a = new_window (TRUE);
  live_path = g_strdup (mpy_window_get_autosave_path (a));
  g_assert_true (g_file_get_contents (dump_path, &text, NULL, NULL));
  mpy_window_add_text (a, text);
  g_assert_true (run_until (journal_file_has_snapshots, live_path, 5000));

  /* Another process (instance C, running) holds its journal locked. */
  dumps = mpy_dump_reader_read_file (dump_path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(MpyAutosave) autosave = mpy_autosave_new (foreign_path);
    g_autoptr(MpySnapshot) lost = mpy_snapshot_with_label (g_ptr_array_index (dumps, 0), "C's capture");

    mpy_autosave_add (autosave, lost);
    mpy_autosave_flush (autosave);
  }
  /* The child only makes async-signal-safe calls: take the lock, say so, wait to be killed. */
  g_assert_cmpint (pipe (ready), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      int fd = open (foreign_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

      if (fd < 0 || flock (fd, LOCK_EX) != 0 || write (ready[1], "x", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);
  g_assert_null (mpy_journal_lock_try (foreign_path, NULL));

  /* Instance B starts: nothing to offer, A and C are alive. */
  b = mpy_window_new (GTK_APPLICATION (app));
  g_assert_false (mpy_window_offer_restore (b));
  g_assert_true (g_file_test (live_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (foreign_path, G_FILE_TEST_EXISTS));

  /* C dies without saving: its journal is offered now. */
  kill (child, SIGKILL);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (mpy_window_offer_restore (b));
  g_assert_nonnull (revealed_restore_bar (b));

  /* Discard deletes C's journal, and only it: A's keeps its snapshot. */
  gtk_info_bar_response (revealed_restore_bar (b), 1 /* Discard */);
  run_for (50);
  g_assert_false (g_file_test (foreign_path, G_FILE_TEST_EXISTS));
  g_assert_true (run_until (journal_file_has_snapshots, live_path, 1000));
  g_assert_false (mpy_window_offer_restore (b));

  /* A window that ends with nothing unsaved leaves neither journal nor lock file behind. */
  {
    g_autofree char *b_lock = g_strconcat (mpy_window_get_autosave_path (b), ".lock", NULL);

    g_assert_true (g_file_test (b_lock, G_FILE_TEST_EXISTS));
    gtk_window_destroy (GTK_WINDOW (b));
    run_for (50);
    g_assert_false (g_file_test (b_lock, G_FILE_TEST_EXISTS));
  }
  gtk_window_destroy (GTK_WINDOW (a));
  run_for (50);
  g_unlink (foreign_lock);
}

static void
test_rename_and_delete (void)
{
  MpyWindow *window = new_window (TRUE);
  GtkSelectionModel *selection = mpy_window_get_selection (window);
  guint before = n_rows (window);
  g_autoptr(MpySnapshot) second = mpy_snapshot_ref (row_snapshot (window, 1));
  g_autoptr(MpySnapshotItem) item = NULL;

  /* Delete the first of the selection range: the one after it moves up. */
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-snapshots", NULL));
  g_assert_cmpuint (n_rows (window), ==, before - 1);
  g_assert_true (row_snapshot (window, 0) == second);

  /* Rename keeps the map and changes the label everywhere. */
  item = g_list_model_get_item (mpy_window_get_snapshots (window), 0);
  mpy_snapshot_item_set_label (item, "  after my change  ");
  g_assert_cmpstr (mpy_snapshot_get_label (row_snapshot (window, 0)), ==, "after my change");
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (row_snapshot (window, 0)), ==, mpy_snapshot_get_n_blocks (second));
  /* An empty name is refused: the row stays readable. */
  mpy_snapshot_item_set_label (item, "   ");
  g_assert_cmpstr (mpy_snapshot_get_label (row_snapshot (window, 0)), ==, "after my change");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_application_opens_files (void)
{
  g_autofree char *path = fixture_path ("microbit-v1.0.1-fragmented.txt");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *active;
  MpyWindow *window;
  RowCount count;

  /* `mpymemmap FILE`: GApplication's open makes the main window and reads the file into it. */
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_application_open (G_APPLICATION (app), &file, 1, "");
  active = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (MPY_IS_WINDOW (active));
  window = MPY_WINDOW (active);
  count.window = window;
  count.n = 1;
  g_assert_true (run_until (has_rows, &count, 10000));
  g_assert_cmpuint (n_rows (window), ==, 1);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);

  gtk_window_destroy (active);
}

static void
test_damaged_dump_is_marked (void)
{
  MpyWindow *window = new_window (FALSE);
  g_autofree char *path = fixture_path ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *text = NULL;
  g_autoptr(GString) lossy = g_string_new (NULL);
  g_autoptr(MpySnapshotItem) item = NULL;
  g_auto(GStrv) lines = NULL;
  guint map_lines = 0;

  /* Serial data lost a line of the block map in the middle. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strlen (lines[i]) > 10 && lines[i][8] == ':' && g_ascii_isxdigit (lines[i][0])
          && ++map_lines == 3)
        continue;
      g_string_append (lossy, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (lossy, '\n');
    }
  g_assert_cmpuint (map_lines, >, 3);

  mpy_window_add_text (window, lossy->str);
  g_assert_cmpuint (n_rows (window), ==, 1);

  /* Kept, but never shown as if whole: the row and the heading say it is damaged, and why. */
  item = g_list_model_get_item (mpy_window_get_snapshots (window), 0);
  g_assert_true (mpy_snapshot_item_get_damaged (item));
  g_assert_nonnull (mpy_snapshot_item_get_damage_reason (item));
  g_assert_nonnull (strstr (mpy_window_get_view_title (window), "damaged"));
  g_assert_nonnull (strstr (mpy_window_get_view_title (window), mpy_snapshot_item_get_damage_reason (item)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_drop_files (void)
{
  MpyWindow *window = new_window (TRUE);
  g_autofree char *path = fixture_path ("unix-heap256k-fragmented.txt");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkDropTarget *target = NULL;
  GSList *files = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  RowCount count = { window, 1 };

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  /* A file dropped from a file manager replaces the untouched sample with its dump. */
  files = g_slist_append (files, g_file_new_for_path (path));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 100.0, 100.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);

  /* (The sample's rows already satisfy "at least one": wait for exactly one.) */
  g_assert_true (run_until (has_exactly_rows, &count, 10000));
  run_for (20);
  g_assert_cmpuint (n_rows (window), ==, 1);
  g_assert_nonnull (strstr (mpy_snapshot_get_label (row_snapshot (window, 0)), "unix-heap256k-fragmented.txt"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_line_overrides_per_port (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "com.example.MpyMemMap", TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) overrides = NULL;
  MpyDeviceSidebar *sidebar;
  MpyWindow *window;
  const char *dtr = NULL, *rts = NULL;

  if (schema == NULL)
    {
      g_test_skip ("The GSettings schema is not compiled in this build (GSETTINGS_SCHEMA_DIR)");
      return;
    }

  settings = g_settings_new ("com.example.MpyMemMap");
  window = new_window (TRUE);
  sidebar = mpy_window_get_device_sidebar (window);

  /* A board that resets when RTS changes: RTS off, for this port only. */
  mpy_device_sidebar_set_path (sidebar, "/dev/ttyUSB7");
  mpy_device_sidebar_set_lines (sidebar, 0, 2);
  overrides = g_settings_get_value (settings, "line-overrides");
  g_assert_true (g_variant_lookup (overrides, "/dev/ttyUSB7", "(&s&s)", &dtr, &rts));
  g_assert_cmpstr (dtr, ==, "default");
  g_assert_cmpstr (rts, ==, "off");

  /* Another port starts at the defaults; back on the first, its override returns. */
  mpy_device_sidebar_set_path (sidebar, "/dev/ttyACM0");
  g_assert_cmpuint (mpy_device_sidebar_get_rts (sidebar), ==, 0);
  mpy_device_sidebar_set_path (sidebar, "/dev/ttyUSB7");
  g_assert_cmpuint (mpy_device_sidebar_get_dtr (sidebar), ==, 0);
  g_assert_cmpuint (mpy_device_sidebar_get_rts (sidebar), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The ports listed in "raw-paste-off" get plain raw mode; any other port the default. */
static void
test_raw_paste_off_per_port (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "com.example.MpyMemMap", TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  MpyDeviceSidebar *sidebar;
  MpyWindow *window;

  if (schema == NULL)
    {
      g_test_skip ("The GSettings schema is not compiled in this build (GSETTINGS_SCHEMA_DIR)");
      return;
    }

  settings = g_settings_new ("com.example.MpyMemMap");
  g_settings_set_strv (settings, "raw-paste-off", (const char * const[]) { "/dev/ttyUSB9", NULL });
  window = new_window (TRUE);
  sidebar = mpy_window_get_device_sidebar (window);

  mpy_device_sidebar_set_path (sidebar, "/dev/ttyUSB9");
  g_assert_cmpint (mpy_board_get_raw_paste (mpy_device_sidebar_get_board (sidebar)), ==,
                   MPY_RAW_PASTE_OFF);
  mpy_device_sidebar_set_path (sidebar, "/dev/ttyACM0");
  g_assert_cmpint (mpy_board_get_raw_paste (mpy_device_sidebar_get_board (sidebar)), ==,
                   MPY_RAW_PASTE_AUTO);
  mpy_device_sidebar_set_path (sidebar, "/dev/ttyUSB9");
  g_assert_cmpint (mpy_board_get_raw_paste (mpy_device_sidebar_get_board (sidebar)), ==,
                   MPY_RAW_PASTE_OFF);

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "raw-paste-off");
}

static void
test_zoom_actions_and_accels (void)
{
  MpyWindow *window = new_window (TRUE);
  g_auto(GStrv) capture_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.capture");
  g_auto(GStrv) export_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.export-png");

  /* The documented shortcuts reach the actions that menus and buttons use. */
  g_assert_true (g_strv_contains ((const char * const *) capture_accels, "<Control>r"));
  g_assert_true (g_strv_contains ((const char * const *) export_accels, "<Control>e"));

  {
    MpyHeapView *view = MPY_HEAP_VIEW (mpy_window_get_heap_view (window));
    double fitted, zoomed;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-fit", NULL));
    run_for (20);
    fitted = mpy_heap_view_get_scale (view);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL));
    run_for (20);
    zoomed = mpy_heap_view_get_scale (view);
    g_assert_cmpfloat (zoomed, >, fitted);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-out", NULL));
    run_for (20);
    g_assert_cmpfloat (mpy_heap_view_get_scale (view), <, zoomed);
    /* The view options of the main menu drive the canvas (and so the export). */
    {
      gboolean rainbow;
      guint columns;

      g_object_get (view, "rainbow", &rainbow, NULL);
      g_action_group_activate_action (G_ACTION_GROUP (window), "rainbow", NULL);
      g_assert_true (mpy_heap_view_get_snapshot (view) != NULL);
      {
        gboolean now;
        g_object_get (view, "rainbow", &now, NULL);
        g_assert_true (now != rainbow);
      }
      g_action_group_activate_action (G_ACTION_GROUP (window), "columns", g_variant_new_uint32 (2));
      g_object_get (view, "columns", &columns, NULL);
      g_assert_cmpuint (columns, ==, 2);
      g_action_group_activate_action (G_ACTION_GROUP (window), "columns", g_variant_new_uint32 (1));
      /* (Settings live on through the whole run: leave them as they were.) */
      g_action_group_activate_action (G_ACTION_GROUP (window), "rainbow", NULL);
    }

    /* 1:1 is 8 px per block. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL));
    run_for (20);
    g_assert_cmpfloat_with_epsilon (mpy_heap_view_get_scale (view), 8.0, 1e-9);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_editing_entry (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget) && gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_editing_entry (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_rename_inline (void)
{
  MpyWindow *window = new_window (TRUE);
  GtkWidget *entry;
  GtkWidget *list = NULL;

  /* F2 (win.rename-snapshot) turns the selected row's label into an entry. */
  gtk_selection_model_select_item (mpy_window_get_selection (window), 2, TRUE);
  run_for (20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.rename-snapshot", NULL));
  run_for (50);

  for (GtkWidget *w = gtk_root_get_focus (GTK_ROOT (window)); w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_LIST_VIEW (w))
      list = w;
  g_assert_nonnull (list);
  entry = find_editing_entry (list);
  g_assert_nonnull (entry);
  /* The toolkit's inline editor: a GtkEditableLabel in editing mode. */
  g_assert_true (GTK_IS_EDITABLE_LABEL (gtk_widget_get_ancestor (entry, GTK_TYPE_EDITABLE_LABEL)));
  g_assert_true (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (gtk_widget_get_ancestor (entry, GTK_TYPE_EDITABLE_LABEL))));

  /* Typing a name and Enter renames the snapshot. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "board after boot");
  g_signal_emit_by_name (entry, "activate");
  run_for (20);
  g_assert_cmpstr (mpy_snapshot_get_label (row_snapshot (window, 2)), ==, "board after boot");
  g_assert_false (gtk_widget_get_mapped (entry));
  /* (GTK 4.8's GtkEditableLabel ends an edit 100 ms after the focus leaves, from a timeout
   * that outlives the widget: the window is not destroyed before.) */
  run_for (200);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_keyboard_shortcuts_window (void)
{
  MpyWindow *window = new_window (TRUE);
  GtkWindow *overlay;

  /* Main menu → Keyboard Shortcuts has a shortcuts window, built from our resources, to show.
   * (It is not shown here: G_TEST_OPTION_ISOLATE_DIRS hides the MIME database from
   * gdk-pixbuf, which then cannot load the SVG of its search icon.) */
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "show-help-overlay"));

  /* Main menu → About shows the about dialog with our version. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  run_for (100);
  {
    GtkAboutDialog *about = NULL;
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);
        if (GTK_IS_ABOUT_DIALOG (toplevel))
          about = GTK_ABOUT_DIALOG (toplevel);
      }
    g_assert_nonnull (about);
    g_assert_cmpstr (gtk_about_dialog_get_version (about), ==, PACKAGE_VERSION);
    gtk_window_destroy (GTK_WINDOW (about));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

#ifdef HAVE_DEVICE

/* A fake board on a pty: answers the raw REPL and streams a real dump slowly, in small chunks,
 * as a board at a low baud rate does. */
typedef struct {
  int          master;
  int          slave;
  char        *slave_name;
  char        *dump;
  gsize        dump_len;
  GThread     *thread;
  volatile int stop;
  guint        n_mem_info;
  guint        n_gc;
  gulong       chunk_delay_us;  /* between 64-byte chunks of a dump */
} FakeBoard;

static void
fake_write (FakeBoard  *board,
            const char *data,
            gsize       len)
{
  while (len > 0)
    {
      ssize_t n = write (board->master, data, len);

      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        {
          g_usleep (1000);
          continue;
        }
      if (n <= 0)
        return;
      data += n;
      len -= (gsize) n;
    }
}

static void
fake_reply (FakeBoard  *board,
            GString    *code)
{
  if (strstr (code->str, "gc.collect()") != NULL)
    board->n_gc++;

  if (strstr (code->str, "mem_info") != NULL)
    {
      board->n_mem_info++;
      fake_write (board, "OK", 2);
      for (gsize off = 0; off < board->dump_len; off += 64)
        {
          fake_write (board, board->dump + off, MIN (64, board->dump_len - off));
          g_usleep (board->chunk_delay_us);
        }
      fake_write (board, "\x04\x04>", 3);
    }
  else if (strstr (code->str, "1/0") != NULL)
    {
      static const char tb[] = "OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>";
      fake_write (board, tb, sizeof tb - 1);
    }
  else if (strstr (code->str, "print(") != NULL)
    {
      static const char out[] = "OKhello from the board\r\n\x04\x04>";
      fake_write (board, out, sizeof out - 1);
    }
  else
    fake_write (board, "OK\x04\x04>", 5);
}

static gpointer
fake_board_thread (gpointer data)
{
  static const char raw_banner[] = "\r\nraw REPL; CTRL-B to exit\r\n>";
  static const char friendly[] = "\r\nMicroPython v1.9.2 on 2017-09-01; fake board with nRF51822\r\nType \"help()\" for more information.\r\n>>> ";
  FakeBoard *board = data;
  g_autoptr(GString) code = g_string_new (NULL);
  gboolean raw = FALSE;
  int probe = 0;

  while (!board->stop)
    {
      struct pollfd pfd = { board->master, POLLIN, 0 };
      char buf[256];
      ssize_t n;

      if (poll (&pfd, 1, 20) <= 0)
        continue;
      n = read (board->master, buf, sizeof buf);
      if (n <= 0)
        {
          g_usleep (5000);
          continue;
        }

      for (ssize_t i = 0; i < n; i++)
        {
          char c = buf[i];

          if (probe == 1 && c == 'A')
            {
              probe = 2;
              continue;
            }
          if (probe == 2 && c == '\x01')
            {
              /* Raw paste not supported, as on the micro:bit's firmware. */
              probe = 0;
              fake_write (board, "R\x00", 2);
              continue;
            }
          probe = 0;

          switch (c)
            {
            case '\x01':
              raw = TRUE;
              g_string_truncate (code, 0);
              fake_write (board, raw_banner, sizeof raw_banner - 1);
              break;
            case '\x02':
              raw = FALSE;
              fake_write (board, friendly, sizeof friendly - 1);
              break;
            case '\x03':
              g_string_truncate (code, 0);
              if (!raw)
                fake_write (board, "\r\n>>> ", 6);
              break;
            case '\x05':
              if (raw)
                probe = 1;
              break;
            case '\x04':
              if (raw)
                {
                  fake_reply (board, code);
                  g_string_truncate (code, 0);
                }
              break;
            default:
              if (raw)
                g_string_append_c (code, c);
              break;
            }
        }
    }

  return NULL;
}

static FakeBoard *
fake_board_new (const char *fixture,
                gulong      chunk_delay_us)
{
  FakeBoard *board = g_new0 (FakeBoard, 1);
  g_autofree char *path = fixture_path (fixture);
  struct termios tio;

  g_assert_true (g_file_get_contents (path, &board->dump, &board->dump_len, NULL));

  board->master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (board->master, >=, 0);
  g_assert_cmpint (grantpt (board->master), ==, 0);
  g_assert_cmpint (unlockpt (board->master), ==, 0);
  board->slave_name = g_strdup (ptsname (board->master));
  /* Keep one end of the slave open and raw, so the pty lives between the app's opens. */
  board->slave = open (board->slave_name, O_RDWR | O_NOCTTY);
  g_assert_cmpint (board->slave, >=, 0);
  g_assert_cmpint (tcgetattr (board->slave, &tio), ==, 0);
  cfmakeraw (&tio);
  g_assert_cmpint (tcsetattr (board->slave, TCSANOW, &tio), ==, 0);

  board->chunk_delay_us = chunk_delay_us;
  board->thread = g_thread_new ("fake-board", fake_board_thread, board);

  return board;
}

static void
fake_board_free (FakeBoard *board)
{
  board->stop = 1;
  g_thread_join (board->thread);
  close (board->slave);
  close (board->master);
  g_free (board->slave_name);
  g_free (board->dump);
  g_free (board);
}

typedef struct {
  guint  n;
  gint64 last;
  gint64 max_gap;
} Ticks;

static gboolean
count_tick_cb (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  if (ticks->n > 0)
    ticks->max_gap = MAX (ticks->max_gap, now - ticks->last);
  ticks->last = now;
  ticks->n++;
  return G_SOURCE_CONTINUE;
}

static void
busy_cb (MpyDeviceSidebar *sidebar,
         GParamSpec       *pspec,
         gboolean         *seen_busy)
{
  if (mpy_device_sidebar_get_busy (sidebar))
    *seen_busy = TRUE;
}

static gboolean
not_busy (gpointer data)
{
  return !mpy_device_sidebar_get_busy (MPY_DEVICE_SIDEBAR (data));
}

typedef struct {
  MpyDeviceSidebar *sidebar;
  const char       *needle;
} OutputWait;

static gboolean
output_has (gpointer data)
{
  OutputWait *wait = data;
  g_autofree char *text = mpy_device_sidebar_dup_output (wait->sidebar);

  return strstr (text, wait->needle) != NULL;
}

static void
test_capture_from_fake_board (void)
{
  /* About a second per dump, as a board at a low baud rate. */
  FakeBoard *board = fake_board_new ("unix-heap256k-after-alloc.txt", 25000);
  MpyWindow *window = new_window (TRUE);
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);
  g_autofree char *path = fixture_path ("unix-heap256k-after-alloc.txt");
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen_busy = FALSE;
  Ticks ticks = { 0 };
  guint tick_id;
  gint64 capture_time;
  RowCount count = { window, 1 };
  MpySnapshot *captured;

  expected = mpy_dump_reader_read_file (path, &error);
  g_assert_no_error (error);

  mpy_device_sidebar_set_path (sidebar, board->slave_name);
  g_signal_connect (sidebar, "notify::busy", G_CALLBACK (busy_cb), &seen_busy);
  tick_id = g_timeout_add (5, count_tick_cb, &ticks);

  /* Ctrl+R: the capture replaces the sample and is shown at once. */
  capture_time = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (not_busy, sidebar, 30000));
  capture_time = g_get_monotonic_time () - capture_time;
  /* (The capture replaces the sample's rows.) */
  g_assert_true (run_until (has_exactly_rows, &count, 5000));
  g_assert_null (mpy_window_get_error_message (window));
  g_assert_cmpuint (n_rows (window), ==, 1);
  g_source_remove (tick_id);
  /* The fake board streams the dump over about a second. */
  g_assert_cmpint (capture_time, >, 500 * 1000);

  /* The window stayed responsive: the main loop ran many times while the dump streamed in,
   * and the sidebar showed an operation in progress (with Cancel). */
  g_assert_true (seen_busy);
  /* (A blocked main loop would show one gap as long as the whole capture.) */
  g_assert_cmpuint (ticks.n, >=, 5);
  g_assert_cmpint (ticks.max_gap, <, capture_time / 2);
  g_assert_cmpuint (board->n_mem_info, ==, 1);

  captured = row_snapshot (window, 0);
  g_assert_false (mpy_snapshot_is_damaged (captured));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (captured), ==,
                    mpy_snapshot_get_n_blocks (g_ptr_array_index (expected, 0)));
  g_assert_cmpstr (mpy_snapshot_get_label (captured), ==, "Capture 1");
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);
  g_assert_true (mpy_window_get_shown_snapshot (window) == captured);

  /* Before and after gc.collect(): two more snapshots, shown as a diff. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture-before-after", NULL));
  count.n = 3;
  g_assert_true (run_until (has_exactly_rows, &count, 30000));
  g_assert_true (run_until (not_busy, sidebar, 30000));
  g_assert_null (mpy_window_get_error_message (window));
  g_assert_cmpuint (n_rows (window), ==, 3);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_DIFF);

  /* Run on board: output and traceback in the sidebar. */
  mpy_device_sidebar_run (sidebar, "print('hello')");
  {
    OutputWait wait = { sidebar, "hello from the board" };
    g_assert_true (run_until (output_has, &wait, 10000));
  }
  g_assert_true (run_until (not_busy, sidebar, 10000));
  mpy_device_sidebar_run (sidebar, "1/0");
  {
    OutputWait wait = { sidebar, "ZeroDivisionError" };
    g_assert_true (run_until (output_has, &wait, 10000));
  }
  g_assert_true (run_until (not_busy, sidebar, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (200);  /* let the connection close the port */
  fake_board_free (board);
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_capture_from_emulated_microbit (void)
{
#ifdef HAVE_TEST_BOARD
  g_autoptr(MpyTestBoard) board = NULL;
  g_autoptr(GError) error = NULL;
  MpyWindow *window;
  MpyDeviceSidebar *sidebar;
  MpySnapshot *captured;
  guint64 total;

  board = mpy_test_board_start_qemu (&error);
  if (board == NULL)
    {
      g_autofree char *why = g_strdup_printf ("No emulated micro:bit: %s", error->message);
      g_test_skip (why);
      return;
    }

  window = new_window (FALSE);
  sidebar = mpy_window_get_device_sidebar (window);
  mpy_device_sidebar_set_path (sidebar, board->link);

  /* Real MicroPython 1.9.2 firmware (its 10 KB heap arrives too fast to time the main loop:
   * the fake board's slow stream does that above). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (not_busy, sidebar, 60000));
  g_assert_cmpstr (mpy_window_get_error_message (window), ==, NULL);
  g_assert_cmpuint (n_rows (window), ==, 1);

  /* The micro:bit's heap: 16-byte blocks that add up to the GC total it printed. */
  captured = row_snapshot (window, 0);
  g_assert_false (mpy_snapshot_is_damaged (captured));
  g_assert_true (mpy_snapshot_has_map (captured));
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (captured), ==, 16);
  g_assert_true (mpy_snapshot_get_figure (captured, MPY_FIGURE_GC_TOTAL, &total));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (captured) * 16, ==, total);
  g_assert_cmpint (mpy_window_get_view_mode (window), ==, MPY_VIEW_MAP);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (300);  /* the connection leaves the raw REPL and closes the port */
#else
  g_test_skip ("Built without the device test boards (tests/device)");
#endif
}

static void
test_capture_cancel (void)
{
  FakeBoard *board = fake_board_new ("unix-heap256k-after-alloc.txt", 25000);
  MpyWindow *window = new_window (FALSE);
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);
  RowCount count = { window, 1 };
  gboolean seen_busy = FALSE;
  GtkWidget *capture_button = find_action_button (gtk_window_get_titlebar (GTK_WINDOW (window)), "win.capture");

  g_assert_nonnull (capture_button);
  mpy_device_sidebar_set_path (sidebar, board->slave_name);
  g_signal_connect (sidebar, "notify::busy", G_CALLBACK (busy_cb), &seen_busy);

  /* Cancel while the dump streams in: nothing is added, no error is shown, the board is free. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (seen_busy);
  run_for (20);
  g_assert_false (gtk_widget_get_sensitive (capture_button));
  run_for (150);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  g_assert_true (run_until (not_busy, sidebar, 10000));
  run_for (50);
  g_assert_cmpuint (n_rows (window), ==, 0);
  g_assert_null (mpy_window_get_error_message (window));
  g_assert_true (gtk_widget_get_sensitive (capture_button));

  /* The next capture works. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (has_rows, &count, 30000));
  g_assert_true (run_until (not_busy, sidebar, 30000));
  g_assert_cmpuint (n_rows (window), ==, 1);
  g_assert_false (mpy_snapshot_is_damaged (row_snapshot (window, 0)));

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (200);
  fake_board_free (board);
}

static gboolean
journal_has_snapshots (gpointer data)
{
  g_autoptr(GPtrArray) journal = mpy_autosave_load (data, NULL);

  return journal != NULL && journal->len > 0;
}

static gboolean
second_dump_requested (gpointer data)
{
  return ((FakeBoard *) data)->n_mem_info >= 2;
}

static void
test_close_during_capture_keeps_first_half (void)
{
  FakeBoard *board = fake_board_new ("unix-heap256k-after-alloc.txt", 15000);
  g_autofree char *journal_path = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GError) error = NULL;
  MpyWindow *window = new_window (TRUE);

  journal_path = g_strdup (mpy_window_get_autosave_path (window));
  mpy_device_sidebar_set_path (mpy_window_get_device_sidebar (window), board->slave_name);

  /* Before and after gc.collect(): the user closes the window while the second dump streams in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture-before-after", NULL));
  g_assert_true (run_until (second_dump_requested, board, 30000));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (run_until (journal_has_snapshots, journal_path, 15000));

  /* The first capture is not lost: it is in the journal the next start offers back. */
  journal = mpy_autosave_load (journal_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (journal);
  /* (The second half is there too only if it finished before the cancel reached the board.) */
  g_assert_cmpuint (journal->len, >=, 1);
  g_assert_nonnull (strstr (mpy_snapshot_get_label (g_ptr_array_index (journal, 0)), "before gc.collect()"));
  g_test_message ("%u snapshot(s) in the journal", journal->len);
  /* The closed window no longer holds its journal: the next start may claim it. */
  {
    g_autoptr(MpyJournalLock) lock = mpy_journal_lock_try (journal_path, &error);

    g_assert_no_error (error);
    g_assert_nonnull (lock);
    mpy_journal_lock_discard (g_steal_pointer (&lock));
  }

  fake_board_free (board);
}

static void
test_capture_gc_setting (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "com.example.MpyMemMap", TRUE) : NULL;
  FakeBoard *board;
  MpyWindow *window;
  RowCount count;

  if (schema == NULL)
    {
      g_test_skip ("The GSettings schema is not compiled in this build (GSETTINGS_SCHEMA_DIR)");
      return;
    }

  board = fake_board_new ("unix-heap256k-after-alloc.txt", 1000);
  window = new_window (FALSE);
  count.window = window;
  count.n = 1;
  mpy_device_sidebar_set_path (mpy_window_get_device_sidebar (window), board->slave_name);

  /* Capture menu → Always Run gc.collect() First: a plain Capture (Ctrl+R) collects first. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "gc-before-capture"));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "gc-before-capture", g_variant_new_boolean (TRUE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (has_rows, &count, 30000));
  g_assert_true (run_until (not_busy, mpy_window_get_device_sidebar (window), 30000));
  g_assert_cmpuint (board->n_gc, ==, 1);
  g_assert_nonnull (strstr (mpy_snapshot_get_label (row_snapshot (window, 0)), "gc.collect()"));

  /* Off again: no collection. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "gc-before-capture", g_variant_new_boolean (FALSE));
  count.n = 2;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (has_rows, &count, 30000));
  g_assert_true (run_until (not_busy, mpy_window_get_device_sidebar (window), 30000));
  g_assert_cmpuint (board->n_gc, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (200);
  fake_board_free (board);
}

static void
test_capture_error_is_shown (void)
{
  MpyWindow *window = new_window (TRUE);
  MpyDeviceSidebar *sidebar = mpy_window_get_device_sidebar (window);
  guint before = n_rows (window);

  mpy_device_sidebar_set_path (sidebar, "/dev/mpymemmap-no-such-port");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.capture", NULL));
  g_assert_true (run_until (error_shown, window, 20000));
  /* The device layer's message reaches the window; nothing is lost or added. */
  g_assert_cmpuint (n_rows (window), ==, before);
  g_assert_nonnull (strstr (mpy_window_get_error_message (window), "capture"));

  gtk_window_destroy (GTK_WINDOW (window));
}

#else /* !HAVE_DEVICE */

static void
skip_without_device (void)
{
  g_test_skip ("This build has no device layer (-Ddevice=false): no capture to test");
}

#define test_capture_from_fake_board skip_without_device
#define test_capture_cancel skip_without_device
#define test_capture_from_emulated_microbit skip_without_device
#define test_capture_error_is_shown skip_without_device
#define test_capture_gc_setting skip_without_device
#define test_close_during_capture_keeps_first_half skip_without_device

#endif /* HAVE_DEVICE */

int
main (int   argc,
      char *argv[])
{
  int ret;

  mpy_test_app_init (&argc, &argv);

  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/app/window/sample-session", test_sample_session);
  g_test_add_func ("/app/window/select-two-shows-diff", test_select_two_shows_diff);
  g_test_add_func ("/app/window/incompatible-pair-is-explained", test_incompatible_pair_is_explained);
  g_test_add_func ("/app/window/named-log-console-and-figure-diff", test_named_log_console_and_figure_diff);
  g_test_add_func ("/app/window/export-png", test_export_png);
  g_test_add_func ("/app/window/open-console-log", test_open_console_log);
  g_test_add_func ("/app/window/invalid-utf8-label-shown-replaced", test_import_invalid_utf8_label);
  g_test_add_func ("/app/window/open-bad-file-shows-error", test_open_bad_file_shows_error);
  g_test_add_func ("/app/window/open-truncated-session-says-what-was-cut",
                   test_open_truncated_session_says_what_was_cut);
  g_test_add_func ("/app/window/open-several-keeps-order-and-reports-each-failure",
                   test_open_several_keeps_order_and_reports_each_failure);
  g_test_add_func ("/app/window/opened-session-is-journaled-once-changed",
                   test_opened_session_is_journaled_once_changed);
  g_test_add_func ("/app/window/paste-text", test_paste_text);
  g_test_add_func ("/app/window/save-round-trip", test_save_round_trip);
  g_test_add_func ("/app/window/autosave-restore", test_autosave_restore);
  g_test_add_func ("/app/window/pasted-snapshot-is-journaled", test_pasted_snapshot_is_journaled);
  g_test_add_func ("/app/window/journals-of-running-instances-are-not-offered",
                   test_journals_of_running_instances_are_not_offered);
  g_test_add_func ("/app/window/rename-and-delete", test_rename_and_delete);
  g_test_add_func ("/app/window/rename-inline", test_rename_inline);
  g_test_add_func ("/app/window/damaged-dump-is-marked", test_damaged_dump_is_marked);
  g_test_add_func ("/app/window/drop-files", test_drop_files);
  g_test_add_func ("/app/window/line-overrides-per-port", test_line_overrides_per_port);
  g_test_add_func ("/app/window/raw-paste-off-per-port", test_raw_paste_off_per_port);
  g_test_add_func ("/app/window/application-opens-files", test_application_opens_files);
  g_test_add_func ("/app/window/zoom-actions-and-accels", test_zoom_actions_and_accels);
  g_test_add_func ("/app/window/keyboard-shortcuts-window", test_keyboard_shortcuts_window);
  g_test_add_func ("/app/window/capture-from-fake-board", test_capture_from_fake_board);
  g_test_add_func ("/app/window/capture-from-emulated-microbit", test_capture_from_emulated_microbit);
  g_test_add_func ("/app/window/capture-cancel", test_capture_cancel);
  g_test_add_func ("/app/window/close-during-capture-keeps-first-half", test_close_during_capture_keeps_first_half);
  g_test_add_func ("/app/window/capture-gc-setting", test_capture_gc_setting);
  g_test_add_func ("/app/window/capture-error-is-shown", test_capture_error_is_shown);

  ret = g_test_run ();

  g_object_unref (app);
  mpy_test_app_cleanup ();
  return ret;
}
